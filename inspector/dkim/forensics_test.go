package dkim

import (
	"context"
	"encoding/json"
	"mime/quotedprintable"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// The forensics fixtures: messages signed by testsign, then changed the
// way mailing lists, security gateways, servers and mail stores change
// mail, and the forged controls, changed the way a forger would.

var (
	signer  = testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(41)}
	rotated = testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(42)}
)

const listID = "team.lists.example.net"

// forensicDNS serves the signer's key, and the selector "gone" with no key.
func forensicDNS(t testing.TB, keys ...testsign.Key) *resolver.Client {
	t.Helper()
	var zone []string
	for _, k := range keys {
		zone = append(zone, k.TXT())
	}
	srv := dnstest.Start(t, strings.Join(zone, "\n"))
	return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second})
}

// draft is the message the fixtures sign: plain text with a line that
// begins "From ", UTF-8 in 8bit.
func draft() *testsign.Message {
	return &testsign.Message{
		Fields: []string{
			"From: Alice Liddell <alice@example.org>\r\n",
			"To: team@lists.example.net\r\n",
			"Subject: Meeting minutes and this week's tasks\r\n",
			"Date: Thu, 12 Mar 2026 16:02:27 +0000\r\n",
			"Message-ID: <minutes.77@example.org>\r\n",
			"MIME-Version: 1.0\r\n",
			"Content-Type: text/plain; charset=utf-8\r\n",
			"Content-Transfer-Encoding: 8bit\r\n",
		},
		Body: testsign.CRLF(`Hi team,

The minutes of Tuesday's meeting are on the wiki. Grüße from Zürich.
From next week on we meet on Wednesdays.

Thanks,
Alice
`),
	}
}

var allHeaders = []string{"from", "to", "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding"}

// multipartDraft is a multipart/alternative message: text and HTML.
func multipartDraft() *testsign.Message {
	m := draft()
	m.Fields[6] = "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
	m.Fields = m.Fields[:7]
	m.Body = testsign.CRLF(`This is a multi-part message in MIME format.

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hi team,

The minutes are on the wiki. Grüße.

--b1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<html><body><p>Hi team,</p><p>The minutes are on the wiki. Grüße.</p></body></html>

--b1--
`)
	return m
}

func setField(m *testsign.Message, name, field string) {
	for i, f := range m.Fields {
		if strings.HasPrefix(strings.ToLower(f), strings.ToLower(name)+":") {
			m.Fields[i] = field
			return
		}
	}
	m.Fields = append(m.Fields, field)
}

