package inspector_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/keyarchive"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// gatewayFooter is what a server on the way appends after the author
// signed: a disclaimer.
const gatewayFooter = "\r\n--\r\nThis message was scanned for viruses by the mail gateway of recipient.example.\r\n"

// elsewhere moves the delivering server out of shop.example's SPF record,
// so that only DKIM could authenticate the From domain.
func elsewhere(msg string) string {
	return strings.Replace(msg, "mail.shop.example (mail.shop.example [192.0.2.25])", "relay.example.net (relay.example.net [198.51.100.99])", 1)
}

// TestChangedOnTheWay: where forensics confirm that the author's signature
// fails only because of a change on the way (a footer), or of a key
// replaced since, the verdict says so instead of "Not genuine"; an
// enforced DMARC policy that fails still fails, with a headline that says
// why; and a forged change is still not genuine.
func TestChangedOnTheWay(t *testing.T) {
	genuine := fixture(t, "genuine.eml")
	tests := []struct {
		name     string
		msg      func(t *testing.T) string
		verdict  string
		headline string
		rows     map[string]inspector.Status // the rows' statuses
	}{
		{
			name:     "a footer added on the way, SPF authenticates",
			msg:      func(t *testing.T) string { return sign(t, genuine, "shop.example") + gatewayFooter },
			verdict:  inspector.VerdictWarn,
			headline: "Changed after signing by a server on the way: the rest is as shop.example signed it, but not the text added after signing.",
			rows:     map[string]inspector.Status{"SPF": inspector.StatusGood, "DKIM": inspector.StatusCaution, "DMARC": inspector.StatusCaution},
		},
		{
			name:     "a footer added on the way, nothing else authenticates, p=reject",
			msg:      func(t *testing.T) string { return elsewhere(sign(t, genuine, "shop.example")) + gatewayFooter },
			verdict:  inspector.VerdictFail,
			headline: "Not authenticated as coming from shop.example (its DMARC policy fails): a server on the way changed it after signing.",
			rows:     map[string]inspector.Status{"DKIM": inspector.StatusCaution, "DMARC": inspector.StatusBad},
		},
		{
			// A list's footer breaks every signature of the author at
			// once (RSA and Ed25519 side by side): each is explained.
			name: "a footer added on the way, two signatures of the author",
			msg: func(t *testing.T) string {
				signed := sign(t, genuine, "shop.example")
				i := strings.Index(signed, "DKIM-Signature: ")
				second := testsign.Key{Domain: "shop.example", Selector: "s2", Signer: testsign.Seed(9)}
				return signed[:i] + testsign.Sign(signed[i:], second, testsign.Options{Canon: "simple/simple", Time: time.Now()}) + gatewayFooter
			},
			verdict:  inspector.VerdictWarn,
			headline: "Changed after signing by a server on the way: the rest is as shop.example signed it, but not the text added after signing.",
			rows:     map[string]inspector.Status{"SPF": inspector.StatusGood, "DMARC": inspector.StatusCaution},
		},
		{
			name: "a change in the middle of the body (forged)",
			msg: func(t *testing.T) string {
				return strings.Replace(sign(t, genuine, "shop.example"), "Thank you for your order.", "Please pay into account 12345 today.", 1)
			},
			verdict:  inspector.VerdictFail,
			headline: "Not genuine",
			rows:     map[string]inspector.Status{"DKIM": inspector.StatusBad},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := dnstest.StartFile(t, "testdata/shop.zone")
			srv.Add(keyRecord("shop.example"), testsign.Key{Domain: "shop.example", Selector: "s2", Signer: testsign.Seed(9)}.TXT())
			r := checkRaw(t, srv, tc.msg(t), nil)
			if tc.verdict == inspector.VerdictWarn {
				for _, d := range r.DKIM {
					if d.Result != result.Fail {
						t.Errorf("signature s=%s: %s; the footer must break it", d.Selector, d.Result)
					}
				}
			}
			wantVerdict(t, r, tc.verdict, tc.headline, tc.rows)
		})
	}
}

// TestKeyReplaced: a message whose author's key was replaced after it was
// delivered, checked again with the key archive that saw the old key, is
// not called forged: DMARC fails today only because of the new key.
func TestKeyReplaced(t *testing.T) {
	old := checkKey("shop.example")
	msg := elsewhere(sign(t, fixture(t, "genuine.eml"), "shop.example"))
	keys, err := keyarchive.Open(filepath.Join(t.TempDir(), "keys.json"), false)
	if err != nil {
		t.Fatal(err)
	}

	before := dnstest.StartFile(t, "testdata/shop.zone")
	before.Add(old.TXT())
	r := checkRaw(t, before, msg, keys)
	if r.DMARC.Result != result.Pass {
		t.Fatalf("with the old key published: DMARC %s (%s)", r.DMARC.Result, r.DMARC.Reason)
	}

	after := dnstest.StartFile(t, "testdata/shop.zone")
	after.Add(testsign.Key{Domain: "shop.example", Selector: "s1", Signer: testsign.Seed(8)}.TXT())
	r = checkRaw(t, after, msg, keys)
	wantVerdict(t, r, inspector.VerdictWarn, "Signed by shop.example with a key it has since replaced: the signature verifies with the key that s1._domainkey.shop.example published",
		map[string]inspector.Status{"DKIM": inspector.StatusCaution, "DMARC": inspector.StatusCaution})
	if !strings.Contains(r.Row("DMARC").Reason, "fails only because shop.example replaced its DKIM key") {
		t.Errorf("the DMARC row does not say why: %s", r.Row("DMARC").Reason)
	}

	// Without the archive, nothing shows the key was replaced.
	r = checkRaw(t, after, msg, nil)
	wantVerdict(t, r, inspector.VerdictFail, "Not genuine", map[string]inspector.Status{"DMARC": inspector.StatusBad})
}

func checkRaw(t *testing.T, srv *dnstest.Server, raw string, keys *keyarchive.Archive) *inspector.Report {
	t.Helper()
	m, err := message.Parse(t.Name()+".eml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return inspector.Check(context.Background(), m, inspector.Options{
		DNS:  resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second},
		Keys: keys,
	})
}

func wantVerdict(t *testing.T, r *inspector.Report, verdict, headline string, rows map[string]inspector.Status) {
	t.Helper()
	if r.Verdict != verdict || !strings.Contains(r.Headline, headline) {
		t.Errorf("verdict %s %q, want %s with %q\nreasons: %q", r.Verdict, r.Headline, verdict, headline, r.Reasons)
	}
	for mech, want := range rows {
		if row := r.Row(mech); row == nil || inspector.StatusOf(row.Status) != want {
			t.Errorf("%s row %+v, want %s", mech, row, want)
		}
	}
	for _, c := range r.Contradictions() {
		t.Errorf("%s\nheadline: %s", c, r.Headline)
	}
}
