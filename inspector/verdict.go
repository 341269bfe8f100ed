package inspector

import (
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/route"
	"github.com/mailinspector/mailinspector/inspector/signals"
)

// The overall verdict follows these rules, in this order (the README gives
// them to users):
//
// fail when
//   - DMARC fails and the From domain's policy is quarantine or reject;
//   - a DKIM signature of the From domain (its organisational domain)
//     fails and nothing else authenticates the From domain (neither DMARC
//     nor an SPF pass for the From domain's organisation): the message was
//     changed, or the signature forged;
//   - the From field is missing, repeated, or holds several addresses.
//
// warn when none of those, but
//   - a DKIM signature of the From domain fails while DMARC or SPF
//     authenticates the sender: sent by the domain's server, but changed
//     after signing (the headline says so);
//   - DMARC fails under p=none, or the From domain publishes no DMARC
//     record, or DMARC could not be evaluated (temperror, permerror);
//   - SPF gives softfail or fail (without DMARC failing), or DNS errors
//     kept a check from finishing;
//   - a passing DKIM signature carries a warning: unsigned content after
//     l=, a 1024-bit key, a key in testing mode, a From field added after
//     signing, a signature expired since delivery;
//   - the ARC chain is broken;
//   - the message carries Authentication-Results that claim to come from
//     someone other than the receiving server, or the receiver's recorded
//     results differ from ours;
//   - only the header was available, so no body hash was verified;
//   - any other row of an authentication check is amber or red.
//
// pass when DMARC passes and nothing above applies.
//
// Every row takes its status from status.go, the one status language;
// the headline is chosen so that no row says the opposite (see
// TestHeadlineAgreesWithRows): a green DMARC row never sits under "Not
// genuine", a red row never under "Genuine".

// finding is one fact that weighs on the verdict.
type finding struct {
	// mechanism is the row the finding comes from ("" for the message as
	// a whole).
	mechanism string
	status    Status // StatusBad, StatusCaution or StatusNotChecked
	text      string
	// headline, when set, is the verdict's sentence if this finding is the
	// most serious one.
	headline string
}

type judge struct {
	r        *Report
	partial  bool
	rows     []Row
	findings []finding
}

// summarize fills the verdict panel rows, the overall verdict, its headline
// and reasons from the checks' results. With partial set, checks that have
// not finished are shown as pending rather than not evaluated.
func summarize(r *Report, partial bool) {
	j := &judge{r: r, partial: partial}
	j.dmarc()
	j.dkim()
	j.spf()
	j.arc()
	j.tls()
	j.recorded()
	if r.HeaderOnly {
		j.add("", StatusCaution, "Only the header was available: the body could not be checked against the DKIM body hashes.")
	}
	j.rowsWeigh()
	r.Summary = ordered(j.rows)
	r.Verdict, r.Headline, r.Reasons = j.overall()
	r.Headline = trapHeadline(r, r.Headline)
}

// trapHeadline adds to headline what the signals say. Signals never change
// the verdict (package signals): the verdict says whether the message is
// from the domain it names, the signals whether that domain is the one the
// reader thinks. But a reader who sees "Genuine" stops reading, so an
// authenticated message with a serious sign of a trap says so first; a
// message that already raises doubt counts its signs.
func trapHeadline(r *Report, headline string) string {
	var first *signals.Signal
	serious := 0
	for i, s := range r.Signals {
		if s.Severity == signals.High && first == nil {
			first = &r.Signals[i]
		}
		if s.Severity != signals.Low {
			serious++
		}
	}
	switch {
	case r.Verdict == VerdictPass && first != nil:
		return fmt.Sprintf("Authenticated as coming from %s, but it looks like a trap: %s", r.From.Domain, firstSentence(Sentence(first.Text)))
	case (r.Verdict == VerdictWarn || r.Verdict == VerdictFail) && serious > 0:
		return fmt.Sprintf("%s It also shows %s of a trap (see Signals).", headline, plural(serious, "sign"))
	}
	return headline
}

func (j *judge) add(mech string, status Status, text string) {
	j.findings = append(j.findings, finding{mechanism: mech, status: status, text: text})
}

func (j *judge) addHeadline(mech string, status Status, text, headline string) {
	j.findings = append(j.findings, finding{mech, status, text, headline})
}

