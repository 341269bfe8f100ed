package shortener

import "testing"

func TestMatch(t *testing.T) {
	for host, want := range map[string]string{
		"bit.ly":             "bit.ly",
		"BIT.LY.":            "bit.ly",
		"www.tinyurl.com":    "tinyurl.com",
		"t.co:443":           "t.co",
		"shop.page.link":     "*.page.link",
		"northwind.example":  "",
		"notbit.ly":          "",
		"page.link":          "",
		"bit.ly.example.com": "",
		"":                   "",
	} {
		got, ok := Match(host)
		if got != want || ok != (want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", host, got, ok, want)
		}
	}
	if n := len(Hosts()); n < 35 {
		t.Errorf("Hosts() has %d entries", n)
	}
}
