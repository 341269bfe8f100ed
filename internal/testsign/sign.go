package testsign

import (
	"crypto"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Message is a message being built or signed: its header fields top
// first, each a whole field with its folding and its final CRLF, and its
// body with CRLF line endings.
type Message struct {
	Fields []string
	Body   string
}

// Parse splits raw, a message with CRLF line endings, into its fields and
// body. A raw message without the empty line that ends the header is all
// header; String gives it back with that line added.
func Parse(raw string) *Message {
	header, body, found := strings.Cut("\r\n"+raw, "\r\n\r\n")
	header = strings.TrimPrefix(header, "\r\n")
	if !found {
		header, body = strings.TrimSuffix(raw, "\r\n"), ""
	}
	m := &Message{Body: body}
	if header == "" {
		return m
	}
	for _, line := range strings.SplitAfter(header+"\r\n", "\r\n") {
		switch {
		case line == "":
		case len(m.Fields) > 0 && (line[0] == ' ' || line[0] == '\t'):
			m.Fields[len(m.Fields)-1] += line
		default:
			m.Fields = append(m.Fields, line)
		}
	}
	return m
}

// String is the message as a file.
func (m *Message) String() string {
	return strings.Join(m.Fields, "") + "\r\n" + m.Body
}

// Prepend adds the field "name: value" at the top, as every hop does.
// value may be folded (CRLF and white space); the final CRLF is added.
func (m *Message) Prepend(name, value string) {
	m.Fields = append([]string{name + ": " + value + "\r\n"}, m.Fields...)
}

// DefaultHeaders are the fields signed when Options.Headers is nil.
var DefaultHeaders = []string{"From", "To", "Subject", "Date", "Message-ID"}

// WholeBody is the Options.BodyLength that writes l= with the length of
// the whole canonical body.
const WholeBody = -1

// Options are the tags of a DKIM signature besides d= and s= (which come
// from the Key). Tags are written in the order v=, a=, c=, d=, s=, i=, t=,
// x=, h=, l=, Extra, bh=, b=, folded at 76 columns.
type Options struct {
	// Headers are the names of h=, in order and as written. A name may
	// stand more times than the message has such fields (oversigning).
	// Nil means DefaultHeaders.
	Headers []string
	// Canon is c=, header/body canonicalisation: "relaxed/relaxed" (the
	// default when empty), "simple/simple", "relaxed/simple" or
	// "simple/relaxed".
	Canon string
	// Hash is the hash of a= for RSA keys: crypto.SHA256 (the default
	// when 0) or crypto.SHA1. Ed25519 is always ed25519-sha256.
	Hash crypto.Hash
	// Identity is i=, the agent or user identifier; none when empty.
	Identity string
	// Time is t= and Expires x=; none when zero.
	Time, Expires time.Time
	// BodyLength is l=, how many bytes of the canonical body the signature
	// covers: 0 for no l= tag, WholeBody for all of them.
	BodyLength int64
	// Extra are more tags ("name=value"), written as given and signed:
	// unknown tags, or odd and repeated ones for negative tests.
	Extra []string
}

func (o Options) headers() []string {
	if o.Headers == nil {
		return DefaultHeaders
	}
	return o.Headers
}

// canon returns c= and whether the header and body canonicalisations are
// relaxed.
func (o Options) canon() (c string, header, body bool) {
	c = o.Canon
	if c == "" {
		c = "relaxed/relaxed"
	}
	h, b, _ := strings.Cut(c, "/")
	valid := func(s string) bool { return s == "relaxed" || s == "simple" }
	if !valid(h) || !valid(b) {
		panic(fmt.Sprintf("testsign: bad canonicalisation %q", o.Canon))
	}
	return c, h == "relaxed", b == "relaxed"
}

func (o Options) hash() crypto.Hash {
	if o.Hash == 0 {
		return crypto.SHA256
	}
	return o.Hash
}

// Sign adds a DKIM-Signature by k at the top of m and returns its b= value
// (unfolded), as an Authentication-Results header.b quotes its start.
func (m *Message) Sign(k Key, o Options) string {
	field, b, err := m.signature("DKIM-Signature", "v=1", k, o, strings.NewReader(m.Body))
	if err != nil {
		panic("testsign: " + err.Error())
	}
	m.Fields = append([]string{field}, m.Fields...)
	return b
}

// Signature returns the DKIM-Signature field (ending in CRLF) that Sign
// would add to m if its body were what body gives: for a message too large
// to hold, streamed through the signer. m is not changed; an error is one
// from reading body.
func (m *Message) Signature(body io.Reader, k Key, o Options) (string, error) {
	field, _, err := m.signature("DKIM-Signature", "v=1", k, o, body)
	return field, err
}

// Sign returns msg (a message with CRLF line endings) with a
// DKIM-Signature by k at the top.
func Sign(msg string, k Key, o Options) string {
	m := Parse(msg)
	m.Sign(k, o)
	return m.String()
}

// signature makes a signature field named name (DKIM-Signature or
// ARC-Message-Signature) over m's fields and body, its first tag first
// (v=1, or an ARC instance), and returns it with its unfolded b= value.
func (m *Message) signature(name, first string, k Key, o Options, body io.Reader) (field, b string, err error) {
	canon, relaxedHeader, relaxedBody := o.canon()
	limit := o.BodyLength
	if limit <= 0 {
		limit = -1 // none, or WholeBody: hash it all
	}
	bh, length, err := bodyHash(body, relaxedBody, o.hash(), limit)
	if err != nil {
		return "", "", err
	}
	tags := []string{first, "a=" + k.algorithm(o.hash()), "c=" + canon, "d=" + k.Domain, "s=" + k.Selector}
	if o.Identity != "" {
		tags = append(tags, "i="+o.Identity)
	}
	tags = appendTime(tags, "t=", o.Time)
	tags = appendTime(tags, "x=", o.Expires)
	tags = append(tags, "h="+strings.Join(o.headers(), ":"))
	switch {
	case o.BodyLength == WholeBody:
		tags = append(tags, "l="+strconv.FormatInt(length, 10))
	case o.BodyLength > 0:
		tags = append(tags, "l="+strconv.FormatInt(o.BodyLength, 10))
	}
	tags = append(append(tags, o.Extra...), "bh="+bh)

	b = k.sign(o.hash(), signedInput(relaxedHeader, selectFields(m.Fields, o.headers()), name, tags))
	return name + ": " + fold(tags, b) + "\r\n", b, nil
}

// signedInput is what a signature field named name with tags signs: the
// selected fields, then the field itself with an empty b= and no final
// CRLF, each canonicalised (RFC 6376 section 3.7).
func signedInput(relaxed bool, selected []string, name string, tags []string) string {
	var in strings.Builder
	for _, f := range selected {
		in.WriteString(canonicalHeader(relaxed, f))
	}
	in.WriteString(strings.TrimSuffix(canonicalHeader(relaxed, name+": "+fold(tags, "")+"\r\n"), "\r\n"))
	return in.String()
}

func appendTime(tags []string, tag string, t time.Time) []string {
	if t.IsZero() {
		return tags
	}
	return append(tags, tag+strconv.FormatInt(t.Unix(), 10))
}

// selectFields picks the fields named in h, each name taking the
// bottom-most instance not yet taken (RFC 6376 section 5.4.2); a name with
// none left adds nothing.
func selectFields(fields []string, h []string) []string {
	used := make(map[int]bool)
	var out []string
	for _, name := range h {
		for i := len(fields) - 1; i >= 0; i-- {
			n, _, _ := strings.Cut(fields[i], ":")
			if !used[i] && strings.EqualFold(strings.TrimSpace(n), name) {
				used[i] = true
				out = append(out, fields[i])
				break
			}
		}
	}
	return out
}

// fold writes tags as a folded field value, lines of at most 76
// characters, and b= last on lines of its own.
func fold(tags []string, b string) string {
	var sb strings.Builder
	line := 0
	for i, t := range tags {
		if i > 0 {
			if line+len(t)+2 > 76 {
				sb.WriteString("\r\n\t")
				line = 8
			} else {
				sb.WriteString(" ")
				line++
			}
		}
		sb.WriteString(t + ";")
		line += len(t) + 1
	}
	sb.WriteString("\r\n\tb=")
	for len(b) > 0 {
		n := min(len(b), 70)
		sb.WriteString(b[:n])
		b = b[n:]
		if len(b) > 0 {
			sb.WriteString("\r\n\t  ")
		}
	}
	return sb.String()
}

// CRLF gives s, a message or a part of one written with LF or CRLF line
// endings, CRLF line endings.
func CRLF(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
