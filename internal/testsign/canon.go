package testsign

import (
	"bufio"
	"crypto"
	"encoding/base64"
	"hash"
	"io"
	"strings"
)

// canonicalHeader canonicalises one field (RFC 6376 section 3.4.1 and
// 3.4.2): simple keeps it as it is; relaxed lower-cases the name, unfolds,
// reduces runs of white space to one space and trims it around the colon
// and at the end.
func canonicalHeader(relaxed bool, field string) string {
	if !relaxed {
		return field
	}
	name, value, _ := strings.Cut(field, ":")
	var out strings.Builder
	out.WriteString(strings.ToLower(strings.TrimRight(name, " \t")) + ":")
	space, start := false, out.Len()
	for i := 0; i < len(value); i++ {
		switch c := value[i]; c {
		case '\r', '\n': // unfolding
		case ' ', '\t':
			space = true
		default:
			if space && out.Len() > start {
				out.WriteByte(' ')
			}
			space = false
			out.WriteByte(c)
		}
	}
	return out.String() + "\r\n"
}

// bodyHash reads a body with CRLF line endings, canonicalises it (RFC 6376
// section 3.4.3 and 3.4.4) and returns the base64 hash of its first limit
// canonical bytes (all of them when limit < 0) and the length of the whole
// canonical body.
func bodyHash(body io.Reader, relaxed bool, h crypto.Hash, limit int64) (string, int64, error) {
	c := &bodyCanon{relaxed: relaxed, h: h.New(), limit: limit}
	r := bufio.NewReaderSize(body, 1<<16)
	for {
		b, err := r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", 0, err
		}
		c.add(b)
	}
	c.end()
	c.flush()
	return base64.StdEncoding.EncodeToString(c.h.Sum(nil)), c.total, nil
}

// bodyCanon canonicalises a body a byte at a time. Line ends are held
// back, because trailing empty lines are dropped, and so is white space,
// because relaxed drops it at a line end and reduces it elsewhere.
type bodyCanon struct {
	relaxed bool
	h       hash.Hash
	limit   int64 // how many canonical bytes are hashed; < 0 for all
	total   int64 // canonical bytes so far

	crlfs    int    // line ends held back
	cr       bool   // the last byte was a CR that may start a CRLF
	wsp      bool   // relaxed: white space held back
	nonEmpty bool   // something other than line ends was written
	buf      []byte // canonical bytes not yet hashed
}

func (c *bodyCanon) add(b byte) {
	if c.cr {
		c.cr = false
		if b == '\n' {
			c.crlfs++
			c.wsp = false // white space at a line end goes
			return
		}
		c.data('\r') // a lone CR is data
	}
	switch {
	case b == '\r':
		c.cr = true
	case c.relaxed && (b == ' ' || b == '\t'):
		c.wsp = true
	default:
		c.data(b)
	}
}

// data writes a byte of a line, after what is held back.
func (c *bodyCanon) data(b byte) {
	for ; c.crlfs > 0; c.crlfs-- {
		c.put('\r')
		c.put('\n')
	}
	if c.wsp {
		c.put(' ')
		c.wsp = false
	}
	c.put(b)
	c.nonEmpty = true
}

// end applies the end-of-body rules: the last line keeps or gets one CRLF;
// an empty body stays empty for relaxed and is one CRLF for simple.
func (c *bodyCanon) end() {
	if c.cr {
		c.cr = false
		c.data('\r')
	}
	if c.nonEmpty || !c.relaxed {
		c.put('\r')
		c.put('\n')
	}
}

func (c *bodyCanon) put(b byte) {
	if c.limit < 0 || c.total < c.limit {
		c.buf = append(c.buf, b)
		if len(c.buf) == 1<<16 {
			c.flush()
		}
	}
	c.total++
}

func (c *bodyCanon) flush() {
	c.h.Write(c.buf)
	c.buf = c.buf[:0]
}
