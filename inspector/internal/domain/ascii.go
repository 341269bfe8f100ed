package domain

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ToASCII turns an internationalised domain name into the ASCII form that
// DNS and the public suffix list use (RFC 5890): each label with a
// character outside ASCII is mapped and encoded by IDNA (UTS #46 lookup
// profile) into its "xn--" form; ASCII labels are only lower-cased, so that
// names IDNA's strict rules refuse but DNS carries (an underscore) still
// work. ok is false for a label IDNA rejects.
func ToASCII(name string) (string, bool) {
	if isASCII(name) {
		return strings.ToLower(name), true
	}
	labels := strings.Split(name, ".")
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

// Normalize gives the form in which two spellings of one name compare
// equal: trimmed, lower case, without a trailing dot, Unicode labels in
// their "xn--" form (kept as they are when IDNA refuses them).
func Normalize(name string) string {
	d := strings.TrimSuffix(strings.TrimSpace(name), ".")
	if a, ok := ToASCII(d); ok {
		return a
	}
	return strings.ToLower(d)
}

// Equal says whether a and b are the same name (and not empty).
func Equal(a, b string) bool {
	na := Normalize(a)
	return na != "" && na == Normalize(b)
}

// Within says whether name is parent or below it, label by label: a.b.example
// is within b.example, ab.example is not.
func Within(name, parent string) bool {
	n, p := Normalize(name), Normalize(parent)
	return p != "" && (n == p || strings.HasSuffix(n, "."+p))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// OfAddress is the domain of a mail address ("bob@example.org",
// "<bob@Example.org.>"): what follows the last "@", lower case, without
// angle brackets and a trailing dot; "" when there is no "@". It does not
// check the domain: Check does.
func OfAddress(addr string) string {
	addr = strings.Trim(strings.TrimSpace(addr), "<>")
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(strings.Trim(addr[at+1:], "<> "), "."))
}
