package message

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// describe renders everything a load produced, to compare loads of the same
// bytes by different routes.
func describe(m *Message, err error) string {
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return fmt.Sprintf("not a message: kind %d: %s", e.Kind, e.Problem)
		}
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, f := range m.Header {
		fmt.Fprintf(&b, "field %q raw %q value %q\n", f.Name, f.Raw, f.Value)
	}
	for _, n := range m.Notes {
		fmt.Fprintf(&b, "note %s\n", n)
	}
	body, err := io.ReadAll(m.Body())
	fmt.Fprintf(&b, "hasBody %v size %d body %q err %v\n", m.HasBody, m.BodySize, body, err)
	return b.String()
}

// loadEveryWay loads data with Parse, and with the code behind Open reading
// pieces of several sizes, checks that all agree, and returns Parse's result.
func loadEveryWay(t *testing.T, name string, data []byte) (*Message, error) {
	t.Helper()
	m, err := Parse(name, data)
	want := describe(m, err)
	for _, chunk := range []int{1, 2, 3, 7, 64, 64 << 10} {
		m2, err2 := load(name, bytes.NewReader(data), int64(len(data)), chunk)
		if got := describe(m2, err2); got != want {
			t.Fatalf("%s: load with chunk %d differs from Parse:\n got: %s\nwant: %s", name, chunk, got, want)
		}
		if err2 == nil && m2.Body() != nil {
			m2.Close()
		}
	}
	return m, err
}

const lfBody = "Hello Bob,\r\n\r\nthis is the body.\r\n>From here on it is quoted.\r\n"

var lfFields = []string{"From", "To", "Subject", "Date", "Message-ID"}

type loadCase struct {
	name       string // a file in testdata, or a label for data
	data       string // used instead of the file when set
	headerOnly bool
	kind       Kind     // expected error kind; 0 for success
	problem    string   // a part of the expected Problem
	notes      []string // a part of each expected note, in order
	fields     []string // expected field names, in order
	values     map[string]string
	raw        map[string]string // expected Field.Raw of the first field of a name
	body       *string
	// noSeparator is the expected Message.NoSeparator: the file ends in
	// its header.
	noSeparator bool
}

func ptr(s string) *string { return &s }

