package route

import (
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
)

// hopName is the name to judge a hop's sending host by: the reverse-DNS
// name its receiver recorded, or, when the receiver's format records only
// one name (Exchange: "from HELO (ip)"), that name. A HELO name the
// receiver marked as unverified is never used: the sender chose it.
func hopName(h *Hop) string {
	if h.RDNS != "" {
		return h.RDNS
	}
	if h.Received != nil && h.Received.RDNSUnknown {
		return ""
	}
	return h.HELO
}

// strongInternal says why hop h is certainly a hand-off inside one
// organisation, or "".
func (rt *Route) strongInternal(h *Hop) string {
	switch {
	case !h.IP.IsValid():
		return "no sending address is recorded: a hand-off inside one system"
	case internalAddr(h.IP) != "":
		return fmt.Sprintf("it came from %s, %s", h.IP.WithZone(""), internalAddr(h.IP))
	case h.Received.ByIP.IsValid() && h.Received.ByIP.WithZone("") == h.IP.WithZone(""):
		return "the same address appears on both sides"
	case h.RDNS != "" && domain.Equal(h.RDNS, h.By):
		return "the same host appears on both sides"
	case h.RDNS == "" && !h.Received.RDNSUnknown && domain.Equal(h.HELO, h.By):
		return "the same host appears on both sides"
	}
	return ""
}

// inRecipientDomain says why hop h looks like a hand-off inside the
// recipient's domain, or "". It is weaker than strongInternal: the
// recipient's domain may have been read from To, which in mailing-list
// mail is the list's.
func inRecipientDomain(h *Hop, recipientOrg string) string {
	if recipientOrg != "" && domain.Within(hopName(h), recipientOrg) {
		return fmt.Sprintf("the sending host %s belongs to the recipient's domain %s", hopName(h), recipientOrg)
	}
	return ""
}

// byMX reports whether the hop's receiving host is one of the recipient
// domain's MX hosts, or a sibling of one in a provider's MX domain (the
// MX "example-org.mail.protection.outlook.com" has siblings
// "*.mail.protection.outlook.com"; a parent of only two labels, such as
// "google.com", is too broad and not used).
func (rt *Route) byMX(h *Hop) (reason string, ok bool) {
	for _, mx := range rt.MX {
		if domain.Equal(h.By, mx) {
			return fmt.Sprintf("It was received by %s, an MX host of %s: the message entered the recipient's servers there, from %s.",
				h.By, rt.RecipientDomain, h.IP), true
		}
	}
	for _, mx := range rt.MX {
		dot := strings.IndexByte(mx, '.')
		if dot < 0 {
			continue
		}
		parent := mx[dot+1:]
		if strings.Count(parent, ".") >= 2 && domain.Within(h.By, parent) {
			return fmt.Sprintf("It was received by %s, a server of %s like %s, the MX host of %s: the message entered the recipient's servers there, from %s.",
				h.By, parent, mx, rt.RecipientDomain, h.IP), true
		}
	}
	return "", false
}

