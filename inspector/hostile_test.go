package inspector_test

// Hostile input, end to end: DNS servers that loop, lie, fail or never
// answer, and messages built to break parsers (huge, binary, deeply
// nested, endless white space). Every case must give a report whose every
// check has an RFC 8601 result word and a reason, or a clear error naming
// the file; none may panic, hang, or take memory in proportion to the
// message. Times are bounded generously, to catch hangs only: speed is
// measured by the benchmarks in bench_test.go.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/plaintext"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

const (
	// hostileTimeout is the per-query DNS timeout of these tests.
	hostileTimeout = 250 * time.Millisecond
	// hostileBudget bounds each check (Options.Budget); a check that
	// takes more than hostileSlack times it has hung.
	hostileBudget = 3 * time.Second
	hostileSlack  = 3
)

// hostileDomains are the domains of testdata/hostile/hostile.zone that
// sign their messages.
var hostileDomains = []string{"sender.example", "include-loop.example", "redirect-loop.example", "many-lookups.example",
	"void.example", "bad-bytes.example", "broken.example"}

// hostileKey is the key every domain of these tests signs with, at
// selector s1: fixed, the same in every run.
func hostileKey(domain string) testsign.Key {
	return testsign.Key{Domain: domain, Selector: "s1", Signer: testsign.Seed(9)}
}

// hostileServer serves testdata/hostile/hostile.zone and the keys of
// hostileDomains.
func hostileServer(t testing.TB) *dnstest.Server {
	t.Helper()
	srv := dnstest.StartFile(t, "testdata/hostile/hostile.zone")
	for _, d := range hostileDomains {
		srv.Add(hostileKey(d).TXT())
	}
	return srv
}

// draft is a message before signing: trace holds the fields the
// receiving servers add above the signature, signed the header and body
// as the author's server sent them. Line endings are CRLF.
type draft struct {
	trace, signed string
}

// newDraft reads testdata/hostile/base.eml for domain, delivered a minute
// from now (its signature is made now: t= is the wall clock).
func newDraft(t testing.TB, domain string) *draft {
	t.Helper()
	b, err := os.ReadFile("testdata/hostile/base.eml")
	if err != nil {
		t.Fatal(err)
	}
	msg := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n", "\r\n")
	msg = strings.ReplaceAll(msg, "sender.example", domain)
	msg = strings.Replace(msg, "Sun, 22 Nov 2026 06:00:05 +0000", time.Now().Add(time.Minute).UTC().Format(time.RFC1123Z), 1)
	i := strings.Index(msg, "From: ")
	return &draft{trace: msg[:i], signed: msg[i:]}
}

// signedWith makes the base message for domain with old replaced by new
// before it is signed, relaxed.
func signedWith(domain, old, new string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		d := newDraft(t, domain)
		d.signed = strings.Replace(d.signed, old, new, 1)
		return []byte(d.sign(t, domain, true))
	}
}

// sign signs d for domain with selector s1, now, relaxed or simple for
// both header and body.
func (d *draft) sign(t testing.TB, domain string, relaxed bool) string {
	return d.trace + testsign.Sign(d.signed, hostileKey(domain), signOptions(relaxed))
}

func signOptions(relaxed bool) testsign.Options {
	c := "simple/simple"
	if relaxed {
		c = "relaxed/relaxed"
	}
	return testsign.Options{Canon: c, Time: time.Now()}
}

func hostileOptions(srv *dnstest.Server) inspector.Options {
	return inspector.Options{
		DNS:    resolver.Config{Servers: []string{srv.Addr}, Timeout: hostileTimeout},
		Budget: hostileBudget,
	}
}

// check parses raw as name and checks it, failing the test if the check
// outlives its budget.
func check(t testing.TB, opts inspector.Options, name string, raw []byte) *inspector.Report {
	t.Helper()
	m, err := message.Parse(name, raw)
	if err != nil {
		t.Fatalf("%s does not load: %v", name, err)
	}
	return timedCheck(t, m, opts)
}

func timedCheck(t testing.TB, m *message.Message, opts inspector.Options) *inspector.Report {
	t.Helper()
	begin := time.Now()
	r := inspector.Check(context.Background(), m, opts)
	if d := time.Since(begin); d > hostileSlack*opts.Budget {
		t.Errorf("the check took %v, more than %d times its budget of %v", d, hostileSlack, opts.Budget)
	}
	wellFormed(t, r)
	return r
}

