package mailbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// got is what a test sees of an item.
type got struct {
	name, envelope, subject, body, skipped string
	index                                  int
	kind                                   Kind
	err                                    error
	notes                                  []string
}

func collect(t *testing.T, opts Options, paths ...string) []got {
	t.Helper()
	var out []got
	for it := range Read(paths, opts) {
		g := got{name: it.Name, envelope: it.Envelope, index: it.Index, kind: it.Kind, err: it.Err, skipped: it.Skipped}
		if m := it.Message; m != nil {
			if f := m.First("Subject"); f != nil {
				g.subject = f.Value
			}
			b, err := io.ReadAll(m.Body())
			if err != nil {
				t.Fatalf("%s: reading the body: %v", it.Name, err)
			}
			g.body = string(b)
			g.notes = m.Notes
			if m.File != it.Name {
				t.Errorf("message.File %q, item %q", m.File, it.Name)
			}
		} else if it.Err == nil && it.Skipped == "" {
			t.Errorf("%s: neither a message, an error nor a skip", it.Name)
		}
		it.Close()
		out = append(out, g)
	}
	return out
}

func names(gs []got) []string {
	var out []string
	for _, g := range gs {
		s := g.name
		switch {
		case g.err != nil:
			s += " (error)"
		case g.skipped != "":
			s += " (skipped: " + g.skipped + ")"
		}
		out = append(out, s)
	}
	return out
}

func sameNames(t *testing.T, gs []got, want ...string) {
	t.Helper()
	if got := strings.Join(names(gs), "\n"); got != strings.Join(want, "\n") {
		t.Errorf("items:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// An mbox with a damaged message in the middle: each message is its own
// item, the damaged one an error, and the ones after it are read.
func TestMboxDamagedInTheMiddle(t *testing.T) {
	for _, limit := range []int64{0, 16} { // in memory, and through temporary files
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			tmp := t.TempDir()
			gs := collect(t, Options{MemoryLimit: limit, TempDir: tmp}, "testdata/damaged.mbox")
			sameNames(t, gs, "testdata/damaged.mbox#1", "testdata/damaged.mbox#2 (error)", "testdata/damaged.mbox#3")
			if len(gs) != 3 {
				return
			}
			var me *message.Error
			if !errors.As(gs[1].err, &me) || me.Kind != message.KindNotHeader || !strings.HasPrefix(gs[1].err.Error(), "testdata/damaged.mbox#2: ") {
				t.Errorf("the damaged message's error: %v", gs[1].err)
			}
			if gs[0].envelope != "alice@example.com Sat Jan  3 01:05:34 2026" || gs[2].index != 3 || gs[2].kind != KindMbox {
				t.Errorf("envelope %q, index %d, kind %s", gs[0].envelope, gs[2].index, gs[2].kind)
			}
			// mboxrd: one ">" comes off quoted From lines; "> From" is a
			// reply's quotation, not a quoted From line.
			wantBody := "Hello Bob.\r\n\r\nFrom the start of this line, an mbox writer quoted it.\r\n>From here, a line that was already quoted once.\r\n> From a reply, not quoted.\r\n"
			if gs[0].body != wantBody {
				t.Errorf("first body %q\nwant %q", gs[0].body, wantBody)
			}
			if gs[2].body != "Last one.\r\nFrom within a paragraph (no blank line before it) is body text.\r\n" {
				t.Errorf("last body %q", gs[2].body)
			}
			if len(gs[0].notes) == 0 || !strings.Contains(gs[0].notes[0], `2 body lines quoted as ">From " were unquoted`) {
				t.Errorf("notes %q", gs[0].notes)
			}
			if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
				t.Errorf("temporary files left behind: %v", entries)
			}
		})
	}
}

