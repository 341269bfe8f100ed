package dmarc

import (
	"fmt"
	"strings"

	msgdmarc "github.com/emersion/go-msgauth/dmarc"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// aligned compares an authenticated domain with the author domain (RFC 7489
// section 3.1): strict needs the same name, relaxed the same organisational
// domain. why says which held or failed, in words.
func aligned(id, author string, mode msgdmarc.AlignmentMode, tag string) (bool, string) {
	a, b := domain.Normalize(id), domain.Normalize(author)
	if a == b {
		return true, fmt.Sprintf("%s is exactly the From domain", id)
	}
	same := domain.SameOrg(a, b)
	if mode == msgdmarc.AlignmentStrict {
		if same {
			return false, fmt.Sprintf("%s and the From domain %s belong to the same organisation (%s), but the record asks for strict alignment (%s=s), "+
				"which needs exactly the same domain", id, author, domain.OrgOrSelf(b), tag)
		}
		return false, fmt.Sprintf("%s is not the From domain %s (strict alignment, %s=s, needs exactly the same domain)", id, author, tag)
	}
	if same {
		return true, fmt.Sprintf("%s and the From domain %s share the organisational domain %s (relaxed alignment)", id, author, domain.OrgOrSelf(b))
	}
	return false, fmt.Sprintf("%s (organisational domain %s) and the From domain %s (organisational domain %s) belong to different organisations",
		id, domain.OrgOrSelf(a), author, domain.OrgOrSelf(b))
}

// evaluateAlignment fills the alignment table, the two booleans and the
// explanation.
func evaluateAlignment(res *Result, in Input, adkim, aspf msgdmarc.AlignmentMode) {
	author := res.Domain
	var passedElsewhere []string // passing identifiers that do not align
	var failures []string        // identifiers that did not pass

	if s := in.SPF; s == nil {
		res.Alignment = append(res.Alignment, Alignment{Identifier: "SPF", Result: result.None, Why: "SPF was not evaluated"})
		failures = append(failures, "SPF was not evaluated")
	} else {
		row := Alignment{Identifier: "SPF (MAIL FROM)", Domain: s.Domain, Result: s.Result, Mode: modeWord(aspf)}
		if s.HELO {
			row.Identifier = "SPF (HELO)"
		}
		switch {
		case row.Result != result.Pass && s.Domain != "" && domain.SameOrg(s.Domain, author):
			row.Why = fmt.Sprintf("same domain as the From domain %s, but SPF gave %s, not pass; only a passing SPF check can authenticate it", author, row.Result)
			failures = append(failures, fmt.Sprintf("SPF gave %s", row.Result))
		case row.Result != result.Pass:
			row.Why = fmt.Sprintf("SPF gave %s, not pass; only a passing SPF check can authenticate the From domain", row.Result)
			failures = append(failures, fmt.Sprintf("SPF gave %s", row.Result))
		case s.Domain == "":
			row.Why = "SPF passed but its domain is unknown, so alignment cannot be checked"
		default:
			row.Aligned, row.Why = aligned(s.Domain, author, aspf, "aspf")
			if row.Aligned {
				res.SPFAligned = true
			} else {
				what := "SPF passed for the MAIL FROM domain " + s.Domain
				if s.HELO {
					what = "SPF passed for the HELO name " + s.Domain
				}
				passedElsewhere = append(passedElsewhere, what)
			}
		}
		res.Alignment = append(res.Alignment, row)
	}

	if len(in.DKIM) == 0 {
		res.Alignment = append(res.Alignment, Alignment{Identifier: "DKIM", Result: result.None, Why: "the message has no DKIM signature"})
		failures = append(failures, "there is no DKIM signature")
	}
	for _, d := range in.DKIM {
		row := Alignment{Identifier: "DKIM", Domain: d.Domain, Result: d.Result, Mode: modeWord(adkim)}
		if d.Selector != "" {
			row.Identifier = "DKIM s=" + d.Selector
		}
		switch {
		case row.Result != result.Pass && d.Domain != "" && domain.SameOrg(d.Domain, author):
			row.Why = fmt.Sprintf("a signature of the From domain's own organisation, but it gave %s, not pass; only a verified signature can authenticate the From domain", row.Result)
			failures = append(failures, fmt.Sprintf("the DKIM signature of %s gave %s", d.Domain, row.Result))
		case row.Result != result.Pass:
			row.Why = fmt.Sprintf("the signature gave %s, not pass; only a verified signature can authenticate the From domain", row.Result)
			failures = append(failures, fmt.Sprintf("the DKIM signature of %s gave %s", d.Domain, row.Result))
		default:
			row.Aligned, row.Why = aligned(d.Domain, author, adkim, "adkim")
			if row.Aligned {
				res.DKIMAligned = true
			} else {
				passedElsewhere = append(passedElsewhere, "DKIM passed for "+d.Domain)
			}
		}
		res.Alignment = append(res.Alignment, row)
	}

	if res.SPFAligned || res.DKIMAligned {
		return
	}
	switch {
	case len(passedElsewhere) == 1:
		res.Explanation = append(res.Explanation, fmt.Sprintf("%s, not for the From domain %s: DMARC needs a passing SPF or DKIM check for the From domain",
			strings.Replace(passedElsewhere[0], "passed", "passed, but", 1), author))
	case len(passedElsewhere) > 1:
		res.Explanation = append(res.Explanation, fmt.Sprintf("%s, but none of them is for the From domain %s: DMARC needs one of them to match",
			strings.Join(passedElsewhere, " and "), author))
	default:
		res.Explanation = append(res.Explanation, fmt.Sprintf("nothing authenticated the From domain %s (%s)", author, strings.Join(failures, "; ")))
	}
	for _, row := range res.Alignment {
		if row.Result == result.Pass && !row.Aligned {
			res.Explanation = append(res.Explanation, row.Identifier+": "+row.Why)
		}
	}
}
