package message

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxHeader bounds the header section: everything before the body,
// including a byte order mark, leading blank lines and an mbox "From " line.
const maxHeader = 1 << 20

// sniffLen is how much of the start of a file is looked at to tell binary
// data or another format.
const sniffLen = 1024

var bom = []byte("\xEF\xBB\xBF")

// errNeedMore asks the caller of parseHeader for more of the source.
var errNeedMore = errors.New("message: more input needed")

// Parse loads a message held in memory. file names it in errors and notes.
// The body is not copied: the Message keeps using data, which must not be
// changed afterwards.
//
// A file that ends in its header, without the blank line that would start
// a body, is a message with an empty body (RFC 5322 section 3.5 makes the
// body optional): its Body is empty and NoSeparator is set, so that a check
// can tell it from a header saved without its body, which looks the same.
// ParseHeaderOnly reads a header pasted on its own.
func Parse(file string, data []byte) (*Message, error) {
	h, err := parseHeader(file, data, true, false)
	if err != nil {
		return nil, err
	}
	rest := data[h.bodyStart:]
	n := len(rest)
	for n > 0 && rest[n-1] == 0 {
		n--
	}
	s := newBodyScanner(h.mbox)
	s.feed(rest[:n])
	s.finish()
	body := rest[:s.length()]
	m := newMessage(file, h, s, int64(len(rest)-n))
	if s.lf == 0 {
		m.body = func() io.Reader { return bytes.NewReader(body) }
	} else {
		m.body = func() io.Reader { return newCRLFBytesReader(body) }
	}
	return m, nil
}

// ParseHeaderOnly loads a header without a body, as pasted from a webmail
// "show original" view: no blank line is needed after it, and anything
// after a blank line is ignored (with a note). The Message has HasBody
// false and an empty Body.
func ParseHeaderOnly(file string, data []byte) (*Message, error) {
	h, err := parseHeader(file, data, true, true)
	if err != nil {
		return nil, err
	}
	if h.bodyStart >= 0 && len(bytes.TrimLeft(data[h.bodyStart:], " \t\r\n\f\v\x00")) > 0 {
		h.tail = append(h.tail, "the text after the blank line that ends the header was ignored, as only a header was expected")
	}
	return newMessage(file, h, nil, 0), nil
}

// newMessage makes the Message for a parsed header and a scanned body (s is
// nil for a header alone); nul is the number of NUL bytes found padding the
// end of the file.
func newMessage(file string, h *header, s *bodyScanner, nul int64) *Message {
	m := &Message{File: file, Header: h.fields, HasBody: s != nil, NoSeparator: s != nil && h.noSeparator}
	m.Notes = append(m.Notes, h.notes...)
	crlf, lf := h.crlf, h.lf
	if s != nil {
		crlf += s.crlf
		lf += s.lf
		m.BodySize = s.length() + s.lf
	}
	switch {
	case lf > 0 && crlf == 0:
		m.Notes = append(m.Notes, "line endings were LF; normalised to CRLF for verification")
	case lf > 0:
		m.Notes = append(m.Notes, fmt.Sprintf("line endings were mixed (%d CRLF, %d LF); normalised to CRLF for verification", crlf, lf))
	}
	m.Notes = append(m.Notes, h.tail...)
	if s != nil && s.others > 0 {
		m.Notes = append(m.Notes, fmt.Sprintf("the mbox file holds %d more %s after the first; only the first is inspected, %s not checked",
			s.others, plural(s.others, "message", "messages"), plural(s.others, "that one was", "those were")))
	} else if nul > 0 {
		m.Notes = append(m.Notes, fmt.Sprintf("%d NUL bytes padding the end of the file were ignored", nul))
	}
	return m
}

// header is a parsed header section.
type header struct {
	fields      []Field
	bodyStart   int  // offset in the source of the body, or -1 if none follows
	mbox        bool // an mbox "From " line was removed
	noSeparator bool // the source ends in the header, without a blank line
	crlf, lf    int64
	notes       []string // about the start of the file
	tail        []string // about the end of the header
}

