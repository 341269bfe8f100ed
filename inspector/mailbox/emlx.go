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

// maxCountLine bounds the first line of an .emlx file, the message's length
// in bytes.
const maxCountLine = 32

// readEMLX reads an Apple Mail .emlx file: a line with the length of the
// message in bytes, the message, then an XML property list of Mail's flags,
// which is not read.
func readEMLX(path string, opts Options) *Item {
	it := &Item{Name: path, Path: path, Kind: KindEMLX}
	f, err := os.Open(path)
	if err != nil {
		it.Err = err
		return it
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		it.Err = err
		return it
	}
	it.Size = fi.Size()
	readEMLXFrom(f, fi.Size(), it, opts)
	return it
}

// readEMLXFrom reads the .emlx file of size bytes from r into it.
func readEMLXFrom(r io.Reader, size int64, it *Item, opts Options) {
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(min(int(size), maxCountLine))
	if err != nil {
		it.Err = fmt.Errorf("%s: %w", it.Name, err)
		return
	}
	eol := bytes.IndexByte(head, '\n')
	n, perr := strconv.ParseInt(string(bytes.TrimSpace(head[:max(eol, 0)])), 10, 64)
	if eol < 0 || perr != nil || n < 0 {
		it.Err = fmt.Errorf("%s: not an Apple Mail .emlx file: its first line is not the length of the message in bytes", it.Name)
		return
	}
	br.Discard(eol + 1)
	if rest := size - int64(eol+1); n > rest {
		it.Err = fmt.Errorf("%s: damaged .emlx file: its first line gives the message %d bytes, but only %d follow", it.Name, n, rest)
		return
	}
	sp := newSpool(opts)
	if _, err := io.CopyN(sp, br, n); err != nil {
		sp.discard()
		it.Err = fmt.Errorf("%s: %w", it.Name, err)
		return
	}
	sp.load(it)
	if it.Message != nil && strings.HasSuffix(strings.ToLower(it.Path), ".partial.emlx") {
		it.Message.Notes = append(it.Message.Notes, "Apple Mail kept only part of this message (.partial.emlx): its attachments are in separate files, so a DKIM body hash cannot match")
	}
}
