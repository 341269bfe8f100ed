package dkim

import (
	"bytes"
	"context"
	"io"
	"mime"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// messageFacts are what forensics reads from the header of the message as
// it is: who may have changed it, and how its body is encoded.
type messageFacts struct {
	header []message.Field
	// list is the List-Id of a mailing list ("team.lists.example.org"),
	// "" when the message has none.
	list string
	// top is the message as a MIME entity: its Content-Type and transfer
	// encoding, and a boundary when it is a multipart.
	top partHeader
}

// partHeader is what the header of a MIME entity (the message, or a part
// of a multipart body) says about its content.
type partHeader struct {
	mediaType string // lower case, "text/plain" when absent
	boundary  string // for a multipart
	cte       string // Content-Transfer-Encoding, lower case, "" when absent
	// converted is the encoding the content had before a server converted
	// it, as its X-MIME-Autoconverted field says ("from 8bit to
	// quoted-printable by ..."), and convertedField that field's value.
	converted, convertedField string
}

func newMessageFacts(header []message.Field) *messageFacts {
	m := &messageFacts{header: header}
	var fields [][2]string
	for _, f := range header {
		_, v, _ := strings.Cut(string(f.Raw), ":")
		fields = append(fields, [2]string{fieldName(f), v})
	}
	m.top = readPartHeader(fields)
	for _, f := range fields {
		if strings.EqualFold(f[0], "List-Id") {
			v := message.Unfold(f[1])
			if i := strings.LastIndexByte(v, '<'); i >= 0 {
				v = v[i+1:]
			}
			m.list = clip(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), ">")))
			break
		}
	}
	return m
}

// readPartHeader reads the fields (name, raw value) of a MIME entity's
// header; the first of each field counts.
func readPartHeader(fields [][2]string) partHeader {
	var p partHeader
	var ct string
	seen := map[string]bool{}
	for _, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f[0]))
		if seen[name] {
			continue
		}
		seen[name] = true
		v := strings.TrimSpace(message.Unfold(f[1]))
		switch name {
		case "content-type":
			ct = v
		case "content-transfer-encoding":
			p.cte = strings.ToLower(v)
		case "x-mime-autoconverted":
			// "from 8bit to quoted-printable by host id ID" (sendmail).
			if w := strings.Fields(v); len(w) >= 4 && strings.EqualFold(w[0], "from") && strings.EqualFold(w[2], "to") {
				p.converted, p.convertedField = strings.ToLower(w[1]), clip(v)
			}
		}
	}
	p.mediaType = "text/plain"
	if ct != "" {
		if mt, params, err := mime.ParseMediaType(ct); err == nil {
			p.mediaType = mt
			if strings.HasPrefix(mt, "multipart/") && validBoundary(params["boundary"]) {
				p.boundary = params["boundary"]
			}
		} else {
			p.mediaType = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
		}
	}
	return p
}

// validBoundary checks a multipart boundary (RFC 2046 section 5.1.1: 1 to
// 70 characters, not ending in a space).
func validBoundary(b string) bool {
	return b != "" && len(b) <= 70 && !strings.HasSuffix(b, " ")
}

func (p *partHeader) text() bool { return strings.HasPrefix(p.mediaType, "text/") }

// Line kinds, as the MIME structure of the body places a line.
type lineKind uint8

const (
	lineContent    lineKind = iota // the content of a leaf part (or of a body that is no multipart)
	lineDelimiter                  // a boundary line opening a part
	lineClose                      // a closing boundary line
	linePartHeader                 // a line of a part's header
	lineHeaderEnd                  // the empty line that ends a part's header
	lineOther                      // a preamble or epilogue line
)

// part is a leaf part of the body: one that holds content, not other
// parts. A body that is no multipart is one part, the message itself.
type part struct {
	index int
	partHeader
	// start is the number of the body line where its content starts.
	start int64
	// inMultipart is false for the body of a message that is no multipart.
	inMultipart bool
}

// lineInfo places one line of the body.
type lineInfo struct {
	no   int64 // the line's number in the body, from 0
	kind lineKind
	// part is the leaf part whose content the line is (lineContent), or
	// whose header it ends (lineHeaderEnd); nil otherwise and for parts
	// beyond maxParts.
	part *part
}

// Bounds of the MIME structure forensics follows: deeper nesting, more
// parts or a longer part header are passed over as content.
const (
	maxDepth      = 8
	maxParts      = 64
	maxPartHeader = 16 << 10
)

// mimeTracker follows the MIME structure of a body line by line, holding
// only the open multiparts and the header of the part being read.
type mimeTracker struct {
	levels []level // open multiparts, innermost last
	parts  []*part
	header [][2]string // the part header being read
	hsize  int
	cur    lineInfo
	// content says that the lines read are the content of a leaf part.
	content bool
	single  *part // the body of a message that is no multipart
	// boundaries are those of every multipart met, for the footer search.
	boundaries []string
}

