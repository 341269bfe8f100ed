package spf

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// macroEnv holds what the macros of RFC 7208 section 7 expand to. The SPF
// library expands macros in mechanisms itself; this package expands them
// only in the exp= modifier and the explanation text, which the library
// does not evaluate.
type macroEnv struct {
	ctx    context.Context
	r      resolver.Resolver
	ip     netip.Addr
	sender string // local@domain, local part never empty
	helo   string
	domain string // the <domain> of the record being evaluated
	now    time.Time
}

// expand expands a macro-string. exp allows the c, r and t macros of
// explanation text.
func (e *macroEnv) expand(s string, exp bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("a \"%%\" at the end is not a macro")
		}
		switch s[i+1] {
		case '%':
			b.WriteByte('%')
			i++
			continue
		case '_':
			b.WriteByte(' ')
			i++
			continue
		case '-':
			b.WriteString("%20")
			i++
			continue
		case '{':
		default:
			return "", fmt.Errorf("%q is not a macro", s[i:i+2])
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("the macro %q is not closed", s[i:])
		}
		m, err := parseMacro(s[i+2:i+end], exp)
		if err != nil {
			return "", err
		}
		b.WriteString(e.apply(m))
		i += end
	}
	return b.String(), nil
}

// apply computes one macro: the value of its letter, split on its
// delimiters, maybe reversed, the rightmost parts kept, joined with dots,
// URL-escaped for an upper-case letter (RFC 7208 section 7.3).
func (e *macroEnv) apply(m macro) string {
	var v string
	local, domain := splitSender(e.sender)
	switch m.letter {
	case 's':
		v = e.sender
	case 'l':
		v = local
	case 'o':
		v = domain
	case 'd':
		v = e.domain
	case 'i':
		v = dottedIP(e.ip)
	case 'p':
		v = e.validatedName()
	case 'v':
		v = "in-addr"
		if e.ip.Is6() {
			v = "ip6"
		}
	case 'h':
		v = e.helo
	case 'c':
		v = e.ip.String()
	case 'r':
		// The receiving host's name; Mail Inspector is not one.
		v = "unknown"
	case 't':
		v = strconv.FormatInt(e.now.Unix(), 10)
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(m.delims, r) })
	if m.reverse {
		slices.Reverse(parts)
	}
	if m.digits > 0 && m.digits < len(parts) {
		parts = parts[len(parts)-m.digits:]
	}
	v = strings.Join(parts, ".")
	if m.escape {
		v = urlEscape(v)
	}
	return v
}

// dottedIP writes an address for the i macro: dotted decimal for IPv4,
// dot-separated nibbles for IPv6.
func dottedIP(a netip.Addr) string {
	if a.Is4() {
		return a.String()
	}
	var b strings.Builder
	for i, x := range a.As16() {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprintf(&b, "%x.%x", x>>4, x&0xf)
	}
	return b.String()
}

// urlEscape escapes every character outside the unreserved set of RFC 3986
// as %XX, as upper-case macro letters require.
func urlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// validatedName is the p macro: a name of the client address that resolves
// back to it, preferring the record's domain or a subdomain of it, else
// "unknown" (RFC 7208 sections 5.5 and 7.3). At most ten PTR names are
// tried.
func (e *macroEnv) validatedName() string {
	names, err := e.r.LookupAddr(e.ctx, e.ip.String())
	if err != nil {
		return "unknown"
	}
	if len(names) > 10 {
		names = names[:10]
	}
	var valid []string
	for _, n := range names {
		addrs, err := e.r.LookupIPAddr(e.ctx, n)
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok && ip.Unmap() == e.ip {
				valid = append(valid, strings.TrimSuffix(n, "."))
				break
			}
		}
	}
	for _, n := range valid {
		if domain.Within(n, e.domain) {
			return n
		}
	}
	if len(valid) > 0 {
		return valid[0]
	}
	return "unknown"
}

// truncateDomain shortens an expanded domain longer than 253 characters by
// removing labels from the left (RFC 7208 section 7.3).
func truncateDomain(d string) string {
	for len(strings.TrimSuffix(d, ".")) > 253 {
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return d
		}
		d = d[i+1:]
	}
	return d
}

// splitSender splits local@domain at the last "@".
func splitSender(s string) (local, domain string) {
	i := strings.LastIndexByte(s, '@')
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// ipOf converts a netip.Addr for the library, which takes a net.IP.
func ipOf(a netip.Addr) net.IP { return net.IP(a.AsSlice()) }
