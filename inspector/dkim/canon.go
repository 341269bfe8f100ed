package dkim

import (
	"bytes"
	"crypto"
	"fmt"
	"hash"
	"strings"
	"sync"
)

// CanonicalizeHeader returns one header field in canonical form (RFC 6376
// section 3.4.1 and 3.4.2). raw is the whole field as it stands in the
// message, name, colon, value and folding, ending in CRLF (message.Field.Raw).
// simple returns it unchanged; relaxed lower-cases the name, unfolds,
// reduces each run of whitespace to one space, and removes the whitespace
// around the colon and at the end, keeping the final CRLF. An unknown
// canonicalisation is treated as simple; ParseSignature rejects those.
func CanonicalizeHeader(c Canonicalization, raw []byte) []byte {
	if c != Relaxed {
		return raw
	}
	colon := -1
	for i, b := range raw {
		if b == ':' {
			colon = i
			break
		}
	}
	out := make([]byte, 0, len(raw))
	if colon < 0 {
		// Not a field; nothing sensible to do but keep its bytes minus
		// whitespace, so that the caller's hash is at least deterministic.
		colon = len(raw)
	}
	name := strings.ToLower(strings.TrimRight(string(raw[:colon]), " \t\r\n"))
	out = append(out, name...)
	out = append(out, ':')
	if colon < len(raw) {
		space := false
		for _, b := range raw[colon+1:] {
			switch b {
			case '\r', '\n':
				// Unfolding: the CRLF of a fold goes; the whitespace after
				// it counts as whitespace below.
			case ' ', '\t':
				space = true
			default:
				if space && len(out) > len(name)+1 {
					out = append(out, ' ')
				}
				space = false
				out = append(out, b)
			}
		}
	}
	return append(out, '\r', '\n')
}

// MaxUnsignedText is how many bytes of the body beyond an l= limit a
// BodyHasher keeps for display.
const MaxUnsignedText = 64 << 10

// BodyHasher canonicalises a message body as it is written to it and hashes
// the canonical bytes, without holding the body: it is an io.Writer meant to
// sit in an io.MultiWriter while the body streams past once. With a limit
// (the l= tag) it hashes only the first limit canonical bytes, and counts
// and keeps (up to MaxUnsignedText) the bytes after them, which the
// signature does not cover.
//
// The input must be the body with CRLF line endings, as message.Body gives
// it. A CR or LF that is not part of a CRLF pair is body data, not a line
// end, in both canonicalisations.
type BodyHasher struct {
	canon  Canonicalization
	limit  int64
	h      hash.Hash
	closed bool

	total int64  // canonical bytes produced so far
	kept  []byte // canonical bytes beyond limit, up to MaxUnsignedText

	// Canonicaliser state. Line ends are held back rather than emitted,
	// because trailing empty lines are dropped: crlfs counts CRLFs pending,
	// cr says the last byte written was a CR that may start one.
	crlfs     int64
	cr        bool
	wsp       bool // relaxed: whitespace pending within a line
	nonEmpty  bool // something other than line ends was emitted
	lineStart bool // relaxed: the next byte starts a line
	buf       []byte
	// pooled is the buffer's place in hashBuffers, to which Close returns
	// it.
	pooled *[]byte
}

// NewBodyHasher returns a BodyHasher for canonicalisation c and hash h.
// limit is the l= value, or a negative number for the whole body.
func NewBodyHasher(c Canonicalization, h crypto.Hash, limit int64) (*BodyHasher, error) {
	if c != Simple && c != Relaxed {
		return nil, fmt.Errorf("unknown body canonicalisation %q", c)
	}
	if !h.Available() {
		return nil, fmt.Errorf("hash %v is not available", h)
	}
	buf := hashBuffers.Get().(*[]byte)
	return &BodyHasher{canon: c, limit: limit, h: h.New(), buf: (*buf)[:0], pooled: buf, lineStart: true}, nil
}

const bufSize = 32 << 10

// hashBuffers keep the buffers of closed BodyHashers for the next ones: a
// mailbox of many messages would otherwise allocate one per signature.
var hashBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, bufSize)
	return &b
}}

// Write canonicalises and hashes p. It never fails.
func (b *BodyHasher) Write(p []byte) (int, error) {
	if b.closed {
		return 0, fmt.Errorf("dkim: write to a closed BodyHasher")
	}
	if b.canon == Relaxed {
		b.relaxed(p)
	} else {
		b.simple(p)
	}
	b.flush()
	return len(p), nil
}