// wellFormed checks what every report must have: a result word and a
// reason for every check, and a JSON form that is valid UTF-8 and renders
// as text.
func wellFormed(t testing.TB, r *inspector.Report) {
	t.Helper()
	explained := func(what string, word result.Result, reason string) {
		if !word.Known() {
			t.Errorf("%s: result %q is not an RFC 8601 word", what, word)
		}
		if strings.TrimSpace(reason) == "" {
			t.Errorf("%s: result %s without a reason", what, word)
		}
	}
	for i, d := range r.DKIM {
		explained(fmt.Sprintf("DKIM signature %d", i), d.Result, d.Reason)
	}
	if r.SPF == nil || r.DMARC == nil || r.ARC == nil {
		t.Fatalf("a check is missing: SPF %v, DMARC %v, ARC %v", r.SPF != nil, r.DMARC != nil, r.ARC != nil)
	}
	explained("SPF", r.SPF.Result, r.SPF.Reason)
	explained("DMARC", r.DMARC.Result, r.DMARC.Reason)
	explained("ARC", r.ARC.Result, r.ARC.Reason)
	if r.Verdict == "" || r.Headline == "" {
		t.Errorf("no verdict (%q, %q)", r.Verdict, r.Headline)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("the report has no JSON form: %v", err)
	}
	if !utf8.Valid(b) {
		t.Error("the JSON report is not valid UTF-8")
	}
	if err := plaintext.Write(io.Discard, r, plaintext.Options{}); err != nil {
		t.Errorf("the report does not render as text: %v", err)
	}
}

// sections gives the result words of the main checks, for messages.
func sections(r *inspector.Report) string {
	dk := "no signature"
	if len(r.DKIM) > 0 {
		dk = string(r.DKIM[0].Result) + " (" + r.DKIM[0].Reason + ")"
	}
	return fmt.Sprintf("DKIM %s; SPF %s (%s; %s); DMARC %s (%s)", dk, r.SPF.Result, r.SPF.Reason, r.SPF.Error, r.DMARC.Result, r.DMARC.Reason)
}

// answer makes a handler that replies with rcode.
func answer(rcode int) dns.HandlerFunc {
	return func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		w.WriteMsg(m)
	}
}