type level struct {
	boundary string
	inHeader bool // reading the header of a part of this multipart
}

func newMIMETracker(top partHeader) *mimeTracker {
	t := &mimeTracker{cur: lineInfo{no: -1}}
	if top.boundary != "" {
		t.levels = []level{{boundary: top.boundary}}
		t.boundaries = []string{top.boundary}
	} else {
		t.single = &part{partHeader: top}
		t.parts = []*part{t.single}
	}
	return t
}

// line places the next line, given its start (the whole line when it is
// short, else its first piece of at least minFirstPiece bytes).
func (t *mimeTracker) line(first []byte, whole bool) *lineInfo {
	t.cur.no++
	no := t.cur.no
	if t.single != nil {
		t.cur = lineInfo{no: no, kind: lineContent, part: t.single}
		return &t.cur
	}
	s := bytes.TrimSuffix(first, crlf)
	if whole && len(s) >= 2 && s[0] == '-' && s[1] == '-' {
		for i := len(t.levels) - 1; i >= 0; i-- {
			b := t.levels[i].boundary
			rest, ok := bytes.CutPrefix(s[2:], []byte(b))
			if !ok {
				continue
			}
			closing := bytes.HasPrefix(rest, []byte("--"))
			if closing {
				rest = rest[2:]
			}
			if len(bytes.Trim(rest, " \t")) > 0 {
				continue
			}
			t.levels = t.levels[:i+1]
			t.header, t.hsize, t.content = nil, 0, false
			t.levels[i].inHeader = !closing
			t.cur = lineInfo{no: no, kind: lineDelimiter}
			if closing {
				t.cur.kind = lineClose
			}
			return &t.cur
		}
	}
	switch {
	case len(t.levels) > 0 && t.levels[len(t.levels)-1].inHeader:
		if len(s) > 0 {
			t.headerLine(s, whole)
			t.cur = lineInfo{no: no, kind: linePartHeader}
			return &t.cur
		}
		t.levels[len(t.levels)-1].inHeader = false
		t.cur = lineInfo{no: no, kind: lineHeaderEnd, part: t.endHeader(no + 1)}
		return &t.cur
	case t.content:
		// part is nil for a part beyond maxParts, or a nested multipart
		// too deep to follow.
		t.cur = lineInfo{no: no, kind: lineContent, part: t.cur.part}
	default:
		t.cur = lineInfo{no: no, kind: lineOther}
	}
	return &t.cur
}

// headerLine keeps a line of a part's header, within maxPartHeader.
func (t *mimeTracker) headerLine(s []byte, whole bool) {
	t.hsize += len(s)
	if t.hsize > maxPartHeader || !whole {
		return
	}
	if (s[0] == ' ' || s[0] == '\t') && len(t.header) > 0 {
		t.header[len(t.header)-1][1] += "\r\n" + string(s)
		return
	}
	if name, value, ok := bytes.Cut(s, []byte(":")); ok {
		t.header = append(t.header, [2]string{string(name), string(value)})
	}
}

// endHeader reads the header of the part that starts at line start: a
// nested multipart opens a level, a leaf part is counted.
func (t *mimeTracker) endHeader(start int64) *part {
	h := readPartHeader(t.header)
	t.header, t.hsize = nil, 0
	t.content = h.boundary == "" || len(t.levels) >= maxDepth
	if !t.content {
		t.levels = append(t.levels, level{boundary: h.boundary})
		if len(t.boundaries) < maxDepth*2 {
			t.boundaries = append(t.boundaries, h.boundary)
		}
		return nil
	}
	if len(t.parts) >= maxParts || h.boundary != "" {
		return nil
	}
	p := &part{index: len(t.parts), partHeader: h, start: start, inMultipart: true}
	t.parts = append(t.parts, p)
	return p
}

var crlf = []byte("\r\n")

// maxLinePiece is the most of one line held at a time: a longer line is
// passed on in pieces, the first of them this long, so that whatever
// forensics looks for at the start of a line is in the first piece.
const maxLinePiece = 64 << 10

// eachLine reads body and calls f for every piece of every line: first
// when the piece starts a line, last when it ends one (with its CRLF, or
// the end of the body). A line of up to maxLinePiece bytes is one piece.
// It returns the error of reading, if any.
func eachLine(ctx context.Context, body io.Reader, f func(p []byte, first, last bool)) error {
	r := message.ContextReader(ctx, body)
	buf := make([]byte, maxLinePiece)
	n, started := 0, false
	for {
		m, err := r.Read(buf[n:])
		n += m
		start := 0
		for {
			i := bytes.IndexByte(buf[start:n], '\n')
			if i < 0 {
				break
			}
			f(buf[start:start+i+1], !started, true)
			started = false
			start += i + 1
		}
		n = copy(buf, buf[start:n])
		if n == len(buf) || (err != nil && n > 0) {
			f(buf[:n], !started, err != nil)
			started, n = err == nil, 0
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
