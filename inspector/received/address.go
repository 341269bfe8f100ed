package received

import (
	"net/netip"
	"strconv"
	"strings"
)

// parseAddr reads an IP address the way MTAs write them in Received
// fields: "192.0.2.1", "[192.0.2.1]", "IPv6:2001:db8::1", "[IPv6:2001:db8::1]",
// "192.0.2.1:54321" and "[192.0.2.1:54321]" (a port: Exim, ecelerity),
// "[192.0.2.1.54321]" (a port: Exim 3), "user@192.0.2.1" (an ident user), and
// "::ffff:192.0.2.1" (an IPv4 address seen through an IPv6 socket, which is
// given back as the IPv4 address it is).
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "[")
	s = strings.TrimSuffix(s, "]")
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "ipv6:") {
		s = s[5:]
	}
	s, _ = splitPort(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// splitPort drops a port from an IPv4 address, written "a.b.c.d:port" or,
// by Exim 3, "a.b.c.d.port"; only IPv4 can carry a port without brackets
// around the address. It reports whether there was one.
func splitPort(s string) (string, bool) {
	if i := strings.IndexByte(s, ':'); i > 0 && strings.Count(s, ":") == 1 && strings.Contains(s[:i], ".") {
		return s[:i], true
	}
	if i := strings.LastIndexByte(s, '.'); strings.Count(s, ".") == 4 && isPort(s[i+1:]) {
		return s[:i], true
	}
	return s, false
}

// isPort reports a TCP port number, 0 to 65535.
func isPort(s string) bool {
	_, err := strconv.ParseUint(s, 10, 16)
	return err == nil
}

// isHostName reports whether s looks like a host name rather than an
// address, a keyword or noise: letters, digits, hyphens, underscores and
// dots, with at least one letter.
func isHostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9', c == '-', c == '.', c == '_':
		default:
			return false
		}
	}
	return letter
}

// cleanHost lower-cases a host name and drops the trailing dot some MTAs
// (Gmail) write after a reverse-DNS name.
func cleanHost(s string) string {
	return strings.ToLower(strings.TrimSuffix(s, "."))
}
