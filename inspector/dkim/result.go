package dkim

import (
	"encoding/json"
	"time"

	"github.com/mailinspector/mailinspector/inspector/result"
)

// Code is a stable, machine-readable reason for a result or a warning. The
// words never change once published; the reason text may.
type Code string

// Codes for the result of a signature. A pass carries CodeOK, or the code of
// its most important warning (one of the warning codes below) so that an
// overall verdict can turn it into "warn".
const (
	CodeOK                     Code = "ok"
	CodeMalformed              Code = "malformed"                // neutral: the DKIM-Signature field cannot be parsed
	CodeUnsupportedAlgorithm   Code = "unsupported_algorithm"    // neutral: a= or c= unknown
	CodeUnsupportedQueryMethod Code = "unsupported_query_method" // neutral: q= has no dns/txt
	CodeFromNotSigned          Code = "from_not_signed"          // permerror: h= lacks From
	CodeIdentityMismatch       Code = "identity_mismatch"        // permerror: i= outside d=, or t=s and i= in a subdomain
	CodeKeyNotFound            Code = "key_not_found"            // permerror: NXDOMAIN or no TXT record
	CodeDNSError               Code = "dns_error"                // temperror: timeout, SERVFAIL
	CodeMultipleKeys           Code = "multiple_keys"            // permerror: several TXT records
	CodeKeyMalformed           Code = "key_malformed"            // permerror: the key record cannot be parsed
	CodeUnsupportedKeyType     Code = "unsupported_key_type"     // permerror: k= unknown
	CodeKeyRevoked             Code = "key_revoked"              // permerror: p= empty
	CodeServiceNotAllowed      Code = "service_not_allowed"      // permerror: key s= excludes email
	CodeKeyTypeMismatch        Code = "key_type_mismatch"        // permerror: a= and k= disagree
	CodeHashNotAllowed         Code = "hash_not_allowed"         // permerror: key h= excludes the hash
	CodeKeyTooWeak             Code = "key_too_weak"             // fail: RSA key under 1024 bits
	CodeLengthExceedsBody      Code = "length_exceeds_body"      // permerror: l= larger than the body, with the hash matching
	CodeBodyHashMismatch       Code = "body_hash_mismatch"       // fail: the body changed
	CodeSignatureMismatch      Code = "signature_mismatch"       // fail: the signed header fields changed
	CodeSHA1                   Code = "sha1"                     // fail: rsa-sha1 (RFC 8301)
	CodeExpired                Code = "expired"                  // permerror: x= passed at the moment judged
	CodeFuture                 Code = "future"                   // neutral: t= later than the moment judged
	CodeBodyUnreadable         Code = "body_unreadable"          // temperror: reading the body failed
	CodeSkipped                Code = "skipped"                  // neutral: beyond Options.MaxSignatures
)

// Warning codes: things that do not fail a signature but that a reader must
// know. They appear in Result.Warnings, and the most important one in
// Result.Code when the result is pass.
const (
	CodeExtraUnsignedInstance Code = "extra_unsigned_instance" // a signed field occurs more often than h= covers it
	CodeUnsignedContent       Code = "unsigned_content"        // l= leaves body bytes unsigned
	CodeBodyTruncated         Code = "body_truncated"          // l= is longer than the body, whose hash does not match
	CodeBodyNotChecked        Code = "body_not_checked"        // header-only message, or a file that ends in its header
	CodeExpiredSinceDelivery  Code = "expired_since_delivery"  // valid when received, expired now
	CodeTesting               Code = "testing"                 // key t=y
	CodeWeakKey               Code = "weak_key"                // RSA under 2048 bits (1024 included)
	CodeKeyRecord             Code = "key_record_warning"      // the key record is usable but irregular
	CodeExpiresBeforeSigned   Code = "expires_before_signed"   // x= not after t=
)

// Error is why a signature or key was not accepted: a Code, the tag at fault
// when there is one, and a sentence for the reader.
type Error struct {
	Code   Code
	Tag    string
	Reason string
}

func (e *Error) Error() string { return e.Reason }