// chooseBoundary picks the hop at which the message entered the
// recipient's servers. Walking down from the top:
//
//  1. hops from no address, from private, loopback, link-local, CGNAT or
//     unique-local addresses, or from the receiving host itself are
//     inside: skipped;
//  2. a hop from a host of the recipient's domain is inside too, unless
//     the receiver recorded its address as the client (in Received-SPF or
//     Authentication-Results written on the receiving side) and the
//     recipient's domain is not confirmed: read only from To, which in
//     list mail is the list's address;
//  3. a hop received by one of the recipient domain's MX hosts is the
//     boundary; a receiver's record naming a hop above it was written by
//     a server behind the MX (the recipient's own, after a filtering
//     service) and counts less, and the reason says so;
//  4. a hop from a host of the provider that runs the recipient's mail
//     (the MX hosts' domain, or the domain of the topmost receiving host)
//     to a host of that provider is inside too, unless the receiver
//     recorded its address as the client: a provider's internal relays
//     and mail sent by another customer of the same provider look alike;
//  5. otherwise the first hop from a public address is the boundary,
//     unless it is the sender's authenticated submission and a provider
//     hop was skipped above it: that provider hop is then the boundary.
func (rt *Route) chooseBoundary(opts Options) {
	if rt.override(opts) {
		rt.candidates()
		return
	}
	recipientOrg, _ := domain.Org(rt.RecipientDomain)
	providers := map[string]bool{}
	for _, mx := range rt.MX {
		if d, ok := domain.Org(mx); ok && d != recipientOrg {
			providers[d] = true
		}
	}
	// The topmost receiving host named is the recipient's final server.
	for i := range rt.Hops {
		if d, ok := domain.Org(rt.Hops[i].By); ok {
			if d != recipientOrg {
				providers[d] = true
			}
			break
		}
	}
	inProvider := func(host string) bool {
		d, ok := domain.Org(host)
		return ok && providers[d]
	}

	// The hop the receiver itself recorded as the client is strong
	// evidence, unless the recipient's MX, known from an envelope field,
	// received the message further down: then the recording server sits
	// behind the MX (a filtering service relaying to the recipient's own
	// server) and evaluated the filter's relay, not the sender.
	mxHop := rt.mxHop()
	mxKnown := mxHop >= 0 && rt.recipientConfirmed()
	lastWeak := -1
	for i := range rt.Hops {
		h := &rt.Hops[i]
		recordedHere := rt.recordedClient(i) && internalAddr(h.IP) == "" && !(mxKnown && mxHop >= i)
		if why := rt.strongInternal(h); why != "" {
			h.Internal, h.InternalReason = true, why
			continue
		}
		if why := inRecipientDomain(h, recipientOrg); why != "" {
			if recordedHere {
				rt.setBoundary(i, rt.recordedReason(i, mxHop))
				break
			}
			h.Internal, h.InternalReason = true, why
			continue
		}
		if reason, ok := rt.byMX(h); ok {
			rt.setBoundary(i, reason+rt.behindMX(i))
			break
		}
		if name := hopName(h); name != "" && inProvider(name) && (inProvider(h.By) || domain.Within(h.By, recipientOrg)) {
			if recordedHere {
				rt.setBoundary(i, fmt.Sprintf("It comes from %s (%s), a host of the same provider as the receiving servers, and the receiver recorded this address as the client: the sender uses the same mail provider as the recipient.",
					name, h.IP))
				break
			}
			provider, _ := domain.Org(name)
			h.Internal = true
			h.InternalReason = fmt.Sprintf("%s and %s both belong to the provider %s that runs the recipient's mail", name, h.By, provider)
			lastWeak = i
			continue
		}
		if h.Authenticated && lastWeak >= 0 {
			rt.Hops[lastWeak].Internal, rt.Hops[lastWeak].InternalReason = false, ""
			rt.setBoundary(lastWeak, fmt.Sprintf("Below it is the sender's authenticated submission (hop %d), so the lowest hop among the recipient provider's servers, from %s, is where the message crossed from sender to recipient (both use the same provider).",
				i+1, rt.Hops[lastWeak].IP))
			break
		}
		reason := fmt.Sprintf("It is the topmost hop from a public address (%s) outside the receiving organisation", h.IP)
		if i > 0 {
			reason += fmt.Sprintf("; the %d hop(s) above it are internal", i)
		}
		reason += "."
		if h.Authenticated {
			reason += " It is an authenticated submission: the sender logged in to this server, which SPF does not cover."
		}
		rt.setBoundary(i, reason)
		break
	}
	if rt.Boundary < 0 && lastWeak >= 0 {
		rt.Hops[lastWeak].Internal, rt.Hops[lastWeak].InternalReason = false, ""
		rt.setBoundary(lastWeak, fmt.Sprintf("Every hop is among the recipient provider's servers; the lowest one from a public address (%s) is taken as where the message entered.",
			rt.Hops[lastWeak].IP))
	}
	if rt.Boundary < 0 {
		switch {
		case len(rt.Hops) == 0:
			rt.BoundaryReason = "The message has no Received fields, so the address that delivered it is unknown."
		default:
			rt.BoundaryReason = "No Received field shows a hand-off from a public address: the message may have been sent inside one organisation, or its route was removed."
		}
	}
	rt.candidates()
}

