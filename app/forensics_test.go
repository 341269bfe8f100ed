package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// dkimCardFor is the card of the signature of domain in e's DKIM tab.
func dkimCardFor(t *testing.T, e *entry, domain string) *dkimCard {
	t.Helper()
	v := detailTabOf[*dkimTab](t, e, "DKIM")
	for i, s := range e.report.DKIM {
		if s.Domain == domain {
			return v.cards.views[i].(*dkimCard)
		}
	}
	t.Fatalf("no signature of %s", domain)
	return nil
}

// confirmedOf are the confirmed changes a forensics block shows, as
// "where: caption | added text".
func confirmedOf(v *forensicsView) []string {
	var out []string
	for i, it := range v.confirmed.views {
		if !v.confirmed.objs[i].Visible() {
			continue
		}
		c := it.(*confirmedView)
		line := c.where.Text + ":"
		if c.added.Visible() {
			line += " " + c.caption.Text + " | " + c.text.Text
		}
		out = append(out, line)
	}
	return out
}

// The mailing-list sample: the list added a footer and tagged the Subject;
// both undone make the author's signature hold.
func TestForensicsListFooter(t *testing.T) {
	a := newTestApp(t, startZone(t))
	a.OpenFiles([]string{sample(t, "mailing-list.eml")})
	e := a.entries[0]
	wait(t, e)
	c := dkimCardFor(t, e, "contoso.example")
	got := confirmedOf(c.forensics)
	if len(got) != 2 || !strings.HasPrefix(got[0], "in the body: Added after signing — not signed by contoso.example (168 bytes): | ") ||
		!strings.Contains(got[0], "team mailing list -- team@lists.tailspin.example\nTo unsubscribe") ||
		got[1] != "in the Subject field: Added after signing — not signed by contoso.example (7 bytes): | [team] " {
		t.Errorf("confirmed changes:\n%s", strings.Join(got, "\n"))
	}
	mustContain(t, "the card", c.object(), "Why it broke", "Changed after signing")
	mustLack(t, "the card", c.object(), "Possible, not confirmed")
	// The list's own signature passes: nothing to explain.
	if pass := dkimCardFor(t, e, "lists.tailspin.example"); pass.forensics.root.Visible() {
		t.Error("a passing signature shows a forensics block")
	}
}

// A security gateway put a banner at the top of the body.
func TestForensicsGatewayBanner(t *testing.T) {
	key := testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(41)}
	m := &testsign.Message{
		Fields: []string{
			"From: Alice Liddell <alice@example.org>\r\n",
			"To: bob@corp.example\r\n",
			"Subject: Quarterly figures\r\n",
			"Date: Thu, 12 Mar 2026 16:02:27 +0000\r\n",
			"Message-ID: <figures.42@example.org>\r\n",
			"MIME-Version: 1.0\r\n",
			"Content-Type: text/plain; charset=utf-8\r\n",
		},
		Body: testsign.CRLF("Hi Bob,\n\nthe figures are on the wiki.\n\nAlice\n"),
	}
	m.Sign(key, testsign.Options{Headers: []string{"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}})
	m.Body = "CAUTION: This email originated from outside of the organization. Do not\r\n" +
		"click links or open attachments unless you recognize the sender.\r\n\r\n" + m.Body
	path := filepath.Join(t.TempDir(), "gateway-banner.eml")
	if err := os.WriteFile(path, []byte(m.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	a, e := openChecked(t, path, dnstest.Start(t, key.TXT()))
	c := dkimCardFor(t, e, "example.org")
	got := confirmedOf(c.forensics)
	if len(got) != 1 || !strings.HasPrefix(got[0], "in the body: Added after signing — not signed by example.org (") ||
		!strings.Contains(got[0], "| CAUTION: This email originated from outside of the organization. Do not\nclick links") {
		t.Errorf("confirmed changes:\n%s", strings.Join(got, "\n"))
	}
	shoot(t, a, e, "dkim-gateway-banner")
}

// Unconfirmed changes come after the confirmed ones, grey and without
// highlight; a key changed since it was last seen is a caution that
// opens to the key seen before. The same block shows in an ARC instance.
func TestForensicsPossibleAndKeyChanged(t *testing.T) {
	test.NewTempApp(t)
	s := fromJSON[dkim.Result](t, `{"domain":"example.org","selector":"sel","result":"fail","reason":"The body was changed.",
		"forensics":[
		 {"change":"transfer_reencoded","where":"body","detail":"a relay converted the body from quoted-printable to 8bit","confirmed":false},
		 {"change":"header_added","where":"header:message-id","detail":"a second Message-ID field was added","confirmed":true}],
		"key_changed":{"name":"sel._domainkey.example.org","now":"replaced","previous_record":"v=DKIM1; k=ed25519; p=OLDKEY",
		 "previous_first_seen":"2026-03-01T10:00:00Z","previous_last_seen":"2026-03-02T10:00:00Z",
		 "text":"Key changed since you last saw this sender: the key at sel._domainkey.example.org was last seen on 2026-03-02, and another key is published there now."}}`)
	o := dkimCardOf(s, false)
	text := allText(o)
	for _, want := range []string{"Key changed since you last saw this sender", "The key seen before", "v=DKIM1; k=ed25519; p=OLDKEY",
		"from 2026-03-01 to 2026-03-02", "another key is published there", "Why it broke", "Changed after signing", "in the Message-ID field",
		"A second Message-ID field was added.", "Possible, not confirmed",
		"A relay converted the body from quoted-printable to 8bit (in the body)."} {
		if !strings.Contains(text, want) {
			t.Errorf("the card lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "Changed after signing") > strings.Index(text, "Possible, not confirmed") {
		t.Error("an unconfirmed change is shown before a confirmed one")
	}
	if strings.Contains(text, "Added after signing") {
		t.Error("a change that added no text has a highlight")
	}
	if d := moreDetails(o); d != nil && strings.Contains(allText(d), "forensics") {
		t.Error("More details repeats the forensics")
	}

	in := fromJSON[arc.Result](t, `{"result":"fail","reason":"The chain is broken.","instances":[{"instance":1,"domain":"lists.example.net",
		"ams_result":"fail","seal_result":"pass","forensics":[{"change":"footer_appended","where":"body","confirmed":true,
		"detail":"a server added 12 bytes after the signed body","text":"-- \r\nFooter\r\n","bytes":12}]}]}`)
	arcObj := sectionObject[arc.Result](newARCView(), in)
	mustContain(t, "the ARC instance", arcObj, "Why it broke", "Added after signing — not signed by lists.example.net (12 bytes):", "-- \nFooter")
}

func TestWhereText(t *testing.T) {
	for in, want := range map[string]string{
		"body": "in the body", "header:subject": "in the Subject field", "header:message-id": "in the Message-ID field",
		"header:dkim-signature": "in the DKIM-Signature field", "header:content-transfer-encoding": "in the Content-Transfer-Encoding field",
		"header:arc-message-signature": "in the ARC-Message-Signature field",
	} {
		if got := whereText(in); got != want {
			t.Errorf("whereText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := addedText("abc", 10); got != "abc…" {
		t.Errorf("a cut text reads %q", got)
	}
}
