package resolver

import (
	"strings"

	"github.com/miekg/dns"
)

// github.com/miekg/dns holds names and TXT strings in zone-file
// presentation form, escaped with backslashes; the wire holds bytes. What
// this package compares and returns is the bytes.

// txtBytes returns the bytes of a TXT character-string as miekg/dns holds
// it: in zone-file presentation form, in which a quote, a backslash and
// every byte outside printable ASCII are escaped (\", \\, \DDD). The checks
// must see what the domain published: a tab in a DKIM key record is
// folding white space, not the four characters \009.
func txtBytes(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			if n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0'); n <= 255 {
				b = append(b, byte(n))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}

// txtStrings is txtBytes of each string of a TXT record.
func txtStrings(txt []string) []string {
	out := make([]string, len(txt))
	for i, s := range txt {
		out[i] = txtBytes(s)
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// sameName reports whether two domain names are the same name on the wire,
// whatever their escaping and ASCII case: a name sent as
// "macro%percent  space.example.com." comes back in the reply as
// "macro%percent\ \ space.example.com.", and is the same question.
func sameName(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	var ba, bb [256]byte
	na, errA := dns.PackDomainName(dns.Fqdn(a), ba[:], 0, nil, false)
	nb, errB := dns.PackDomainName(dns.Fqdn(b), bb[:], 0, nil, false)
	if errA != nil || errB != nil || na != nb {
		return false
	}
	for i := 0; i < na; i++ {
		if lower(ba[i]) != lower(bb[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
