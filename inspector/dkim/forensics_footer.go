package dkim

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"hash"
)

// Bounds of the search for appended text.
const (
	// tailSize is how much of the end of the canonical body is kept: text
	// appended is found when it is at most this long.
	tailSize = 64 << 10
	// maxFooterCuts is how many line starts before each end are tried,
	// nearest first, and maxFooterEnds how many ends: the end of the body,
	// and the last closing MIME boundaries and the empty lines above them.
	maxFooterCuts = 256
	maxFooterEnds = 6
	// maxFooterSuffix bounds what may follow the added text (a closing
	// boundary and an epilogue), as it is hashed again for every cut.
	maxFooterSuffix = 8 << 10
)

// tail is the hash.Hash under a BodyHasher of the first pass: it hashes
// the canonical body but keeps its last bytes (between tailSize and twice
// that) and the hash state before them, so that the hash of any prefix
// ending in them, followed by any end, costs only those bytes.
type tail struct {
	hasher *BodyHasher
	state  hash.Hash // the hash of canonical[:start]
	start  int64
	win    []byte // canonical[start:]
}

func newTail(g *hashGroup) *tail {
	t := &tail{state: g.hash.New(), win: make([]byte, 0, 2*tailSize+maxLinePiece+bufSize)}
	// The canonicaliser is the verifier's own, hashing the whole body
	// (the limit is applied to each candidate) into the tail.
	t.hasher, _ = NewBodyHasher(g.canon, g.hash, -1)
	t.hasher.h = t
	return t
}

func (t *tail) Write(p []byte) (int, error) {
	t.win = append(t.win, p...)
	if len(t.win) > 2*tailSize {
		cut := len(t.win) - tailSize
		t.state.Write(t.win[:cut])
		t.start += int64(cut)
		t.win = t.win[:copy(t.win, t.win[cut:])]
	}
	return len(p), nil
}

func (t *tail) Sum(b []byte) []byte {
	h := clone(t.state)
	h.Write(t.win)
	return h.Sum(b)
}
func (t *tail) Reset()         { t.state.Reset(); t.start, t.win = 0, t.win[:0] }
func (t *tail) Size() int      { return t.state.Size() }
func (t *tail) BlockSize() int { return t.state.BlockSize() }

// clone copies a hash state; every hash of the standard library can.
func clone(h hash.Hash) hash.Hash {
	c, err := h.(hash.Cloner).Clone()
	if err != nil {
		panic("dkim: cannot clone a " + fmt.Sprintf("%T", h))
	}
	return c
}

// footer finds, for each suspect of g, the longest prefix of the canonical
// body that hashes to bh= once what follows it up to an end is cut out:
// the end of the body (text appended, as lists and disclaimers do), or a
// closing MIME boundary (text added at the end of the last part, or a part
// added before the boundary). Only line starts are tried as cuts.
func (t *tail) footer(g *hashGroup, boundaries []string, msg *messageFacts, stats *workStats) map[*Suspect]Forensic {
	found := map[*Suspect]Forensic{}
	best := map[*Suspect]int{}
	for _, end := range t.ends(boundaries) {
		suffix := t.win[end:]
		if len(suffix) > maxFooterSuffix {
			continue
		}
		cuts := t.cuts(end)
		h := clone(t.state)
		pos := 0
		for _, x := range cuts {
			if g.limit >= 0 && t.start+int64(x) >= g.limit {
				break // the candidate's first l= bytes are the body's own
			}
			h.Write(t.win[pos:x])
			pos = x
			c := clone(h)
			if g.limit >= 0 {
				c.Write(suffix[:min(int64(len(suffix)), g.limit-t.start-int64(x))])
			} else {
				c.Write(suffix)
			}
			if g.canon == Simple && t.start+int64(x) == 0 && len(suffix) == 0 {
				c.Write(crlf) // simple canonicalisation of an empty body
			}
			sum := c.Sum(nil)
			stats.footerCuts++
			for _, s := range g.suspects {
				if subtle.ConstantTimeCompare(sum, s.BodyHash) == 1 {
					if b, ok := best[s]; !ok || end-x < b {
						best[s] = end - x
						found[s] = t.finding(x, end, len(suffix) > 0, msg)
					}
				}
			}
		}
	}
	return found
}

// ends lists where added text may end: the end of the body, and the
// starts of the last closing boundary lines kept, latest first.
func (t *tail) ends(boundaries []string) []int {
	ends := []int{len(t.win)}
	for i := len(t.win); i > 0 && len(ends) < maxFooterEnds; {
		j := bytes.LastIndex(t.win[:i-1], crlf)
		start := j + 2
		if j < 0 {
			if t.start > 0 {
				break
			}
			start = 0
		}
		line := t.win[start:i]
		for _, b := range boundaries {
			if bytes.HasPrefix(line, []byte("--"+b+"--")) {
				ends = append(ends, start)
				// Added text may end before the empty lines above the
				// boundary, which the part had when it was signed.
				for k := start; k >= 2 && len(ends) < maxFooterEnds && bytes.HasSuffix(t.win[:k], []byte("\r\n\r\n")); k -= 2 {
					ends = append(ends, k-2)
				}
				break
			}
		}
		if j < 0 {
			break
		}
		i = start
	}
	return ends
}

// cuts lists the line starts before end, at most maxFooterCuts of them
// (the nearest), in increasing order.
func (t *tail) cuts(end int) []int {
	var cuts []int
	for i := end; len(cuts) < maxFooterCuts; {
		j := bytes.LastIndex(t.win[:max(i-1, 0)], crlf)
		if j < 0 {
			if t.start == 0 && i > 0 {
				cuts = append(cuts, 0)
			}
			break
		}
		cuts = append(cuts, j+2)
		i = j + 2
	}
	for i, j := 0, len(cuts)-1; i < j; i, j = i+1, j-1 {
		cuts[i], cuts[j] = cuts[j], cuts[i]
	}
	return cuts
}

// finding describes the text between x and end that was added.
func (t *tail) finding(x, end int, beforeBoundary bool, msg *messageFacts) Forensic {
	added := string(t.win[x:end])
	size := end - x
	where := "after the signed body"
	if beforeBoundary {
		where = "at the end of the last part, before the closing MIME boundary"
	}
	q := quoteStart(added)
	f := Forensic{Change: FooterAppended, Where: "body", Confirmed: true, Text: clipText(added), Bytes: int64(size), kind: "server on the way",
		Detail: fmt.Sprintf("%d bytes were added %s: %s (a list footer or a disclaimer)", size, where, q),
		undo:   fmt.Sprintf("without the %d-byte footer %s", size, q)}
	if msg.list != "" {
		f.kind, f.by = "mailing list", msg.list
		f.Detail = fmt.Sprintf("the mailing list %s added %d bytes %s: %s", msg.list, size, where, q)
	}
	return f
}