func TestEnvelopeDate(t *testing.T) {
	for env, want := range map[string]string{
		"alice@example.com Sat Jan  3 01:05:34 2026": "Sat Jan 3 01:05:34 2026",
		"- Wed Jan  7 08:00:00 2026":                 "Wed Jan 7 08:00:00 2026",
		"MAILER-DAEMON":                              "",
		"":                                           "",
	} {
		if got := (&Item{Envelope: env}).EnvelopeDate(); got != want {
			t.Errorf("EnvelopeDate(%q) = %q, want %q", env, got, want)
		}
	}
}

// An mbox of one message keeps the file's name, as a saved message does.
func TestMboxOfOneMessage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one.mbox")
	os.WriteFile(path, []byte("\xEF\xBB\xBF\nFrom x@example.com Sat Jan  3 01:05:34 2026\nFrom: x@example.com\nSubject: one\n\nbody\n\n"), 0o644)
	gs := collect(t, Options{}, path)
	sameNames(t, gs, path)
	if len(gs) == 1 && (gs[0].index != 1 || gs[0].body != "body\r\n") {
		t.Errorf("index %d, body %q", gs[0].index, gs[0].body)
	}
}

func TestAppleMailExport(t *testing.T) {
	gs := collect(t, Options{}, "testdata/Export.mbox")
	sameNames(t, gs, "testdata/Export.mbox/mbox#1", "testdata/Export.mbox/mbox#2")
	if len(gs) == 2 && gs[1].subject != "exported two" {
		t.Errorf("second subject %q", gs[1].subject)
	}
}

func TestEmptyMaildir(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.Mkdir(filepath.Join(dir, sub), 0o755)
	}
	if gs := collect(t, Options{}, dir); len(gs) != 0 {
		t.Errorf("an empty Maildir gave %v", names(gs))
	}
}

func TestMaildir(t *testing.T) {
	gs := collect(t, Options{}, "testdata/maildir")
	sameNames(t, gs,
		"testdata/maildir/cur/1767225600.M1P100.host,S=200!2,S",
		"testdata/maildir/new/1767225700.M2P101.host,S=180",
		"testdata/maildir/.Sent/cur/1767225900.M4P103.host!2,S")
	for _, g := range gs {
		if g.kind != KindMaildir || g.index != 0 {
			t.Errorf("%s: kind %s, index %d", g.name, g.kind, g.index)
		}
	}
}

// A folder is searched recursively; what is not a message is skipped with
// the reason, except a .eml file, which is an error.
func TestFolder(t *testing.T) {
	gs := collect(t, Options{}, "testdata/folder")
	sameNames(t, gs,
		"testdata/folder/.DS_Store (skipped: hidden file)",
		"testdata/folder/.hidden (skipped: hidden folder)",
		"testdata/folder/Inbox#1",
		"testdata/folder/Inbox#2",
		"testdata/folder/Inbox.msf (skipped: not a message: does not begin with header fields)",
		"testdata/folder/a.eml",
		"testdata/folder/broken.eml (error)",
		"testdata/folder/empty.txt (skipped: not a message: empty)",
		"testdata/folder/invoice.pdf (skipped: not a message: binary data or another format)",
		"testdata/folder/page.html (skipped: not a message: an HTML or XML document)",
		"testdata/folder/sub/b.eml",
	)
}

func TestEMLX(t *testing.T) {
	gs := collect(t, Options{}, "testdata/12345.emlx", "testdata/damaged.emlx")
	sameNames(t, gs, "testdata/12345.emlx", "testdata/damaged.emlx (error)")
	if len(gs) != 2 {
		return
	}
	if gs[0].kind != KindEMLX || gs[0].subject != "from Apple Mail" || gs[0].body != "Stored by Apple Mail.\r\n" {
		t.Errorf("emlx: kind %s, subject %q, body %q (the plist must not be read)", gs[0].kind, gs[0].subject, gs[0].body)
	}
	if !strings.Contains(gs[1].err.Error(), "9999 bytes") {
		t.Errorf("damaged emlx: %v", gs[1].err)
	}
	// A partial .emlx says its body is incomplete.
	b, _ := os.ReadFile("testdata/12345.emlx")
	path := filepath.Join(t.TempDir(), "7.partial.emlx")
	os.WriteFile(path, b, 0o644)
	if gs := collect(t, Options{}, path); len(gs) != 1 || !strings.Contains(strings.Join(gs[0].notes, " "), "partial") {
		t.Errorf("partial emlx: %+v", gs)
	}
}

