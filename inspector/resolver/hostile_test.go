package resolver_test

// Hostile DNS: answers a check may meet from a broken or malicious server.
// Each must end in a usable answer or a *net.DNSError that says whether to
// try again (IsTemporary) or not (IsNotFound), within the timeout, and
// never in a spoofed record taken for the real one. The cases already in
// client_test.go (timeouts, SERVFAIL, CNAME loops, a wrong ID or name
// followed by the real answer) are not repeated here.

import (
	"context"
	"encoding/binary"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

// hostileTimeout is the per-query timeout of these tests; hostileBound is
// how long any one lookup may take at most: two tries and some slack for a
// loaded machine. It only catches a hang, it measures nothing.
const (
	hostileTimeout = 250 * time.Millisecond
	hostileBound   = 10 * time.Second
)

func hostileClient(t *testing.T, srv *dnstest.Server) *resolver.Client {
	t.Helper()
	return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: hostileTimeout})
}

// release is closed when the test ends, so that handlers that block (to
// play a server that never answers) let the server shut down.
func release(t *testing.T) <-chan struct{} {
	ch := make(chan struct{})
	t.Cleanup(func() { close(ch) })
	return ch
}

// timed runs f and fails the test if it took longer than hostileBound.
func timed(t *testing.T, what string, f func()) {
	t.Helper()
	begin := time.Now()
	f()
	if d := time.Since(begin); d > hostileBound {
		t.Errorf("%s took %v: a hostile server kept the client waiting", what, d)
	}
}

// bigTXT is a TXT record of n strings of 250 bytes each, in master format,
// and the joined text it holds.
func bigTXT(owner string, n int) (rr, joined string) {
	var parts, text []string
	for i := 0; i < n; i++ {
		s := strings.Repeat(string(rune('a'+i%26)), 250)
		parts = append(parts, `"`+s+`"`)
		text = append(text, s)
	}
	return owner + " 300 IN TXT " + strings.Join(parts, " "), strings.Join(text, "")
}

// A 60 KB TXT answer does not fit even the 4096-byte EDNS0 buffer: it comes
// truncated over UDP and whole over TCP, and survives a snapshot.
func TestHugeTXTOverTCP(t *testing.T) {
	srv := dnstest.Start(t, "")
	rr, want := bigTXT("huge.example.com.", 240) // 60,000 bytes
	srv.Add(rr)
	c := hostileClient(t, srv)
	var ans *resolver.Answer
	var err error
	timed(t, "the 60 KB answer", func() { ans, err = c.Query(context.Background(), "huge.example.com", dns.TypeTXT) })
	if err != nil {
		t.Fatal(err)
	}
	if !ans.TCP || srv.Queries() != 2 {
		t.Errorf("TCP=%v after %d queries; want UDP truncated, then TCP", ans.TCP, srv.Queries())
	}
	if len(ans.Records) != 1 || ans.Records[0] != want || len(ans.TXT) != 1 || len(ans.TXT[0]) != 240 {
		t.Fatalf("got %d records (%d strings), want one of %d bytes in 240 strings", len(ans.Records), len(ans.TXT), len(want))
	}

	// Replayed from a saved snapshot, the record is the same.
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := c.Snapshot().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	snap, err := resolver.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := resolver.New(resolver.Config{Replay: snap}).LookupTXT(context.Background(), "huge.example.com")
	if err != nil || len(txt) != 1 || txt[0] != want {
		t.Errorf("replayed 60 KB record: %d records, %v", len(txt), err)
	}
}

