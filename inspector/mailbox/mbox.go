package mailbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// sniffLen is how much of the start of a file is read to tell an mbox.
const sniffLen = 4096

// maxEnvelope bounds the "From " line kept for naming a message.
const maxEnvelope = 256

var bom = []byte("\xEF\xBB\xBF")

// sniffMbox reports a file whose first line, after a byte order mark and
// blank lines, starts with "From ".
func sniffMbox(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	b := make([]byte, sniffLen)
	n, err := io.ReadFull(f, b)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return false, err
	}
	b = bytes.TrimLeft(bytes.TrimPrefix(b[:n], bom), " \t\r\n")
	return isFromLine(b), nil
}

// isFromLine reports a line that starts a message of an mbox file: "From "
// and something after it (the loader of package message reads the same).
func isFromLine(line []byte) bool {
	return bytes.HasPrefix(line, []byte("From ")) && len(bytes.TrimRight(line, "\r\n")) > 5
}

// quotedFrom reports a body line that an mbox writer quoted: one or more
// ">" then "From ".
func quotedFrom(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	return i > 0 && bytes.HasPrefix(line[i:], []byte("From "))
}

func isBlankLine(line []byte) bool {
	return len(line) == 1 && line[0] == '\n' || len(line) == 2 && line[0] == '\r' && line[1] == '\n'
}

func readMboxFile(path string, opts Options, yield func(*Item) bool) bool {
	f, err := os.Open(path)
	if err != nil {
		return yield(&Item{Name: path, Path: path, Kind: KindMbox, Err: err})
	}
	defer f.Close()
	return readMbox(f, path, opts, yield)
}

// mboxReader splits an mbox into its messages.
type mboxReader struct {
	path  string
	yield func(*Item) bool
	sp    *spool
	load  func(*Item) // loads the message in sp into the item: sp.load, or a test's

	index     int    // of the message being read; 0 before the first
	envelope  string // its "From " line, without "From "
	size      int64  // bytes of the source it covers so far
	unquoted  int    // its body lines unquoted
	prevBlank bool   // the line before the current one was blank (or there was none)
	held      []byte // a blank line not written yet: it ends the message if a "From " line follows
	skip      bool   // the rest of the current line is not written (a "From " line, or what comes before the first message)
}

func newMboxReader(path string, opts Options, yield func(*Item) bool) *mboxReader {
	mr := &mboxReader{path: path, yield: yield, sp: newSpool(opts), prevBlank: true}
	mr.load = mr.sp.load
	return mr
}

// readMbox splits the mbox read from r into its messages and yields each
// as soon as its end is known: at the next "From " line or at the end of
// the input. It returns false when yield asked to stop.
func readMbox(r io.Reader, path string, opts Options, yield func(*Item) bool) bool {
	br := bufio.NewReaderSize(r, 64<<10)
	return newMboxReader(path, opts, yield).read(br)
}

// read reads the whole mbox.
func (mr *mboxReader) read(br *bufio.Reader) bool {
	path, yield := mr.path, mr.yield
	atStart := true // the next fragment starts a line
	for {
		frag, err := br.ReadSlice('\n')
		if len(frag) > 0 {
			if !mr.fragment(frag, atStart) {
				return false
			}
			atStart = frag[len(frag)-1] == '\n'
		}
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			// The blank line before the end of the input closes the last
			// message as it closes the others.
			return mr.index == 0 || mr.finish(false)
		default:
			mr.sp.discard()
			it := &Item{Name: path, Path: path, Kind: KindMbox, Err: fmt.Errorf("%s: %w", path, err)}
			if mr.index > 0 {
				it.Name, it.Index = path+"#"+strconv.Itoa(mr.index), mr.index
			}
			return yield(it)
		}
	}
}

// fragment reads the next piece of a line: all of it, or up to the size of
// the buffer. lineStart says it starts the line.
func (mr *mboxReader) fragment(frag []byte, lineStart bool) bool {
	if !lineStart {
		mr.size += int64(len(frag))
		if !mr.skip {
			mr.sp.Write(frag)
		}
		return true
	}
	line := frag
	if mr.index == 0 {
		line = bytes.TrimPrefix(frag, bom)
	}
	if mr.prevBlank && isFromLine(line) {
		if mr.index > 0 && !mr.finish(true) {
			return false
		}
		mr.index++
		env := bytes.TrimRight(line[len("From "):], "\r\n")
		mr.envelope = strings.ToValidUTF8(string(env[:min(len(env), maxEnvelope)]), "\uFFFD")
		mr.size, mr.unquoted, mr.held, mr.prevBlank, mr.skip = int64(len(frag)), 0, nil, false, true
		return true
	}
	if mr.index == 0 {
		// What comes before the first message (a byte order mark, blank
		// lines) is no part of any.
		mr.skip = true
		return true
	}
	mr.skip = false
	mr.size += int64(len(frag))
	if mr.held != nil {
		mr.sp.Write(mr.held)
		mr.held = nil
	}
	if mr.prevBlank = isBlankLine(frag); mr.prevBlank {
		mr.held = append(mr.held[:0], frag...)
		return true
	}
	if quotedFrom(frag) {
		frag = frag[1:]
		mr.unquoted++
	}
	mr.sp.Write(frag)
	return true
}

// finish loads the message read and yields it; more says another message
// follows it.
func (mr *mboxReader) finish(more bool) bool {
	it := &Item{Name: mr.path, Path: mr.path, Index: mr.index, Kind: KindMbox, Envelope: mr.envelope, Size: mr.size}
	if mr.index > 1 || more {
		it.Name = mr.path + "#" + strconv.Itoa(mr.index)
	}
	mr.load(it)
	if m := it.Message; m != nil {
		note := fmt.Sprintf("read from the mbox file %s, whose \"From \" line before the message was removed: %s", mr.path, strconv.Quote("From "+mr.envelope))
		if mr.unquoted > 0 {
			note += fmt.Sprintf("; %d body %s quoted as \">From \" %s unquoted (mboxrd)", mr.unquoted, plural(mr.unquoted, "line", "lines"), plural(mr.unquoted, "was", "were"))
		}
		m.Notes = append([]string{note}, m.Notes...)
	}
	return mr.yield(it)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
