package app

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// parseObj reads a section's JSON form as a tab receives it.
func parseObj(t *testing.T, s string) obj {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	o, ok := normalize(v).(obj)
	if !ok {
		t.Fatal("not an object")
	}
	return o
}

func mustContain(t *testing.T, what string, o fyne.CanvasObject, wants ...string) {
	t.Helper()
	text := allText(o)
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

func TestDKIMCard(t *testing.T) {
	test.NewTempApp(t)
	mismatch := parseObj(t, `{"domain":"example.com","selector":"s1","algorithm":"rsa-sha256","result":"fail",
		"reason":"The body was changed after signing.","key_bits":2048,"code":"body_hash_mismatch",
		"canonicalization":"relaxed/relaxed","signed_headers":["from","subject"],"timestamp":"2026-03-10T09:15:02Z",
		"key":{"name":"s1._domainkey.example.com","type":"rsa","record":"v=DKIM1; k=rsa; p=MIIB"},
		"body_checked":true,"body_hash_expected":"EXPECTEDHASH=","body_hash_computed":"COMPUTEDHASH=","body_hash_matches":false,
		"signature_valid":true,"field":"DKIM-Signature: v=1; d=example.com","future_field":"shown under more details"}`)
	mustContain(t, "mismatch card", dkimCard(mismatch, false),
		"d=example.com  s=s1", "fail", "The body was changed after signing.", "2048-bit RSA key at s1._domainkey.example.com",
		"from, subject", "does not match", "EXPECTEDHASH=", "COMPUTEDHASH=", "valid: the signed header fields are unchanged",
		"v=DKIM1; k=rsa; p=MIIB", "More details", "shown under more details")

	lengthTag := parseObj(t, `{"domain":"example.com","selector":"s1","result":"pass","reason":"ok","body_checked":true,
		"body_hash_expected":"H=","body_hash_computed":"H=","body_hash_matches":true,"body_length":120,
		"canonical_body_bytes":200,"unsigned_bytes":80,"unsigned_text":"Click here to claim your prize\r\n",
		"warnings":["80 bytes were appended after signing"]}`)
	mustContain(t, "l= card", dkimCard(lengthTag, false), "matches: the body is as signed", "120 of 200 bytes",
		"80 bytes of the body are not covered", "Click here to claim your prize", "80 bytes were appended after signing")

	headerOnly := parseObj(t, `{"domain":"example.com","selector":"s1","result":"pass","reason":"header signature valid",
		"body_checked":false,"signature_valid":true}`)
	card := allText(dkimCard(headerOnly, true))
	if !strings.Contains(card, "not verified: "+bodyNotAvailable) || strings.Contains(card, "matches") {
		t.Errorf("header-only card:\n%s", card)
	}
}

func TestDMARCView(t *testing.T) {
	test.NewTempApp(t)
	s := parseObj(t, `{"result":"fail","code":"not_aligned","reason":"Nothing aligned with fabrikam.example.",
		"domain":"fabrikam.example","org_domain":"fabrikam.example","record":"v=DMARC1; p=reject",
		"record_domain":"_dmarc.fabrikam.example","policy":"reject","policy_tag":"p","disposition":"reject",
		"spf_aligned":false,"dkim_aligned":false,
		"alignment":[{"identifier":"SPF (MAIL FROM)","domain":"fabrikam.example","result":"fail","aligned":false,"mode":"relaxed","why":"SPF failed"},
		             {"identifier":"DKIM s=relay","domain":"cheaphost.example","result":"pass","aligned":false,"mode":"relaxed","why":"another organisation"}]}`)
	mustContain(t, "DMARC view", tabPage(dmarcView(s)...), "Nothing aligned with fabrikam.example.", "v=DMARC1; p=reject",
		"reject (from p=)", "reject: a receiver following the record refuses it", "SPF (MAIL FROM)", "DKIM s=relay",
		"cheaphost.example", "not aligned (relaxed)", "another organisation")
}

func TestSectionViews(t *testing.T) {
	test.NewTempApp(t)
	spf := parseObj(t, `{"result":"pass","reason":"192.0.2.25 is allowed","client_ip":"192.0.2.25","helo":"out1.example",
		"mail_from":"b@example.com","identity":"mail_from","domain":"example.com","mechanism":"ip4:192.0.2.0/24",
		"mechanism_domain":"_spf.example.com","lookups":2,"lookup_limit":10,"trace":["example.com: include:_spf.example.com"],
		"tree":{"domain":"example.com","record":"v=spf1 include:_spf.example.com -all","result":"pass",
		"children":[{"domain":"_spf.example.com","via":"include","record":"v=spf1 ip4:192.0.2.0/24 -all","result":"pass","mechanism":"ip4:192.0.2.0/24"}]}}`)
	mustContain(t, "SPF view", tabPage(spfView(spf)...), "192.0.2.25 is allowed", "out1.example", "b@example.com",
		"ip4:192.0.2.0/24 (in the record of _spf.example.com)", "2 of at most 10", "Record tree",
		"v=spf1 include:_spf.example.com -all", "include → _spf.example.com", "matched: ip4:192.0.2.0/24",
		"example.com: include:_spf.example.com")

	arc := parseObj(t, `{"result":"pass","code":"ok","reason":"chain intact","instances":[{"instance":1,"domain":"lists.example",
		"selector":"arc","cv":"none","seal_result":"pass","ams_result":"pass","saw":"DKIM of contoso passed",
		"aar":{"raw":"i=1; lists.example; dkim=pass","authserv_id":"lists.example"}}]}`)
	mustContain(t, "ARC view", tabPage(arcView(arc)...), "chain intact", "i=1  sealed by lists.example (s=arc)",
		"Seal (ARC-Seal)", "Message signature (ARC-Message-Signature)", "DKIM of contoso passed", "i=1; lists.example; dkim=pass")

	var hops []any
	if err := json.Unmarshal([]byte(`[
		{"from":"b.example","ip":"192.0.2.25","by":"mx.example","time":"2026-03-10T09:15:09Z","encrypted":true,
		 "tls":{"version":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384"},"boundary":true,"delay_seconds":7,"raw":"from b.example by mx.example"},
		{"from":"a.example","ip":"10.0.0.1","by":"b.example","time":"2026-03-10T09:15:02Z","encrypted":false,"internal":true}]`), &hops); err != nil {
		t.Fatal(err)
	}
	delivery := parseObj(t, `{"client_ip":"192.0.2.25","helo":"b.example","mail_from":"bounce@b.example","boundary_reason":"mx.example is the recipient's MX",
		"fcrdns":{"ip":"192.0.2.25","result":"pass","names":["b.example."],"confirmed":["b.example."],"reason":"b.example resolves back"}}`)
	chosen := -1
	view := tabPage(routeView(delivery, objects(normalize(hops)), func(hop int) { chosen = hop })...)
	mustContain(t, "route view", view,
		"1. a.example [10.0.0.1] → b.example", "2. b.example [192.0.2.25] → mx.example", "no TLS",
		"TLSv1.3 TLS_AES_256_GCM_SHA384", "boundary", "7s", "mx.example is the recipient's MX", "b.example resolves back",
		"Use as the boundary", "Choose the boundary hop automatically")
	// Only the hop that is not the boundary offers itself; it is the
	// second Received field from the top.
	use := findButton(view, "Use as the boundary")
	if use == nil {
		t.Fatal("no 'Use as the boundary' button")
	}
	test.Tap(use)
	if chosen != 2 {
		t.Errorf("tapping 'Use as the boundary' chose hop %d, want 2", chosen)
	}

	rec := parseObj(t, `{"authserv_id":"mx.example","trusted":true,"why":"it is the receiving server",
		"mechanisms":[{"mechanism":"dkim","subject":"example.com","recorded":"pass","now":"fail","agree":false,"explanation":"the key was removed since"}],
		"differences":["DKIM differs"]}`)
	mustContain(t, "recorded view", tabPage(recordedView(rec)...), "mx.example (trusted: the receiving server)",
		"dkim example.com", "differs", "the key was removed since", "DKIM differs")
}

// Sections the Report holds only as placeholders say "not evaluated".
func TestPlaceholderTabsSayNotEvaluated(t *testing.T) {
	test.NewTempApp(t)
	r := &inspector.Report{}
	for name, tab := range map[string]fyne.CanvasObject{
		"DKIM": dkimTab(r), "SPF": spfTab(r), "DMARC": dmarcTab(r), "ARC": arcTab(r),
		"Recorded": recordedTab(r), "Route": routeTab(r, nil),
	} {
		mustContain(t, name+" tab", tab, inspector.NotEvaluated)
	}
}

func TestHeadersFilterAndRaw(t *testing.T) {
	test.NewTempApp(t)
	m, err := message.Parse("x.eml", []byte("From: =?UTF-8?Q?J=C3=B6rg?= <j@example.com>\r\nSubject: hello\r\n world\r\nX-Other: 1\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	v := newHeadersView(m.Header)
	mustContain(t, "headers", v.root, "Jörg <j@example.com>", "hello world", "3 of 3 fields")
	test.Type(v.filter, "subject")
	if got := v.count.Text; got != "1 of 3 fields" {
		t.Errorf("count %q after filtering", got)
	}
	v.raw.SetChecked(true)
	mustContain(t, "raw headers", v.root, "Subject: hello\n world")
	v.filter.SetText("no such text")
	mustContain(t, "filtered out", v.root, "0 of 3 fields")
}

// genericView renders any JSON without panicking.
func FuzzGenericView(f *testing.F) {
	test.NewApp()
	for _, seed := range []string{`{"result":"pass","a":[1,{"b":null}],"matched":true}`, `[]`, `"x"`, `{"":{"":{"":{"":{"":{"":{"":[]}}}}}}}`, `3.5`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		genericView(normalize(v), 0)
		if o, ok := normalize(v).(obj); ok {
			dkimCard(o, false)
			moreDetails(o)
		}
	})
}

func TestLooksLikeHeader(t *testing.T) {
	for in, want := range map[string]bool{
		"Received: from x\r\n":    true,
		"\n\nDKIM-Signature: v=1": true,
		"hello world":             false,
		"see: this":               true,
		"two words: no":           false,
		"":                        false,
	} {
		if got := looksLikeHeader(in); got != want {
			t.Errorf("looksLikeHeader(%q) = %v, want %v", in, got, want)
		}
	}
}
