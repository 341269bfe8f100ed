package spf

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

// newResolver serves testdata/spf.zone on 127.0.0.1 and returns a client
// for it, with hang.example.com never answering TXT.
func newResolver(t *testing.T) *resolver.Client {
	t.Helper()
	srv := dnstest.StartFile(t, "testdata/spf.zone")
	srv.Hang("hang.example.com", dns.TypeTXT)
	return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 200 * time.Millisecond})
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name        string
		ip          string
		helo, from  string
		result      string
		mechanism   string // "" for none
		mechDomain  string
		lookups     int
		voids       int
		explanation string
		errHas      string // substring of Error
		reasonHas   string // substring of Reason
		identity    string
		domain      string
	}{
		{name: "include matches", ip: "198.51.100.7", helo: "out.example.net", from: "alice@example.com",
			result: "pass", mechanism: "include:_spf.example.net", mechDomain: "example.com", lookups: 1,
			reasonHas: "matching ip4:198.51.100.0/24 in _spf.example.net", identity: "mailfrom", domain: "example.com"},
		{name: "network after a non-matching include", ip: "192.0.2.9", helo: "x.example.com", from: "alice@example.com",
			result: "pass", mechanism: "ip4:192.0.2.0/24", mechDomain: "example.com", lookups: 1, domain: "example.com",
			reasonHas: "allows 192.0.2.9"},
		{name: "fail with explanation", ip: "203.0.113.5", helo: "x.example.org", from: "alice@example.com",
			result: "fail", mechanism: "-all", mechDomain: "example.com", lookups: 1, domain: "example.com",
			explanation: "203.0.113.5 is not one of example.com's designated mail servers.",
			reasonHas:   "is not allowed to send its mail"},
		{name: "redirect takes the target's explanation", ip: "203.0.113.5", helo: "x.example.org", from: "bob@redirect.example.com",
			result: "fail", mechanism: "-all", mechDomain: "example.com", lookups: 2, domain: "redirect.example.com",
			explanation: "203.0.113.5 is not one of example.com's designated mail servers."},
		{name: "lookup limit", ip: "203.0.113.5", helo: "x", from: "a@limit.example.com",
			result: "permerror", lookups: 10, domain: "limit.example.com", errHas: "too many DNS lookups",
			reasonHas: "cannot be used"},
		{name: "void lookup limit", ip: "203.0.113.5", helo: "x", from: "a@void.example.com",
			result: "permerror", lookups: 3, voids: 3, domain: "void.example.com", errHas: "found nothing: more than 2"},
		{name: "syntax error after a match", ip: "192.0.2.1", helo: "x", from: "a@after.example.com",
			result: "permerror", domain: "after.example.com", errHas: `syntax error at "ip4:192.0.2.1/33"`},
		{name: "timeout", ip: "192.0.2.1", helo: "x", from: "a@slow.example.com",
			result: "temperror", lookups: 1, domain: "slow.example.com", errHas: "hang.example.com", reasonHas: "temporary DNS problem"},
		{name: "null sender checks the HELO name", ip: "192.0.2.25", helo: "mail.example.com", from: "<>",
			result: "pass", mechanism: "a", mechDomain: "mail.example.com", lookups: 1, identity: "helo", domain: "mail.example.com",
			reasonHas: "The HELO name mail.example.com"},
		{name: "no record", ip: "192.0.2.25", helo: "mail.example.com", from: "x@norecord.example.com",
			result: "none", domain: "norecord.example.com", reasonHas: "publishes no SPF record"},
		{name: "no such domain", ip: "192.0.2.25", helo: "mail.example.com", from: "x@nowhere.example.com",
			result: "none", domain: "nowhere.example.com", voids: 0, reasonHas: "does not exist"},
		{name: "single-label domain", ip: "192.0.2.25", helo: "mail.example.com", from: "root@localhost",
			result: "none", domain: "localhost", reasonHas: "single label"},
		{name: "no client address", ip: "", helo: "mail.example.com", from: "a@example.com",
			result: "none", domain: "example.com", reasonHas: "unknown"},
		{name: "two records", ip: "192.0.2.25", helo: "x", from: "a@multi.example.com",
			result: "permerror", domain: "multi.example.com", errHas: "more than one SPF record"},
		{name: "include of a domain without a record", ip: "192.0.2.25", helo: "x", from: "a@badinclude.example.com",
			result: "permerror", lookups: 1, domain: "badinclude.example.com", errHas: "include:norecord.example.com names a domain that has no SPF record"},
		{name: "ip6", ip: "2001:db8:4::1", helo: "x", from: "a@six.example.com",
			result: "pass", mechanism: "ip6:2001:db8:4::/48", mechDomain: "six.example.com", domain: "six.example.com"},
		{name: "mx over IPv6", ip: "2001:db8:5::25", helo: "x", from: "a@six.example.com",
			result: "pass", mechanism: "mx", mechDomain: "six.example.com", lookups: 1, domain: "six.example.com"},
		{name: "softfail", ip: "192.0.2.1", helo: "x", from: "a@six.example.com",
			result: "softfail", mechanism: "~all", mechDomain: "six.example.com", lookups: 1, domain: "six.example.com",
			reasonHas: "probably not allowed"},
		{name: "record in two strings", ip: "203.0.113.9", helo: "x", from: "a@long.example.com",
			result: "pass", mechanism: "ip4:203.0.113.0/24", mechDomain: "long.example.com", domain: "long.example.com"},
		{name: "neutral", ip: "203.0.113.9", helo: "x", from: "a@neutral.example.com",
			result: "neutral", mechanism: "?all", mechDomain: "neutral.example.com", domain: "neutral.example.com",
			reasonHas: "makes no statement"},
		{name: "repeated terms each count", ip: "203.0.113.5", helo: "x", from: "a@repeat.example.com",
			result: "pass", mechanism: "ip4:203.0.113.0/24", mechDomain: "repeat.example.com", lookups: 4, domain: "repeat.example.com"},
		{name: "mx hosts and ptr names do not count", ip: "192.0.2.200", helo: "x", from: "a@mixed.example.com",
			result: "fail", mechanism: "-all", mechDomain: "mixed.example.com", lookups: 5, voids: 1, domain: "mixed.example.com"},
		{name: "IPv4-mapped address is IPv4", ip: "::ffff:192.0.2.9", helo: "x", from: "a@example.com",
			result: "pass", mechanism: "ip4:192.0.2.0/24", mechDomain: "example.com", lookups: 1, domain: "example.com"},
	}
	c := newResolver(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ip netip.Addr
			if tt.ip != "" {
				ip = netip.MustParseAddr(tt.ip)
			}
			got := Check(context.Background(), c, ip, tt.helo, tt.from)
			if string(got.Result) != tt.result {
				t.Fatalf("result %s, want %s (error %q, trace %q)", got.Result, tt.result, got.Error, got.Trace)
			}
			if got.Mechanism != tt.mechanism || got.MechanismDomain != tt.mechDomain {
				t.Errorf("mechanism %q in %q, want %q in %q", got.Mechanism, got.MechanismDomain, tt.mechanism, tt.mechDomain)
			}
			if got.Lookups != tt.lookups || got.VoidLookups != tt.voids {
				t.Errorf("lookups %d, void %d; want %d, %d (trace %q)", got.Lookups, got.VoidLookups, tt.lookups, tt.voids, got.Trace)
			}
			if got.LookupLimit != 10 || got.VoidLimit != 2 {
				t.Errorf("limits %d/%d", got.LookupLimit, got.VoidLimit)
			}
			if got.Explanation != tt.explanation {
				t.Errorf("explanation %q, want %q", got.Explanation, tt.explanation)
			}
			if !strings.Contains(got.Error, tt.errHas) || (tt.errHas == "" && got.Error != "" && got.Result != "none") {
				t.Errorf("error %q, want it to say %q", got.Error, tt.errHas)
			}
			if !strings.Contains(got.Reason, tt.reasonHas) || got.Reason == "" {
				t.Errorf("reason %q, want it to say %q", got.Reason, tt.reasonHas)
			}
			if tt.identity != "" && got.Identity != tt.identity {
				t.Errorf("identity %q, want %q", got.Identity, tt.identity)
			}
			if got.Domain != tt.domain {
				t.Errorf("domain %q, want %q", got.Domain, tt.domain)
			}
			if (got.Result == "temperror" || got.Result == "permerror") && got.Error == "" {
				t.Errorf("%s without an error", got.Result)
			}
		})
	}
}

