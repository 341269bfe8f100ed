package domain

import (
	"net/netip"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Org returns the organisational domain of name (RFC 7489 section 3.2): its
// public suffix plus one label, from the public suffix list built into
// golang.org/x/net/publicsuffix, private rules (such as uk.com) included.
// The answer keeps the input's form (Unicode or "xn--" labels) and is lower
// case.
//
// ok is false when name has no organisational domain: it is empty, starts
// with a dot, is an address, or is itself a public suffix (co.uk, com, or
// an unlisted top-level name).
func Org(name string) (org string, ok bool) {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
	if d == "" || strings.HasPrefix(d, ".") || strings.Contains(d, "..") || isAddress(d) {
		return "", false
	}
	ascii, valid := ToASCII(d)
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

// OrgOrSelf is the organisational domain of name in normalised form, or
// name itself (normalised) when it has none: a public suffix, an address
// or a single label is its own organisation, aligned only with itself.
func OrgOrSelf(name string) string {
	if org, ok := Org(name); ok {
		return Normalize(org)
	}
	return Normalize(name)
}

// SameOrg says whether a and b belong to one organisation: the same
// organisational domain (the test of relaxed alignment, RFC 7489 section
// 3.1), or the same name where one has none. An empty name belongs to no
// organisation.
func SameOrg(a, b string) bool {
	oa := OrgOrSelf(a)
	return oa != "" && oa == OrgOrSelf(b)
}

// isAddress says whether s is an IP address, bare or as an address literal
// ("[192.0.2.1]", "[IPv6:2001:db8::1]").
func isAddress(s string) bool {
	s = strings.TrimPrefix(strings.Trim(s, "[]"), "ipv6:")
	_, err := netip.ParseAddr(s)
	return err == nil
}
