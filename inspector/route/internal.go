package route

import (
	"net/netip"
)

// internalNets are the address ranges that never connect from the
// internet, so a hop from one of them happened inside some organisation.
// The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
// 2001:db8::/32) are deliberately absent: examples and test messages use
// them for public hosts.
var internalNets = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("fc00::/7"), "a unique local IPv6 address (RFC 4193)"},
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
}

// internalAddr says why ip cannot be a host on the internet, or "" if it
// can be.
func internalAddr(ip netip.Addr) string {
	ip = ip.WithZone("").Unmap()
	for _, n := range internalNets {
		if n.prefix.Contains(ip) {
			return n.what
		}
	}
	return ""
}
