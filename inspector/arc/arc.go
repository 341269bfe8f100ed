// Package arc validates the Authenticated Received Chain of a message (RFC
// 8617): the ARC sets that forwarding intermediaries (mailing lists,
// forwarding services) add to vouch for what they saw before they changed
// the message. It says whether the chain holds, where it breaks, and what
// every intermediary recorded about the message's SPF, DKIM and DMARC when
// it arrived there.
//
// Canonicalisation, key lookup and signature verification are those of the
// dkim package: an ARC-Message-Signature is a DKIM signature in all but
// name, and an ARC-Seal is verified with the same core.
package arc

import (
	"fmt"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Codes of Result.Code: stable words for programs.
const (
	CodeValid          = "valid"            // pass
	CodeNoChain        = "no_chain"         // none: no ARC fields
	CodeBodyNotChecked = "body_not_checked" // pass, but the body was not available for the newest AMS
	CodeStructure      = "structure"        // fail: sets missing, duplicated, out of sequence, too many
	CodeMalformed      = "malformed"        // fail: a field of a set cannot be parsed
	CodeSealedFail     = "sealed_fail"      // fail: the newest seal already says cv=fail
	CodeBadCV          = "bad_cv"           // fail: cv is not none at i=1 or not pass above
	CodeAMSFailed      = "ams_failed"       // fail: the newest ARC-Message-Signature does not verify
	CodeSealFailed     = "seal_failed"      // fail: an ARC-Seal does not verify
	CodeKeyProblem     = "key_problem"      // fail: a key is missing, revoked, too weak or unusable
	CodeDNSError       = "dns_error"        // temperror: a key lookup failed
	CodeNotAMessage    = "not_a_message"    // none: nothing to validate
)

// Result is the validation of a message's ARC chain.
type Result struct {
	// Result is pass, fail, none or temperror.
	Result result.Result `json:"result"`
	Code   string        `json:"code"`
	// Reason says in words what was found and what it means.
	Reason string `json:"reason"`
	// FailedInstance is the instance where the chain first breaks, 0 when
	// it does not (or the break belongs to no instance).
	FailedInstance int `json:"failed_instance,omitempty"`
	// OldestPass is the lowest instance whose ARC-Message-Signature still
	// verifies (RFC 8617 section 5.2 step 5): the earliest point from
	// which the message is unchanged. 0 when none does.
	OldestPass int `json:"oldest_pass,omitempty"`
	// Instances describes every ARC set, lowest first.
	Instances []*Instance `json:"instances"`
}

// Instance is what one intermediary added.
type Instance struct {
	Instance int `json:"instance"`
	// Domain and Selector are the sealer's (ARC-Seal d= and s=).
	Domain   string `json:"domain"`
	Selector string `json:"selector"`
	// AMSDomain and AMSSelector are the ARC-Message-Signature's, shown
	// when they differ from the seal's.
	AMSDomain   string `json:"ams_domain,omitempty"`
	AMSSelector string `json:"ams_selector,omitempty"`
	// CV is the chain status this intermediary found and sealed.
	CV string `json:"cv"`
	// SealResult and AMSResult are pass, fail, permerror (the field or its
	// key is unusable), temperror (DNS) or "" (not checked, because the
	// chain failed before).
	SealResult result.Result `json:"seal_result"`
	SealReason string        `json:"seal_reason,omitempty"`
	AMSResult  result.Result `json:"ams_result"`
	AMSReason  string        `json:"ams_reason,omitempty"`
	// BodyUnchecked is true when the ARC-Message-Signature passed on the
	// header alone, the body not being available.
	BodyUnchecked bool `json:"body_unchecked,omitempty"`
	// SealKeyBits and AMSKeyBits are the sizes of the keys used.
	SealKeyBits int `json:"seal_key_bits,omitempty"`
	AMSKeyBits  int `json:"ams_key_bits,omitempty"`
	// Sealed is when the seal says it was made (t=).
	Sealed *time.Time `json:"sealed,omitempty"`
	// AAR is the ARC-Authentication-Results field, raw and parsed: what
	// this intermediary saw when the message reached it. Saw says it in
	// words.
	AAR *recorded.Header `json:"aar,omitempty"`
	Saw string           `json:"saw,omitempty"`
	// Reason sums the instance up.
	Reason string `json:"reason"`
	// Forensics says what changed after the ARC-Message-Signature was made,
	// when it fails (see dkim.Forensic); [] otherwise.
	Forensics dkim.Findings `json:"forensics"`
}

// Earliest is the instance 1 set: the first intermediary, whose AAR says
// what the message looked like before any forwarding. nil without a chain.
func (r *Result) Earliest() *Instance {
	if r == nil || len(r.Instances) == 0 || r.Instances[0].Instance != 1 {
		return nil
	}
	return r.Instances[0]
}

// Now gives the facts the recorded package compares: our chain result, and
// what the first intermediary recorded.
func (r *Result) Now() *recorded.ARCNow {
	if r == nil {
		return nil
	}
	n := &recorded.ARCNow{Verdict: recorded.Verdict{Result: r.Result, Code: r.Code, Reason: r.Reason}}
	if e := r.Earliest(); e != nil {
		n.Sealer, n.Earliest = e.Domain, e.AAR
	}
	return n
}

// saw says in words what an ARC-Authentication-Results field records.
func saw(h *recorded.Header) string {
	if h == nil {
		return ""
	}
	var parts []string
	for _, m := range h.Results {
		switch m.Method {
		case "spf", "dkim", "dmarc", "arc":
		default:
			continue
		}
		s := strings.ToUpper(m.Method) + " " + string(m.Result)
		if d := m.Domain(); d != "" {
			s += " for " + d
		}
		parts = append(parts, s)
	}
	who := h.AuthservID
	if who == "" {
		who = "the intermediary"
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%s recorded no SPF, DKIM or DMARC result", who)
	}
	return fmt.Sprintf("%s saw %s", who, strings.Join(parts, ", "))
}