// Close ends the body: it applies the end-of-body rules (trailing empty
// lines dropped; a final CRLF added to a last line that lacks one; for
// simple, an empty body becomes one CRLF). Sum, Length and Unsigned are
// final only after Close.
func (b *BodyHasher) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if b.cr {
		// A lone CR at the very end is data on the last line.
		b.flushPending()
		b.putByte('\r')
		b.cr = false
		b.nonEmpty = true
	}
	// Trailing empty lines are dropped and the last line keeps (or gets)
	// one CRLF. Simple turns an empty body into a single CRLF; relaxed
	// leaves it empty, and whitespace pending at the end was at a line end.
	if b.canon == Simple || b.nonEmpty {
		b.putByte('\r')
		b.putByte('\n')
	}
	b.flush()
	if b.pooled != nil && cap(b.buf) == bufSize {
		*b.pooled = b.buf[:0]
		hashBuffers.Put(b.pooled)
	}
	b.buf, b.pooled = nil, nil
	return nil
}

// Sum returns the hash of the canonical body (its first limit bytes),
// closing the hasher if needed.
func (b *BodyHasher) Sum() []byte {
	b.Close()
	return b.h.Sum(nil)
}

// Length is the length of the whole canonical body.
func (b *BodyHasher) Length() int64 { return b.total }

// Unsigned is how many canonical body bytes lie beyond the limit.
func (b *BodyHasher) Unsigned() int64 {
	if b.limit < 0 || b.total <= b.limit {
		return 0
	}
	return b.total - b.limit
}

// UnsignedText returns the start of the canonical bytes beyond the limit, at
// most MaxUnsignedText of them, and whether there were more.
func (b *BodyHasher) UnsignedText() (text []byte, truncated bool) {
	return b.kept, b.Unsigned() > int64(len(b.kept))
}

// simple is RFC 6376 3.4.3: the body as is, minus trailing empty lines.
func (b *BodyHasher) simple(p []byte) {
	if len(p) == 0 {
		return
	}
	if b.cr {
		b.cr = false
		if p[0] == '\n' {
			b.crlfs++
			p = p[1:]
		} else {
			b.flushPending()
			b.putByte('\r')
		}
	}
	// Split p into content and a tail of CRLFs (and maybe a CR that the next
	// write may complete); the tail is held back.
	end := len(p)
	if end > 0 && p[end-1] == '\r' {
		end--
		b.cr = true
	}
	j := end
	for j >= 2 && p[j-2] == '\r' && p[j-1] == '\n' {
		j -= 2
	}
	if j > 0 {
		b.flushPending()
		b.emit(p[:j])
		b.nonEmpty = true
	}
	b.crlfs += int64(end-j) / 2
}

// class sorts bytes for the relaxed body canonicaliser.
var class = [256]uint8{' ': 1, '\t': 1, '\r': 2}

// relaxed is RFC 6376 3.4.4: whitespace at line ends removed, runs of
// whitespace reduced to one space, trailing empty lines removed. Each byte
// is looked at a bounded number of times, so a line of 50 MB of spaces
// costs no more than 50 MB of text.
//
// This is the hottest code of the package. It works on pieces of at most
// half the buffer, with the buffer's free space made sure first: each input
// byte then gives at most one output byte (plus the few held over from the
// previous piece), and the loops write without further checks. A line that
// relaxed leaves as it is (no tab, no double space, no space at its end,
// the common case, and always so for base64) is copied whole; other lines
// go byte by byte.
func (b *BodyHasher) relaxed(p []byte) {
	const piece = bufSize / 2
	for len(p) > 0 {
		q := p[:min(len(p), piece)]
		p = p[len(q):]
		if cap(b.buf)-len(b.buf) < len(q)+4 {
			b.flush()
		}
		b.relaxedPiece(q)
	}
}

var twoSpaces = []byte("  ")

func (b *BodyHasher) relaxedPiece(q []byte) {
	out := b.buf[:cap(b.buf)]
	n := len(b.buf)
	wsp, cr, crlfs, nonEmpty, lineStart := b.wsp, b.cr, b.crlfs, b.nonEmpty, b.lineStart
	for i := 0; i < len(q); {
		if lineStart {
			// A whole line ahead in this piece is done at once. Only one
			// try per line, so a line that runs past the piece costs one
			// extra scan, not one per byte.
			lineStart = false
			if j := bytes.IndexByte(q[i:], '\r'); j >= 0 && i+j+1 < len(q) && q[i+j+1] == '\n' {
				line := q[i : i+j]
				i += j + 2
				lineStart = true
				if isBlank(line) {
					crlfs++
					continue
				}
				if crlfs > 0 {
					n = b.crlfsInto(out, n, crlfs, len(q)-i+len(line)+2)
				}
				n = relaxedLine(out, n, line)
				nonEmpty = true
				crlfs = 1
				continue
			}
		}
		c := q[i]
		i++
		if cr {
			cr = false
			if c == '\n' {
				// CRLF: whitespace before it was at the line end; drop it.
				crlfs++
				wsp = false
				lineStart = true
				continue
			}
			// The CR was data.
			if crlfs > 0 {
				n = b.crlfsInto(out, n, crlfs, len(q)-i+1)
				crlfs = 0
			}
			if wsp {
				out[n] = ' '
				n++
				wsp = false
			}
			out[n] = '\r'
			n++
			nonEmpty = true
		}
		switch class[c] {
		case 0:
			if crlfs > 0 {
				n = b.crlfsInto(out, n, crlfs, len(q)-i+1)
				crlfs = 0
			}
			if wsp {
				out[n] = ' '
				n++
				wsp = false
			}
			out[n] = c
			n++
			nonEmpty = true
		case 1:
			wsp = true
		case 2:
			cr = true
		}
	}
	b.buf = out[:n]
	b.wsp, b.cr, b.crlfs, b.nonEmpty, b.lineStart = wsp, cr, crlfs, nonEmpty, lineStart
}