var loadCases = []loadCase{
	{name: "lf.eml", notes: []string{"line endings were LF; normalised to CRLF"}, fields: lfFields,
		values: map[string]string{"subject": "A short test with a folded subject", "From": "Alice Example <alice@example.com>"}, body: ptr(lfBody)},
	{name: "crlf.eml", fields: lfFields, body: ptr(lfBody)},
	{name: "mixed.eml", notes: []string{"line endings were mixed (7 CRLF, 4 LF)"}, fields: lfFields, body: ptr(lfBody)},
	{name: "mbox.eml", notes: []string{`mbox "From " line at the top was removed: "From alice@example.com Mon Jan  1 10:00:00 2024"`, "were LF"}, fields: lfFields, body: ptr(lfBody)},
	{name: "mbox-multi.mbox", notes: []string{`"From " line`, "were LF", "holds 1 more message after the first; only the first is inspected, that one was not checked"}, fields: lfFields, body: ptr(lfBody)},
	{name: "mbox-three.mbox", notes: []string{`"From " line`, "were LF", "holds 2 more messages after the first; only the first is inspected, those were not checked"},
		fields: []string{"From", "Subject"}, values: map[string]string{"Subject": "first"},
		body: ptr("First body.\r\n>From here on it is quoted (mboxrd).\r\n\r\n>From a quoted line after a blank line is body text.\r\nFrom a line not after a blank line is body text too.\r\n")},
	{name: "bom.eml", notes: []string{"byte order mark", "were LF"}, fields: lfFields, body: ptr(lfBody)},
	{name: "nul-padding.eml", notes: []string{"were LF", "512 NUL bytes padding the end"}, fields: lfFields, body: ptr(lfBody)},
	{name: "leading-blank.eml", notes: []string{"3 blank lines before the header were ignored", "were LF"}, fields: []string{"From", "Subject"}, body: ptr("body\r\n")},
	{name: "obs-colon.eml", notes: []string{"were LF"}, fields: []string{"Subject", "From"},
		values: map[string]string{"Subject": "obsolete space before the colon", "From": "Alice <alice@example.com>"}, body: ptr("body\r\n")},
	{name: "missing-blank.eml", notes: []string{"were LF", "no blank line between header and body; the body was taken to start at line 3"},
		fields: []string{"From", "Subject"}, body: ptr("Hi Bob, the blank line is missing.\r\nBye.\r\n")},
	{name: "no-final-newline.eml", notes: []string{"were LF"}, fields: []string{"From", "Subject"}, body: ptr("last line")},
	{name: "empty-body.eml", notes: []string{"were LF"}, fields: []string{"From", "Subject"}, body: ptr("")},
	{name: "encoded.eml", notes: []string{"were LF"},
		fields: []string{"From", "To", "Subject", "X-Folded", "X-Unknown", "X-Raw-Latin1", "X-Bad-UTF8", "X-KOI8", "X-Raw-UTF8"},
		values: map[string]string{
			"From":         "Jörg <joerg@example.de>",
			"To":           "François <f@example.fr>",
			"Subject":      "Grüße aus Köln",
			"X-Folded":     "éé",
			"X-Unknown":    "=?x-no-such-charset?Q?abc?= tail",
			"X-Raw-Latin1": "caf\uFFFD",
			"X-Bad-UTF8":   "a\uFFFDb",
			"X-KOI8":       "Привет",
			"X-Raw-UTF8":   "Grüße",
		}, body: ptr("body\r\n")},

	{name: "empty.eml", kind: KindEmpty, problem: "the file is empty"},
	{name: "blank.eml", kind: KindEmpty, problem: "nothing but blank space"},
	{name: "mbox-from-only.mbox", kind: KindEmpty, problem: `nothing but an mbox "From " line`},
	{name: "page.html", kind: KindHTML, problem: "HTML page"},
	{name: "binary.png", kind: KindBinary, problem: "NUL bytes"},
	{name: "outlook.msg", kind: KindBinary, problem: "Outlook .msg"},
	{name: "doc.pdf", kind: KindBinary, problem: "PDF"},
	{name: "no-separator.eml", notes: []string{"were LF", "ends after the header, with no blank line and no body; it was read as a message with an empty body"},
		fields: []string{"Received", "From", "Subject"}, body: ptr(""), noSeparator: true},
	{name: "pasted-headers.txt", notes: []string{"no blank line and no body"},
		fields: []string{"Delivered-To", "Received", "Authentication-Results", "From", "Subject"}, body: ptr(""), noSeparator: true},
	{name: "no-body.eml", notes: []string{"ends after the header, with no blank line and no body"}, fields: []string{"From", "To", "Subject", "Date"},
		raw: map[string]string{"Date": "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"}, body: ptr(""), noSeparator: true},
	{name: "nul-header.eml", fields: []string{"From", "To", "Subject", "X-Obsolete", "Date"},
		values: map[string]string{"Subject": "an old␀mailer wrote␀ NUL bytes", "X-Obsolete": strings.Repeat("␀", 8) + "\tand a folded ␀ line"},
		raw: map[string]string{
			"Subject":    "Subject: an old\x00mailer wrote\x00 NUL bytes\r\n",
			"X-Obsolete": "X-Obsolete: " + strings.Repeat("\x00", 8) + "\r\n\tand a folded \x00 line\r\n",
		}, body: ptr("body\r\n")},
	{name: "not-header.txt", kind: KindNotHeader, problem: `the first line is not a header field: "Hello Bob,"`},
	{name: "bad-line.eml", kind: KindNotHeader, problem: `line 2 is neither a header field nor the continuation of one, and more header fields follow it: "This line is garbage"`},
	{name: "cr-only.eml", kind: KindLineEndings, problem: "bare CR"},

	// Headers only.
	{name: "no-separator.eml", headerOnly: true, notes: []string{"were LF"}, fields: []string{"Received", "From", "Subject"},
		values: map[string]string{"Received": "from mx.example.com by mail.example.net\twith ESMTPS; Mon, 1 Jan 2024 10:00:01 +0000"}},
	{name: "pasted-headers.txt", headerOnly: true, fields: []string{"Delivered-To", "Received", "Authentication-Results", "From", "Subject"},
		values: map[string]string{"Subject": "pasted", "Authentication-Results": "mx.google.com;       dkim=pass header.i=@example.com"}},
	{name: "lf.eml", headerOnly: true, notes: []string{"were LF", "text after the blank line that ends the header was ignored"}, fields: lfFields},
	{name: "missing-blank.eml", headerOnly: true, notes: []string{"were LF", "text from line 3 on was ignored"}, fields: []string{"From", "Subject"}},
	{name: "bad-line.eml", headerOnly: true, kind: KindNotHeader, problem: "line 2"},
	{name: "empty.eml", headerOnly: true, kind: KindEmpty},
	{name: "page.html", headerOnly: true, kind: KindHTML},

	// Made here rather than kept as files.
	{name: "huge header", data: "From: a@example.com\nX-Big: x\n" + strings.Repeat(" folded line of a big header field\n", (maxHeader/35)+10) + "\nbody\n",
		kind: KindHeaderTooLarge, problem: "larger than 1 MiB"},
	{name: "header just under 1 MiB", data: "From: a@example.com\nX-Big: x\n" + strings.Repeat(" folded line of a big header field\n", (maxHeader/35)-10) + "\nbody\n",
		notes: []string{"were LF"}, fields: []string{"From", "X-Big"}, body: ptr("body\r\n")},
	{name: "huge line, no newline", data: "X-Big: " + strings.Repeat("x", maxHeader+10), kind: KindHeaderTooLarge},
	{name: "first line indented", data: "  Subject: x\n\nbody\n", kind: KindNotHeader, problem: "first line"},
	{name: "empty field name", data: ": x\n\nbody\n", kind: KindNotHeader, problem: "first line"},
	{name: "space in field name", data: "Sub ject: x\n\nbody\n", kind: KindNotHeader, problem: "first line"},
	{name: "blank after From line", data: "From a@b Mon Jan  1 10:00:00 2024\n\nbody\n", kind: KindNotHeader, problem: "line 2, where the header should begin, is blank"},
	{name: "control characters", data: "Subject: \x01\x02\x03\x04\x05\n\nbody\n", kind: KindBinary, problem: "control characters"},
	{name: "one stray control character", data: "Subject: a perfectly ordinary subject line\x01 with one stray byte\nFrom: a@example.com\n\nbody\n",
		notes: []string{"were LF"}, fields: []string{"Subject", "From"}, body: ptr("body\r\n")},
	{name: "NUL in a field", data: "Subject: a\x00b\n\nbody\n", notes: []string{"were LF"}, fields: []string{"Subject"},
		values: map[string]string{"Subject": "a␀b"}, raw: map[string]string{"Subject": "Subject: a\x00b\r\n"}, body: ptr("body\r\n")},
	{name: "NUL encoded in a word", data: "Subject: =?utf-8?q?a=00b?=\r\n\r\n", fields: []string{"Subject"}, values: map[string]string{"Subject": "a␀b"}, body: ptr("")},
	{name: "NUL before any field", data: "\x00\x00Subject: x\n\nbody\n", kind: KindBinary, problem: "NUL"},
	{name: "NUL in a field name", data: "Subj\x00ect: x\n\nbody\n", kind: KindBinary, problem: "NUL"},
	{name: "NUL on a line of its own, then fields", data: "Subject: x\n\x00\nFrom: a@example.com\n\nbody\n", kind: KindBinary, problem: "NUL"},
	{name: "NUL in the body", data: "Subject: a\r\n\r\nb\x00dy\r\n", fields: []string{"Subject"}, body: ptr("b\x00dy\r\n")},
	{name: "bare CR kept", data: "Subject: a\rb\r\n\r\nx\ry\r\n", fields: []string{"Subject"}, values: map[string]string{"Subject": "a\rb"}, body: ptr("x\ry\r\n")},
	{name: "CRLF split from CR", data: "Subject: a\r\r\n\r\nx\r\r\n", fields: []string{"Subject"}, body: ptr("x\r\r\n")},
	{name: "ISO-2022-JP raw ESC", data: "Subject: \x1b$B$3$s$K$A$O\x1b(B\r\n\r\nbody\r\n", fields: []string{"Subject"}, body: ptr("body\r\n")},
	{name: "mbox, empty first body", data: "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\n\nFrom c@d Mon Jan  1 10:00:00 2024\nSubject: two\n\nbody\n",
		notes: []string{`"From " line`, "were LF", "holds 1 more message"}, fields: []string{"Subject"}, body: ptr("")},
	{name: "mbox, From at body start", data: "From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nFrom me to you\n",
		notes: []string{`"From " line`, "were LF"}, fields: []string{"Subject"}, body: ptr("From me to you\r\n")},
	{name: "mbox, CRLF", data: "From a@b Mon Jan  1 10:00:00 2024\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom c@d Mon Jan  1 10:00:00 2024\r\nSubject: two\r\n\r\nbody\r\n",
		notes: []string{`"From " line`, "holds 1 more message"}, fields: []string{"Subject"}, body: ptr("body\r\n")},
	{name: "mbox, next message at the very end", data: "From a@b x\nSubject: one\n\nbody\n\nFrom c@d x",
		notes: []string{`"From " line`, "were LF", "holds 1 more message"}, fields: []string{"Subject"}, body: ptr("body\r\n")},
	{name: "not mbox, From after blank line", data: "Subject: one\n\nbody\n\nFrom c@d Mon Jan  1 10:00:00 2024\n",
		notes: []string{"were LF"}, fields: []string{"Subject"}, body: ptr("body\r\n\r\nFrom c@d Mon Jan  1 10:00:00 2024\r\n")},
	{name: "only NUL body", data: "Subject: one\r\n\r\n\x00\x00\x00", notes: []string{"3 NUL bytes"}, fields: []string{"Subject"}, body: ptr("")},
	{name: "BOM only", data: "\xEF\xBB\xBF", kind: KindEmpty, problem: "the file is empty"},
	{name: "BOM and space", data: "\xEF\xBB\xBF \n", kind: KindEmpty, problem: "nothing but blank space"},
	{name: "XML", data: "<?xml version=\"1.0\"?>\n<a/>", kind: KindHTML, problem: "XML"},
	{name: "lowercase html", data: "\xEF\xBB\xBF \r\n<html>", kind: KindHTML},
	{name: "short, like html", data: "<ht", kind: KindNotHeader},
	{name: "single field, CRLF", data: "A:\r\n\r\n", fields: []string{"A"}, values: map[string]string{"A": ""}, body: ptr("")},
	{name: "header only, no final newline", data: "Subject: x", headerOnly: true, fields: []string{"Subject"}},
	{name: "no body, no final newline", data: "Subject: x", notes: []string{"no blank line and no body"}, fields: []string{"Subject"},
		raw: map[string]string{"Subject": "Subject: x\r\n"}, body: ptr(""), noSeparator: true},
	{name: "no body, NUL padding", data: "Subject: x\r\n\x00\x00", notes: []string{"no blank line between header and body", "2 NUL bytes"}, fields: []string{"Subject"}, body: ptr("")},
	{name: "mbox, >From is not a separator", data: "From a@b x\nSubject: one\n\nbody\n\n>From c@d x\n\nFrom e@f x\nSubject: two\n\n\nFrom g@h x\nSubject: three\n",
		notes: []string{`"From " line`, "were LF", "holds 2 more messages"}, fields: []string{"Subject"}, body: ptr("body\r\n\r\n>From c@d x\r\n")},
}

