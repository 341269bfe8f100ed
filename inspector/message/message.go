// Package message loads a saved e-mail message as users really have it
// (CRLF or bare LF line endings, a leading mbox "From " line, a UTF-8 BOM,
// trailing garbage) and gives its header fields byte for byte, as DKIM needs
// them, and its body as a stream, so that a large message is never held in
// memory twice.
//
// Parse reads a message held in memory, Open one in a file (the body stays
// in the file and is streamed from it), and ParseHeaderOnly a header pasted
// from a webmail "show original" view. What is repaired on the way is told
// in Message.Notes; a file that is not a message at all gives an *Error.
//
// What is accepted, and what was chosen where there was a choice:
//
//   - Line endings may be CRLF, bare LF, or a mix. Field.Raw and Body are
//     always CRLF: a bare LF becomes CRLF, a CR not followed by LF is left
//     alone. Lines ending in bare CR only (classic Mac OS) are refused.
//   - A UTF-8 byte order mark, blank lines before the header and a leading
//     mbox "From " line are removed.
//   - In a file that began with an mbox "From " line, a body line starting
//     "From " right after a blank line starts the next message: the body
//     ends before that blank line. The messages after it are counted (by
//     those lines) and a note says they were not checked. ">From " lines
//     are body content and are kept. NUL bytes padding the end of the file
//     are ignored.
//   - A file that ends in its header, without a blank line, is a message
//     with an empty body (RFC 5322 section 3.5: the body is optional);
//     Message.NoSeparator says so, and a note.
//   - NUL bytes in header fields are kept (RFC 5322 section 4.1 allows them
//     in obsolete syntax): in Field.Raw as they are, for DKIM, and in
//     Field.Value as U+2400 (␀), which a display can show and a terminal
//     does not act on. Where no header field can be read, NUL bytes mean
//     binary data.
//   - A line inside the header that is neither a field ("Name: value") nor a
//     continuation line (starting with a space or tab) is an error when more
//     header fields follow it (before a blank line): the header is damaged
//     and any DKIM result would be meaningless. When no field follows it,
//     the blank line between header and body is taken to be missing and the
//     body starts at that line, as a mail server repairing the message would
//     have done (for ParseHeaderOnly, the text from that line on is
//     ignored). Both cases are noted.
//   - Obsolete white space between a field name and its colon is accepted.
//   - The header section may be at most 1 MiB.
//
// Field values are unfolded and decoded for display (RFC 2047 encoded words,
// in any charset that github.com/emersion/go-message/charset knows); an
// unknown charset or invalid UTF-8 never fails, the raw text is kept with
// invalid bytes replaced by U+FFFD.
package message

import (
	"io"
	"strings"
)

// Field is one header field as it stands in the message.
type Field struct {
	// Name is the field name as written (case kept), without the colon.
	Name string `json:"name"`
	// Raw is the whole field, name, colon, value and folding, with every line
	// ending normalised to CRLF and ending in CRLF. DKIM canonicalises these
	// bytes.
	Raw []byte `json:"-"`
	// Value is the unfolded value decoded for display (RFC 2047 encoded words,
	// charsets; NUL shown as U+2400), never used for verification.
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
	// NoSeparator says that the file ended in the header, without the
	// blank line that starts a body: the message has an empty body, as RFC
	// 5322 section 3.5 allows, or the file is a header saved without its
	// body. A check that finds the empty body unsigned cannot tell which.
	NoSeparator bool
	// BodySize is the length in bytes of what Body returns (after line
	// endings are normalised to CRLF).
	BodySize int64
	// Notes say what was repaired while loading (line endings normalised,
	// mbox From line stripped, BOM removed, trailing garbage ignored), in
	// words for the report.
	Notes []string

	body   func() io.Reader
	closer io.Closer
}

// Body returns a new reader over the body (after the blank line that ends
// the header), with line endings normalised to CRLF. Each call starts again
// at the beginning; the body is streamed from the source, not copied.
// Readers from one Message may be used at the same time; they fail once the
// Message is closed.
func (m *Message) Body() io.Reader {
	if m.body == nil {
		return eofReader{}
	}
	return m.body()
}

// Get returns the fields named name (compared without regard to case), top
// first, or nil. The fields share Raw with m.Header.
func (m *Message) Get(name string) []Field {
	var fs []Field
	for _, f := range m.Header {
		if strings.EqualFold(f.Name, name) {
			fs = append(fs, f)
		}
	}
	return fs
}

// First returns the topmost field named name (compared without regard to
// case), or nil if there is none. It points into m.Header.
func (m *Message) First(name string) *Field {
	for i := range m.Header {
		if strings.EqualFold(m.Header[i].Name, name) {
			return &m.Header[i]
		}
	}
	return nil
}

// Close releases the file of a Message made by Open. It is a no-op for
// other messages, and may be called more than once.
func (m *Message) Close() error {
	c := m.closer
	m.closer = nil
	if c == nil {
		return nil
	}
	return c.Close()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