// headerParser reads the header section from the start of the source.
type headerParser struct {
	file       string
	d          []byte // the start of the source, at most maxHeader bytes
	more       bool   // the source goes on after d
	headerOnly bool

	sniffed  bool // a known format that is not a message was found
	pos      int  // start of the next line
	lineNo   int  // number of the line before pos, counted from 1 in the file
	examined int  // end of what has been read as header, for the binary check

	h      header
	raw    []byte   // the fields' Raw, one after another
	starts []int    // where each field starts in raw
	names  []string // each field's name
}

// parseHeader reads the header section from data, the start of the source
// (all of it if eof). It returns errNeedMore when it cannot decide without
// seeing more; it never looks beyond maxHeader bytes, so that the outcome
// for a source does not depend on how much of it is passed.
func parseHeader(file string, data []byte, eof, headerOnly bool) (*header, error) {
	p := &headerParser{file: file, d: data, more: !eof, headerOnly: headerOnly}
	if len(data) > maxHeader {
		p.d, p.more = data[:maxHeader], true
	}
	h, err := p.parse()
	if err == errNeedMore || p.sniffed {
		return h, err
	}
	region := p.d[:p.examined]
	if err != nil && len(p.starts) == 0 {
		// Refused before any field was read: look at the start of the
		// file, not only at the line that was refused, for binary data.
		region = p.d[:max(p.examined, min(len(p.d), sniffLen))]
	}
	if why := binaryProblem(region, err == nil); why != "" {
		return nil, newError(file, KindBinary, "%s", why)
	}
	return h, err
}

// needMore is the answer when p.d ends before a decision: more input, or
// an error if p.d is already as long as a header may be.
func (p *headerParser) needMore() error {
	if len(p.d) >= maxHeader {
		p.examined = len(p.d)
		return newError(p.file, KindHeaderTooLarge, "the header section is larger than 1 MiB")
	}
	return errNeedMore
}

func (p *headerParser) parse() (*header, error) {
	d := p.d
	p.h.bodyStart = -1
	if len(d) < sniffLen && p.more {
		return nil, errNeedMore
	}
	if bytes.HasPrefix(d, bom) {
		p.pos = len(bom)
		p.h.notes = append(p.h.notes, "the file began with a UTF-8 byte order mark; it was removed")
	}

	// Empty, or all blank space?
	q := p.pos
	for q < len(d) && isSpace(d[q]) {
		q++
	}
	if q == len(d) {
		if p.more {
			return nil, p.needMore()
		}
		if q == p.pos {
			return nil, newError(p.file, KindEmpty, "the file is empty")
		}
		return nil, newError(p.file, KindEmpty, "the file holds nothing but blank space")
	}
	if err := p.sniff(q); err != nil {
		return nil, err
	}

	// Skip blank lines before the header.
	if q > p.pos {
		if ls := bytes.LastIndexByte(d[p.pos:q], '\n'); ls >= 0 {
			skipped := bytes.Count(d[p.pos:q], []byte{'\n'})
			p.lineNo += skipped
			p.pos += ls + 1
			p.h.notes = append(p.h.notes, fmt.Sprintf("%d blank %s before the header %s ignored", skipped, plural(skipped, "line", "lines"), plural(skipped, "was", "were")))
		}
	}

	// An mbox "From " line.
	if rest := d[p.pos:]; len(rest) < 5 && p.more && bytes.HasPrefix([]byte("From "), rest) {
		return nil, errNeedMore
	} else if bytes.HasPrefix(rest, []byte("From ")) {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			if p.more {
				return nil, p.needMore()
			}
			p.examined = len(d)
			return nil, newError(p.file, KindEmpty, "the file holds nothing but an mbox \"From \" line")
		}
		line := bytes.TrimSuffix(rest[:i], []byte{'\r'})
		p.pos += i + 1
		p.lineNo++
		p.h.mbox = true
		p.h.notes = append(p.h.notes, fmt.Sprintf("the mbox \"From \" line at the top was removed: %s", quoteLine(line)))
	}

	if err := p.fields(); err != nil {
		return nil, err
	}
	p.h.fields = make([]Field, len(p.starts))
	for i, start := range p.starts {
		end := len(p.raw)
		if i+1 < len(p.starts) {
			end = p.starts[i+1]
		}
		raw := p.raw[start:end:end]
		p.h.fields[i] = Field{Name: p.names[i], Raw: raw, Value: fieldValue(raw)}
	}
	return &p.h, nil
}