// TestHostileDNS checks one message against DNS that loops, overflows,
// fails or lies, and wants the right RFC result, with a reason, from the
// check concerned, and the others unharmed.
func TestHostileDNS(t *testing.T) {
	tests := []struct {
		name   string
		domain string
		setup  func(t *testing.T, srv *dnstest.Server)
		// want maps a check (DKIM for the first signature, SPF, DMARC) to
		// its result word; has maps it to a part of its reason or error.
		want map[string]string
		has  map[string]string
		// tcp names a query that must have come over TCP.
		tcp string
	}{
		{name: "SPF include loop", domain: "include-loop.example",
			want: map[string]string{"DKIM": "pass", "SPF": "permerror", "DMARC": "pass"},
			has:  map[string]string{"SPF": "too many DNS lookups"}},
		{name: "SPF redirect loop", domain: "redirect-loop.example",
			want: map[string]string{"DKIM": "pass", "SPF": "permerror", "DMARC": "pass"},
			has:  map[string]string{"SPF": "too many DNS lookups"}},
		{name: "more than 10 SPF lookups", domain: "many-lookups.example",
			want: map[string]string{"DKIM": "pass", "SPF": "permerror", "DMARC": "pass"},
			has:  map[string]string{"SPF": "too many DNS lookups"}},
		{name: "more than 2 void SPF lookups", domain: "void.example",
			want: map[string]string{"DKIM": "pass", "SPF": "permerror", "DMARC": "pass"},
			has:  map[string]string{"SPF": "more than 2"}},
		{name: "SPF record with NUL and 8-bit bytes", domain: "bad-bytes.example",
			want: map[string]string{"DKIM": "pass", "SPF": "permerror", "DMARC": "pass"}},
		{name: "CNAME loop on the DKIM key name", domain: "cname-loop.example",
			want: map[string]string{"DKIM": "permerror", "SPF": "pass", "DMARC": "pass"},
			has:  map[string]string{"DKIM": "CNAME"}},
		{name: "DKIM key record of binary bytes", domain: "bad-key.example",
			want: map[string]string{"DKIM": "permerror", "SPF": "pass", "DMARC": "pass"}},
		{name: "60 KB DKIM key record over TCP", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) {
				srv.Remove("s1._domainkey.broken.example")
				srv.Add(hostileKey("broken.example").TXT("n=" + strings.Repeat("padding ", 7500)))
			},
			want: map[string]string{"DKIM": "pass", "SPF": "pass", "DMARC": "pass"},
			tcp:  "s1._domainkey.broken.example."},
		{name: "SERVFAIL for the SPF record", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) { srv.Handle("broken.example", answer(dns.RcodeServerFailure)) },
			want:  map[string]string{"DKIM": "pass", "SPF": "temperror", "DMARC": "pass"}},
		{name: "REFUSED for the DKIM key", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) {
				srv.Handle("s1._domainkey.broken.example", answer(dns.RcodeRefused))
			},
			want: map[string]string{"DKIM": "temperror", "SPF": "pass", "DMARC": "pass"},
			has:  map[string]string{"DKIM": "REFUSED"}},
		{name: "SERVFAIL for the DMARC record", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) {
				srv.Handle("_dmarc.broken.example", answer(dns.RcodeServerFailure))
			},
			want: map[string]string{"DKIM": "pass", "SPF": "pass", "DMARC": "temperror"}},
		{name: "the DKIM key never answers", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) { srv.Hang("s1._domainkey.broken.example") },
			want:  map[string]string{"DKIM": "temperror", "SPF": "pass", "DMARC": "pass"}},
		{name: "spoofed answers only for the DMARC record", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) {
				srv.Handle("_dmarc.broken.example", func(w dns.ResponseWriter, r *dns.Msg) {
					rr, _ := dns.NewRR(`_dmarc.broken.example. 60 IN TXT "v=DMARC1; p=none"`)
					wrongID := new(dns.Msg)
					wrongID.SetReply(r)
					wrongID.Id++
					wrongID.Answer = []dns.RR{rr}
					w.WriteMsg(wrongID)
					wrongName := new(dns.Msg)
					wrongName.SetReply(r)
					wrongName.Question[0].Name = "_dmarc.evil.example."
					wrongName.Answer = []dns.RR{rr}
					w.WriteMsg(wrongName)
				})
			},
			want: map[string]string{"DKIM": "pass", "SPF": "pass", "DMARC": "temperror"}},
		{name: "damaged datagram for the SPF record", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) {
				srv.Handle("broken.example", func(w dns.ResponseWriter, r *dns.Msg) {
					m := new(dns.Msg)
					m.SetReply(r)
					rr, _ := dns.NewRR(`broken.example. 60 IN TXT "v=spf1 +all"`)
					m.Answer = []dns.RR{rr}
					b, _ := m.Pack()
					b[len(b)-len("v=spf1 +all")-1] = 250 // the string overruns the record
					w.Write(b)
				})
			},
			want: map[string]string{"DKIM": "pass", "SPF": "temperror", "DMARC": "pass"}},
		{name: "every answer after the timeout", domain: "broken.example",
			setup: func(t *testing.T, srv *dnstest.Server) { srv.SetDelay(2 * hostileTimeout) },
			want:  map[string]string{"DKIM": "temperror", "SPF": "temperror", "DMARC": "temperror"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := hostileServer(t)
			if tc.setup != nil {
				tc.setup(t, srv)
			}
			raw := newDraft(t, tc.domain).sign(t, tc.domain, true)
			r := check(t, hostileOptions(srv), tc.name+".eml", []byte(raw))
			got := map[string]result.Result{"SPF": r.SPF.Result, "DMARC": r.DMARC.Result}
			text := map[string]string{"SPF": r.SPF.Reason + " " + r.SPF.Error, "DMARC": r.DMARC.Reason}
			if len(r.DKIM) != 1 {
				t.Fatalf("%d DKIM results, want 1", len(r.DKIM))
			}
			got["DKIM"], text["DKIM"] = r.DKIM[0].Result, r.DKIM[0].Reason
			for check, want := range tc.want {
				if string(got[check]) != want {
					t.Errorf("%s: %s, want %s\n%s", check, got[check], want, sections(r))
				}
			}
			for check, want := range tc.has {
				if !strings.Contains(text[check], want) {
					t.Errorf("%s reason %q does not say %q", check, text[check], want)
				}
			}
			if tc.tcp != "" {
				found := false
				for _, a := range r.DNS {
					found = found || (a.Name == tc.tcp && a.TCP)
				}
				if !found {
					t.Errorf("no answer for %s came over TCP (log %+v)", tc.tcp, r.DNS)
				}
			}
		})
	}
}

// blackHole is a UDP address that swallows every query and never answers
// (nor sends ICMP errors): a DNS server that died without closing its
// port.
func blackHole(t *testing.T) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().String()
}

// With a dead server and a per-query timeout longer than the budget, only
// the budget can end the check: it must, with every DNS-based result a
// temperror, and say it ran out of time. Once with a short budget, and
// once with none given, where DefaultBudget (10 s) must apply.
func TestDeadServerWithinBudget(t *testing.T) {
	for _, tc := range []struct {
		name   string
		budget time.Duration
		// want is the budget the check must keep and name in its note.
		want time.Duration
	}{
		{"one second", time.Second, time.Second},
		{"the default", 0, inspector.DefaultBudget},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.budget == 0 && testing.Short() {
				t.Skip("takes the whole default budget (10 s); skipped with -short")
			}
			t.Parallel()
			raw := newDraft(t, "sender.example").sign(t, "sender.example", true)
			m, err := message.Parse("dead.eml", []byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			opts := inspector.Options{
				DNS:    resolver.Config{Servers: []string{blackHole(t)}, Timeout: time.Minute},
				Budget: tc.budget,
			}
			begin := time.Now()
			r := inspector.Check(context.Background(), m, opts)
			if d := time.Since(begin); d > hostileSlack*tc.want {
				t.Errorf("the check took %v, more than %d times its budget of %v", d, hostileSlack, tc.want)
			}
			wellFormed(t, r)
			if len(r.DKIM) != 1 || r.DKIM[0].Result != "temperror" || r.SPF.Result != "temperror" || r.DMARC.Result != "temperror" {
				t.Errorf("want temperror everywhere: %s", sections(r))
			}
			timedOut := false
			for _, n := range r.Notes {
				timedOut = timedOut || strings.Contains(n, "ran out of time ("+tc.want.String()+")")
			}
			if !timedOut {
				t.Errorf("the notes do not say the check ran out of its %v: %q", tc.want, r.Notes)
			}
		})
	}
}

