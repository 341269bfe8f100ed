package dkim

import (
	"bufio"
	"bytes"
	"cmp"
	"strings"
)

// dropLines removes the body lines from to to (not included): a banner.
type dropLines struct{ from, to int64 }

func (d *dropLines) piece(w *bufio.Writer, l *lineInfo, p []byte, first, last bool) bool {
	if l.no < d.from || l.no >= d.to {
		w.Write(p)
	}
	return true
}

func (d *dropLines) end(*bufio.Writer) bool { return true }

// unescapeFrom turns ">From " at the start of a line back into "From "
// (mboxo), and with deep ">>From " into ">From " too (mboxrd).
type unescapeFrom struct{ deep bool }

func (u *unescapeFrom) piece(w *bufio.Writer, l *lineInfo, p []byte, first, last bool) bool {
	if first && len(p) > 1 && p[0] == '>' {
		j := 1
		for u.deep && j < len(p) && p[j] == '>' {
			j++
		}
		if bytes.HasPrefix(p[j:], []byte("From ")) {
			p = p[1:]
		}
	}
	w.Write(p)
	return true
}

func (u *unescapeFrom) end(*bufio.Writer) bool { return true }

// dropCR turns line ends CR CR LF (and more CRs) back into CR LF.
type dropCR struct{}

func (dropCR) piece(w *bufio.Writer, l *lineInfo, p []byte, first, last bool) bool {
	if last && bytes.HasSuffix(p, []byte("\r\r\n")) {
		w.Write(bytes.TrimRight(p, "\r\n"))
		w.Write(crlf)
		return true
	}
	w.Write(p)
	return true
}

func (dropCR) end(*bufio.Writer) bool { return true }

// lfEndings writes every line end CRLF as a bare LF.
type lfEndings struct{}

func (lfEndings) piece(w *bufio.Writer, l *lineInfo, p []byte, first, last bool) bool {
	if last && bytes.HasSuffix(p, crlf) {
		w.Write(p[:len(p)-2])
		w.WriteByte('\n')
		return true
	}
	w.Write(p)
	return true
}

func (lfEndings) end(*bufio.Writer) bool { return true }

// stripTrailing removes the white space at the end of every line. White
// space within a long line is held back until the line goes on, within
// maxHeld.
type stripTrailing struct{ held []byte }

func (s *stripTrailing) piece(w *bufio.Writer, l *lineInfo, p []byte, first, last bool) bool {
	end := bytes.HasSuffix(p, crlf)
	if end {
		p = p[:len(p)-2]
	}
	content := bytes.TrimRight(p, " \t")
	if len(content) > 0 {
		w.Write(s.held)
		w.Write(content)
		s.held = s.held[:0]
	}
	switch {
	case last:
		s.held = s.held[:0]
		if end {
			w.Write(crlf)
		}
	case len(s.held)+len(p)-len(content) > maxHeld:
		return false
	default:
		s.held = append(s.held, p[len(content):]...)
	}
	return true
}

func (s *stripTrailing) end(*bufio.Writer) bool { return true }

// decodeParts decodes the content of the chosen parts from a transfer
// encoding (quoted-printable or base64) back to 8bit, and in a part's
// header says so again: its Content-Transfer-Encoding becomes what its
// X-MIME-Autoconverted field says it was (else 8bit), and that field goes.
type decodeParts struct {
	enc   string
	which map[int]bool // part indexes
	// header is the header of the part being read, held back until its
	// end shows whether the part is decoded.
	header []byte
	active *part
	// soft: the last quoted-printable line ended in a soft line break;
	// quad holds the base64 characters of an unfinished group.
	soft bool
	quad []byte
}

func (d *decodeParts) chosen(p *part) bool { return p != nil && p.cte == d.enc && d.which[p.index] }

