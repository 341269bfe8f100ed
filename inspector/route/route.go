// Package route reads the delivery route of a message from its Received
// fields: every hop with its time, the delay since the hop before, and its
// encryption; which hop handed the message to the recipient's servers (the
// boundary), and so which address SPF must be checked against; the
// envelope sender and HELO name; and the forward-confirmed reverse DNS of
// that address. It reads only Received fields: what the receiving server
// recorded in Received-SPF and Authentication-Results comes from the
// recorded package (Options.Recorded), and the route says where its choice
// and those records disagree.
//
// Choosing the boundary is a judgement, not a lookup: Received fields below
// the recipient's own are written by whoever sent the message and may be
// false. Analyze walks down from the top, skipping hops that are inside
// the receiving organisation, and says why it stopped where it did; the
// caller can override the choice (Options).
package route

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/address"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/received"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// Options steer Analyze.
type Options struct {
	// ClientIP, when valid, is taken as the address that connected to the
	// recipient's servers, whatever the Received fields say (the CLI's
	// --client-ip).
	ClientIP netip.Addr
	// Hop, when not zero, chooses the boundary hop by position, counting
	// from 1 at the top (a choice made in the GUI).
	Hop int
	// RecipientDomain is the domain the message was delivered to; when
	// empty it is read from Delivered-To, X-Original-To, the "for" clauses
	// or To.
	RecipientDomain string
	// Recorded is what the receiving side recorded about the SMTP session
	// (recorded.Fields.Session): evidence for the boundary hop, and what
	// the route's findings are checked against. The route itself reads
	// only Received fields.
	Recorded recorded.Session
	// SkipFCrDNS leaves Route.FCrDNS nil, for a caller that runs
	// CheckFCrDNS itself at the same time as the other lookups that need
	// the client IP (SPF), instead of after them.
	SkipFCrDNS bool
}

// Hop is one Received field: one hand-off of the message.
type Hop struct {
	// From is the sending host as the receiving MTA saw it: its
	// reverse-DNS name if recorded, else its HELO name.
	From string `json:"from"`
	HELO string `json:"helo"`
	// RDNS is the reverse-DNS name of IP as the receiving MTA recorded it.
	RDNS string     `json:"rdns,omitempty"`
	IP   netip.Addr `json:"ip,omitzero"`
	By   string     `json:"by"`
	With string     `json:"with"`
	// TLS is null when the hop does not say it was encrypted, and holds
	// what it says otherwise (possibly nothing but the fact).
	TLS           *received.TLS `json:"tls"`
	Encrypted     bool          `json:"encrypted"`
	Authenticated bool          `json:"authenticated"`
	// Time is when this hop received the message; null when unknown.
	Time *time.Time `json:"time"`
	// DelaySeconds is the time since the hop below (the previous
	// hand-off); null for the first hop or when a time is unknown.
	DelaySeconds *float64 `json:"delay_seconds"`
	// ClockSkew is true when DelaySeconds is negative: one of the two
	// servers' clocks is wrong.
	ClockSkew bool `json:"clock_skew,omitempty"`
	// Internal is true for a hand-off inside the receiving organisation;
	// InternalReason says why.
	Internal       bool   `json:"internal"`
	InternalReason string `json:"internal_reason,omitempty"`
	// Boundary is true for the hop at which the message entered the
	// recipient's servers.
	Boundary bool   `json:"boundary"`
	Raw      string `json:"raw"`
	Note     string `json:"note,omitempty"`

	// Received is the field as parsed.
	Received *received.Received `json:"-"`
	// Field is the index of the Received field in the message header.
	Field int `json:"-"`
}

// Candidate is a hop from a public address that was not chosen as the
// boundary, with what it probably is.
type Candidate struct {
	Hop int        `json:"hop"` // index into Route.Hops
	IP  netip.Addr `json:"ip"`
	Why string     `json:"why"`
}