// Result is the verdict on one DKIM-Signature field, with the facts behind
// it. The first six JSON fields are a public interface.
type Result struct {
	Domain    string `json:"domain"`
	Selector  string `json:"selector"`
	Algorithm string `json:"algorithm"`
	// Result is an RFC 8601 result word: pass, fail, neutral, policy,
	// temperror or permerror.
	Result result.Result `json:"result"`
	// Reason says in plain words why, and what the reader can do.
	Reason string `json:"reason"`
	// KeyBits is the size of the public key; 0 when no key was found.
	KeyBits int `json:"key_bits"`

	// Code is the stable machine reason; see the Code constants.
	Code Code `json:"code"`
	// Warnings are things that did not fail the signature but matter, most
	// important first. In JSON they are two lists in the same order,
	// "warnings" (the sentences) and "warning_codes".
	Warnings []Warning `json:"-"`

	// Index counts DKIM-Signature fields from the top of the message, from 0.
	Index int `json:"index"`
	// Field is the DKIM-Signature field as it stands in the message.
	Field string `json:"field"`
	// B is the b= value without white space, by which a receiver's
	// Authentication-Results names the signature it is about (header.b,
	// RFC 6008 section 4).
	B string `json:"-"`

	Canonicalization string   `json:"canonicalization,omitempty"`
	Identity         string   `json:"identity,omitempty"`
	IdentityAligned  bool     `json:"identity_aligned"`
	SignedHeaders    []string `json:"signed_headers,omitempty"`
	// UnsignedDuplicates names signed fields that occur more often in the
	// message than h= covers: the extra instances are not signed.
	UnsignedDuplicates []string `json:"unsigned_duplicates,omitempty"`

	Timestamp  *time.Time `json:"timestamp,omitempty"`  // t=
	Expiration *time.Time `json:"expiration,omitempty"` // x=
	// JudgedAt says which moment the times were judged against for the
	// result word: "receipt" when the time of receipt is known, else "now".
	JudgedAt         string `json:"judged_at,omitempty"`
	ExpiredNow       bool   `json:"expired_now"`
	ExpiredAtReceipt bool   `json:"expired_at_receipt"`
	FutureNow        bool   `json:"future_now"`
	FutureAtReceipt  bool   `json:"future_at_receipt"`

	Key *Key `json:"key,omitempty"`

	// BodyChecked is true when the body was read and its hash computed.
	BodyChecked bool `json:"body_checked"`
	// BodyHashExpected is bh= and BodyHashComputed the hash of the body as
	// received, both base64; both are present whenever the body was read.
	BodyHashExpected string `json:"body_hash_expected,omitempty"`
	BodyHashComputed string `json:"body_hash_computed,omitempty"`
	BodyHashMatches  bool   `json:"body_hash_matches"`
	// SignatureValid says whether the b= signature over the header fields
	// verified with the key: nil when it could not be checked (no key, a
	// malformed field). It is reported even when the result is not pass, so
	// that an expired or sha1 signature still says whether it is intact.
	SignatureValid *bool `json:"signature_valid,omitempty"`

	// BodyLength is l=, the number of canonical body bytes signed.
	BodyLength *int64 `json:"body_length,omitempty"`
	// CanonicalBodyBytes is the length of the whole canonical body.
	CanonicalBodyBytes int64 `json:"canonical_body_bytes,omitempty"`
	// UnsignedBytes counts the canonical body bytes after the first l=, which
	// the signature does not cover; UnsignedText holds the first 64 KiB of
	// them (canonical form) for display.
	UnsignedBytes     int64  `json:"unsigned_bytes,omitempty"`
	UnsignedText      string `json:"unsigned_text,omitempty"`
	UnsignedTruncated bool   `json:"unsigned_truncated,omitempty"`

	// Forensics says what changed after signing, for a signature that does
	// not pass: each common change undone in turn, and what the message
	// shows (see Forensic). Always a list in JSON, [] when nothing was
	// found or the signature passes.
	Forensics Findings `json:"forensics"`
	// KeyChanged is set when a key archive holds another key for this
	// signature's key name than the one published today.
	KeyChanged *KeyChange `json:"key_changed,omitempty"`
}

// Warning is one thing that did not fail a signature but that a reader must
// know: a stable code and a sentence.
type Warning struct {
	Code Code
	Text string
}

func (r *Result) warn(code Code, text string) {
	r.Warnings = append(r.Warnings, Warning{Code: code, Text: text})
}

// HasWarning says whether one of r's warnings has the code c.
func (r *Result) HasWarning(c Code) bool {
	for _, w := range r.Warnings {
		if w.Code == c {
			return true
		}
	}
	return false
}

// resultJSON is the JSON form of a Result: its fields, with the warnings as
// the two parallel lists that the report has always carried.
type resultJSON struct {
	*plainResult
	Warnings     []string `json:"warnings,omitempty"`
	WarningCodes []Code   `json:"warning_codes,omitempty"`
}

type plainResult Result

// MarshalJSON writes the warnings as "warnings" and "warning_codes".
func (r *Result) MarshalJSON() ([]byte, error) {
	out := resultJSON{plainResult: (*plainResult)(r)}
	for _, w := range r.Warnings {
		out.Warnings = append(out.Warnings, w.Text)
		out.WarningCodes = append(out.WarningCodes, w.Code)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Result) UnmarshalJSON(b []byte) error {
	in := resultJSON{plainResult: (*plainResult)(r)}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	r.Warnings = nil
	for i, text := range in.Warnings {
		w := Warning{Text: text}
		if i < len(in.WarningCodes) {
			w.Code = in.WarningCodes[i]
		}
		r.Warnings = append(r.Warnings, w)
	}
	return nil
}
