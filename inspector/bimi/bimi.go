// Package bimi checks what a mailbox provider checks before it shows a
// brand's logo beside a message (Brand Indicators for Message
// Identification, draft-brand-indicators-for-message-identification): the
// BIMI record at selector._bimi.DOMAIN (selector "default", or the one a
// signed BIMI-Selector field names), its l= (the logo) and a= (the mark
// certificate), and the DMARC prerequisites: the message passed DMARC, and
// the domain's policy is at enforcement (p=quarantine or reject, pct=100,
// and sp not none). When the receiving side added a BIMI-Indicator field,
// the logo it carries is checked against SVG Tiny Portable/Secure.
//
// The record is the only thing looked up, through the report's resolver;
// DMARC's verdict is taken from the DMARC check. Nothing is fetched over
// HTTPS: the logo and certificate URLs are shown, not downloaded.
package bimi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Results (Result.Result).
const (
	// Pass: a record, and DMARC at enforcement.
	Pass = "pass"
	// Fail: a record, but DMARC is not at enforcement, or the record is
	// unusable.
	Fail = "fail"
	// None: no record (or one that declines BIMI).
	None = "none"
	// Skipped: a record, but the message did not pass DMARC, so no
	// provider would go further.
	Skipped = "skipped"
	// TempError: the record could not be looked up for now (the draft's
	// word for it).
	TempError = "temperror"
)

// Results of one check (Check.Result).
const (
	CheckPass    = "pass"
	CheckFail    = "fail"
	CheckUnknown = "unknown"
	CheckNA      = "n/a"
)

// Result is the BIMI verdict on one message.
type Result struct {
	Result string `json:"result"`
	// Record is the BIMI record as published, "" when none was found;
	// RecordDomain the name it was found at.
	Record       string `json:"record"`
	RecordDomain string `json:"record_domain,omitempty"`
	// Selector is the selector used.
	Selector string `json:"selector,omitempty"`
	// Location (l=) is where the logo is, Authority (a=) where the mark
	// certificate (VMC or CMC) is; shown, never fetched.
	Location  string  `json:"location,omitempty"`
	Authority string  `json:"authority,omitempty"`
	Reason    string  `json:"reason"`
	Checks    []Check `json:"checks"`
}

// Check is one thing a provider checks.
type Check struct {
	ID     string `json:"id"`
	Result string `json:"result"`
	Reason string `json:"reason"`
}

// Input is what BIMI needs from the other checks.
type Input struct {
	// Domain is the author domain (of the From address).
	Domain string
	// DMARC is the DMARC result of the message; nil when not evaluated.
	DMARC *dmarc.Result
	// DKIM holds the DKIM results, to tell whether a BIMI-Selector field
	// is signed.
	DKIM []*dkim.Result
	// Receiver is the boundary hop, to tell whether a BIMI-Indicator field
	// was written by the receiving side.
	Receiver recorded.Receiver
}

// NotEvaluated is the Result of a report whose BIMI check has not run.
func NotEvaluated() *Result {
	return &Result{Result: None, Reason: "not evaluated", Checks: []Check{}}
}

// Evaluate looks up the BIMI record of the author domain and judges it.
func Evaluate(ctx context.Context, r resolver.Resolver, m *message.Message, in Input) *Result {
	res := &Result{Checks: []Check{}}
	author := domain.Normalize(in.Domain)
	if author == "" || domain.Check(author) != nil {
		res.Result = None
		res.Reason = "The From field names no domain that DNS could hold, so there is no BIMI record to look up."
		return res
	}
	res.Selector = res.selector(m, author, in.DKIM)
	rec, err := res.lookup(ctx, r, author)
	switch {
	case err != nil:
		res.Result = TempError
		res.Reason = "The BIMI record could not be looked up: " + err.Error() + "."
		return res
	case res.Record == "":
		res.Result = None
		res.Reason = fmt.Sprintf("%s publishes no BIMI record (none at %s._bimi.%s%s), so no provider shows a logo for it.",
			author, res.Selector, author, orgNote(author, res.Selector))
		return res
	}
	res.recordChecks(rec)
	if rec.err != nil {
		res.Result = Fail
		res.Reason = fmt.Sprintf("The BIMI record at %s is unusable: %v.", res.RecordDomain, rec.err)
		return res
	}
	if rec.declined() {
		res.Result = None
		res.Reason = fmt.Sprintf("The BIMI record at %s is a declination (empty l= and no a=): the domain asks providers to show no logo.", res.RecordDomain)
		return res
	}
	enforced := res.dmarcChecks(in.DMARC, author)
	res.indicatorChecks(m, in.Receiver)
	switch {
	case in.DMARC == nil || in.DMARC.Result != result.Pass:
		res.Result = Skipped
		res.Reason = "A BIMI record exists, but the message did not pass DMARC, so no provider would show the logo (BIMI is evaluated only for mail that passes DMARC)."
	case !enforced:
		res.Result = Fail
		res.Reason = "A BIMI record exists and DMARC passed, but the DMARC policy is not at enforcement, so providers show no logo: " + res.failed("dmarc_") + "."
	default:
		res.Result = Pass
		res.Reason = "The BIMI record exists and the DMARC policy is at enforcement: a provider that supports BIMI may show the logo" +
			authorityNote(res.Authority) + "."
	}
	return res
}

