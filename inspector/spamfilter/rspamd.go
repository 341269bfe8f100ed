package spamfilter

import (
	"cmp"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// SpamdResult is an X-Spamd-Result field, read: "default: False [1.20 /
// 15.00]; SYMBOL(0.10)[options]; ...".
type SpamdResult struct {
	// Metric is the metric's name ("default"), IsSpam its True or False.
	Metric string
	IsSpam *bool
	// Score and Threshold are the two numbers of "[score / threshold]";
	// the threshold is the score of the reject action.
	Score, Threshold *float64
	Symbols          []Symbol
}

// Symbol is one rspamd symbol that fired, with its score and options.
type Symbol struct {
	Name, Score, Options string
}

// ParseSpamdResult reads the value of an X-Spamd-Result field (folding
// allowed). Parts are split at semicolons outside brackets: an option may
// hold one.
func ParseSpamdResult(raw string) SpamdResult {
	var r SpamdResult
	parts := splitOutside(message.Unfold(raw), ';')
	if len(parts) == 0 {
		return r
	}
	head := parts[0]
	if name, rest, ok := strings.Cut(head, ":"); ok {
		r.Metric = strings.TrimSpace(name)
		rest = strings.TrimSpace(rest)
		word, nums, _ := strings.Cut(rest, "[")
		switch strings.ToLower(strings.TrimSpace(word)) {
		case "true":
			r.IsSpam = boolPtr(true)
		case "false":
			r.IsSpam = boolPtr(false)
		}
		nums, _, _ = strings.Cut(nums, "]")
		score, threshold, _ := strings.Cut(nums, "/")
		if n, ok := parseNumber(score); ok {
			r.Score = number(n)
		}
		if n, ok := parseNumber(threshold); ok {
			r.Threshold = number(n)
		}
	}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		open := strings.IndexByte(p, '(')
		if open <= 0 {
			continue
		}
		s := Symbol{Name: strings.TrimSpace(p[:open])}
		rest := p[open+1:]
		score, after, ok := strings.Cut(rest, ")")
		if !ok {
			continue
		}
		s.Score = strings.TrimSpace(score)
		if o, ok := strings.CutPrefix(strings.TrimSpace(after), "["); ok {
			s.Options = strings.TrimSuffix(o, "]")
		}
		r.Symbols = append(r.Symbols, s)
		if len(r.Symbols) >= 300 {
			break
		}
	}
	return r
}

// splitOutside splits s at sep where it is not inside brackets or
// parentheses.
func splitOutside(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

func boolPtr(b bool) *bool { return &b }

// rspamdActions are the actions rspamd can take, as X-Rspamd-Action
// names them.
var rspamdActions = map[string]string{
	"no action":       "delivered as it was",
	"greylist":        "delayed: the sending server was asked to try again later",
	"add header":      "delivered marked as spam (usually to the spam folder)",
	"rewrite subject": "delivered with a spam mark in the Subject",
	"soft reject":     "refused for now (a temporary failure)",
	"reject":          "refused as spam",
}

// decodeRspamd reads the rspamd family: the score, the threshold (the
// second number of "[score / threshold]", the score of the reject action)
// and each symbol.
func decodeRspamd(f *Filter, fields map[string]string) {
	verdict := VerdictUnknown
	if raw, ok := fields["X-Spamd-Result"]; ok {
		r := ParseSpamdResult(raw)
		f.Score, f.Threshold = r.Score, r.Threshold
		if r.IsSpam != nil {
			word := "False"
			if *r.IsSpam {
				word = "True"
			}
			f.item(r.Metric, word, "rspamd's spam flag for the metric: True when its action is to reject or mark the message")
		}
		if r.Score != nil {
			f.item("score", formatNumber(*r.Score), "the sum of the scores of the symbols that fired")
		}
		if r.Threshold != nil {
			f.item("threshold", formatNumber(*r.Threshold), "the score of the reject action (lower thresholds add a spam header or greylist)")
		}
		for _, s := range r.Symbols {
			val := s.Score
			if s.Options != "" {
				val += " [" + s.Options + "]"
			}
			f.item(s.Name, val, cmp.Or(testMeaning(s.Name, rspamdSymbols), "an rspamd symbol (no description here)"))
		}
		switch {
		case r.IsSpam != nil && *r.IsSpam:
			verdict = VerdictSpam
		case r.Score != nil && r.Threshold != nil && *r.Score >= *r.Threshold:
			verdict = VerdictSpam
		case r.IsSpam != nil || r.Score != nil:
			verdict = VerdictNotSpam
		}
	}
	if raw, ok := fields["X-Rspamd-Score"]; ok {
		val := message.Unfold(raw)
		if n, ok := parseNumber(val); ok && f.Score == nil {
			f.Score = number(n)
			if verdict == VerdictUnknown {
				verdict = VerdictNotSpam
			}
		}
		f.item("X-Rspamd-Score", val, "the spam score")
	}
	if raw, ok := fields["X-Rspamd-Action"]; ok {
		val := message.Unfold(raw)
		meaning := "what rspamd decided to do"
		if m, ok := rspamdActions[strings.ToLower(val)]; ok {
			meaning += ": " + m
		}
		switch strings.ToLower(val) {
		case "add header", "rewrite subject", "reject", "soft reject":
			verdict = VerdictSpam
		case "no action", "greylist":
			if verdict == VerdictUnknown {
				verdict = VerdictNotSpam
			}
		}
		f.item("X-Rspamd-Action", val, meaning)
	}
	if raw, ok := fields["X-Spam"]; ok {
		val := message.Unfold(raw)
		f.item("X-Spam", val, "Yes when rspamd marked the message as spam (its add header action)")
		if strings.EqualFold(val, "yes") {
			verdict = VerdictSpam
		}
	}
	if raw, ok := fields["X-Rspamd-Server"]; ok {
		f.item("X-Rspamd-Server", message.Unfold(raw), "the host that ran rspamd")
	}
	f.Verdict = verdict
}
