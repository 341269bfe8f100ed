package resolver_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

func start(t *testing.T) (*dnstest.Server, *resolver.Client) {
	t.Helper()
	srv := dnstest.StartFile(t, "testdata/example.zone")
	c := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond})
	return srv, c
}

func dnsError(t *testing.T, err error) *net.DNSError {
	t.Helper()
	var de *net.DNSError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *net.DNSError", err, err)
	}
	return de
}

func TestQuery(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		qname     string
		qtype     uint16
		rcode     string
		records   []string
		cnames    []string
		notFound  bool
		wantParts int
	}{
		{name: "split TXT joined", qname: "split.example.com", qtype: dns.TypeTXT, rcode: "NOERROR",
			records: []string{"v=spf1 ip4:192.0.2.0/24 -all"}, wantParts: 3},
		{name: "CNAME to key", qname: "esp._domainkey.example.com", qtype: dns.TypeTXT, rcode: "NOERROR",
			records: []string{"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="},
			cnames:  []string{"key.esp.example.net."}, wantParts: 1},
		{name: "NXDOMAIN", qname: "nothing.example.com", qtype: dns.TypeTXT, rcode: "NXDOMAIN", notFound: true},
		{name: "NODATA", qname: "nodata.example.com", qtype: dns.TypeTXT, rcode: "NOERROR", notFound: true},
		{name: "empty non-terminal is NODATA", qname: "_domainkey.example.com", qtype: dns.TypeTXT, rcode: "NOERROR", notFound: true},
		{name: "A", qname: "MX1.Example.COM", qtype: dns.TypeA, rcode: "NOERROR", records: []string{"192.0.2.11"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := start(t)
			ans, err := c.Query(ctx, tc.qname, tc.qtype)
			if tc.notFound {
				if de := dnsError(t, err); !de.IsNotFound || de.IsTemporary {
					t.Errorf("error %v: IsNotFound=%v IsTemporary=%v, want not found", err, de.IsNotFound, de.IsTemporary)
				}
			} else if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if ans == nil {
				t.Fatal("no answer returned")
			}
			if ans.Rcode != tc.rcode {
				t.Errorf("rcode %q, want %q", ans.Rcode, tc.rcode)
			}
			if strings.Join(ans.Records, "|") != strings.Join(tc.records, "|") {
				t.Errorf("records %q, want %q", ans.Records, tc.records)
			}
			if strings.Join(ans.CNAMEs, "|") != strings.Join(tc.cnames, "|") {
				t.Errorf("cnames %q, want %q", ans.CNAMEs, tc.cnames)
			}
			if tc.wantParts > 0 && (len(ans.TXT) != 1 || len(ans.TXT[0]) != tc.wantParts) {
				t.Errorf("TXT strings %q, want one record of %d strings", ans.TXT, tc.wantParts)
			}
		})
	}
}

