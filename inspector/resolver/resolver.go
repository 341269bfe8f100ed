// Package resolver is the one DNS layer of Mail Inspector: every lookup that
// any check makes passes through it, so that each query is logged (name,
// type, rcode, answers, round-trip time, server, DNSSEC AD bit), cached for
// the life of one report, bounded in time, and can be recorded to a snapshot
// and replayed offline.
//
// A Client is made per report. It speaks DNS itself with github.com/miekg/dns
// (EDNS0 with a 4096-byte buffer, TCP when an answer is truncated, a
// per-query timeout and one retry), or replays a Snapshot without sending a
// packet.
package resolver

import (
	"context"
	"net"
)

// Resolver is what every check uses to ask DNS. The first four methods have
// the signatures of net.Resolver (and of blitiri.com.ar/go/spf's DNSResolver),
// and report failures as *net.DNSError: IsNotFound for NXDOMAIN and for an
// empty answer (NODATA), IsTimeout and IsTemporary for timeouts and server
// failures. Query gives the whole answer for checks that must show it.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
	Query(ctx context.Context, name string, qtype uint16) (*Answer, error)
}
