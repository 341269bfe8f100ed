package summary

import (
	"encoding/json"
	"testing"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/result"
)

func report(domain, verdict string, dm result.Result, code string, dk dkim.Code) *inspector.Report {
	r := &inspector.Report{Verdict: verdict, DMARC: &dmarc.Result{Result: dm, Code: code}}
	r.From.Domain = domain
	status := inspector.VerdictPass
	if dm != result.Pass {
		status = verdict
	}
	r.Summary = append(r.Summary, inspector.Row{Mechanism: "DMARC", Result: dm, Status: status, Reason: "dmarc " + string(dm)})
	if dk != "" {
		r.DKIM = []*dkim.Result{{Result: result.Fail, Code: dk}}
		r.Summary = append(r.Summary, inspector.Row{Mechanism: "DKIM", Result: result.Fail, Status: inspector.VerdictFail, Reason: "body changed"})
	}
	return r
}

func TestCounter(t *testing.T) {
	c := New()
	for i := 0; i < 3; i++ {
		c.Add("a", report("shop.example", inspector.VerdictPass, result.Pass, dmarc.CodeAligned, ""))
	}
	c.Add("b1", report("bank.example", inspector.VerdictFail, result.Fail, dmarc.CodeNotAligned, dkim.CodeBodyHashMismatch))
	c.Add("b2", report("bank.example", inspector.VerdictFail, result.Fail, dmarc.CodeNotAligned, dkim.CodeBodyHashMismatch))
	c.Add("n", report("", inspector.VerdictWarn, result.None, dmarc.CodeNoRecord, ""))
	c.AddError()
	c.AddSkipped("hidden file")
	c.AddSkipped("hidden file")
	c.AddSkipped("not a message: empty")

	s := c.Summary(0)
	if s.Messages != 6 || s.Errors != 1 || s.Skipped != 3 {
		t.Errorf("counts %d %d %d", s.Messages, s.Errors, s.Skipped)
	}
	if s.Verdicts["pass"] != 3 || s.Verdicts["fail"] != 2 || s.Verdicts["warn"] != 1 || s.Verdicts["none"] != 0 {
		t.Errorf("verdicts %v", s.Verdicts)
	}
	if len(s.Problems) != 3 || s.Problems[0].Count != 2 || s.Problems[0].Mechanism != "DKIM" || s.Problems[0].Code != "body_hash_mismatch" ||
		s.Problems[0].First != "b1" || s.Problems[1].Code != "not_aligned" || s.Problems[2].Code != "no_record" {
		t.Errorf("problems %+v", s.Problems)
	}
	if len(s.Domains) != 3 || s.Domains[0].Domain != "shop.example" || s.Domains[0].DMARCPass != 3 ||
		s.Domains[1].Domain != "bank.example" || s.Domains[1].DMARCPass != 0 || s.Domains[1].Verdicts["fail"] != 2 || s.Domains[2].Domain != NoDomain {
		t.Errorf("domains %+v", s.Domains)
	}
	if len(s.SkippedWhy) != 2 || s.SkippedWhy[0] != (Count{"hidden file", 2}) {
		t.Errorf("skipped %+v", s.SkippedWhy)
	}

	top := c.Summary(1)
	if len(top.Problems) != 1 || top.MoreProblems != 2 || len(top.Domains) != 1 || top.MoreDomains != 2 {
		t.Errorf("top 1: %d problems (+%d), %d domains (+%d)", len(top.Problems), top.MoreProblems, len(top.Domains), top.MoreDomains)
	}
	// A summary is a copy: counting goes on without changing it.
	c.Add("a", report("shop.example", inspector.VerdictPass, result.Pass, dmarc.CodeAligned, ""))
	if s.Messages != 6 || s.Verdicts["pass"] != 3 || s.Domains[0].Messages != 3 {
		t.Errorf("the summary changed after it was taken")
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil || back.Messages != 6 || back.Problems[0].Code != "body_hash_mismatch" {
		t.Errorf("JSON round trip: %v, %+v", err, back)
	}
}
