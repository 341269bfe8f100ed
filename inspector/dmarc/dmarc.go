// Package dmarc evaluates DMARC (RFC 7489, with the np tag of DMARCbis and
// RFC 9091) for one message: it finds the author domain in the From field,
// finds the domain owner's record (at the author domain, else at its
// organisational domain from the public suffix list), checks whether a
// passing SPF or DKIM identifier aligns with the author domain, and says
// which policy applies and what a receiver would do, in words a person can
// act on.
//
// It does not verify SPF or DKIM itself: the caller passes their results.
package dmarc

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	msgdmarc "github.com/emersion/go-msgauth/dmarc"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Codes of Result.Code, stable for programs; the From problems are the
// FromError codes (CodeNoFrom and so on).
const (
	CodeAligned         = "aligned"          // pass
	CodeNotAligned      = "not_aligned"      // fail: nothing passing aligns
	CodeNoRecord        = "no_record"        // none: no record at either name
	CodeNoOrgDomain     = "no_org_domain"    // none: no record, and no organisational domain to try
	CodeDNSError        = "dns_error"        // temperror
	CodeInvalidRecord   = "invalid_record"   // permerror
	CodeMultipleRecords = "multiple_records" // permerror
)

// Input is what DMARC needs from the rest of the checks.
type Input struct {
	// From holds the value of every From field of the message, in order,
	// as written after "From:" (folding allowed).
	From []string
	// SPF is the SPF result of the message; nil when SPF was not checked.
	SPF *SPFInput
	// DKIM holds one entry per DKIM-Signature, whatever its result.
	DKIM []DKIMInput
}

// SPFInput is the outcome of the SPF check.
type SPFInput struct {
	// Result is the RFC 8601 word: pass, fail, softfail, neutral, none,
	// temperror or permerror.
	Result result.Result
	// Domain is the domain SPF checked: the MAIL FROM domain, or the HELO
	// name when MAIL FROM was empty (then set HELO).
	Domain string
	HELO   bool
}

// DKIMInput is the outcome of one DKIM signature.
type DKIMInput struct {
	Domain   string        // d=
	Selector string        // s=
	Result   result.Result // pass, fail, neutral, policy, temperror, permerror, none
}

// Result is the DMARC verdict of one message.
type Result struct {
	// Result is pass, fail, none, temperror or permerror.
	Result result.Result `json:"result"`
	// Code is a stable word for programs (see the Code constants).
	Code string `json:"code"`
	// Reason says in one or two sentences what happened and what it means.
	Reason string `json:"reason"`

	// Domain is the author domain (of the From address); Addresses are
	// the addresses in the From field.
	Domain    string   `json:"domain,omitempty"`
	Addresses []string `json:"from_addresses,omitempty"`
	// Authors holds, when the From field names several author domains,
	// the result of each, in the order of the field (RFC 7489 section
	// 6.6.1); the fields of this Result are then those of the strictest
	// (see Check), with Code CodeMultipleAuthors and a Reason that names
	// them all.
	Authors []*Result `json:"authors,omitempty"`
	// OrgDomain is the organisational domain of Domain, from the public
	// suffix list.
	OrgDomain string `json:"org_domain,omitempty"`

	// Record is the DMARC record used, as published, and RecordDomain the
	// name it was found at (_dmarc.example.com).
	Record       string `json:"record,omitempty"`
	RecordDomain string `json:"record_domain,omitempty"`

	// Policy is the policy that applies to this message (none, quarantine
	// or reject) and PolicyTag the tag it came from: p for the domain
	// itself, sp for a subdomain, np for a subdomain that does not exist.
	Policy       string `json:"policy,omitempty"`
	PolicyTag    string `json:"policy_tag,omitempty"`
	PolicyReason string `json:"policy_reason,omitempty"`
	// PolicyDomain is, with several author domains, the one whose policy
	// Policy is (the same as Domain).
	PolicyDomain string `json:"policy_domain,omitempty"`
	// The record's tags, as they apply (defaults filled in).
	P               string   `json:"p,omitempty"`
	SubdomainPolicy string   `json:"subdomain_policy,omitempty"`
	NP              string   `json:"np,omitempty"`
	Pct             int      `json:"pct,omitempty"`
	PctMeaning      string   `json:"pct_meaning,omitempty"`
	ADKIM           string   `json:"adkim,omitempty"` // relaxed or strict
	ASPF            string   `json:"aspf,omitempty"`  // relaxed or strict
	RUA             []string `json:"rua,omitempty"`
	RUF             []string `json:"ruf,omitempty"`

	// SPFAligned and DKIMAligned say whether a passing SPF or DKIM
	// identifier aligns with the author domain; Alignment is the table
	// behind them.
	SPFAligned  bool        `json:"spf_aligned"`
	DKIMAligned bool        `json:"dkim_aligned"`
	Alignment   []Alignment `json:"alignment,omitempty"`

	// Disposition is what a receiver following the record does with the
	// message: none (deliver), quarantine (spam folder) or reject.
	Disposition string `json:"disposition"`

	// Explanation holds sentences for people, most important first.
	Explanation []string `json:"explanation,omitempty"`
	// Notes say what was tolerated or assumed along the way.
	Notes []string `json:"notes,omitempty"`
}

