package dmarc

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

func TestFromValues(t *testing.T) {
	raw := "From: =?utf-8?q?Doe=2C_John?= <jd@shop.example>\r\nTo: a@b.example\r\nfrom: x@evil.example\r\n\r\nbody\r\n"
	m, err := message.Parse("from.eml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := FromValues(m)
	want := []string{" =?utf-8?q?Doe=2C_John?= <jd@shop.example>", " x@evil.example"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromValues = %q, want %q", got, want)
	}
	// The encoded comma in the display name must not split the address.
	d, addrs, err := AuthorDomain(got[:1])
	if err != nil || d != "shop.example" || len(addrs) != 1 {
		t.Errorf("AuthorDomain = %q, %q, %v", d, addrs, err)
	}
}

// Raw 8-bit bytes in a display name (Latin-1 from an old mail program)
// do not hide a clear address; in the address itself they are refused.
func TestEightBitDisplayName(t *testing.T) {
	tests := []struct {
		from   string
		domain string
		code   string
		note   bool
	}{
		{from: "J\xf6rg M\xfcller <jorg@shop.example>", domain: "shop.example", note: true},
		{from: "\"J\xf6rg\" <jorg@shop.example>", domain: "shop.example", note: true},
		{from: "Jorg <jorg@shop.example>", domain: "shop.example"},
		{from: "J\xf6rg <j\xf6rg@shop.example>", code: CodeBadFrom},
		{from: "J\xf6rg <jorg@shop.example>, Eve <eve@evil.example>", code: CodeMultipleAuthors, note: true},
		{from: "J\xf6rg <jorg@shop.example", domain: "shop.example", note: true},
	}
	for _, tc := range tests {
		d, _, err := AuthorDomain([]string{tc.from})
		code := ""
		if fe, ok := err.(*FromError); ok {
			code = fe.Code
		}
		if d != tc.domain || code != tc.code {
			t.Errorf("AuthorDomain(%q) = %q, %v; want %q, code %q", tc.from, d, err, tc.domain, tc.code)
		}
		a, _ := readAuthors([]string{tc.from})
		if got := a != nil && slices.ContainsFunc(a.notes(), func(n string) bool { return strings.Contains(n, "8-bit") }); got != tc.note {
			t.Errorf("8-bit note for %q: %v, want %v", tc.from, got, tc.note)
		}
	}
}
