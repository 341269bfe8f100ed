package resolver

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// ednsSize is the UDP payload size we advertise: large enough for a 2048-bit
// DKIM key; a larger answer comes back truncated and is asked again over
// TCP.
const ednsSize = 4096

// attempts is how many times one question is sent before giving up: once,
// and one retry.
const attempts = 2

// exchange sends one question to the configured servers and returns the
// first usable response. It fills the transport details of ans.
func (c *Client) exchange(ctx context.Context, fqdn string, qtype uint16, ans *Answer) (*dns.Msg, error) {
	if len(c.servers) == 0 {
		return nil, &net.DNSError{Err: "no DNS server configured", Name: fqdn, IsTemporary: true}
	}
	q := new(dns.Msg)
	q.SetQuestion(fqdn, qtype)
	q.RecursionDesired = true
	// Setting AD in a query asks a validating resolver to report whether it
	// validated the answer (RFC 6840 5.7), without needing the DO bit.
	q.AuthenticatedData = true
	q.SetEdns0(ednsSize, false)

	var lastErr error
	for i := 0; i < attempts; i++ {
		if ctx.Err() != nil {
			return nil, ctxError(ctx, fqdn)
		}
		server := c.servers[i%len(c.servers)]
		ans.Server = server
		q.Id = dns.Id()
		start := time.Now()
		resp, err := c.exchangeUDP(ctx, q, server)
		if err == nil && resp.Truncated {
			ans.TCP = true
			resp, err = c.exchangeTCP(ctx, q, server)
		}
		ans.RTT = Millis(time.Since(start))
		if err != nil {
			lastErr = err
			continue
		}
		switch resp.Rcode {
		case dns.RcodeServerFailure, dns.RcodeRefused:
			// Another server, or the same one a moment later, may do
			// better; keep this answer in case none does.
			lastErr = nil
			if i+1 < attempts {
				continue
			}
		}
		return resp, nil
	}
	if lastErr == nil {
		lastErr = errors.New("no usable answer")
	}
	if ctx.Err() != nil {
		return nil, ctxError(ctx, fqdn)
	}
	return nil, transportError(fqdn, ans.Server, lastErr)
}

// exchangeUDP sends q over UDP and waits for the matching response, ignoring
// datagrams with another ID or question: a spoofed or stray answer must not
// be taken for the real one.
func (c *Client) exchangeUDP(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	deadline := time.Now().Add(c.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "udp", server)
	if err != nil {
		return nil, err
	}
	co := &dns.Conn{Conn: nc, UDPSize: ednsSize}
	defer co.Close()
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Now()) })
	defer stop()
	nc.SetDeadline(deadline)
	if err := co.WriteMsg(q); err != nil {
		return nil, err
	}
	for {
		r, err := co.ReadMsg()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, err
			}
			if r == nil && !isParseError(err) {
				return nil, err
			}
			// An unparsable datagram: keep waiting for the real answer.
			continue
		}
		if r.Id != q.Id || !sameQuestion(r, q) {
			continue
		}
		return r, nil
	}
}

func isParseError(err error) bool {
	var de *dns.Error
	return errors.As(err, &de) || strings.Contains(err.Error(), "dns: ")
}

func sameQuestion(r, q *dns.Msg) bool {
	if len(r.Question) != 1 {
		// Some servers drop the question from errors; accept only when
		// there is nothing to compare.
		return len(r.Question) == 0 && r.Rcode != dns.RcodeSuccess
	}
	a, b := r.Question[0], q.Question[0]
	return a.Qtype == b.Qtype && a.Qclass == b.Qclass && sameName(a.Name, b.Name)
}

// exchangeTCP asks again over TCP after a truncated UDP answer.
func (c *Client) exchangeTCP(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	qctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl := &dns.Client{Net: "tcp", Timeout: c.timeout}
	r, _, err := cl.ExchangeContext(qctx, q, server)
	if err != nil {
		return nil, err
	}
	if !sameQuestion(r, q) {
		return nil, errors.New("TCP answer for another question")
	}
	return r, nil
}

// transportError describes a query that got no usable response.
func transportError(name, server string, err error) *net.DNSError {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &net.DNSError{Err: "no answer (timed out)", Name: name, Server: server, IsTimeout: true, IsTemporary: true}
	}
	return &net.DNSError{Err: err.Error(), Name: name, Server: server, IsTemporary: true}
}