// mxHop is the topmost hop received by an MX host of the recipient
// domain, or -1.
func (rt *Route) mxHop() int {
	for i := range rt.Hops {
		if _, ok := rt.byMX(&rt.Hops[i]); ok {
			return i
		}
	}
	return -1
}

// recipientConfirmed says whether the recipient domain is known well enough
// to weigh its MX hosts above the receiver's own record: read from an
// envelope field or the receiving side's "for" clause, or read from To but
// the domain of the server that finally received the message. (In mail from
// a mailing list, To names the list, whose own MX received the message
// from its author.)
func (rt *Route) recipientConfirmed() bool {
	if rt.RecipientDomainSource != SourceTo {
		return rt.RecipientDomain != ""
	}
	for _, h := range rt.Hops {
		if _, ok := domain.Org(h.By); ok {
			return domain.SameOrg(h.By, rt.RecipientDomain)
		}
	}
	return false
}

// recordedClient says whether hop i comes from the client address that the
// receiver recorded in Received-SPF or Authentication-Results, written
// above the Received field of the hop below it: by the server that received
// hop i or one after it (Gmail and Postfix milters write just below their
// own Received field), not carried in from before.
func (rt *Route) recordedClient(i int) bool {
	rec, h := &rt.Recorded, &rt.Hops[i]
	if !rec.ClientIP.IsValid() || !h.IP.IsValid() || rec.ClientIP != h.IP.WithZone("").Unmap() || len(rec.Fields) == 0 {
		return false
	}
	if i+1 < len(rt.Hops) {
		for _, f := range rec.Fields {
			if f > rt.Hops[i+1].Field {
				return false
			}
		}
	}
	return true
}

// recordedReason explains a boundary chosen by the receiver's record, and
// why it outweighs MX evidence further down, if there is any.
func (rt *Route) recordedReason(i, mxHop int) string {
	h := &rt.Hops[i]
	reason := fmt.Sprintf("The receiver recorded this address as the client (%s, written on the receiving side): the message came from %s (%s).",
		strings.Join(rt.Recorded.Sources, " and "), orUnknownHost(hopName(h)), h.IP)
	if mxHop > i {
		reason += fmt.Sprintf(" Hop %d was received by %s, an MX host of %s, but that domain was only read from To (in list mail, the list's address), and the message was finally received by another organisation: the receiver's own record counts.",
			mxHop+1, rt.Hops[mxHop].By, rt.RecipientDomain)
	}
	return reason
}

// behindMX explains, for a boundary at the MX hop i, a receiver's record
// that names the client of a hop above it: a server behind the MX (the
// recipient's own, after a filtering service) wrote it about the MX's
// relay.
func (rt *Route) behindMX(i int) string {
	for j := 0; j < i; j++ {
		if rt.recordedClient(j) {
			return fmt.Sprintf(" The %s names %s (hop %d) as the client, but it was written by a server behind the MX host, about the relay from the MX side: the MX host, found in DNS, is where the message entered the recipient's side.",
				strings.Join(rt.Recorded.Sources, " and "), rt.Recorded.ClientIP, j+1)
		}
	}
	return ""
}

func orUnknownHost(s string) string {
	if s == "" {
		return "an unnamed host"
	}
	return s
}

func (rt *Route) setBoundary(i int, reason string) {
	rt.Boundary, rt.BoundaryReason = i, reason
	rt.Hops[i].Internal, rt.Hops[i].InternalReason = false, ""
}

// override applies Options.ClientIP or Options.Hop; it reports whether
// one was given.
func (rt *Route) override(opts Options) bool {
	switch {
	case opts.ClientIP.IsValid():
		ip := opts.ClientIP.WithZone("").Unmap()
		rt.ClientIP = ip
		for i := range rt.Hops {
			if rt.Hops[i].IP.IsValid() && rt.Hops[i].IP.WithZone("") == ip {
				rt.setBoundary(i, fmt.Sprintf("Chosen by you: the client address %s was given, and this is the topmost hop from it.", ip))
				return true
			}
		}
		rt.BoundaryReason = fmt.Sprintf("Chosen by you: the client address %s was given; no Received field shows it.", ip)
		return true
	case opts.Hop != 0:
		i := opts.Hop - 1
		if i < 0 || i >= len(rt.Hops) {
			rt.Notes = append(rt.Notes, fmt.Sprintf("Hop %d was asked for, but the message has %d hops; the boundary was chosen automatically.", opts.Hop, len(rt.Hops)))
			return false
		}
		if !rt.Hops[i].IP.IsValid() {
			rt.Notes = append(rt.Notes, fmt.Sprintf("Hop %d records no sending address; the boundary was chosen automatically.", opts.Hop))
			return false
		}
		rt.setBoundary(i, fmt.Sprintf("Chosen by you: hop %d.", opts.Hop))
		return true
	}
	return false
}