func TestLoad(t *testing.T) {
	for _, tc := range loadCases {
		label := tc.name
		if tc.headerOnly {
			label += " (headers only)"
		}
		t.Run(label, func(t *testing.T) {
			data := []byte(tc.data)
			path := filepath.Join("testdata", tc.name)
			if tc.data == "" {
				var err error
				if data, err = os.ReadFile(path); err != nil {
					t.Fatal(err)
				}
			}
			var m *Message
			var err error
			if tc.headerOnly {
				m, err = ParseHeaderOnly(tc.name, data)
			} else {
				m, err = loadEveryWay(t, tc.name, data)
				if tc.data == "" { // and through a real file
					m2, err2 := Open(path)
					if got, want := describe(m2, err2), describe(m, err); got != want {
						t.Fatalf("Open differs from Parse:\n got: %s\nwant: %s", got, want)
					}
					if err2 == nil {
						if err := m2.Close(); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			checkCase(t, tc, m, err)
		})
	}
}

func checkCase(t *testing.T, tc loadCase, m *Message, err error) {
	t.Helper()
	if tc.kind != 0 {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("got %v, want a *Error of kind %d", err, tc.kind)
		}
		if e.Kind != tc.kind || !strings.Contains(e.Problem, tc.problem) {
			t.Fatalf("got kind %d %q, want kind %d containing %q", e.Kind, e.Problem, tc.kind, tc.problem)
		}
		if want := tc.name + ": not a message: " + e.Problem; e.Error() != want {
			t.Fatalf("Error() = %q, want %q", e.Error(), want)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Notes) != len(tc.notes) {
		t.Fatalf("notes %q, want %d like %q", m.Notes, len(tc.notes), tc.notes)
	}
	for i, n := range tc.notes {
		if !strings.Contains(m.Notes[i], n) {
			t.Errorf("note %d is %q, want it to contain %q", i, m.Notes[i], n)
		}
	}
	var names []string
	for _, f := range m.Header {
		names = append(names, f.Name)
		if !bytes.HasSuffix(f.Raw, []byte("\r\n")) || bytes.Count(f.Raw, []byte("\n")) != bytes.Count(f.Raw, []byte("\r\n")) {
			t.Errorf("field %s: Raw %q is not CRLF throughout", f.Name, f.Raw)
		}
		if !bytes.HasPrefix(f.Raw, []byte(f.Name)) {
			t.Errorf("field %s: Raw %q does not start with the name", f.Name, f.Raw)
		}
	}
	if strings.Join(names, " ") != strings.Join(tc.fields, " ") {
		t.Errorf("fields %q, want %q", names, tc.fields)
	}
	for name, want := range tc.raw {
		if f := m.First(name); f == nil || string(f.Raw) != want {
			t.Errorf("%s: Raw %q, want %q", name, f, want)
		}
	}
	if m.NoSeparator != tc.noSeparator {
		t.Errorf("NoSeparator %v, want %v", m.NoSeparator, tc.noSeparator)
	}
	for name, want := range tc.values {
		f := m.First(name)
		if f == nil {
			t.Errorf("no field %s", name)
		} else if f.Value != want {
			t.Errorf("%s: Value %q, want %q", name, f.Value, want)
		}
	}
	if m.HasBody == tc.headerOnly {
		t.Errorf("HasBody %v for headerOnly %v", m.HasBody, tc.headerOnly)
	}
	body, err := io.ReadAll(m.Body())
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(body)) != m.BodySize {
		t.Errorf("BodySize %d, but the body has %d bytes", m.BodySize, len(body))
	}
	if tc.body != nil && string(body) != *tc.body {
		t.Errorf("body %q, want %q", body, *tc.body)
	}
	// A second reader starts again at the beginning.
	again, _ := io.ReadAll(m.Body())
	if !bytes.Equal(again, body) {
		t.Errorf("second Body() read %q, first %q", again, body)
	}
}

func TestRawKeptExactly(t *testing.T) {
	data, err := os.ReadFile("testdata/crlf.eml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse("crlf.eml", data)
	if err != nil {
		t.Fatal(err)
	}
	var hdr []byte
	for _, f := range m.Header {
		hdr = append(hdr, f.Raw...)
	}
	if want := data[:bytes.Index(data, []byte("\r\n\r\n"))+2]; !bytes.Equal(hdr, want) {
		t.Fatalf("fields joined:\n%q\nwant the header as in the file:\n%q", hdr, want)
	}
	// The same message with LF endings gives the same bytes.
	lf, err := os.ReadFile("testdata/lf.eml")
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Parse("lf.eml", lf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Header {
		if !bytes.Equal(m.Header[i].Raw, m2.Header[i].Raw) {
			t.Errorf("field %d: CRLF file %q, LF file %q", i, m.Header[i].Raw, m2.Header[i].Raw)
		}
	}
	// Appending to one field's Raw must not overwrite the next.
	_ = append(m2.Header[0].Raw, "XXXX"...)
	if !bytes.Equal(m.Header[1].Raw, m2.Header[1].Raw) {
		t.Errorf("append to Raw changed the next field: %q", m2.Header[1].Raw)
	}
}

func TestGetFirst(t *testing.T) {
	m, err := Parse("t", []byte("Received: one\r\nSubject: s\r\nRECEIVED: two\r\nreceived: three\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range m.Get("Received") {
		got = append(got, f.Value)
	}
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("Get: %q", got)
	}
	if m.Get("X-None") != nil {
		t.Error("Get of a missing field is not nil")
	}
	if f := m.First("rEcEiVeD"); f == nil || f.Value != "one" || f != &m.Header[0] {
		t.Errorf("First: %+v", f)
	}
	if m.First("X-None") != nil {
		t.Error("First of a missing field is not nil")
	}
	if err := m.Close(); err != nil {
		t.Error(err)
	}
}

func TestOpenClose(t *testing.T) {
	m, err := Open("testdata/lf.eml")
	if err != nil {
		t.Fatal(err)
	}
	r := m.Body()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := io.ReadAll(r); err == nil {
		t.Error("reading the body after Close did not fail")
	}
	if _, err := Open("testdata/no-such-file.eml"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
	var e *Error
	if _, err := Open("testdata"); err == nil || errors.As(err, &e) {
		t.Errorf("Open of a folder: %v", err)
	}
}

// TestDKIMPySamples loads the messages of dkimpy's test suite, where the
// shared conformance data is present.
func TestDKIMPySamples(t *testing.T) {
	files := dkimpySamples()
	if len(files) == 0 {
		t.Skip("no dkimpy samples in ../../../shared/conformance")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		m, err := loadEveryWay(t, file, data)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if len(m.Header) == 0 {
			t.Errorf("%s: no fields", file)
		}
	}
}

func dkimpySamples() []string {
	var files []string
	for _, dir := range []string{"../../../shared/conformance/dkim/dkimpy", "/work/shared/conformance/dkim/dkimpy"} {
		for _, pat := range []string{"*.message", "*.msg"} {
			m, _ := filepath.Glob(filepath.Join(dir, pat))
			files = append(files, m...)
		}
		if len(files) > 0 {
			break
		}
	}
	return files
}
