package app

// The sample messages of Help > Open Sample are generated here:
//
//	go test ./app -run TestSamples -update
//
// signs them with the test keys in testdata/samples (made on first use),
// serves the records of samplesZone from a loopback DNS server, checks each
// sample with the engine against it, and writes the messages and every DNS
// answer the engine asked for (plus every record of the zone) to
// ../assets/samples. Without -update the test checks that the committed
// files are consistent: the signatures verify with go-msgauth against the
// snapshot, and the engine finds every answer it needs in the snapshot, so
// that a new user sees a full report offline. When the engine learns to
// ask for more, the test says to regenerate.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	mdns "github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

var update = flag.Bool("update", false, "regenerate the sample messages and their DNS snapshot in ../assets/samples")

const (
	samplesOut  = "../assets/samples"
	samplesKeys = "testdata/samples"
)

// sampleKeys are the keys the samples are signed with: selector and domain
// as published in samplesZone, the key file in testdata/samples, and the
// kind of key made when the file does not exist.
var sampleKeys = []struct {
	domain, selector, file, kind string
}{
	{"northwind.example", "nw2026", "northwind.pem", "rsa2048"},
	{"cheaphost.example", "relay", "cheaphost.pem", "rsa2048"},
	{"contoso.example", "sel1", "contoso.pem", "rsa2048"},
	{"lists.tailspin.example", "list", "lists-tailspin.pem", "ed25519"},
	{"tailspin.example", "arc2026", "tailspin-arc.pem", "rsa2048"},
}

// samplesZone is the DNS the samples were "sent" under. %s are the DKIM
// key records, in the order of sampleKeys.
const samplesZone = `$TTL 3600
; Northwind, a shop whose newsletter is genuine.
northwind.example.              IN MX  10 mx.northwind.example.
northwind.example.              IN TXT "v=spf1 mx include:_spf.northwind.example -all"
mx.northwind.example.           IN A   192.0.2.10
_dmarc.northwind.example.       IN TXT "v=DMARC1; p=reject; adkim=r; aspf=r; rua=mailto:dmarc@northwind.example"
_spf.northwind.example.         IN TXT "v=spf1 ip4:192.0.2.0/26 ip6:2001:db8:25::/48 ~all"
mailer.northwind.example.       IN TXT "v=spf1 include:_spf.northwind.example -all"
out1.mailer.northwind.example.  IN A   192.0.2.25
out1.mailer.northwind.example.  IN TXT "v=spf1 a -all"
25.2.0.192.in-addr.arpa.        IN PTR out1.mailer.northwind.example.
%s
; Fabrikam, a bank whose name is abused; its mail leaves from 198.51.100.128/25.
fabrikam.example.               IN MX  10 mx.fabrikam.example.
fabrikam.example.               IN TXT "v=spf1 ip4:198.51.100.128/25 -all"
mx.fabrikam.example.            IN A   198.51.100.130
_dmarc.fabrikam.example.        IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@fabrikam.example"
; Cheaphost, where the spoof came from: its reverse name does not resolve back.
cheaphost.example.              IN TXT "v=spf1 ip4:203.0.113.0/24 ~all"
vps-66.cheaphost.example.       IN A   203.0.113.99
66.113.0.203.in-addr.arpa.      IN PTR vps-66.cheaphost.example.
%s
; Contoso, where Alice writes from, and Tailspin, whose mailing list relays it.
contoso.example.                IN MX  10 smtp.contoso.example.
contoso.example.                IN TXT "v=spf1 ip4:198.51.100.7 -all"
smtp.contoso.example.           IN A   198.51.100.7
7.100.51.198.in-addr.arpa.      IN PTR smtp.contoso.example.
_dmarc.contoso.example.         IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@contoso.example"
%s
lists.tailspin.example.         IN MX  10 mail.lists.tailspin.example.
lists.tailspin.example.         IN TXT "v=spf1 ip4:198.51.100.40 -all"
mail.lists.tailspin.example.    IN A   198.51.100.40
mail.lists.tailspin.example.    IN TXT "v=spf1 a -all"
40.100.51.198.in-addr.arpa.     IN PTR mail.lists.tailspin.example.
_dmarc.tailspin.example.        IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@tailspin.example"
%s
%s
; Inbox, where the samples were delivered.
inbox.example.                  IN MX  10 mx.inbox.example.
mx.inbox.example.               IN A   192.0.2.200
`

