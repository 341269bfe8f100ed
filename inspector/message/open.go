package message

import (
	"fmt"
	"io"
	"os"
)

// Open loads the message in the file at path. The header is read into
// memory; the body stays in the file, which is kept open until Close, and
// Body streams it from there, so a message of any size costs little memory.
// Loading reads the body once, in small pieces, to measure it, to find
// where it ends (mbox, NUL padding) and to count the messages after it in
// an mbox file; nothing of it is kept.
//
// The file must allow random access (a regular file); read a pipe into
// memory and use Parse instead.
func Open(path string) (*Message, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a folder, not a file", path)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file; read it into memory and use Parse", path)
	}
	m, err := load(path, f, fi.Size(), 64<<10)
	if err != nil {
		f.Close()
		return nil, err
	}
	m.closer = f
	return m, nil
}

// load loads the message in the size bytes of r, reading pieces of chunk
// bytes (the header is read in growing pieces, at most maxHeader bytes).
// It finds the same as Parse on the same bytes.
func load(file string, r io.ReaderAt, size int64, chunk int) (*Message, error) {
	chunk = max(chunk, 1)

	// The header.
	var buf []byte
	n := min(int64(chunk), size, maxHeader)
	var h *header
	for {
		old := len(buf)
		buf = append(buf, make([]byte, int(n)-old)...)
		if err := readAt(file, r, buf[old:], int64(old)); err != nil {
			return nil, err
		}
		var err error
		h, err = parseHeader(file, buf, n == size, false)
		if err == errNeedMore {
			n = min(2*n, size, maxHeader)
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	start := int64(h.bodyStart)

	// NUL bytes padding the end of the file.
	scratch := make([]byte, min(int64(chunk), max(size-start, 1)))
	end := size
	for end > start {
		k := min(int64(len(scratch)), end-start)
		b := scratch[:k]
		if err := readAt(file, r, b, end-k); err != nil {
			return nil, err
		}
		i := len(b)
		for i > 0 && b[i-1] == 0 {
			i--
		}
		end -= k - int64(i)
		if i > 0 {
			break
		}
	}

	// The body, and in an mbox file the messages after it, once through.
	s := newBodyScanner(h.mbox)
	for off := start; off < end; {
		k := min(int64(len(scratch)), end-off)
		b := scratch[:k]
		if err := readAt(file, r, b, off); err != nil {
			return nil, err
		}
		s.feed(b)
		off += k
	}
	s.finish()

	m := newMessage(file, h, s, size-end)
	length := s.length()
	if s.lf == 0 {
		m.body = func() io.Reader { return io.NewSectionReader(r, start, length) }
	} else {
		m.body = func() io.Reader { return newCRLFReader(io.NewSectionReader(r, start, length), 32<<10) }
	}
	return m, nil
}

// readAt fills b from r at off.
func readAt(file string, r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%s: reading at byte %d: %w (did the file change while it was read?)", file, off+int64(n), err)
}
