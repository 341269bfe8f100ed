package signals

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"go.mau.fi/util/confusable"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
)

// key is the form in which two names that look alike compare equal: the
// UTS #39 skeleton (Unicode 17 confusables, so Cyrillic "а" and Latin "a",
// "1" and "l", "m" and "rn" meet), lower case, without accents, and with
// the ASCII look-alikes the skeleton keeps apart folded together ("vv" as
// "w"). It is for comparing only, never for display.
func key(s string) string {
	sk := strings.ToLower(confusable.Skeleton(s))
	// The skeleton is in NFD: drop the combining marks, so that "pàypal"
	// meets "paypal".
	var b strings.Builder
	b.Grow(len(sk))
	for _, r := range sk {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), "vv", "w")
}

// minEditLen is the shortest protected label that a one-character
// difference is taken to imitate: below it, too many unrelated short
// names are one edit apart (ibm and ibn).
const minEditLen = 5

// oneEdit says whether a and b differ by exactly one insertion, deletion,
// substitution or swap of two neighbouring characters.
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	switch len(ra) - len(rb) {
	case 0:
		var diff []int
		for i := range ra {
			if ra[i] != rb[i] {
				if diff = append(diff, i); len(diff) > 2 {
					return false
				}
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && ra[i] == rb[j] && ra[j] == rb[i]
		}
		return false
	case 1:
		i := 0
		for i < len(rb) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i+1:]) == string(rb[i:])
	}
	return false
}

// protected is a domain the reader trusts, and why.
type protected struct {
	org   string // organisational domain, normalised (ASCII)
	label string // its registrable label, Unicode form
	key   string // key(label)
	why   string // "your own domain", "PayPal's domain", ...
	// known says it is the domain of a sender seen before.
	known bool
}

func newProtected(d, why string) (protected, bool) {
	org := domain.OrgOrSelf(d)
	label, _ := registrable(org)
	if label == "" || label == documentation {
		return protected{}, false
	}
	return protected{org: org, label: label, key: key(label), why: why}, true
}

// documentation is the label of the names reserved for examples
// (example.com, example.net and example.org, RFC 2606 section 3) and used
// so under other suffixes too: shared by everyone's examples, it imitates
// nothing and is imitated by nothing.
const documentation = "example"

// registrable splits an organisational domain into its registrable label
// (in Unicode form) and the public suffix after it. It gives "" for a
// name without one (an address, a single label).
func registrable(org string) (label, suffix string) {
	if org == "" || strings.HasPrefix(org, "[") || !strings.Contains(org, ".") {
		return "", ""
	}
	label, suffix, _ = strings.Cut(org, ".")
	if u, err := idna.ToUnicode(label); err == nil {
		label = u
	}
	return label, suffix
}

// genericLabels are brand names that are also common words or very
// short: the same word under another public suffix is as likely another
// organisation as an imitation (office.de is not Microsoft's), and words
// one letter apart are other words (apply, ample).
var genericLabels = map[string]bool{
	"office": true, "outlook": true, "windows": true, "apple": true, "amazon": true, "chase": true, "live": true,
	"bing": true, "azure": true, "meta": true, "mac": true, "me": true, "x": true, "t": true, "fb": true, "wf": true, "aws": true,
}

// candidate is a domain name being judged, read once for comparing with
// every protected domain.
type candidate struct {
	org, label, key string
	// words are the parts of a hyphenated label, with their keys.
	words, wordKeys []string
}

func newCandidate(d string) (candidate, bool) {
	org := domain.OrgOrSelf(d)
	label, _ := registrable(org)
	if label == "" || label == documentation {
		return candidate{}, false
	}
	c := candidate{org: org, label: label, key: key(label)}
	if strings.Contains(label, "-") {
		for w := range strings.SplitSeq(label, "-") {
			if utf8.RuneCountInString(w) >= 4 {
				c.words, c.wordKeys = append(c.words, w), append(c.wordKeys, key(w))
			}
		}
	}
	return c, true
}

// imitation says how c imitates p, or "" when it does not. An identical
// organisational domain is never an imitation; the same label under
// another public suffix is (paypal.net for paypal.com). weak says the
// resemblance is only that of a common word under another suffix: it
// lowers the signal.
func imitation(c candidate, p protected) (how string, weak bool) {
	if c.org == p.org || utf8.RuneCountInString(p.label) < 3 {
		return "", false
	}
	generic := genericLabels[p.label]
	switch {
	case c.label == p.label:
		return "it is the name " + p.label + " under another ending", generic
	case c.key == p.key:
		return "its name " + c.label + " looks the same as " + p.label, false
	case !generic && utf8.RuneCountInString(p.key) >= minEditLen && oneEdit(c.key, p.key):
		return "its name " + c.label + " differs from " + p.label + " by one character", false
	}
	// A word of a hyphenated name that looks like the protected name
	// without being it: "paypa1" in paypa1-billing.
	for i, w := range c.words {
		if w != p.label && c.wordKeys[i] == p.key {
			return "its name " + c.label + " holds " + w + ", which looks like " + p.label, false
		}
	}
	return "", false
}

// Scripts. A label is "highly restrictive" in the sense of UTS #39
// section 5.2 when its characters, Common and Inherited ones (digits, the
// hyphen, combining marks) left aside, are of one script, or of Latin with
// Han and Hiragana and Katakana (Japanese), Han and Bopomofo (Chinese) or
// Han and Hangul (Korean). Go's unicode tables give the Script property,
// not Script_Extensions: a character that belongs to several scripts
// counts in its main one.
var allowedMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// scripts returns the scripts of the characters of s, Common and
// Inherited left out.
func scripts(s string) []string {
	var out []string
	for _, r := range s {
		sc := scriptOf(r)
		if sc == "" || sc == "Common" || sc == "Inherited" {
			continue
		}
		if !contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

func scriptOf(r rune) string {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return "Latin"
		}
		return "Common"
	case unicode.Is(unicode.Latin, r):
		return "Latin"
	case unicode.Is(unicode.Cyrillic, r):
		return "Cyrillic"
	case unicode.Is(unicode.Greek, r):
		return "Greek"
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}

// highlyRestrictive says whether the scripts of a label pass UTS #39's
// Highly Restrictive level.
func highlyRestrictive(scs []string) bool {
	if len(scs) <= 1 {
		return true
	}
	for _, mix := range allowedMixes {
		all := true
		for _, s := range scs {
			if !contains(mix, s) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// unicodeForm is the Unicode form of a domain name for display ("xn--"
// labels decoded), NFC; the name itself when it cannot be decoded.
func unicodeForm(d string) string {
	u, err := idna.ToUnicode(d)
	if err != nil {
		return d
	}
	return norm.NFC.String(u)
}