func (d *decodeParts) piece(w *bufio.Writer, l *lineInfo, p []byte, first, last bool) bool {
	switch l.kind {
	case linePartHeader:
		if len(d.header)+len(p) > maxHeld {
			return false
		}
		d.header = append(d.header, p...)
		return true
	case lineHeaderEnd:
		if d.chosen(l.part) {
			d.rewriteHeader(w, l.part)
			d.active, d.soft, d.quad = l.part, false, d.quad[:0]
		} else {
			w.Write(d.header)
		}
		d.header = d.header[:0]
	case lineDelimiter, lineClose:
		d.finish(w)
	case lineContent:
		if d.chosen(l.part) {
			if d.active != l.part {
				d.active, d.soft, d.quad = l.part, false, d.quad[:0]
			}
			if d.enc == "base64" {
				d.base64(w, p)
				return true
			}
			return d.quotedPrintable(w, p, first, last)
		}
	}
	w.Write(p)
	return true
}

func (d *decodeParts) end(w *bufio.Writer) bool {
	if d.active != nil && d.active.inMultipart {
		d.finish(w)
	}
	return true
}

// finish ends the decoded content of a part before its closing delimiter,
// whose CRLF the encoding took into its last line.
func (d *decodeParts) finish(w *bufio.Writer) {
	if d.active != nil && (d.enc == "base64" || d.soft) {
		w.Write(crlf)
	}
	d.active = nil
}

// rewriteHeader writes the held part header with its encoding restored.
func (d *decodeParts) rewriteHeader(w *bufio.Writer, p *part) {
	skip := false
	for line := range bytes.SplitAfterSeq(d.header, []byte("\n")) {
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if !skip {
				w.Write(line)
			}
			continue
		}
		name, _, _ := bytes.Cut(line, []byte(":"))
		skip = false
		switch strings.ToLower(strings.TrimSpace(string(name))) {
		case "content-transfer-encoding":
			w.Write(name)
			w.WriteString(": " + cmp.Or(p.converted, "8bit") + "\r\n")
			skip = true
		case "x-mime-autoconverted":
			skip = true
		default:
			w.Write(line)
		}
	}
}

// quotedPrintable decodes one line of quoted-printable content (RFC 2045
// section 6.7): white space at its end is padding, a final "=" is a soft
// line break, "=XX" is a byte.
func (d *decodeParts) quotedPrintable(w *bufio.Writer, p []byte, first, last bool) bool {
	if !first || !last {
		return false // quoted-printable lines are at most 76 characters
	}
	end := bytes.HasSuffix(p, crlf)
	p = bytes.TrimRight(bytes.TrimSuffix(p, crlf), " \t")
	d.soft = bytes.HasSuffix(p, []byte("="))
	if d.soft {
		p = p[:len(p)-1]
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '=' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			w.WriteByte(unhex(p[i+1])<<4 | unhex(p[i+2]))
			i += 2
			continue
		}
		w.WriteByte(p[i])
	}
	if end && !d.soft {
		w.Write(crlf)
	}
	return true
}

// base64 decodes base64 characters, skipping line ends and anything else
// outside the alphabet, and stops a group at "=".
func (d *decodeParts) base64(w *bufio.Writer, p []byte) {
	for _, c := range p {
		v := b64value[c]
		if c == '=' {
			d.flushQuad(w)
			continue
		}
		if v == 0xff {
			continue
		}
		d.quad = append(d.quad, v)
		if len(d.quad) == 4 {
			d.flushQuad(w)
		}
	}
}

func (d *decodeParts) flushQuad(w *bufio.Writer) {
	q := d.quad
	if len(q) >= 2 {
		w.WriteByte(q[0]<<2 | q[1]>>4)
	}
	if len(q) >= 3 {
		w.WriteByte(q[1]<<4 | q[2]>>2)
	}
	if len(q) == 4 {
		w.WriteByte(q[2]<<6 | q[3])
	}
	d.quad = d.quad[:0]
}

var b64value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()
