// Package recorded owns what the servers a message passed through recorded
// about its authentication: Authentication-Results (RFC 8601),
// ARC-Authentication-Results (RFC 8617) and Received-SPF (RFC 7208 section
// 9.1). Read parses them once, from their raw bytes; the route takes from
// them what the receiver saw of the SMTP session (Session), ARC validation
// takes the ARC-Authentication-Results, and Choose decides which
// Authentication-Results field the receiving server wrote itself and can
// be trusted. Compare then sets the receiver's verdict at delivery beside
// our re-verification, explaining every difference in words.
//
// It depends on no other check's types: the caller fills Now with the
// results it got.
package recorded

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/emersion/go-msgauth/authres"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Field names.
const (
	AuthenticationResults    = "Authentication-Results"
	ARCAuthenticationResults = "ARC-Authentication-Results"
)

// maxValue bounds the part of a field value that is parsed; longer fields
// (no real one comes near) are cut with an error, so that hostile input
// costs little.
const maxValue = 64 << 10

// Header is one Authentication-Results or ARC-Authentication-Results field.
type Header struct {
	// Field is the field name, Authentication-Results or
	// ARC-Authentication-Results.
	Field string `json:"field"`
	// Index is the position of the field in the message header, from 0 at
	// the top; -1 when parsed from a value alone.
	Index int `json:"index"`
	// Instance is the i= of an ARC-Authentication-Results field.
	Instance int `json:"instance,omitempty"`
	// AuthservID names the server that wrote the field (RFC 8601 section
	// 2.5); empty when the field has none, as Microsoft writes them.
	AuthservID string `json:"authserv_id"`
	// Raw is the field value, unfolded.
	Raw string `json:"raw"`
	// Results holds one entry per method result, in order.
	Results []Method `json:"results"`
	// Error says what could not be read; the results before the problem
	// are kept.
	Error string `json:"error,omitempty"`
}

// Method is one method result, e.g. "dkim=pass header.d=example.com".
type Method struct {
	// Method is the method name in lower case (spf, dkim, dmarc, arc,
	// iprev, auth, ...).
	Method string `json:"method"`
	// Result is the result word in lower case.
	Result result.Result `json:"result"`
	// Reason is the reason= text, when given.
	Reason string `json:"reason,omitempty"`
	// Props are the properties (ptype.property=value), e.g.
	// "smtp.mailfrom", "header.d", "header.s", "header.from".
	Props map[string]string `json:"properties,omitempty"`
	// Comments are the parenthesised comments the server wrote, which
	// often hold the client IP address.
	Comments []string `json:"comments,omitempty"`
}

// Get returns the value of a property, or "".
func (m *Method) Get(prop string) string { return m.Props[prop] }

// Domain is the domain the result is about: header.d for DKIM, the domain
// of smtp.mailfrom (or smtp.helo) for SPF, header.from for DMARC.
func (m *Method) Domain() string {
	switch m.Method {
	case "dkim":
		if d := m.Get("header.d"); d != "" {
			return strings.ToLower(d)
		}
		if i := m.Get("header.i"); i != "" {
			return strings.ToLower(i[strings.LastIndexByte(i, '@')+1:])
		}
	case "spf":
		if f := m.Get("smtp.mailfrom"); f != "" {
			return strings.ToLower(strings.Trim(f[strings.LastIndexByte(f, '@')+1:], "<> "))
		}
		return strings.ToLower(m.Get("smtp.helo"))
	case "dmarc":
		return strings.ToLower(m.Get("header.from"))
	}
	return ""
}

// IP is the client IP address the result names, from a property
// (smtp.remote-ip, smtp.client-ip, policy.iprev) or, failing that, a
// comment such as "(sender IP is 192.0.2.1)" or "designates 192.0.2.1 as
// permitted sender". Invalid when none is given.
func (m *Method) IP() netip.Addr {
	for _, p := range []string{"smtp.remote-ip", "smtp.client-ip", "policy.iprev", "smtp.ip"} {
		if a, err := netip.ParseAddr(strings.Trim(m.Get(p), "[]")); err == nil {
			return a
		}
	}
	for _, c := range m.Comments {
		for _, w := range ipCandidate.FindAllString(c, -1) {
			if a, err := netip.ParseAddr(strings.Trim(w, "[]")); err == nil {
				return a
			}
		}
	}
	return netip.Addr{}
}