func orgNote(author, selector string) string {
	if org := domain.OrgOrSelf(author); org != author {
		return " nor at " + selector + "._bimi." + org
	}
	return ""
}

func authorityNote(a string) string {
	if a == "" {
		return " (Gmail and Apple Mail also want a mark certificate at a=, which the record lacks)"
	}
	return ""
}

// selector reads the BIMI-Selector field: it counts only when a passing
// DKIM signature of the author's organisation covers it (the draft's
// rule); otherwise "default".
func (res *Result) selector(m *message.Message, author string, sigs []*dkim.Result) string {
	f := m.First("BIMI-Selector")
	if f == nil {
		res.add("selector", CheckNA, "The message has no BIMI-Selector field: the selector is \"default\".")
		return "default"
	}
	tags, err := parseTags(message.Unfold(f.RawValue()))
	sel := strings.ToLower(tags["s"])
	if err != nil || !strings.EqualFold(tags["v"], "BIMI1") || sel == "" || domain.CheckHostname(sel+".example") != nil {
		res.add("selector", CheckFail, "The BIMI-Selector field is malformed (it needs v=BIMI1; s=selector): the selector \"default\" is used.")
		return "default"
	}
	for _, d := range sigs {
		if d.Result == result.Pass && domain.SameOrg(domain.Normalize(d.Domain), author) && signs(d, "BIMI-Selector") {
			res.add("selector", CheckPass, fmt.Sprintf("The BIMI-Selector field names the selector %q and is signed by the passing DKIM signature of %s.", sel, d.Domain))
			return sel
		}
	}
	res.add("selector", CheckFail, fmt.Sprintf("The BIMI-Selector field names %q, but no passing DKIM signature of the author's domain signs it, so providers ignore it and use \"default\".", sel))
	return "default"
}

func signs(d *dkim.Result, field string) bool {
	for _, h := range d.SignedHeaders {
		if strings.EqualFold(strings.TrimSpace(h), field) {
			return true
		}
	}
	return false
}