// Alignment is one row of the alignment table: one authenticated
// identifier and whether it counts for the author domain.
type Alignment struct {
	// Identifier names it: "SPF (MAIL FROM)", "SPF (HELO)" or
	// "DKIM s=selector".
	Identifier string `json:"identifier"`
	// Domain is the identifier's domain, Result the mechanism's result.
	Domain  string        `json:"domain"`
	Result  result.Result `json:"result"`
	Aligned bool          `json:"aligned"`
	// Mode is relaxed or strict: which comparison applied.
	Mode string `json:"mode,omitempty"`
	Why  string `json:"why"`
}

// Enforced says whether the domain owner asks receivers to act on this
// failure: DMARC failed and the policy is reject, or quarantine for a
// non-zero share of messages. (With p=reject and a low pct, unsampled
// messages are still quarantined, RFC 7489 section 6.6.4.)
func (r *Result) Enforced() bool {
	if r == nil || r.Result != result.Fail {
		return false
	}
	return r.Policy == msgdmarc.PolicyReject || r.Policy == msgdmarc.PolicyQuarantine && r.Pct > 0
}

// MaxAuthorDomains is how many author domains of one From field Check
// evaluates; a field with more is refused rather than left half checked.
const MaxAuthorDomains = 10

// Check evaluates DMARC for the message described by in, looking records up
// through r. It always returns a Result; problems become its result word
// and reason.
//
// When the From field holds addresses in several domains, DMARC is
// evaluated for each author domain (RFC 7489 section 6.6.1): the result
// passes only if every one passes, and the strictest outcome, with the
// strictest policy among those that fail, is the one reported (see
// Result.Authors).
func Check(ctx context.Context, r resolver.Resolver, in Input) *Result {
	a, err := readAuthors(in.From)
	fe, _ := err.(*FromError)
	several := fe != nil && fe.Code == CodeMultipleAuthors
	if err != nil && (!several || len(a.domains) > MaxAuthorDomains) {
		res := &Result{Disposition: "none", Result: result.PermError, Code: fe.Code, Reason: "DMARC cannot be checked: " + fe.Msg + "."}
		if a != nil {
			res.Addresses = a.list.Addresses()
		}
		if several {
			res.Reason = fmt.Sprintf("DMARC cannot be checked: the From field holds addresses in %d domains, more than the %d that are checked one by one; "+
				"a mail program may show only one of them.", len(a.domains), MaxAuthorDomains)
		}
		return res
	}
	each := make([]*Result, len(a.domains))
	var wg sync.WaitGroup
	for i, d := range a.domains {
		wg.Go(func() { each[i] = checkDomain(ctx, r, in, d) })
	}
	wg.Wait()
	res := each[0]
	if several {
		res = combine(each, fe)
	}
	res.Addresses = a.list.Addresses()
	res.Notes = append(a.notes(), res.Notes...)
	return res
}