// A 4096-bit key does not fit a 512-byte UDP answer: the server truncates
// and the client must ask again over TCP.
func TestTruncatedAnswerRetriedOverTCP(t *testing.T) {
	srv, c := start(t)
	srv.SetMaxUDP(512)
	ans, err := c.Query(context.Background(), "big._domainkey.example.com", dns.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.TCP {
		t.Error("answer not marked as received over TCP")
	}
	if len(ans.Records) != 1 || len(ans.Records[0]) < 600 || !strings.HasPrefix(ans.Records[0], "v=DKIM1; k=rsa; p=") {
		t.Errorf("big key record not received whole: %d records, %d bytes", len(ans.Records), len(ans.Records[0]))
	}
	if srv.Queries() != 2 {
		t.Errorf("server saw %d queries, want 2 (UDP then TCP)", srv.Queries())
	}
}

// With EDNS0 the same record arrives over UDP in one exchange.
func TestEDNS0AvoidsTCP(t *testing.T) {
	srv, c := start(t)
	ans, err := c.Query(context.Background(), "big._domainkey.example.com", dns.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if ans.TCP || srv.Queries() != 1 {
		t.Errorf("TCP=%v queries=%d, want one UDP exchange", ans.TCP, srv.Queries())
	}
}

func TestTimeout(t *testing.T) {
	srv, c := start(t)
	srv.Hang("slow.example.com")
	start := time.Now()
	_, err := c.Query(context.Background(), "slow.example.com", dns.TypeTXT)
	de := dnsError(t, err)
	if !de.IsTimeout || !de.IsTemporary || de.IsNotFound {
		t.Errorf("error %v: timeout=%v temporary=%v notfound=%v", err, de.IsTimeout, de.IsTemporary, de.IsNotFound)
	}
	if srv.Queries() != 2 {
		t.Errorf("server saw %d queries, want 2 (one retry)", srv.Queries())
	}
	// Two tries of 300 ms: the bound is generous, it only catches a hang.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timed-out query took %v", d)
	}
	log := c.Log()
	if len(log) != 1 || log[0].Error == "" || log[0].Rcode != "" {
		t.Errorf("log %+v, want one entry with an error and no rcode", log)
	}
}

func TestContextBoundsTotalTime(t *testing.T) {
	srv, c := start(t)
	srv.Hang("slow.example.com")
	c = resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, err := c.Query(ctx, "slow.example.com", dns.TypeTXT)
	if de := dnsError(t, err); !de.IsTemporary || !de.IsTimeout {
		t.Errorf("error %v: temporary=%v timeout=%v", err, de.IsTemporary, de.IsTimeout)
	}
	// The per-query timeout is a minute: only the context can have ended it.
	if d := time.Since(begin); d > 10*time.Second {
		t.Errorf("query took %v despite a 200ms context", d)
	}
}

func TestCacheAndLog(t *testing.T) {
	srv, c := start(t)
	srv.SetAD(true)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.LookupTXT(ctx, "split.example.com"); err != nil {
			t.Fatal(err)
		}
	}
	if srv.Queries() != 1 {
		t.Errorf("server saw %d queries for one name asked three times, want 1", srv.Queries())
	}
	log := c.Log()
	if len(log) != 1 {
		t.Fatalf("log has %d entries, want 1", len(log))
	}
	e := log[0]
	if e.Name != "split.example.com." || e.Type != "TXT" || e.Rcode != "NOERROR" || !e.AD || e.Server != srv.Addr || e.RTT <= 0 {
		t.Errorf("log entry %+v", e)
	}
}

func TestCNAMELoop(t *testing.T) {
	_, c := start(t)
	_, err := c.Query(context.Background(), "loop1.example.com", dns.TypeTXT)
	de := dnsError(t, err)
	if !strings.Contains(de.Err, "CNAME loop") {
		t.Errorf("error %v, want a CNAME loop", err)
	}
}

// A server that answers with the alias only (as an authoritative server
// does when the target is elsewhere) makes the client ask for the target.
func TestCNAMEFollowedByClient(t *testing.T) {
	srv, c := start(t)
	srv.Hang("key.esp.example.net", dns.TypeA) // only stops the server following the chain itself
	ans, err := c.Query(context.Background(), "esp._domainkey.example.com", dns.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Records) != 1 || len(ans.CNAMEs) != 1 {
		t.Errorf("answer %+v", ans)
	}
	if n := len(c.Log()); n != 2 {
		t.Errorf("log has %d entries, want 2 (alias, then target)", n)
	}
}

func TestLookups(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	mx, err := c.LookupMX(ctx, "example.com")
	if err != nil || len(mx) != 2 || mx[0].Host != "mx0.example.com." || mx[0].Pref != 5 {
		t.Errorf("LookupMX = %v, %v", mx, err)
	}
	ips, err := c.LookupIPAddr(ctx, "mx1.example.com")
	if err != nil || len(ips) != 2 {
		t.Errorf("LookupIPAddr = %v, %v; want A and AAAA", ips, err)
	}
	names, err := c.LookupAddr(ctx, "192.0.2.11")
	if err != nil || len(names) != 1 || names[0] != "mx1.example.com." {
		t.Errorf("LookupAddr = %v, %v", names, err)
	}
	if _, err := c.LookupIPAddr(ctx, "nothing.example.com"); !dnsError(t, err).IsNotFound {
		t.Errorf("LookupIPAddr of a missing name: %v", err)
	}
}

func TestSERVFAILIsTemporary(t *testing.T) {
	srv, c := start(t)
	srv.Handle("broken.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeServerFailure)
		w.WriteMsg(m)
	})
	_, err := c.LookupTXT(context.Background(), "broken.example.com")
	if de := dnsError(t, err); !de.IsTemporary || de.IsNotFound {
		t.Errorf("SERVFAIL gave %v", err)
	}
}

