package recorded

import (
	"cmp"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// ReceivedSPFField is the name of the field of RFC 7208 section 9.1.
const ReceivedSPFField = "Received-SPF"

// Fields is everything the servers on a message's way recorded about its
// authentication, each field parsed once, from its raw bytes: the
// Authentication-Results and ARC-Authentication-Results fields (RFC 8601,
// RFC 8617 section 4.1.1) and the Received-SPF fields (RFC 7208 section
// 9.1). The route, ARC validation and the comparison with our results all
// read them from here.
type Fields struct {
	// Results holds the Authentication-Results and
	// ARC-Authentication-Results fields, top first.
	Results []*Header
	// ReceivedSPF holds the Received-SPF fields, top first.
	ReceivedSPF []ReceivedSPF
}

// Read parses the recorded fields of m.
func Read(m *message.Message) *Fields {
	f := &Fields{}
	for i, fl := range m.Header {
		var h *Header
		switch {
		case strings.EqualFold(fl.Name, AuthenticationResults):
			h = ParseValue(fl.RawValue())
		case strings.EqualFold(fl.Name, ARCAuthenticationResults):
			h = ParseARCValue(fl.RawValue())
		case strings.EqualFold(fl.Name, ReceivedSPFField):
			r := ParseReceivedSPF(message.Unfold(fl.RawValue()))
			r.Index = i
			f.ReceivedSPF = append(f.ReceivedSPF, r)
			continue
		default:
			continue
		}
		h.Index = i
		f.Results = append(f.Results, h)
	}
	return f
}

// AAR returns the ARC-Authentication-Results field at header index i, or
// nil (also when f is nil).
func (f *Fields) AAR(i int) *Header {
	if f == nil {
		return nil
	}
	for _, h := range f.Results {
		if h.Index == i && h.Field == ARCAuthenticationResults {
			return h
		}
	}
	return nil
}

// Session is what the topmost Received-SPF field and the topmost
// Authentication-Results field with an spf result say about the SMTP
// session that delivered the message. Where both name a client address,
// HELO name or envelope sender, the Received-SPF field's is kept.
func (f *Fields) Session() Session {
	var s Session
	if len(f.ReceivedSPF) > 0 {
		p := f.ReceivedSPF[0]
		s.Sources = append(s.Sources, ReceivedSPFField)
		s.Fields = append(s.Fields, p.Index)
		s.ClientIP, s.HELO, s.MailFrom, s.SPF = p.ClientIP, p.HELO, p.EnvelopeFrom, p.Result
	}
	for _, h := range f.Results {
		if h.Field != AuthenticationResults {
			continue
		}
		p, ok := h.SPF()
		if !ok {
			continue
		}
		src := AuthenticationResults
		if p.AuthServID != "" {
			src += " (" + p.AuthServID + ")"
		}
		s.Sources = append(s.Sources, src)
		s.Fields = append(s.Fields, h.Index)
		s.ClientIP = cmp.Or(s.ClientIP, p.ClientIP)
		s.HELO = cmp.Or(s.HELO, p.HELO)
		s.MailFrom = cmp.Or(s.MailFrom, p.MailFrom)
		s.SPF = cmp.Or(s.SPF, p.Result)
		break
	}
	// Name the sources in the order they stand in the header.
	if len(s.Fields) == 2 && s.Fields[1] < s.Fields[0] {
		s.Fields[0], s.Fields[1] = s.Fields[1], s.Fields[0]
		s.Sources[0], s.Sources[1] = s.Sources[1], s.Sources[0]
	}
	return s
}
