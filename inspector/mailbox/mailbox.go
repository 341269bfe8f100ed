// Package mailbox reads whole mailboxes, message by message, for checking:
// mbox files (mboxo and mboxrd, as Thunderbird keeps its folders and Apple
// Mail exports them), Maildirs, folders of messages searched recursively,
// and Apple Mail's .emlx files, besides single message files.
//
// Read streams: a mailbox of a million messages is never held in memory.
// An mbox file is read once, line by line; each message is kept in memory
// up to Options.MemoryLimit and in a temporary file beyond it (loaded with
// message.Open, which streams the body from there). A message that cannot
// be loaded is an Item with Err set, and reading goes on with the next.
//
// What each input is:
//
//   - A file whose first line (after a byte order mark or blank lines) starts
//     with "From " is an mbox. A message starts at a line beginning "From "
//     at the start of the file or after a blank line, which ends the message
//     before it and is not part of it. Body lines quoted as ">From ",
//     ">>From " and so on lose one ">" (mboxrd; in an mboxo file a body
//     line that really began ">From " cannot be told apart, and is read
//     the same way). Each message is named FILE#N, N counting from 1, unless
//     the file holds only one message, which keeps the file's name.
//   - A folder with a cur/ or new/ folder is a Maildir: the files of cur/
//     then new/, each in name order (Maildir names begin with the time of
//     delivery); tmp/ holds deliveries in progress and is not read. Maildir++
//     subfolders (.Sent/ and the like, with their own cur/ and new/) are read
//     after it.
//   - A folder named *.mbox holding a file named mbox is an Apple Mail
//     export: that file is read as an mbox; the export's other files
//     (Info.plist, table_of_contents) describe it and are not read.
//   - A file named *.emlx is Apple Mail's: a line with the message's length
//     in bytes, the message, then an XML property list, which is not read.
//   - Any other folder is searched recursively, in name order. Its hidden
//     files and folders (names starting with "."), files that are not
//     messages (a PDF, an HTML page, a mail program's index) and special
//     files are skipped: an Item with Skipped set says which and why. A file
//     named *.eml that is not a message is an error, not a skip: it was meant
//     to be one.
//   - Any other file is one message, as message.Open loads it.
package mailbox

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// DefaultMemoryLimit is Options.MemoryLimit when it is zero: messages up to
// this size are read into memory, larger ones into a temporary file.
const DefaultMemoryLimit = 1 << 20

// Kind says what a message was read from.
type Kind string

const (
	KindFile    Kind = "file"    // a message file of its own (.eml)
	KindMbox    Kind = "mbox"    // a message of an mbox file
	KindMaildir Kind = "maildir" // a message file of a Maildir
	KindEMLX    Kind = "emlx"    // an Apple Mail .emlx file
)

// Item is one message read, one that could not be read (Err), or a file of
// a folder that was skipped (Skipped). The caller must Close it.
type Item struct {
	// Name names the message in reports and errors: the path, or for a
	// message of an mbox file with several, "PATH#N".
	Name string `json:"name"`
	// Path is the file the message is in.
	Path string `json:"path"`
	// Index is the message's position in its mbox file, counted from 1;
	// 0 for a message that has a file of its own.
	Index int `json:"index,omitempty"`
	// Kind is what the message was read from.
	Kind Kind `json:"kind"`
	// Envelope is the mbox "From " line of the message, without "From ":
	// the envelope sender and the date the mail program stored it.
	Envelope string `json:"envelope,omitempty"`
	// Size is how many bytes of the source the item covers (for progress).
	Size int64 `json:"size"`

	// Message is the loaded message; nil when Err or Skipped is set.
	Message *message.Message `json:"-"`
	// Err says why the message could not be read.
	Err error `json:"-"`
	// Skipped says, in a few words, why a file of a folder was not taken
	// for a message ("hidden file", "not a message: an HTML page"); Detail
	// says it in full.
	Skipped string `json:"skipped,omitempty"`
	Detail  string `json:"detail,omitempty"`

	cleanup func()
}

// EnvelopeDate is the date of the mbox "From " line ("Sat Jan  3 01:05:34
// 1996"), or "" when there is none. The envelope sender before it has no
// spaces (RFC 4155), and is left out.
func (it *Item) EnvelopeDate() string {
	sender, date, ok := strings.Cut(strings.TrimSpace(it.Envelope), " ")
	if !ok || sender == "" {
		return ""
	}
	return strings.Join(strings.Fields(date), " ")
}

// Close releases the message's file and removes its temporary file, if it
// has one. It may be called more than once.
func (it *Item) Close() {
	if it.Message != nil {
		it.Message.Close()
	}
	if it.cleanup != nil {
		it.cleanup()
		it.cleanup = nil
	}
}

