package dkim

import (
	"crypto"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
)

// Algorithm is a signing algorithm, the a= tag.
type Algorithm string

// The algorithms this package verifies. rsa-sha1 is recognised and its
// signature checked, but RFC 8301 forbids accepting it.
const (
	RSASHA256     Algorithm = "rsa-sha256"
	RSASHA1       Algorithm = "rsa-sha1"
	Ed25519SHA256 Algorithm = "ed25519-sha256"
)

// KeyType is the key type the algorithm needs ("rsa", "ed25519"), or ""
// for an unknown algorithm.
func (a Algorithm) KeyType() string {
	switch a {
	case RSASHA256, RSASHA1:
		return "rsa"
	case Ed25519SHA256:
		return "ed25519"
	}
	return ""
}

// Hash is the hash function of the algorithm, or 0 for an unknown one.
func (a Algorithm) Hash() crypto.Hash {
	switch a {
	case RSASHA256, Ed25519SHA256:
		return crypto.SHA256
	case RSASHA1:
		return crypto.SHA1
	}
	return 0
}

// hashName is the name of the hash as a key record's h= writes it.
func (a Algorithm) hashName() string {
	_, h, _ := strings.Cut(string(a), "-")
	return h
}

// Canonicalization is a canonicalisation algorithm (RFC 6376 section 3.4).
type Canonicalization string

// The two canonicalisations RFC 6376 defines.
const (
	Simple  Canonicalization = "simple"
	Relaxed Canonicalization = "relaxed"
)

// Signature is a parsed DKIM-Signature field.
type Signature struct {
	Algorithm Algorithm
	// Signature (b=) and BodyHash (bh=) are decoded from base64.
	Signature []byte
	BodyHash  []byte
	// HeaderCanon and BodyCanon come from c=, simple when absent.
	HeaderCanon Canonicalization
	BodyCanon   Canonicalization
	// Domain (d=) and Selector (s=) as written; LookupName is where the key
	// is published, in lower case A-label form.
	Domain     string
	Selector   string
	LookupName string
	// Headers is h=, names as written.
	Headers []string
	// Identity is i= decoded (it is dkim-quoted-printable, RFC 6376 section
	// 3.5), or "@" followed by d= when i= is absent.
	Identity string
	// Length is l=, or -1 when absent.
	Length int64
	// QueryMethods is q=, ["dns/txt"] when absent.
	QueryMethods []string
	// Timestamp (t=) and Expiration (x=) are zero when absent.
	Timestamp  time.Time
	Expiration time.Time
	// CopiedHeaders is z=, the quoted-printable copies as written.
	CopiedHeaders []string
	// Tags is the whole tag list, unknown tags included.
	Tags Tags
}

// requiredTags are the tags RFC 6376 section 3.5 makes mandatory, in the
// order a missing one is reported.
var requiredTags = []string{"v", "a", "b", "bh", "d", "h", "s"}

