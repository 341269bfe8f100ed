package inspector

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mailinspector/mailinspector/inspector/bimi"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/route"
	"github.com/mailinspector/mailinspector/inspector/signals"
	"github.com/mailinspector/mailinspector/inspector/spamfilter"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// Status is how one result reads at a glance. It is the one status
// language of Mail Inspector: the verdict panel, the details tabs and their
// icons, the text output and the JSON summary all take a result's status
// from the functions of this file, so that the same result never shows in
// two colours. Its values are the JSON words of Report.Verdict and
// Row.Status.
type Status string

const (
	// StatusGood: the check passed (green, ✔).
	StatusGood Status = VerdictPass
	// StatusCaution: something to weigh, not proof of forgery (amber, !).
	StatusCaution Status = VerdictWarn
	// StatusBad: the check says the message is not what it claims (red, ✘).
	StatusBad Status = VerdictFail
	// StatusNotChecked: nothing was checked, or the result says nothing
	// either way (grey, ?).
	StatusNotChecked Status = VerdictNone
	// StatusUnreadable: the file could not be read as a message, so
	// nothing about the message is known. A Report never has it; the app
	// and the command line give it to a file they could not read.
	StatusUnreadable Status = "error"
)

// StatusOf reads a JSON status word (Report.Verdict, Row.Status); an
// unknown word is StatusNotChecked.
func StatusOf(word string) Status {
	switch s := Status(word); s {
	case StatusGood, StatusCaution, StatusBad, StatusNotChecked, StatusUnreadable, StatusPending:
		return s
	}
	return StatusNotChecked
}

// Severity orders statuses from good to the worst, for the icon of a part
// that shows several results: good, pending, not checked, caution, bad,
// unreadable.
func (s Status) Severity() int {
	switch s {
	case StatusGood:
		return 0
	case StatusPending:
		return 1
	case StatusNotChecked:
		return 2
	case StatusCaution:
		return 3
	case StatusBad:
		return 4
	case StatusUnreadable:
		return 5
	}
	return 2
}

// Worst is the most severe of ss; StatusNotChecked when there are none.
func Worst(ss ...Status) Status {
	w := Status("")
	for _, s := range ss {
		if w == "" || s.Severity() > w.Severity() {
			w = s
		}
	}
	if w == "" {
		return StatusNotChecked
	}
	return w
}

// Title is the status in one upper-case word or two, for the verdict
// banner and the text output.
func (s Status) Title() string {
	switch s {
	case StatusGood:
		return "PASS"
	case StatusCaution:
		return "WARN"
	case StatusBad:
		return "FAIL"
	case StatusUnreadable:
		return "UNREADABLE"
	case StatusPending:
		return "CHECKING"
	}
	return "NOT CHECKED"
}

// Plain is the status in plain words, for a tooltip or a screen reader.
func (s Status) Plain() string {
	switch s {
	case StatusGood:
		return "good"
	case StatusCaution:
		return "caution"
	case StatusBad:
		return "bad"
	case StatusUnreadable:
		return "the file could not be read"
	case StatusPending:
		return "still being checked"
	}
	return "not checked"
}

// Symbol is the status's sign in text, the same shape as its icon in the
// window, so that colour is never the only signal.
func (s Status) Symbol() string {
	switch s {
	case StatusGood:
		return "✔"
	case StatusCaution:
		return "!"
	case StatusBad:
		return "✘"
	case StatusUnreadable:
		return "⊘"
	case StatusPending:
		return "…"
	}
	return "?"
}

// Context says what a result word is the result of, as far as its status
// depends on it.
type Context uint8

const (
	// Authenticates: a check that can authenticate the From domain (DMARC,
	// or SPF or DKIM for the author's organisation). fail is bad; none is
	// "not checked".
	Authenticates Context = iota
	// Expected: as Authenticates, and a missing result (none) is itself a
	// caution: no DKIM signature at all, no DMARC record.
	Expected
	// Aside: a result that does not decide who sent the message: a third
	// party's signature, an ARC chain, an SPF fail outweighed by an
	// authenticated author (forwarding), reverse DNS. Its fail is a
	// caution, never bad.
	Aside
)