// checkDomain evaluates DMARC for one author domain.
func checkDomain(ctx context.Context, r resolver.Resolver, in Input, author string) *Result {
	res := &Result{Disposition: "none", Domain: author}
	ascii := domain.Normalize(author)
	org, hasOrg := domain.Org(author)
	if hasOrg {
		res.OrgDomain = org
	} else {
		res.OrgDomain = author
		res.Notes = append(res.Notes, fmt.Sprintf("%s is itself a public suffix, so it is its own organisational domain", author))
	}

	// Record discovery, RFC 7489 section 6.6.3.
	found := fetch(ctx, r, ascii)
	atOrg := false
	if found.temp == nil && len(found.records) == 0 && hasOrg && domain.Normalize(org) != ascii {
		found = fetch(ctx, r, domain.Normalize(org))
		atOrg = true
	}
	if found.temp != nil {
		res.Result, res.Code = result.TempError, CodeDNSError
		res.Reason = fmt.Sprintf("DMARC could not be checked: the DNS lookup of %s failed (%v). Try again later; a receiver would defer the message.",
			found.name, found.temp)
		return res
	}
	switch len(found.records) {
	case 0:
		res.Result, res.Code = result.None, CodeNoRecord
		where := "_dmarc." + author
		if atOrg {
			where += " nor at _dmarc." + org
		}
		res.Reason = fmt.Sprintf("%s publishes no DMARC record (none at %s), so its owner has not said what to do with mail that fails "+
			"authentication: anyone can send mail that looks as if it came from %s without a receiver being told to refuse it.",
			author, where, author)
		if !hasOrg {
			res.Code = CodeNoOrgDomain
		}
		evaluateAlignment(res, in, msgdmarc.AlignmentRelaxed, msgdmarc.AlignmentRelaxed)
		return res
	case 1:
	default:
		res.Result, res.Code = result.PermError, CodeMultipleRecords
		res.RecordDomain = found.name
		res.Reason = fmt.Sprintf("%s has %d DMARC records; RFC 7489 says a receiver then applies no DMARC at all, so the owner's policy is lost. "+
			"The owner must keep exactly one.", found.name, len(found.records))
		return res
	}
	res.Record, res.RecordDomain = found.records[0], found.name
	rec, err := ParseRecord(found.records[0])
	if err != nil {
		res.Result, res.Code = result.PermError, CodeInvalidRecord
		res.Reason = fmt.Sprintf("The DMARC record at %s is invalid (%v), so receivers cannot apply it; the owner of %s must fix it.",
			found.name, err, strings.TrimPrefix(found.name, "_dmarc."))
		return res
	}
	res.Notes = append(res.Notes, rec.Notes...)
	fillRecord(res, rec)

	// Which policy applies: p at the author itself, else sp for a
	// subdomain, or np for one that does not exist (RFC 9091).
	res.Policy, res.PolicyTag = string(rec.Policy), "p"
	res.PolicyReason = fmt.Sprintf("the record was found at the author domain %s itself, so its p tag applies", author)
	if atOrg {
		res.PolicyReason = fmt.Sprintf("%s has no record of its own; the record of its organisational domain %s applies, "+
			"and it has no sp tag, so its p tag covers subdomains too", author, org)
		if rec.SubdomainPolicy != "" {
			res.Policy, res.PolicyTag = string(rec.SubdomainPolicy), "sp"
			res.PolicyReason = fmt.Sprintf("%s is a subdomain of %s, whose record applies; its sp tag sets the policy for subdomains", author, org)
		}
		if rec.NP != "" {
			ex, note := exists(ctx, r, ascii)
			if note != "" {
				res.Notes = append(res.Notes, note)
			}
			if !ex {
				res.Policy, res.PolicyTag = string(rec.NP), "np"
				res.PolicyReason = fmt.Sprintf("%s does not exist in DNS (no A, AAAA or MX record), so the np tag of %s, for non-existent subdomains, applies",
					author, org)
			}
		}
	}

	res.PctMeaning = pctMeaning(res.Policy, res.Pct)
	evaluateAlignment(res, in, rec.DKIMAlignment, rec.SPFAlignment)
	if res.SPFAligned || res.DKIMAligned {
		res.Result, res.Code = result.Pass, CodeAligned
		res.Reason = passReason(res)
		return res
	}
	res.Result, res.Code = result.Fail, CodeNotAligned
	res.Disposition = res.Policy
	res.Reason = failReason(res)
	return res
}

