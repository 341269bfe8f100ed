package message

import (
	"bytes"
	"context"
	"io"
	"sync"
)

// crlfReader turns every bare LF of its source into CRLF on the fly. A CR
// not followed by LF is passed through unchanged.
//
// It reads the source into buf and copies from there, so it allocates
// nothing per Read. Whether the byte before an LF was a CR is kept in
// prevCR across reads, so a CRLF split between two reads of the source, or
// between two calls of Read, is not doubled. When an LF needs a CR and p has
// room for one byte only, the CR is written alone; prevCR then makes the
// next Read write the LF without another CR.
type crlfReader struct {
	src    io.Reader // nil when buf already holds the whole body
	buf    []byte
	pos    int // next byte of buf to translate
	end    int // end of the valid bytes in buf
	prevCR bool
	err    error // from src, returned once buf is drained
}

// newCRLFReader streams src through a buffer of size bytes.
func newCRLFReader(src io.Reader, size int) *crlfReader {
	return &crlfReader{src: src, buf: make([]byte, size)}
}

// newCRLFBytesReader translates b directly, without copying it.
func newCRLFBytesReader(b []byte) *crlfReader {
	return &crlfReader{buf: b, end: len(b), err: io.EOF}
}

func (r *crlfReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.pos == r.end {
			if n > 0 || r.err != nil {
				break
			}
			r.fill()
			continue
		}
		chunk := r.buf[r.pos:r.end]
		i := bytes.IndexByte(chunk, '\n')
		switch {
		case i != 0: // copy up to the next LF (or all of chunk if none)
			if i > 0 {
				chunk = chunk[:i]
			}
			c := copy(p[n:], chunk)
			n += c
			r.pos += c
			r.prevCR = chunk[c-1] == '\r'
		case r.prevCR: // an LF after CR: as it is
			p[n] = '\n'
			n++
			r.pos++
			r.prevCR = false
		default: // a bare LF: write the CR it lacks, the LF comes next turn
			p[n] = '\r'
			n++
			r.prevCR = true
		}
	}
	if n == 0 && len(p) > 0 {
		return 0, r.err
	}
	return n, nil
}

// fill reads the next part of the source into buf.
func (r *crlfReader) fill() {
	if r.src == nil {
		r.err = io.EOF
		return
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.buf)
		r.pos, r.end = 0, n
		if err != nil {
			r.err = err
		}
		if n > 0 || err != nil {
			return
		}
	}
	r.err = io.ErrNoProgress
}

// bodyScanner reads through the body once, in pieces of any size, and
// finds out what loading needs to know without keeping any of it: how many
// lines end in CRLF and in bare LF (for the notes, and to know whether the
// body needs translating), and, in an mbox file, where the next message
// starts and how many messages follow the first.
//
// mboxo and mboxrd write a message's separator as a line beginning "From "
// after a blank line, and escape such a line of a body as ">From ", which
// is therefore body text.
type bodyScanner struct {
	mbox bool // the file began with an mbox "From " line

	off       int64   // bytes scanned so far
	lineStart int64   // offset of the current line
	lineLen   int64   // bytes of the current line so far, LF excluded
	head      [5]byte // the first bytes of the current line
	headN     int
	last      byte // the last byte scanned
	prevBlank bool // the line before the current one was blank

	crlf, lf int64 // line endings of the body so far

	// The last blank line seen, and the counts before it: where the body
	// ends if the next line starts another message.
	blankStart         int64
	blankCRLF, blankLF int64

	cut    int64 // where the body ends because another message starts; -1 if it does not
	others int   // messages after the first, counted by their "From " lines
}

func newBodyScanner(mbox bool) *bodyScanner {
	return &bodyScanner{mbox: mbox, last: '\n', cut: -1}
}

// feed scans the next piece of the body, or of the messages after it.
func (s *bodyScanner) feed(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		seg := p
		if i >= 0 {
			seg = p[:i]
		}
		if len(seg) > 0 {
			if s.headN < len(s.head) {
				s.headN += copy(s.head[s.headN:], seg)
			}
			s.lineLen += int64(len(seg))
			s.off += int64(len(seg))
			s.last = seg[len(seg)-1]
		}
		if i < 0 {
			return
		}
		s.endLine()
		p = p[i+1:]
	}
}

// endLine handles the LF at s.off.
func (s *bodyScanner) endLine() {
	s.nextMessage()
	blank := s.lineLen == 0 || (s.lineLen == 1 && s.last == '\r')
	if blank {
		s.blankStart, s.blankCRLF, s.blankLF = s.lineStart, s.crlf, s.lf
	}
	if s.cut < 0 {
		if s.last == '\r' {
			s.crlf++
		} else {
			s.lf++
		}
	}
	s.prevBlank = blank
	s.off++
	s.lineStart, s.lineLen, s.headN, s.last = s.off, 0, 0, '\n'
}

// finish ends the scan at the end of the file.
func (s *bodyScanner) finish() {
	if s.lineLen > 0 {
		s.nextMessage()
	}
}

// nextMessage counts the current, complete line if it starts another
// message of an mbox file; at the first such line, the body ends before
// the blank line that comes before it.
func (s *bodyScanner) nextMessage() {
	if !s.mbox || !s.prevBlank || s.lineLen <= 5 || s.headN < 5 || string(s.head[:]) != "From " {
		return
	}
	s.others++
	if s.cut < 0 {
		s.cut, s.crlf, s.lf = s.blankStart, s.blankCRLF, s.blankLF
	}
}

// length is the length of the body in the source, before translation.
func (s *bodyScanner) length() int64 {
	if s.cut >= 0 {
		return s.cut
	}
	return s.off
}

// ContextReader returns a reader over r that fails with ctx's error once
// ctx is done, so that reading a large body can be abandoned part way.
func ContextReader(ctx context.Context, r io.Reader) io.Reader {
	return ctxReader{ctx, r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// copyBuffers are the buffers of ctxReader.WriteTo.
var copyBuffers = sync.Pool{New: func() any {
	b := make([]byte, 32<<10)
	return &b
}}

// WriteTo copies the rest of r to w, as io.Copy does, with a buffer kept
// for the next copy: every signature's body hash reads the body so, and
// io.Copy would allocate a buffer each time.
func (r ctxReader) WriteTo(w io.Writer) (n int64, err error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	for {
		m, rerr := r.Read(*buf)
		if m > 0 {
			k, werr := w.Write((*buf)[:m])
			n += int64(k)
			if werr != nil {
				return n, werr
			}
			if k != m {
				return n, io.ErrShortWrite
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}