// hostileMessage is one message of TestHostileMessages.
type hostileMessage struct {
	name string
	// make builds the message.
	make func(t *testing.T) []byte
	// headerOnly loads it with ParseHeaderOnly.
	headerOnly bool
	// errHas, when set, is a part of the error loading must give.
	errHas string
	// dkim is the result wanted for the first signature ("" for no
	// check); more checks the rest of the report.
	dkim string
	more func(t *testing.T, r *inspector.Report)
}

func hostileMessages() []hostileMessage {
	const domain = "sender.example"
	return []hostileMessage{
		{
			name: "10,000 Received fields",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				var b strings.Builder
				for i := 0; i < 10_000; i++ {
					fmt.Fprintf(&b, "Received: from h%d (h%d [10.%d.%d.1]) by h%d; Sun, 22 Nov 2026 05:%02d:00 +0000\r\n", i+1, i+1, i/250, i%250, i, i%60)
				}
				d.trace += b.String() // below the recipient's own field: written by the sender
				return []byte(d.sign(t, domain, true))
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if len(r.Route) != 10_001 || r.Delivery.Boundary != 0 || r.SPF.Result != "pass" || r.DMARC.Result != "pass" {
					t.Errorf("%d hops, boundary %d: %s", len(r.Route), r.Delivery.Boundary, sections(r))
				}
				if len(r.DNS) > 20 {
					t.Errorf("%d DNS queries for a message with 10,000 hops: lookups must not grow with the hops", len(r.DNS))
				}
			},
		},
		{
			name: "1,000 DKIM-Signature fields",
			make: func(t *testing.T) []byte {
				signed := newDraft(t, domain).sign(t, domain, true)
				var b strings.Builder
				for i := 0; i < 999; i++ {
					fmt.Fprintf(&b, "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=%s; s=x%d;\r\n\th=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n", domain, i)
				}
				i := strings.Index(signed, "From: ")
				return []byte(signed[:i] + b.String() + signed[i:])
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				skipped, keys := 0, 0
				for _, d := range r.DKIM {
					if d.Code == dkim.CodeSkipped {
						skipped++
					}
				}
				for _, a := range r.DNS {
					if strings.Contains(a.Name, "._domainkey.") {
						keys++
					}
				}
				if len(r.DKIM) != 1000 || skipped != 1000-dkim.DefaultMaxSignatures {
					t.Errorf("%d results, %d skipped; want 1000, %d skipped", len(r.DKIM), skipped, 1000-dkim.DefaultMaxSignatures)
				}
				if keys > dkim.DefaultMaxSignatures {
					t.Errorf("%d key lookups, want at most %d", keys, dkim.DefaultMaxSignatures)
				}
				if last := r.DKIM[999]; last.Result != "neutral" || !strings.Contains(last.Reason, "1000") {
					t.Errorf("the last signature: %s %q, want neutral, saying how many there are", last.Result, last.Reason)
				}
				if r.DMARC.Result != "pass" {
					t.Errorf("DMARC %s: %s", r.DMARC.Result, r.DMARC.Reason)
				}
			},
		},
		{
			name: "1,000 ARC sets",
			make: func(t *testing.T) []byte {
				signed := newDraft(t, domain).sign(t, domain, true)
				var b strings.Builder
				for i := 1000; i >= 1; i-- {
					fmt.Fprintf(&b, "ARC-Seal: i=%d; a=rsa-sha256; cv=pass; d=fwd%d.example; s=arc; t=1; b=AAAA\r\n", i, i)
					fmt.Fprintf(&b, "ARC-Message-Signature: i=%d; a=rsa-sha256; c=relaxed/relaxed; d=fwd%d.example; s=arc; h=from; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n", i, i)
					fmt.Fprintf(&b, "ARC-Authentication-Results: i=%d; fwd%d.example; spf=pass smtp.mailfrom=%s\r\n", i, i, domain)
				}
				i := strings.Index(signed, "DKIM-Signature:")
				return []byte(signed[:i] + b.String() + signed[i:])
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if r.ARC.Result == "pass" {
					t.Errorf("ARC %s: %s", r.ARC.Result, r.ARC.Reason)
				}
				keys := 0
				for _, a := range r.DNS {
					if strings.Contains(a.Name, "._domainkey.fwd") {
						keys++
					}
				}
				if keys > arc.MaxInstances {
					t.Errorf("%d ARC key lookups for 1,000 sets, want at most %d: the work must be bounded", keys, arc.MaxInstances)
				}
			},
		},
		{
			name: "1 MB header line of words and white space, signed relaxed",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				long := "Subject: " + strings.Repeat("word \t  ", 125_000) + "end\r\n"
				d.signed = strings.Replace(d.signed, "Subject: Your order 1234\r\n", long, 1)
				return []byte(d.sign(t, domain, true))
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if len(r.Subject) < 1_000_000 {
					t.Errorf("subject of %d bytes, want the whole line", len(r.Subject))
				}
			},
		},
		{
			name: "a header line over the 1 MiB header limit",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				return []byte(d.trace + "X-Long: " + strings.Repeat("x", 2<<20) + "\r\n" + d.signed)
			},
			errHas: "larger than 1 MiB",
		},
		{
			name: "NUL bytes in a signed header field",
			make: signedWith(domain, "Subject: Your", "Subject: \x00Your\x00"),
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if strings.Contains(r.Subject, "\x00") || !strings.Contains(r.Subject, "\u2400Your\u2400") {
					t.Errorf("subject %q: NUL not shown as U+2400", r.Subject)
				}
			},
		},
		{
			name: "NUL bytes put in a header field after signing",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				return []byte(strings.Replace(d.sign(t, domain, true), "Subject: Your", "Subject: \x00Your\x00", 1))
			},
			dkim: "fail",
		},
		{
			name: "NUL bytes in the body",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				d.signed = strings.Replace(d.signed, "Thank you", "Thank\x00you\x00\x00", 1)
				return []byte(d.sign(t, domain, false))
			},
			dkim: "pass",
		},
		{
			name: "invalid UTF-8 in the Subject",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				d.signed = strings.Replace(d.signed, "Your order", "Caf\xe9 \xc3\x28 \xed\xa0\x80 \xff order", 1)
				return []byte(d.sign(t, domain, true))
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if !utf8.ValidString(r.Subject) || !strings.Contains(r.Subject, "order") {
					t.Errorf("subject %q: not valid UTF-8 for display", r.Subject)
				}
				if r.DMARC.Result != "pass" {
					t.Errorf("%s", sections(r))
				}
			},
		},
		{
			// RFC 5322 allows no 8-bit bytes in a display name and RFC 6532
			// only UTF-8, but old mail programs write Latin-1 names so: the
			// address itself is clear, and DMARC reads it with a note.
			name: "invalid UTF-8 in the From display name",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				d.signed = strings.Replace(d.signed, "From: Sender", "From: J\xf6rg \xff\xfe", 1)
				return []byte(d.sign(t, domain, true))
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if !utf8.ValidString(r.From.Name + r.From.Address) {
					t.Errorf("from %+v: not valid UTF-8 for display", r.From)
				}
				if r.DMARC.Result != "pass" || len(r.DMARC.Notes) == 0 || !strings.Contains(r.DMARC.Notes[0], "8-bit") {
					t.Errorf("verdict %s: %s; want DMARC to read the address, with a note", r.Verdict, sections(r))
				}
			},
		},
		{
			name: "RFC 2047 words in unknown charsets",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				d.signed = strings.Replace(d.signed, "From: Sender", "From: =?x-no-such-charset?B?SGFja2Vy?= =?utf-8?Q?=FF=FE?=", 1)
				d.signed = strings.Replace(d.signed, "Subject: Your order 1234", "Subject: =?x-klingon?Q?caf=E9?= =?utf-8?B?////?= =?iso-8859-1?X?bad?= =?", 1)
				return []byte(d.sign(t, domain, true))
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if r.Subject == "" || r.From.Domain != domain || r.DMARC.Result != "pass" {
					t.Errorf("subject %q, author domain %q: %s", r.Subject, r.From.Domain, sections(r))
				}
			},
		},
		{
			name: "deeply nested MIME",
			make: func(t *testing.T) []byte {
				const depth = 10_000
				d := newDraft(t, domain)
				var b strings.Builder
				for i := 1; i <= depth; i++ {
					fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i-1, i)
				}
				fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b%d--\r\n", depth, depth)
				for i := depth - 1; i >= 0; i-- {
					fmt.Fprintf(&b, "--b%d--\r\n", i)
				}
				d.signed = strings.Replace(d.signed, "Message-ID:", "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\nMessage-ID:", 1)
				d.signed = d.signed[:strings.Index(d.signed, "\r\n\r\n")+4] + b.String()
				return []byte(d.sign(t, domain, false))
			},
			dkim: "pass",
		},
		{
			name: "only a header, loaded as a message",
			make: func(t *testing.T) []byte {
				signed := newDraft(t, domain).sign(t, domain, true)
				return []byte(signed[:strings.Index(signed, "\r\n\r\n")+2])
			},
			// The signature is of a body the file does not hold: the body
			// cannot be checked, which is not a changed message.
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if r.DKIM[0].BodyChecked || r.DKIM[0].Code != dkim.CodeBodyNotChecked || r.DMARC.Result != "pass" {
					t.Errorf("body checked %v, code %s: %s", r.DKIM[0].BodyChecked, r.DKIM[0].Code, sections(r))
				}
			},
		},
		{
			name: "a message without a body, signed so",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				d.signed = d.signed[:strings.Index(d.signed, "\r\n\r\n")+2]
				return []byte(strings.TrimSuffix(d.sign(t, domain, false), "\r\n"))
			},
			dkim: "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if !r.DKIM[0].BodyChecked || r.DKIM[0].Code != dkim.CodeOK {
					t.Errorf("body checked %v, code %s: %s", r.DKIM[0].BodyChecked, r.DKIM[0].Code, sections(r))
				}
			},
		},
		{
			name: "only a header, loaded as pasted headers",
			make: func(t *testing.T) []byte {
				signed := newDraft(t, domain).sign(t, domain, true)
				return []byte(signed[:strings.Index(signed, "\r\n\r\n")+2])
			},
			headerOnly: true,
			dkim:       "pass",
			more: func(t *testing.T, r *inspector.Report) {
				if !r.HeaderOnly || r.DKIM[0].BodyChecked || r.DMARC.Result != "pass" {
					t.Errorf("header only %v, body checked %v: %s", r.HeaderOnly, r.DKIM[0].BodyChecked, sections(r))
				}
			},
		},
		{
			name: "a header and an empty body",
			make: func(t *testing.T) []byte {
				d := newDraft(t, domain)
				d.signed = d.signed[:strings.Index(d.signed, "\r\n\r\n")+4]
				return []byte(d.sign(t, domain, false))
			},
			dkim: "pass",
		},
	}
}

