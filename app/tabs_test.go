package app

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/route"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// fromJSON reads a section as the engine would have filled it, from its
// JSON form: the tests say what a tab shows of the fields people know.
func fromJSON[T any](t *testing.T, s string) *T {
	t.Helper()
	v := new(T)
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatal(err)
	}
	return v
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

func mustLack(t *testing.T, what string, o fyne.CanvasObject, unwanted ...string) {
	t.Helper()
	text := allText(o)
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("%s shows %q:\n%s", what, w, text)
		}
	}
}

// The views as the tabs use them, given one section.
func dkimCardOf(s *dkim.Result, headerOnly bool) fyne.CanvasObject {
	c := newDKIMCard()
	c.update(dkimItem{s, headerOnly, (&inspector.Report{}).SignatureStatus(s)})
	return c.object()
}

func sectionObject[T any](v sectionView[T], s *T) fyne.CanvasObject {
	v.update(s, &inspector.Report{})
	return v.object()
}

func tabObject(v tabView, r *inspector.Report) fyne.CanvasObject {
	v.update(r, false)
	return v.object()
}

// moreDetails is the "More details" part of a view (nil when it has none).
func moreDetails(o fyne.CanvasObject) *widget.Accordion {
	var found *widget.Accordion
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Accordion:
			if len(w.Items) == 1 && w.Items[0].Title == "More details" {
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *widget.Card:
			walk(w.Content)
		}
	}
	walk(o)
	return found
}

func TestDKIMCard(t *testing.T) {
	test.NewTempApp(t)
	mismatch := fromJSON[dkim.Result](t, `{"domain":"example.com","selector":"s1","algorithm":"rsa-sha256","result":"fail",
		"reason":"The body was changed after signing.","key_bits":2048,"code":"body_hash_mismatch",
		"canonicalization":"relaxed/relaxed","signed_headers":["from","subject"],"timestamp":"2026-03-10T09:15:02Z",
		"key":{"name":"s1._domainkey.example.com","type":"rsa","record":"v=DKIM1; k=rsa; p=MIIB"},
		"body_checked":true,"body_hash_expected":"EXPECTEDHASH=","body_hash_computed":"COMPUTEDHASH=","body_hash_matches":false,
		"signature_valid":true,"field":"DKIM-Signature: v=1; d=example.com","future_at_receipt":true}`)
	view := dkimCardOf(mismatch, false)
	mustContain(t, "mismatch card", view,
		"d=example.com  s=s1", "fail", "The body was changed after signing.", "2048-bit RSA key at s1._domainkey.example.com",
		"from, subject", "signed 2026-03-10 09:15:02 +0000", "does not match", "EXPECTEDHASH=", "COMPUTEDHASH=",
		"valid: the signed header fields are unchanged", "v=DKIM1; k=rsa; p=MIIB", "DKIM-Signature: v=1; d=example.com")
	// What the card does not show itself is under More details, and only
	// that.
	more := moreDetails(view)
	if more == nil {
		t.Fatal("the card has no More details")
	}
	mustContain(t, "More details", more, "Future at receipt", "yes")
	mustLack(t, "More details", more, "Selector", "Body hash expected", "Key bits", "Code", "body_hash_mismatch", "Record")

	lengthTag := fromJSON[dkim.Result](t, `{"domain":"example.com","selector":"s1","result":"pass","reason":"ok","body_checked":true,
		"body_hash_expected":"H=","body_hash_computed":"H=","body_hash_matches":true,"body_length":120,
		"canonical_body_bytes":200,"unsigned_bytes":80,"unsigned_text":"Click here to claim your prize\r\n",
		"warnings":["80 bytes were appended after signing"],"warning_codes":["unsigned_content"]}`)
	view = dkimCardOf(lengthTag, false)
	mustContain(t, "l= card", view, "matches: the body is as signed", "120 of 200 bytes",
		"80 bytes of the body are not covered", "Click here to claim your prize", "80 bytes were appended after signing")
	// The warnings are shown as warnings, not again under More details
	// (the JSON form writes them under two names).
	if more := moreDetails(view); more != nil {
		mustLack(t, "l= card's More details", more, "appended", "unsigned_content", "Warning")
	}

	headerOnly := fromJSON[dkim.Result](t, `{"domain":"example.com","selector":"s1","result":"pass","reason":"header signature valid",
		"body_checked":false,"signature_valid":true}`)
	card := allText(dkimCardOf(headerOnly, true))
	if !strings.Contains(card, "not verified: "+bodyNotAvailable) || strings.Contains(card, "matches") {
		t.Errorf("header-only card:\n%s", card)
	}
}

