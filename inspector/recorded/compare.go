package recorded

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/result"
)

// Codes of Row.Code: what a difference between the recorded and the
// re-verified result means. They are stable words for programs.
const (
	DiffKeyRemoved     = "key_removed"     // DKIM pass at delivery, key gone or revoked now
	DiffMessageChanged = "message_changed" // DKIM pass at delivery, body hash mismatch now
	DiffHeaderChanged  = "header_changed"  // DKIM pass at delivery, signed header fields changed since
	DiffFailedThen     = "failed_then"     // the receiver failed a signature that verifies now
	DiffIPDiffers      = "ip_differs"      // SPF: the receiver checked another client IP
	DiffDomainDiffers  = "domain_differs"  // SPF: the receiver checked another MAIL FROM domain
	DiffDNSChanged     = "dns_changed"     // SPF: same IP and domain, another result: the record changed
	DiffDNSErrorNow    = "dns_error_now"   // our check hit a DNS failure
	DiffForwarded      = "forwarded"       // SPF failed at the receiver, ARC shows an earlier pass
	DiffNotRecorded    = "not_recorded"    // the receiver recorded nothing for it
	DiffNotChecked     = "not_checked"     // recorded, but we did not check it
	DiffSignatureGone  = "signature_gone"  // the receiver recorded a signature that is no longer in the message
	DiffFollows        = "follows"         // DMARC differs because SPF or DKIM does
	DiffOther          = "differs"         // any other difference
)

// Row sets one mechanism's recorded result beside ours.
type Row struct {
	// Mechanism is spf, dkim, dmarc or arc.
	Mechanism string `json:"mechanism"`
	// Subject says what the result is about: "d=example.com s=sel" or
	// "MAIL FROM example.com".
	Subject string `json:"subject,omitempty"`
	// Recorded is the receiver's result word, "" when it recorded none;
	// Now is ours, "" when we did not check.
	Recorded result.Result `json:"recorded"`
	Now      result.Result `json:"now"`
	Agree    bool          `json:"agree"`
	// Code names the kind of difference (see the Diff constants); it can
	// be set when the results agree (ip_differs, forwarded).
	Code        string `json:"code,omitempty"`
	Explanation string `json:"explanation"`
}

// Comparison is the receiver's verdict at delivery beside ours.
type Comparison struct {
	// AuthservID names the receiver whose field was trusted; Trusted says
	// whether one was found, and Why why (not).
	AuthservID string `json:"authserv_id"`
	Trusted    bool   `json:"trusted"`
	Why        string `json:"why"`
	// Untrusted are the other Authentication-Results fields, with why.
	Untrusted []Untrusted `json:"untrusted,omitempty"`
	// Mechanisms holds one row per mechanism result.
	Mechanisms []Row `json:"mechanisms"`
	// Differences explains every difference, one sentence each.
	Differences []string `json:"differences"`
	// Forwarded is true when SPF failed at the receiver but ARC shows that
	// the first intermediary saw an SPF pass.
	Forwarded bool `json:"forwarded"`

	// above is Choice.AboveReceived: the receiver's field cannot have come
	// from the sender, so a better recorded result has one explanation.
	above bool
}

// Compare sets the trusted recorded results of c beside now and explains
// every difference.
func Compare(c *Choice, now Now) *Comparison {
	cmp := &Comparison{Why: c.Why, Untrusted: c.Untrusted, Mechanisms: []Row{}, Differences: []string{}}
	rec := c.Trusted
	cmp.above = c.AboveReceived
	if rec != nil {
		cmp.AuthservID, cmp.Trusted = rec.AuthservID, true
	} else {
		rec = &Header{}
		cmp.Differences = append(cmp.Differences, "There is no Authentication-Results field from the receiving server to compare with: "+c.Why+".")
	}
	cmp.compareSPF(first(rec, "spf"), now)
	cmp.compareDKIM(all(rec, "dkim"), now.DKIM)
	cmp.compareDMARC(first(rec, "dmarc"), now.DMARC)
	cmp.compareARC(first(rec, "arc"), now.ARC)
	for _, r := range cmp.Mechanisms {
		if !cmp.Trusted && r.Code == DiffNotRecorded {
			continue // said once above
		}
		if r.Code != "" && r.Code != DiffNotChecked && (!r.Agree || r.Code == DiffIPDiffers || r.Code == DiffForwarded || r.Code == DiffDomainDiffers) {
			cmp.Differences = append(cmp.Differences, r.Explanation)
		}
	}
	for _, u := range c.Untrusted {
		var claims []string
		for _, m := range u.Results {
			if m.Result == result.Pass {
				claims = append(claims, m.Method+"=pass")
			}
		}
		if len(claims) > 0 {
			cmp.Differences = append(cmp.Differences, fmt.Sprintf("An Authentication-Results field by %s claims %s, but it is not trusted: %s.",
				orUnknown(u.AuthservID), strings.Join(claims, ", "), u.Why))
		}
	}
	return cmp
}