// TXT strings are bytes: quotes, backslashes, control characters and
// 8-bit text reach the checks as they are on the wire, not in the escaped
// presentation form of a zone file (where a tab in a DKIM key would become
// the four characters \009 and break the key), and survive a snapshot.
func TestTXTBytesKept(t *testing.T) {
	srv := dnstest.Start(t, "")
	// In master format: \" a quote, \\ a backslash, \009 a tab, \000 NUL,
	// \195\169 UTF-8 for é, \255 a byte that is not UTF-8.
	srv.Add(`odd.example.com. 300 IN TXT "v=DKIM1;\009k=ed25519; n=say \"hi\" \\o/ caf\195\169 \000\255;" ""`)
	want := "v=DKIM1;\tk=ed25519; n=say \"hi\" \\o/ caf\u00e9 \x00\xff;"
	c := hostileClient(t, srv)
	ans, err := c.Query(context.Background(), "odd.example.com", dns.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Records) != 1 || ans.Records[0] != want {
		t.Errorf("record %q, want the bytes %q", ans.Records, want)
	}
	if len(ans.TXT) != 1 || len(ans.TXT[0]) != 2 || ans.TXT[0][0] != want || ans.TXT[0][1] != "" {
		t.Errorf("strings %q, want %q and an empty string", ans.TXT, want)
	}

	path := filepath.Join(t.TempDir(), "snap.json")
	if err := c.Snapshot().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	snap, err := resolver.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := resolver.New(resolver.Config{Replay: snap}).LookupTXT(context.Background(), "odd.example.com")
	if err != nil || len(txt) != 1 || txt[0] != want {
		t.Errorf("replayed record %q, %v; want %q", txt, err, want)
	}
}

// reply packs a response to r holding one TXT record with text, for
// handlers that then damage the bytes.
func reply(t *testing.T, r *dns.Msg, text string) []byte {
	t.Helper()
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{text}}}
	b, err := m.Pack()
	if err != nil {
		t.Error(err)
	}
	return b
}

// Datagrams that do not parse as DNS (a TXT string longer than its record,
// a short packet, a compression pointer that loops) are dropped while the
// client waits for the real answer; when none comes, the lookup ends in a
// temporary error, never in a record made up from the damaged bytes.
func TestMalformedAnswersIgnored(t *testing.T) {
	damaged := map[string]func(t *testing.T, r *dns.Msg) []byte{
		"TXT string overruns its record": func(t *testing.T, r *dns.Msg) []byte {
			b := reply(t, r, "v=spf1 -all")
			b[len(b)-len("v=spf1 -all")-1] = 200 // the string's length byte
			return b
		},
		"short packet": func(t *testing.T, r *dns.Msg) []byte {
			b := reply(t, r, "v=spf1 -all")
			return b[:7]
		},
		"looping compression pointer": func(t *testing.T, r *dns.Msg) []byte {
			b := reply(t, r, "v=spf1 -all")
			// The answer's owner name is a pointer (to the question, at
			// offset 12); point it at itself.
			at := 12 + len(r.Question[0].Name) + 1 + 4
			off := uint16(0xC000 | at)
			binary.BigEndian.PutUint16(b[at:], off)
			return b
		},
	}
	for name, damage := range damaged {
		t.Run(name, func(t *testing.T) {
			srv := dnstest.Start(t, "")
			var only atomic.Bool
			srv.Handle("bad.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
				w.Write(damage(t, r))
				if only.Load() {
					return
				}
				m := new(dns.Msg)
				m.SetReply(r)
				m.Answer = []dns.RR{mustRR(t, `bad.example.com. 60 IN TXT "v=spf1 ip4:192.0.2.1 -all"`)}
				w.WriteMsg(m)
			})
			c := hostileClient(t, srv)
			txt, err := c.LookupTXT(context.Background(), "bad.example.com")
			if err != nil || len(txt) != 1 || txt[0] != "v=spf1 ip4:192.0.2.1 -all" {
				t.Errorf("with a damaged datagram before the real answer: %q, %v", txt, err)
			}

			only.Store(true)
			c = hostileClient(t, srv)
			timed(t, "a server sending only damaged answers", func() {
				txt, err = c.LookupTXT(context.Background(), "bad.example.com")
			})
			if de := dnsError(t, err); !de.IsTemporary || de.IsNotFound || len(txt) != 0 {
				t.Errorf("only damaged answers gave %q, %v (temporary=%v notfound=%v), want a temporary error", txt, err, de.IsTemporary, de.IsNotFound)
			}
		})
	}
}