// TestHostileMessages loads and checks messages built to break parsers,
// both from memory (Parse) and from a file (Open, the body streamed).
func TestHostileMessages(t *testing.T) {
	srv := hostileServer(t)
	for _, tc := range hostileMessages() {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.make(t)
			path := filepath.Join(t.TempDir(), "hostile.eml")
			if err := os.WriteFile(path, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			loads := map[string]func() (*message.Message, error){
				"Parse": func() (*message.Message, error) { return message.Parse(path, raw) },
				"Open":  func() (*message.Message, error) { return message.Open(path) },
			}
			if tc.headerOnly {
				loads = map[string]func() (*message.Message, error){
					"ParseHeaderOnly": func() (*message.Message, error) { return message.ParseHeaderOnly(path, raw) },
				}
			}
			for how, load := range loads {
				m, err := load()
				if tc.errHas != "" {
					var me *message.Error
					if err == nil || !errors.As(err, &me) || !strings.Contains(err.Error(), tc.errHas) || !strings.Contains(err.Error(), path) {
						t.Errorf("%s: error %v, want a *message.Error naming the file and saying %q", how, err, tc.errHas)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				r := timedCheck(t, m, hostileOptions(srv))
				m.Close()
				if tc.dkim != "" && (len(r.DKIM) == 0 || string(r.DKIM[0].Result) != tc.dkim) {
					t.Errorf("%s: want DKIM %s: %s", how, tc.dkim, sections(r))
				}
				if tc.more != nil {
					tc.more(t, r)
				}
			}
		})
	}
}

// A body of 50 MB of spaces and tabs on one line is the known attack on
// relaxed body canonicalisation (white space buffered, or rescanned, per
// byte). The signature covers the line reduced to one space, so it
// passes; and the check allocates a small, fixed amount, not a copy of the
// line. (That the time per byte does not grow with the line is measured by
// BenchmarkCheckWhitespaceLine.)
func TestFiftyMBWhitespaceLine(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB message: skipped with -short")
	}
	srv := hostileServer(t)
	d := newDraft(t, "sender.example")
	d.signed = strings.Replace(d.signed, "Thank you for your order.", "a b", 1)
	signed := d.sign(t, "sender.example", true)
	body := strings.Index(signed, "\r\n\r\n") + 4
	raw := make([]byte, 0, body+50_000_010)
	raw = append(raw, signed[:body]...)
	raw = append(raw, 'a')
	for len(raw) < body+50_000_000 {
		raw = append(raw, " \t\t  \t "...)
	}
	raw = append(raw, "b\r\n"...)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := check(t, hostileOptions(srv), "whitespace.eml", raw)
	runtime.ReadMemStats(&after)
	if len(r.DKIM) != 1 || r.DKIM[0].Result != "pass" || r.DKIM[0].CanonicalBodyBytes != 5 {
		t.Errorf("want DKIM pass over a canonical body of 5 bytes: %s", sections(r))
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("checking the 50 MB line allocated %d MiB: the body must be streamed, not copied", n>>20)
	}
}