// isBlank reports whether a line holds only spaces and tabs (or nothing):
// relaxed makes it an empty line.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// relaxedLine writes the relaxed form of one whole line (without its CRLF,
// not blank, holding no CR) at out[n:] and returns the new n. It copies the
// stretches relaxed leaves alone (single spaces between words) in bulk and
// collapses only at the tabs and double spaces it finds.
func relaxedLine(out []byte, n int, line []byte) int {
	end := len(line)
	for end > 0 && (line[end-1] == ' ' || line[end-1] == '\t') {
		end--
	}
	line = line[:end]
	// tab and dbl are the next tab and double space at or after pos, or
	// len(line) when there is none; each is searched again only once
	// passed, so the line is scanned a bounded number of times.
	tab, dbl := -1, -1
	for pos := 0; pos < len(line); {
		if tab < pos {
			if tab = bytes.IndexByte(line[pos:], '\t'); tab < 0 {
				tab = len(line)
			} else {
				tab += pos
			}
		}
		if dbl < pos {
			if dbl = bytes.Index(line[pos:], twoSpaces); dbl < 0 {
				dbl = len(line)
			} else {
				dbl += pos
			}
		}
		k := min(tab, dbl)
		if k == len(line) {
			n += copy(out[n:], line[pos:])
			break
		}
		// A single space just before a tab belongs to its run.
		if k > pos && line[k-1] == ' ' {
			k--
		}
		n += copy(out[n:], line[pos:k])
		j := k
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		// The line's trailing whitespace is gone, so content follows.
		out[n] = ' '
		n++
		pos = j
	}
	return n
}

// crlfsInto writes count held-back CRLFs at out[n:], keeping room for the
// rest bytes of input still to come (each gives at most one byte, plus a
// few held over), and returns the new n. It hashes what out holds first if
// the room is short, and sends the CRLFs straight on if even an empty
// buffer could not take them.
func (b *BodyHasher) crlfsInto(out []byte, n int, count int64, rest int) int {
	need := int64(rest) + 4 + 2*count
	if int64(n)+need > int64(len(out)) {
		b.sink(out[:n])
		n = 0
	}
	if need > int64(len(out)) {
		for count > 0 {
			k := min(count, int64(len(crlfBlock)/2))
			b.sink(crlfBlock[:2*k])
			count -= k
		}
		return n
	}
	for ; count > 0; count-- {
		out[n], out[n+1] = '\r', '\n'
		n += 2
	}
	return n
}

var crlfBlock = []byte(strings.Repeat("\r\n", 2048))

// flushPending emits the line ends and the whitespace held back, now that
// content follows them.
func (b *BodyHasher) flushPending() {
	for b.crlfs > 0 {
		n := min(b.crlfs, int64(len(crlfBlock)/2))
		b.emit(crlfBlock[:2*n])
		b.crlfs -= n
	}
	if b.wsp {
		b.wsp = false
		b.putByte(' ')
	}
}

// putByte appends one canonical byte to the buffer. (A variadic put would
// allocate for every word, as its slice escapes into the hash.)
func (b *BodyHasher) putByte(c byte) {
	if len(b.buf) == cap(b.buf) {
		b.flush()
	}
	b.buf = append(b.buf, c)
}

// emit sends canonical bytes on, through the buffer when they are few.
func (b *BodyHasher) emit(p []byte) {
	if len(p) < 1024 {
		if len(b.buf)+len(p) > cap(b.buf) {
			b.flush()
		}
		b.buf = append(b.buf, p...)
		return
	}
	b.flush()
	b.sink(p)
}

func (b *BodyHasher) flush() {
	if len(b.buf) > 0 {
		b.sink(b.buf)
		b.buf = b.buf[:0]
	}
}

// sink hashes canonical bytes up to the limit and counts (and keeps the
// start of) those beyond it.
func (b *BodyHasher) sink(p []byte) {
	if b.limit >= 0 && b.total+int64(len(p)) > b.limit {
		n := max(b.limit-b.total, 0)
		b.h.Write(p[:n])
		if room := MaxUnsignedText - len(b.kept); room > 0 {
			b.kept = append(b.kept, p[n:n+min(int64(room), int64(len(p))-n)]...)
		}
	} else {
		b.h.Write(p)
	}
	b.total += int64(len(p))
}