// REFUSED, like SERVFAIL, is the server's problem, not the domain's: it is
// asked once more, then reported as temporary.
func TestREFUSEDIsTemporary(t *testing.T) {
	srv := dnstest.Start(t, "")
	srv.Handle("refused.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeRefused)
		w.WriteMsg(m)
	})
	c := hostileClient(t, srv)
	_, err := c.LookupTXT(context.Background(), "refused.example.com")
	de := dnsError(t, err)
	if !de.IsTemporary || de.IsNotFound || !strings.Contains(de.Err, "REFUSED") {
		t.Errorf("REFUSED gave %v (temporary=%v notfound=%v)", err, de.IsTemporary, de.IsNotFound)
	}
	if srv.Queries() != 2 {
		t.Errorf("server saw %d queries, want 2 (one retry)", srv.Queries())
	}
	if log := c.Log(); len(log) != 1 || log[0].Rcode != "REFUSED" {
		t.Errorf("log %+v, want one REFUSED entry", log)
	}
}

// An answer that arrives after the timeout is not waited for and not
// taken: the retry's answer is, or, when every answer is late, the lookup
// times out.
func TestLateAnswers(t *testing.T) {
	srv := dnstest.Start(t, "")
	done := release(t)
	var n atomic.Int32
	var lateOnly atomic.Bool
	srv.Handle("late.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		first := n.Add(1) == 1
		if first || lateOnly.Load() {
			select {
			case <-time.After(3 * hostileTimeout):
			case <-done:
				return
			}
		}
		text := "fresh"
		if first {
			text = "late"
		}
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{mustRR(t, `late.example.com. 60 IN TXT "`+text+`"`)}
		w.WriteMsg(m)
	})
	c := hostileClient(t, srv)
	txt, err := c.LookupTXT(context.Background(), "late.example.com")
	if err != nil || len(txt) != 1 || txt[0] != "fresh" {
		t.Errorf("first answer late, retry on time: %q, %v; want the retry's answer", txt, err)
	}

	lateOnly.Store(true)
	c = hostileClient(t, srv)
	timed(t, "a server that always answers late", func() { txt, err = c.LookupTXT(context.Background(), "late.example.com") })
	if de := dnsError(t, err); !de.IsTimeout || !de.IsTemporary || len(txt) != 0 {
		t.Errorf("every answer late gave %q, %v; want a timeout", txt, err)
	}

	// SetDelay makes every answer of the zone late, the same way.
	srv.Add(`slow.example.com. 60 IN TXT "slow"`)
	srv.SetDelay(2 * hostileTimeout)
	c = hostileClient(t, srv)
	timed(t, "a server slower than the timeout", func() { _, err = c.LookupTXT(context.Background(), "slow.example.com") })
	if de := dnsError(t, err); !de.IsTimeout {
		t.Errorf("answers after the timeout gave %v, want a timeout", err)
	}
}

// Only spoofed answers (another ID, another question, another type) are
// never taken: the lookup times out. Records in the answer section for
// another owner than the name asked are not the name's records.
func TestSpoofedAnswersOnly(t *testing.T) {
	srv := dnstest.Start(t, "")
	srv.Handle("spoofed.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		for _, change := range []func(m *dns.Msg){
			func(m *dns.Msg) { m.Id++ },
			func(m *dns.Msg) { m.Question[0].Name = "evil.example.com." },
			func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeA },
			func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassCHAOS },
		} {
			m := new(dns.Msg)
			m.SetReply(r)
			m.Answer = []dns.RR{mustRR(t, `spoofed.example.com. 60 IN TXT "v=spf1 +all"`)}
			change(m)
			w.WriteMsg(m)
		}
	})
	srv.Handle("poisoned.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{
			mustRR(t, `evil.example.com. 60 IN TXT "v=spf1 +all"`),
			mustRR(t, `poisoned.example.com. 60 IN A 192.0.2.66`),
		}
		w.WriteMsg(m)
	})
	c := hostileClient(t, srv)
	var txt []string
	var err error
	timed(t, "spoofed answers only", func() { txt, err = c.LookupTXT(context.Background(), "spoofed.example.com") })
	if de := dnsError(t, err); !de.IsTimeout || len(txt) != 0 {
		t.Errorf("spoofed answers only gave %q, %v; want a timeout", txt, err)
	}

	txt, err = c.LookupTXT(context.Background(), "poisoned.example.com")
	if de := dnsError(t, err); !de.IsNotFound || len(txt) != 0 {
		t.Errorf("an answer holding only another name's TXT record gave %q, %v; want no record (NODATA)", txt, err)
	}
}

