package domain

import (
	"strings"
	"testing"
)

func TestSameOrg(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"mail.shop.example", "shop.example", true},
		{"Shop.Example.", "news.shop.example", true},
		{"shop.co.uk", "mail.shop.co.uk", true},
		{"shop.co.uk", "other.co.uk", false},
		{"bücher.example", "mail.xn--bcher-kva.example", true},
		{"co.uk", "co.uk", true},         // a public suffix is its own organisation
		{"co.uk", "shop.co.uk", false},   // and aligns with nothing below it
		{"localhost", "localhost", true}, // a single label likewise
		{"", "", false},
		{"shop.example", "", false},
		{"[192.0.2.1]", "[192.0.2.1]", true},
		{"192.0.2.1", "192.0.2.2", false},
	}
	for _, tc := range tests {
		if got := SameOrg(tc.a, tc.b); got != tc.want {
			t.Errorf("SameOrg(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := SameOrg(tc.b, tc.a); got != tc.want {
			t.Errorf("SameOrg(%q, %q) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestWithinAndEqual(t *testing.T) {
	tests := []struct {
		name, parent string
		within       bool
	}{
		{"a.b.example", "b.example", true},
		{"B.Example.", "b.example", true},
		{"ab.example", "b.example", false},
		{"b.example", "a.b.example", false},
		{"x.bücher.example", "xn--bcher-kva.example", true},
		{"b.example", "", false},
	}
	for _, tc := range tests {
		if got := Within(tc.name, tc.parent); got != tc.within {
			t.Errorf("Within(%q, %q) = %v, want %v", tc.name, tc.parent, got, tc.within)
		}
	}
	if !Equal("MX.Example.", "mx.example") || Equal("", "") || Equal("a.example", "b.example") {
		t.Error("Equal compares names without case and trailing dot, and never two empty ones")
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		problem  string // "" for a valid name
		hostname string // what CheckHostname adds
	}{
		{"shop.example", "", ""},
		{"_dmarc.shop.example", "", ""},
		{"bücher.example", "", ""},
		{"shop.example.", "empty label", ""},
		{"localhost", "", ""},
		{"-bad.example", "", "hyphen"},
		{"", "empty", ""},
		{"[192.0.2.1]", "address literal", ""},
		{"a..example", "empty label", ""},
		{strings.Repeat("a", 64) + ".example", "longer than 63", ""},
		{strings.Repeat("abcdefghi.", 26) + "example", "longer than DNS allows", ""},
		{"sh!p.example", "character '!'", ""},
		{"legitimate.com(.attacker.com", "character '('", ""},
		{"a.\xff.example", "not a valid internationalised", ""},
	}
	for _, tc := range tests {
		err := Check(tc.name)
		switch {
		case tc.problem == "" && err != nil:
			t.Errorf("Check(%q) = %v, want nil", tc.name, err)
		case tc.problem != "" && (err == nil || !strings.Contains(err.Error(), tc.problem)):
			t.Errorf("Check(%q) = %v, want an error saying %q", tc.name, err, tc.problem)
		}
		herr := CheckHostname(tc.name)
		want := tc.problem
		if want == "" {
			want = tc.hostname
		}
		if (want == "") != (herr == nil) || herr != nil && !strings.Contains(herr.Error(), want) {
			t.Errorf("CheckHostname(%q) = %v, want %q", tc.name, herr, want)
		}
	}
}