// Route is the delivery route of a message.
type Route struct {
	// Hops are the Received fields, topmost (the last hand-off) first,
	// but those that record no hand-off between hosts
	// (received.Received.NotHop): Notes names those.
	Hops []Hop `json:"hops"`
	// Boundary is the index in Hops of the hop at which the message
	// entered the recipient's servers, or -1 when none could be chosen.
	Boundary       int    `json:"boundary"`
	BoundaryReason string `json:"boundary_reason"`
	// Candidates are the other hops from public addresses.
	Candidates []Candidate `json:"candidates"`

	// ClientIP is the address SPF is checked against: the boundary hop's,
	// or the one given in Options.
	ClientIP netip.Addr `json:"client_ip,omitzero"`
	// HELO is the name the client gave at the boundary.
	HELO string `json:"helo"`
	// MailFrom is the envelope sender (the topmost Return-Path), without
	// brackets; "" with NullSender for a bounce ("<>").
	MailFrom       string `json:"mail_from"`
	NullSender     bool   `json:"null_sender"`
	MailFromSource string `json:"mail_from_source,omitempty"`

	RecipientDomain       string `json:"recipient_domain,omitempty"`
	RecipientDomainSource string `json:"recipient_domain_source,omitempty"`
	// MX are the MX hosts of the recipient domain, when DNS answered.
	MX []string `json:"mx,omitempty"`

	FCrDNS   *FCrDNS          `json:"fcrdns,omitempty"`
	Recorded recorded.Session `json:"recorded"`
	// Disagreements say, in sentences, where the receiver's records and
	// this analysis differ.
	Disagreements []string `json:"disagreements"`

	// TransitSeconds is the time from the first hop to the last; null
	// when fewer than two hops have a time.
	TransitSeconds *float64 `json:"transit_seconds"`
	// ClockSkew is true when some hop's delay is negative.
	ClockSkew bool `json:"clock_skew"`
	// Notes are other remarks about the route.
	Notes []string `json:"notes,omitempty"`
}

// Analyze reads the route of m. Lookups (the recipient domain's MX hosts,
// the client's reverse DNS) go through r; a failed lookup is noted, never
// fatal.
func Analyze(ctx context.Context, r resolver.Resolver, m *message.Message, opts Options) *Route {
	rt := &Route{Boundary: -1, Hops: []Hop{}, Candidates: []Candidate{}, Disagreements: []string{}}
	nth := 0
	for i, f := range m.Header {
		if !strings.EqualFold(f.Name, "Received") {
			continue
		}
		nth++
		rcv, _ := received.Parse(f.RawValue())
		if rcv.NotHop != "" {
			// A field that records no hand-off between hosts (a fetchmail
			// retrieval, a local submission, a filter's pass) could never
			// be where the message entered. It is left out of the hops, so
			// that the boundary, Options.Hop and the candidates count
			// hops alone, and kept in sight as a note.
			rt.Notes = append(rt.Notes, fmt.Sprintf("Received field %d (from the top) is not a hop, so it is not in the route: %s", nth, rcv.NotHop))
			continue
		}
		h := Hop{
			From: rcv.FromRDNS, HELO: rcv.FromHELO, RDNS: rcv.FromRDNS, IP: rcv.FromIP,
			By: rcv.By, With: rcv.With, TLS: rcv.TLS, Encrypted: rcv.Encrypted,
			Authenticated: rcv.Authenticated, Raw: rcv.Raw, Note: rcv.Note, Received: rcv, Field: i,
		}
		if h.From == "" {
			h.From = h.HELO
		}
		if h.Encrypted && h.TLS == nil {
			h.TLS = &received.TLS{}
		}
		if !rcv.Time.IsZero() {
			t := rcv.Time
			h.Time = &t
		}
		rt.Hops = append(rt.Hops, h)
	}
	rt.timeline()
	rt.envelope(m)
	rt.recipient(m, opts)
	if rt.RecipientDomain != "" {
		mxs, err := r.LookupMX(ctx, rt.RecipientDomain)
		for _, mx := range mxs {
			if h := strings.ToLower(strings.TrimSuffix(mx.Host, ".")); h != "" {
				rt.MX = append(rt.MX, h)
			}
		}
		if err != nil && len(mxs) == 0 {
			rt.Notes = append(rt.Notes, "The MX hosts of "+rt.RecipientDomain+" could not be looked up ("+err.Error()+"), so the boundary was chosen without them.")
		}
	}
	rt.Recorded = opts.Recorded
	rt.Recorded.Notes = slices.Clone(rt.Recorded.Notes)
	rt.chooseBoundary(opts)
	if rt.Boundary >= 0 {
		b := &rt.Hops[rt.Boundary]
		b.Boundary = true
		rt.HELO = b.HELO
		if !rt.ClientIP.IsValid() {
			rt.ClientIP = b.IP
		}
		if rt.MailFrom == "" && !rt.NullSender && b.Received.EnvelopeFrom != "" {
			rt.setMailFrom(b.Received.EnvelopeFrom, "the boundary hop's Received field")
		}
	}
	if rt.HELO == "" && rt.Recorded.HELO != "" && rt.ClientIP == rt.Recorded.ClientIP {
		rt.HELO = rt.Recorded.HELO
	}
	if rt.MailFrom == "" && !rt.NullSender && rt.Recorded.MailFrom != "" && strings.Contains(rt.Recorded.MailFrom, "@") {
		rt.setMailFrom(rt.Recorded.MailFrom, "the receiver's "+strings.Join(rt.Recorded.Sources, " and "))
	}
	if rt.MailFrom == "" && !rt.NullSender {
		rt.Notes = append(rt.Notes, "The envelope sender is unknown (the message has no Return-Path field), so SPF can only check the HELO name.")
	}
	if rt.ClientIP.IsValid() && !opts.SkipFCrDNS {
		rt.FCrDNS = CheckFCrDNS(ctx, r, rt.ClientIP)
	}
	rt.crossCheck()
	return rt
}

