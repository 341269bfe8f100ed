package mailbox

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// spool holds the bytes of one message as they are read: in memory up to
// a limit, then in a temporary file, so that a message of any size costs
// little memory.
type spool struct {
	limit int64
	dir   string

	buf []byte
	f   *os.File
	w   *bufio.Writer
	n   int64
	err error
}

func newSpool(opts Options) *spool {
	return &spool{limit: opts.limit(), dir: opts.TempDir}
}

// Write adds p to the message. An error is kept and reported by load.
func (s *spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.n += int64(len(p))
	if s.f == nil {
		if int64(len(s.buf)+len(p)) <= s.limit {
			s.buf = append(s.buf, p...)
			return len(p), nil
		}
		if s.f, s.err = os.CreateTemp(s.dir, "mailinspector-*.eml"); s.err != nil {
			s.f = nil
			return 0, s.err
		}
		s.w = bufio.NewWriterSize(s.f, 64<<10)
		s.w.Write(s.buf)
		s.buf = nil
	}
	_, s.err = s.w.Write(p)
	return len(p), s.err
}

// load loads the message written so far into it (Message, or Err), and
// makes s ready for the next message.
func (s *spool) load(it *Item) {
	defer func() { *s = spool{limit: s.limit, dir: s.dir} }()
	if s.f == nil {
		if s.err != nil {
			it.Err = fmt.Errorf("%s: %w", it.Name, s.err)
			return
		}
		it.Message, it.Err = message.Parse(it.Name, s.buf)
		return
	}
	tmp := s.f.Name()
	it.cleanup = func() { os.Remove(tmp) }
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if err := s.f.Close(); s.err == nil {
		s.err = err
	}
	if s.err != nil {
		it.Err = fmt.Errorf("%s: keeping the message in a temporary file: %w", it.Name, s.err)
		return
	}
	it.Message, it.Err = message.Open(tmp)
	if it.Message != nil {
		it.Message.File = it.Name
	}
	var me *message.Error
	if errors.As(it.Err, &me) {
		me.File = it.Name
	}
}

// discard drops what was written, its temporary file included.
func (s *spool) discard() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
	*s = spool{limit: s.limit, dir: s.dir}
}
