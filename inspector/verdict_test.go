package inspector

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/bimi"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/signals"
	"github.com/mailinspector/mailinspector/inspector/spamfilter"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// passingReport is a report in which every check passed, for the verdict
// rules to be tried one change at a time.
func passingReport(sigs ...*dkim.Result) *Report {
	return &Report{
		From:  Address{Address: "news@shop.example", Domain: "shop.example"},
		DKIM:  sigs,
		SPF:   &spf.Result{Result: result.Pass, Reason: "the server is allowed", Domain: "shop.example"},
		DMARC: &dmarc.Result{Result: result.Pass, Reason: "aligned", Policy: "reject"},
		ARC:   &arc.Result{Result: result.None, Reason: "no ARC fields"},
	}
}

// TestWarningsCountOneByOne is the case that failed when warnings and their
// codes were parallel slices: one warning that counts against the verdict
// (a weak key) made every warning of that signature a reason, including an
// irregular key record, which does not count.
func TestWarningsCountOneByOne(t *testing.T) {
	sig := &dkim.Result{Domain: "shop.example", Selector: "s1", Result: result.Pass, Code: dkim.CodeWeakKey, Reason: "verified",
		Warnings: []dkim.Warning{
			{Code: dkim.CodeKeyRecord, Text: "v=DKIM1 is not the first tag of the record"},
			{Code: dkim.CodeWeakKey, Text: "the key is a 1024-bit RSA key"},
		}}
	r := passingReport(sig)
	summarize(r, false)
	if r.Verdict != VerdictWarn {
		t.Fatalf("verdict %s, want warn (a weak key): %q", r.Verdict, r.Reasons)
	}
	joined := strings.Join(r.Reasons, "\n")
	if !strings.Contains(joined, "1024-bit") {
		t.Errorf("the weak key is not a reason: %q", r.Reasons)
	}
	if strings.Contains(joined, "v=DKIM1") {
		t.Errorf("an irregular key record, which does not count against the verdict, is a reason: %q", r.Reasons)
	}

	// The key record warning alone leaves the verdict at pass.
	only := *sig
	only.Warnings = only.Warnings[:1]
	only.Code = dkim.CodeKeyRecord
	r = passingReport(&only)
	summarize(r, false)
	if r.Verdict != VerdictPass {
		t.Errorf("verdict %s with only an irregular key record, want pass: %q", r.Verdict, r.Reasons)
	}
}

// TestWarningsJSON keeps the JSON form of warnings as it always was: two
// lists in the same order, "warnings" and "warning_codes".
func TestWarningsJSON(t *testing.T) {
	in := &dkim.Result{Domain: "d.example", Result: result.Pass, Warnings: []dkim.Warning{
		{Code: dkim.CodeWeakKey, Text: "weak"}, {Code: dkim.CodeTesting, Text: "testing"},
	}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	if string(fields["warnings"]) != `["weak","testing"]` || string(fields["warning_codes"]) != `["weak_key","testing"]` {
		t.Errorf("warnings %s, warning_codes %s", fields["warnings"], fields["warning_codes"])
	}
	var out dkim.Result
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Warnings, in.Warnings) || out.Domain != in.Domain || out.Result != in.Result {
		t.Errorf("round trip gave %+v, want %+v", out, in)
	}
}

// TestUnreadableFromIsNotChecked: where our reader cannot find the author,
// the verdict says "could not check" (grey), never "Not genuine"; a From
// field that names no single author is a spoofing trick and fails.
func TestUnreadableFromIsNotChecked(t *testing.T) {
	tests := []struct {
		code    string
		verdict string
		head    string
	}{
		{dmarc.CodeBadFrom, VerdictNone, "Could not check who sent this message"},
		{dmarc.CodeBadDomain, VerdictNone, "Could not check who sent this message"},
		{dmarc.CodeMultipleFrom, VerdictFail, "Not genuine"},
		{dmarc.CodeNoFrom, VerdictFail, "Not genuine"},
	}
	for _, tc := range tests {
		r := passingReport(&dkim.Result{Domain: "shop.example", Result: result.Pass, Code: dkim.CodeOK, Reason: "verified"})
		r.From = Address{}
		r.DMARC = &dmarc.Result{Result: result.PermError, Code: tc.code, Reason: "DMARC cannot be checked: the From field is odd."}
		summarize(r, false)
		if r.Verdict != tc.verdict || !strings.HasPrefix(r.Headline, tc.head) {
			t.Errorf("%s: verdict %s %q, want %s %q…", tc.code, r.Verdict, r.Headline, tc.verdict, tc.head)
		}
		for _, row := range r.Summary {
			if row.Mechanism == "DMARC" && row.Status != tc.verdict {
				t.Errorf("%s: the DMARC row is %s, want %s", tc.code, row.Status, tc.verdict)
			}
		}
	}
}

