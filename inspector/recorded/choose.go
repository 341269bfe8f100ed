package recorded

import (
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// Receiver identifies the receiving side: the boundary hop, where the
// message entered the recipient's mail system.
type Receiver struct {
	// Host is the by-host of the boundary hop's Received field, e.g.
	// mx.google.com. Empty when unknown.
	Host string
	// Received is the index in the message header of that Received field,
	// or -1 when unknown. Fields below the next Received field were already
	// in the message when the receiver got it, so none of them can be the
	// receiver's own, whatever authserv-id they claim.
	Received int
}

// Choice says which Authentication-Results field the receiving server wrote
// and which others are shown only for information.
type Choice struct {
	// Trusted is the receiver's own field; nil when none qualifies.
	Trusted *Header `json:"trusted,omitempty"`
	// Why says why Trusted was chosen, or why none was.
	Why string `json:"why"`
	// Untrusted are the other Authentication-Results fields, each with
	// why it is not trusted.
	Untrusted []Untrusted `json:"untrusted,omitempty"`
	// ARC holds the ARC-Authentication-Results fields, top first. They are
	// judged by ARC validation, not here.
	ARC []*Header `json:"arc,omitempty"`
	// AboveReceived says that Trusted sits above the receiver's own
	// Received field, where only the receiving side writes: no sender
	// could have put it there.
	AboveReceived bool `json:"above_received,omitempty"`
}

// Untrusted is an Authentication-Results field that is shown but not
// believed, and why.
type Untrusted struct {
	*Header
	Why string `json:"why"`
}

// Choose decides which of the Authentication-Results fields hs (as Parse
// gives them for m) to trust: the topmost one whose authserv-id names the
// receiving side, that is the boundary host itself, its organisational
// domain, or another host of that organisation (RFC 8601 section 5: a
// receiver removes fields claiming its own authserv-id before adding its
// own, so the topmost one is its own). A field below the Received field of
// the hop before the receiver came with the message and is never trusted.
// A field without authserv-id (Microsoft writes them so) is trusted only
// when it sits above the receiver's own Received field, where only the
// receiving side writes. m may be nil, which disables the position tests
// that need the Received fields.
func Choose(m *message.Message, hs []*Header, rcv Receiver) *Choice {
	c := &Choice{}
	host := domain.Normalize(rcv.Host)
	limit := arrival(m, rcv.Received)
	for _, h := range hs {
		if h.Field == ARCAuthenticationResults {
			c.ARC = append(c.ARC, h)
			continue
		}
		why := ""
		id := domain.Normalize(h.AuthservID)
		switch {
		case host == "":
			why = "the receiving server could not be identified from the Received fields, so no Authentication-Results field can be attributed to it"
		case limit >= 0 && h.Index >= limit:
			why = fmt.Sprintf("it sits below the Received field of the hop before the receiver %s, so it was already in the message when the receiver got it: "+
				"the sender or a server on the way wrote it, and anyone can write one", rcv.Host)
		case id == "" && (rcv.Received < 0 || h.Index > rcv.Received):
			why = fmt.Sprintf("it names no authserv-id and sits below the receiver's Received field, so nothing ties it to the receiver %s", rcv.Host)
		case id == "":
			// Microsoft writes no authserv-id. Above the receiver's own
			// Received field, a field was added on the receiving side.
		case !domain.SameOrg(id, host):
			why = fmt.Sprintf("its authserv-id %s is not the receiving server %s nor of its organisation, so it was written by someone else "+
				"(possibly the sender, to mislead a reader)", h.AuthservID, rcv.Host)
		}
		if why == "" && c.Trusted != nil {
			why = fmt.Sprintf("a field of the receiver %s above it takes precedence; this one was written earlier or copied in", rcv.Host)
		}
		if why == "" {
			c.Trusted = h
			continue
		}
		c.Untrusted = append(c.Untrusted, Untrusted{Header: h, Why: why})
	}
	// A field above the trusted one with another authserv-id was added
	// after delivery (by a filter or mail program): say so rather than call
	// it a forgery.
	if c.Trusted != nil {
		for i := range c.Untrusted {
			u := &c.Untrusted[i]
			if u.Index < c.Trusted.Index && !domain.SameOrg(domain.Normalize(u.AuthservID), host) {
				u.Why = fmt.Sprintf("it was added after the receiver's own field, by %s, not by the receiving server %s", orUnknown(u.AuthservID), rcv.Host)
			}
		}
	}
	c.AboveReceived = c.Trusted != nil && rcv.Received >= 0 && c.Trusted.Index >= 0 && c.Trusted.Index < rcv.Received
	switch {
	case c.Trusted != nil && c.Trusted.AuthservID == "":
		c.Why = fmt.Sprintf("it is the topmost Authentication-Results field, written above the Received field of the receiving server %s; "+
			"it names no authserv-id, as Microsoft's servers write them", rcv.Host)
	case c.Trusted != nil:
		c.Why = fmt.Sprintf("it is the topmost Authentication-Results field whose authserv-id (%s) names the receiving server %s", c.Trusted.AuthservID, rcv.Host)
	case host == "":
		c.Why = "the receiving server could not be identified, so no Authentication-Results field can be trusted"
	default:
		c.Why = fmt.Sprintf("no Authentication-Results field was written by the receiving server %s", rcv.Host)
	}
	return c
}

// arrival is the index of the first field that was in the message when the
// receiver got it: the next Received field below the receiver's, or -1.
func arrival(m *message.Message, received int) int {
	if m == nil || received < 0 {
		return -1
	}
	for i := received + 1; i < len(m.Header); i++ {
		if strings.EqualFold(m.Header[i].Name, "Received") {
			return i
		}
	}
	return -1
}

func orUnknown(s string) string {
	if s == "" {
		return "an unnamed server"
	}
	return s
}