func verifyRaw(t testing.TB, client resolver.Resolver, raw string, opts Options) *Result {
	t.Helper()
	m, err := message.Parse("fixture.eml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	res := Verify(context.Background(), client, m, opts)
	if len(res) == 0 {
		t.Fatal("no signature")
	}
	return res[0]
}

func lines(f Findings) string {
	b, _ := json.MarshalIndent(f, "", "  ")
	return string(b)
}

// forensicCase is a message made from draft (or multipart), changed by
// before, signed by signer with opts, then changed by after.
type forensicCase struct {
	name          string
	multipart     bool
	before, after func(m *testsign.Message)
	opts          testsign.Options
	// want are the confirmed changes (change, where); unconfirmed lists
	// the unconfirmed ones; the findings must be exactly these.
	want, unconfirmed [][2]string
	// reason is a piece of the reason.
	reason string
	keys   []testsign.Key
	hist   KeyHistory
}

func (tc forensicCase) message() string {
	m := draft()
	if tc.multipart {
		m = multipartDraft()
	}
	if tc.before != nil {
		tc.before(m)
	}
	o := tc.opts
	if o.Headers == nil {
		o.Headers = allHeaders
	}
	m.Sign(signer, o)
	if tc.after != nil {
		tc.after(m)
	}
	return m.String()
}

const footer = "\r\n_______________________________________________\r\nteam mailing list -- team@lists.example.net\r\n" +
	"To unsubscribe send an email to team-leave@lists.example.net\r\n"

// list adds the fields of a mailing list.
func list(m *testsign.Message) {
	m.Fields = append(m.Fields, "List-Id: Team <"+listID+">\r\n", "List-Unsubscribe: <mailto:team-leave@lists.example.net>\r\n")
}

func tag(t string) func(*testsign.Message) {
	return func(m *testsign.Message) {
		setField(m, "Subject", "Subject: "+t+"Meeting minutes and this week's tasks\r\n")
	}
}

// body replaces old by new in the body.
func body(old, new string) func(*testsign.Message) {
	return func(m *testsign.Message) { m.Body = strings.Replace(m.Body, old, new, 1) }
}

// all applies every change in turn.
func all(changes ...func(*testsign.Message)) func(*testsign.Message) {
	return func(m *testsign.Message) {
		for _, c := range changes {
			c(m)
		}
	}
}

func forensicCases() []forensicCase {
	appendFooter := func(m *testsign.Message) { m.Body += footer }
	archived := func(records ...string) history {
		var h []ArchivedKey
		for i, r := range records {
			h = append(h, ArchivedKey{Record: r, FirstSeen: day0, LastSeen: day0.Add(time.Duration(48-i) * time.Hour)})
		}
		return history{signer.Selector + "._domainkey." + signer.Domain: h}
	}
	qp := func(m *testsign.Message) {
		var b strings.Builder
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(m.Body))
		w.Close()
		m.Body = b.String()
		setField(m, "Content-Transfer-Encoding", "Content-Transfer-Encoding: quoted-printable\r\n")
		m.Prepend("X-MIME-Autoconverted", "from 8bit to quoted-printable by relay.example.net id 42")
	}
	textPart := "Content-Transfer-Encoding: 8bit\r\n\r\nHi team,\r\n\r\nThe minutes are on the wiki. Grüße.\r\n"
	return []forensicCase{
		{name: "list footer after a plain body", after: all(list, appendFooter),
			want:   [][2]string{{"footer_appended", "body"}},
			reason: "Broken by a mailing list: it would verify without the 158-byte footer “team mailing list -- team@lists.example.…”; " + listID + " made this change."},
		{name: "list footer under simple canonicalisation", opts: testsign.Options{Canon: "simple/simple"}, after: appendFooter,
			want: [][2]string{{"footer_appended", "body"}}},
		{name: "footer part added before the closing boundary of a body signed with l=", multipart: true, opts: testsign.Options{BodyLength: testsign.WholeBody},
			after: body("--b1--", "--b1\r\nContent-Type: text/plain\r\n\r\nSent from the team list\r\n\r\n--b1--"),
			want:  [][2]string{{"footer_appended", "body"}}},
		{name: "disclaimer inside the last text part, before the closing boundary", multipart: true,
			after:  body("</html>\r\n\r\n--b1--", "</html>\r\n<p>This message is confidential.</p>\r\n\r\n--b1--"),
			want:   [][2]string{{"footer_appended", "body"}},
			reason: "Broken on the way: it would verify without the 38-byte footer “<p>This message is confidential.</p>”."},
		{name: "footer part added before the closing boundary", multipart: true,
			after: all(list, body("--b1--", "--b1\r\nContent-Type: text/plain\r\n\r\nTo unsubscribe send an email to team-leave@lists.example.net\r\n\r\n--b1--")),
			want:  [][2]string{{"footer_appended", "body"}}},
		{name: "gateway banner at the top of the body",
			after: func(m *testsign.Message) {
				m.Body = "CAUTION: This email originated from outside of the organization. Do not\r\n" +
					"click links or open attachments unless you recognize the sender.\r\n\r\n" + m.Body
			},
			want:   [][2]string{{"body_prepended", "body"}},
			reason: "Broken by a security gateway: it would verify without the "},
		{name: "gateway banner at the top of the first text part", multipart: true,
			after: body("8bit\r\n\r\nHi team", "8bit\r\n\r\n[EXTERNAL] Sent from outside the company.\r\nHi team"),
			want:  [][2]string{{"body_prepended", "body"}}},
		{name: "list tag in the Subject", after: all(list, tag("[team] ")),
			want:   [][2]string{{"subject_tag", "header:subject"}},
			reason: "without the tag “[team]” in front of the Subject; " + listID + " made this change"},
		{name: "list tag and list footer, each half on its own", after: all(list, tag("[team] "), appendFooter),
			want:   [][2]string{{"footer_appended", "body"}, {"subject_tag", "header:subject"}},
			reason: "and without the tag “[team]” in front of the Subject; " + listID + " made these changes."},
		{name: "gateway tag in the Subject", after: tag("[EXTERNAL] "),
			want: [][2]string{{"subject_tag", "header:subject"}}, reason: "Broken by a security gateway"},
		{name: "spam tag after a reply prefix",
			before: func(m *testsign.Message) { setField(m, "Subject", "Subject: Re: Meeting minutes\r\n") },
			after:  func(m *testsign.Message) { setField(m, "Subject", "Subject: Re: ***SPAM*** Meeting minutes\r\n") },
			want:   [][2]string{{"subject_tag", "header:subject"}}},
		{name: "Subject folded under simple canonicalisation", opts: testsign.Options{Canon: "simple/simple"},
			after: func(m *testsign.Message) {
				setField(m, "Subject", "Subject: Meeting minutes and\r\n this week's tasks\r\n")
			},
			want:   [][2]string{{"header_refolded", "header:subject"}},
			reason: "with the Subject field unfolded onto one line"},
		{name: "space after the colon taken out under simple canonicalisation", opts: testsign.Options{Canon: "simple/relaxed"},
			after: func(m *testsign.Message) { setField(m, "To", "To:team@lists.example.net\r\n") },
			want:  [][2]string{{"header_refolded", "header:to"}}},
		{name: "white space added at line ends under simple canonicalisation", opts: testsign.Options{Canon: "relaxed/simple"},
			after: func(m *testsign.Message) { m.Body = strings.ReplaceAll(m.Body, "\r\n", "  \r\n") },
			want:  [][2]string{{"trailing_whitespace", "body"}}},
		{name: "CRLF turned into CR CR LF", opts: testsign.Options{Canon: "relaxed/simple"},
			after: func(m *testsign.Message) { m.Body = strings.ReplaceAll(m.Body, "\r\n", "\r\r\n") },
			want:  [][2]string{{"line_endings", "body"}}},
		{name: "signed with bare LF line ends",
			before: func(m *testsign.Message) { m.Body = strings.ReplaceAll(m.Body, "\r\n", "\n") },
			after:  func(m *testsign.Message) { m.Body = testsign.CRLF(m.Body) },
			want:   [][2]string{{"line_endings", "body"}}},
		{name: "From line escaped by an mbox store", after: body("\r\nFrom next week", "\r\n>From next week"),
			want: [][2]string{{"mbox_from_escaped", "body"}}, reason: "Broken by a mail store"},
		{name: "body converted from 8bit to quoted-printable by a relay", after: qp,
			want:   [][2]string{{"transfer_reencoded", "body"}, {"transfer_reencoded", "header:content-transfer-encoding"}},
			reason: "with the body decoded from quoted-printable back to 8bit and with the Content-Transfer-Encoding field set back to 8bit"},
		{name: "a part converted from 8bit to base64 by a relay", multipart: true,
			after: body(textPart, "Content-Transfer-Encoding: base64\r\nX-MIME-Autoconverted: from 8bit to base64 by relay.example.net\r\n\r\n"+
				"SGkgdGVhbSwNCg0KVGhlIG1pbnV0ZXMgYXJlIG9uIHRoZSB3aWtpLiBHcsO8w59lLg0K\r\n"),
			want: [][2]string{{"transfer_reencoded", "body"}}},
		{name: "a part converted from quoted-printable to 8bit: not undone, evidence only", multipart: true,
			before:      body(textPart, "Content-Transfer-Encoding: quoted-printable\r\n\r\nHi team,\r\n\r\nThe minutes are on the wiki. Gr=C3=BC=C3=9Fe.\r\n"),
			after:       body("quoted-printable\r\n\r\nHi team,\r\n\r\nThe minutes are on the wiki. Gr=C3=BC=C3=9Fe.", "8bit\r\nX-MIME-Autoconverted: from quoted-printable to 8bit by mx.example.net\r\n\r\nHi team,\r\n\r\nThe minutes are on the wiki. Grüße."),
			unconfirmed: [][2]string{{"transfer_reencoded", "body"}}},
		{name: "Reply-To added where the signer forbade one", opts: testsign.Options{Headers: append(allHeaders, "reply-to")},
			after: func(m *testsign.Message) { m.Fields = append(m.Fields, "Reply-To: team@lists.example.net\r\n") },
			want:  [][2]string{{"header_added", "header:reply-to"}}},
		{name: "a second To added at the bottom of the header",
			after: func(m *testsign.Message) { m.Fields = append(m.Fields, "To: someone-else@example.net\r\n") },
			want:  [][2]string{{"header_added", "header:to"}}},
		{name: "a second Subject, and the signed one changed: evidence only",
			after:       all(tag("Urgent: "), func(m *testsign.Message) { m.Fields = append([]string{"Subject: Meeting minutes\r\n"}, m.Fields...) }),
			unconfirmed: [][2]string{{"header_added", "header:subject"}}},
		{name: "Cc removed, as z= copied it",
			before: func(m *testsign.Message) { m.Fields = append(m.Fields, "Cc: bob@example.org\r\n") },
			opts:   testsign.Options{Headers: append(allHeaders, "cc"), Extra: []string{"z=From:Alice=20Liddell=20<alice@example.org>|Cc:=20bob@example.org"}},
			after:  func(m *testsign.Message) { m.Fields = m.Fields[:len(m.Fields)-1] },
			want:   [][2]string{{"header_removed", "header:cc"}}},
		{name: "key replaced since signing, the old one in the archive",
			keys: []testsign.Key{rotated}, hist: archived(signer.Record()),
			want: [][2]string{{"key_rotated", "header:dkim-signature"}},
			reason: "The key was replaced since the message was signed: it would verify with the key that sel._domainkey.example.org published on 2026-03-03 (from your key archive). " +
				"The result stays what today's DNS gives."},
		{name: "key removed since signing, the old one in the archive",
			keys: []testsign.Key{}, hist: archived(rotated.Record(), signer.Record()),
			want: [][2]string{{"key_rotated", "header:dkim-signature"}}},
		{name: "key replaced by an RSA key since signing, the old one in the archive",
			keys: []testsign.Key{{Domain: signer.Domain, Selector: signer.Selector, Signer: testsign.RSA2048(0)}}, hist: archived(signer.Record()),
			want: [][2]string{{"key_rotated", "header:dkim-signature"}}},
		// The forged controls: nothing may be confirmed.
		{name: "forged: a word changed in the middle of the body", after: all(list, body("Wednesdays", "Thursdays"))},
		{name: "forged: the From changed", opts: testsign.Options{Canon: "simple/simple"},
			after: func(m *testsign.Message) { setField(m, "From", "From: Alice Liddell <alice@examp1e.org>\r\n") }},
		// The footer is confirmed on its own half; the header half stays
		// unexplained, and the reason says so.
		{name: "forged: From changed and a footer added",
			after: all(list, appendFooter, func(m *testsign.Message) { setField(m, "From", "From: Mallory <alice@example.org>\r\n") }),
			want:  [][2]string{{"footer_appended", "body"}},
			reason: "the body would match the signature without the 158-byte footer “team mailing list -- team@lists.example.…”, but that does not undo every change; " +
				listID + " made this change. What else was changed is not known: treat the message as not signed by example.org."},
		{name: "forged: a new body of the same length",
			after: func(m *testsign.Message) { m.Body = strings.Repeat("x", len(m.Body)-2) + "\r\n" }},
	}
}