func first(h *Header, method string) *Method {
	for i := range h.Results {
		if h.Results[i].Method == method {
			return &h.Results[i]
		}
	}
	return nil
}

func all(h *Header, method string) []*Method {
	var ms []*Method
	for i := range h.Results {
		if h.Results[i].Method == method {
			ms = append(ms, &h.Results[i])
		}
	}
	return ms
}

// same compares result words, taking hardfail as fail (RFC 8601 keeps it
// for compatibility).
func same(a, b result.Result) bool {
	x, _ := result.Parse(string(a))
	y, _ := result.Parse(string(b))
	return x == y
}

func (cmp *Comparison) add(r Row) { cmp.Mechanisms = append(cmp.Mechanisms, r) }

// better says whether the recorded result a is better for the message
// than ours, b: a field that says more passed than we find is one a
// forger would write.
func better(a, b result.Result) bool { return rank(a) > rank(b) }

func rank(r result.Result) int {
	x, _ := result.Parse(string(r))
	switch x {
	case result.Pass:
		return 3
	case result.None, result.Neutral, result.TempError:
		return 2
	case result.SoftFail, result.PermError, result.Policy:
		return 1
	}
	return 0
}

// notTheReceiver is the other explanation of a recorded result better than
// ours, and what tells the two apart (evidence names the evidence for the
// first). Where the field does not sit above the receiver's own Received
// field (Choice.AboveReceived), this package cannot know which holds, so
// it says both: a field naming the receiver
// that sits just below the receiver's own Received field may have been put
// there by the receiver's filter or by the sender, when the receiver does
// not remove fields with its name. Such a field never makes the message
// look better: the verdict weighs our results.
func (cmp *Comparison) notTheReceiver(evidence string) string {
	return fmt.Sprintf("this Authentication-Results field was not written by the receiver: a sender can put in a field naming %s, "+
		"and a receiver that does not remove such fields passes it on. What tells them apart: where the field sits (above the receiver's own Received field "+
		"only the receiver writes; just below it, either could have: see the Headers tab), and %s. The verdict weighs our result, not the recorded one.",
		orUnknown(cmp.AuthservID), evidence)
}

