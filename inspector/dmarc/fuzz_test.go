package dmarc

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
)

// FuzzAuthorDomain feeds From values to the author-domain parser: it must
// answer a domain that passes its own checks, or a FromError, never panic.
func FuzzAuthorDomain(f *testing.F) {
	for _, s := range []string{
		"Shop <orders@shop.example>",
		"a@shop.example, b@evil.example",
		"a@shop.example,\r\n b@Shop.Example",
		"=?utf-8?q?B=C3=BCcher?= <info@bücher.example>",
		"\"ceo@bank.example\" <attacker@evil.example>",
		"undisclosed-recipients:;",
		"a@[192.0.2.1]",
		"Shop orders@shop.example <",
		"a@xn--bcher-kva.example",
		"",
	} {
		f.Add(s, "")
	}
	f.Add("a@shop.example", "Boss <boss@evil.example>")
	f.Fuzz(func(t *testing.T, a, b string) {
		from := []string{a}
		if b != "" {
			from = append(from, b)
		}
		d, _, err := AuthorDomain(from)
		if err != nil {
			if _, ok := err.(*FromError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(from) != 1 || d == "" || checkAuthorDomain(d) != nil {
			t.Fatalf("AuthorDomain(%q) = %q without error", from, d)
		}
		domain.Org(d)
	})
}

// FuzzParseRecord feeds DMARC records to the parser, seeded with every
// record of the zone fixture.
func FuzzParseRecord(f *testing.F) {
	zone, err := os.ReadFile("testdata/dmarc.zone")
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`TXT\s+(".*")`).FindAllStringSubmatch(string(zone), -1) {
		f.Add(strings.ReplaceAll(strings.Trim(m[1], `"`), `" "`, ""))
	}
	f.Fuzz(func(t *testing.T, txt string) {
		rec, err := ParseRecord(txt)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		switch rec.Policy {
		case "none", "quarantine", "reject":
		default:
			t.Fatalf("ParseRecord(%q): policy %q", txt, rec.Policy)
		}
		if rec.Percent != nil && (*rec.Percent < 0 || *rec.Percent > 100) {
			t.Fatalf("ParseRecord(%q): pct %d", txt, *rec.Percent)
		}
	})
}