// A missing path and a file that is not a message, given by name, are
// errors, as they are for a single message.
func TestGivenFiles(t *testing.T) {
	gs := collect(t, Options{}, "testdata/missing.eml", "testdata/folder/page.html", "testdata/folder/a.eml")
	sameNames(t, gs, "testdata/missing.eml (error)", "testdata/folder/page.html (error)", "testdata/folder/a.eml")
}

// Stopping the iteration stops the reading.
func TestStop(t *testing.T) {
	n := 0
	for it := range Read([]string{"testdata/damaged.mbox", "testdata/maildir"}, Options{}) {
		it.Close()
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("%d items", n)
	}
}

// A large mbox is read message by message, through temporary files for
// messages over the memory limit, and each message loads as it was before
// the mbox writer quoted it.
func TestMboxRoundTrip(t *testing.T) {
	var box bytes.Buffer
	var want []string
	for i := 0; i < 50; i++ {
		body := strings.Repeat(fmt.Sprintf("line %d of message %d\n", i, i), i*40)
		if i%7 == 0 {
			body += "\nFrom the body, quoted by the writer.\n>From already quoted.\n"
		}
		msg := fmt.Sprintf("From: m%d@example.com\nSubject: %d\n\n%s", i, i, body)
		want = append(want, msg)
		writeMbox(&box, i, msg)
	}
	path := filepath.Join(t.TempDir(), "big.mbox")
	os.WriteFile(path, box.Bytes(), 0o644)
	tmp := t.TempDir()
	i := 0
	for it := range Read([]string{path}, Options{MemoryLimit: 1000, TempDir: tmp}) {
		if it.Err != nil {
			t.Fatalf("%s: %v", it.Name, it.Err)
		}
		orig, err := message.Parse("orig", []byte(want[i]))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := io.ReadAll(it.Message.Body())
		b, _ := io.ReadAll(orig.Body())
		if !bytes.Equal(a, b) || len(it.Message.Header) != len(orig.Header) || !bytes.Equal(it.Message.Header[0].Raw, orig.Header[0].Raw) {
			t.Errorf("message %d differs from what was written", i)
		}
		it.Close()
		i++
	}
	if i != len(want) {
		t.Errorf("%d messages, want %d", i, len(want))
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("temporary files left behind: %d", len(entries))
	}
}

// writeMbox appends msg to box as an mboxrd writer does: a "From " line,
// the message with its From lines quoted, ending in a newline, and a blank
// line.
func writeMbox(box *bytes.Buffer, i int, msg string) {
	fmt.Fprintf(box, "From m%d@example.com Sat Jan  3 01:05:34 2026\n", i)
	for _, line := range strings.SplitAfter(msg, "\n") {
		if quotedFrom([]byte(line)) || strings.HasPrefix(line, "From ") {
			box.WriteByte('>')
		}
		box.WriteString(line)
	}
	if msg != "" && !strings.HasSuffix(msg, "\n") {
		box.WriteByte('\n')
	}
	box.WriteByte('\n')
}

// splitRaw splits an mbox held in memory into the raw bytes of its
// messages, as they were before the mbox writer quoted them, without
// loading them as messages.
func splitRaw(box []byte) (raw []string, items []*Item) {
	mr := newMboxReader("fuzz.mbox", Options{MemoryLimit: 1 << 30}, func(it *Item) bool {
		items = append(items, it)
		return true
	})
	mr.load = func(*Item) {
		raw = append(raw, string(mr.sp.buf))
		mr.sp.discard()
	}
	mr.read(bufio.NewReaderSize(bytes.NewReader(box), 64<<10))
	return raw, items
}
