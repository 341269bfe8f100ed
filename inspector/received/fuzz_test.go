package received

import (
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds Parse arbitrary field values, seeded with every fixture.
// Parse must not panic or hang, must always return a Received carrying the
// value, and must return an error only together with a note.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in testdata: %v", err)
	}
	for _, file := range files {
		for _, v := range fixtureFields(f, file) {
			f.Add(v)
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := Parse(raw)
		if r == nil {
			t.Fatal("nil Received")
		}
		if r.Raw != unfold(raw) {
			t.Fatalf("Raw = %q, want %q", r.Raw, unfold(raw))
		}
		if err != nil && r.Note == "" {
			t.Fatalf("error %v without a note", err)
		}
		if r.FromIP.IsValid() && r.FromIP.Is4In6() {
			t.Fatalf("FromIP %v left IPv4-mapped", r.FromIP)
		}
		if utf8.ValidString(raw) && !utf8.ValidString(r.Note) {
			t.Fatalf("note is not valid UTF-8: %q", r.Note)
		}
		if r.TLS != nil && !r.Encrypted {
			t.Fatalf("TLS details without Encrypted")
		}
	})
}
