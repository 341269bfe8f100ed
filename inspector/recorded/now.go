package recorded

import "github.com/mailinspector/mailinspector/inspector/result"

// Now holds our own re-verified results, filled by the caller from the
// other checks, so that this package depends on none of their types. A nil
// or empty part means that check did not run.
type Now struct {
	SPF   *SPFNow   `json:"spf,omitempty"`
	DKIM  []DKIMNow `json:"dkim,omitempty"`
	DMARC *Verdict  `json:"dmarc,omitempty"`
	ARC   *ARCNow   `json:"arc,omitempty"`
}

// Verdict is a result word with its stable code and reason.
type Verdict struct {
	Result result.Result `json:"result"`
	Code   string        `json:"code,omitempty"`
	Reason string        `json:"reason,omitempty"`
}

// SPFNow is our SPF result.
type SPFNow struct {
	Verdict
	// IP is the client IP address we checked (the boundary hop's).
	IP string `json:"ip,omitempty"`
	// Domain is the domain checked: the MAIL FROM domain, or the HELO name
	// when HELO is set.
	Domain string `json:"domain,omitempty"`
	HELO   bool   `json:"helo,omitempty"`
}

// DKIMNow is our result for one DKIM-Signature. Its Code is one of the
// dkim package's codes (key_not_found, key_revoked, body_hash_mismatch,
// signature_mismatch, dns_error, ...): it tells what changed since delivery.
type DKIMNow struct {
	Verdict
	Domain   string `json:"domain"`
	Selector string `json:"selector"`
	// B is the signature's b= value (base64, whitespace removed), to match
	// a recorded header.b; optional.
	B string `json:"b,omitempty"`
}

// ARCNow is our ARC result and what the earliest intermediary recorded.
type ARCNow struct {
	Verdict
	// Sealer is the domain of the ARC set of instance 1, and Earliest its
	// ARC-Authentication-Results: what the first intermediary saw.
	Sealer   string  `json:"sealer,omitempty"`
	Earliest *Header `json:"earliest,omitempty"`
}
