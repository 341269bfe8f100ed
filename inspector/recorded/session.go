package recorded

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/received"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Session is what the receiving side wrote down about the SMTP session that
// brought the message in: the client address, HELO name and envelope
// sender it saw, and the SPF result it got, from the topmost Received-SPF
// field and the topmost Authentication-Results field with an spf result.
// The route uses it as evidence for the boundary hop and checks its own
// findings against it.
type Session struct {
	ClientIP netip.Addr `json:"client_ip,omitzero"`
	HELO     string     `json:"helo,omitempty"`
	MailFrom string     `json:"mail_from,omitempty"`
	// SPF is the SPF result the receiver recorded.
	SPF result.Result `json:"spf,omitempty"`
	// Sources names the fields read, e.g. "Received-SPF",
	// "Authentication-Results (mx.google.com)".
	Sources []string `json:"sources,omitempty"`
	// Notes say how far these fields can be trusted.
	Notes []string `json:"notes,omitempty"`
	// Fields are the header indexes of the fields read, top first.
	Fields []int `json:"-"`
}

// ReceivedSPF is one Received-SPF field (RFC 7208 section 9.1).
type ReceivedSPF struct {
	// Index is the position of the field in the message header, from 0 at
	// the top; -1 when parsed from a value alone.
	Index        int
	Result       result.Result
	Comment      string
	ClientIP     netip.Addr
	EnvelopeFrom string
	HELO         string
	Receiver     string
	Identity     string
}

// designates finds the client address in the usual comment texts:
// "domain of x designates 192.0.2.1 as permitted sender" (Gmail and
// libspf2), "does not designate 192.0.2.1 as permitted sender", "sender IP
// is 192.0.2.1" (Microsoft), "client-ip=192.0.2.1".
var designates = regexp.MustCompile(`(?i)(?:designates?|sender ip is|client-ip=|ip address|connecting ip)\s*:?\s*\[?([0-9a-f:.]+[0-9a-f])\]?`)

// spfWords are the results a Received-SPF field can start with (RFC 7208
// section 9.1).
var spfWords = map[string]bool{"pass": true, "fail": true, "softfail": true, "neutral": true, "none": true, "temperror": true, "permerror": true}

// ParseReceivedSPF reads a Received-SPF value: a result word, an optional
// comment, and key=value pairs separated by ";". It is lenient: unknown
// keys are ignored, and a value it cannot read gives an empty field.
func ParseReceivedSPF(v string) ReceivedSPF {
	r := ReceivedSPF{Index: -1}
	v = strings.TrimSpace(v)
	word, rest, _ := strings.Cut(v, " ")
	if w := strings.ToLower(strings.TrimRight(word, ";")); spfWords[w] {
		r.Result = result.Result(w)
	} else {
		rest = v
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "(") {
		c, n, _ := received.ScanComment(rest)
		r.Comment = c
		rest = rest[n:]
	}
	for _, kv := range splitOutside(rest, ';') {
		k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			continue
		}
		val = unquote(strings.TrimSpace(val))
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "client-ip":
			if a, err := netip.ParseAddr(val); err == nil {
				r.ClientIP = a.Unmap()
			}
		case "envelope-from":
			r.EnvelopeFrom = strings.Trim(val, "<>")
		case "helo":
			r.HELO = val
		case "receiver":
			r.Receiver = val
		case "identity":
			r.Identity = val
		}
	}
	if !r.ClientIP.IsValid() {
		r.ClientIP = addrInText(r.Comment)
	}
	return r
}

// SPF is the spf result of an Authentication-Results field (RFC 8601),
// with the client address the field gives anywhere (smtp.remote-ip,
// smtp.client-ip, policy.iprev, or an address in a comment). ok is false
// when the field has no spf result.
func (h *Header) SPF() (spf AuthResultsSPF, ok bool) {
	spf.AuthServID = h.AuthservID
	for _, m := range h.Results {
		if a := m.IP(); a.IsValid() && !spf.ClientIP.IsValid() {
			spf.ClientIP = a.Unmap()
		}
		if m.Method != "spf" || ok {
			continue
		}
		ok = true
		spf.Result = m.Result
		spf.MailFrom = strings.Trim(m.Get("smtp.mailfrom"), "<>")
		spf.HELO = m.Get("smtp.helo")
	}
	return spf, ok
}

// AuthResultsSPF is the spf result of one Authentication-Results field.
type AuthResultsSPF struct {
	AuthServID string
	Result     result.Result
	MailFrom   string // smtp.mailfrom: an address, or a domain (Microsoft)
	HELO       string // smtp.helo
	ClientIP   netip.Addr
}

// addrInText finds a client address in comment text.
func addrInText(s string) netip.Addr {
	m := designates.FindStringSubmatch(s)
	if m == nil {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(m[1])
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// splitOutside splits s at sep where sep is outside comments and quotes.
func splitOutside(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			i++
		case c == '"' && depth == 0:
			quoted = !quoted
		case c == '(' && !quoted:
			depth++
		case c == ')' && !quoted && depth > 0:
			depth--
		case c == sep && depth == 0 && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// unquote removes the quotes of a quoted-string value.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		s = strings.ReplaceAll(s, `\"`, `"`)
		s = strings.ReplaceAll(s, `\\`, `\`)
	}
	return s
}