// rssChildEnv names the message file the child process of
// TestHundredMiBPeakRSS checks.
const rssChildEnv = "MAILINSPECTOR_RSS_CHILD"

// TestHundredMiBPeakRSS checks a signed 100 MiB message from a file in a
// child process (this test binary, run again) and reads that process's
// peak resident memory: it must stay under 100 MiB, as the body is
// streamed from the file, never held in memory.
func TestHundredMiBPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MiB message: skipped with -short")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("peak RSS is read from /proc/self/status, which this system does not have")
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" && s.Value == "true" {
				t.Skip("the race detector multiplies memory use: peak RSS is measured without -race")
			}
		}
	}
	path := filepath.Join(t.TempDir(), "100MiB.eml")
	writeBigMessage(t, path, 100<<20)

	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), rssChildEnv+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var hwm int64 = -1
	var dkimResult string
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "peak-rss-kib: "); ok {
			hwm, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "dkim: "); ok {
			dkimResult = v
		}
	}
	if hwm < 0 {
		t.Fatalf("the child did not report its peak RSS:\n%s", out)
	}
	t.Logf("peak RSS checking a 100 MiB message: %.1f MiB (DKIM %s)", float64(hwm)/1024, dkimResult)
	if dkimResult != "pass" {
		t.Errorf("DKIM %q, want pass: the body must have been read and hashed\n%s", dkimResult, out)
	}
	if hwm >= 100<<10 {
		t.Errorf("peak RSS %d KiB, want under 100 MiB", hwm)
	}
}