var day0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// history is a KeyHistory in memory.
type history map[string][]ArchivedKey

func (h history) Keys(name string) []ArchivedKey { return h[name] }

func TestForensics(t *testing.T) {
	for _, tc := range forensicCases() {
		t.Run(tc.name, func(t *testing.T) {
			keys := tc.keys
			if keys == nil {
				keys = []testsign.Key{signer}
			}
			r := verifyRaw(t, forensicDNS(t, keys...), tc.message(), Options{History: tc.hist})
			if r.Result == result.Pass {
				t.Fatalf("the changed message passes: %s", r.Reason)
			}
			var got, gotUnconfirmed [][2]string
			for _, f := range r.Forensics {
				if f.Detail == "" || !strings.HasPrefix(f.Where, "body") && !strings.HasPrefix(f.Where, "header:") || f.Where != strings.ToLower(f.Where) {
					t.Errorf("finding %+v: want a detail and a where of body or header:name in lower case", f)
				}
				if f.Confirmed {
					got = append(got, [2]string{string(f.Change), f.Where})
				} else {
					gotUnconfirmed = append(gotUnconfirmed, [2]string{string(f.Change), f.Where})
				}
			}
			if !sameSet(got, tc.want) || !sameSet(gotUnconfirmed, tc.unconfirmed) {
				t.Errorf("confirmed %v and unconfirmed %v, want %v and %v:\n%s", got, gotUnconfirmed, tc.want, tc.unconfirmed, lines(r.Forensics))
			}
			if tc.reason != "" && !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("reason %q\nwant it to say %q", r.Reason, tc.reason)
			}
			if len(tc.want) == 0 && strings.Contains(r.Reason, "would verify") {
				t.Errorf("a forged message's reason says %q", r.Reason)
			}
		})
	}
}

