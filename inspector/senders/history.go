package senders

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
)

// History is what the memory knew of a message's sender before the
// message: the "sender" section of a report, for the GUI to show.
type History struct {
	Address string `json:"address"`
	// Domain is the sender's organisational domain, which the domain
	// counts are kept by.
	Domain string `json:"domain"`
	// AddressMessages and DomainMessages count the earlier messages seen
	// from the address and from anyone at its domain.
	AddressMessages int `json:"address_messages"`
	DomainMessages  int `json:"domain_messages"`
	// FirstSeen and LastSeen are when the earlier messages from the
	// address came; null when there were none.
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	LastSeen  *time.Time `json:"last_seen,omitempty"`
	// Authenticated counts the earlier messages from the address whose
	// DMARC passed.
	Authenticated int `json:"authenticated"`
	// FirstMessage says no earlier message from this address was seen;
	// FirstFromDomain, none from anyone at its domain either.
	FirstMessage    bool `json:"first_message"`
	FirstFromDomain bool `json:"first_from_domain"`
	// UsuallySignedBy is the d= that signed at least 80% of 3 or more
	// earlier messages of the sender (its address, else its domain);
	// NotSignedNow says that this message has no passing signature of it.
	UsuallySignedBy string `json:"usually_signed_by,omitempty"`
	NotSignedNow    bool   `json:"not_signed_now,omitempty"`
	// UsuallyAuthenticated says that at least 80% of 3 or more earlier
	// messages passed DMARC; NotAuthenticatedNow, that this one does not.
	UsuallyAuthenticated bool `json:"usually_authenticated,omitempty"`
	NotAuthenticatedNow  bool `json:"not_authenticated_now,omitempty"`
	// Notes say the above in sentences, the warnings first.
	Notes []string `json:"notes"`
	// Recorded says the message was added to the memory; false when the
	// memory is read-only (offline and replay checks) or saving failed.
	Recorded bool `json:"recorded"`
}

// minUsual and usualShare define "usually": at least 80% of at least 3
// earlier messages.
const minUsual = 3

func usually(part, whole int) bool { return whole >= minUsual && part*5 >= whole*4 }

// View is the memory as it was before one message, for judging that
// message: checking a message again does not make its sender "seen
// before" by itself.
type View struct {
	s   *Store
	obs Observation
	// History is the sender's history.
	History *History
}

// Look returns the memory as it was before the message o describes.
func (s *Store) Look(o Observation) *View {
	v := &View{s: s, obs: o}
	addr, dom, _ := o.keys()
	h := &History{Address: addr, Domain: dom, Notes: []string{}}
	v.History = h
	if addr == "" || dom == "" {
		return v
	}
	s.mu.Lock()
	a, _ := v.prior(s.data.Addresses[addr])
	d, _ := v.prior(s.data.Domains[dom])
	s.mu.Unlock()

	h.AddressMessages, h.DomainMessages, h.Authenticated = a.Count, d.Count, a.Authenticated
	h.FirstMessage, h.FirstFromDomain = a.Count == 0, d.Count == 0
	if a.Count > 0 {
		first, last := a.First, a.Last
		h.FirstSeen, h.LastSeen = &first, &last
	}
	// Who usually signs: the address's own history when long enough,
	// else the domain's.
	for _, e := range []Entry{a, d} {
		if e.Count < minUsual {
			continue
		}
		if signer, n := topSigner(e.Signers); usually(n, e.Count) {
			h.UsuallySignedBy = signer
			h.NotSignedNow = !slices.ContainsFunc(o.Signers, func(s string) bool { return domain.Equal(s, signer) })
		}
		h.UsuallyAuthenticated = usually(e.Authenticated, e.Count)
		h.NotAuthenticatedNow = h.UsuallyAuthenticated && !o.DMARCPass
		break
	}
	h.Notes = notes(h)
	return v
}

// prior is e as it was before this message: when the message was
// counted already (checked before), its share is taken out, assuming it
// authenticated and was signed as now.
func (v *View) prior(e *Entry) (Entry, bool) {
	if e == nil {
		return Entry{}, false
	}
	_, _, id := v.obs.keys()
	p := *e
	if id == "" || !slices.Contains(e.Messages, id) {
		return p, false
	}
	p.Count--
	if v.obs.DMARCPass && p.Authenticated > 0 {
		p.Authenticated--
	}
	p.Signers = map[string]int{}
	for k, n := range e.Signers {
		p.Signers[k] = n
	}
	for _, s := range v.obs.Signers {
		if k := domain.Normalize(s); p.Signers[k] > 0 {
			p.Signers[k]--
		}
	}
	return p, true
}

func topSigner(m map[string]int) (string, int) {
	best, n := "", 0
	for k, c := range m {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best, n
}

func notes(h *History) []string {
	var out []string
	who := h.Address
	if h.NotSignedNow {
		out = append(out, fmt.Sprintf("Messages from %s were usually signed by %s; this one is not. Ask the sender another way before acting on it.", who, h.UsuallySignedBy))
	}
	if h.NotAuthenticatedNow {
		out = append(out, fmt.Sprintf("Messages from %s usually passed DMARC; this one does not.", who))
	}
	switch {
	case h.FirstMessage && h.FirstFromDomain:
		out = append(out, fmt.Sprintf("First message from this sender: no message from %s, or from anyone at %s, was checked on this computer before.", who, h.Domain))
	case h.FirstMessage:
		out = append(out, fmt.Sprintf("First message from %s; %s from others at %s were checked before.", who, plural(h.DomainMessages, "message"), h.Domain))
	default:
		out = append(out, fmt.Sprintf("Seen before: %s from %s, from %s to %s; %d of them authenticated.",
			plural(h.AddressMessages, "earlier message"), who, h.FirstSeen.Format("2006-01-02"), h.LastSeen.Format("2006-01-02"), h.Authenticated))
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Seen says whether mail from the address, and from the domain's
// organisation, was seen before this message. It makes View a
// signals.Known.
func (v *View) Seen(address, dom string) (addressSeen, domainSeen bool) {
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	if address != "" {
		a, _ := v.prior(v.s.data.Addresses[strings.ToLower(strings.TrimSpace(address))])
		addressSeen = a.Count > 0
	}
	if dom != "" {
		d, _ := v.prior(v.s.data.Domains[domain.OrgOrSelf(dom)])
		domainSeen = d.Count > 0
	}
	return addressSeen, domainSeen
}

// Trusted lists the organisational domains of earlier senders that
// authenticated, this message's share left out.
func (v *View) Trusted() []string {
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	var out []string
	for d, e := range v.s.data.Domains {
		if p, _ := v.prior(e); p.Authenticated > 0 && p.Count > 0 {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}
