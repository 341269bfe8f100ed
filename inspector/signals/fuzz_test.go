package signals

import (
	"context"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// FuzzHTMLLinks feeds HTML parts through the link reader (the one package
// deliver has, which Scan uses) and the link signals: nothing may fail,
// and every signal is complete and bounded.
func FuzzHTMLLinks(f *testing.F) {
	for _, s := range []string{
		`<a href="https://login.account-verify.example/">https://www.paypal.com/signin</a>`,
		`<a href="mailto:x@evil.example">support@paypal.com</a><a href=http://3405803785/>x</a>`,
		`<a href="https://bit.ly/x"><a href="https://xn--pypal-4ve.com">pаypal.com</a>`,
		`<area href="http://[2001:db8::1]/"><a href="https://paypa1-billing.example">paypal.com/login</a`,
		`<a href="https://www.contoso.example/docs">https://www.contoso.example/docs</a>`,
		"<a href=\"https://a.example/\">\u202ewww.b.example</a><script><a href=x></script>",
	} {
		f.Add(s, "From: Shop <news@shop.example>\r\nReply-To: a@b.example\r\n")
	}
	f.Fuzz(func(t *testing.T, html, header string) {
		raw := []byte(header + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html)
		m, err := message.Parse("fuzz", raw)
		if err != nil {
			return
		}
		c := Scan(context.Background(), m)
		for _, dmarc := range []result.Result{result.Pass, result.Fail} {
			sigs := Find(Input{Message: m, Content: c, DMARC: dmarc, DKIMPass: []string{"shop.example"}, RecipientDomain: "inbox.example"})
			if sigs == nil {
				t.Fatal("nil signals")
			}
			per := map[string]int{}
			for _, s := range sigs {
				per[s.Code]++
				if Severities[s.Code] == "" || s.Text == "" || s.Evidence == "" || len(s.Evidence) > maxEvidence+4 {
					t.Fatalf("bad signal %+v", s)
				}
				if s.Severity.rank() < Severities[s.Code].rank() {
					t.Fatalf("%s raised above its severity: %+v", s.Code, s)
				}
				if per[s.Code] > maxPerCode {
					t.Fatalf("more than %d signals of %s", maxPerCode, s.Code)
				}
			}
		}
	})
}