func (cmp *Comparison) compareSPF(rec *Method, now Now) {
	if rec == nil && now.SPF == nil {
		return
	}
	r := Row{Mechanism: "spf"}
	if rec != nil {
		r.Recorded = rec.Result
		if d := rec.Domain(); d != "" {
			r.Subject = "MAIL FROM " + d
		}
	}
	if now.SPF != nil {
		r.Now = now.SPF.Result
		if now.SPF.Domain != "" {
			r.Subject = "MAIL FROM " + strings.ToLower(now.SPF.Domain)
			if now.SPF.HELO {
				r.Subject = "HELO " + strings.ToLower(now.SPF.Domain)
			}
		}
	}
	forwarded := cmp.forwarded(rec, now.ARC)
	switch {
	case rec == nil:
		r.Code = DiffNotRecorded
		r.Explanation = fmt.Sprintf("The receiver recorded no SPF result; ours is %s.", r.Now)
	case now.SPF == nil:
		r.Code = DiffNotChecked
		r.Explanation = fmt.Sprintf("The receiver recorded SPF %s; SPF was not re-checked.", r.Recorded)
	default:
		r.Agree = same(r.Recorded, r.Now)
		recIP := rec.IP()
		nowIP, _ := netip.ParseAddr(now.SPF.IP)
		recDom := rec.Domain()
		nowDom := strings.ToLower(strings.TrimSuffix(now.SPF.Domain, "."))
		switch {
		case recIP.IsValid() && nowIP.IsValid() && recIP.Unmap() != nowIP.Unmap():
			r.Code = DiffIPDiffers
			r.Explanation = fmt.Sprintf("The receiver checked SPF for the client IP %s, but we took %s as the IP that connected to it, so the two SPF results are about different servers "+
				"(receiver: %s, ours: %s). The receiver saw the connection itself; check which Received field is the boundary hop.", recIP, nowIP, r.Recorded, r.Now)
		case recDom != "" && nowDom != "" && recDom != nowDom:
			r.Code = DiffDomainDiffers
			r.Explanation = fmt.Sprintf("The receiver checked SPF for %s, but we checked %s (receiver: %s, ours: %s).", recDom, nowDom, r.Recorded, r.Now)
		case r.Agree:
			r.Explanation = fmt.Sprintf("Both give SPF %s.", r.Now)
		case same(r.Now, result.TempError):
			r.Code = DiffDNSErrorNow
			r.Explanation = fmt.Sprintf("The receiver recorded SPF %s; our check hit a DNS failure (%s), so it cannot be compared. Try again later.", r.Recorded, now.SPF.Reason)
		default:
			r.Code = DiffDNSChanged
			ip := ""
			if nowIP.IsValid() {
				ip = " for " + nowIP.String()
			}
			if better(r.Recorded, r.Now) && cmp.above {
				r.Explanation = fmt.Sprintf("The SPF record of %s has changed since delivery: the receiver got %s%s, we get %s now. SPF depends on DNS at the moment the message arrived; "+
					"the receiver's field sits above its own Received field, where no sender can write.", orUnknown(nowDom), r.Recorded, ip, r.Now)
			} else if better(r.Recorded, r.Now) {
				r.Explanation = fmt.Sprintf("The receiver recorded SPF %s%s, we get %s now. SPF depends on DNS at the moment the message arrived: either the SPF record of %s "+
					"has changed since delivery, or %s", r.Recorded, ip, r.Now, orUnknown(nowDom), cmp.notTheReceiver("the SPF record's history (the domain's DMARC reports of that day)"))
			} else {
				r.Explanation = fmt.Sprintf("The SPF record of %s has changed since delivery: the receiver got %s%s, we get %s now. SPF depends on DNS at the moment the message arrived.",
					orUnknown(nowDom), r.Recorded, ip, r.Now)
			}
		}
	}
	if forwarded != "" {
		cmp.Forwarded = true
		if r.Code == "" || r.Code == DiffDNSChanged {
			r.Code = DiffForwarded
			r.Explanation = forwarded
		} else {
			r.Explanation += " " + forwarded
		}
	}
	cmp.add(r)
}

// forwarded explains an SPF failure at the receiver that ARC shows to be
// the effect of forwarding, or returns "".
func (cmp *Comparison) forwarded(rec *Method, arc *ARCNow) string {
	if rec == nil || arc == nil || arc.Earliest == nil {
		return ""
	}
	if !same(rec.Result, result.Fail) && !same(rec.Result, result.SoftFail) && !same(rec.Result, result.Neutral) {
		return ""
	}
	early := first(arc.Earliest, "spf")
	if early == nil || !same(early.Result, result.Pass) {
		return ""
	}
	sealer := arc.Sealer
	if sealer == "" {
		sealer = orUnknown(arc.Earliest.AuthservID)
	}
	if !same(arc.Result, result.Pass) {
		return fmt.Sprintf("The first ARC intermediary (%s) says SPF passed when it received the message, but the ARC chain does not validate (%s), "+
			"so that claim cannot be relied on.", sealer, arc.Result)
	}
	what := "SPF passed"
	if d := early.Domain(); d != "" {
		what = "SPF passed for " + d
	}
	return fmt.Sprintf("The message was forwarded: SPF gave %s at the receiver because the forwarding server, not the sender's, connected to it; "+
		"the first ARC intermediary (%s) recorded that %s when the message reached it, and its ARC chain validates.", rec.Result, sealer, what)
}