// A card shown with one signature and then another says only what the
// second says.
func TestDKIMCardUpdatesInPlace(t *testing.T) {
	test.NewTempApp(t)
	c := newDKIMCard()
	c.update(dkimItem{fromJSON[dkim.Result](t, `{"domain":"a.example","selector":"s1","result":"fail","reason":"changed",
		"body_checked":true,"body_hash_expected":"E=","body_hash_computed":"C=","body_length":10,"unsigned_bytes":5,
		"unsigned_text":"extra","warnings":["a warning"],"field":"DKIM-Signature: a"}`), false, inspector.StatusBad})
	first := c.object()
	c.update(dkimItem{fromJSON[dkim.Result](t, `{"domain":"b.example","selector":"s2","result":"pass","reason":"fine",
		"body_checked":true,"body_hash_expected":"H=","body_hash_computed":"H=","body_hash_matches":true}`), false, inspector.StatusGood})
	if c.object() != first {
		t.Error("the card was made again")
	}
	mustContain(t, "updated card", c.object(), "d=b.example  s=s2", "Fine", "matches: the body is as signed", "H=")
	mustLack(t, "updated card", c.object(), "a.example", "changed", "C=", "extra", "a warning", "DKIM-Signature: a",
		"Signed body length", "Expected (bh=)")
}

func TestDMARCView(t *testing.T) {
	test.NewTempApp(t)
	s := fromJSON[dmarc.Result](t, `{"result":"fail","code":"not_aligned","reason":"Nothing aligned with fabrikam.example.",
		"domain":"fabrikam.example","org_domain":"fabrikam.example","record":"v=DMARC1; p=reject",
		"record_domain":"_dmarc.fabrikam.example","policy":"reject","policy_tag":"p","disposition":"reject",
		"spf_aligned":false,"dkim_aligned":false,
		"alignment":[{"identifier":"SPF (MAIL FROM)","domain":"fabrikam.example","result":"fail","aligned":false,"mode":"relaxed","why":"SPF failed"},
		             {"identifier":"DKIM s=relay","domain":"cheaphost.example","result":"pass","aligned":false,"mode":"relaxed","why":"another organisation"}]}`)
	view := sectionObject[dmarc.Result](newDMARCView(), s)
	mustContain(t, "DMARC view", view, "Nothing aligned with fabrikam.example.", "v=DMARC1; p=reject",
		"reject (from p=)", "reject: a receiver following the record refuses it", "SPF (MAIL FROM)", "DKIM s=relay",
		"cheaphost.example", "not aligned (relaxed)", "Another organisation", "same domain, but SPF failed")
	mustContain(t, "DMARC More details", moreDetails(view), "Spf aligned", "Dkim aligned")
}

