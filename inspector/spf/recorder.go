package spf

import (
	"context"
	"net"
	"sync"

	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// recorder passes the library's lookups to the project's resolver and
// puts each one, in order, into the same stream as the library's trace
// lines. Together they tell exactly which terms made lookups, which the
// trace alone cannot when a record repeats a term.
type recorder struct {
	r      resolver.Resolver
	mu     sync.Mutex
	events []event
}

// Lookup kinds in the event stream; their format strings never collide
// with the library's.
const (
	lookupTXT  = "\x00lookup TXT %s"
	lookupMX   = "\x00lookup MX %s"
	lookupIP   = "\x00lookup A/AAAA %s"
	lookupAddr = "\x00lookup PTR %s"
)

func (rec *recorder) trace(f string, a ...any) {
	rec.add(event{f, append([]any(nil), a...)})
}

func (rec *recorder) add(e event) {
	rec.mu.Lock()
	rec.events = append(rec.events, e)
	rec.mu.Unlock()
}

func (rec *recorder) LookupTXT(ctx context.Context, name string) ([]string, error) {
	txts, err := rec.r.LookupTXT(ctx, name)
	rec.add(event{lookupTXT, []any{name, txts}})
	return txts, err
}

func (rec *recorder) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	rec.add(event{lookupMX, []any{name}})
	return rec.r.LookupMX(ctx, name)
}

func (rec *recorder) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	rec.add(event{lookupIP, []any{host}})
	return rec.r.LookupIPAddr(ctx, host)
}

func (rec *recorder) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	rec.add(event{lookupAddr, []any{addr}})
	names, err := rec.r.LookupAddr(ctx, addr)
	if err != nil || len(names) == 0 {
		// The first ptr term stops here without its "ptr evaluating" line.
		rec.add(event{ptrFailed, nil})
	}
	return names, err
}

const ptrFailed = "\x00ptr lookup found nothing"

// countLookups counts the terms that made DNS lookups, as the library's
// own counter does (RFC 7208 section 4.6.4: include, a, mx, ptr, exists
// and redirect count once each; the address lookups of MX hosts and PTR
// names do not):
//
//   - every record checked after the first came from include or redirect;
//   - every MX lookup is one mx term;
//   - every "ptr evaluating" line is one ptr term, and so is a reverse
//     lookup that found nothing (that term ends before the line);
//   - an address lookup is an a or exists term unless it resolves the
//     hosts of an MX lookup or the names of a PTR lookup just made.
func countLookups(events []event) int {
	count, checks := 0, 0
	state := ""
	for _, e := range events {
		switch e.format {
		case "check %q %d %d":
			checks++
			if checks > 1 {
				count++
			}
			state = ""
		case lookupMX:
			count++
			state = "mx"
		case lookupAddr:
			state = "ptr"
		case ptrFailed, "ptr evaluating %q in %q":
			count++
			state = ""
		case lookupIP:
			if state == "" {
				count++
			}
		case lookupTXT, "void lookup: no answers", "void lookup: nxdomain",
			"ptr forward resolution %q -> %q", "ptr names trimmed %d down to 10":
			// Inside a term: the state holds.
		default:
			state = ""
		}
	}
	return count
}
