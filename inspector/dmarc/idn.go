package dmarc

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// toASCII turns an internationalised domain name into the ASCII form that
// DNS and the public suffix list use: each label with a character outside
// ASCII is mapped and encoded by IDNA (UTS #46 lookup profile) into its
// "xn--" form; ASCII labels are only lower-cased, so that names IDNA's
// strict rules refuse but DNS carries (an underscore) still work. ok is
// false for a label IDNA rejects.
func toASCII(domain string) (string, bool) {
	labels := strings.Split(domain, ".")
	for i, l := range labels {
		if isASCII(l) {
			labels[i] = strings.ToLower(l)
			continue
		}
		// No valid label is this long even in Unicode form.
		if len(l) > 4*63 || !utf8.ValidString(l) {
			return "", false
		}
		a, err := idna.Lookup.ToASCII(l)
		if err != nil || a == "" || strings.Contains(a, ".") {
			return "", false
		}
		labels[i] = a
	}
	return strings.Join(labels, "."), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
