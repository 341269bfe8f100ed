package resolver

import (
	"context"
	"net"
	"sort"
	"strings"

	"github.com/miekg/dns"
)

// LookupTXT returns the TXT records of name, each record's strings joined.
func (c *Client) LookupTXT(ctx context.Context, name string) ([]string, error) {
	ans, err := c.Query(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	return ans.Records, nil
}

// LookupMX returns the MX records of name, lowest preference first.
func (c *Client) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	ans, err := c.Query(ctx, name, dns.TypeMX)
	if err != nil {
		return nil, err
	}
	var out []*net.MX
	for _, rr := range ans.RRs {
		mx := rr.(*dns.MX)
		out = append(out, &net.MX{Host: mx.Mx, Pref: mx.Preference})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pref < out[j].Pref })
	return out, nil
}

// LookupIPAddr returns the IPv4 and IPv6 addresses of host, asking for A and
// AAAA at the same time. An IP literal is returned as it is.
func (c *Client) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []net.IPAddr{{IP: ip}}, nil
	}
	type result struct {
		ans *Answer
		err error
	}
	aaaa := make(chan result, 1)
	go func() {
		ans, err := c.Query(ctx, host, dns.TypeAAAA)
		aaaa <- result{ans, err}
	}()
	a, errA := c.Query(ctx, host, dns.TypeA)
	r6 := <-aaaa
	var out []net.IPAddr
	for _, ans := range []*Answer{a, r6.ans} {
		if ans == nil {
			continue
		}
		for _, rr := range ans.RRs {
			switch v := rr.(type) {
			case *dns.A:
				out = append(out, net.IPAddr{IP: v.A})
			case *dns.AAAA:
				out = append(out, net.IPAddr{IP: v.AAAA})
			}
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	// No address: a temporary failure of either lookup is what to report,
	// since the other type might have had an answer.
	for _, err := range []error{errA, r6.err} {
		if de, ok := err.(*net.DNSError); ok && de.IsTemporary {
			return nil, err
		}
	}
	if errA != nil {
		return nil, errA
	}
	if r6.err != nil {
		return nil, r6.err
	}
	return nil, &net.DNSError{Err: "no address record", Name: host, IsNotFound: true}
}

// LookupAddr returns the names that addr's PTR records point to.
func (c *Client) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	rev, err := dns.ReverseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: "not an IP address", Name: addr, IsNotFound: true}
	}
	ans, err := c.Query(ctx, rev, dns.TypePTR)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ans.Records))
	for _, r := range ans.Records {
		out = append(out, strings.ToLower(r))
	}
	return out, nil
}
