package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/mailbox"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// headLen is how much of a file is read to tell an mbox file: its first
// line, after a byte order mark and blank lines.
const headLen = 4096

var byteOrderMark = []byte("\xEF\xBB\xBF")

// isMailbox says whether path opens as a list of messages rather than as
// one message: a folder (a Maildir, an Apple Mail .mbox export, or any
// folder, searched for messages), an Apple Mail .emlx file (which the
// single-message loader does not read), or an mbox file. Package mailbox
// reads them all, as the command line does. A file named .eml is one
// message, even after an mbox "From " line (a mail program's "Save as"
// may write one), as the single-message loader reads it.
func isMailbox(path string) bool {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return false
	case st.IsDir():
		return true
	case strings.EqualFold(filepath.Ext(path), ".emlx"):
		return true
	case strings.EqualFold(filepath.Ext(path), ".eml"):
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, headLen)
	n, _ := io.ReadFull(f, head)
	_, ok := mboxStart(head[:n])
	return ok
}

// mboxStart is where the first message of an mbox file starts, given the
// file's first bytes: its "From " line, after blank lines (or at 0 when
// the line follows a byte order mark, which the message's size counts).
// false when the file does not start as an mbox file does.
func mboxStart(head []byte) (int64, bool) {
	rest := bytes.TrimLeft(bytes.TrimPrefix(head, byteOrderMark), " \t\r\n")
	if !bytes.HasPrefix(rest, []byte("From ")) {
		return 0, false
	}
	start := len(head) - len(rest)
	if start == len(byteOrderMark) && bytes.HasPrefix(head, byteOrderMark) {
		start = 0
	}
	return int64(start), true
}

// errMailboxChanged says a message is no longer where it was read.
var errMailboxChanged = errors.New("the mailbox file changed since it was checked: check it again (Check all again) to see this message")

// load reads the message of a row again, to check it again: a message of
// an mbox file from where it was (the bytes of that message only, not the
// messages before it), any other from its own file. name names it in the
// report, as when the mailbox was read.
func (s rowSource) load(name string) (*message.Message, error) {
	path := s.path
	if s.kind == mailbox.KindMbox && name != s.path {
		tmp, err := s.extract()
		if err != nil {
			return nil, err
		}
		defer os.Remove(tmp)
		path = tmp
	}
	// A limit above the message's size keeps it in memory: nothing to
	// remove when the check is over.
	opts := mailbox.Options{MemoryLimit: max(s.size+1, mailbox.DefaultMemoryLimit)}
	var got *mailbox.Item
	for it := range mailbox.Read([]string{path}, opts) {
		if got == nil && it.Skipped == "" {
			got = it
			continue
		}
		it.Close()
	}
	if got == nil {
		return nil, errMailboxChanged
	}
	m, err := got.Message, got.Err
	if err != nil {
		if path != s.path {
			err = errors.New(strings.ReplaceAll(err.Error(), path, name))
		}
		return nil, err
	}
	if path != s.path {
		m.File = name
		for i, n := range m.Notes {
			m.Notes[i] = strings.ReplaceAll(n, path, s.path)
		}
	}
	return m, nil
}

// extract copies the bytes of an mbox file's message to a temporary file
// of its own, an mbox of one message, and returns its name. Package
// mailbox reads files, not parts of them: this is how it reads the one
// message again, "From " line, mboxrd quoting and all, without reading
// the thousands before it.
func (s rowSource) extract() (string, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, headLen)
	n, _ := io.ReadFull(f, head)
	base, ok := mboxStart(head[:n])
	if !ok {
		return "", errMailboxChanged
	}
	msg := io.NewSectionReader(f, base+s.offset, s.size)
	first := make([]byte, len(byteOrderMark)+len("From "))
	k, _ := io.ReadFull(msg, first)
	if start, ok := mboxStart(first[:k]); !ok || start != 0 {
		return "", errMailboxChanged
	}
	tmp, err := os.CreateTemp("", "mailinspector-*.mbox")
	if err != nil {
		return "", fmt.Errorf("reading %s again: %w", s.path, err)
	}
	_, err = io.Copy(tmp, io.NewSectionReader(f, base+s.offset, s.size))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("reading %s again: %w", s.path, err)
	}
	return tmp.Name(), nil
}