// lookup asks for the record at selector._bimi.author, then, when there
// is none, at the organisational domain (the draft's fallback).
func (res *Result) lookup(ctx context.Context, r resolver.Resolver, author string) (*record, error) {
	names := []string{res.Selector + "._bimi." + author}
	if org := domain.OrgOrSelf(author); org != author {
		names = append(names, res.Selector+"._bimi."+org)
	}
	for _, name := range names {
		txts, err := r.LookupTXT(ctx, name)
		var de *net.DNSError
		if err != nil && !(errors.As(err, &de) && de.IsNotFound) {
			return nil, err
		}
		var found []string
		for _, t := range txts {
			if isRecord(t) {
				found = append(found, t)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			res.Record, res.RecordDomain = found[0], name
			rec := parseRecord(found[0])
			res.Location, res.Authority = rec.location, rec.authority
			return rec, nil
		default:
			res.Record, res.RecordDomain = found[0], name
			return &record{err: fmt.Errorf("%d BIMI records are published there, and a provider uses none when there is more than one", len(found))}, nil
		}
	}
	return nil, nil
}

// recordChecks adds the checks of the record itself.
func (res *Result) recordChecks(rec *record) {
	if rec.err != nil {
		res.add("record", CheckFail, "The record is unusable: "+rec.err.Error()+".")
		return
	}
	res.add("record", CheckPass, "A BIMI record is published at "+res.RecordDomain+".")
	if rec.declined() {
		return
	}
	switch {
	case rec.location == "":
		res.add("location", CheckFail, "The record has no logo location (l=): only the certificate's embedded logo can be shown.")
	case !strings.HasPrefix(strings.ToLower(rec.location), "https://"):
		res.add("location", CheckFail, "The logo location l="+rec.location+" is not an https URL, as the draft requires.")
	default:
		res.add("location", CheckPass, "The logo is at "+rec.location+" (not downloaded here).")
	}
	switch {
	case rec.authority == "":
		res.add("authority", CheckFail, "The record names no mark certificate (a=): Yahoo shows logos without one, but Gmail and Apple Mail "+
			"require a Verified Mark Certificate or Common Mark Certificate.")
	case !strings.HasPrefix(strings.ToLower(rec.authority), "https://"):
		res.add("authority", CheckFail, "The certificate location a="+rec.authority+" is not an https URL.")
	default:
		res.add("authority", CheckPass, "The mark certificate (VMC or CMC) is at "+rec.authority+" (not downloaded or validated here).")
	}
}

// dmarcChecks adds the DMARC prerequisites and says whether the policy is
// at enforcement. The organisational domain's record is judged only when
// it is the record the DMARC check found: BIMI makes no lookup of its own
// besides its record.
func (res *Result) dmarcChecks(d *dmarc.Result, author string) bool {
	if d == nil {
		res.add("dmarc_pass", CheckUnknown, "DMARC was not evaluated.")
		return false
	}
	if d.Result == result.Pass {
		res.add("dmarc_pass", CheckPass, "The message passed DMARC.")
	} else {
		res.add("dmarc_pass", CheckFail, fmt.Sprintf("The message did not pass DMARC (%s): providers evaluate BIMI only for mail that passes.", d.Result))
	}
	if d.Record == "" {
		res.add("dmarc_policy", CheckFail, "The domain publishes no DMARC record: BIMI needs one at enforcement (p=quarantine or p=reject).")
		return false
	}
	ok := true
	enforcing := func(p string) bool { return p == "quarantine" || p == "reject" }
	switch {
	case !enforcing(d.P):
		ok = false
		res.add("dmarc_policy", CheckFail, fmt.Sprintf("The DMARC record at %s has p=%s: BIMI needs p=quarantine or p=reject.", d.RecordDomain, d.P))
	case !enforcing(d.Policy):
		ok = false
		res.add("dmarc_policy", CheckFail, fmt.Sprintf("The policy that applies to %s is %s=%s: BIMI needs quarantine or reject.", author, d.PolicyTag, d.Policy))
	default:
		res.add("dmarc_policy", CheckPass, fmt.Sprintf("The policy that applies is %s=%s.", d.PolicyTag, d.Policy))
	}
	if d.Pct < 100 {
		ok = false
		res.add("dmarc_pct", CheckFail, fmt.Sprintf("The DMARC record has pct=%d: BIMI needs the policy applied to all mail (pct=100, the default).", d.Pct))
	} else {
		res.add("dmarc_pct", CheckPass, "The policy applies to all mail (pct=100).")
	}
	sp := d.SubdomainPolicy
	if sp == "" {
		sp = d.P
	}
	org := domain.OrgOrSelf(author)
	switch {
	case !strings.EqualFold(strings.TrimPrefix(d.RecordDomain, "_dmarc."), org):
		res.add("dmarc_sp", CheckUnknown, fmt.Sprintf("The record found is %s's own; BIMI also needs the organisational domain %s's record to have sp not none, "+
			"which was not looked up.", author, org))
	case sp == "none":
		ok = false
		res.add("dmarc_sp", CheckFail, fmt.Sprintf("The record of the organisational domain %s leaves subdomains at none (sp=none, or p=none without sp): "+
			"BIMI needs sp at quarantine or reject, even for mail from %s itself.", org, org))
	default:
		res.add("dmarc_sp", CheckPass, fmt.Sprintf("Subdomains of %s are at %s.", org, sp))
	}
	return ok
}

// indicatorChecks checks the logo of a BIMI-Indicator field that the
// receiving side wrote (above the boundary Received field). A provider
// adds it after its own checks passed; one written by anyone else means
// nothing.
func (res *Result) indicatorChecks(m *message.Message, rcv recorded.Receiver) {
	idx := -1
	for i, f := range m.Header {
		if strings.EqualFold(f.Name, "BIMI-Indicator") && rcv.Received >= 0 && i < rcv.Received {
			idx = i
			break
		}
	}
	if idx < 0 {
		why := "The receiving side added no BIMI-Indicator field, so there is no logo to check (the logo at l= is not downloaded)."
		if m.First("BIMI-Indicator") != nil {
			why = "The BIMI-Indicator field in the message was not written by the receiving side (it stands below the receiver's Received field), so it is ignored."
		}
		res.add("indicator", CheckNA, why)
		return
	}
	res.Checks = append(res.Checks, CheckIndicator(message.Unfold(m.Header[idx].RawValue()))...)
}

func (res *Result) add(id, r, reason string) {
	res.Checks = append(res.Checks, Check{ID: id, Result: r, Reason: reason})
}

// failed names the reasons of the failed checks whose id starts with
// prefix.
func (res *Result) failed(prefix string) string {
	var out []string
	for _, c := range res.Checks {
		if c.Result == CheckFail && strings.HasPrefix(c.ID, prefix) {
			out = append(out, strings.TrimSuffix(c.Reason, "."))
		}
	}
	return strings.Join(out, "; ")
}