func TestSectionViews(t *testing.T) {
	test.NewTempApp(t)
	spfRes := fromJSON[spf.Result](t, `{"result":"pass","reason":"192.0.2.25 is allowed","client_ip":"192.0.2.25","helo":"out1.example",
		"mail_from":"b@example.com","identity":"mail_from","domain":"example.com","mechanism":"ip4:192.0.2.0/24",
		"mechanism_domain":"_spf.example.com","lookups":2,"lookup_limit":10,"trace":["example.com: include:_spf.example.com"],
		"tree":{"domain":"example.com","record":"v=spf1 include:_spf.example.com -all","result":"pass",
		"children":[{"domain":"_spf.example.com","via":"include","record":"v=spf1 ip4:192.0.2.0/24 -all","result":"pass","mechanism":"ip4:192.0.2.0/24"}]}}`)
	mustContain(t, "SPF view", sectionObject[spf.Result](newSPFView(), spfRes), "192.0.2.25 is allowed", "out1.example", "b@example.com",
		"ip4:192.0.2.0/24 (in the record of _spf.example.com)", "2 of at most 10", "Record tree",
		"v=spf1 include:_spf.example.com -all", "include → _spf.example.com", "decided by: ip4:192.0.2.0/24",
		"example.com: include:_spf.example.com")

	arcRes := fromJSON[arc.Result](t, `{"result":"pass","code":"ok","reason":"chain intact","instances":[{"instance":1,"domain":"lists.example",
		"selector":"arc","cv":"none","seal_result":"pass","ams_result":"pass","saw":"DKIM of contoso passed",
		"aar":{"raw":"i=1; lists.example; dkim=pass","authserv_id":"lists.example"}}]}`)
	mustContain(t, "ARC view", sectionObject[arc.Result](newARCView(), arcRes), "Chain intact", "i=1  sealed by lists.example (s=arc)",
		"Seal (ARC-Seal)", "Message signature (ARC-Message-Signature)", "DKIM of contoso passed", "i=1; lists.example; dkim=pass")

	hops := *fromJSON[[]route.Hop](t, `[
		{"from":"b.example","ip":"192.0.2.25","by":"mx.example","time":"2026-03-10T09:15:09Z","encrypted":true,
		 "tls":{"version":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384"},"boundary":true,"delay_seconds":7,"raw":"from b.example by mx.example"},
		{"from":"a.example","ip":"10.0.0.1","by":"b.example","time":"2026-03-10T09:15:02Z","encrypted":false,"internal":true}]`)
	delivery := fromJSON[route.Route](t, `{"client_ip":"192.0.2.25","helo":"b.example","mail_from":"bounce@b.example","boundary_reason":"mx.example is the recipient's MX",
		"fcrdns":{"ip":"192.0.2.25","result":"pass","names":["b.example."],"confirmed":["b.example."],"reason":"b.example resolves back"}}`)
	chosen := -1
	view := sectionObject[routeSection](newRouteView(func(hop int) { chosen = hop }), &routeSection{hops, delivery})
	mustContain(t, "route view", view,
		"1. a.example [10.0.0.1] → b.example", "2. b.example [192.0.2.25] → mx.example", "not encrypted, inside one organisation",
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

	rec := fromJSON[recorded.Comparison](t, `{"authserv_id":"mx.example","trusted":true,"why":"it is the receiving server",
		"mechanisms":[{"mechanism":"dkim","subject":"example.com","recorded":"pass","now":"fail","agree":false,"explanation":"the key was removed since"}],
		"differences":["DKIM differs"]}`)
	mustContain(t, "recorded view", sectionObject[recorded.Comparison](newRecordedView(), rec), "mx.example (trusted: the receiving server)",
		"dkim example.com", "differs", "the key was removed since", "DKIM differs")
}

// Sections the Report does not have say "not evaluated" once the checks
// are over, and "checking…" with a spinner while they run.
func TestAbsentSectionsSayNotEvaluatedOrChecking(t *testing.T) {
	test.NewTempApp(t)
	r := &inspector.Report{}
	tabs := map[string]tabView{
		"DKIM": newDKIMTab(), "SPF": newSPFTab(), "DMARC": newDMARCTab(), "ARC": newARCTab(),
		"Recorded": newRecordedTab(), "Route": newRouteTab(nil),
	}
	before := spinnersRunning.Load()
	for name, tab := range tabs {
		tab.update(r, true)
		mustContain(t, name+" tab while checking", tab.object(), checking)
		mustLack(t, name+" tab while checking", tab.object(), inspector.NotEvaluated)
	}
	if got := spinnersRunning.Load() - before; got != int64(len(tabs)) {
		t.Errorf("%d spinners running while checking, want one per tab (%d)", got, len(tabs))
	}
	for name, tab := range tabs {
		tab.update(r, false)
		mustContain(t, name+" tab", tab.object(), inspector.NotEvaluated)
		mustLack(t, name+" tab", tab.object(), checking)
	}
	if got := spinnersRunning.Load() - before; got != 0 {
		t.Errorf("%d spinners still running after the checks", got)
	}
}

// "More details" lists the fields a view did not mark as shown, by their
// JSON names, whatever the Go names; a field written under other names
// by a MarshalJSON of its own is found too.
func TestMoreDetailsLeavesOutWhatIsShown(t *testing.T) {
	test.NewTempApp(t)
	type section struct {
		Shown   string   `json:"shown_field"`
		Skipped int      `json:"skipped"`
		Other   string   `json:"new_field"`
		Flag    bool     `json:"flag"`
		Empty   []string `json:"empty,omitempty"`
	}
	s := &section{Shown: "in the tab", Skipped: 3, Other: "only here", Flag: false}
	sh := track(s)
	if use(sh, &s.Shown) != "in the tab" {
		t.Fatal("use does not return the field")
	}
	sh.mark(&s.Skipped)
	m := newMoreView()
	m.set(s, sh)
	text := allText(m.acc)
	for _, want := range []string{"More details", "New field", "only here", "Flag", "no"} {
		if !strings.Contains(text, want) {
			t.Errorf("More details lacks %q:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{"Shown field", "in the tab", "Skipped", "Empty"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("More details shows %q:\n%s", unwanted, text)
		}
	}

	d := &dkim.Result{}
	dsh := track(d)
	dsh.mark(&d.Warnings)
	if !dsh.has("warnings") || !dsh.has("warning_codes") {
		t.Errorf("marking dkim.Result.Warnings shows %v, want warnings and warning_codes", dsh.names)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("marking something that is not a field of the section does not panic")
			}
		}()
		other := 1
		dsh.mark(&other)
	}()
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

// genericView renders any JSON, and a DKIM card any signature, without
// panicking.
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
		restOf(normalize(v), func(k string) bool { return k == "result" })
		var d dkim.Result
		if json.Unmarshal([]byte(s), &d) == nil {
			dkimCardOf(&d, false)
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