func (j *judge) row(mech string, word result.Result, status Status, reason string) {
	j.rows = append(j.rows, Row{Mechanism: mech, Result: word, Status: string(status), Reason: Sentence(reason)})
}

// missing adds the row of a check that has no result (yet).
func (j *judge) missing(mech string) {
	if j.partial {
		j.row(mech, result.None, StatusPending, "checking…")
		return
	}
	j.row(mech, result.None, StatusNotChecked, NotEvaluated)
}

// rowsWeigh makes every amber or red row of an authentication check count
// against the verdict, so that a "Genuine" headline never sits above one.
// TLS says who could read the message, not who sent it, and does not
// count.
func (j *judge) rowsWeigh() {
	for _, row := range j.rows {
		st := StatusOf(row.Status)
		if row.Mechanism == "TLS" || st != StatusCaution && st != StatusBad {
			continue
		}
		found := false
		for _, f := range j.findings {
			found = found || f.mechanism == row.Mechanism
		}
		if !found {
			j.add(row.Mechanism, StatusCaution, row.Reason)
		}
	}
}

func (j *judge) dmarc() {
	d := j.r.DMARC
	if d == nil {
		j.missing("DMARC")
		return
	}
	reason := d.Reason
	status := j.r.DMARCStatus()
	switch {
	case d.Result == result.Pass:
		if s := brokenOwnSignature(j.r); s != nil && !d.DKIMAligned {
			reason = fmt.Sprintf("DMARC passed through SPF alone: the message came from a server that %s allows to send its mail. "+
				"The DKIM signature of %s does not verify, so its content is not vouched for.", j.r.From.Domain, s.Domain)
			if e, ok := explainOf(s); ok && !e.rotated {
				reason = fmt.Sprintf("DMARC passed through SPF alone: the message came from a server that %s allows to send its mail. "+
					"The DKIM signature of %s would verify without the changes %s made on the way: only what they changed is not vouched for.", j.r.From.Domain, s.Domain, e.by)
			}
		}
	case d.Result == result.Fail:
		headline := ""
		e := explainOwn(j.r)
		sealer, vouched := arcVouches(j.r.ARC, "dmarc", d.Domain)
		if vouched {
			// Anyone can seal with their own domain, so the claim is told,
			// not believed: it never lifts an enforced policy.
			reason = fmt.Sprintf("%s %s, which forwarded the message, says with a valid ARC seal that DMARC passed when it received it: if you trust %s (a list you subscribed to, say), the forwarder probably changed the message.", reason, sealer, sealer)
			headline = fmt.Sprintf("Not authenticated as coming from %s (its DMARC policy fails), though %s, which forwarded it, says it passed on arrival.", d.Domain, sealer)
		}
		switch {
		case e.sig != nil && e.rotated && e.aligned(d):
			// The author's signature verifies with the key its domain
			// published before: DMARC fails today only because the key
			// was replaced, which is not forgery, and not proof either
			// (a key is replaced when it leaks), so a caution.
			reason = fmt.Sprintf("%s It fails only because %s replaced its DKIM key since: with the key it published before, its signature verifies and DMARC would pass.", reason, e.sig.Domain)
			j.add("DMARC", StatusCaution, reason)
			j.row("DMARC", d.Result, j.r.DMARCStatus(), reason)
			return
		case e.sig != nil && !e.rotated:
			// Our own evidence, not a forwarder's word: the author's
			// signature would verify without the changes made on the way.
			// An enforced policy still fails: the receiver applies it.
			reason = fmt.Sprintf("%s The DKIM signature of %s would verify without the changes %s made on the way.", reason, e.sig.Domain, e.by)
			headline = fmt.Sprintf("Not authenticated as coming from %s (its DMARC policy fails): %s changed it after signing.", d.Domain, e.by)
		}
		if d.Enforced() {
			j.addHeadline("DMARC", StatusBad, reason, headline)
		} else {
			j.add("DMARC", StatusCaution, reason)
		}
	case fromUnreadable(d):
		// Our reader could not find the author: a limit of ours as
		// likely as a fault of the message, so the message is not
		// judged, only said to be unchecked.
		j.addHeadline("DMARC", StatusNotChecked, reason, "Could not check who sent this message: its From address could not be read. "+firstSentence(reason))
	case fromProblem(d):
		// No single author: a spoofing trick, not a detail.
		j.add("DMARC", StatusBad, reason)
	default:
		j.add("DMARC", StatusCaution, reason)
	}
	j.row("DMARC", d.Result, status, reason)
}

