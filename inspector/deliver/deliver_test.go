package deliver

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/received"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/route"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// goodMsg is a newsletter that meets every rule. The HTML is
// quoted-printable, its unsubscribe link in French.
const goodMsg = `Return-Path: <bounces+r1@mail.shop.example>
Received: from mail.shop.example (mail.shop.example [192.0.2.25]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by mx.inbox.example (Postfix) with ESMTPS id 4Q1bX; Tue, 10 Mar 2026 09:15:04 +0000
From: Shop <news@shop.example>
To: reader@inbox.example
Subject: Spring
Date: Tue, 10 Mar 2026 09:15:02 +0000
Message-ID: <20260310.1@mail.shop.example>
List-Unsubscribe: <mailto:unsubscribe@shop.example?subject=r1>,
 <https://shop.example/u?id=r1>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Spring is here: https://shop.example/spring

--b
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Spring is here: <a href=3D"https://shop.example/spring">see it</a></p>
<p><a href=3D"https://shop.example/u?id=3Dr1">Se d=C3=A9sabonner</a></p>
--b--
`

// personalMsg is a message from one person to another: no list fields,
// no unsubscribe link.
const personalMsg = `Return-Path: <anna@shop.example>
Received: from mail.shop.example (mail.shop.example [192.0.2.25]) by mx.inbox.example (Postfix) with ESMTPS id 4Q1bY; Tue, 10 Mar 2026 09:15:04 +0000
From: Anna <anna@shop.example>
To: reader@inbox.example
Subject: Lunch?
Date: Tue, 10 Mar 2026 09:15:02 +0000
Message-ID: <20260310.2@mail.shop.example>
Content-Type: text/plain

Lunch on Friday? See https://shop.example/menu
`

var clientIP = netip.MustParseAddr("192.0.2.25")

// input is the engine's results for goodMsg, every check passing; change
// modifies it before the rules run.
func input(t *testing.T, msg string, headerOnly bool, change func(*Input)) Input {
	t.Helper()
	var m *message.Message
	var err error
	if headerOnly {
		m, err = message.ParseHeaderOnly("test", []byte(msg[:strings.Index(msg, "\n\n")+1]))
	} else {
		m, err = message.Parse("test", []byte(msg))
	}
	if err != nil {
		t.Fatal(err)
	}
	hop := route.Hop{From: "mail.shop.example", HELO: "mail.shop.example", IP: clientIP, By: "mx.inbox.example", With: "ESMTPS",
		Encrypted: true, TLS: &received.TLS{Version: "TLSv1.3"}, Raw: message.Unfold(m.First("Received").RawValue()), Field: 1}
	in := Input{
		Message: m, From: "news@shop.example", FromDomain: "shop.example",
		SPF: &spf.Result{Result: result.Pass, ClientIP: clientIP, Domain: "mail.shop.example", MailFrom: "bounces+r1@mail.shop.example",
			Mechanism: "ip4:192.0.2.0/24", MechanismDomain: "mail.shop.example", Tree: &spf.Node{Domain: "mail.shop.example", Record: "v=spf1 ip4:192.0.2.0/24 -all"}},
		DKIM: []*dkim.Result{{Domain: "shop.example", Selector: "s1", Result: result.Pass, KeyBits: 2048, Key: &dkim.Key{Type: "rsa", Bits: 2048},
			SignedHeaders: []string{"from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post"}}},
		DMARC: &dmarc.Result{Result: result.Pass, Code: dmarc.CodeAligned, Reason: "DMARC passed.", Domain: "shop.example", OrgDomain: "shop.example",
			Record: "v=DMARC1; p=reject", RecordDomain: "_dmarc.shop.example", P: "reject", Policy: "reject", PolicyTag: "p", Pct: 100, DKIMAligned: true,
			Alignment: []dmarc.Alignment{
				{Identifier: "SPF (MAIL FROM)", Domain: "mail.shop.example", Result: result.Pass, Aligned: true, Why: "mail.shop.example and the From domain shop.example share the organisational domain"},
				{Identifier: "DKIM s=s1", Domain: "shop.example", Result: result.Pass, Aligned: true, Why: "shop.example is exactly the From domain"}}},
		Hops: []route.Hop{hop},
		Delivery: &route.Route{Boundary: 0, ClientIP: clientIP, HELO: "mail.shop.example", MailFrom: "bounces+r1@mail.shop.example",
			FCrDNS: &route.FCrDNS{IP: clientIP, Result: result.Pass, Names: []string{"mail.shop.example"}, Confirmed: []string{"mail.shop.example"},
				Reason: "192.0.2.25 has the reverse-DNS name mail.shop.example, which resolves back to it."}},
	}
	if change != nil {
		change(&in)
	}
	return in
}

