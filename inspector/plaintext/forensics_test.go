package plaintext

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dkim"
)

func TestForensics(t *testing.T) {
	r := report()
	r.DKIM = []*dkim.Result{{Domain: "contoso.example", Selector: "sel1", Algorithm: "rsa-sha256", Result: "fail",
		Forensics: dkim.Findings{
			{Change: dkim.FooterAppended, Where: "body", Confirmed: true, Detail: "the mailing list team.example.net added 168 bytes after the signed body: “team mailing list”",
				Text: "\r\n____\r\nteam mailing list\r\nTo unsubscribe write to team-leave@example.net\r\n"},
			{Change: dkim.TransferReencoded, Where: "body", Detail: "the X-MIME-Autoconverted field says a server converted the body"},
		},
		KeyChanged: &dkim.KeyChange{Text: "Key changed since you last saw this sender: the key at sel1._domainkey.contoso.example was last seen on 2026-03-02."}}}
	r.ARC = &arc.Result{Instances: []*arc.Instance{{Instance: 1, Domain: "lists.example.net", AMSResult: "fail",
		Forensics: dkim.Findings{{Change: dkim.SubjectTag, Where: "header:subject", Confirmed: true, Detail: "the tag “[EXTERNAL] ” was put in front of the Subject", Text: "[EXTERNAL] "}}}}}
	var b bytes.Buffer
	if err := Write(&b, r, Options{Width: 100}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"       changed after signing (confirmed): the mailing list team.example.net added 168 bytes",
		"       + ____\n       + team mailing list\n       + To unsubscribe write to team-leave@example.net\n",
		"       possibly changed (not confirmed): the X-MIME-Autoconverted field says",
		"       ! Key changed since you last saw this sender",
		"message signature fail",
		"       changed after signing (confirmed): the tag “[EXTERNAL] ” was put in front of the Subject.\n       + [EXTERNAL]\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
