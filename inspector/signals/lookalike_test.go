package signals

import (
	"strings"
	"testing"
)

func TestImitation(t *testing.T) {
	paypal, _ := newProtected("paypal.com", "PayPal's domain")
	office, _ := newProtected("office.com", "Microsoft's domain")
	contoso, _ := newProtected("contoso.example", "your own domain")
	tests := []struct {
		domain string
		p      protected
		how    string // "" when it must not be an imitation
		weak   bool
	}{
		{"paypal.com", paypal, "", false},     // identical: never
		{"www.paypal.com", paypal, "", false}, // the same organisation
		{"paypal.net", paypal, "under another ending", false},
		{"paypal.co.uk", paypal, "under another ending", false},
		{"paypa1.com", paypal, "looks the same", false},
		{"xn--pypal-4ve.com", paypal, "looks the same", false}, // Cyrillic а
		{"xn--p-pal-2ve.example", paypal, "", false},           // not close enough
		{"paypall.com", paypal, "by one character", false},
		{"paypla.com", paypal, "by one character", false}, // two letters swapped
		{"paypa1-billing.example", paypal, "holds paypa1", false},
		{"paypal-billing.example", paypal, "", false}, // the real word: a combination, not a look-alike
		{"rnicrosoft.com", protected{}, "", false},
		{"office.de", office, "under another ending", true},
		{"offices.com", office, "", false}, // a common word one letter away is another word
		{"0ffice.com", office, "looks the same", false},
		{"contoso.co", contoso, "under another ending", false},
		{"c0nt0so.example", contoso, "looks the same", false},
		{"example.net", contoso, "", false},
	}
	for _, tc := range tests {
		if tc.p.org == "" {
			continue
		}
		c, ok := newCandidate(tc.domain)
		how, weak := "", false
		if ok {
			how, weak = imitation(c, tc.p)
		}
		if tc.how == "" && how != "" || tc.how != "" && !strings.Contains(how, tc.how) || weak != tc.weak {
			t.Errorf("imitation(%s, %s) = %q, %v; want %q, %v", tc.domain, tc.p.org, how, weak, tc.how, tc.weak)
		}
	}
	if _, ok := newProtected("example.com", "x"); ok {
		t.Error("the documentation name example.com is protected")
	}
}

func TestKeyAndOneEdit(t *testing.T) {
	same := [][2]string{{"paypal", "PayPaI"}, {"paypal", "раураl"}, {"google", "g00gle"}, {"microsoft", "rnicrosoft"},
		{"whatsapp", "vvhatsapp"}, {"apple", "аррӏе"}, {"paypal", "pàypal"}}
	for _, p := range same {
		if key(p[0]) != key(p[1]) {
			t.Errorf("key(%q) = %q, key(%q) = %q: want equal", p[0], key(p[0]), p[1], key(p[1]))
		}
	}
	if key("paypal") == key("paypai") {
		t.Error("paypal and paypai share a key")
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"paypal", "paypall", true}, {"paypal", "paypl", true}, {"paypal", "paypol", true}, {"paypal", "papyal", true},
		{"paypal", "paypal", false}, {"paypal", "pyapla", false}, {"abc", "abcde", false}, {"", "a", true},
	} {
		if got := oneEdit(tc.a, tc.b); got != tc.want {
			t.Errorf("oneEdit(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestScripts(t *testing.T) {
	for _, tc := range []struct {
		label string
		ok    bool
	}{
		{"paypal", true},
		{"пример", true},      // all Cyrillic
		{"bücher", true},      // Latin with an accent
		{"日本語ドメイン", true},     // Han and Katakana
		{"sonyの店", true},      // Latin, Han and Hiragana (Japanese)
		{"pаypal", false},     // Latin with a Cyrillic а
		{"αpple", false},      // Greek alpha among Latin
		{"中文한국어", true},       // Han and Hangul
		{"한국어русский", false}, // Hangul and Cyrillic
	} {
		if got := highlyRestrictive(scripts(tc.label)); got != tc.ok {
			t.Errorf("highlyRestrictive(%q) = %v (scripts %v), want %v", tc.label, got, scripts(tc.label), tc.ok)
		}
	}
}

func TestShownDomain(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.PayPal.com/signin": "www.paypal.com",
		"www.paypal.com":                "www.paypal.com",
		"paypal.com/login?x=1":          "paypal.com",
		"service@paypal.com":            "paypal.com",
		"<service@paypal.com>":          "paypal.com",
		"mailto:help@contoso.example":   "contoso.example",
		"paypal.com.":                   "paypal.com",
		"northwind.example:8080/x":      "northwind.example",
		"Click here":                    "",
		"Mr.Smith":                      "",
		"invoice.pdf":                   "",
		"192.0.2.1":                     "",
		"":                              "",
		"Verify your account":           "",
	} {
		if got, _ := shownDomain(in); got != want {
			t.Errorf("shownDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIPLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":   "203.0.113.9",
		"[2001:db8::1]": "2001:db8::1",
		"3405803785":    "203.0.113.9 (written 3405803785)",
		"0xcb007109":    "203.0.113.9 (written 0xcb007109)",
		"paypal.com":    "",
		"12345678901":   "",
	} {
		got, ok := ipLiteral(in)
		if got != want || ok != (want != "") {
			t.Errorf("ipLiteral(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestDangerousName(t *testing.T) {
	for name, want := range map[string]string{
		"invoice.pdf.exe":      "double extension",
		"INVOICE.PDF.EXE  ":    "double extension",
		"setup.exe":            "Windows program",
		"invoice\u202efdp.exe": "reverses the text",
		"statement.html":       "web page",
		"Q3 figures.xlsm":      "macros",
		"photo.iso":            "disk image",
		"invoice.pdf":          "",
		"report.docx":          "",
		"archive.tar.gz":       "",
		"README":               "",
		"photo.jpg.zip":        "",
	} {
		got := dangerousName(name, "")
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("dangerousName(%q) = %q, want %q", name, got, want)
		}
	}
	if got := dangerousName("invoice.pdf", "application/x-msdownload"); !strings.Contains(got, "program") {
		t.Errorf("a program named .pdf: %q", got)
	}
}