// sniff refuses well-known kinds of file that are not messages. q is the
// first byte that is not blank space.
func (p *headerParser) sniff(q int) error {
	type format struct {
		sig     string
		fold    bool // compare without regard to case
		atSpace bool // may follow blank space
		kind    Kind
		problem string
	}
	formats := []format{
		{"<!doctype", true, true, KindHTML, "it is an HTML page, not a message; if it was saved from a webmail's \"show original\" view, copy the message text shown there instead"},
		{"<html", true, true, KindHTML, "it is an HTML page, not a message; if it was saved from a webmail's \"show original\" view, copy the message text shown there instead"},
		{"<?xml", true, true, KindHTML, "it is an XML document, not a message"},
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", false, false, KindBinary, "it is an Outlook .msg file (or another Microsoft Office file), not a MIME message; save the message as .eml, or copy it from the \"view source\" or \"show original\" view of a mail program"},
		{"%PDF-", false, false, KindBinary, "it is a PDF document, not a message"},
	}
	for _, f := range formats {
		at := p.pos
		if f.atSpace {
			at = q
		}
		b := p.d[at:]
		n := min(len(b), len(f.sig))
		match := string(b[:n]) == f.sig[:n]
		if f.fold {
			match = bytes.EqualFold(b[:n], []byte(f.sig[:n]))
		}
		if !match {
			continue
		}
		if n < len(f.sig) {
			if p.more {
				return p.needMore()
			}
			continue
		}
		p.sniffed = true
		return newError(p.file, f.kind, "%s", f.problem)
	}
	return nil
}

// fields reads header lines from p.pos to the blank line that ends the
// header (or the end of the input).
func (p *headerParser) fields() error {
	d := p.d
	for {
		if p.pos >= len(d) {
			if p.more {
				return p.needMore()
			}
			return p.endOfInput()
		}
		i := bytes.IndexByte(d[p.pos:], '\n')
		if i < 0 && p.more {
			return p.needMore()
		}
		line, next, hasLF := d[p.pos:], len(d), false
		if i >= 0 {
			line, next, hasLF = d[p.pos:p.pos+i], p.pos+i+1, true
		}
		crlf := hasLF && len(line) > 0 && line[len(line)-1] == '\r'
		if crlf {
			line = line[:len(line)-1]
		}
		p.lineNo++
		p.examined = next

		switch {
		case len(line) == 0 && hasLF: // the blank line that ends the header
			if len(p.starts) == 0 {
				return newError(p.file, KindNotHeader, "line %d, where the header should begin, is blank", p.lineNo)
			}
			p.count(hasLF, crlf)
			p.h.bodyStart = next
			return nil
		case line[0] == ' ' || line[0] == '\t':
			if len(p.starts) == 0 {
				return p.notHeader(line)
			}
		default:
			name, ok := fieldName(line)
			if !ok {
				return p.notField(line, next)
			}
			p.starts = append(p.starts, len(p.raw))
			p.names = append(p.names, name)
		}
		p.count(hasLF, crlf)
		p.raw = append(p.raw, line...)
		p.raw = append(p.raw, '\r', '\n')
		p.pos = next
	}
}

func (p *headerParser) count(hasLF, crlf bool) {
	switch {
	case crlf:
		p.h.crlf++
	case hasLF:
		p.h.lf++
	}
}

func (p *headerParser) notHeader(line []byte) error {
	return newError(p.file, KindNotHeader, "the first line is not a header field: %s", quoteLine(line))
}