// fromProblem reports a From field that names no single author: missing,
// repeated, or several authors.
func fromProblem(d *dmarc.Result) bool {
	switch d.Code {
	case dmarc.CodeNoFrom, dmarc.CodeMultipleFrom, dmarc.CodeMultipleAuthors:
		return true
	}
	return false
}

// fromUnreadable reports a From field whose address or domain could not be
// read.
func fromUnreadable(d *dmarc.Result) bool {
	return d.Code == dmarc.CodeBadFrom || d.Code == dmarc.CodeBadDomain
}

// brokenOwnSignature is a failing DKIM signature of the From domain's
// organisation that no valid ARC chain vouches for, or nil.
func brokenOwnSignature(r *Report) *dkim.Result {
	author := r.From.Domain
	for _, s := range r.DKIM {
		if s != nil && s.Result == result.Fail && author != "" && domain.SameOrg(s.Domain, author) {
			if _, ok := arcVouches(r.ARC, "dkim", s.Domain); !ok {
				return s
			}
		}
	}
	return nil
}

// explained is a failing DKIM signature of the author's organisation
// whose failure the confirmed forensics account for entirely (see
// (*dkim.Result).Explained), with who made the change.
type explained struct {
	sig *dkim.Result
	// by names who changed the message (see (*dkim.Result).Changer).
	by string
	// rotated says the only change is the key: the signature verifies
	// with a key the domain published before (from the key archive);
	// seen says which and when it was seen.
	rotated bool
	seen    string
}

// explainOf says whether forensics explain the failure of s, and how.
func explainOf(s *dkim.Result) (explained, bool) {
	if _, ok := s.Explained(); !ok {
		return explained{}, false
	}
	e := explained{sig: s, by: s.Changer()}
	if e.by == "" {
		e.rotated, e.seen = true, s.KeyReplaced()
	}
	return e, true
}

// explainOwn finds the first failing signature of the From domain's
// organisation that forensics explain; its sig is nil when there is none.
func explainOwn(r *Report) explained {
	author := r.From.Domain
	for _, s := range r.DKIM {
		if s == nil || s.Result != result.Fail || author == "" || !domain.SameOrg(s.Domain, author) {
			continue
		}
		if e, ok := explainOf(s); ok {
			return e
		}
	}
	return explained{}
}

// rest says what the explained signature still vouches for. Whoever the
// message names as the changer (a List-Id is not signed), the text added
// after signing is nobody's word: the reader is told not to trust it.
func (e explained) rest() string {
	for _, f := range e.sig.Forensics {
		if f.Confirmed && f.Text != "" {
			return fmt.Sprintf("the rest is as %s signed it, but not the text added after signing.", e.sig.Domain)
		}
	}
	return fmt.Sprintf("otherwise it is as %s signed it.", e.sig.Domain)
}

// aligned says whether the explained signature would satisfy the DMARC
// DKIM alignment of d (RFC 7489 section 3.1.1) if it verified.
func (e explained) aligned(d *dmarc.Result) bool {
	if e.sig == nil {
		return false
	}
	if d.ADKIM == "strict" {
		return domain.Equal(e.sig.Domain, d.Domain)
	}
	return domain.SameOrg(e.sig.Domain, d.Domain)
}

// spfAuthenticates says whether SPF passed for the From domain's
// organisation: the message came from a server the author's domain
// allows.
func (j *judge) spfAuthenticates() bool {
	s, author := j.r.SPF, j.r.From.Domain
	return s != nil && s.Result == result.Pass && author != "" && s.Domain != "" && domain.SameOrg(s.Domain, author)
}

