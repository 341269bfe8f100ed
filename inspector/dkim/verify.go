package dkim

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// Options tune Verify.
type Options struct {
	// Now is the moment for judging x= and t= now; zero means time.Now().
	Now time.Time
	// Received is when the message was received (the date of the topmost
	// Received field, else Date); zero when unknown. When known, the result
	// word follows the signature's validity at that moment.
	Received time.Time
	// MaxSignatures is how many signatures to verify at most (default 20);
	// the rest are reported as skipped.
	MaxSignatures int
	// History, when set, holds the keys seen before at the signatures' key
	// names (a key archive): forensics tries them on a signature that fails
	// today, and Result.KeyChanged compares with them.
	History KeyHistory
}

// DefaultMaxSignatures bounds the work a message with many signatures can
// cause.
const DefaultMaxSignatures = 20

// ClockSkew is how far in the future a t= may be before the signature is
// judged "signed in the future": clocks of signers and receivers differ.
const ClockSkew = 5 * time.Minute

// Verify checks every DKIM-Signature field of m, in header order, and
// returns one Result per field (none when the message is not signed). The
// bodies of all signatures are hashed in a single pass over m.Body(), and
// keys are looked up through r concurrently with it. Verify does not stop
// at the first problem: every check that can be made is made, so that the
// Result can say, for example, that an expired signature is intact.
func Verify(ctx context.Context, r resolver.Resolver, m *message.Message, opts Options) []*Result {
	if m == nil {
		return nil
	}
	var body func() io.Reader
	if m.HasBody {
		body = m.Body
	}
	return verifyFields(ctx, r, m.Header, body, m.NoSeparator, opts)
}

// check gathers what is learnt about one signature before judging it.
type check struct {
	res      *Result
	field    int // index of the signature in the header
	sig      *Signature
	parseErr *Error // the field is unusable
	semErr   *Error // from_not_signed, identity_mismatch
	key      *Key
	keyErr   *Error
	hasher   *BodyHasher
	bodyErr  error
	// noSeparator: the file ended in its header, so the body hashed is
	// empty; cutOff: and the signature is not of an empty body, so the
	// file is taken for a header saved without its body, not a changed
	// message.
	noSeparator, cutOff bool
	valid               *bool // the header signature verified
}

type hasherKey struct {
	c     Canonicalization
	h     crypto.Hash
	limit int64
}

// verifyFields verifies the DKIM-Signature fields of header, and the body
// that body returns (nil for a message without one; noSeparator when the
// file ended in its header), in the steps of RFC 6376 section 6.1: read
// each signature field, get the keys while the body is hashed, then
// compute the header hashes and judge each signature, in header order.
func verifyFields(ctx context.Context, r resolver.Resolver, header []message.Field, body func() io.Reader, noSeparator bool, opts Options) []*Result {
	opts = opts.withDefaults()
	checks := readSignatures(header, opts.MaxSignatures)
	keys, looked := lookupKeys(ctx, r, checks)
	bodyErr := hashBodies(ctx, checks, body)
	looked.Wait()

	results := make([]*Result, len(checks))
	for n, c := range checks {
		if c.parseErr == nil {
			c.takeKey(keys[c.sig.LookupName])
			c.bodyErr, c.noSeparator = bodyErr, noSeparator
			c.verify(header)
		}
		c.judge(header, opts)
		results[n] = c.res
	}
	investigateChecks(ctx, checks, header, body, opts)
	return results
}

// withDefaults fills in the options left zero.
func (opts Options) withDefaults() Options {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxSignatures <= 0 {
		opts.MaxSignatures = DefaultMaxSignatures
	}
	return opts
}

