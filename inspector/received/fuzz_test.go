package received

import (
	"path/filepath"
	"reflect"
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
	// Edges of the shapes read since the SpamAssassin suite: HELO words
	// without an argument, ports glued to addresses, a from clause inside
	// a comment, smap's glued "name(ip)", clauses after the date.
	for _, v := range []string{
		"from [192.0.2.1] (account a@b HELO [10.0.0.1]) by x; 1 Jan 2021 00:00:00 -0000",
		"from unknown (HELO [192.168.1.5]) (203.0.113.7) by x",
		"from x (HELO) (LHLO) (EHLO (y)) by z",
		"from x ([1.2.3.4.5]) by y", "from x (y) [1.2.3.4.65536] (z) by w",
		"from ([1.2.3.4:5] helo=) by", "from ( by x", "from (1.2.3.4) by x, id y",
		"(from ) by x", "(from (from [1.2.3.4])) by x", "(from", "(from a@b",
		"from a(1.2.3.4), claiming to be", `from a(1.2.3.4), claiming to be "`,
		"from a by b for <c> from <d>; 1 Jan 2021 00:00:00 -0000", "from a by b from <",
		"by x; 1 Jan 2021 00:00:00 -0000 (envelope-from", "by x; Tue, 2 Mar 2021 10:00:00 +0100 id",
		"from a (AUTH: LOGIN b, SSL: TLSv1,128bits,x) by c", "from a ([1.2.3.4] verified) by b",
		"from p [1.2.3.4] by l with POP3 (fetchmail)", "from mail pickup service by x",
		"from conversion-daemon. by x", "from a@ by b", "from @ by b with local",
	} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := Parse(raw)
		if r == nil {
			t.Fatal("nil Received")
		}
		if r.Raw != squeezeSpace(raw) {
			t.Fatalf("Raw = %q, want %q", r.Raw, squeezeSpace(raw))
		}
		if err != nil && r.Note == "" {
			t.Fatalf("error %v without a note", err)
		}
		if r.FromIP.IsValid() && r.FromIP.Is4In6() {
			t.Fatalf("FromIP %v left IPv4-mapped", r.FromIP)
		}
		if utf8.ValidString(raw) && (!utf8.ValidString(r.Note) || !utf8.ValidString(r.NotHop)) {
			t.Fatalf("note or not-hop reason is not valid UTF-8: %q, %q", r.Note, r.NotHop)
		}
		// Time, which reads only the date, reads the one Parse reads.
		if tm, ok := Time(raw); ok != !r.Time.IsZero() || !tm.Equal(r.Time) {
			t.Fatalf("Time = %v, %v; Parse read %v", tm, ok, r.Time)
		}
		if again, _ := Parse(raw); !reflect.DeepEqual(again, r) {
			t.Fatalf("a second Parse differs:\n%+v\n%+v", r, again)
		}
		if r.TLS != nil && !r.Encrypted {
			t.Fatalf("TLS details without Encrypted")
		}
	})
}