// When the UDP answer is truncated and the TCP connection then hangs, or
// answers another question, the lookup still ends with a temporary error.
func TestBrokenTCPFallback(t *testing.T) {
	for _, tc := range []struct {
		name string
		tcp  func(w dns.ResponseWriter, r *dns.Msg, done <-chan struct{})
	}{
		{"TCP never answers", func(w dns.ResponseWriter, r *dns.Msg, done <-chan struct{}) { <-done }},
		{"TCP answers another question", func(w dns.ResponseWriter, r *dns.Msg, done <-chan struct{}) {
			m := new(dns.Msg)
			m.SetReply(r)
			m.Question[0].Name = "other.example.com."
			w.WriteMsg(m)
		}},
		{"TCP closes at once", func(w dns.ResponseWriter, r *dns.Msg, done <-chan struct{}) { w.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := dnstest.Start(t, "")
			done := release(t)
			srv.Handle("tc.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
				if w.LocalAddr().Network() == "tcp" {
					tc.tcp(w, r, done)
					return
				}
				m := new(dns.Msg)
				m.SetReply(r)
				m.Truncated = true
				w.WriteMsg(m)
			})
			c := hostileClient(t, srv)
			var err error
			timed(t, tc.name, func() { _, err = c.LookupTXT(context.Background(), "tc.example.com") })
			if de := dnsError(t, err); !de.IsTemporary || de.IsNotFound {
				t.Errorf("%v (temporary=%v notfound=%v), want a temporary error", err, de.IsTemporary, de.IsNotFound)
			}
		})
	}
}

// A server address where nothing listens (the port is closed: the kernel
// answers with ICMP port unreachable) fails at once, as temporary.
func TestNothingListening(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	c := resolver.New(resolver.Config{Servers: []string{addr}, Timeout: hostileTimeout})
	timed(t, "a closed port", func() { _, err = c.LookupTXT(context.Background(), "example.com") })
	if de := dnsError(t, err); !de.IsTemporary || de.IsNotFound {
		t.Errorf("closed port gave %v", err)
	}
}

// Many lookups at once of names that never answer all end by the context's
// deadline: none is left waiting on another's cache entry.
func TestManyHangingLookupsEndTogether(t *testing.T) {
	srv := dnstest.Start(t, "")
	srv.Hang("hang.example.com")
	c := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	timed(t, "50 lookups of a hanging name", func() {
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = c.LookupTXT(ctx, "hang.example.com")
			}()
		}
		wg.Wait()
	})
	for i, err := range errs {
		if de := dnsError(t, err); !de.IsTemporary {
			t.Errorf("lookup %d: %v", i, err)
		}
	}
	if n := srv.Queries(); n > 2 {
		t.Errorf("server saw %d queries for one name asked 50 times at once, want at most 2", n)
	}
}

// A name holding characters that zone files escape (spaces, quotes, @, ;),
// as an SPF macro makes from a sender's local part, is answered like any
// other: the reply's question and records, which come back escaped, are
// recognised as the name asked.
func TestNameWithSpecialCharacters(t *testing.T) {
	srv := dnstest.Start(t, "")
	srv.Add(`odd\ name\"\@\;x.example.com. 300 IN TXT "found"`)
	c := hostileClient(t, srv)
	var txt []string
	var err error
	timed(t, "a name with special characters", func() {
		txt, err = c.LookupTXT(context.Background(), `odd name"@;X.example.com`)
	})
	if err != nil || len(txt) != 1 || txt[0] != "found" {
		t.Errorf("LookupTXT = %q, %v; want the record", txt, err)
	}
}