// candidates lists the other hops from public addresses, and what each
// probably is.
func (rt *Route) candidates() {
	for i := range rt.Hops {
		h := &rt.Hops[i]
		if i == rt.Boundary || !h.IP.IsValid() || internalAddr(h.IP) != "" {
			continue
		}
		var why string
		switch {
		case rt.Boundary >= 0 && i < rt.Boundary:
			why = "above the boundary, inside the receiving organisation"
			if h.InternalReason != "" {
				why += ": " + h.InternalReason
			}
		case h.Authenticated:
			why = "the sender's authenticated submission: where the sender's mail program handed the message to its own server"
		case rt.Boundary >= 0:
			why = "below the boundary: a hand-off before the message reached the recipient (the sender's own servers, or a forwarder or mailing list); these fields were written by others and cannot be verified"
		default:
			why = "a hop from a public address"
		}
		rt.Candidates = append(rt.Candidates, Candidate{Hop: i, IP: h.IP, Why: why})
	}
}

// crossCheck compares the boundary with what the receiver recorded.
func (rt *Route) crossCheck() {
	rec := &rt.Recorded
	if len(rec.Sources) == 0 {
		return
	}
	src := strings.Join(rec.Sources, " and ")
	if rt.Boundary >= 0 {
		b := rt.Hops[rt.Boundary].Field
		for _, f := range rec.Fields {
			if f > b {
				rec.Notes = append(rec.Notes, "A field the receiver's results were read from lies below the boundary hop's Received field: it may have been written before the message reached the recipient, by the sender or a forwarder.")
				break
			}
		}
	}
	if rec.ClientIP.IsValid() && rt.ClientIP.IsValid() && rec.ClientIP != rt.ClientIP.WithZone("") {
		s := fmt.Sprintf("The receiver recorded the client address %s (%s), but the address used here is %s.", rec.ClientIP, src, rt.ClientIP)
		for i, h := range rt.Hops {
			if h.IP.IsValid() && h.IP.WithZone("") == rec.ClientIP {
				s += fmt.Sprintf(" %s is the sending address of hop %d.", rec.ClientIP, i+1)
				break
			}
		}
		rt.Disagreements = append(rt.Disagreements, s)
	}
	if rec.HELO != "" && rt.HELO != "" && !strings.EqualFold(strings.TrimSuffix(rec.HELO, "."), strings.TrimSuffix(rt.HELO, ".")) &&
		(!rec.ClientIP.IsValid() || rec.ClientIP == rt.ClientIP.WithZone("")) {
		rt.Disagreements = append(rt.Disagreements, fmt.Sprintf("The receiver recorded the HELO name %q (%s), but the boundary hop says %q.", rec.HELO, src, rt.HELO))
	}
	if rec.MailFrom != "" && (rt.MailFrom != "" || rt.NullSender) && !sameSender(rec.MailFrom, rt.MailFrom) {
		ours := rt.MailFrom
		if rt.NullSender {
			ours = "<> (a bounce)"
		}
		rt.Disagreements = append(rt.Disagreements, fmt.Sprintf("The receiver recorded the envelope sender %s (%s), but %s says %s.", rec.MailFrom, src, rt.MailFromSource, ours))
	}
}

// sameSender compares a recorded envelope sender with ours; Microsoft
// records only the domain.
func sameSender(recorded, ours string) bool {
	if strings.EqualFold(recorded, ours) {
		return true
	}
	if !strings.Contains(recorded, "@") {
		return strings.EqualFold(recorded, domainOf(ours))
	}
	return false
}