// fixture is a message the tests have, with the DNS it is checked under:
// the zone files beside it (or in a testdata folder above it), or, for the
// samples, their snapshot.
type fixture struct {
	path  string
	zones []string
	snap  *resolver.Snapshot
}

// fixtures are every .eml under the testdata folders of the engine's
// packages, and the samples.
func fixtures(t *testing.T) []fixture {
	t.Helper()
	var out []fixture
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".eml") || !strings.Contains(filepath.ToSlash(p), "testdata/") {
			return err
		}
		f := fixture{path: p}
		for dir := filepath.Dir(p); strings.Contains(filepath.ToSlash(dir), "testdata"); dir = filepath.Dir(dir) {
			zones, _ := filepath.Glob(filepath.Join(dir, "*.zone"))
			f.zones = append(f.zones, zones...)
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := resolver.ParseSnapshot(assets.SampleSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range assets.Samples() {
		out = append(out, fixture{path: filepath.Join("..", "assets", "samples", s.File), snap: snap})
	}
	if len(out) < 60 {
		t.Fatalf("only %d fixtures found", len(out))
	}
	return out
}

// check checks f as the command line would, against its zones or
// snapshot; nil when f is not a message.
func (f fixture) check(t *testing.T) *Report {
	t.Helper()
	m, err := message.Open(f.path)
	if err != nil {
		return nil
	}
	defer m.Close()
	opts := Options{DNS: resolver.Config{Replay: f.snap, Timeout: 300 * time.Millisecond}}
	if f.snap == nil {
		srv := dnstest.Start(t, "")
		for _, z := range f.zones {
			b, err := os.ReadFile(z)
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.AddZone(string(b)); err != nil {
				t.Fatalf("%s: %v", z, err)
			}
		}
		opts.DNS.Servers = []string{srv.Addr}
	}
	return Check(context.Background(), m, opts)
}

// TestHeadlineAgreesWithRows checks every message the tests have: no row
// states the opposite of the headline, every row has the status its check
// has in the one status language, and the JSON summary carries the same
// statuses.
func TestHeadlineAgreesWithRows(t *testing.T) {
	verdicts := map[string]int{}
	for _, f := range fixtures(t) {
		t.Run(filepath.ToSlash(f.path), func(t *testing.T) {
			r := f.check(t)
			if r == nil {
				t.Skip("not a message")
			}
			verdicts[r.Verdict]++
			for _, c := range r.Contradictions() {
				t.Errorf("%s\nheadline: %s", c, r.Headline)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var back struct {
				Verdict string `json:"verdict"`
				Summary []Row  `json:"summary"`
			}
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back.Verdict != r.Verdict || !slices.Equal(back.Summary, r.Summary) {
				t.Errorf("the JSON summary differs from the report's: %+v", back)
			}
		})
	}
	// The fixtures cover every verdict; a walk that finds none of some is
	// checking less than it seems.
	for _, v := range []string{VerdictPass, VerdictWarn, VerdictFail} {
		if verdicts[v] == 0 {
			t.Errorf("no fixture has the verdict %s (%v)", v, verdicts)
		}
	}
}

// TestChangedAfterSigning is the report that said "Not genuine… cannot be
// trusted to come from shopco.example" above a green DMARC "pass… the
// visible sender is authenticated": SPF passed for the From domain, its
// only DKIM signature broke. What is true is said in the headline and the
// rows: sent by a server shopco.example allows, changed after signing.
func TestChangedAfterSigning(t *testing.T) {
	r := passingReport(&dkim.Result{Domain: "shopco.example", Selector: "s1", Result: result.Fail, Code: dkim.CodeBodyHashMismatch,
		Reason: "The body was changed after shopco.example signed it."})
	r.From = Address{Address: "billing@shopco.example", Domain: "shopco.example"}
	r.SPF.Domain = "shopco.example"
	r.DMARC = &dmarc.Result{Result: result.Pass, SPFAligned: true, Domain: "shopco.example", Policy: "reject",
		Reason: "DMARC passed: SPF (MAIL FROM) for shopco.example passed and matches the From domain shopco.example, so the visible sender is authenticated."}
	summarize(r, false)
	if r.Verdict != VerdictFail || !strings.Contains(r.Headline, "sent by a server that shopco.example allows, but changed after") {
		t.Errorf("verdict %s %q", r.Verdict, r.Headline)
	}
	dm := r.Row("DMARC")
	if dm.Status != VerdictWarn || strings.Contains(dm.Reason, "visible sender is authenticated") || !strings.Contains(dm.Reason, "through SPF alone") {
		t.Errorf("DMARC row %+v", *dm)
	}
	if dk := r.Row("DKIM"); dk.Status != VerdictFail {
		t.Errorf("DKIM row %+v", *dk)
	}
	if c := r.Contradictions(); len(c) > 0 {
		t.Errorf("contradictions: %q", c)
	}

	// The report as it was then is caught.
	old := *r
	old.Headline = "Not genuine: the message is not as shopco.example signed it, so it cannot be trusted to come from shopco.example."
	old.Summary = slices.Clone(r.Summary)
	for i := range old.Summary {
		if old.Summary[i].Mechanism == "DMARC" {
			old.Summary[i].Status, old.Summary[i].Reason = VerdictPass, r.DMARC.Reason
		}
	}
	if len(old.Contradictions()) == 0 {
		t.Error("the old report has no contradiction")
	}
}

// TestOneStatusLanguage pins the mapping of result words to statuses that
// every part of the app and the text output share.
func TestOneStatusLanguage(t *testing.T) {
	want := map[result.Result][3]Status{
		result.Pass:      {StatusGood, StatusGood, StatusGood},
		result.Fail:      {StatusBad, StatusBad, StatusCaution},
		"hardfail":       {StatusBad, StatusBad, StatusCaution},
		result.SoftFail:  {StatusCaution, StatusCaution, StatusCaution},
		result.TempError: {StatusCaution, StatusCaution, StatusCaution},
		result.PermError: {StatusCaution, StatusCaution, StatusCaution},
		result.Policy:    {StatusCaution, StatusCaution, StatusCaution},
		result.Neutral:   {StatusNotChecked, StatusCaution, StatusNotChecked},
		result.None:      {StatusNotChecked, StatusCaution, StatusNotChecked},
		"":               {StatusNotChecked, StatusCaution, StatusNotChecked},
	}
	for word, w := range want {
		for i, ctx := range []Context{Authenticates, Expected, Aside} {
			if got := ResultStatus(word, ctx); got != w[i] {
				t.Errorf("ResultStatus(%q, %d) = %s, want %s", word, ctx, got, w[i])
			}
		}
	}
	for _, s := range []Status{StatusGood, StatusCaution, StatusBad, StatusNotChecked, StatusUnreadable, StatusPending} {
		if StatusOf(string(s)) != s {
			t.Errorf("StatusOf(%q) = %s", s, StatusOf(string(s)))
		}
	}
	if Worst(StatusGood, StatusCaution, StatusNotChecked) != StatusCaution || Worst() != StatusNotChecked {
		t.Error("Worst")
	}
	// The sender's sections share the language: a rule that one message
	// cannot show (unknown) or that does not apply is grey, not amber; a
	// spam filter's verdict that the receiver did not write is grey.
	for res, want := range map[string]Status{deliver.Pass: StatusGood, deliver.Fail: StatusBad, deliver.Unknown: StatusNotChecked, deliver.NA: StatusNotChecked} {
		if got := RuleStatus(res); got != want {
			t.Errorf("RuleStatus(%q) = %s, want %s", res, got, want)
		}
	}
	spam := spamfilter.Filter{Verdict: spamfilter.VerdictSpam, Trusted: true}
	if FilterStatus(spam) != StatusBad {
		t.Error("a trusted spam verdict is not bad")
	}
	spam.Trusted = false
	if FilterStatus(spam) != StatusNotChecked {
		t.Error("an untrusted spam verdict is not grey")
	}
	if BIMIStatus(&bimi.Result{Result: bimi.Pass}) != StatusGood || BIMIStatus(&bimi.Result{Result: bimi.Fail}) != StatusBad || BIMIStatus(nil) != StatusNotChecked {
		t.Error("BIMIStatus")
	}
	if SignalStatus(signals.High) != StatusBad || SignalStatus(signals.Medium) != StatusCaution || SignalStatus(signals.Low) != StatusNotChecked {
		t.Error("SignalStatus")
	}
	if Sentence("the chain") != "The chain" || Sentence("mail.example.org saw") != "mail.example.org saw" || Sentence("d=x") != "d=x" {
		t.Error("Sentence")
	}
}

// TestTrapHeadline: signals never change the verdict, but a serious one is
// in the headline: first where the message is authenticated (a reader who
// sees "Genuine" stops reading), counted where it already raises doubt.
func TestTrapHeadline(t *testing.T) {
	brand := signals.Signal{Code: signals.DisplayNameBrand, Severity: signals.High,
		Text: "The display name says PayPal, but the message is from shop.example. PayPal does not send from there.", Evidence: "From: PayPal <news@shop.example>"}
	reply := signals.Signal{Code: signals.ReplyToOtherOrg, Severity: signals.Medium, Text: "Replies go to another organisation.", Evidence: "Reply-To: x@other.example"}
	short := signals.Signal{Code: signals.LinkShortener, Severity: signals.Low, Text: "A link goes through a shortener.", Evidence: "https://bit.ly/x"}
	ok := &dkim.Result{Domain: "shop.example", Result: result.Pass, Code: dkim.CodeOK, Reason: "verified"}
	weak := &dkim.Result{Domain: "shop.example", Result: result.Pass, Code: dkim.CodeWeakKey, Reason: "verified",
		Warnings: []dkim.Warning{{Code: dkim.CodeWeakKey, Text: "the key is a 1024-bit RSA key"}}}
	tests := []struct {
		name    string
		sig     *dkim.Result
		found   []signals.Signal
		verdict string
		head    string // the headline, whole
	}{
		{"genuine, no signs", ok, nil, VerdictPass, "Genuine: this message is authenticated as coming from shop.example."},
		{"genuine, only low and medium", ok, []signals.Signal{reply, short}, VerdictPass, "Genuine: this message is authenticated as coming from shop.example."},
		{"genuine, a high sign", ok, []signals.Signal{brand, reply}, VerdictPass,
			"Authenticated as coming from shop.example, but it looks like a trap: The display name says PayPal, but the message is from shop.example."},
		{"warn, two serious signs and a low one", weak, []signals.Signal{brand, reply, short}, VerdictWarn,
			"Authenticated as coming from shop.example, but with a caveat: The DKIM signature of shop.example passes, but the key is a 1024-bit RSA key. It also shows 2 signs of a trap (see Signals)."},
	}
	for _, tc := range tests {
		r := passingReport(tc.sig)
		r.Signals = tc.found
		summarize(r, false)
		if r.Verdict != tc.verdict || r.Headline != tc.head {
			t.Errorf("%s: %s %q\nwant %s %q", tc.name, r.Verdict, r.Headline, tc.verdict, tc.head)
		}
		if c := r.Contradictions(); len(c) > 0 {
			t.Errorf("%s: %q", tc.name, c)
		}
	}
}