func sameSet(a, b [][2]string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// A change undone is evidence, never a pass: the result word and code stay
// what the signature gives, and Explained says who changed it only when
// every failing half is accounted for.
func TestForensicsNeverPass(t *testing.T) {
	msg := forensicCase{after: all(list, tag("[team] "), body("Alice\r\n", "Alice\r\n"+footer))}.message()
	r := verifyRaw(t, forensicDNS(t, signer), msg, Options{})
	if r.Result != result.Fail || r.Code != CodeBodyHashMismatch || r.BodyHashMatches || r.SignatureValid == nil || *r.SignatureValid {
		t.Errorf("result %s, code %s: a confirmed change must leave the failure as it is", r.Result, r.Code)
	}
	if by, ok := r.Explained(); !ok || by != listID {
		t.Errorf("Explained() = %q, %v; want the list, true", by, ok)
	}
	if by := r.Changer(); by != "the mailing list "+listID {
		t.Errorf("Changer() = %q, want the mailing list %s", by, listID)
	}
	if !strings.Contains(r.Reason, "The signature was valid before these changes; example.org vouches for none of what was changed. The body was changed after example.org signed it") {
		t.Errorf("the reason lost what the verifier found: %q", r.Reason)
	}
}

// Forensics is [] on a passing signature and on a failing one where
// nothing was found; never null, and present in JSON.
func TestForensicsJSON(t *testing.T) {
	client := forensicDNS(t, signer)
	m := draft()
	m.Sign(signer, testsign.Options{Headers: allHeaders})
	pass := verifyRaw(t, client, m.String(), Options{})
	m.Body = strings.Replace(m.Body, "wiki", "Wiki", 1)
	fail := verifyRaw(t, client, m.String(), Options{})
	for _, r := range []*Result{pass, fail, {}} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"forensics":[]`) || strings.Contains(string(b), `"key_changed"`) {
			t.Errorf("result %s: JSON %s; want \"forensics\":[] and no key_changed", r.Result, b)
		}
		var back Result
		if err := json.Unmarshal(b, &back); err != nil || len(back.Forensics) != 0 {
			t.Errorf("read back: %v, %v", back.Forensics, err)
		}
	}
}

// KeyChanged tells a signature whose key name the archive knows with
// another key, pass or fail.
func TestKeyChanged(t *testing.T) {
	m := draft()
	m.Sign(rotated, testsign.Options{Headers: allHeaders})
	name := "sel._domainkey.example.org"
	old := history{name: {{Record: signer.Record(), FirstSeen: day0, LastSeen: day0.Add(24 * time.Hour)}}}
	r := verifyRaw(t, forensicDNS(t, rotated), m.String(), Options{History: old})
	if r.Result != result.Pass || r.KeyChanged == nil || r.KeyChanged.Now != "replaced" || !r.KeyChanged.PreviousLastSeen.Equal(day0.Add(24*time.Hour)) ||
		!strings.Contains(r.KeyChanged.Text, "last seen on 2026-03-02") {
		t.Errorf("result %s, key change %+v", r.Result, r.KeyChanged)
	}
	same := history{name: {{Record: rotated.Record(), LastSeen: day0}, {Record: signer.Record(), LastSeen: day0.Add(-time.Hour)}}}
	if r := verifyRaw(t, forensicDNS(t, rotated), m.String(), Options{History: same}); r.KeyChanged != nil {
		t.Errorf("the key last seen is today's, yet %+v", r.KeyChanged)
	}
	if r := verifyRaw(t, forensicDNS(t), m.String(), Options{History: old}); r.KeyChanged == nil || r.KeyChanged.Now != "removed" {
		t.Errorf("no key today: %+v", r.KeyChanged)
	}
}

// A dkim=pass that the receiving server recorded for a signature whose key
// is gone today is evidence of a replaced key, not a confirmation.
func TestNoteDelivery(t *testing.T) {
	m := draft()
	b := m.Sign(signer, testsign.Options{Headers: allHeaders})
	results := []*Result{verifyRaw(t, forensicDNS(t), m.String(), Options{})}
	trusted := recorded.ParseValue("mx.inbox.example; dkim=pass header.d=example.org header.s=sel header.b=" + b[:8])
	out := NoteDelivery(results, trusted)
	if len(results[0].Forensics) != 0 {
		t.Errorf("NoteDelivery changed its input: %v", results[0].Forensics)
	}
	f := out[0].Forensics
	if len(f) != 1 || f[0].Change != KeyRotated || f[0].Confirmed || !strings.Contains(f[0].Detail, "mx.inbox.example recorded dkim=pass") {
		t.Errorf("forensics %s", lines(f))
	}
	other := recorded.ParseValue("mx.inbox.example; dkim=pass header.d=example.org header.s=other")
	if out := NoteDelivery(results, other); out[0] != results[0] {
		t.Errorf("a pass for another selector was taken for this signature: %s", lines(out[0].Forensics))
	}
}