// Options steer reading.
type Options struct {
	// MemoryLimit is the largest message read into memory; a larger one
	// goes to a temporary file. Zero means DefaultMemoryLimit.
	MemoryLimit int64
	// TempDir is where temporary files go; "" means os.TempDir().
	TempDir string
}

func (o Options) limit() int64 {
	if o.MemoryLimit <= 0 {
		return DefaultMemoryLimit
	}
	return o.MemoryLimit
}

// Read returns every message of the given files and folders, in order. The
// items come one at a time, as they are read; stopping the iteration stops
// the reading. Each item must be closed by the caller, whether or not it
// stops.
func Read(paths []string, opts Options) iter.Seq[*Item] {
	return func(yield func(*Item) bool) {
		for _, p := range paths {
			if !readPath(p, opts, yield) {
				return
			}
		}
	}
}

// readPath reads one path given by the user. It returns false when yield
// asked to stop.
func readPath(path string, opts Options, yield func(*Item) bool) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return yield(&Item{Name: path, Path: path, Kind: KindFile, Err: err})
	}
	if fi.IsDir() {
		return readFolder(path, opts, yield)
	}
	return readFile(path, fi, false, opts, yield)
}

// readFile reads a file: an .emlx, an mbox, or a message. inFolder says the
// file was found in a folder, where what is not a message is skipped
// rather than an error.
func readFile(path string, fi fs.FileInfo, inFolder bool, opts Options, yield func(*Item) bool) bool {
	if !fi.Mode().IsRegular() {
		if inFolder {
			return yield(skipped(path, "not a regular file", fmt.Sprintf("%s is a %s, not a regular file", path, fi.Mode().Type())))
		}
		return yield(&Item{Name: path, Path: path, Kind: KindFile, Err: fmt.Errorf("%s: not a regular file", path)})
	}
	if strings.EqualFold(filepath.Ext(path), ".emlx") {
		return yield(readEMLX(path, opts))
	}
	isMbox, err := sniffMbox(path)
	if err != nil {
		return yield(&Item{Name: path, Path: path, Kind: KindFile, Size: fi.Size(), Err: err})
	}
	if isMbox {
		return readMboxFile(path, opts, yield)
	}
	it := openFile(path, KindFile, fi.Size())
	var me *message.Error
	if inFolder && errors.As(it.Err, &me) && !strings.EqualFold(filepath.Ext(path), ".eml") {
		return yield(skipped(path, "not a message: "+kindWords(me.Kind), me.Error()))
	}
	return yield(it)
}

// openFile loads the message of a file of its own.
func openFile(path string, kind Kind, size int64) *Item {
	it := &Item{Name: path, Path: path, Kind: kind, Size: size}
	it.Message, it.Err = message.Open(path)
	return it
}

func skipped(path, why, detail string) *Item {
	return &Item{Name: path, Path: path, Kind: KindFile, Skipped: why, Detail: detail}
}

// kindWords says in a few words what kind of file is not a message, for
// the count of skipped files.
func kindWords(k message.Kind) string {
	switch k {
	case message.KindEmpty:
		return "empty"
	case message.KindBinary:
		return "binary data or another format"
	case message.KindHTML:
		return "an HTML or XML document"
	case message.KindHeaderTooLarge:
		return "header larger than 1 MiB"
	case message.KindLineEndings:
		return "lines end in bare CR"
	}
	return "does not begin with header fields"
}

// readFolder reads a folder given by the user or found in one.
func readFolder(dir string, opts Options, yield func(*Item) bool) bool {
	if isMaildir(dir) {
		return readMaildir(dir, opts, yield)
	}
	if box := appleMbox(dir); box != "" {
		return readMboxFile(box, opts, yield)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return yield(&Item{Name: dir, Path: dir, Kind: KindFile, Err: err})
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			what := "hidden file"
			if e.IsDir() {
				what = "hidden folder"
			}
			if !yield(skipped(path, what, path+" is hidden (its name starts with a dot)")) {
				return false
			}
			continue
		}
		fi, err := os.Stat(path)
		if err != nil {
			if !yield(&Item{Name: path, Path: path, Kind: KindFile, Err: err}) {
				return false
			}
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 && fi.IsDir() {
			if !yield(skipped(path, "link to a folder", path+" is a symbolic link to a folder, which is not followed")) {
				return false
			}
			continue
		}
		var more bool
		if fi.IsDir() {
			more = readFolder(path, opts, yield)
		} else {
			more = readFile(path, fi, true, opts, yield)
		}
		if !more {
			return false
		}
	}
	return true
}

// appleMbox returns the mbox file of an Apple Mail export (a folder
// named *.mbox holding a file named mbox), or "".
func appleMbox(dir string) string {
	if !strings.EqualFold(filepath.Ext(dir), ".mbox") {
		return ""
	}
	box := filepath.Join(dir, "mbox")
	if fi, err := os.Stat(box); err == nil && fi.Mode().IsRegular() {
		return box
	}
	return ""
}
