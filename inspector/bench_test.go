package inspector_test

// Speed of the whole check. Figures are only meaningful as ratios against
// a baseline of the same run (the critical-path bound, ns per byte at two
// sizes); see README "Speed and limits" for the commands.

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/cli"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// benchDelay is how late the loopback server answers every query in
// BenchmarkCheckCriticalPath: a realistic round trip to a recursive
// resolver.
const benchDelay = 20 * time.Millisecond

// criticalPath are the queries of the typical message of
// BenchmarkCheckCriticalPath (sender.example in
// testdata/hostile/hostile.zone), and its critical path: the longest chain
// of lookups that each need the answer of the one before.
//
//	MX recipient.example          (the boundary hop, hence the client IP)
//	  -> TXT sender.example       (SPF for that IP)
//	       -> TXT _spf.esp.example (its include:)
//	  -> PTR 25.2.0.192.in-addr.arpa (FCrDNS of that IP)
//	       -> A, AAAA mail.sender.example
//	TXT s1._domainkey.sender.example, TXT _dmarc.sender.example: no
//	dependency (the DMARC record is asked for at the start, and judged
//	once SPF and DKIM are done)
//
// Three round trips, where asking one after another would take nine.
var criticalPath = struct {
	queries []string
	depth   int
}{
	queries: []string{"A mail.sender.example.", "AAAA mail.sender.example.", "MX recipient.example.",
		"PTR 25.2.0.192.in-addr.arpa.", "TXT _dmarc.sender.example.", "TXT _spf.esp.example.",
		"TXT s1._domainkey.sender.example.", "TXT sender.example."},
	depth: 3,
}

// BenchmarkCheckCriticalPath checks a typical message (DKIM key, DMARC
// record, SPF with an include, MX for the boundary, PTR and FCrDNS)
// against a server that delays every answer by 20 ms, and reports the time
// taken as a ratio of the critical-path bound (3 x 20 ms): close to 1 when
// independent lookups run at the same time, near 3 when they run one after
// another.
func BenchmarkCheckCriticalPath(b *testing.B) {
	srv := hostileServer(b)
	srv.SetDelay(benchDelay)
	m, err := message.Parse("typical.eml", []byte(newDraft(b, "sender.example").sign(b, "sender.example", true)))
	if err != nil {
		b.Fatal(err)
	}
	opts := inspector.Options{DNS: resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second}}

	// The bound holds only for the lookups counted above.
	r := inspector.Check(context.Background(), m, opts)
	var asked []string
	for _, a := range r.DNS {
		asked = append(asked, a.Type+" "+a.Name)
	}
	slices.Sort(asked)
	if !slices.Equal(asked, criticalPath.queries) {
		b.Fatalf("the check asked %q, not the queries the bound was counted for (%q)", asked, criticalPath.queries)
	}
	if r.Verdict != inspector.VerdictPass {
		b.Fatalf("verdict %s: %s", r.Verdict, sections(r))
	}

	bound := time.Duration(criticalPath.depth) * benchDelay
	b.ResetTimer()
	for b.Loop() {
		inspector.Check(context.Background(), m, opts)
	}
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(perOp)/float64(bound), "x-critical-path")
	b.ReportMetric(float64(len(criticalPath.queries)*int(benchDelay))/float64(bound), "x-if-sequential")
}

