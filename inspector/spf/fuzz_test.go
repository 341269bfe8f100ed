package spf

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

var resultWords = map[string]bool{"pass": true, "fail": true, "softfail": true, "neutral": true, "none": true, "temperror": true, "permerror": true}

// FuzzCheck serves an arbitrary record for fuzz.example.com on a real DNS
// server and evaluates it, so that the tree, the counters and the
// explanation are rebuilt from whatever the library does with it. Check
// must not panic, must give an RFC 8601 word with a reason, and must name
// the error of a temperror or permerror.
func FuzzCheck(f *testing.F) {
	for _, c := range recordCases(f) {
		f.Add(c[1])
	}
	f.Add("v=spf1 include:inc.fuzz.example.com redirect=fuzz.example.com")
	f.Add("v=spf1 -all exp=exp.fuzz.example.com")
	srv := dnstest.Start(f, `
inc.fuzz.example.com. TXT "v=spf1 a:fuzz.example.com ~all"
exp.fuzz.example.com. TXT "%{i} %{c} %{p} %{r} %{t} %{L2r-}"
fuzz.example.com. A 192.0.2.1
fuzz.example.com. MX 10 fuzz.example.com.
1.2.0.192.in-addr.arpa. PTR fuzz.example.com.
`)
	f.Fuzz(func(t *testing.T, record string) {
		srv.Remove("fuzz.example.com")
		srv.Add("fuzz.example.com. 300 IN TXT "+txtData([]string{record}), "fuzz.example.com. 300 IN A 192.0.2.1")
		c := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 200 * time.Millisecond})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, ip := range []string{"192.0.2.1", "2001:db8::1"} {
			got := Check(ctx, c, netip.MustParseAddr(ip), "helo.example.com", "a-b.c@fuzz.example.com")
			if !resultWords[string(got.Result)] || got.Reason == "" {
				t.Fatalf("result %q reason %q", got.Result, got.Reason)
			}
			if (got.Result == "permerror" || got.Result == "temperror") && got.Error == "" {
				t.Fatalf("%s without an error", got.Result)
			}
			if got.Lookups > LookupLimit || got.VoidLookups > VoidLimit+1 {
				t.Fatalf("lookups %d, void %d", got.Lookups, got.VoidLookups)
			}
			if got.Explanation != "" && got.Result != "fail" {
				t.Fatalf("explanation on %s", got.Result)
			}
		}
	})
}
