package mailbox

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzMbox splits arbitrary bytes as an mbox: it must not panic, must find
// as many messages as there are "From " lines after a blank line, and the
// sizes of the messages must add up to the input after whatever came
// before the first. The input is also cut at NUL bytes into messages that
// are written as an mboxrd writer would and read back: each must come back
// as it was, with a newline added at its end if it had none.
func FuzzMbox(f *testing.F) {
	for _, p := range []string{"testdata/damaged.mbox", "testdata/Export.mbox/mbox", "testdata/folder/Inbox"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("From: a\n\nFrom b\n>From c\n\x00\x00From x\r\n\r\nFrom y\r\n\x00>>From \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, items := splitRaw(data)
		if len(raw) != len(items) || len(items) != countMessages(data) {
			t.Fatalf("%d messages split, %d counted", len(items), countMessages(data))
		}
		var size int64
		for _, it := range items {
			size += it.Size
		}
		if skip := leadIn(data); size != int64(len(data)-skip) {
			t.Fatalf("sizes add up to %d, input %d bytes after %d before the first message", size, len(data), skip)
		}

		msgs := strings.Split(string(data), "\x00")
		var box bytes.Buffer
		for i, m := range msgs {
			writeMbox(&box, i, m)
		}
		back, _ := splitRaw(box.Bytes())
		if len(back) != len(msgs) {
			t.Fatalf("%d messages written, %d read back", len(msgs), len(back))
		}
		for i, m := range msgs {
			if m != "" && !strings.HasSuffix(m, "\n") {
				m += "\n"
			}
			if back[i] != m {
				t.Fatalf("message %d: wrote %q, read %q", i, m, back[i])
			}
		}
	})
}

// countMessages counts the "From " lines of an mbox that start a message,
// line by line, as a reference for the streaming reader.
func countMessages(data []byte) int {
	n, prevBlank := 0, true
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if i == 0 && n == 0 {
			line = bytes.TrimPrefix(line, bom)
		}
		if n == 0 && !isFromLine(line) {
			continue
		}
		if prevBlank && isFromLine(line) {
			n++
			prevBlank = false
			continue
		}
		prevBlank = isBlankLine(line)
	}
	return n
}

// leadIn is how many bytes come before the first message.
func leadIn(data []byte) int {
	off := 0
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		l := line
		if i == 0 {
			l = bytes.TrimPrefix(line, bom)
		}
		if isFromLine(l) {
			return off
		}
		off += len(line)
	}
	return len(data)
}

// FuzzEMLX reads arbitrary bytes as an .emlx file: it must not panic, and a
// file whose count line is right must give the message that many bytes
// long, whatever follows it.
func FuzzEMLX(f *testing.F) {
	for _, p := range []string{"testdata/12345.emlx", "testdata/damaged.emlx"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("3\nA:b<plist/>"))
	f.Add([]byte("-1\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		it := &Item{Name: "fuzz.emlx", Path: "fuzz.emlx", Kind: KindEMLX}
		readEMLXFrom(bytes.NewReader(data), int64(len(data)), it, Options{MemoryLimit: 256, TempDir: dir})
		defer it.Close()
		if (it.Message == nil) == (it.Err == nil) {
			t.Fatalf("message %v and error %v", it.Message != nil, it.Err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 1 {
			t.Fatalf("temporary files piling up: %d", len(entries))
		}
	})
}