// notField handles a line that is neither a header field nor a
// continuation line; next is the start of the line after it. See the
// package documentation for what is decided.
func (p *headerParser) notField(line []byte, next int) error {
	if len(p.starts) == 0 {
		return p.notHeader(line)
	}
	followed, err := p.fieldFollows(next)
	if err != nil {
		return err
	}
	if followed {
		return newError(p.file, KindNotHeader, "line %d is neither a header field nor the continuation of one, and more header fields follow it: %s", p.lineNo, quoteLine(line))
	}
	p.examined = p.pos
	if p.headerOnly {
		p.h.tail = append(p.h.tail, fmt.Sprintf("the text from line %d on was ignored, as it is not part of a header: %s", p.lineNo, quoteLine(line)))
		return nil
	}
	p.h.bodyStart = p.pos
	p.h.tail = append(p.h.tail, fmt.Sprintf("there is no blank line between header and body; the body was taken to start at line %d, the first that is not a header field: %s", p.lineNo, quoteLine(line)))
	return nil
}

// fieldFollows reports whether a header field comes at or after from,
// before a blank line.
func (p *headerParser) fieldFollows(from int) (bool, error) {
	d := p.d
	for at := from; ; {
		if at >= len(d) {
			if p.more && len(d) < maxHeader {
				return false, errNeedMore
			}
			return false, nil
		}
		i := bytes.IndexByte(d[at:], '\n')
		if i < 0 && p.more && len(d) < maxHeader {
			return false, errNeedMore
		}
		line := d[at:]
		if i >= 0 {
			line = bytes.TrimSuffix(d[at:at+i], []byte{'\r'})
		}
		if len(line) == 0 {
			return false, nil
		}
		if line[0] != ' ' && line[0] != '\t' {
			if _, ok := fieldName(line); ok {
				return true, nil
			}
		}
		if i < 0 {
			return false, nil
		}
		at += i + 1
	}
}

// endOfInput handles a source that ends in the header, without a blank line.
func (p *headerParser) endOfInput() error {
	if len(p.starts) == 0 {
		return newError(p.file, KindEmpty, "the file holds nothing but an mbox \"From \" line")
	}
	if p.headerOnly {
		return nil
	}
	if p.h.crlf+p.h.lf == 0 && bytes.IndexByte(p.d, '\r') >= 0 {
		return newError(p.file, KindLineEndings, "its lines end in bare CR (classic Mac OS), which is not supported; convert the file to LF or CRLF line endings")
	}
	p.h.bodyStart = len(p.d)
	p.h.noSeparator = true
	p.h.tail = append(p.h.tail, "the file ends after the header, with no blank line and no body; it was read as a message with an empty body (if it is only the header of a message, its body could not be checked)")
	return nil
}

// fieldName returns the name of the header field that line starts, if it
// starts one: printable ASCII other than colon, then optional white space
// (obsolete syntax), then a colon.
func fieldName(line []byte) (string, bool) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return "", false
	}
	name := bytes.TrimRight(line[:colon], " \t")
	if len(name) == 0 {
		return "", false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return "", false
		}
	}
	return string(name), true
}

// binaryProblem says why b, the start of a file up to the end of its
// header, is binary data rather than text, or returns "". Text may hold
// 8-bit bytes (UTF-8 or a legacy charset) and ESC (ISO-2022-JP), and few
// other control characters (fewer than 4, or under 1%). NUL is text only
// in a header that was read as fields (parsed): RFC 5322 section 4.1
// allows it in obsolete syntax (obs-utext), and a file of binary data
// does not read as header fields; where no header could be read, a NUL
// says the file is binary.
func binaryProblem(b []byte, parsed bool) string {
	if !parsed && bytes.IndexByte(b, 0) >= 0 {
		return "it holds binary data (NUL bytes where the header should be)"
	}
	ctl := 0
	for _, c := range b {
		if (c != 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) || c == 0x7f {
			ctl++
		}
	}
	if ctl >= 4 && ctl*100 >= len(b) {
		return "it holds binary data (control characters where the header should be)"
	}
	return ""
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
