package deliver_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/plaintext"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// These tests run the whole engine on two newsletters, one that meets
// every rule and one that breaks them, against a DNS server on 127.0.0.1.

var shopKey = testsign.Key{Domain: "shop.example", Selector: "s1", Signer: testsign.Seed(13)}

const logo = `<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 64 64">` +
	`<title>Shop</title><circle cx="32" cy="32" r="30" fill="#2a7"/></svg>`

// fixture reads a message and signs the part from its From line on, as the
// author's server sent it; the fields above were added on delivery.
func fixture(t *testing.T, name string, sign bool) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	msg := strings.Replace(string(b), "@LOGO@", base64.StdEncoding.EncodeToString([]byte(logo)), 1)
	msg = strings.Replace(msg, "@FILLER@", strings.Repeat("<p>Everything must go: sofas, tables, chairs and lamps at half price.</p>\n", 1600), 1)
	msg = testsign.CRLF(msg)
	if !sign {
		return msg
	}
	i := strings.Index(msg, "From: ")
	return msg[:i] + testsign.Sign(msg[i:], shopKey, testsign.Options{
		Headers: []string{"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version", "Content-Type"}})
}

func run(t *testing.T, raw string, headerOnly bool) *inspector.Report {
	t.Helper()
	srv := dnstest.StartFile(t, "testdata/e2e.zone")
	srv.Add(shopKey.TXT())
	parse := message.Parse
	if headerOnly {
		parse = message.ParseHeaderOnly
		raw = raw[:strings.Index(raw, "\r\n\r\n")+2]
	}
	m, err := parse("test.eml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return inspector.Check(context.Background(), m, inspector.Options{
		DNS: resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second},
		Now: time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC),
	})
}

// results maps "provider/id" (and "sender/id") to the result.
func results(r *inspector.Report) map[string]string {
	out := map[string]string{}
	for _, p := range r.Deliverability.Providers {
		for _, rule := range p.Rules {
			out[p.Provider+"/"+rule.ID] = rule.Result
		}
	}
	for _, rule := range r.Deliverability.Sender {
		out["sender/"+rule.ID] = rule.Result
	}
	return out
}

func expect(t *testing.T, r *inspector.Report, want map[string]string) {
	t.Helper()
	got := results(r)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if t.Failed() {
		b, _ := json.MarshalIndent(r.Deliverability, "", "  ")
		t.Logf("%s", b)
	}
}

func TestGoodNewsletter(t *testing.T) {
	r := run(t, fixture(t, "good.eml", true), false)
	for k, v := range results(r) {
		if v != deliver.Pass {
			t.Errorf("%s = %s", k, v)
		}
	}
	if len(r.SpamFilters) != 1 || !r.SpamFilters[0].Trusted || r.SpamFilters[0].Verdict != "not_spam" || *r.SpamFilters[0].Threshold != 5 {
		t.Errorf("spam filters %+v", r.SpamFilters)
	}
	if r.BIMI.Result != "pass" || r.BIMI.Location != "https://shop.example/bimi/logo.svg" {
		t.Errorf("BIMI %+v", r.BIMI)
	}
	for _, c := range r.BIMI.Checks {
		if c.Result == "fail" || c.Result == "unknown" {
			t.Errorf("BIMI check %+v", c)
		}
	}
	// One lookup for BIMI, none made twice.
	seen := map[string]bool{}
	for _, a := range r.DNS {
		if seen[a.Name+a.Type] {
			t.Errorf("%s %s asked twice", a.Name, a.Type)
		}
		seen[a.Name+a.Type] = true
	}
	if !seen["default._bimi.shop.example.TXT"] {
		t.Error("no BIMI lookup in the DNS log")
	}
	var text bytes.Buffer
	if err := plaintext.Write(&text, r, plaintext.Options{Width: 100}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Will it reach the inbox", "gmail    ✔ 14 pass, 0 fail", "Spam filter spamassassin ✔ not_spam, score -0.2 of 5", "BIMI ✔ pass"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("no %q in the text:\n%s", want, text.String())
		}
	}
}

func TestBadNewsletter(t *testing.T) {
	r := run(t, fixture(t, "bad.eml", false), false)
	expect(t, r, map[string]string{
		"gmail/spf_pass": "fail", "gmail/dkim_pass": "fail", "gmail/spf_and_dkim_pass": "fail", "gmail/dmarc_record": "fail",
		"gmail/dmarc_aligned": "fail", "gmail/dmarc_pass": "fail", "gmail/ptr_fcrdns": "fail", "gmail/tls": "fail",
		"gmail/one_click_unsubscribe": "fail", "gmail/unsubscribe_link": "fail", "gmail/single_header_instances": "fail",
		"gmail/message_id": "fail", "gmail/key_size": "n/a", "gmail/no_gmail_from": "pass",
		"yahoo/ptr_fcrdns": "fail", "outlook/unsubscribe_link": "fail",
		"sender/shortened_links": "fail", "sender/bounce_handling": "fail", "sender/gmail_clipping": "fail",
	})
	if len(r.SpamFilters) != 1 || r.SpamFilters[0].Trusted {
		t.Errorf("the sender's own X-Spam-Status must not be trusted: %+v", r.SpamFilters)
	}
	if r.BIMI.Result != "none" {
		t.Errorf("BIMI %+v", r.BIMI)
	}
	var text bytes.Buffer
	_ = plaintext.Write(&text, r, plaintext.Options{Width: 100})
	for _, want := range []string{"✘ fail one_click_unsubscribe [gmail (bulk senders), yahoo (bulk senders)]", "Add List-Unsubscribe-Post",
		"✘ fail shortened_links [sender]", "NOT trusted"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("no %q in the text:\n%s", want, text.String())
		}
	}
}

// TestHeaderOnly: without the body, what needs it is unknown.
func TestHeaderOnly(t *testing.T) {
	r := run(t, fixture(t, "good.eml", true), true)
	expect(t, r, map[string]string{
		"gmail/unsubscribe_link": "unknown", "sender/shortened_links": "unknown", "sender/gmail_clipping": "unknown",
		"gmail/one_click_unsubscribe": "pass", "gmail/spf_pass": "pass", "gmail/message_id": "pass",
	})
}

// TestNeverNull holds the contract: the three sections are in every JSON
// report, never null.
func TestNeverNull(t *testing.T) {
	m, err := message.Parse("empty.eml", []byte("Subject: nothing\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := inspector.Check(context.Background(), m, inspector.Options{DNS: resolver.Config{Replay: &resolver.Snapshot{}}})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"deliverability", "spam_filters", "bimi"} {
		if v, ok := top[k]; !ok || string(v) == "null" {
			t.Errorf("%s = %s", k, v)
		}
	}
	if string(top["spam_filters"]) != "[]" {
		t.Errorf("spam_filters = %s", top["spam_filters"])
	}
	var partial []*inspector.Report
	_ = inspector.Check(context.Background(), m, inspector.Options{DNS: resolver.Config{Replay: &resolver.Snapshot{}},
		Progress: func(p *inspector.Report) { partial = append(partial, p) }})
	for _, p := range partial {
		if p.Deliverability == nil || p.SpamFilters == nil || p.BIMI == nil {
			t.Fatalf("a partial report has a null section")
		}
	}
}