// ResultStatus maps an RFC 8601 result word, in its context, to a status.
// Every other mapping of this file reduces to it.
//
//	word                        Authenticates  Expected     Aside
//	pass                        good           good         good
//	fail                        bad            bad          caution
//	softfail, temperror,
//	permerror, policy           caution        caution      caution
//	neutral, none, ""           not checked    caution      not checked
//
// neutral is "not checked": a domain that says neutral asserts nothing
// (RFC 7208 section 2.6.2).
func ResultStatus(word result.Result, ctx Context) Status {
	w, _ := result.Parse(string(word))
	switch w {
	case result.Pass:
		return StatusGood
	case result.Fail:
		if ctx == Aside {
			return StatusCaution
		}
		return StatusBad
	case result.SoftFail, result.TempError, result.PermError, result.Policy:
		return StatusCaution
	}
	if ctx == Expected {
		return StatusCaution
	}
	return StatusNotChecked
}

// DMARCStatus is the status of r's DMARC check, its row and its tab. A
// From field that names no single author is a forger's trick (bad); one
// our reader could not read is not checked. A pass through SPF alone
// while the author's own DKIM signature broke is a caution: the server
// was allowed, the content is not vouched for. A fail only because the
// author's key was replaced since signing is a caution too.
func (r *Report) DMARCStatus() Status {
	d := r.DMARC
	switch {
	case d == nil || fromUnreadable(d):
		return StatusNotChecked
	case fromProblem(d):
		return StatusBad
	case d.Result == result.Pass && !d.DKIMAligned && brokenOwnSignature(r) != nil:
		return StatusCaution
	case d.Result == result.Fail:
		// Failing only because the author's key was replaced since
		// signing (see judge.dmarc).
		if e := explainOwn(r); e.rotated && e.aligned(d) {
			return StatusCaution
		}
	}
	return ResultStatus(d.Result, Expected)
}

// SPFStatus is the status of r's SPF check, its row and its tab. Where
// DMARC passes (DKIM authenticated the author), an SPF fail is what
// forwarding does, a caution rather than bad.
func (r *Report) SPFStatus() Status {
	if r.SPF == nil {
		return StatusNotChecked
	}
	ctx := Authenticates
	if r.DMARC != nil && r.DMARC.Result == result.Pass {
		ctx = Aside
	}
	return ResultStatus(r.SPF.Result, ctx)
}

// SignatureStatus is the status of one DKIM signature, given the author
// domain (the From domain): a passing signature with a warning that counts
// (see WarnsVerdict) is a caution; a failing signature of another
// organisation than the author's vouches for nothing and is a caution, as
// is one a valid ARC chain vouches for (vouched).
func SignatureStatus(s *dkim.Result, author string, vouched bool) Status {
	if s.Result == result.Pass && warnsAny(s) {
		return StatusCaution
	}
	ctx := Authenticates
	if vouched || author == "" || !domain.SameOrg(s.Domain, author) {
		ctx = Aside
	}
	return ResultStatus(s.Result, ctx)
}

// ARCStatus is the status of the ARC chain, its row, its tab and each of
// its seals and signatures: an ARC chain says what forwarders saw, never
// who the author is, so its failure is a caution.
func ARCStatus(word result.Result) Status { return ResultStatus(word, Aside) }

// HopStatus is the status of one hop's encryption: encrypted is good; a
// hand-off inside one organisation (a private address, the same
// organisation on both sides, or marked internal) did not cross the
// internet and is not checked; any other hop in clear is a caution.
func HopStatus(h route.Hop) Status {
	switch {
	case h.Encrypted:
		return StatusGood
	case h.Internal || privateHop(h) || domain.SameOrg(hostOf(h.From, h.HELO), h.By):
		return StatusNotChecked
	}
	return StatusCaution
}

