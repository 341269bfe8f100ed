// Package message loads a saved e-mail message as users really have it
// (CRLF or bare LF line endings, a leading mbox "From " line, a UTF-8 BOM,
// trailing garbage) and gives its header fields byte for byte, as DKIM needs
// them, and its body as a stream, so that a large message is never held in
// memory twice.
package message

import "io"

// Field is one header field as it stands in the message.
type Field struct {
	// Name is the field name as written (case kept), without the colon.
	Name string `json:"name"`
	// Raw is the whole field, name, colon, value and folding, with every line
	// ending normalised to CRLF and ending in CRLF. DKIM canonicalises these
	// bytes.
	Raw []byte `json:"-"`
	// Value is the unfolded value decoded for display (RFC 2047 encoded words,
	// charsets), never used for verification.
	Value string `json:"value"`
}

// Message is a loaded message. Its header is in memory; its body is read
// from the source on demand, as many times as needed, through Body.
type Message struct {
	// File names the source in errors and reports.
	File string
	// Header holds the fields in the order they appear, top first.
	Header []Field
	// HasBody is false for a header-only message (pasted headers).
	HasBody bool
	// Notes say what was repaired while loading (line endings normalised,
	// mbox From line stripped, BOM removed, trailing garbage ignored), in
	// words for the report.
	Notes []string

	body func() io.Reader
}

// Body returns a new reader over the body (after the blank line that ends
// the header), with line endings normalised to CRLF. Each call starts again
// at the beginning; the body is streamed from the source, not copied.
func (m *Message) Body() io.Reader {
	if m.body == nil {
		return eofReader{}
	}
	return m.body()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