var ipCandidate = regexp.MustCompile(`[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]+`)

// ParseValue parses the value of an Authentication-Results field (what
// follows the colon, folding allowed).
func ParseValue(value string) *Header {
	h := &Header{Field: AuthenticationResults, Index: -1}
	h.parse(value)
	return h
}

// ParseARCValue parses the value of an ARC-Authentication-Results field:
// "i=N;" and then the same syntax as Authentication-Results.
func ParseARCValue(value string) *Header {
	h := &Header{Field: ARCAuthenticationResults, Index: -1}
	inst, rest, err := SplitInstance(value)
	h.Instance = inst
	if err != nil {
		h.Raw = text.Clip(message.Unfold(value), 80)
		h.Error = err.Error()
		return h
	}
	h.parse(rest)
	h.Raw = message.Unfold(value)
	return h
}

// SplitInstance splits "i=N; rest" into N and rest, as the value of an
// ARC-Authentication-Results field begins (RFC 8617 section 4.1). N may have
// up to three digits: the caller rejects instances above 50 with a reason
// of its own.
func SplitInstance(value string) (int, string, error) {
	first, rest, found := strings.Cut(value, ";")
	k, v, ok := strings.Cut(first, "=")
	if !found || !ok || strings.TrimSpace(k) != "i" {
		return 0, value, fmt.Errorf("the value does not start with the instance tag i=")
	}
	v = strings.TrimSpace(v)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || len(v) > 3 || v[0] == '+' {
		return 0, value, fmt.Errorf("the instance i=%q is not a number from 1 to 50", text.Clip(v, 80))
	}
	return n, rest, nil
}

func (h *Header) parse(value string) {
	if len(value) > maxValue {
		value = value[:maxValue]
		h.Error = fmt.Sprintf("the field is longer than %d bytes; only its start was read", maxValue)
	}
	h.Raw = message.Unfold(value)
	clean, comments, err := normalize(h.Raw)
	if err != nil && h.Error == "" {
		// Read what comes before the problem anyway.
		h.Error = err.Error()
	}
	// Microsoft writes no authserv-id: the value starts with a result.
	// Give authres a placeholder so that the first result is not taken for
	// one.
	noID := false
	if first, _, _ := strings.Cut(clean, ";"); strings.Contains(first, "=") {
		noID = true
		clean = "unknown;" + clean
		comments = append([][]string{nil}, comments...)
	}
	id, results, err := authres.Parse(clean)
	if !noID {
		h.AuthservID = restore(id)
	}
	parts := resinfos(clean)
	for i, r := range results {
		m := Method{Props: map[string]string{}}
		if i < len(parts) {
			m.Props = parts[i].props
			m.Comments = comments[parts[i].index]
		}
		m.Method, m.Result, m.Reason = describe(r)
		if m.Method == "" && i < len(parts) {
			m.Method = parts[i].method
		}
		if m.Reason == "" {
			m.Reason = m.Props["reason"]
		}
		delete(m.Props, "reason")
		h.Results = append(h.Results, m)
	}
	if err != nil && h.Error == "" {
		h.Error = strings.TrimPrefix(err.Error(), "msgauth: ")
		if strings.Contains(h.Error, "unsupported version") {
			first, _, _ := strings.Cut(clean, ";")
			h.Error = fmt.Sprintf("the authserv-id %q is followed by something other than the version 1", text.Clip(restore(strings.Fields(first)[0]), 80))
		}
	}
}