// FCrDNSStatus is the status of the reverse-DNS check of the client: a
// missing or unconfirmed name is a caution for a mail server, never proof
// of forgery.
func FCrDNSStatus(f *route.FCrDNS) Status {
	if f == nil {
		return StatusNotChecked
	}
	return ResultStatus(f.Result, Aside)
}

// RouteStatus is the status of the Route tab: its TLS row and the reverse
// DNS of the client, the worse of the two.
func RouteStatus(r *Report) Status {
	st := StatusNotChecked
	if row := r.Row("TLS"); row != nil {
		st = StatusOf(row.Status)
	}
	if r.Delivery != nil && r.Delivery.FCrDNS != nil {
		st = Worst(st, FCrDNSStatus(r.Delivery.FCrDNS))
	}
	return st
}

// Row returns the summary row of a mechanism, nil when there is none.
func (r *Report) Row(mechanism string) *Row {
	for i := range r.Summary {
		if r.Summary[i].Mechanism == mechanism {
			return &r.Summary[i]
		}
	}
	return nil
}

// SPFNodeStatus is the status of one record of the SPF tree: the first
// record and those reached by redirect give the SPF result, so they have
// the SPF check's status (top); an included record that does not pass is
// only "no match" (RFC 7208 section 5.2), not checked.
func SPFNodeStatus(n *spf.Node, top Status) Status {
	if n.Via == "" || strings.HasPrefix(n.Via, "redirect") {
		if n.Result == "" {
			return StatusNotChecked
		}
		return top
	}
	if result.Result(n.Result) == result.Pass {
		return StatusGood
	}
	return StatusNotChecked
}

// AlignmentStatus is the status of one row of the DMARC alignment table:
// aligned is good; an identifier that does not align authenticates
// nothing for DMARC, which the DMARC row says; it is not checked.
func AlignmentStatus(a dmarc.Alignment) Status {
	if a.Aligned {
		return StatusGood
	}
	return StatusNotChecked
}

// AlignmentWord says whether an identifier aligns with the author domain:
// "aligned", "not aligned", or, for an identifier of the author's own
// organisation whose check did not pass, "same domain, but SPF failed"
// (or "... but the signature failed"), which is not a matter of
// alignment.
func AlignmentWord(a dmarc.Alignment, author string) string {
	if a.Aligned {
		return "aligned"
	}
	if a.Result != result.Pass && a.Domain != "" && author != "" && domain.SameOrg(a.Domain, author) {
		what := "the signature"
		if strings.HasPrefix(a.Identifier, "SPF") {
			what = "SPF"
		}
		if a.Result == result.Fail {
			return "same domain, but " + what + " failed"
		}
		return "same domain, but " + what + " gave " + string(a.Result)
	}
	return "not aligned"
}

// CheckStatus is the status of a result as it shows beside the checks of
// r: the status of the check it belongs to. The alignment table's results
// are those of the SPF check and the DKIM signatures.
func (r *Report) CheckStatus(a dmarc.Alignment) Status {
	if strings.HasPrefix(a.Identifier, "SPF") {
		return r.SPFStatus()
	}
	for _, s := range r.DKIM {
		if s != nil && strings.EqualFold(s.Domain, a.Domain) && (a.Identifier == "DKIM" || a.Identifier == "DKIM s="+s.Selector) {
			return r.SignatureStatus(s)
		}
	}
	return ResultStatus(a.Result, Aside)
}

// SignatureStatus is the status of one of r's DKIM signatures.
func (r *Report) SignatureStatus(s *dkim.Result) Status {
	_, vouched := arcVouches(r.ARC, "dkim", s.Domain)
	// A failure that forensics explain (a change on the way, a replaced
	// key) is told as a caution, like one a forwarder vouches for.
	_, explained := s.Explained()
	return SignatureStatus(s, r.From.Domain, (vouched || explained) && s.Result == result.Fail)
}