// ParseSignature parses the value of a DKIM-Signature field: everything
// after the colon, folding included. It checks the syntax of every tag it
// knows and that the version, algorithm, canonicalisation and query method
// are ones this package supports. On error it still returns what it could
// read (domain, selector, algorithm), so that a report can name the
// signature; the error is an *Error with code malformed,
// unsupported_algorithm or unsupported_query_method.
//
// The checks that concern the message rather than the field (From signed, i=
// within d=) are in Check.
func ParseSignature(value string) (*Signature, error) {
	s := &Signature{Length: -1, HeaderCanon: Simple, BodyCanon: Simple, QueryMethods: []string{"dns/txt"}}
	tags, err := ParseTags(value)
	if err != nil {
		return s, malformed(err)
	}
	s.Tags = tags
	// Fill in the naming tags first, so that even a signature rejected below
	// can be reported by domain and selector.
	// These values have no whitespace in their grammar: take them as they
	// are (ParseTags trimmed them), so that "s=a b" is an error rather than
	// the selector "ab".
	s.Domain, _ = tags.Get("d")
	s.Selector, _ = tags.Get("s")
	if v, ok := tags.Get("a"); ok {
		s.Algorithm = Algorithm(v)
	}
	for _, name := range requiredTags {
		if _, ok := tags.Get(name); !ok {
			return s, &Error{Code: CodeMalformed, Tag: name, Reason: fmt.Sprintf("the required tag %s= is missing", name)}
		}
	}
	if v, _ := tags.Get("v"); v != "1" {
		return s, &Error{Code: CodeMalformed, Tag: "v", Reason: fmt.Sprintf("tag v=: the version is %q; only version 1 exists", clip(v))}
	}
	if s.Algorithm.KeyType() == "" {
		return s, &Error{Code: CodeUnsupportedAlgorithm, Tag: "a", Reason: fmt.Sprintf("the signing algorithm a=%s is not one this verifier knows (rsa-sha256, ed25519-sha256, rsa-sha1)", clip(string(s.Algorithm)))}
	}
	if err := domain.CheckHostname(s.Domain); err != nil {
		return s, tagError("d", err)
	}
	if err := domain.CheckHostname(s.Selector); err != nil {
		return s, tagError("s", err)
	}
	s.LookupName, err = LookupName(s.Selector, s.Domain)
	if err != nil {
		return s, &Error{Code: CodeMalformed, Tag: "d", Reason: "tag d= or s=: " + err.Error()}
	}
	if s.Signature, err = decodeBase64(tags, "b"); err != nil {
		return s, err
	}
	if s.BodyHash, err = decodeBase64(tags, "bh"); err != nil {
		return s, err
	}
	if n := s.Algorithm.Hash().Size(); len(s.BodyHash) != n {
		return s, &Error{Code: CodeMalformed, Tag: "bh", Reason: fmt.Sprintf("tag bh=: the body hash is %d bytes long, but a %s hash is %d", len(s.BodyHash), s.Algorithm.hashName(), n)}
	}
	h, _ := tags.Get("h")
	s.Headers = splitList(h)
	if len(s.Headers) == 0 {
		return s, &Error{Code: CodeMalformed, Tag: "h", Reason: "tag h=: the list of signed header fields is empty"}
	}
	for _, name := range s.Headers {
		if !ValidFieldName(name) {
			return s, &Error{Code: CodeMalformed, Tag: "h", Reason: fmt.Sprintf("tag h=: %q is not a header field name", clip(name))}
		}
	}
	if v, ok := tags.Get("c"); ok {
		hc, bc, slash := strings.Cut(v, "/")
		s.HeaderCanon = Canonicalization(hc)
		if slash {
			s.BodyCanon = Canonicalization(bc)
		}
		for _, c := range []Canonicalization{s.HeaderCanon, s.BodyCanon} {
			if c != Simple && c != Relaxed {
				return s, &Error{Code: CodeUnsupportedAlgorithm, Tag: "c", Reason: fmt.Sprintf("the canonicalisation c=%s is unknown (only simple and relaxed exist)", clip(v))}
			}
		}
	}
	s.Identity = "@" + s.Domain
	if v, ok := tags.Get("i"); ok {
		// "jlong=40example.com" is jlong@example.com, and signers do
		// write it so.
		if s.Identity, err = decodeQuotedPrintable(v); err != nil {
			return s, tagError("i", err)
		}
		at := strings.LastIndexByte(s.Identity, '@')
		if at < 0 {
			return s, &Error{Code: CodeMalformed, Tag: "i", Reason: fmt.Sprintf("tag i=: %q has no @", clip(s.Identity))}
		}
		if err := domain.CheckHostname(s.Identity[at+1:]); err != nil {
			return s, tagError("i", err)
		}
	}
	if v, ok := tags.Get("l"); ok {
		s.Length, err = parseDigits(v, 76)
		if err != nil {
			return s, tagError("l", err)
		}
	}
	if v, ok := tags.Get("q"); ok {
		s.QueryMethods = splitList(v)
		found := false
		for _, m := range s.QueryMethods {
			// "dns/txt" may carry options after a slash in theory; none are
			// defined, so only the bare method is accepted.
			found = found || m == "dns/txt"
		}
		if !found {
			return s, &Error{Code: CodeUnsupportedQueryMethod, Tag: "q", Reason: fmt.Sprintf("the key query method q=%s is unknown; only dns/txt is defined", clip(v))}
		}
	}
	for _, tt := range []struct {
		name string
		t    *time.Time
	}{{"t", &s.Timestamp}, {"x", &s.Expiration}} {
		if v, ok := tags.Get(tt.name); ok {
			n, err := parseDigits(v, 12)
			if err != nil {
				return s, tagError(tt.name, err)
			}
			*tt.t = time.Unix(n, 0).UTC()
		}
	}
	if v, ok := tags.Get("z"); ok {
		for item := range strings.SplitSeq(stripFWS(v), "|") {
			s.CopiedHeaders = append(s.CopiedHeaders, item)
		}
	}
	return s, nil
}