// TestIndependentLookupsOverlap is the regression test behind
// BenchmarkCheckCriticalPath, without timing anything: with every answer
// 300 ms late, lookups that do not depend on each other must be in flight
// at the same time (each sent before the other's answer came).
func TestIndependentLookupsOverlap(t *testing.T) {
	srv := hostileServer(t)
	srv.SetDelay(300 * time.Millisecond)
	m, err := message.Parse("typical.eml", []byte(newDraft(t, "sender.example").sign(t, "sender.example", true)))
	if err != nil {
		t.Fatal(err)
	}
	r := inspector.Check(context.Background(), m, inspector.Options{DNS: resolver.Config{Servers: []string{srv.Addr}, Timeout: 5 * time.Second}})
	sent := map[string]resolver.Answer{}
	for _, a := range r.DNS {
		sent[a.Type+" "+a.Name] = a
	}
	for _, pair := range [][2]string{
		{"TXT s1._domainkey.sender.example.", "MX recipient.example."}, // DKIM key, route
		{"TXT _dmarc.sender.example.", "MX recipient.example."},        // DMARC record, route
		{"TXT sender.example.", "PTR 25.2.0.192.in-addr.arpa."},        // SPF, FCrDNS
		{"TXT _spf.esp.example.", "A mail.sender.example."},            // SPF include, FCrDNS
		{"A mail.sender.example.", "AAAA mail.sender.example."},        // both address families
	} {
		a, okA := sent[pair[0]]
		b, okB := sent[pair[1]]
		if !okA || !okB {
			t.Errorf("%s or %s was not asked (log %v)", pair[0], pair[1], slices.Collect(maps.Keys(sent)))
			continue
		}
		if !a.Time.Before(b.Time.Add(time.Duration(b.RTT))) || !b.Time.Before(a.Time.Add(time.Duration(a.RTT))) {
			t.Errorf("%s (sent at +%v, answered after %v) and %s (sent at +%v, answered after %v) were asked one after the other, not at the same time",
				pair[0], a.Time.Sub(r.DNS[0].Time), time.Duration(a.RTT), pair[1], b.Time.Sub(r.DNS[0].Time), time.Duration(b.RTT))
		}
	}
}

// replayOptions runs one check of raw against the hostile zone and returns
// options that replay its DNS answers from a snapshot (as --offline does),
// so that a benchmark measures the checks, not the loopback network.
func replayOptions(b *testing.B, raw []byte) inspector.Options {
	b.Helper()
	srv := hostileServer(b)
	m, err := message.Parse("record.eml", raw)
	if err != nil {
		b.Fatal(err)
	}
	r := inspector.Check(context.Background(), m, hostileOptions(srv))
	path := filepath.Join(b.TempDir(), "dns.json")
	if err := r.Snapshot().WriteFile(path); err != nil {
		b.Fatal(err)
	}
	snap, err := resolver.ReadSnapshot(path)
	if err != nil {
		b.Fatal(err)
	}
	return inspector.Options{DNS: resolver.Config{Replay: snap}}
}