func (j *judge) dkim() {
	sigs := j.r.DKIM
	if sigs == nil {
		j.missing("DKIM")
		return
	}
	if len(sigs) == 0 {
		reason := "The message is not DKIM-signed: nothing vouches that its content is unchanged or who sent it."
		j.add("DKIM", StatusCaution, reason)
		j.row("DKIM", result.None, ResultStatus(result.None, Expected), reason)
		return
	}
	author := j.r.From.Domain
	dmarcPass := j.r.DMARC != nil && j.r.DMARC.Result == result.Pass
	var best *dkim.Result
	var status Status
	for _, s := range sigs {
		own := author != "" && domain.SameOrg(s.Domain, author)
		switch {
		case s.Result == result.Pass:
			for _, w := range s.Warnings {
				if warnsVerdict(w.Code) {
					// "passes, but": the headline keeps the first
					// sentence, which must say what the caveat is.
					j.add("DKIM", StatusCaution, fmt.Sprintf("The DKIM signature of %s passes, but %s", s.Domain, strings.TrimPrefix(w.Text, "DANGER: ")))
				}
			}
		case s.Result == result.Fail && own:
			if sealer, ok := arcVouches(j.r.ARC, "dkim", s.Domain); ok {
				j.add("DKIM", StatusCaution, fmt.Sprintf("The DKIM signature of %s no longer verifies, but %s, which forwarded the message, vouches with a valid ARC seal that it passed when it arrived there: the forwarder changed the message (a footer, a subject tag). %s", s.Domain, sealer, s.Reason))
				break
			}
			text := fmt.Sprintf("The DKIM signature of the From domain %s fails: %s", s.Domain, s.Reason)
			if e, ok := explainOf(s); ok {
				// A change on the way, or a replaced key, that forensics
				// confirm: not a forgery, and not all vouched for. Each
				// signature on its own: a list breaks all of them.
				if e.rotated {
					j.addHeadline("DKIM", StatusCaution, text, fmt.Sprintf("Signed by %s with a key it has since replaced: %s.", s.Domain, e.seen))
				} else {
					j.addHeadline("DKIM", StatusCaution, text, fmt.Sprintf("Changed after signing by %s: %s", e.by, e.rest()))
				}
				break
			}
			switch {
			case dmarcPass && j.r.DMARC.DKIMAligned:
				// Another signature of the author's domain passes.
				j.addHeadline("DKIM", StatusCaution, text, fmt.Sprintf("Authenticated as coming from %s by another of its signatures, but one of its DKIM signatures does not verify: part of the message may have been changed after signing.", author))
			case dmarcPass || j.spfAuthenticates():
				// Sent from a server the author's domain allows, but the
				// content is not what it signed: a changed invoice is the
				// fraud this catches, so it fails, and says what passed.
				j.addHeadline("DKIM", StatusBad, text, fmt.Sprintf("Not genuine as it stands: sent by a server that %s allows, but changed after %s signed it, so its content cannot be trusted.", author, s.Domain))
			default:
				j.addHeadline("DKIM", StatusBad, text,
					fmt.Sprintf("Not genuine: the message is not as %s signed it, so it cannot be trusted to come from %s.", s.Domain, s.Domain))
			}
		case s.Result == result.TempError:
			j.add("DKIM", StatusCaution, fmt.Sprintf("The DKIM signature of %s could not be checked: %s", s.Domain, s.Reason))
		case own:
			j.add("DKIM", StatusCaution, fmt.Sprintf("The DKIM signature of the From domain %s does not verify: %s", s.Domain, s.Reason))
		}
		if st := j.r.SignatureStatus(s); best == nil || better(s, st, best, status) {
			best, status = s, st
		}
	}
	reason := best.Reason
	if len(sigs) > 1 {
		passed := 0
		for _, s := range sigs {
			if s.Result == result.Pass {
				passed++
			}
		}
		reason = fmt.Sprintf("%d of %d signatures pass. %s: %s", passed, len(sigs), best.Domain, best.Reason)
	}
	j.row("DKIM", best.Result, status, reason)
}

// warnsVerdict tells the warnings of a passing signature that should make
// the whole message "warn". A 2048-bit recommendation for 1024-bit keys is
// one; so is content appended after l=. An irregular but usable key record
// (key_record_warning) is not.
func warnsVerdict(c dkim.Code) bool {
	switch c {
	case dkim.CodeUnsignedContent, dkim.CodeExtraUnsignedInstance, dkim.CodeWeakKey,
		dkim.CodeTesting, dkim.CodeExpiredSinceDelivery:
		return true
	}
	return false
}

// warnsAny says whether one of a passing signature's warnings makes the
// message "warn".
func warnsAny(s *dkim.Result) bool {
	for _, w := range s.Warnings {
		if warnsVerdict(w.Code) {
			return true
		}
	}
	return false
}