func (cmp *Comparison) compareDKIM(recs []*Method, nows []DKIMNow) {
	used := make([]bool, len(nows))
	for _, rec := range recs {
		r := Row{Mechanism: "dkim", Recorded: rec.Result, Subject: dkimSubject(rec.Domain(), rec.Get("header.s"))}
		j := matchDKIM(rec, nows, used)
		if j < 0 {
			if len(nows) == 0 && rec.Domain() == "" {
				r.Code = DiffNotChecked
				r.Explanation = fmt.Sprintf("The receiver recorded DKIM %s; DKIM was not re-checked.", rec.Result)
			} else {
				r.Code = DiffSignatureGone
				r.Explanation = fmt.Sprintf("The receiver recorded DKIM %s for a signature of %s that is not in the message now", rec.Result, orUnknown(rec.Domain()))
				if same(rec.Result, result.Pass) && cmp.above {
					r.Explanation += ": it was removed after delivery (a mail program or an export can drop header fields)."
				} else if same(rec.Result, result.Pass) {
					r.Explanation += ": either the signature was removed after delivery (a mail program or an export can drop header fields), or " +
						cmp.notTheReceiver("the copy of the message kept on the receiving server: the signature is there if it was removed later")
				} else {
					r.Explanation += ": it was removed after delivery."
				}
			}
			cmp.add(r)
			continue
		}
		used[j] = true
		n := nows[j]
		r.Subject = dkimSubject(n.Domain, n.Selector)
		r.Now = n.Result
		r.Agree = same(r.Recorded, r.Now)
		r.Code, r.Explanation = explainDKIM(rec.Result, n)
		if (r.Code == DiffKeyRemoved || r.Code == DiffMessageChanged || r.Code == DiffHeaderChanged) && !cmp.above {
			r.Explanation += " Or " + cmp.notTheReceiver("the copy of the message kept on the receiving server, and the key's history")
		}
		cmp.add(r)
	}
	for j, n := range nows {
		if used[j] {
			continue
		}
		cmp.add(Row{Mechanism: "dkim", Subject: dkimSubject(n.Domain, n.Selector), Now: n.Result, Code: DiffNotRecorded,
			Explanation: fmt.Sprintf("The receiver recorded no result for the DKIM signature of %s (s=%s); ours is %s.", n.Domain, n.Selector, n.Result)})
	}
}

func dkimSubject(d, s string) string {
	out := "d=" + strings.ToLower(d)
	if s != "" {
		out += " s=" + s
	}
	return out
}

// matchDKIM finds the signature a recorded dkim result is about: same d=,
// and same s= and b= prefix when the receiver recorded them.
func matchDKIM(rec *Method, nows []DKIMNow, used []bool) int {
	d := rec.Domain()
	s := rec.Get("header.s")
	b := rec.Get("header.b")
	for j, n := range nows {
		if used[j] || !strings.EqualFold(n.Domain, d) {
			continue
		}
		if s != "" && n.Selector != "" && !strings.EqualFold(s, n.Selector) {
			continue
		}
		if b != "" && n.B != "" && !strings.HasPrefix(n.B, b) {
			continue
		}
		return j
	}
	return -1
}

// explainDKIM says what a difference between a recorded DKIM result and
// ours means, from our result's code.
func explainDKIM(recorded result.Result, n DKIMNow) (code, why string) {
	name := fmt.Sprintf("the signature of %s (s=%s)", n.Domain, n.Selector)
	key := fmt.Sprintf("%s._domainkey.%s", n.Selector, n.Domain)
	if same(recorded, n.Result) {
		return "", fmt.Sprintf("Both give DKIM %s for %s.", n.Result, name)
	}
	if same(recorded, result.Pass) {
		switch n.Code {
		case "key_not_found", "key_revoked":
			return DiffKeyRemoved, fmt.Sprintf("Perhaps the key was rotated or removed since delivery: the receiver recorded a pass for %s, "+
				"but the key at %s is no longer published, so it cannot be checked today. Domains replace their keys regularly.", name, key)
		case "body_hash_mismatch":
			return DiffMessageChanged, fmt.Sprintf("Perhaps the message was changed after delivery: the receiver verified %s when it arrived, but the body no longer matches "+
				"what was signed. A mail program, archive or export may have re-encoded it, or someone edited it.", name)
		case "signature_mismatch":
			return DiffHeaderChanged, fmt.Sprintf("Perhaps a signed header field was changed after delivery: the receiver verified %s when the message arrived, "+
				"but the signed fields (From, Subject, Date...) no longer match what was signed.", name)
		case "dns_error":
			return DiffDNSErrorNow, fmt.Sprintf("The receiver verified %s; our check could not fetch the key at %s (a DNS failure), so it cannot be compared. Try again later.", name, key)
		}
	}
	if same(n.Result, result.Pass) {
		return DiffFailedThen, fmt.Sprintf("The receiver recorded DKIM %s for %s, but it verifies now: its key lookup may have failed at delivery, "+
			"or the key was published or fixed afterwards. The message itself is intact.", recorded, name)
	}
	msg := fmt.Sprintf("The receiver recorded DKIM %s for %s; we get %s now", recorded, name, n.Result)
	if n.Reason != "" {
		msg += ": " + n.Reason
	}
	return DiffOther, strings.TrimSuffix(msg, ".") + "."
}

