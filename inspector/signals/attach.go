package signals

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// Attachment is a part of the message that has a file name.
type Attachment struct {
	// Name is the file name as the message gives it (decoded).
	Name string
	// Type is the media type of the part, lower case.
	Type string
	// Size is the number of decoded bytes read.
	Size int64
	// Inside lists the names of the files in a zip archive, read from its
	// central directory (at most maxInside).
	Inside []string
	// Unread says why the names inside an archive could not be read.
	Unread string
}

// Bounds of the attachment scan.
const (
	// maxScan is how much of the body is read for attachments; a part
	// beyond it is not seen.
	maxScan = 64 << 20
	// maxDepth and maxParts bound the MIME structure followed.
	maxDepth = 8
	maxParts = 200
	// zipTail is how much of the end of a zip archive is kept to read its
	// central directory from: the names of thousands of files fit.
	zipTail = 2 << 20
	// maxInside is how many names of an archive are kept.
	maxInside = 1000
)

// readAttachments walks the MIME structure of m's body and lists its
// attachments. Nothing is written anywhere and no archive is unpacked:
// of a zip archive only the central directory (its list of names) is
// read, from the last zipTail bytes of the attachment.
func readAttachments(ctx context.Context, m *message.Message) []Attachment {
	if !m.HasBody {
		return nil
	}
	var h gomessage.Header
	for _, name := range []string{"Content-Type", "Content-Transfer-Encoding", "Content-Disposition"} {
		if f := m.First(name); f != nil {
			h.Set(name, message.Unfold(f.RawValue()))
		}
	}
	body := io.LimitReader(message.ContextReader(ctx, m.Body()), maxScan)
	e, _ := gomessage.New(h, body)
	if e == nil {
		return nil
	}
	w := &walker{}
	w.walk(e, 0)
	return w.out
}

type walker struct {
	out   []Attachment
	parts int
}

func (w *walker) walk(e *gomessage.Entity, depth int) {
	if mr := e.MultipartReader(); mr != nil {
		if depth >= maxDepth {
			return
		}
		for w.parts < maxParts {
			p, err := mr.NextPart()
			if err != nil && !gomessage.IsUnknownCharset(err) && !gomessage.IsUnknownEncoding(err) {
				return
			}
			w.parts++
			w.walk(p, depth+1)
		}
		return
	}
	name := fileName(e.Header)
	if name == "" {
		return
	}
	mt, _, _ := e.Header.ContentType()
	a := Attachment{Name: name, Type: strings.ToLower(mt)}
	if isZip(name, a.Type) {
		a.Size, a.Inside, a.Unread = zipNames(e.Body)
	} else {
		a.Size, _ = io.Copy(io.Discard, e.Body)
	}
	w.out = append(w.out, a)
}

var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// fileName is the file name of a part: the filename parameter of its
// Content-Disposition, else the name parameter of its Content-Type (RFC
// 2231 and RFC 2047 encodings decoded); "" when it has none.
func fileName(h gomessage.Header) string {
	name := ""
	if _, params, err := h.ContentDisposition(); err == nil {
		name = params["filename"]
	} else {
		name = rawParam(h.Get("Content-Disposition"), "filename")
	}
	if name == "" {
		if _, params, err := h.ContentType(); err == nil {
			name = params["name"]
		} else {
			name = rawParam(h.Get("Content-Type"), "name")
		}
	}
	if strings.Contains(name, "=?") {
		if d, err := wordDecoder.DecodeHeader(name); err == nil {
			name = d
		}
	}
	return strings.TrimSpace(name)
}

// rawParam reads a parameter from a value that mime.ParseMediaType
// refuses (an unquoted name with spaces), as mail programs still read it.
func rawParam(v, param string) string {
	lv := strings.ToLower(v)
	for _, p := range []string{param + "=", param + "*="} {
		i := strings.Index(lv, p)
		for i > 0 && lv[i-1] != ';' && lv[i-1] != ' ' && lv[i-1] != '\t' {
			next := strings.Index(lv[i+1:], p)
			if next < 0 {
				i = -1
				break
			}
			i += 1 + next
		}
		if i < 0 {
			continue
		}
		s := strings.TrimSpace(v[i+len(p):])
		if strings.HasPrefix(s, `"`) {
			if end := strings.IndexByte(s[1:], '"'); end >= 0 {
				return s[1 : 1+end]
			}
			return s[1:]
		}
		if end := strings.IndexByte(s, ';'); end >= 0 {
			s = s[:end]
		}
		return strings.TrimSpace(s)
	}
	return ""
}

func isZip(name, mediaType string) bool {
	switch mediaType {
	case "application/zip", "application/x-zip-compressed", "application/x-zip":
		return true
	}
	return strings.EqualFold(path.Ext(strings.TrimRight(name, " .")), ".zip")
}

// zipNames reads an archive to its end, keeping only its last zipTail
// bytes, and lists the names of its central directory.
func zipNames(r io.Reader) (size int64, names []string, unread string) {
	t := &tail{buf: make([]byte, 0, 64<<10)}
	size, err := io.Copy(t, r)
	if err != nil {
		return size, nil, "the archive could not be read to its end"
	}
	zr, err := zip.NewReader(t, size)
	if err != nil {
		if errors.Is(err, errBeforeTail) {
			return size, nil, fmt.Sprintf("its list of files is larger than the %d MB read", zipTail>>20)
		}
		return size, nil, "it is not a readable zip archive"
	}
	for _, f := range zr.File {
		if len(names) == maxInside {
			break
		}
		names = append(names, f.Name)
	}
	return size, names, ""
}

var errBeforeTail = errors.New("read before the kept end of the archive")

// tail keeps at least the last zipTail bytes written to it (at most twice
// that), and reads them back at
// their offsets in the whole stream.
type tail struct {
	buf   []byte
	total int64
}

func (t *tail) Write(p []byte) (int, error) {
	n := len(p)
	t.total += int64(n)
	if len(p) >= zipTail {
		t.buf = append(t.buf[:0], p[len(p)-zipTail:]...)
		return n, nil
	}
	// The buffer grows to twice zipTail before its older half is dropped,
	// so that each byte is moved at most once more.
	if len(t.buf)+len(p) > 2*zipTail {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-zipTail:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

func (t *tail) ReadAt(p []byte, off int64) (int, error) {
	start := t.total - int64(len(t.buf))
	if off < start {
		return 0, errBeforeTail
	}
	if off >= t.total {
		return 0, io.EOF
	}
	n := copy(p, t.buf[off-start:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