// better says whether signature a (of status sa) represents the DKIM row
// better than b: a clean pass, then a pass with a caveat, then a
// failure that weighs, then one that does not.
func better(a *dkim.Result, sa Status, b *dkim.Result, sb Status) bool {
	return sigRank(a, sa) < sigRank(b, sb)
}

func sigRank(s *dkim.Result, st Status) int {
	switch {
	case s.Result == result.Pass && st == StatusGood:
		return 0
	case s.Result == result.Pass:
		return 1
	case st == StatusBad:
		return 2
	case st == StatusCaution:
		return 3
	}
	return 4
}

func (j *judge) spf() {
	s := j.r.SPF
	if s == nil {
		j.missing("SPF")
		return
	}
	switch s.Result {
	case result.Fail:
		if j.r.DMARC == nil || j.r.DMARC.Result != result.Fail {
			j.add("SPF", StatusCaution, s.Reason)
		}
	case result.SoftFail, result.TempError, result.PermError:
		j.add("SPF", StatusCaution, s.Reason)
	}
	j.row("SPF", s.Result, j.r.SPFStatus(), s.Reason)
}

func (j *judge) arc() {
	a := j.r.ARC
	if a == nil {
		j.missing("ARC")
		return
	}
	switch a.Result {
	case result.Fail, result.TempError, result.PermError:
		j.add("ARC", StatusCaution, a.Reason)
	}
	j.row("ARC", a.Result, ARCStatus(a.Result), a.Reason)
}

// tls summarises encryption on the route: every hop encrypted, some not,
// or nothing said.
func (j *judge) tls() {
	if j.r.Delivery == nil {
		j.missing("TLS")
		return
	}
	hops := j.r.Route
	if len(hops) == 0 {
		j.row("TLS", result.None, StatusNotChecked, "The message has no Received fields: the route is unknown.")
		return
	}
	var plain []string
	for _, h := range hops {
		// A hand-off inside one organisation (the recipient's, or the
		// sender's own relays) does not cross the internet.
		if HopStatus(h) == StatusCaution {
			name := h.From
			if name == "" {
				name = "an unnamed host"
			}
			plain = append(plain, fmt.Sprintf("%s → %s", name, h.By))
		}
	}
	if len(plain) == 0 {
		j.row("TLS", result.Pass, StatusGood, fmt.Sprintf("Every hand-off between organisations was encrypted (%s).", plural(len(hops), "hop")))
		return
	}
	j.row("TLS", result.None, StatusCaution, fmt.Sprintf("Not marked as encrypted (%d of %s): %s. Anyone on the path could have read the message there.",
		len(plain), plural(len(hops), "hop"), strings.Join(plain, "; ")))
}

func (j *judge) recorded() {
	c := j.r.Recorded
	if c == nil {
		j.missing("Recorded")
		return
	}
	for _, u := range c.Untrusted {
		j.add("", StatusCaution, "The message carries Authentication-Results that the receiving server did not write: "+u.Why)
		break
	}
	if !c.Trusted {
		j.row("Recorded", result.None, StatusNotChecked, c.Why)
		return
	}
	var first string
	for _, m := range c.Mechanisms {
		if RecordedStatus(m) != StatusCaution {
			continue
		}
		j.add("Recorded", StatusCaution, m.Explanation)
		if first == "" {
			first = m.Explanation
		}
	}
	if first != "" {
		j.row("Recorded", "differs", StatusCaution, first)
		return
	}
	j.row("Recorded", "agrees", StatusGood, fmt.Sprintf("What %s recorded at delivery agrees with our re-verification wherever both checked.", c.AuthservID))
}

// weighs tells the differences between the recorded and the re-verified
// results that a reader must weigh: the message or its keys changed, the
// receiver checked something else. A mechanism the receiver did not
// record, one we did not check, a DMARC result that only follows from SPF
// or DKIM, and a forward that ARC explains are told in the details only.
func weighs(code string) bool {
	switch code {
	case recorded.DiffNotRecorded, recorded.DiffNotChecked, recorded.DiffFollows, recorded.DiffForwarded:
		return false
	}
	return true
}

