package inspector

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/result"
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