// RecordedStatus is the status of one row of "Recorded vs now": agreeing
// is good; a mechanism the receiver did not record, one we did not check,
// a DMARC difference that only follows from SPF or DKIM, and an SPF fail
// that forwarding explains are not checked; any other difference is a
// caution. The Recorded row of the summary follows the same rule.
func RecordedStatus(row recorded.Row) Status {
	switch {
	case row.Agree:
		return StatusGood
	case !weighs(row.Code):
		return StatusNotChecked
	}
	return StatusCaution
}

// RecordedWord says in a word or two how a recorded result compares with
// ours.
func RecordedWord(row recorded.Row) string {
	switch {
	case row.Agree:
		return "agrees"
	case row.Code == recorded.DiffNotRecorded:
		return "not recorded"
	case row.Code == recorded.DiffNotChecked:
		return "not re-checked"
	case row.Code == recorded.DiffFollows:
		return "follows from above"
	case row.Code == recorded.DiffForwarded:
		return "forwarded"
	}
	return "differs"
}

// DNSAnswerStatus is the status of one DNS answer: an answer with records
// is good; a name that does not exist or has no records of the type asked
// is not checked (it is an answer); no answer or a server failure is a
// caution (a check could not finish).
func DNSAnswerStatus(a resolver.Answer) Status {
	switch {
	case a.Rcode == "":
		return StatusCaution
	case a.Rcode == "NXDOMAIN", a.Rcode == "NOERROR" && len(a.Records) == 0:
		return StatusNotChecked
	case a.Rcode != "NOERROR":
		return StatusCaution
	}
	return StatusGood
}

// ShownWord is the word shown for a row: its result word, except where
// that word alone would contradict the status's colour (a pass with a
// caveat reads "pass, but") or say nothing ("none" of TLS is "not
// encrypted", of DKIM "not signed", of DMARC "no record"). The JSON keeps
// the result word.
func (row Row) ShownWord() string {
	w := string(row.Result)
	if w == "" {
		w = string(result.None)
	}
	st := StatusOf(row.Status)
	switch {
	case st == StatusCaution && row.Result == result.Pass:
		return "pass, but"
	case row.Mechanism == "TLS" && row.Result == result.Pass:
		return "encrypted"
	case row.Mechanism == "TLS" && st == StatusCaution:
		return "not encrypted"
	case row.Mechanism == "DKIM" && w == string(result.None) && st == StatusCaution:
		return "not signed"
	case row.Mechanism == "DMARC" && w == string(result.None) && st == StatusCaution:
		return "no record"
	}
	return w
}

// Sentence starts s with a capital letter, as a sentence of a reason
// does, when its first word is a plain word: a domain name, a tag or an
// address (mail.example.org, d=, bh=) keeps its case.
func Sentence(s string) string {
	word, _, _ := strings.Cut(s, " ")
	word = strings.TrimRight(word, ",:;")
	for _, r := range word {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' {
			return s
		}
	}
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Contradictions lists where r says two opposite things: a headline and a
// row, or a row and the status its check has. Empty for every report the
// engine makes; the tests run it over every message they have.
func (r *Report) Contradictions() []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	verdict := StatusOf(r.Verdict)
	if verdict == StatusPending {
		return nil
	}
	head := polarity(r.Headline)
	switch {
	case verdict == StatusGood && head < 0, verdict == StatusBad && head > 0:
		bad("the verdict %s and the headline %q disagree", r.Verdict, r.Headline)
	}
	dmarcPass := r.DMARC != nil && r.DMARC.Result == result.Pass
	if head > 0 && !dmarcPass {
		bad("the headline %q says the sender is authenticated, but DMARC gave %v", r.Headline, r.DMARC)
	}
	for _, row := range r.Summary {
		st := StatusOf(row.Status)
		if string(st) != row.Status {
			bad("row %s has the status %q, not a status word", row.Mechanism, row.Status)
		}
		if want, ok := r.checkStatus(row.Mechanism); ok && st != want {
			bad("row %s is %s, but its check's status is %s", row.Mechanism, st, want)
		}
		if st == StatusGood && row.Result != "" && row.Result != result.Pass && row.Result != "agrees" {
			bad("row %s is good with the result %s", row.Mechanism, row.Result)
		}
		switch {
		case verdict == StatusGood && row.Mechanism != "TLS" && (st == StatusCaution || st == StatusBad):
			bad("the verdict is %s, but row %s is %s: %s", r.Verdict, row.Mechanism, st, row.Reason)
		case verdict == StatusBad && row.Mechanism == "DMARC" && st == StatusGood:
			bad("the verdict is %s (%q), but DMARC is good: %s", r.Verdict, r.Headline, row.Reason)
		case head < 0 && polarity(row.Reason) > 0:
			bad("the headline %q denies what row %s says: %s", r.Headline, row.Mechanism, row.Reason)
		case head > 0 && polarity(row.Reason) < 0:
			bad("the headline %q claims what row %s denies: %s", r.Headline, row.Mechanism, row.Reason)
		}
	}
	return out
}

