package dmarc

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// OrgDomain returns the organisational domain of domain (RFC 7489 section
// 3.2): its public suffix plus one label, from the public suffix list built
// into golang.org/x/net/publicsuffix, private rules (such as uk.com)
// included. The answer keeps the input's form (Unicode or "xn--" labels)
// and is lower case.
//
// ok is false when domain has no organisational domain: it is empty, starts
// with a dot, or is itself a public suffix (co.uk, com, or an unlisted
// top-level name).
func OrgDomain(domain string) (org string, ok bool) {
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	if d == "" || strings.HasPrefix(d, ".") || strings.Contains(d, "..") {
		return "", false
	}
	ascii, valid := toASCII(d)
	if !valid {
		return "", false
	}
	etld1, err := publicsuffix.EffectiveTLDPlusOne(ascii)
	if err != nil {
		return "", false
	}
	// The list is looked up in ASCII form; give back as many labels of the
	// input as the answer has, so a Unicode name stays Unicode.
	n := strings.Count(etld1, ".") + 1
	labels := strings.Split(d, ".")
	return strings.Join(labels[len(labels)-n:], "."), true
}

// sameOrg says whether two domains have the same organisational domain (the
// test of relaxed alignment). A domain that is itself a public suffix is its
// own organisational domain here, so that it aligns only with itself.
func sameOrg(a, b string) bool {
	return orgOrSelf(a) == orgOrSelf(b)
}

func orgOrSelf(d string) string {
	if org, ok := OrgDomain(d); ok {
		return normalize(org)
	}
	return normalize(d)
}

// normalize lower-cases a domain name and drops a trailing dot, and puts
// Unicode labels in their "xn--" form, so that two spellings of one name
// compare equal.
func normalize(d string) string {
	d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
	if a, ok := toASCII(d); ok {
		return a
	}
	return d
}