// TestPeakRSSChild is the child of TestHundredMiBPeakRSS; it does nothing
// in a normal run.
func TestPeakRSSChild(t *testing.T) {
	path := os.Getenv(rssChildEnv)
	if path == "" {
		t.Skip("run by TestHundredMiBPeakRSS")
	}
	srv := hostileServer(t)
	r, err := inspector.CheckFile(context.Background(), path, hostileOptions(srv))
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("peak-rss-kib: %s\n", strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	if len(r.DKIM) > 0 {
		fmt.Printf("dkim: %s\n", r.DKIM[0].Result)
		t.Logf("DKIM reason: %s", r.DKIM[0].Reason)
	}
}

// writeBigMessage writes a message of about size bytes to path, signed
// (simple/simple) by sender.example, with LF line endings as mail programs
// save them. The body is made twice, once for the signer and once for the
// file, so that it is never held in memory.
func writeBigMessage(t *testing.T, path string, size int) {
	d := newDraft(t, "sender.example")
	header := d.signed[:strings.Index(d.signed, "\r\n\r\n")+4]
	const line = "Line %09d of a large message: the quick brown fox jumps over the lazy dog.\r\n"
	lines := (size - len(header)) / len(fmt.Sprintf(line, 0))
	body := func(w io.Writer, eol string) {
		bw := bufio.NewWriterSize(w, 1<<16)
		for i := 0; i < lines; i++ {
			fmt.Fprintf(bw, strings.TrimSuffix(line, "\r\n")+eol, i)
		}
		bw.Flush()
	}
	pr, pw := io.Pipe()
	go func() {
		body(pw, "\r\n")
		pw.Close()
	}()
	signature, err := testsign.Parse(header).Signature(pr, hostileKey("sender.example"), signOptions(false))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	lf := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
	io.WriteString(f, lf(d.trace+signature+header))
	body(f, "\n")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// A check replayed from a snapshot sends no packet: the server the online
// run used, still configured, sees no query, and the report is the same.
// The message uses every mechanism that looks something up: DKIM keys,
// SPF with an include, DMARC, the recipient's MX, reverse DNS and its
// forward confirmation.
func TestOfflineReplaySendsNothing(t *testing.T) {
	srv := hostileServer(t)
	raw := []byte(newDraft(t, "sender.example").sign(t, "sender.example", true))
	online := check(t, hostileOptions(srv), "online.eml", raw)
	if online.Verdict != inspector.VerdictPass {
		t.Fatalf("online verdict %s: %s", online.Verdict, sections(online))
	}
	types := map[string]bool{}
	for _, a := range online.DNS {
		types[a.Type] = true
	}
	for _, want := range []string{"TXT", "MX", "PTR", "A"} {
		if !types[want] {
			t.Errorf("the online check made no %s query: the test no longer covers every mechanism", want)
		}
	}

	path := filepath.Join(t.TempDir(), "dns.json")
	if err := online.Snapshot().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	snap, err := resolver.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	before := srv.Queries()
	opts := hostileOptions(srv) // the server stays configured: replay must win
	opts.DNS.Replay = snap
	offline := check(t, opts, "offline.eml", raw)
	if n := srv.Queries() - before; n != 0 {
		t.Errorf("the offline check sent %d queries", n)
	}
	if offline.DNSSource != "snapshot" || offline.Verdict != online.Verdict || offline.Headline != online.Headline ||
		!sameRows(offline.Summary, online.Summary) {
		t.Errorf("offline %s %q %+v differs from online %s %q %+v", offline.Verdict, offline.Headline, offline.Summary,
			online.Verdict, online.Headline, online.Summary)
	}
}

func sameRows(a, b []inspector.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Mechanism != b[i].Mechanism || a[i].Result != b[i].Result || a[i].Status != b[i].Status {
			return false
		}
	}
	return true
}

// networkUse lists what in the Go source src (of the file path) reaches the
// network: imports of HTTP, mail or RPC clients, and uses of the standard
// library's dialers, listeners and lookups, of miekg/dns's client, and of
// Fyne's loaders of remote resources.
func networkUse(path string, src []byte) ([]string, error) {
	forbiddenImports := map[string]string{
		"net/http": "HTTP", "net/http/httptrace": "HTTP", "golang.org/x/net/http2": "HTTP",
		"net/smtp": "SMTP", "net/rpc": "RPC", "net/textproto": "a text protocol client",
	}
	forbiddenUses := map[string]map[string]bool{
		"net": {"Dial": true, "DialTimeout": true, "DialTCP": true, "DialUDP": true, "DialIP": true, "DialUnix": true, "Dialer": true,
			"Listen": true, "ListenPacket": true, "ListenTCP": true, "ListenUDP": true,
			"LookupHost": true, "LookupIP": true, "LookupAddr": true, "LookupMX": true, "LookupTXT": true,
			"LookupCNAME": true, "LookupNS": true, "LookupSRV": true, "LookupPort": true, "DefaultResolver": true, "Resolver": true},
		"github.com/miekg/dns":    {"Exchange": true, "ExchangeContext": true, "Client": true, "Dial": true, "DialTimeout": true},
		"fyne.io/fyne/v2/storage": {"LoadResourceFromURLString": true},
		"fyne.io/fyne/v2/canvas":  {"NewImageFromURI": true},
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var found []string
	names := map[string]string{} // local name -> import path
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if what, bad := forbiddenImports[p]; bad {
			found = append(found, "imports "+p+" ("+what+")")
		}
		name := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = p
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok && forbiddenUses[names[pkg.Name]][sel.Sel.Name] {
				found = append(found, "uses "+names[pkg.Name]+"."+sel.Sel.Name)
			}
		}
		return true
	})
	return found, nil
}