// readSignatures parses every DKIM-Signature field of header, in order.
// Those beyond the first limit are not verified but reported as skipped: RFC
// 6376 section 6.1 lets a verifier bound the signatures it tries, so that
// one message cannot cause unbounded work.
func readSignatures(header []message.Field, limit int) []*check {
	var checks []*check
	for i, f := range header {
		if strings.EqualFold(fieldName(f), "DKIM-Signature") {
			checks = append(checks, readSignature(header, i, len(checks), limit))
		}
	}
	for _, c := range checks {
		if c.parseErr != nil && c.parseErr.Code == CodeSkipped {
			c.parseErr.Reason = fmt.Sprintf("not verified: the message has %d DKIM signatures and at most %d are checked, to bound the work one message can cause", len(checks), limit)
		}
	}
	return checks
}

// readSignature parses the field header[i], the n-th signature, and
// validates it (RFC 6376 section 6.1.1) unless it is beyond the first limit.
func readSignature(header []message.Field, i, n, limit int) *check {
	raw := string(header[i].Raw)
	c := &check{field: i, res: &Result{Index: n, Field: raw}}
	_, value, _ := strings.Cut(raw, ":")
	sig, err := ParseSignature(strings.TrimSuffix(value, "\r\n"))
	c.sig = sig
	c.describe(err == nil)
	switch {
	case n >= limit:
		c.parseErr = &Error{Code: CodeSkipped}
	case err != nil:
		c.parseErr = err.(*Error)
	default:
		if err := sig.Check(); err != nil {
			c.semErr = err.(*Error)
		}
	}
	return c
}

// keyLookup is the answer to one key lookup, shared by every signature
// that names the same key.
type keyLookup struct {
	key *Key
	err error
}

// lookupKeys starts getting the public key of each signature that parsed
// (RFC 6376 section 6.1.2), asking once for a name that several signatures
// share. The lookups are all answered when the WaitGroup is done.
func lookupKeys(ctx context.Context, r resolver.Resolver, checks []*check) (map[string]*keyLookup, *sync.WaitGroup) {
	lookups := map[string]*keyLookup{}
	var wg sync.WaitGroup
	for _, c := range checks {
		if c.parseErr != nil {
			continue
		}
		name := c.sig.LookupName
		if _, ok := lookups[name]; ok {
			continue
		}
		l := &keyLookup{}
		lookups[name] = l
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.key, l.err = LookupKey(ctx, r, name)
		}()
	}
	return lookups, &wg
}

// takeKey keeps the key found for the signature, or why none was.
func (c *check) takeKey(l *keyLookup) {
	c.key = l.key
	if l.err != nil {
		c.keyErr = l.err.(*Error)
	}
}

// hashBodies computes the body hashes of RFC 6376 section 3.7 for every
// signature that parsed, in a single pass over the body: one hasher for
// each canonicalisation, hash and l= in use. It returns the error of
// reading the body, if any.
func hashBodies(ctx context.Context, checks []*check, body func() io.Reader) error {
	if body == nil {
		return nil
	}
	var hashers []io.Writer
	byKey := map[hasherKey]*BodyHasher{}
	for _, c := range checks {
		if c.parseErr != nil {
			continue
		}
		hk := hasherKey{c.sig.BodyCanon, c.sig.Algorithm.Hash(), c.sig.Length}
		if byKey[hk] == nil {
			// ParseSignature admits only known canonicalisations and
			// hashes, so this cannot fail; if it did, the body would just
			// be reported as not checked.
			if h, err := NewBodyHasher(hk.c, hk.h, hk.limit); err == nil {
				byKey[hk] = h
				hashers = append(hashers, h)
			}
		}
		c.hasher = byKey[hk]
	}
	if len(hashers) == 0 {
		return nil
	}
	_, err := io.Copy(io.MultiWriter(hashers...), message.ContextReader(ctx, body()))
	for _, h := range byKey {
		h.Close()
	}
	return err
}