// combine makes the result of a From field with several author domains
// from the result of each (RFC 7489 section 6.6.1): the strictest of them,
// which passes only if all pass, with Code CodeMultipleAuthors and a
// reason that names each outcome.
func combine(each []*Result, fe *FromError) *Result {
	strictest := each[0]
	var outcomes []string
	for _, r := range each {
		if stricter(r, strictest) {
			strictest = r
		}
		o := fmt.Sprintf("%s %s", r.Domain, r.Result)
		if r.Policy != "" {
			o += fmt.Sprintf(" under %s=%s", r.PolicyTag, r.Policy)
		}
		outcomes = append(outcomes, o)
	}
	res := *strictest
	res.Code, res.PolicyDomain, res.Authors = CodeMultipleAuthors, strictest.Domain, each
	res.Reason = fmt.Sprintf("DMARC was checked for each author domain, since %s (RFC 7489 section 6.6.1): %s. The strictest outcome counts, that of %s: %s",
		fe.Msg, strings.Join(outcomes, ", "), strictest.Domain, strictest.Reason)
	return &res
}

// stricter says whether a weighs more than b among the results of several
// author domains: a worse result word first (fail, then temperror,
// permerror, none, pass), then a stricter policy, then a larger pct.
func stricter(a, b *Result) bool {
	words := []result.Result{result.Pass, result.None, result.PermError, result.TempError, result.Fail}
	policies := []string{"", "none", "quarantine", "reject"}
	if wa, wb := slices.Index(words, a.Result), slices.Index(words, b.Result); wa != wb {
		return wa > wb
	}
	if pa, pb := slices.Index(policies, a.Policy), slices.Index(policies, b.Policy); pa != pb {
		return pa > pb
	}
	return a.Pct > b.Pct
}

// fillRecord copies the record's tags into the result in words.
func fillRecord(res *Result, rec *Record) {
	res.P = string(rec.Policy)
	res.SubdomainPolicy = string(rec.SubdomainPolicy)
	res.NP = string(rec.NP)
	res.Pct = 100
	if rec.Percent != nil {
		res.Pct = *rec.Percent
	}
	res.ADKIM = modeWord(rec.DKIMAlignment)
	res.ASPF = modeWord(rec.SPFAlignment)
	res.RUA = rec.ReportURIAggregate
	res.RUF = rec.ReportURIFailure
}

func modeWord(m msgdmarc.AlignmentMode) string {
	if m == msgdmarc.AlignmentStrict {
		return "strict"
	}
	return "relaxed"
}

// pctMeaning explains a pct below 100 for a failing message (RFC 7489
// section 6.6.4: messages left out of the sample get the next milder
// policy).
func pctMeaning(policy string, pct int) string {
	if pct >= 100 || policy == "none" {
		return ""
	}
	milder := "none"
	if policy == "reject" {
		milder = "quarantine"
	}
	return fmt.Sprintf("pct=%d: the owner asks receivers to apply %s to only %d%% of the messages that fail DMARC, picked at random, and %s to the rest",
		pct, policy, pct, milder)
}

func passReason(res *Result) string {
	var by []string
	for _, a := range res.Alignment {
		if a.Aligned {
			by = append(by, fmt.Sprintf("%s for %s", a.Identifier, a.Domain))
		}
	}
	return fmt.Sprintf("DMARC passed: %s passed and matches the From domain %s, so the visible sender is authenticated.",
		strings.Join(by, " and "), res.Domain)
}

func failReason(res *Result) string {
	var s string
	if len(res.Explanation) > 0 {
		s = "DMARC failed: " + res.Explanation[0] + ". "
	} else {
		s = "DMARC failed: nothing authenticated the From domain " + res.Domain + ". "
	}
	switch res.Policy {
	case "reject":
		s += fmt.Sprintf("The owner of %s asks receivers to reject such mail (%s=reject)", res.OrgOrDomain(), res.PolicyTag)
	case "quarantine":
		s += fmt.Sprintf("The owner of %s asks receivers to treat such mail as suspicious, e.g. put it in the spam folder (%s=quarantine)",
			res.OrgOrDomain(), res.PolicyTag)
	default:
		s += fmt.Sprintf("The owner of %s only monitors such mail (%s=none) and asks receivers to deliver it as usual", res.OrgOrDomain(), res.PolicyTag)
	}
	if res.PctMeaning != "" {
		s += " (" + res.PctMeaning + ")"
	}
	return s + "."
}

// OrgOrDomain names the domain whose owner published the record in use.
func (r *Result) OrgOrDomain() string {
	if d := strings.TrimPrefix(r.RecordDomain, "_dmarc."); d != "" {
		return d
	}
	return r.Domain
}