// overall combines the findings into the verdict, a one-sentence headline,
// and the reasons, most serious first.
func (j *judge) overall() (string, string, []string) {
	var fails, warns []string
	var unchecked, warnHead *finding
	for i, f := range j.findings {
		switch f.status {
		case StatusBad:
			fails = append(fails, f.text)
		case StatusNotChecked:
			if unchecked == nil {
				unchecked = &j.findings[i]
			}
			warns = append(warns, f.text)
		default:
			if warnHead == nil && f.headline != "" {
				warnHead = &j.findings[i]
			}
			warns = append(warns, f.text)
		}
	}
	reasons := append(fails, warns...)
	from := j.r.From.Domain
	if from == "" {
		from = "its sender"
	}
	d := j.r.DMARC
	switch {
	case j.partial && len(fails) == 0:
		return StatusPending, "Checking…", reasons
	case len(fails) > 0:
		for _, f := range j.findings {
			if f.status == StatusBad && f.headline != "" {
				return VerdictFail, f.headline, reasons
			}
		}
		return VerdictFail, fmt.Sprintf("Not genuine: this message is not from %s as it claims. %s", from, firstSentence(fails[0])), reasons
	case unchecked != nil:
		return VerdictNone, unchecked.headline, reasons
	case warnHead != nil:
		return VerdictWarn, warnHead.headline, reasons
	case d != nil && d.Result == result.Pass && len(warns) == 0:
		return VerdictPass, fmt.Sprintf("Genuine: this message is authenticated as coming from %s.", from), reasons
	case d != nil && d.Result == result.Pass:
		return VerdictWarn, fmt.Sprintf("Authenticated as coming from %s, but with a caveat: %s", from, firstSentence(Sentence(warns[0]))), reasons
	case len(warns) > 0:
		return VerdictWarn, fmt.Sprintf("Not proven to be from %s. %s", from, firstSentence(Sentence(warns[0]))), reasons
	case d == nil:
		return VerdictNone, "Nothing could be evaluated.", reasons
	}
	return VerdictWarn, fmt.Sprintf("Not proven to be from %s.", from), reasons
}

// firstSentence keeps a headline to one sentence, ended by a full stop.
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '.' || s[i] == ':') && s[i+1] == ' ' {
			if s[i] == ':' {
				return s[:i] + "."
			}
			return s[:i+1]
		}
	}
	if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s + "."
	}
	return s
}

// ordered puts the verdict panel's rows in the order a reader knows the
// mechanisms: SPF, DKIM, DMARC, ARC, TLS, then the recorded verdict.
func ordered(rows []Row) []Row {
	out := make([]Row, 0, len(rows))
	for _, name := range []string{"SPF", "DKIM", "DMARC", "ARC", "TLS", "Recorded"} {
		for _, r := range rows {
			if r.Mechanism == name {
				out = append(out, r)
			}
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// privateHop reports a hand-off from a loopback or private address (a
// content filter on localhost, a relay on the LAN): it did not cross the
// internet, whatever the names say.
func privateHop(h route.Hop) bool {
	return h.IP.IsValid() && (h.IP.IsLoopback() || h.IP.IsPrivate() || h.IP.IsLinkLocalUnicast()) ||
		!h.IP.IsValid() && strings.EqualFold(h.From, "localhost")
}

// hostOf is the name a hop's sender is known by.
func hostOf(names ...string) string {
	for _, n := range names {
		if n != "" {
			return n
		}
	}
	return ""
}

// arcVouches reports whether a valid ARC chain shows that the first
// intermediary saw mechanism (dkim or dmarc) pass for the organisation of author
// before it forwarded the message, and names that intermediary. This is
// the evidence receivers use to accept mail that a mailing list changed,
// from sealers they trust; Mail Inspector has no list of trusted sealers,
// so it uses the claim only where believing it gives a forger nothing: a
// broken author signature counts as no signature (warn), while an enforced
// DMARC policy still fails.
func arcVouches(a *arc.Result, mechanism, author string) (string, bool) {
	if a == nil || a.Result != result.Pass {
		return "", false
	}
	e := a.Earliest()
	if e == nil || e.AAR == nil {
		return "", false
	}
	for _, m := range e.AAR.Results {
		if m.Method == mechanism && m.Result == result.Pass && domain.SameOrg(m.Domain(), author) {
			return e.Domain, true
		}
	}
	return "", false
}
