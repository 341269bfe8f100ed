package spf

import (
	"bufio"
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"
)

// recordCases reads testdata/records.txt: lines of "verdict<TAB>record",
// where verdict is "ok", "record" (the record as a whole is wrong), or the
// quoted term the syntax error must name.
func recordCases(t testing.TB) [][2]string {
	t.Helper()
	f, err := os.Open("testdata/records.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		verdict, record, ok := strings.Cut(s, "\t")
		if !ok {
			t.Fatalf("testdata/records.txt:%d: no tab", line)
		}
		out = append(out, [2]string{verdict, record})
	}
	return out
}

func TestParseRecord(t *testing.T) {
	for _, c := range recordCases(t) {
		verdict, record := c[0], c[1]
		rec, err := ParseRecord(record)
		if rec == nil {
			t.Fatalf("ParseRecord(%q) returned nil", record)
		}
		var se *SyntaxError
		switch {
		case verdict == "ok":
			if err != nil {
				t.Errorf("ParseRecord(%q): %v", record, err)
			}
		case !errors.As(err, &se):
			t.Errorf("ParseRecord(%q) = %v, want a syntax error", record, err)
		case verdict == "record":
			if se.Term != "" {
				t.Errorf("ParseRecord(%q) names %q, want the whole record", record, se.Term)
			}
		case `"`+se.Term+`"` != verdict:
			t.Errorf("ParseRecord(%q) names %q (%v), want %s", record, se.Term, err, verdict)
		}
	}
}

func TestParseRecordTerms(t *testing.T) {
	rec, err := ParseRecord("v=spf1 -include:_spf.Example.net ~a/24 mx:mail.example.com//64 ?ip4:192.0.2.0/24 redirect=x.example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := []Term{
		{Text: "-include:_spf.Example.net", Qualifier: "-", Name: "include", Value: "_spf.Example.net"},
		{Text: "~a/24", Qualifier: "~", Name: "a", Value: "/24"},
		{Text: "mx:mail.example.com//64", Name: "mx", Value: "mail.example.com//64"},
		{Text: "?ip4:192.0.2.0/24", Qualifier: "?", Name: "ip4", Value: "192.0.2.0/24"},
		{Text: "redirect=x.example.com", Name: "redirect", Value: "x.example.com", Modifier: true},
	}
	if len(rec.Terms) != len(want) {
		t.Fatalf("terms %+v", rec.Terms)
	}
	for i := range want {
		if rec.Terms[i] != want[i] {
			t.Errorf("term %d = %+v, want %+v", i, rec.Terms[i], want[i])
		}
	}
	if m := rec.Modifier("redirect"); m == nil || m.Value != "x.example.com" {
		t.Errorf("Modifier(redirect) = %+v", m)
	}
}

func TestExpandMacros(t *testing.T) {
	env := &macroEnv{
		ip:     netip.MustParseAddr("192.0.2.3"),
		sender: "strong-bad@email.example.com",
		helo:   "mx.example.org",
		domain: "email.example.com",
		now:    time.Unix(1234567890, 0),
	}
	// The examples of RFC 7208 section 7.4.
	tests := []struct{ in, want string }{
		{"%{s}", "strong-bad@email.example.com"},
		{"%{o}", "email.example.com"},
		{"%{d}", "email.example.com"},
		{"%{d4}", "email.example.com"},
		{"%{d3}", "email.example.com"},
		{"%{d2}", "example.com"},
		{"%{d1}", "com"},
		{"%{dr}", "com.example.email"},
		{"%{d2r}", "example.email"},
		{"%{l}", "strong-bad"},
		{"%{l-}", "strong.bad"},
		{"%{lr}", "strong-bad"},
		{"%{lr-}", "bad.strong"},
		{"%{l1r-}", "strong"},
		{"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
		{"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
		{"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
		{"%{c} %{h} %{t} %{r}", "192.0.2.3 mx.example.org 1234567890 unknown"},
		{"%% %_ %-", "%   %20"},
		{"%{L}", "strong-bad"},
		{"%{S}", "strong-bad%40email.example.com"},
	}
	for _, tt := range tests {
		got, err := env.expand(tt.in, true)
		if err != nil || got != tt.want {
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	env.ip = netip.MustParseAddr("2001:db8::cb01")
	got, _ := env.expand("%{ir}.%{v}._spf.%{d2}", false)
	if want := "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"; got != want {
		t.Errorf("IPv6 %%{ir} = %q, want %q", got, want)
	}
	for _, bad := range []string{"%", "%x", "%{", "%{x}", "%{c}", "%{i0}"} {
		if _, err := env.expand(bad, false); err == nil {
			t.Errorf("expand(%q) gave no error", bad)
		}
	}
}

func TestTruncateDomain(t *testing.T) {
	long := strings.Repeat("abcdefghi.", 30) + "example.com"
	got := truncateDomain(long)
	if len(got) > 253 || !strings.HasSuffix(got, ".example.com") || !strings.HasPrefix(got, "abcdefghi.") {
		t.Errorf("truncateDomain gave %d chars: %q", len(got), got)
	}
	if truncateDomain("example.com") != "example.com" {
		t.Error("short name changed")
	}
}

// FuzzParseRecord checks that ParseRecord never panics, that its error is
// always a *SyntaxError, and that a record it accepts keeps every term.
func FuzzParseRecord(f *testing.F) {
	for _, c := range recordCases(f) {
		f.Add(c[1])
	}
	f.Fuzz(func(t *testing.T, record string) {
		rec, err := ParseRecord(record)
		if rec == nil {
			t.Fatal("nil record")
		}
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error %T %v", err, err)
		}
		if err == nil {
			n := 0
			for _, f := range strings.Split(record, " ")[1:] {
				if f != "" {
					n++
				}
			}
			if n != len(rec.Terms) {
				t.Fatalf("%d terms kept of %d", len(rec.Terms), n)
			}
		}
	})
}
