package message

import (
	"bytes"
	"strings"
)

// RawValue is the value of f as written, after the colon, folding kept,
// without the final CRLF: what the parsers of structured fields
// (Authentication-Results, ARC sets, DKIM-Signature) read, so that display
// decoding cannot change it. A field made without Raw gives its Value.
func (f Field) RawValue() string {
	_, v, ok := bytes.Cut(f.Raw, []byte(":"))
	if !ok {
		return f.Value
	}
	return string(bytes.TrimSuffix(v, []byte("\r\n")))
}

// Unfold joins the lines of a folded value (RFC 5322 section 2.2.3) for
// reading: each line break, with the white space around it, becomes one
// space, and the value is trimmed. Bare CR and LF count as line breaks.
func Unfold(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\r' && c != '\n' {
			b.WriteByte(c)
			continue
		}
		for i+1 < len(s) && (s[i+1] == '\r' || s[i+1] == '\n' || s[i+1] == ' ' || s[i+1] == '\t') {
			i++
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}