// TestCheckTree checks the record tree of an include that matched: every
// domain visited, with its record, how it was reached and what decided.
func TestCheckTree(t *testing.T) {
	c := newResolver(t)
	got := Check(context.Background(), c, netip.MustParseAddr("198.51.100.7"), "out.example.net", "bob@redirect.example.com")
	if got.Result != "pass" {
		t.Fatalf("result %s (%s)", got.Result, got.Error)
	}
	want := &Node{
		Domain: "redirect.example.com", Record: "v=spf1 redirect=example.com", Result: "pass", Mechanism: "redirect=example.com",
		Children: []*Node{{
			Domain: "example.com", Via: "redirect=example.com",
			Record: "v=spf1 include:_spf.example.net ip4:192.0.2.0/24 -all exp=explain._spf.example.com",
			Result: "pass", Mechanism: "include:_spf.example.net",
			Children: []*Node{{
				Domain: "_spf.example.net", Via: "include:_spf.example.net", Record: "v=spf1 ip4:198.51.100.0/24 ~all",
				Result: "pass", Mechanism: "ip4:198.51.100.0/24",
			}},
		}},
	}
	g, _ := json.MarshalIndent(got.Tree, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	if string(g) != string(w) {
		t.Errorf("tree:\n%s\nwant:\n%s", g, w)
	}
	if got.Mechanism != "include:_spf.example.net" || got.MechanismDomain != "example.com" {
		t.Errorf("mechanism %q in %q", got.Mechanism, got.MechanismDomain)
	}
	if got.Lookups != 2 {
		t.Errorf("lookups %d, want 2 (redirect and include)", got.Lookups)
	}
	if len(got.Trace) == 0 {
		t.Error("no trace")
	}
	// Every query went through the resolver given, and is in its log.
	var txt []string
	for _, a := range c.Log() {
		if a.Type == "TXT" {
			txt = append(txt, a.Name)
		}
	}
	if strings.Join(txt, " ") != "redirect.example.com. example.com. _spf.example.net." {
		t.Errorf("TXT queries logged: %q", txt)
	}
}

// TestCheckJSON checks the names of the JSON fields the report relies on.
func TestCheckJSON(t *testing.T) {
	c := newResolver(t)
	got := Check(context.Background(), c, netip.MustParseAddr("203.0.113.5"), "x.example.org", "alice@example.com")
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"result", "reason", "client_ip", "helo", "mail_from", "domain", "mechanism", "lookups",
		"lookup_limit", "void_lookups", "void_limit", "tree", "explanation", "trace"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON has no %q: %s", k, b)
		}
	}
	if m["client_ip"] != "203.0.113.5" || m["lookup_limit"] != float64(10) || m["void_limit"] != float64(2) {
		t.Errorf("JSON values: %s", b)
	}
}

// TestCheckCancelled checks that a cancelled context ends the evaluation
// with temperror rather than hanging.
func TestCheckCancelled(t *testing.T) {
	c := newResolver(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := Check(ctx, c, netip.MustParseAddr("192.0.2.1"), "x", "a@example.com")
	if got.Result != "temperror" {
		t.Errorf("result %s, want temperror (%s)", got.Result, got.Error)
	}
}