// extraQuestions are asked besides every name and type of the zone, so that
// the snapshot answers the lookups a check may make and find nothing (the
// DMARC record of a subdomain, the SPF record of a HELO name, IPv6
// addresses).
var extraQuestions = []string{
	"_dmarc.mailer.northwind.example TXT",
	"_dmarc.lists.tailspin.example TXT",
	"_dmarc.cheaphost.example TXT",
	"_dmarc.inbox.example TXT",
	"vps-66.cheaphost.example TXT",
	"smtp.contoso.example TXT",
	"out1.mailer.northwind.example AAAA",
	"mail.lists.tailspin.example AAAA",
	"smtp.contoso.example AAAA",
	"vps-66.cheaphost.example AAAA",
	"mx.northwind.example AAAA",
}

// Times of the samples' journeys.
var (
	newsletterSent = time.Date(2026, 3, 10, 9, 15, 2, 0, time.UTC)
	spoofSent      = time.Date(2026, 3, 11, 2, 41, 17, 0, time.UTC)
	listSent       = time.Date(2026, 3, 12, 16, 2, 27, 0, time.UTC)
)

func TestSamples(t *testing.T) {
	if *update {
		generateSamples(t)
	}
	snapData := assets.SampleSnapshot()
	if len(snapData) == 0 {
		t.Fatalf("%s is missing: run go test ./app -run TestSamples -update", filepath.Join(samplesOut, "snapshot.json"))
	}
	snap, err := resolver.ParseSnapshot(snapData)
	if err != nil {
		t.Fatalf("%s: %v", assets.SnapshotFile, err)
	}
	samples := assets.Samples()
	if len(samples) != 3 {
		t.Fatalf("got %d samples, want 3: run go test ./app -run TestSamples -update", len(samples))
	}
	// What go-msgauth says of each DKIM signature, by domain.
	wantDKIM := map[string]map[string]bool{
		"newsletter.eml":   {"northwind.example": true},
		"spoof.eml":        {"cheaphost.example": true},
		"mailing-list.eml": {"contoso.example": false, "lists.tailspin.example": true},
	}
	for _, s := range samples {
		t.Run(s.File, func(t *testing.T) {
			ctx := context.Background()
			dns := resolver.New(resolver.Config{Replay: snap})
			verifs, err := dkim.VerifyWithOptions(bytes.NewReader(s.Data), &dkim.VerifyOptions{
				LookupTXT: func(domain string) ([]string, error) { return dns.LookupTXT(ctx, domain) },
			})
			if err != nil {
				t.Fatalf("go-msgauth: %v", err)
			}
			got := make(map[string]bool)
			for _, v := range verifs {
				got[v.Domain] = v.Err == nil
				if v.Err != nil {
					t.Logf("DKIM d=%s: %v", v.Domain, v.Err)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(wantDKIM[s.File]) {
				t.Errorf("DKIM verified by go-msgauth: %v, want %v", got, wantDKIM[s.File])
			}

			m, err := message.Parse(s.File, s.Data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			r := inspector.Check(ctx, m, inspector.Options{DNS: resolver.Config{Replay: snap}})
			for _, a := range r.DNS {
				if strings.Contains(a.Error, "not in snapshot") {
					t.Errorf("the engine asked for %s %s, which %s lacks: regenerate it with go test ./app -run TestSamples -update",
						a.Name, a.Type, assets.SnapshotFile)
				}
			}
			t.Logf("verdict %s: %s (%d DNS answers from the snapshot)", r.Verdict, r.Headline, len(r.DNS))
			want := map[string]string{"newsletter.eml": inspector.VerdictPass, "spoof.eml": inspector.VerdictFail}[s.File]
			if want != "" && r.Verdict != inspector.VerdictNone && r.Verdict != want {
				t.Errorf("verdict %s, want %s (%s)", r.Verdict, want, r.Headline)
			}
		})
	}
}

// generateSamples writes the samples and their snapshot (see the file
// comment).
func generateSamples(t *testing.T) {
	keys := make(map[string]testsign.Key)
	var records []any
	for _, k := range sampleKeys {
		signer, err := testsign.LoadOrCreateKey(filepath.Join(samplesKeys, k.file), k.kind)
		if err != nil {
			t.Fatal(err)
		}
		sk := testsign.Key{Domain: k.domain, Selector: k.selector, Signer: signer}
		keys[k.domain] = sk
		records = append(records, sk.TXT())
	}
	zone := fmt.Sprintf(samplesZone, records...)
	srv := dnstest.Start(t, zone)

	msgs := map[string]string{
		"newsletter.eml":   newsletter(keys),
		"spoof.eml":        spoof(keys),
		"mailing-list.eml": mailingList(keys),
	}
	if err := os.MkdirAll(samplesOut, 0o755); err != nil {
		t.Fatal(err)
	}
	// Every record of the zone, and the questions a check may ask in vain.
	ctx := context.Background()
	c := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second})
	zp := mdns.NewZoneParser(strings.NewReader(zone), "", "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		c.Query(ctx, rr.Header().Name, rr.Header().Rrtype)
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	for _, q := range extraQuestions {
		name, typ, _ := strings.Cut(q, " ")
		c.Query(ctx, name, mdns.StringToType[typ])
	}
	snap := c.Snapshot()

	names := make([]string, 0, len(msgs))
	for name := range msgs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data := msgs[name]
		if err := os.WriteFile(filepath.Join(samplesOut, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		// Whatever else the engine asks for, as it asks it.
		m, err := message.Parse(name, []byte(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := inspector.Check(ctx, m, inspector.Options{DNS: resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second}})
		snap.Merge(r.Snapshot())
	}
	sort.SliceStable(snap.Entries, func(i, j int) bool {
		a, b := snap.Entries[i], snap.Entries[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Type < b.Type
	})
	snap.Recorded = listSent.Add(time.Hour)
	if err := snap.WriteFile(filepath.Join(samplesOut, "snapshot.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(samplesKeys, "samples.zone"), []byte(zone), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d samples and %d snapshot entries to %s", len(msgs), len(snap.Entries), samplesOut)
}

// date formats t as in a Date or Received field.
func date(t time.Time) string { return t.Format("Mon, 02 Jan 2006 15:04:05 -0700") }

// headerB is the header.b value of an Authentication-Results field: the
// first 8 characters of the signature.
func headerB(b string) string { return b[:8] }

func newsletter(keys map[string]testsign.Key) string {
	t := newsletterSent
	d := &testsign.Message{Body: testsign.CRLF(`--=_nw_2026_03
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Northwind Shop - spring news

Hello,

Our spring collection is here: garden tools, seed kits and the
new Northwind watering can, with free delivery until 31 March.

  See the collection: https://northwind.example/spring

You receive this newsletter because you subscribed at
northwind.example. Unsubscribe: https://northwind.example/unsubscribe

(This is a sample message shipped with Mail Inspector. Northwind and
northwind.example are made up.)

--=_nw_2026_03
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<html><body>
<h1>Northwind Shop &ndash; spring news</h1>
<p>Our spring collection is here: garden tools, seed kits and the new
Northwind watering can, with free delivery until 31 March.</p>
<p><a href="https://northwind.example/spring">See the collection</a></p>
<p style="font-size:small">You receive this newsletter because you
subscribed at northwind.example.
<a href="https://northwind.example/unsubscribe">Unsubscribe</a>.<br>
This is a sample message shipped with Mail Inspector.</p>
</body></html>

--=_nw_2026_03--
`)}
	d.Fields = []string{
		"From: Northwind Shop <news@northwind.example>\r\n",
		"To: reader@inbox.example\r\n",
		"Subject: Spring is here: new garden tools and free delivery\r\n",
		"Date: " + date(t) + "\r\n",
		"Message-ID: <20260310091502.4711.news@mailer.northwind.example>\r\n",
		"List-Unsubscribe: <https://northwind.example/unsubscribe?u=r123>\r\n",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
		"MIME-Version: 1.0\r\n",
		"Content-Type: multipart/alternative; boundary=\"=_nw_2026_03\"\r\n",
	}
	b := d.Sign(keys["northwind.example"], testsign.Options{Time: t,
		Headers: []string{"from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post", "mime-version", "content-type", "from"}})
	d.Prepend("Received", "from app-7.internal.northwind.example (app-7.internal.northwind.example [10.20.0.7])\r\n"+
		"\tby out1.mailer.northwind.example (Postfix) with ESMTP id 8C2F51A0042\r\n"+
		"\tfor <reader@inbox.example>; "+date(t)+" (UTC)")
	d.Prepend("Return-Path", "<bounces+r123@mailer.northwind.example>")
	d.Prepend("Received", "from out1.mailer.northwind.example (out1.mailer.northwind.example [192.0.2.25])\r\n"+
		"\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n"+
		"\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"+
		"\t(No client certificate requested)\r\n"+
		"\tby mx.inbox.example (Postfix) with ESMTPS id 4Q1bX72kLzz9sWx\r\n"+
		"\tfor <reader@inbox.example>; "+date(t.Add(2*time.Second))+" (UTC)")
	d.Prepend("Authentication-Results", "mx.inbox.example;\r\n"+
		"\tdkim=pass (2048-bit key) header.d=northwind.example header.s=nw2026 header.b="+headerB(b)+";\r\n"+
		"\tspf=pass (mx.inbox.example: domain of bounces+r123@mailer.northwind.example\r\n"+
		"\t designates 192.0.2.25 as permitted sender) smtp.mailfrom=bounces+r123@mailer.northwind.example;\r\n"+
		"\tdmarc=pass (p=REJECT) header.from=northwind.example")
	d.Prepend("Delivered-To", "reader@inbox.example")
	return d.String()
}

func spoof(keys map[string]testsign.Key) string {
	t := spoofSent
	d := &testsign.Message{Body: testsign.CRLF(`<html><body style="font-family:sans-serif">
<p><b>Fabrikam Bank - Security Department</b></p>
<p>Dear customer,</p>
<p>We detected an unusual sign-in to your online banking. Your account has
been <b>temporarily locked</b>. To unlock it, confirm your identity within
24 hours:</p>
<p><a href="https://fabrikam-secure-login.example/verify?id=88213">Confirm my identity</a></p>
<p>If you do not confirm, your card will be blocked.</p>
<p>Fabrikam Bank</p>
<p style="font-size:small;color:gray">This is a sample phishing message shipped with
Mail Inspector. Fabrikam and all names in it are made up.</p>
</body></html>
`)}
	d.Fields = []string{
		"From: Fabrikam Bank Security <security@fabrikam.example>\r\n",
		"Reply-To: fabrikam-support@cheaphost.example\r\n",
		"To: reader@inbox.example\r\n",
		"Subject: =?UTF-8?Q?Action_required:_your_account_has_been_locked_=E2=9A=A0?=\r\n",
		"Date: " + date(t) + "\r\n",
		"Message-ID: <a81f0c2e.5d3b@vps-66.cheaphost.example>\r\n",
		"MIME-Version: 1.0\r\n",
		"Content-Type: text/html; charset=utf-8\r\n",
		"Content-Transfer-Encoding: 8bit\r\n",
	}
	b := d.Sign(keys["cheaphost.example"], testsign.Options{Time: t,
		Headers: []string{"from", "reply-to", "to", "subject", "date", "message-id"}})
	d.Prepend("Return-Path", "<security@fabrikam.example>")
	d.Prepend("Received", "from vps-66.cheaphost.example (unknown [203.0.113.66])\r\n"+
		"\tby mx.inbox.example (Postfix) with SMTP id 4Q1cZ03mTfz9sXy\r\n"+
		"\tfor <reader@inbox.example>; "+date(t.Add(2*time.Second))+" (UTC)")
	d.Prepend("Authentication-Results", "mx.inbox.example;\r\n"+
		"\tdkim=pass (2048-bit key) header.d=cheaphost.example header.s=relay header.b="+headerB(b)+";\r\n"+
		"\tspf=fail (mx.inbox.example: domain of security@fabrikam.example does not\r\n"+
		"\t designate 203.0.113.66 as permitted sender) smtp.mailfrom=security@fabrikam.example;\r\n"+
		"\tdmarc=fail (p=REJECT dis=QUARANTINE) header.from=fabrikam.example")
	d.Prepend("X-Spam-Flag", "YES")
	d.Prepend("Delivered-To", "reader@inbox.example")
	return d.String()
}

func mailingList(keys map[string]testsign.Key) string {
	t := listSent
	// As Alice sent it.
	d := &testsign.Message{Body: testsign.CRLF(`Hi team,

The minutes of Tuesday's meeting are on the wiki. Two things for this
week:

- Bob, can you send the revised budget by Friday?
- The offsite moves to 14 April; same place.

Thanks,
Alice

(This is a sample message shipped with Mail Inspector. Contoso,
Tailspin and everyone here are made up.)
`)}
	d.Fields = []string{
		"From: Alice Liddell <alice@contoso.example>\r\n",
		"To: team@lists.tailspin.example\r\n",
		"Subject: Meeting minutes and this week's tasks\r\n",
		"Date: " + date(t) + "\r\n",
		"Message-ID: <CAF4b9e1.77@contoso.example>\r\n",
		"MIME-Version: 1.0\r\n",
		"Content-Type: text/plain; charset=utf-8; format=flowed\r\n",
		"Content-Transfer-Encoding: 7bit\r\n",
	}
	alice := d.Sign(keys["contoso.example"], testsign.Options{Time: t,
		Headers: []string{"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}})

	// At the list: received, authenticated, changed, sealed, re-signed.
	at := t.Add(2 * time.Second)
	d.Prepend("Received", "from smtp.contoso.example (smtp.contoso.example [198.51.100.7])\r\n"+
		"\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))\r\n"+
		"\tby mail.lists.tailspin.example (Postfix) with ESMTPS id 77E3A2C0188\r\n"+
		"\tfor <team@lists.tailspin.example>; "+date(at)+" (UTC)")
	for i, f := range d.Fields {
		if strings.HasPrefix(f, "Subject:") {
			d.Fields[i] = "Subject: [team] Meeting minutes and this week's tasks\r\n"
		}
	}
	d.Fields = append(d.Fields,
		"List-Id: Tailspin team <team.lists.tailspin.example>\r\n",
		"List-Post: <mailto:team@lists.tailspin.example>\r\n",
		"List-Unsubscribe: <mailto:team-leave@lists.tailspin.example>\r\n",
		"Precedence: list\r\n",
	)
	d.Body += testsign.CRLF(`
_______________________________________________
team mailing list -- team@lists.tailspin.example
To unsubscribe send an email to team-leave@lists.tailspin.example
`)
	d.Prepend("Sender", "team@lists.tailspin.example")
	d.Sign(keys["lists.tailspin.example"], testsign.Options{Time: at,
		Headers: []string{"from", "to", "subject", "date", "message-id", "sender", "list-id", "list-post", "list-unsubscribe"}})
	d.Seal(keys["tailspin.example"], testsign.ARCOptions{Time: at, CV: "none",
		AuthServID: "mail.lists.tailspin.example",
		Results: "dkim=pass header.d=contoso.example header.s=sel1 header.b=" + headerB(alice) + ";\r\n" +
			"\tspf=pass (mail.lists.tailspin.example: domain of alice@contoso.example designates\r\n" +
			"\t 198.51.100.7 as permitted sender) smtp.mailfrom=alice@contoso.example;\r\n" +
			"\tdmarc=pass (p=QUARANTINE) header.from=contoso.example",
		Headers: []string{"from", "to", "subject", "date", "message-id", "sender", "list-id", "dkim-signature"}})

	// At the recipient.
	at = at.Add(2 * time.Second)
	d.Prepend("Return-Path", "<team-bounces@lists.tailspin.example>")
	d.Prepend("Received", "from mail.lists.tailspin.example (mail.lists.tailspin.example [198.51.100.40])\r\n"+
		"\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits))\r\n"+
		"\tby mx.inbox.example (Postfix) with ESMTPS id 4Q1dK55vNwz9sYz\r\n"+
		"\tfor <bob@inbox.example>; "+date(at)+" (UTC)")
	d.Prepend("Authentication-Results", "mx.inbox.example;\r\n"+
		"\tdkim=fail (body hash did not verify) header.d=contoso.example header.s=sel1 header.b="+headerB(alice)+";\r\n"+
		"\tdkim=pass header.d=lists.tailspin.example header.s=list;\r\n"+
		"\tspf=pass (mx.inbox.example: domain of team-bounces@lists.tailspin.example designates\r\n"+
		"\t 198.51.100.40 as permitted sender) smtp.mailfrom=team-bounces@lists.tailspin.example;\r\n"+
		"\tdmarc=fail (p=QUARANTINE dis=NONE) header.from=contoso.example;\r\n"+
		"\tarc=pass (i=1 spf=pass dkim=pass dmarc=pass)")
	d.Prepend("Delivered-To", "bob@inbox.example")
	return d.String()
}
