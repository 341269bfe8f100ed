package message

import (
	"fmt"
	"strconv"
)

// Kind says, for a program, why a file is not a message. The wording for a
// person is in Error.Problem.
type Kind int

const (
	// KindEmpty: the file is empty, holds only blank space, or only an mbox
	// "From " line.
	KindEmpty Kind = iota + 1
	// KindBinary: binary data (NUL bytes or many control characters where
	// the header should be), or a known binary format such as an Outlook
	// .msg file or a PDF document.
	KindBinary
	// KindHTML: an HTML or XML page, for example a webmail page saved from
	// the browser.
	KindHTML
	// KindHeaderTooLarge: the header section runs past 1 MiB.
	KindHeaderTooLarge
	// KindNoSeparator was header fields to the end of the file and no
	// blank line before a body. No load gives it any more: such a file is a
	// message with an empty body (see Message.NoSeparator). The value is
	// kept so that the later kinds keep theirs.
	KindNoSeparator
	// KindNotHeader: the first line is not a header field, or a line inside
	// the header is neither a field nor a continuation line while more
	// fields follow it.
	KindNotHeader
	// KindLineEndings: lines end in bare CR (classic Mac OS), which is not
	// supported.
	KindLineEndings
)

// Error says that a file is not a message that can be inspected. I/O
// failures (a file that cannot be opened or read) are reported as the
// underlying error instead, never as an *Error.
type Error struct {
	// File names the source, as given to Parse or Open.
	File string
	// Kind classifies the problem.
	Kind Kind
	// Problem says what is wrong, in words for a person, for example
	// "the file is empty".
	Problem string
}

// Error returns "FILE: not a message: PROBLEM".
func (e *Error) Error() string {
	if e.File == "" {
		return "not a message: " + e.Problem
	}
	return e.File + ": not a message: " + e.Problem
}

func newError(file string, kind Kind, format string, args ...any) *Error {
	return &Error{File: file, Kind: kind, Problem: fmt.Sprintf(format, args...)}
}

// quoteLine quotes the start of a line for an error message or a note.
func quoteLine(b []byte) string {
	const max = 60
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "…"
	}
	return strconv.Quote(string(b))
}
