package domain

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// pslTests is the public suffix list's own test data (CC0), kept outside
// the repository with the other conformance suites.
const pslTests = "../../../../shared/conformance/psl/tests.txt"

// builtinListExceptions maps each check of pslTests that the list built
// into golang.org/x/net/publicsuffix (v0.62.0) answers differently from the
// snapshot to the answer it gives. It is empty: all 78 checks agree. Four of
// them (Unicode names under 公司.cn) agree only because Org turns
// Unicode labels into "xn--" form (with golang.org/x/net/idna) before asking, since the built-in list is
// keyed that way; asked in Unicode, the list gives the public suffix 公司.cn
// itself for 食狮.公司.cn, www.食狮.公司.cn and shishi.公司.cn, and 公司.cn for
// 公司.cn. If a list update makes a check disagree, add it here with the
// answer given, so the difference is seen, not hidden.
var builtinListExceptions = map[string]string{}

func TestOrgPSL(t *testing.T) {
	f, err := os.Open(pslTests)
	if err != nil {
		t.Skipf("public suffix list tests not available (%v); they live in the shared conformance folder", err)
	}
	defer f.Close()
	var n, agree int
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "//") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 {
			t.Fatalf("%s:%d: want two fields, got %q", pslTests, line, text)
		}
		in, want := fields[0], fields[1]
		if in == "null" {
			in = ""
		}
		n++
		got, ok := Org(in)
		if !ok {
			got = "null"
		}
		if got == want {
			agree++
			if _, listed := builtinListExceptions[fields[0]]; listed {
				t.Errorf("%s:%d: %s now gives %s as expected; remove it from builtinListExceptions", pslTests, line, fields[0], got)
			}
			continue
		}
		if exc, listed := builtinListExceptions[fields[0]]; listed && exc == got {
			t.Logf("%s:%d: known exception: %s gives %s, the snapshot says %s", pslTests, line, fields[0], got, want)
			continue
		}
		t.Errorf("%s:%d: Org(%q) = %s, want %s", pslTests, line, in, got, want)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 78 {
		t.Errorf("read %d checks, want the 78 of the README", n)
	}
	t.Logf("public suffix list: %d of %d checks agree, %d listed exceptions", agree, n, len(builtinListExceptions))
}

func TestToASCII(t *testing.T) {
	for in, want := range map[string]string{
		"bücher.example":      "xn--bcher-kva.example",
		"BÜCHER.Example":      "xn--bcher-kva.example",
		"食狮.公司.cn":            "xn--85x722f.xn--55qx5d.cn",
		"_dmarc.Shop.Example": "_dmarc.shop.example",
	} {
		if got, ok := ToASCII(in); !ok || got != want {
			t.Errorf("ToASCII(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := ToASCII("a.\xff.example"); ok {
		t.Errorf("toASCII accepted invalid UTF-8: %q", got)
	}
}
