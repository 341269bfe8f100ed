package dkim

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// fieldName is the name of a field as DKIM compares it: case kept, any
// whitespace before the colon removed.
func fieldName(f message.Field) string {
	if f.Name != "" {
		return strings.TrimRight(f.Name, " \t")
	}
	name, _, _ := bytes.Cut(f.Raw, []byte(":"))
	return strings.TrimRight(string(name), " \t\r\n")
}

// SelectHeaders says which header fields the names of an h= list select,
// following RFC 6376 section 5.4.2: each occurrence of a name takes the
// lowest instance of that field not yet taken, so a name listed twice takes
// the last two instances, bottom up. It returns one index into header per
// name, or -1 when no instance is left (a name listed more often than the
// field occurs, which signers do on purpose so that an added instance breaks
// the signature). The field at index self (the signature being verified) is
// never selected: it did not exist when the signature was made. Pass -1 for
// self when the signature is not in header.
func SelectHeaders(header []message.Field, names []string, self int) []int {
	picked := make([]int, len(names))
	next := map[string]int{} // lower-case name -> index to search below
	for i, name := range names {
		key := strings.ToLower(name)
		start, ok := next[key]
		if !ok {
			start = len(header)
		}
		picked[i] = -1
		for j := start - 1; j >= 0; j-- {
			if j != self && strings.EqualFold(fieldName(header[j]), name) {
				picked[i] = j
				start = j
				break
			}
		}
		if picked[i] < 0 {
			start = -1
		}
		next[key] = start
	}
	return picked
}

// HeaderHashInput returns the exact bytes that a signature's header hash
// covers (RFC 6376 section 3.7): the fields that names (h=) select, each
// canonicalised, then the signature field header[self] itself, canonicalised,
// with its b= value emptied and without its final CRLF. ARC's
// ARC-Message-Signature is computed the same way.
func HeaderHashInput(c Canonicalization, header []message.Field, names []string, self int) ([]byte, error) {
	if self < 0 || self >= len(header) {
		return nil, fmt.Errorf("dkim: signature field index %d out of range", self)
	}
	var buf bytes.Buffer
	for _, i := range SelectHeaders(header, names, self) {
		if i >= 0 {
			buf.Write(CanonicalizeHeader(c, header[i].Raw))
		}
	}
	stripped, err := StripSignature(header[self].Raw)
	if err != nil {
		return nil, err
	}
	buf.Write(bytes.TrimSuffix(CanonicalizeHeader(c, stripped), []byte("\r\n")))
	return buf.Bytes(), nil
}

// StripSignature returns a copy of a raw signature field (DKIM-Signature,
// ARC-Message-Signature, ARC-Seal) with the value of its b= tag deleted,
// including the whitespace around it, as the signer hashed it. It finds b=
// by walking the tag list, so a "b=" inside another tag's value is never
// mistaken for it, and bh= is left alone.
func StripSignature(raw []byte) ([]byte, error) {
	colon := bytes.IndexByte(raw, ':')
	if colon < 0 {
		return nil, fmt.Errorf("dkim: the signature field has no colon")
	}
	end := len(raw)
	if bytes.HasSuffix(raw, []byte("\r\n")) {
		end -= 2
	}
	start := colon + 1
	for start <= end {
		semi := bytes.IndexByte(raw[start:end], ';')
		stop := end
		if semi >= 0 {
			stop = start + semi
		}
		if eq := bytes.IndexByte(raw[start:stop], '='); eq >= 0 {
			if trimFWS(string(raw[start:start+eq])) == "b" {
				out := make([]byte, 0, len(raw))
				out = append(out, raw[:start+eq+1]...)
				return append(out, raw[stop:]...), nil
			}
		}
		start = stop + 1
	}
	return nil, fmt.Errorf("dkim: the signature field has no b= tag")
}
