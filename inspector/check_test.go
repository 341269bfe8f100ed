package inspector_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// checkKey is the key every domain of these tests signs with (selector
// s1): fixed, so that the fixtures are the same every run.
func checkKey(domain string) testsign.Key {
	return testsign.Key{Domain: domain, Selector: "s1", Signer: testsign.Seed(7)}
}

// sign signs the part of msg from the From line on (what the author's
// server sent) for domain, simple/simple, and keeps the trace fields above
// it as the receiving servers added them after signing.
func sign(t *testing.T, msg, domain string) string {
	t.Helper()
	msg = testsign.CRLF(msg)
	i := strings.Index(msg, "From: ")
	trace, signed := msg[:i], msg[i:]
	// Signed now (t=): deliver just after it.
	now := time.Now()
	trace = strings.Replace(trace, "Sun, 22 Nov 2026 06:00:05 +0000", now.Add(time.Minute).UTC().Format(time.RFC1123Z), 1)
	return trace + testsign.Sign(signed, checkKey(domain), testsign.Options{Canon: "simple/simple", Time: now})
}

func keyRecord(domain string) string { return checkKey(domain).TXT() }

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVerdicts(t *testing.T) {
	genuine := fixture(t, "genuine.eml")
	tests := []struct {
		name       string
		msg        func(t *testing.T) string
		headerOnly bool
		verdict    string
		headline   string // a part of it
		rows       map[string]string
	}{
		{
			name:     "genuine",
			msg:      func(t *testing.T) string { return sign(t, genuine, "shop.example") },
			verdict:  inspector.VerdictPass,
			headline: "Genuine",
			rows:     map[string]string{"SPF": "pass", "DKIM": "pass", "DMARC": "pass", "TLS": "pass"},
		},
		{
			name: "body changed after signing",
			msg: func(t *testing.T) string {
				return strings.Replace(sign(t, genuine, "shop.example"), "Thank you for your order.", "Please pay into account 12345 today.", 1)
			},
			verdict:  inspector.VerdictFail,
			headline: "Not genuine",
			rows:     map[string]string{"SPF": "pass", "DKIM": "fail", "DMARC": "pass"},
		},
		{
			name: "spoofed From under a reject policy",
			msg: func(t *testing.T) string {
				m := strings.Replace(genuine, "mail.shop.example (mail.shop.example [192.0.2.25])", "mail.attacker.example ([203.0.113.9])", 1)
				m = strings.Replace(m, "bounce@shop.example", "bounce@attacker.example", 1)
				return sign(t, m, "attacker.example")
			},
			verdict:  inspector.VerdictFail,
			headline: "Not genuine",
			rows:     map[string]string{"SPF": "pass", "DKIM": "pass", "DMARC": "fail"},
		},
		{
			name: "no DMARC record",
			msg: func(t *testing.T) string {
				m := strings.ReplaceAll(genuine, "shop.example", "nodmarc.example")
				return sign(t, m, "nodmarc.example")
			},
			verdict:  inspector.VerdictWarn,
			headline: "Not proven",
			rows:     map[string]string{"DKIM": "pass", "DMARC": "none"},
		},
		{
			name: "unencrypted relay inside the sender's organisation",
			msg: func(t *testing.T) string {
				m := strings.Replace(genuine, "From: Shop", "Received: from app-7.internal.shop.example (app-7.internal.shop.example [10.0.0.7])\n\tby mail.shop.example with SMTP id 77; Sun, 22 Nov 2026 06:00:01 +0000\nFrom: Shop", 1)
				return sign(t, m, "shop.example")
			},
			verdict: inspector.VerdictPass,
			rows:    map[string]string{"TLS": "pass"},
		},
		{
			name: "a content filter on localhost",
			msg: func(t *testing.T) string {
				m := strings.Replace(genuine, "From: Shop", "Received: from localhost (localhost [127.0.0.1])\n\tby filter.example.net with SMTP id 78; Sun, 22 Nov 2026 06:00:01 +0000\nFrom: Shop", 1)
				return sign(t, m, "shop.example")
			},
			verdict: inspector.VerdictPass,
			rows:    map[string]string{"TLS": "pass"},
		},
		{
			name: "unencrypted hand-off between organisations",
			msg: func(t *testing.T) string {
				m := strings.Replace(genuine, "with ESMTPS id 4ABC123\n\t(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384)", "with ESMTP id 4ABC123", 1)
				return sign(t, m, "shop.example")
			},
			verdict: inspector.VerdictPass,
			rows:    map[string]string{"TLS": "none", "DMARC": "pass"},
		},
		{
			name:       "pasted headers only",
			msg:        func(t *testing.T) string { return sign(t, genuine, "shop.example") },
			headerOnly: true,
			verdict:    inspector.VerdictWarn,
			rows:       map[string]string{"DMARC": "pass"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := dnstest.StartFile(t, "testdata/shop.zone")
			srv.Add(keyRecord("shop.example"), keyRecord("attacker.example"), keyRecord("nodmarc.example"))
			raw := []byte(tc.msg(t))
			load := message.Parse
			if tc.headerOnly {
				load = message.ParseHeaderOnly
			}
			m, err := load(tc.name+".eml", raw)
			if err != nil {
				t.Fatal(err)
			}
			r := inspector.Check(context.Background(), m, inspector.Options{
				DNS: resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second},
			})
			if r.Verdict != tc.verdict || !strings.Contains(r.Headline, tc.headline) {
				t.Errorf("verdict %s %q, want %s with %q\nreasons: %q", r.Verdict, r.Headline, tc.verdict, tc.headline, r.Reasons)
			}
			got := map[string]string{}
			for _, row := range r.Summary {
				got[row.Mechanism] = string(row.Result)
			}
			for mech, want := range tc.rows {
				if got[mech] != want {
					t.Errorf("%s row result %q, want %q (rows %+v)", mech, got[mech], want, r.Summary)
				}
			}
		})
	}
}