// timeline computes each hop's delay from the hop below it, flags clock
// skew, and the total transit time.
func (rt *Route) timeline() {
	var newest, oldest *time.Time
	for i := range rt.Hops {
		h := &rt.Hops[i]
		if h.Time == nil {
			continue
		}
		if newest == nil {
			newest = h.Time
		}
		oldest = h.Time
		for j := i + 1; j < len(rt.Hops); j++ {
			if below := rt.Hops[j].Time; below != nil {
				d := h.Time.Sub(*below).Seconds()
				h.DelaySeconds = &d
				if d < 0 {
					h.ClockSkew, rt.ClockSkew = true, true
				}
				break
			}
		}
	}
	if newest != nil && oldest != nil && newest != oldest {
		d := newest.Sub(*oldest).Seconds()
		rt.TransitSeconds = &d
	}
	if rt.ClockSkew {
		rt.Notes = append(rt.Notes, "Some hop is dated before the hop that handed it the message: a server's clock is wrong (clock skew), so delays are approximate.")
	}
}

// envelope reads the envelope sender from the topmost Return-Path.
func (rt *Route) envelope(m *message.Message) {
	f := m.First("Return-Path")
	if f == nil {
		return
	}
	v := strings.TrimSpace(f.Value)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j >= 0 {
			v = v[i+1 : i+j]
		}
	}
	v = strings.TrimSpace(v)
	if v == "" {
		rt.NullSender = true
		rt.MailFromSource = "Return-Path"
		return
	}
	rt.setMailFrom(v, "Return-Path")
}

func (rt *Route) setMailFrom(addr, source string) {
	if addr == "<>" || addr == "" {
		rt.NullSender = true
		rt.MailFrom = ""
	} else {
		rt.MailFrom = addr
	}
	rt.MailFromSource = source
}

// recipient finds the domain the message was delivered to.
func (rt *Route) recipient(m *message.Message, opts Options) {
	if opts.RecipientDomain != "" {
		rt.RecipientDomain, rt.RecipientDomainSource = strings.ToLower(opts.RecipientDomain), SourceGiven
		return
	}
	for _, name := range []string{"Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To"} {
		if f := m.First(name); f != nil {
			if d := domainOf(f.Value); d != "" {
				rt.RecipientDomain, rt.RecipientDomainSource = d, name
				return
			}
		}
	}
	// A "for" clause names the recipient of the server that wrote it: only
	// the receiving organisation's own hops name the final recipient. Below
	// them, a mailing list's incoming hop says "for <list@lists.example>".
	for _, h := range rt.Hops[:rt.receivingHops()] {
		if d := domainOf(h.Received.For); d != "" {
			rt.RecipientDomain, rt.RecipientDomainSource = d, SourceForClause
			return
		}
	}
	if f := m.First("To"); f != nil {
		if list, err := address.ParseList(f.RawValue()); err == nil && len(list.Mailboxes) > 0 {
			if d := domainOf(list.Mailboxes[0].Address); d != "" {
				rt.RecipientDomain, rt.RecipientDomainSource = d, SourceTo
			}
		}
	}
}

// Where the recipient domain was read (Route.RecipientDomainSource), besides
// the names of the envelope fields (Delivered-To, X-Original-To, ...).
const (
	SourceGiven     = "given"
	SourceForClause = "a Received field's \"for\" clause"
	// SourceTo is the weakest: the To field names the list, not the
	// subscriber, in mailing-list mail, and anyone in Bcc.
	SourceTo = "To"
)

// receivingHops counts the topmost hops that the receiving organisation
// wrote: those whose receiving host belongs to the organisation of the
// topmost named receiving host (a hop whose receiving host is not a
// domain name, or is missing, does not end the run).
func (rt *Route) receivingHops() int {
	top := ""
	for i, h := range rt.Hops {
		org, ok := domain.Org(h.By)
		switch {
		case !ok:
		case top == "":
			top = org
		case org != top:
			return i
		}
	}
	return len(rt.Hops)
}

// domainOf returns the domain of an envelope address such as
// "<bob@example.org>", or "" when it has none that DNS could hold.
func domainOf(addr string) string {
	d := domain.OfAddress(addr)
	if !strings.Contains(d, ".") || domain.Check(d) != nil {
		return ""
	}
	return d
}