// describe gives the method, result and reason of a result of authres.
func describe(r authres.Result) (method string, word result.Result, reason string) {
	switch r := r.(type) {
	case *authres.SPFResult:
		return "spf", result.Result(r.Value), restore(r.Reason)
	case *authres.DKIMResult:
		return "dkim", result.Result(r.Value), restore(r.Reason)
	case *authres.DMARCResult:
		return "dmarc", result.Result(r.Value), restore(r.Reason)
	case *authres.ARCResult:
		return "arc", result.Result(r.Value), ""
	case *authres.AuthResult:
		return "auth", result.Result(r.Value), restore(r.Reason)
	case *authres.IPRevResult:
		return "iprev", result.Result(r.Value), restore(r.Reason)
	case *authres.DomainKeysResult:
		return "domainkeys", result.Result(r.Value), restore(r.Reason)
	case *authres.SenderIDResult:
		return "sender-id", result.Result(r.Value), restore(r.Reason)
	case *authres.GenericResult:
		return r.Method, result.Result(r.Value), restore(r.Params["reason"])
	}
	return "", "", ""
}

// resinfo is one method result as split from the normalised value, in the
// same way authres splits it, for the properties authres does not keep
// (header.s, header.b, policy.*, smtp.remote-ip).
type resinfo struct {
	index  int // which ";"-separated part, for its comments
	method string
	props  map[string]string
}

// resinfos splits a normalised value the way authres.Parse does: by ";",
// skipping the authserv-id, empty parts and "none".
func resinfos(clean string) []resinfo {
	var out []resinfo
	for i, part := range strings.Split(clean, ";") {
		if i == 0 {
			continue
		}
		fields := strings.Fields(part)
		if len(fields) == 0 || fields[0] == "none" {
			continue
		}
		r := resinfo{index: i, props: map[string]string{}}
		k, _, _ := strings.Cut(fields[0], "=")
		r.method = strings.ToLower(k)
		for _, f := range fields[1:] {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			r.props[strings.ToLower(restore(k))] = restore(v)
		}
		out = append(out, r)
	}
	return out
}

// Quoted strings are protected from authres's splitting on ";" and
// whitespace by these private-use characters, and restored afterwards.
const (
	qSpace = '\uE000'
	qSemi  = '\uE001'
)

// normalize prepares a value for authres, which knows neither comments nor
// quoted strings (RFC 8601 allows both): comments are taken out and kept
// per ";"-separated part; quoted strings lose their quotes, and the spaces
// and semicolons in them are protected.
func normalize(v string) (string, [][]string, error) {
	var b strings.Builder
	comments := [][]string{nil}
	var comment strings.Builder
	depth := 0
	quoted := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case depth > 0:
			switch c {
			case '\\':
				if i+1 < len(v) {
					i++
					comment.WriteByte(v[i])
				}
			case '(':
				depth++
				comment.WriteByte(c)
			case ')':
				depth--
				if depth == 0 {
					comments[len(comments)-1] = append(comments[len(comments)-1], strings.TrimSpace(comment.String()))
					comment.Reset()
					b.WriteByte(' ')
				} else {
					comment.WriteByte(c)
				}
			default:
				comment.WriteByte(c)
			}
		case quoted:
			switch c {
			case '\\':
				if i+1 < len(v) {
					i++
					writeQuoted(&b, v[i])
				}
			case '"':
				quoted = false
			default:
				writeQuoted(&b, c)
			}
		default:
			switch c {
			case '(':
				depth = 1
			case '"':
				quoted = true
			case ';':
				comments = append(comments, nil)
				b.WriteByte(c)
			default:
				b.WriteByte(c)
			}
		}
	}
	if depth > 0 {
		return b.String(), comments, fmt.Errorf("a comment is not closed: a ')' is missing")
	}
	if quoted {
		return b.String(), comments, fmt.Errorf("a quoted string is not closed: a '\"' is missing")
	}
	return b.String(), comments, nil
}

func writeQuoted(b *strings.Builder, c byte) {
	switch c {
	case ' ', '\t':
		b.WriteRune(qSpace)
	case ';':
		b.WriteRune(qSemi)
	default:
		b.WriteByte(c)
	}
}

func restore(s string) string {
	if !strings.ContainsAny(s, string([]rune{qSpace, qSemi})) {
		return s
	}
	return strings.NewReplacer(string(qSpace), " ", string(qSemi), ";").Replace(s)
}