// describe copies the signature's tags into the result for display; only
// the naming tags when the field did not parse (complete false), as the
// others may be defaults rather than what the field says.
func (c *check) describe(complete bool) {
	s, res := c.sig, c.res
	res.Domain, res.Selector, res.Algorithm = s.Domain, s.Selector, string(s.Algorithm)
	if b, ok := s.Tags.Get("b"); ok {
		res.B = stripFWS(b)
	}
	if !complete {
		return
	}
	res.Canonicalization = string(s.HeaderCanon) + "/" + string(s.BodyCanon)
	res.Identity = s.Identity
	res.SignedHeaders = s.Headers
	if !s.Timestamp.IsZero() {
		t := s.Timestamp
		res.Timestamp = &t
	}
	if !s.Expiration.IsZero() {
		t := s.Expiration
		res.Expiration = &t
	}
	if s.Length >= 0 {
		l := s.Length
		res.BodyLength = &l
	}
	if len(s.BodyHash) > 0 {
		res.BodyHashExpected = base64.StdEncoding.EncodeToString(s.BodyHash)
	}
}

// verify does the cryptography: body hash and header signature.
func (c *check) verify(header []message.Field) {
	res := c.res
	res.IdentityAligned = c.sig.IdentityAligned()
	res.Key = c.key
	if c.key != nil {
		res.KeyBits = c.key.Bits
	}
	c.verifyBody()
	c.verifyHeader(header)
}

// verifyBody compares the hash of the body with bh=.
func (c *check) verifyBody() {
	res, sig := c.res, c.sig
	if c.hasher == nil || c.bodyErr != nil {
		return
	}
	sum := c.hasher.Sum()
	matches := subtle.ConstantTimeCompare(sum, sig.BodyHash) == 1
	if c.noSeparator && !matches {
		// RFC 6376 sections 3.4.3 and 3.4.4 hash a missing body as an
		// empty one, and this signature is not of one. A header saved
		// without its body looks the same, and is not a changed message.
		c.cutOff = true
		return
	}
	res.BodyChecked = true
	res.BodyHashComputed = base64.StdEncoding.EncodeToString(sum)
	res.BodyHashMatches = matches
	res.CanonicalBodyBytes = c.hasher.Length()
	if n := c.hasher.Unsigned(); n > 0 {
		text, trunc := c.hasher.UnsignedText()
		res.UnsignedBytes = n
		res.UnsignedText = strings.ToValidUTF8(string(text), "\uFFFD")
		res.UnsignedTruncated = trunc
	}
}

// verifyHeader checks the signature b= over the signed header fields with
// the key, when there is a usable one.
func (c *check) verifyHeader(header []message.Field) {
	sig := c.sig
	if c.keyErr != nil || c.key == nil || c.key.Public == nil {
		return
	}
	if c.key.Type != sig.Algorithm.KeyType() {
		return
	}
	if rk, ok := c.key.Public.(*rsa.PublicKey); ok && rk.N.BitLen() < 1024 {
		// Go's crypto/rsa refuses such keys, and they fail anyway.
		return
	}
	input, err := HeaderHashInput(sig.HeaderCanon, header, sig.Headers, c.field)
	if err != nil {
		return
	}
	h := sig.Algorithm.Hash().New()
	h.Write(input)
	ok := VerifySignature(c.key.Public, sig.Algorithm, h.Sum(nil), sig.Signature) == nil
	c.valid = &ok
	c.res.SignatureValid = &ok
}

// VerifySignature checks a signature b= over a header hash (the hash of
// HeaderHashInput's bytes with algo's hash function): RSASSA-PKCS1-v1_5 for
// rsa-*, and for ed25519-sha256 an Ed25519 signature of the hash itself, as
// RFC 8463 section 3 specifies.
func VerifySignature(pub crypto.PublicKey, algo Algorithm, hashed, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if algo.KeyType() != "rsa" {
			return fmt.Errorf("dkim: an RSA key cannot verify %s", algo)
		}
		return rsa.VerifyPKCS1v15(k, algo.Hash(), hashed, sig)
	case ed25519.PublicKey:
		if algo != Ed25519SHA256 {
			return fmt.Errorf("dkim: an ed25519 key cannot verify %s", algo)
		}
		if len(k) != ed25519.PublicKeySize || !ed25519.Verify(k, hashed, sig) {
			return errors.New("dkim: ed25519 signature does not verify")
		}
		return nil
	}
	return fmt.Errorf("dkim: unsupported public key type %T", pub)
}