// Check makes the checks of RFC 6376 section 6.1.1 that concern what the
// signature covers rather than its syntax: From must be among the signed
// fields, and the identity i= must be in the domain d= or a subdomain.
// It returns an *Error with code from_not_signed or identity_mismatch.
func (s *Signature) Check() error {
	from := false
	for _, h := range s.Headers {
		from = from || strings.EqualFold(h, "From")
	}
	if !from {
		return &Error{Code: CodeFromNotSigned, Tag: "h", Reason: "the signature does not cover the From field (h= does not list it), so it says nothing about who sent the message; RFC 6376 requires From to be signed"}
	}
	if !s.IdentityAligned() {
		return &Error{Code: CodeIdentityMismatch, Tag: "i", Reason: fmt.Sprintf("the identity i=%s is not in the signing domain d=%s or one of its subdomains, which RFC 6376 forbids", s.Identity, s.Domain)}
	}
	return nil
}

// IdentityAligned reports whether the domain of i= is d= or a subdomain of
// it.
func (s *Signature) IdentityAligned() bool {
	return domain.Within(s.identityDomain(), s.Domain)
}

func (s *Signature) identityDomain() string {
	return s.Identity[strings.LastIndexByte(s.Identity, '@')+1:]
}

func malformed(err error) *Error {
	if te, ok := err.(*TagError); ok {
		return &Error{Code: CodeMalformed, Tag: te.Tag, Reason: te.Error()}
	}
	return &Error{Code: CodeMalformed, Reason: err.Error()}
}

func tagError(tag string, err error) *Error {
	return &Error{Code: CodeMalformed, Tag: tag, Reason: "tag " + tag + "=: " + err.Error()}
}

func decodeBase64(tags Tags, name string) ([]byte, error) {
	v, _ := tags.Get(name)
	v = stripFWS(v)
	if v == "" {
		return nil, &Error{Code: CodeMalformed, Tag: name, Reason: fmt.Sprintf("tag %s=: the value is empty", name)}
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, &Error{Code: CodeMalformed, Tag: name, Reason: fmt.Sprintf("tag %s=: not valid base64 (%v)", name, err)}
	}
	return b, nil
}

// parseDigits reads a decimal number of at most max digits (RFC 6376 sets 12
// for times and 76 for l=). A number too large for int64 is clamped: no
// message or clock reaches it.
func parseDigits(v string, max int) (int64, error) {
	v = trimFWS(v)
	if v == "" || len(v) > max {
		return 0, fmt.Errorf("%q is not a number of 1 to %d digits", clip(v), max)
	}
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, fmt.Errorf("%q is not a decimal number", clip(v))
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return math.MaxInt64, nil
	}
	return n, nil
}

// LookupName is where the key of a DKIM or ARC signature is published
// (RFC 6376 section 3.6.2.1): selector._domainkey.domain, in lower case,
// with any UTF-8 labels converted to A-labels (RFC 8616 section 4). A
// trailing dot of the domain is dropped.
func LookupName(selector, d string) (string, error) {
	sel, ok := domain.ToASCII(selector)
	if !ok {
		return "", fmt.Errorf("the selector %q is not a valid internationalised name", clip(selector))
	}
	dom, ok := domain.ToASCII(strings.TrimSuffix(d, "."))
	if !ok {
		return "", fmt.Errorf("the domain %q is not a valid internationalised name", clip(d))
	}
	name := strings.ToLower(sel + "._domainkey." + dom)
	if len(name) > 253 {
		return "", fmt.Errorf("the key name %s._domainkey.%s is longer than 253 characters", clip(selector), clip(d))
	}
	return name, nil
}

// ValidFieldName checks a header field name (RFC 5322 ftext: printable
// ASCII except colon), as h= lists of DKIM and ARC signatures need.
func ValidFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 || s[i] == ':' {
			return false
		}
	}
	return true
}