// checkStatus is the status the check of a summary row has, where one
// function of this file gives it.
func (r *Report) checkStatus(mechanism string) (Status, bool) {
	switch mechanism {
	case "SPF":
		return r.SPFStatus(), r.SPF != nil
	case "DMARC":
		return r.DMARCStatus(), r.DMARC != nil
	case "ARC":
		if r.ARC != nil {
			return ARCStatus(r.ARC.Result), true
		}
	case "DKIM":
		if len(r.DKIM) == 1 {
			return r.SignatureStatus(r.DKIM[0]), true
		}
	}
	return "", false
}

// polarity says whether s claims that the From domain is authenticated
// (1), denies it (-1), or neither (0).
func polarity(s string) int {
	l := strings.ToLower(s)
	for _, neg := range []string{"not genuine", "cannot be trusted to come from", "as it claims", "not authenticated as coming from", "not proven to be from", "could not check who sent"} {
		if strings.Contains(l, neg) {
			return -1
		}
	}
	for _, pos := range []string{"genuine", "visible sender is authenticated", "authenticated as coming from"} {
		if strings.Contains(l, pos) {
			return 1
		}
	}
	return 0
}

// RuleStatus is the status of a provider's rule or a sender check
// (deliver.Rule, deliver.Check, bimi.Check): pass good, fail bad; unknown
// (one message cannot show it) and n/a (the rule does not apply) say
// nothing either way.
func RuleStatus(res string) Status {
	switch res {
	case deliver.Pass:
		return StatusGood
	case deliver.Fail:
		return StatusBad
	}
	return StatusNotChecked
}

// FilterStatus is the status of what a receiving spam filter wrote: not
// spam good, spam or phishing bad, bulk a caution. A verdict that the
// receiving side did not write (anyone can add such a field) is shown, not
// believed: not checked.
func FilterStatus(f spamfilter.Filter) Status {
	if !f.Trusted {
		return StatusNotChecked
	}
	switch f.Verdict {
	case spamfilter.VerdictNotSpam:
		return StatusGood
	case spamfilter.VerdictSpam, spamfilter.VerdictPhish:
		return StatusBad
	case spamfilter.VerdictBulk:
		return StatusCaution
	}
	return StatusNotChecked
}

// BIMIStatus is the status of BIMI's result: a logo shown is good, one
// refused bad; no record, a skipped check or a DNS error say nothing
// either way.
func BIMIStatus(b *bimi.Result) Status {
	switch {
	case b == nil:
		return StatusNotChecked
	case b.Result == bimi.Pass:
		return StatusGood
	case b.Result == bimi.Fail:
		return StatusBad
	}
	return StatusNotChecked
}

// SignalStatus is the status of a sign of a trap by its severity: high
// bad, medium a caution, low not checked (a hint, not a finding).
func SignalStatus(s signals.Severity) Status {
	switch s {
	case signals.High:
		return StatusBad
	case signals.Medium:
		return StatusCaution
	}
	return StatusNotChecked
}