// BenchmarkCheckFolder runs `mailinspector check --json --offline` over a
// folder of 1,000 messages (RSA-2048 signed, relaxed, bodies of about
// 4 KB, SPF with an include, DMARC, MX, FCrDNS), with every DNS answer
// replayed from a snapshot recorded beforehand against the loopback server:
// the warm cache. It reports messages per second.
func BenchmarkCheckFolder(b *testing.B) {
	const n = 1000
	dir := b.TempDir()
	// Signed with a 2048-bit RSA key, the kind most mail carries.
	key := testsign.Key{Domain: "sender.example", Selector: "s2", Signer: testsign.RSA2048(0)}
	srv := hostileServer(b)
	srv.Add(key.TXT())
	paragraph := strings.Repeat("Thank you for your order. Your parcel leaves our warehouse today and should reach you within three days.\r\n", 36)
	files := make([]string, n)
	for i := range files {
		d := newDraft(b, "sender.example")
		d.signed = strings.Replace(d.signed, "Your order 1234", fmt.Sprintf("Your order %d", i), 1)
		d.signed = strings.Replace(d.signed, "order-1234@", fmt.Sprintf("order-%d@", i), 1)
		d.signed = strings.Replace(d.signed, "Message-ID:", "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nMessage-ID:", 1)
		d.signed = strings.Replace(d.signed, "Thank you for your order.\r\n", fmt.Sprintf("Order %d\r\n\r\n%s", i, paragraph), 1)
		files[i] = filepath.Join(dir, fmt.Sprintf("%04d.eml", i))
		signed := d.trace + testsign.Sign(d.signed, key, testsign.Options{Time: time.Now(),
			Headers: []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}})
		if err := os.WriteFile(files[i], []byte(signed), 0o644); err != nil {
			b.Fatal(err)
		}
	}

	// Record the answers once, online.
	snap := filepath.Join(dir, "dns.json")
	var stderr strings.Builder
	if code := cli.Run(context.Background(), append([]string{"--json", "--dns", srv.Addr, "--record", snap}, files...), io.Discard, &stderr); code != cli.ExitOK {
		b.Fatalf("recording run: exit %d: %s", code, stderr.String())
	}
	before := srv.Queries()
	args := append([]string{"--json", "--offline", "--snapshot", snap}, files...)
	var out strings.Builder
	if code := cli.Run(context.Background(), args, &out, &stderr); code != cli.ExitOK {
		b.Fatalf("offline run: exit %d: %s", code, stderr.String())
	}
	if got := strings.Count(out.String(), `"verdict":"pass"`); got != n {
		b.Fatalf("%d of %d messages pass offline: the snapshot does not cover them", got, n)
	}

	b.ResetTimer()
	for b.Loop() {
		if code := cli.Run(context.Background(), args, io.Discard, io.Discard); code != cli.ExitOK {
			b.Fatalf("exit %d", code)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
	if srv.Queries() != before {
		b.Errorf("the offline runs sent %d queries", srv.Queries()-before)
	}
}

// BenchmarkCheckWhitespaceLine checks a message whose body is one line of
// spaces and tabs, 5 MB and 50 MB long, signed with relaxed body
// canonicalisation (DNS replayed from a snapshot). The time per byte
// (ns/byte) must be the same at both sizes: linear, not quadratic.
func BenchmarkCheckWhitespaceLine(b *testing.B) {
	d := newDraft(b, "sender.example")
	d.signed = strings.Replace(d.signed, "Thank you for your order.", "a b", 1)
	signed := d.sign(b, "sender.example", true)
	opts := replayOptions(b, []byte(signed))
	head := signed[:strings.Index(signed, "\r\n\r\n")+4]
	for _, size := range []int{5_000_000, 50_000_000} {
		raw := make([]byte, 0, len(head)+size+8)
		raw = append(raw, head...)
		raw = append(raw, 'a')
		for len(raw) < len(head)+size {
			raw = append(raw, " \t\t  \t "...)
		}
		raw = append(raw, "b\r\n"...)
		m, err := message.Parse("whitespace.eml", raw)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dMB", size/1_000_000), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if r := inspector.Check(context.Background(), m, opts); r.DKIM[0].Result != "pass" {
					b.Fatalf("DKIM %s: %s", r.DKIM[0].Result, r.DKIM[0].Reason)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(raw)), "ns/byte")
		})
	}
}

// BenchmarkCheckManyFields checks messages with 1,000 and 10,000 forged
// Received fields, and 100 and 1,000 DKIM-Signature fields, and reports
// the time per field: it must not grow with the number of fields.
func BenchmarkCheckManyFields(b *testing.B) {
	d := newDraft(b, "sender.example")
	base := d.sign(b, "sender.example", true)
	opts := replayOptions(b, []byte(base))
	from := strings.Index(base, "From: ")
	for _, tc := range []struct {
		kind  string
		field func(i int) string
		at    int // where the fields go: below the recipient's Received field, or among the signatures
	}{
		{"Received", func(i int) string {
			return fmt.Sprintf("Received: from h%d (h%d [10.%d.%d.1]) by h%d; Sun, 22 Nov 2026 05:%02d:00 +0000\r\n", i+1, i+1, i/250, i%250, i, i%60)
		}, strings.Index(base, "DKIM-Signature:")},
		{"DKIM-Signature", func(i int) string {
			return fmt.Sprintf("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=sender.example; s=x%d;\r\n\th=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\r\n", i)
		}, from},
	} {
		for _, count := range []int{100, 1_000, 10_000} {
			if tc.kind == "DKIM-Signature" && count == 10_000 || tc.kind == "Received" && count == 100 {
				continue
			}
			var fields strings.Builder
			for i := 0; i < count; i++ {
				fields.WriteString(tc.field(i))
			}
			m, err := message.Parse("many.eml", []byte(base[:tc.at]+fields.String()+base[tc.at:]))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%d", tc.kind, count), func(b *testing.B) {
				for b.Loop() {
					inspector.Check(context.Background(), m, opts)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(count), "ns/field")
			})
		}
	}
}