func (cmp *Comparison) compareDMARC(rec *Method, now *Verdict) {
	if rec == nil && now == nil {
		return
	}
	r := Row{Mechanism: "dmarc"}
	if rec != nil {
		r.Recorded = rec.Result
		if d := rec.Domain(); d != "" {
			r.Subject = "From " + d
		}
	}
	if now != nil {
		r.Now = now.Result
	}
	switch {
	case rec == nil:
		r.Code = DiffNotRecorded
		r.Explanation = fmt.Sprintf("The receiver recorded no DMARC result; ours is %s.", r.Now)
	case now == nil:
		r.Code = DiffNotChecked
		r.Explanation = fmt.Sprintf("The receiver recorded DMARC %s; DMARC was not re-checked.", r.Recorded)
	case same(r.Recorded, r.Now):
		r.Agree = true
		r.Explanation = fmt.Sprintf("Both give DMARC %s.", r.Now)
	default:
		var causes []string
		for _, m := range cmp.Mechanisms {
			if (m.Mechanism == "spf" || m.Mechanism == "dkim") && !m.Agree && m.Code != DiffNotRecorded && m.Code != DiffNotChecked {
				causes = append(causes, m.Mechanism+" "+m.Subject)
			}
		}
		if len(causes) > 0 {
			r.Code = DiffFollows
			r.Explanation = fmt.Sprintf("The receiver recorded DMARC %s, we get %s: this follows from the difference in %s explained above.",
				r.Recorded, r.Now, strings.Join(causes, " and "))
		} else {
			r.Code = DiffOther
			r.Explanation = fmt.Sprintf("The receiver recorded DMARC %s, we get %s", r.Recorded, r.Now)
			if now.Reason != "" {
				r.Explanation += ": " + strings.TrimSuffix(now.Reason, ".")
			}
			r.Explanation += "."
		}
	}
	cmp.add(r)
}

func (cmp *Comparison) compareARC(rec *Method, now *ARCNow) {
	if rec == nil && now == nil {
		return
	}
	r := Row{Mechanism: "arc"}
	if rec != nil {
		r.Recorded = rec.Result
	}
	if now != nil {
		r.Now = now.Result
	}
	switch {
	case rec == nil:
		if same(r.Now, result.None) {
			return // no ARC on either side: nothing to show
		}
		r.Code = DiffNotRecorded
		r.Explanation = fmt.Sprintf("The receiver recorded no ARC result; ours is %s.", r.Now)
	case now == nil:
		r.Code = DiffNotChecked
		r.Explanation = fmt.Sprintf("The receiver recorded ARC %s; ARC was not re-checked.", r.Recorded)
	case same(r.Recorded, r.Now):
		r.Agree = true
		r.Explanation = fmt.Sprintf("Both give ARC %s.", r.Now)
	case same(r.Recorded, result.Pass) && same(r.Now, result.TempError):
		r.Code = DiffDNSErrorNow
		r.Explanation = fmt.Sprintf("The receiver recorded ARC pass; our check hit a DNS failure (%s). Try again later.", now.Reason)
	case same(r.Recorded, result.Pass):
		r.Code = DiffOther
		r.Explanation = fmt.Sprintf("The receiver recorded ARC pass, we get %s now: an ARC field was changed after delivery, or a sealer's key was removed since (%s).",
			r.Now, strings.TrimSuffix(now.Reason, "."))
	default:
		r.Code = DiffOther
		r.Explanation = fmt.Sprintf("The receiver recorded ARC %s, we get %s: %s.", r.Recorded, r.Now, strings.TrimSuffix(now.Reason, "."))
	}
	cmp.add(r)
}
