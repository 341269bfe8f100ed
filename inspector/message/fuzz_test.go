package message

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that loading never panics, that what loads keeps the
// promises DKIM relies on (every Field.Raw ends in CRLF and has no bare LF;
// the body reads to the end, CRLF throughout, BodySize long; a file without
// a separator has an empty body), that no Field.Value holds a NUL, that
// refusals are *Error, and that Open's way of reading (in pieces, here of a
// size taken from the input) finds exactly what Parse finds.
//
// The fixtures seed it, among them NUL bytes in a header (nul-header.eml),
// a message without a body (no-body.eml) and mailboxes of several messages
// (mbox-*.mbox); fuzzSeeds mixes those shapes.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	seeds = append(seeds, dkimpySamples()...)
	for _, file := range seeds {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, tc := range loadCases {
		if tc.data != "" && len(tc.data) < 4096 {
			f.Add([]byte(tc.data))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz", data)
		checkLoad(t, m, err, true)
		want := describe(m, err)
		chunk := 1 + len(data)%23
		m2, err2 := load("fuzz", bytes.NewReader(data), int64(len(data)), chunk)
		if got := describe(m2, err2); got != want {
			t.Fatalf("load with chunk %d differs from Parse:\n got: %s\nwant: %s", chunk, got, want)
		}

		m, err = ParseHeaderOnly("fuzz", data)
		checkLoad(t, m, err, false)
	})
}

// fuzzSeeds mix the shapes that loading once refused or mishandled: NUL
// bytes in header fields, no body, several mbox messages.
var fuzzSeeds = []string{
	"From a@b x\nSubject: \x00one\n\nbody\n\nFrom c@d x\nSubject: two\n\n\nFrom e@f x\nX: \x00",
	"From a@b x\r\nSubject: one\r\n\tfolded\x00\r\n",
	"Subject: a\x00b\r\nFrom: \x00\r\n",
	"From a@b x\nSubject: one\n\n>From c@d\n\nFrom \n\nFrom e\n",
	"DKIM-Signature: v=1; i=jlong=40example.com\r\nSubject: \x00",
}

func checkLoad(t *testing.T, m *Message, err error, hasBody bool) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Kind == 0 || e.Problem == "" {
			t.Fatalf("refused without a proper *Error: %v", err)
		}
		return
	}
	if len(m.Header) == 0 {
		t.Fatal("a message without fields")
	}
	for _, f := range m.Header {
		if f.Name == "" || !bytes.HasPrefix(f.Raw, []byte(f.Name)) {
			t.Fatalf("field %q: Raw %q", f.Name, f.Raw)
		}
		if !bytes.HasSuffix(f.Raw, []byte("\r\n")) {
			t.Fatalf("field %q: Raw %q does not end in CRLF", f.Name, f.Raw)
		}
		if bareLF(f.Raw) {
			t.Fatalf("field %q: Raw %q has a bare LF", f.Name, f.Raw)
		}
		if strings.IndexByte(f.Value, 0) >= 0 {
			t.Fatalf("field %q: Value %q holds a NUL", f.Name, f.Value)
		}
	}
	if m.NoSeparator && (!m.HasBody || m.BodySize != 0) {
		t.Fatalf("NoSeparator with HasBody %v and a body of %d bytes", m.HasBody, m.BodySize)
	}
	if m.HasBody != hasBody {
		t.Fatalf("HasBody %v, want %v", m.HasBody, hasBody)
	}
	body, err := io.ReadAll(m.Body())
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if int64(len(body)) != m.BodySize {
		t.Fatalf("BodySize %d, body %d bytes", m.BodySize, len(body))
	}
	if bareLF(body) {
		t.Fatalf("body %q has a bare LF", body)
	}
}

func bareLF(b []byte) bool {
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			return true
		}
	}
	return false
}