// rule finds id in the report: in the first provider that lists it, or
// among the sender checks.
func rule(rep *Report, id string) (Rule, bool) {
	for _, p := range rep.Providers {
		for _, r := range p.Rules {
			if r.ID == id {
				return r, true
			}
		}
	}
	for _, r := range rep.Sender {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

type ruleCase struct {
	id, name   string
	msg        string
	headerOnly bool
	change     func(*Input)
	result     string
	// in is a part of the reason, or of the fix on a fail.
	in string
}

func notAligned(in *Input) {
	in.DMARC.Result, in.DMARC.DKIMAligned, in.DMARC.SPFAligned = result.Fail, false, false
	for i := range in.DMARC.Alignment {
		in.DMARC.Alignment[i].Aligned = false
		in.DMARC.Alignment[i].Domain = "esp.example"
	}
}

var ruleCases = []ruleCase{
	{id: "spf_pass", name: "pass", result: Pass, in: "allows 192.0.2.25"},
	{id: "spf_pass", name: "fail", change: func(in *Input) { in.SPF.Result, in.SPF.Reason = result.Fail, "SPF failed." }, result: Fail, in: "Add the server 192.0.2.25"},
	{id: "spf_pass", name: "no record", change: func(in *Input) { in.SPF.Result, in.SPF.Tree = result.None, nil }, result: Fail, in: "Publish an SPF record at mail.shop.example"},
	{id: "spf_pass", name: "no client", change: func(in *Input) { in.SPF.ClientIP, in.SPF.Result = netip.Addr{}, result.None }, result: Unknown},

	{id: "dkim_pass", name: "pass", result: Pass, in: "verifies"},
	{id: "dkim_pass", name: "unsigned", change: func(in *Input) { in.DKIM = nil }, result: Fail, in: "d=shop.example"},
	{id: "dkim_pass", name: "body changed", change: func(in *Input) { in.DKIM[0].Result, in.DKIM[0].Reason = result.Fail, "The body changed." }, result: Fail, in: "s1._domainkey.shop.example"},
	{id: "dkim_pass", name: "DNS failure", change: func(in *Input) { in.DKIM[0].Result = result.TempError }, result: Unknown},

	{id: "spf_and_dkim_pass", name: "pass", result: Pass, in: "Both"},
	{id: "spf_and_dkim_pass", name: "SPF fails", change: func(in *Input) { in.SPF.Result = result.SoftFail }, result: Fail, in: "SPF does not"},

	{id: "dmarc_record", name: "pass", result: Pass, in: "p=reject"},
	{id: "dmarc_record", name: "none", change: func(in *Input) {
		in.DMARC.Result, in.DMARC.Code, in.DMARC.Record, in.DMARC.Reason = result.None, dmarc.CodeNoRecord, "", "shop.example publishes no DMARC record."
	}, result: Fail, in: `TXT at _dmarc.shop.example with "v=DMARC1; p=none`},
	{id: "dmarc_record", name: "DNS failure", change: func(in *Input) {
		in.DMARC.Result, in.DMARC.Code, in.DMARC.Record = result.TempError, dmarc.CodeDNSError, ""
	}, result: Unknown},

	{id: "dmarc_aligned", name: "pass", result: Pass, in: "organisational domain"},
	{id: "dmarc_aligned", name: "ESP domains only", change: notAligned, result: Fail, in: "d=shop.example"},

	{id: "dmarc_pass", name: "pass", result: Pass},
	{id: "dmarc_pass", name: "fail", change: notAligned, result: Fail, in: "Sign with DKIM as d=shop.example"},

	{id: "ptr_fcrdns", name: "pass", result: Pass, in: "resolves back"},
	{id: "ptr_fcrdns", name: "no PTR", change: func(in *Input) {
		in.Delivery.FCrDNS = &route.FCrDNS{IP: clientIP, Result: result.PermError, Reason: "192.0.2.25 has no reverse-DNS (PTR) name."}
	}, result: Fail, in: "PTR record"},
	{id: "ptr_fcrdns", name: "not checked", change: func(in *Input) { in.Delivery.FCrDNS = nil }, result: Unknown},

	{id: "tls", name: "pass", result: Pass, in: "TLSv1.3"},
	{id: "tls", name: "plain", change: func(in *Input) { in.Hops[0].Encrypted, in.Hops[0].TLS, in.Hops[0].With = false, nil, "ESMTP" }, result: Fail, in: "STARTTLS"},
	{id: "tls", name: "not said", change: func(in *Input) { in.Hops[0].Encrypted, in.Hops[0].TLS, in.Hops[0].With = false, nil, "" }, result: Unknown},

	{id: "one_click_unsubscribe", name: "pass", result: Pass, in: "RFC 8058"},
	{id: "one_click_unsubscribe", name: "no Post field", msg: strings.Replace(goodMsg, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n", "", 1),
		result: Fail, in: "Add List-Unsubscribe-Post: List-Unsubscribe=One-Click"},
	{id: "one_click_unsubscribe", name: "mailto only", msg: strings.Replace(goodMsg, ",\n <https://shop.example/u?id=r1>", "", 1),
		result: Fail, in: "no https URI"},
	{id: "one_click_unsubscribe", name: "fields not signed", change: func(in *Input) { in.DKIM[0].SignedHeaders = []string{"from", "list-unsubscribe"} },
		result: Fail, in: "Sign both fields with DKIM"},
	{id: "one_click_unsubscribe", name: "personal", msg: personalMsg, result: NA, in: "does not look like bulk mail"},
	{id: "one_click_unsubscribe", name: "personal header only", msg: personalMsg, headerOnly: true, result: Unknown, in: "body is not available"},

	{id: "unsubscribe_link", name: "pass", result: Pass, in: "unsubscribe link"},
	{id: "unsubscribe_link", name: "none", msg: strings.Replace(goodMsg, "Se d=C3=A9sabonner", "Mon compte", 1), result: Fail, in: "clearly visible unsubscribe link"},
	{id: "unsubscribe_link", name: "header only", headerOnly: true, result: Unknown, in: "Only the header"},
	{id: "unsubscribe_link", name: "personal", msg: personalMsg, result: NA},

	{id: "single_header_instances", name: "pass", result: Pass},
	{id: "single_header_instances", name: "two Subjects", msg: strings.Replace(goodMsg, "Subject: Spring\n", "Subject: Spring\nSubject: Spring sale\n", 1),
		result: Fail, in: "Subject ×2"},

	{id: "message_id", name: "pass", result: Pass},
	{id: "message_id", name: "no domain", msg: strings.Replace(goodMsg, "<20260310.1@mail.shop.example>", "<20260310.1>", 1), result: Fail, in: "<unique-id@your-domain>"},
	{id: "message_id", name: "missing", msg: strings.Replace(goodMsg, "Message-ID: <20260310.1@mail.shop.example>\n", "", 1), result: Fail, in: "no Message-ID"},

	{id: "key_size", name: "pass", result: Pass},
	{id: "key_size", name: "512 bits", change: func(in *Input) {
		in.DKIM[0].Result, in.DKIM[0].Code, in.DKIM[0].KeyBits = result.Fail, dkim.CodeKeyTooWeak, 512
	}, result: Fail, in: "2048-bit"},
	{id: "key_size", name: "no passing signature", change: func(in *Input) { in.DKIM[0].Result = result.Fail }, result: NA},

	{id: "no_gmail_from", name: "pass", result: Pass, in: "not a gmail.com address"},
	{id: "no_gmail_from", name: "gmail.com through an ESP", change: func(in *Input) { in.From, in.FromDomain = "shop.owner@gmail.com", "gmail.com" },
		result: Fail, in: "your own domain"},
	{id: "no_gmail_from", name: "gmail.com through Gmail", change: func(in *Input) {
		in.From, in.FromDomain = "shop.owner@gmail.com", "gmail.com"
		in.DKIM[0].Domain = "gmail.com"
	}, result: Pass, in: "sent through Gmail"},

	{id: "shortened_links", name: "pass", result: Pass, in: "No link"},
	{id: "shortened_links", name: "bit.ly", msg: strings.Replace(goodMsg, "https://shop.example/spring\">", "https://bit.ly/3xSpring\">", 1), result: Fail, in: "your own domain"},
	{id: "shortened_links", name: "header only", headerOnly: true, result: Unknown},

	{id: "bounce_handling", name: "pass", result: Pass, in: "VERP"},
	{id: "bounce_handling", name: "the From address", change: func(in *Input) { in.Delivery.MailFrom = "news@shop.example" }, result: Fail, in: "bounce subdomain"},
	{id: "bounce_handling", name: "ESP", change: func(in *Input) { in.Delivery.MailFrom = "0100018e2b@us-west-2.amazonses.com" }, result: Pass, in: "amazonses.com"},
	{id: "bounce_handling", name: "null sender", change: func(in *Input) { in.Delivery.MailFrom, in.Delivery.NullSender = "", true }, result: NA},

	{id: "gmail_clipping", name: "pass", result: Pass},
	{id: "gmail_clipping", name: "110 KB of HTML", msg: strings.Replace(goodMsg, "<p>Spring is here:", strings.Repeat("<p>Spring, summer, autumn and winter: new collections.</p>\n", 2000)+"<p>Spring is here:", 1),
		result: Fail, in: "smaller"},
	{id: "gmail_clipping", name: "plain text only", msg: personalMsg, result: NA},
}

// TestRules shows each rule id passing and failing.
func TestRules(t *testing.T) {
	tested := map[string]map[string]bool{}
	for _, tc := range ruleCases {
		t.Run(tc.id+"/"+tc.name, func(t *testing.T) {
			msg := tc.msg
			if msg == "" {
				msg = goodMsg
			}
			rep := Check(context.Background(), input(t, msg, tc.headerOnly, tc.change))
			r, ok := rule(rep, tc.id)
			if !ok {
				t.Fatalf("no rule %s", tc.id)
			}
			if r.Result != tc.result || !strings.Contains(r.Reason+" "+r.Fix+" "+r.Evidence, tc.in) {
				b, _ := json.MarshalIndent(r, "", "  ")
				t.Fatalf("want %s with %q, got:\n%s", tc.result, tc.in, b)
			}
			if (r.Result == Fail) != (r.Fix != "") {
				t.Errorf("a fail needs a fix, and only a fail: %+v", r)
			}
			if tested[tc.id] == nil {
				tested[tc.id] = map[string]bool{}
			}
			tested[tc.id][r.Result] = true
		})
	}
	for id := range ruleFuncs {
		if !tested[id][Pass] || !tested[id][Fail] {
			t.Errorf("rule %s: want a case that passes and one that fails, have %v", id, tested[id])
		}
	}
}

// TestProviders pins which rules each provider lists.
func TestProviders(t *testing.T) {
	rep := Check(context.Background(), input(t, goodMsg, false, nil))
	want := map[string]string{
		"gmail": "spf_pass dkim_pass spf_and_dkim_pass dmarc_record dmarc_aligned dmarc_pass ptr_fcrdns tls one_click_unsubscribe unsubscribe_link " +
			"single_header_instances message_id key_size no_gmail_from",
		"yahoo":   "spf_pass dkim_pass spf_and_dkim_pass dmarc_record dmarc_aligned dmarc_pass ptr_fcrdns one_click_unsubscribe unsubscribe_link single_header_instances message_id",
		"outlook": "spf_pass dkim_pass spf_and_dkim_pass dmarc_record dmarc_aligned dmarc_pass unsubscribe_link",
	}
	if len(rep.Providers) != 3 {
		t.Fatalf("%d providers", len(rep.Providers))
	}
	for _, p := range rep.Providers {
		var ids []string
		for _, r := range p.Rules {
			ids = append(ids, r.ID)
			if r.Result != Pass {
				t.Errorf("%s %s: %s (%s)", p.Provider, r.ID, r.Result, r.Reason)
			}
			if r.Level == "" {
				t.Errorf("%s %s has no level", p.Provider, r.ID)
			}
		}
		if got := strings.Join(ids, " "); got != want[p.Provider] {
			t.Errorf("%s lists %s", p.Provider, got)
		}
		if !strings.Contains(p.Source, "20") {
			t.Errorf("%s: source without a date: %s", p.Provider, p.Source)
		}
	}
	if rep.Note == "" || rep.Bulk.Looks != "yes" {
		t.Errorf("note %q bulk %+v", rep.Note, rep.Bulk)
	}
}

func TestNotEvaluated(t *testing.T) {
	b, err := json.Marshal(NotEvaluated())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"providers":[]`, `"sender":[]`, `"note":"One message`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("no %s in %s", want, b)
		}
	}
}

func TestWellFormedMessageID(t *testing.T) {
	for id, want := range map[string]bool{
		"<20260310.1@mail.shop.example>":     true,
		" <a.b+c=d@[192.0.2.1]> ":            true,
		"<CAF=x_y-z@mail.gmail.com>":         true,
		"<abc>":                              false,
		"abc@example.com":                    false,
		"<a@b@c>":                            false,
		"<a..b@c>":                           false,
		"<.a@c>":                             false,
		"<a b@c>":                            false,
		"<a@c> (comment)":                    false,
		"<@c>":                               false,
		"<a@>":                               false,
		"<a@[x]y]>":                          false,
		"<\"quoted\"@example.com>":           false,
		"<ünïcode@example.com>":              false,
		"<20260310.1@mail.shop.example>\r\n": true,
	} {
		if got := WellFormedMessageID(id); got != want {
			t.Errorf("WellFormedMessageID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestOutOfTime: a body the scan could not read for lack of time leaves
// the body rules unknown, never failed.
func TestOutOfTime(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := Check(ctx, input(t, strings.Replace(goodMsg, "Se d=C3=A9sabonner", "Mon compte", 1), false, nil))
	for _, id := range []string{"unsubscribe_link", "shortened_links", "gmail_clipping"} {
		if r, _ := rule(rep, id); r.Result != Unknown {
			t.Errorf("%s = %s (%s)", id, r.Result, r.Reason)
		}
	}
}