// Answers with the wrong ID or for another name are ignored; the real one
// that follows is taken.
func TestSpoofedAnswersIgnored(t *testing.T) {
	srv, c := start(t)
	srv.Handle("spoof.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		bad := new(dns.Msg)
		bad.SetReply(r)
		bad.Id = r.Id + 1
		bad.Answer = []dns.RR{mustRR(t, "spoof.example.com. 60 IN TXT \"wrong id\"")}
		w.WriteMsg(bad)
		other := new(dns.Msg)
		other.SetReply(r)
		other.Question[0].Name = "other.example.com."
		other.Answer = []dns.RR{mustRR(t, "other.example.com. 60 IN TXT \"wrong name\"")}
		w.WriteMsg(other)
		good := new(dns.Msg)
		good.SetReply(r)
		good.Answer = []dns.RR{mustRR(t, "spoof.example.com. 60 IN TXT \"right\"")}
		w.WriteMsg(good)
	})
	txt, err := c.LookupTXT(context.Background(), "spoof.example.com")
	if err != nil || len(txt) != 1 || txt[0] != "right" {
		t.Errorf("LookupTXT = %q, %v; want the genuine answer", txt, err)
	}
}

func mustRR(t *testing.T, s string) dns.RR {
	rr, err := dns.NewRR(s)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

func TestSnapshotReplay(t *testing.T) {
	srv, c := start(t)
	srv.Hang("slow.example.com")
	ctx := context.Background()
	c.LookupTXT(ctx, "esp._domainkey.example.com")
	c.LookupTXT(ctx, "nothing.example.com")
	c.LookupTXT(ctx, "slow.example.com")
	c.LookupMX(ctx, "example.com")
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := c.Snapshot().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	snap, err := resolver.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Queries()
	off := resolver.New(resolver.Config{Replay: snap})
	txt, err := off.LookupTXT(ctx, "esp._domainkey.example.com")
	if err != nil || len(txt) != 1 || !strings.HasPrefix(txt[0], "v=DKIM1; k=ed25519") {
		t.Errorf("replayed CNAME'd key = %q, %v", txt, err)
	}
	if _, err := off.LookupTXT(ctx, "nothing.example.com"); !dnsError(t, err).IsNotFound {
		t.Errorf("replayed NXDOMAIN = %v", err)
	}
	if _, err := off.LookupTXT(ctx, "slow.example.com"); !dnsError(t, err).IsTimeout {
		t.Errorf("replayed timeout = %v", err)
	}
	if mx, err := off.LookupMX(ctx, "example.com"); err != nil || len(mx) != 2 {
		t.Errorf("replayed MX = %v, %v", mx, err)
	}
	_, err = off.LookupTXT(ctx, "never-asked.example.com")
	de := dnsError(t, err)
	if de.IsNotFound || !strings.Contains(de.Err, "not in snapshot") {
		t.Errorf("missing name gave %v (IsNotFound=%v), want 'not in snapshot'", err, de.IsNotFound)
	}
	if srv.Queries() != before {
		t.Errorf("replay sent %d queries to the network", srv.Queries()-before)
	}
	if off.Source() != "snapshot" {
		t.Errorf("Source() = %q", off.Source())
	}
}

func TestBadSnapshot(t *testing.T) {
	for _, in := range []string{"", "{", `{"version": 9}`, `{"version":1,"entries":[{"name":"a.","type":"BOGUS"}]}`,
		`{"version":1,"entries":[{"name":"a.","type":"TXT","rcode":"NOERROR","answer":["not a record"]}]}`} {
		if _, err := resolver.ParseSnapshot([]byte(in)); err == nil {
			t.Errorf("ParseSnapshot(%q) accepted", in)
		}
	}
}

func TestInvalidNameNotQueried(t *testing.T) {
	srv, c := start(t)
	_, err := c.LookupTXT(context.Background(), strings.Repeat("a", 64)+".example.com")
	if !dnsError(t, err).IsNotFound || srv.Queries() != 0 {
		t.Errorf("label over 63 octets: %v, %d queries", err, srv.Queries())
	}
}

// A snapshot taken from a client, or merged from two, replays as it is,
// without a round trip through its file form.
func TestInMemorySnapshotReplay(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	c.LookupTXT(ctx, "split.example.com")
	_, c2 := start(t)
	c2.LookupMX(ctx, "example.com")
	snap := c.Snapshot()
	snap.Merge(c2.Snapshot())
	off := resolver.New(resolver.Config{Replay: snap})
	if txt, err := off.LookupTXT(ctx, "split.example.com"); err != nil || len(txt) != 1 {
		t.Errorf("replayed TXT = %q, %v", txt, err)
	}
	if mx, err := off.LookupMX(ctx, "example.com"); err != nil || len(mx) != 2 {
		t.Errorf("replayed merged MX = %v, %v", mx, err)
	}
}
