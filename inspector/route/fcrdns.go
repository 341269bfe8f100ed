package route

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// FCrDNS is the forward-confirmed reverse DNS of the client address: its
// PTR names, and which of them resolve back to it. Large mailbox providers
// require it of bulk senders.
type FCrDNS struct {
	IP netip.Addr `json:"ip"`
	// Result is an RFC 8601 iprev word: pass (a PTR name resolves back),
	// fail (PTR names exist, none resolves back), permerror (no PTR
	// record), temperror (a lookup failed for now).
	Result result.Result `json:"result"`
	// Names are the PTR names, without the trailing dot.
	Names []string `json:"names"`
	// Confirmed are the names whose A or AAAA records include the address.
	Confirmed []string `json:"confirmed"`
	Reason    string   `json:"reason"`
}

// maxPTR bounds the names checked, as RFC 7208 section 5.5 does for ptr.
const maxPTR = 10

// CheckFCrDNS looks up the PTR names of ip and then each name's addresses.
func CheckFCrDNS(ctx context.Context, r resolver.Resolver, ip netip.Addr) *FCrDNS {
	f := &FCrDNS{IP: ip, Names: []string{}, Confirmed: []string{}}
	names, err := r.LookupAddr(ctx, ip.String())
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			f.Result = result.PermError
			f.Reason = ip.String() + " has no reverse-DNS (PTR) name. Large mailbox providers reject or distrust bulk mail from such addresses."
			return f
		}
		f.Result = result.TempError
		f.Reason = "The reverse-DNS lookup of " + ip.String() + " failed: " + err.Error() + "."
		return f
	}
	if len(names) > maxPTR {
		names = names[:maxPTR]
	}
	tempFail := ""
	for _, n := range names {
		n = strings.TrimSuffix(n, ".")
		f.Names = append(f.Names, n)
		addrs, err := r.LookupIPAddr(ctx, n)
		if err != nil {
			var de *net.DNSError
			if errors.As(err, &de) && de.IsTemporary {
				tempFail = n
			}
			continue
		}
		for _, a := range addrs {
			if x, ok := netip.AddrFromSlice(a.IP); ok && x.Unmap() == ip.WithZone("").Unmap() {
				f.Confirmed = append(f.Confirmed, n)
				break
			}
		}
	}
	switch {
	case len(f.Confirmed) > 0:
		f.Result = result.Pass
		f.Reason = ip.String() + " has the reverse-DNS name " + f.Confirmed[0] + ", which resolves back to it."
	case tempFail != "":
		f.Result = result.TempError
		f.Reason = "The addresses of " + tempFail + " could not be looked up for now."
	case len(f.Names) == 0:
		f.Result = result.PermError
		f.Reason = ip.String() + " has no reverse-DNS (PTR) name."
	default:
		f.Result = result.Fail
		f.Reason = ip.String() + " has the reverse-DNS name " + strings.Join(f.Names, ", ") + ", but that name does not resolve back to the address. Large mailbox providers require it to."
	}
	return f
}