// Progress reports partial reports while checks run and never a final
// verdict before the end.
func TestProgress(t *testing.T) {
	srv := dnstest.StartFile(t, "testdata/shop.zone")
	srv.Add(keyRecord("shop.example"))
	m, err := message.Parse("genuine.eml", []byte(sign(t, fixture(t, "genuine.eml"), "shop.example")))
	if err != nil {
		t.Fatal(err)
	}
	var partials []*inspector.Report
	r := inspector.Check(context.Background(), m, inspector.Options{
		DNS:      resolver.Config{Servers: []string{srv.Addr}},
		Progress: func(p *inspector.Report) { partials = append(partials, p) },
	})
	if len(partials) < 3 {
		t.Fatalf("%d progress reports, want one per check", len(partials))
	}
	if partials[0].Verdict != inspector.StatusPending {
		t.Errorf("first partial verdict %q, want pending", partials[0].Verdict)
	}
	if r.Verdict != inspector.VerdictPass {
		t.Errorf("final verdict %q", r.Verdict)
	}
}

// A mailing list that adds a footer breaks the author's DKIM signature; its
// valid ARC seal, saying DKIM passed when the message reached it, turns the
// verdict from fail into warn.
func TestListForwardWithARC(t *testing.T) {
	srv := dnstest.StartFile(t, "arc/testdata/list-forward.zone")
	r, err := inspector.CheckFile(context.Background(), "arc/testdata/list-forward.eml", inspector.Options{
		DNS: resolver.Config{Servers: []string{srv.Addr}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.ARC.Result != result.Pass || len(r.DKIM) != 1 || r.DKIM[0].Result != result.Fail {
		t.Fatalf("fixture: ARC %s, DKIM %+v", r.ARC.Result, r.DKIM)
	}
	if r.Verdict != inspector.VerdictWarn {
		t.Errorf("verdict %s %q, want warn", r.Verdict, r.Headline)
	}
	found := false
	for _, reason := range r.Reasons {
		found = found || strings.Contains(reason, "vouches with a valid ARC seal")
	}
	if !found {
		t.Errorf("no reason mentions the ARC seal: %q", r.Reasons)
	}
}

// The receiver's own Authentication-Results (above its Received field,
// with its authserv-id) is set beside ours; one the sender added below is
// shown as untrusted and makes the verdict warn.
func TestRecordedVerdicts(t *testing.T) {
	receiver := "Authentication-Results: mx.recipient.example;\n\tdkim=pass header.d=shop.example header.s=s1;\n\tspf=pass smtp.mailfrom=bounce@shop.example;\n\tdmarc=pass header.from=shop.example\n"
	forged := "Authentication-Results: mx.recipient.example; dkim=pass header.d=shop.example; spf=pass smtp.mailfrom=shop.example; dmarc=pass header.from=shop.example\n"
	tests := []struct {
		name     string
		msg      func(genuine string) string
		verdict  string
		recorded string
	}{
		{"receiver's own field agrees", func(g string) string { return receiver + g }, inspector.VerdictPass, "agrees"},
		{"forged field that came with the message", func(g string) string {
			// Below the sending side's own Received field: it was in the
			// message before the receiver got it.
			sender := "Received: from app.attacker.example (app.attacker.example [10.1.1.1])\n\tby mail.shop.example with ESMTPS id 9; Sun, 22 Nov 2026 05:59:59 +0000\n"
			i := strings.Index(g, "From: Shop")
			return g[:i] + sender + forged + g[i:]
		}, inspector.VerdictWarn, "none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := dnstest.StartFile(t, "testdata/shop.zone")
			srv.Add(keyRecord("shop.example"))
			raw := tc.msg(sign(t, fixture(t, "genuine.eml"), "shop.example"))
			m, err := message.Parse(tc.name+".eml", []byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			r := inspector.Check(context.Background(), m, inspector.Options{DNS: resolver.Config{Servers: []string{srv.Addr}}})
			var row inspector.Row
			for _, x := range r.Summary {
				if x.Mechanism == "Recorded" {
					row = x
				}
			}
			if r.Verdict != tc.verdict || string(row.Result) != tc.recorded {
				t.Errorf("verdict %s, Recorded row %+v; want %s and %q\nreasons %q", r.Verdict, row, tc.verdict, tc.recorded, r.Reasons)
			}
		})
	}
}
