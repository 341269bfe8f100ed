package inspector_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// From fields that RFC 5322 allows, or that mail programs show, go through
// the whole engine: the report's From and DMARC read the same address
// (package address), DMARC is evaluated, and the verdict follows it. The
// first once made DMARC say "not a valid address (mail: no angle-addr)",
// permerror, and the verdict "Not genuine".
func TestFromFieldsThroughTheEngine(t *testing.T) {
	tests := []struct {
		name, from string
		// What the report shows.
		fromName, fromAddress string
		// DMARC's result and code, the verdict and a part of its headline.
		dmarc    result.Result
		code     string
		verdict  string
		headline string
	}{
		{
			name:     "encoded-word name followed by an encoded-word comment",
			from:     "=?UTF-8?B?w4lsb2RpZSBEdXByw6k=?= (=?UTF-8?Q?Service_client=C3=A8le?=) <orders@shop.example>",
			fromName: "Élodie Dupré", fromAddress: "orders@shop.example",
			dmarc: result.Pass, code: dmarc.CodeAligned, verdict: inspector.VerdictPass, headline: "Genuine",
		},
		{
			name:     "obsolete syntax: a period in the name, comments between the labels",
			from:     "Shop Inc. <orders@(the)shop . example>",
			fromName: "Shop Inc.", fromAddress: "orders@shop.example",
			dmarc: result.Pass, code: dmarc.CodeAligned, verdict: inspector.VerdictPass, headline: "Genuine",
		},
		{
			name:     "an angle bracket left open",
			from:     "Shop <orders@shop.example",
			fromName: "Shop", fromAddress: "orders@shop.example",
			dmarc: result.Pass, code: dmarc.CodeAligned, verdict: inspector.VerdictPass, headline: "Genuine",
		},
		{
			// RFC 7489 section 6.6.1: each author domain is evaluated;
			// attacker.example publishes no DMARC record, so the result
			// is not pass, and several authors keep the verdict at fail.
			name:     "a second author in another domain",
			from:     "Shop <orders@shop.example>, Billing <billing@attacker.example>",
			fromName: "Shop", fromAddress: "orders@shop.example",
			dmarc: result.None, code: dmarc.CodeMultipleAuthors, verdict: inspector.VerdictFail,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := dnstest.StartFile(t, "testdata/shop.zone")
			srv.Add(keyRecord("shop.example"))
			msg := strings.Replace(fixture(t, "genuine.eml"), "From: Shop <orders@shop.example>", "From: "+tc.from, 1)
			m, err := message.Parse(tc.name+".eml", []byte(sign(t, msg, "shop.example")))
			if err != nil {
				t.Fatal(err)
			}
			r := inspector.Check(context.Background(), m, inspector.Options{
				DNS: resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second},
			})
			if r.From.Name != tc.fromName || r.From.Address != tc.fromAddress || r.From.Domain != "shop.example" {
				t.Errorf("From %+v, want %q <%s>", r.From, tc.fromName, tc.fromAddress)
			}
			if r.DMARC.Result != tc.dmarc || r.DMARC.Code != tc.code {
				t.Errorf("DMARC %s (%s): %s; want %s (%s)", r.DMARC.Result, r.DMARC.Code, r.DMARC.Reason, tc.dmarc, tc.code)
			}
			if r.Verdict != tc.verdict || !strings.Contains(r.Headline, tc.headline) {
				t.Errorf("verdict %s %q, want %s with %q\nreasons: %q", r.Verdict, r.Headline, tc.verdict, tc.headline, r.Reasons)
			}
			if tc.verdict == inspector.VerdictPass && strings.Contains(r.Headline, "Not genuine") {
				t.Errorf("headline %q", r.Headline)
			}
		})
	}
}