// The scanner of TestNothingFetchedButDNS finds what it looks for.
func TestNetworkUse(t *testing.T) {
	for src, want := range map[string]string{
		`import "net/http"; var _ = http.Get`:                                         "imports net/http",
		`import "net"; func f() { net.Dial("udp", "x:53") }`:                          "uses net.Dial",
		`import "net"; var r = net.DefaultResolver`:                                   "uses net.DefaultResolver",
		`import stdnet "net"; var d stdnet.Dialer`:                                    "uses net.Dialer",
		`import "github.com/miekg/dns"; var c dns.Client`:                             "uses github.com/miekg/dns.Client",
		`import "fyne.io/fyne/v2/canvas"; var _ = canvas.NewImageFromURI`:             "uses fyne.io/fyne/v2/canvas.NewImageFromURI",
		`import "fyne.io/fyne/v2/storage"; var _ = storage.LoadResourceFromURLString`: "uses fyne.io/fyne/v2/storage.LoadResourceFromURLString",
		`import "net"; var _ = net.ParseIP("192.0.2.1")`:                              "",
	} {
		found, err := networkUse("x.go", []byte("package x\n"+src+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := strings.Join(found, "; "); !strings.HasPrefix(got, want) || (want == "" && got != "") {
			t.Errorf("%s: found %q, want %q", src, got, want)
		}
	}
}

// Nothing but the DNS layer may reach the network: no HTTP (images,
// remote content, telemetry, update checks), no mail, no lookups that
// bypass inspector/resolver and so escape its log and offline mode. This
// reads every non-test Go file of the module, the GUI included.
func TestNothingFetchedButDNS(t *testing.T) {
	files := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "build", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		// The DNS layer itself, and its loopback test server, may.
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(filepath.ToSlash(path), "inspector/resolver/") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		found, err := networkUse(path, src)
		if err != nil {
			return err
		}
		files++
		for _, f := range found {
			t.Errorf("%s %s: only inspector/resolver may reach the network, and only for DNS", path, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Errorf("only %d Go files read: is the test still run from inspector/?", files)
	}
}

// FuzzCheck runs whole messages through loading and every check, with DNS
// answered from an empty snapshot (no packet is sent; every lookup fails as
// "not in snapshot"). It is seeded with every message fixture of the
// engine's tests, and with the hostile tests' base message signed.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	more, _ := filepath.Glob("testdata/hostile/*.eml")
	for _, file := range append(files, more...) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Signed, so that mutations reach the DKIM verifier past parsing.
	for _, relaxed := range []bool{true, false} {
		f.Add([]byte(newDraft(f, "sender.example").sign(f, "sender.example", relaxed)))
	}
	snap, err := resolver.ParseSnapshot([]byte(`{"version":1}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := message.Parse("fuzz.eml", data)
		if err != nil {
			return
		}
		r := inspector.Check(context.Background(), m, inspector.Options{DNS: resolver.Config{Replay: snap}, Budget: 5 * time.Second})
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("report without JSON form: %v", err)
		}
		if err := plaintext.Write(io.Discard, r, plaintext.Options{}); err != nil {
			t.Fatalf("report does not render: %v", err)
		}
	})
}
