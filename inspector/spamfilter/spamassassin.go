package spamfilter

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// statusTag finds the tags of X-Spam-Status that SpamAssassin writes after
// "Yes," or "No,": score (hits before 3.0), required, tests, autolearn,
// autolearn_force, shortcircuit and version; amavisd-new adds
// tagged_above and writes tests=[NAME=score, ...].
var statusTag = regexp.MustCompile(`(?i)(?:^|[\s,])(score|hits|required|tagged_above|tests|autolearn|autolearn_force|shortcircuit|version)=`)

// Status is an X-Spam-Status field, read.
type Status struct {
	// Spam is the Yes or No at its start; Flagged says it was there.
	Spam, Flagged bool
	// Score and Required are score= (or hits=) and required=, the
	// threshold; nil when absent or unreadable.
	Score, Required *float64
	// Tests are the names of tests= in order, each with its score when
	// the field gives one (tests=NAME=1.2, the _TESTSSCORES_ form).
	Tests []Test
	// Tags holds the other tags (autolearn, version, ...).
	Tags [][2]string
}

// Test is one SpamAssassin test that hit, with its score when known.
type Test struct {
	Name  string
	Score string
}

// ParseStatus reads the value of an X-Spam-Status field (folding allowed).
func ParseStatus(raw string) Status {
	v := message.Unfold(raw)
	var s Status
	head, _, _ := strings.Cut(v, ",")
	switch strings.ToLower(strings.TrimSpace(head)) {
	case "yes":
		s.Spam, s.Flagged = true, true
	case "no":
		s.Flagged = true
	}
	locs := statusTag.FindAllStringSubmatchIndex(v, -1)
	for i, loc := range locs {
		name := strings.ToLower(v[loc[2]:loc[3]])
		end := len(v)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		val := strings.TrimSpace(v[loc[1]:end])
		switch name {
		case "score", "hits":
			if n, ok := parseNumber(val); ok {
				s.Score = number(n)
			}
		case "required":
			if n, ok := parseNumber(val); ok {
				s.Required = number(n)
			}
		case "tests":
			s.Tests = append(s.Tests, parseTests(val)...)
		default:
			s.Tags = append(s.Tags, [2]string{name, val})
		}
	}
	return s
}

// parseTests splits a tests= list: names separated by commas, folded
// anywhere, each possibly NAME=score.
func parseTests(val string) []Test {
	var out []Test
	val = strings.TrimSuffix(strings.TrimPrefix(val, "["), "]")
	for _, t := range strings.Split(strings.Join(strings.Fields(val), ""), ",") {
		if t == "" || strings.EqualFold(t, "none") {
			continue
		}
		name, score, _ := strings.Cut(t, "=")
		out = append(out, Test{Name: name, Score: score})
		if len(out) >= 300 {
			break
		}
	}
	return out
}

// reportLine is a line of an X-Spam-Report table: " * 3.5 BAYES_99 BODY:
// Bayes spam probability is 99 to 100%".
var reportLine = regexp.MustCompile(`^\s*\*?\s*(-?\d+(?:\.\d+)?)\s+([A-Za-z0-9_]+)\s+(.*)$`)

// ParseReport reads the score and description of each test from an
// X-Spam-Report field, by test name.
func ParseReport(raw string) map[string][2]string {
	out := map[string][2]string{}
	for _, line := range strings.FieldsFunc(raw, func(r rune) bool { return r == '\r' || r == '\n' }) {
		m := reportLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if _, seen := out[m[2]]; !seen && len(out) < 300 {
			out[m[2]] = [2]string{m[1], strings.TrimSpace(m[3])}
		}
	}
	return out
}

// decodeSpamAssassin reads the SpamAssassin family: the score, required=
// as the threshold (the score at which SpamAssassin calls a message
// spam; not tagged_above, which only says from when fields are added),
// and each test with its score.
func decodeSpamAssassin(f *Filter, fields map[string]string) {
	report := ParseReport(fields["X-Spam-Report"])
	verdict := VerdictUnknown
	if raw, ok := fields["X-Spam-Status"]; ok {
		s := ParseStatus(raw)
		f.Score, f.Threshold = s.Score, s.Required
		if s.Flagged {
			verdict = VerdictNotSpam
			word := "No"
			if s.Spam {
				verdict, word = VerdictSpam, "Yes"
			}
			f.item("X-Spam-Status", word, "SpamAssassin's verdict: Yes when the score reached required=")
		}
		if s.Score != nil {
			f.item("score", formatNumber(*s.Score), "the sum of the scores of the tests that hit")
		}
		if s.Required != nil {
			f.item("required", formatNumber(*s.Required), "the threshold: from this score on, SpamAssassin calls the message spam")
		}
		for _, t := range s.Tests {
			score, meaning := t.Score, testMeaning(t.Name, saTests)
			if r, ok := report[t.Name]; ok {
				score = cmp.Or(score, r[0])
				if meaning == "" {
					meaning = r[1]
				}
			}
			f.item(t.Name, score, cmp.Or(meaning, "a SpamAssassin test (no description here)"))
		}
		for _, tag := range s.Tags {
			f.item(tag[0], tag[1], saTagMeaning[tag[0]])
		}
	}
	if raw, ok := fields["X-Spam-Flag"]; ok {
		val := message.Unfold(raw)
		f.item("X-Spam-Flag", val, "YES when the message was classed as spam")
		if strings.EqualFold(val, "yes") {
			verdict = VerdictSpam
		} else if verdict == VerdictUnknown && strings.EqualFold(val, "no") {
			verdict = VerdictNotSpam
		}
	}
	if raw, ok := fields["X-Spam-Score"]; ok {
		val := message.Unfold(raw)
		if n, ok := parseNumber(val); ok && f.Score == nil {
			f.Score = number(n)
		}
		f.item("X-Spam-Score", val, "the spam score")
	}
	if raw, ok := fields["X-Spam-Level"]; ok {
		val := message.Unfold(raw)
		f.item("X-Spam-Level", val, "one star for each whole point of score")
	}
	if raw, ok := fields["X-Spam-Checker-Version"]; ok {
		f.item("X-Spam-Checker-Version", message.Unfold(raw), "the SpamAssassin version and the host that ran it")
	}
	if verdict == VerdictUnknown && f.Score != nil && f.Threshold != nil {
		verdict = VerdictNotSpam
		if *f.Score >= *f.Threshold {
			verdict = VerdictSpam
		}
	}
	f.Verdict = verdict
}

var saTagMeaning = map[string]string{
	"autolearn":       "whether the message was fed to the Bayes filter as an example (ham, spam, no, disabled, unavailable, failed)",
	"autolearn_force": "whether the Bayes learning was forced by a rule",
	"shortcircuit":    "a rule ended the scan early",
	"version":         "the SpamAssassin version",
	"tagged_above":    "the score from which amavisd-new adds these fields; not the spam threshold (required= is)",
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
