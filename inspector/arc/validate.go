package arc

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Validate checks the ARC chain of m as RFC 8617 section 5.2 says, looking
// keys up through r. It always returns a Result: none when the message has
// no ARC fields, fail with the instance and reason of the first break, pass
// when every seal and the newest message signature verify, temperror when a
// key could not be fetched and nothing failed.
//
// Beyond what the RFC needs for the verdict, it verifies every set's
// ARC-Message-Signature and every seal it can, so that each instance shows
// its own results.
func Validate(ctx context.Context, r resolver.Resolver, m *message.Message) *Result {
	return ValidateRecorded(ctx, r, m, nil)
}

// ValidateRecorded is Validate with the ARC-Authentication-Results fields
// taken from rec, as recorded.Read parsed them for the whole report, so
// that each is parsed once. A nil rec reads them from m.
func ValidateRecorded(ctx context.Context, r resolver.Resolver, m *message.Message, rec *recorded.Fields) *Result {
	return ValidateHistory(ctx, r, m, rec, nil)
}

// ValidateHistory is ValidateRecorded with a history of keys (a key
// archive), which forensics tries on an ARC-Message-Signature that fails.
func ValidateHistory(ctx context.Context, r resolver.Resolver, m *message.Message, rec *recorded.Fields, history dkim.KeyHistory) *Result {
	res := &Result{Instances: []*Instance{}}
	if m == nil {
		res.Result, res.Code, res.Reason = result.None, CodeNotAMessage, "there is no message to check"
		return res
	}
	sets, err := parseSets(m, rec)
	for _, s := range sets {
		res.Instances = append(res.Instances, describe(s))
	}
	if len(sets) == 0 && err == nil {
		res.Result, res.Code = result.None, CodeNoChain
		res.Reason = "the message has no ARC fields: no forwarding intermediary vouched for it (most messages have none)"
		return res
	}
	v := &validator{ctx: ctx, r: r, m: m, sets: sets, keys: map[string]*keyLookup{}, history: history, suspects: map[int]*dkim.Suspect{}}
	v.verifyAMSAll(res)
	v.investigate(res)
	if err != nil {
		se := err.(*StructureError)
		res.fail(CodeStructure, se.Instance, "the ARC sets do not form a chain: "+se.Msg)
		return res
	}
	v.verifySealsAll(res)
	v.judge(res)
	return res
}

// describe fills the display part of an instance from its set.
func describe(s *Set) *Instance {
	in := &Instance{Instance: s.Instance, AAR: s.Results, Saw: saw(s.Results)}
	if t := s.SealTags; t != nil {
		in.Domain, in.Selector, in.CV = t.Domain, t.Selector, t.CV
		if !t.Timestamp.IsZero() {
			ts := t.Timestamp
			in.Sealed = &ts
		}
	}
	if a := s.Signature; a != nil && (a.Domain != in.Domain || a.Selector != in.Selector) {
		in.AMSDomain, in.AMSSelector = a.Domain, a.Selector
	}
	return in
}

type validator struct {
	ctx  context.Context
	r    resolver.Resolver
	m    *message.Message
	sets []*Set
	keys map[string]*keyLookup
	// history and suspects are for forensics (forensics.go).
	history  dkim.KeyHistory
	suspects map[int]*dkim.Suspect
}

type keyLookup struct {
	key *dkim.Key
	err error
}

// key fetches the key of a selector and domain once per validation.
func (v *validator) key(selector, domain string) (*dkim.Key, string, error) {
	name, err := dkim.LookupName(selector, domain)
	if err != nil {
		return nil, "", err
	}
	if l, ok := v.keys[name]; ok {
		return l.key, name, l.err
	}
	k, err := dkim.LookupKey(v.ctx, v.r, name)
	v.keys[name] = &keyLookup{k, err}
	return k, name, err
}

// usableKey fetches the key for a signature and checks that it can verify
// it: published, not revoked, of the algorithm's type, at least 1024 bits
// for RSA (RFC 8301), allowing the hash and the email service.
func (v *validator) usableKey(algo dkim.Algorithm, selector, domain string) (crypto.PublicKey, int, result.Result, string) {
	k, name, err := v.key(selector, domain)
	if err != nil {
		var de *dkim.Error
		if errors.As(err, &de) && de.Code == dkim.CodeDNSError {
			return nil, 0, result.TempError, de.Reason
		}
		return nil, 0, result.PermError, err.Error()
	}
	switch {
	case k.Revoked:
		return nil, 0, result.PermError, fmt.Sprintf("the key at %s is revoked (its p= is empty)", name)
	case k.Type != algo.KeyType():
		return nil, k.Bits, result.PermError, fmt.Sprintf("the key at %s is an %s key, but the signature uses %s", name, k.Type, algo)
	}
	if rk, ok := k.Public.(*rsa.PublicKey); ok && rk.N.BitLen() < 1024 {
		return nil, k.Bits, result.PermError, fmt.Sprintf("the key at %s has only %d bits; RFC 8301 requires at least 1024, since shorter keys can be broken", name, rk.N.BitLen())
	}
	if len(k.Hashes) > 0 && !contains(k.Hashes, strings.TrimPrefix(string(algo), k.Type+"-")) {
		return nil, k.Bits, result.PermError, fmt.Sprintf("the key at %s does not allow the hash of %s (h=%s)", name, algo, strings.Join(k.Hashes, ":"))
	}
	if len(k.Services) > 0 && !contains(k.Services, "*") && !contains(k.Services, "email") {
		return nil, k.Bits, result.PermError, fmt.Sprintf("the key at %s is not for email (s=%s)", name, strings.Join(k.Services, ":"))
	}
	return k.Public, k.Bits, "", ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

type hasherKey struct {
	c     dkim.Canonicalization
	limit int64
}

// verifyAMSAll verifies the ARC-Message-Signature of every set, hashing the
// body once for all of them.
func (v *validator) verifyAMSAll(res *Result) {
	hashers := map[hasherKey]*dkim.BodyHasher{}
	var writers []io.Writer
	if v.m.HasBody {
		for _, s := range v.sets {
			if s.Signature == nil || s.SignatureErr != nil {
				continue
			}
			hk := hasherKey{s.Signature.BodyCanon, s.Signature.Length}
			if hashers[hk] != nil {
				continue
			}
			if h, err := dkim.NewBodyHasher(hk.c, crypto.SHA256, hk.limit); err == nil {
				hashers[hk] = h
				writers = append(writers, h)
			}
		}
	}
	var bodyErr error
	if len(writers) > 0 {
		_, bodyErr = io.Copy(io.MultiWriter(writers...), message.ContextReader(v.ctx, v.m.Body()))
	}
	for i, s := range v.sets {
		in := res.Instances[i]
		switch {
		case s.AMS < 0:
			in.AMSResult, in.AMSReason = result.PermError, "the set has no ARC-Message-Signature"
			continue
		case s.SignatureErr != nil:
			in.AMSResult, in.AMSReason = result.PermError, "the ARC-Message-Signature cannot be read: "+s.SignatureErr.Error()
			continue
		}
		sig := s.Signature
		if sig.Instance != s.Instance {
			in.AMSResult, in.AMSReason = result.PermError, "the ARC-Message-Signature has two i= values"
			continue
		}
		pub, bits, word, why := v.usableKey(sig.Algorithm, sig.Selector, sig.Domain)
		in.AMSKeyBits = bits
		if word != "" {
			in.AMSResult, in.AMSReason = word, why
			continue
		}
		bodyOK, bodyChecked := false, false
		if h := hashers[hasherKey{sig.BodyCanon, sig.Length}]; h != nil && bodyErr == nil {
			bodyChecked = true
			bodyOK = subtle.ConstantTimeCompare(h.Sum(), sig.BodyHash) == 1
		}
		input, err := dkim.HeaderHashInput(sig.HeaderCanon, v.m.Header, sig.Headers, s.AMS)
		if err != nil {
			in.AMSResult, in.AMSReason = result.PermError, err.Error()
			continue
		}
		hashed := sig.Algorithm.Hash().New()
		hashed.Write(input)
		headerOK := dkim.VerifySignature(pub, sig.Algorithm, hashed.Sum(nil), sig.Signature) == nil
		v.suspect(i, pub, bodyChecked && !bodyOK, !headerOK)
		if bodyChecked && !bodyOK && v.m.NoSeparator {
			// The file ends in its header: most likely a header saved
			// without its body, which nothing in the file can tell from a
			// body removed on the way. As DKIM does, leave it unchecked.
			bodyChecked = false
		}
		switch {
		case bodyChecked && !bodyOK:
			in.AMSResult = result.Fail
			in.AMSReason = fmt.Sprintf("the body was changed after %s signed it (body hash mismatch)", sig.Domain)
		case !headerOK:
			in.AMSResult = result.Fail
			in.AMSReason = fmt.Sprintf("the signature of %s does not verify: a signed header field (%s) was changed after it signed", sig.Domain, strings.Join(sig.Headers, ", "))
		case !bodyChecked:
			in.AMSResult, in.BodyUnchecked = result.Pass, true
			in.AMSReason = fmt.Sprintf("the signed header fields are as %s signed them; the body could not be checked (%s)", sig.Domain, bodyUnavailable(v.m, bodyErr))
		default:
			in.AMSResult = result.Pass
			in.AMSReason = fmt.Sprintf("the header fields and body are as %s signed them", sig.Domain)
			if res.OldestPass == 0 {
				res.OldestPass = s.Instance
			}
		}
	}
}

func bodyUnavailable(m *message.Message, err error) string {
	switch {
	case !m.HasBody:
		return "only the header is available"
	case m.NoSeparator:
		return "the file ends in its header, so its body may not have been saved"
	}
	if err != nil {
		return "reading it failed: " + err.Error()
	}
	return "it was not read"
}

// verifySealsAll verifies every ARC-Seal: the seal of instance i covers
// the ARC sets 1 to i, each AAR, AMS and seal in turn, in relaxed
// canonicalisation, its own b= emptied (RFC 8617 section 5.1.1).
func (v *validator) verifySealsAll(res *Result) {
	for i, s := range v.sets {
		in := res.Instances[i]
		seal := s.SealTags
		if s.SealErr != nil {
			in.SealResult, in.SealReason = result.PermError, "the ARC-Seal cannot be read: "+s.SealErr.Error()
			continue
		}
		if seal.Instance != s.Instance {
			in.SealResult, in.SealReason = result.PermError, "the ARC-Seal has two i= values"
			continue
		}
		pub, bits, word, why := v.usableKey(seal.Algorithm, seal.Selector, seal.Domain)
		in.SealKeyBits = bits
		if word != "" {
			in.SealResult, in.SealReason = word, why
			continue
		}
		input, err := sealInput(v.m.Header, v.sets[:i+1])
		if err != nil {
			in.SealResult, in.SealReason = result.PermError, err.Error()
			continue
		}
		hashed := seal.Algorithm.Hash().New()
		hashed.Write(input)
		if dkim.VerifySignature(pub, seal.Algorithm, hashed.Sum(nil), seal.Signature) != nil {
			which := "of instance 1"
			if s.Instance > 1 {
				which = fmt.Sprintf("of instances 1 to %d", s.Instance)
			}
			in.SealResult = result.Fail
			in.SealReason = fmt.Sprintf("the seal of %s does not verify: an ARC field %s was changed, added or removed after %s sealed the chain",
				seal.Domain, which, seal.Domain)
			continue
		}
		in.SealResult = result.Pass
		in.SealReason = fmt.Sprintf("the ARC fields of instances 1 to %d are as %s sealed them", s.Instance, seal.Domain)
		if s.Instance == 1 {
			in.SealReason = fmt.Sprintf("the ARC fields of instance 1 are as %s sealed them", seal.Domain)
		}
	}
}

// sealInput is what the seal of the last of sets signs.
func sealInput(header []message.Field, sets []*Set) ([]byte, error) {
	var buf bytes.Buffer
	for i, s := range sets {
		buf.Write(dkim.CanonicalizeHeader(dkim.Relaxed, header[s.AAR].Raw))
		buf.Write(dkim.CanonicalizeHeader(dkim.Relaxed, header[s.AMS].Raw))
		if i < len(sets)-1 {
			buf.Write(dkim.CanonicalizeHeader(dkim.Relaxed, header[s.Seal].Raw))
			continue
		}
		stripped, err := dkim.StripSignature(header[s.Seal].Raw)
		if err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimSuffix(dkim.CanonicalizeHeader(dkim.Relaxed, stripped), []byte("\r\n")))
	}
	return buf.Bytes(), nil
}

// judge applies RFC 8617 section 5.2 to the per-instance results: the first
// failure in the RFC's order decides; a DNS failure gives temperror only
// when nothing failed outright.
func (v *validator) judge(res *Result) {
	n := len(v.sets)
	newest, last := v.sets[n-1], res.Instances[n-1]
	// Step 2: the newest sealer already found the chain broken.
	if newest.SealTags != nil && newest.SealTags.CV == "fail" {
		res.fail(CodeSealedFail, n, fmt.Sprintf("the newest intermediary (%s, instance %d) already found the chain broken and sealed it with cv=fail",
			orUnknown(newest.SealTags.Domain), n))
		return
	}
	// A seal that cannot be read makes the set's form invalid (step 1).
	for i, s := range v.sets {
		if s.SealErr != nil {
			res.fail(CodeMalformed, s.Instance, fmt.Sprintf("the ARC-Seal of instance %d is malformed: %s", s.Instance, res.Instances[i].SealReason))
			return
		}
	}
	// Step 3: cv values.
	for _, s := range v.sets {
		want := "pass"
		if s.Instance == 1 {
			want = "none"
		}
		if s.SealTags.CV != want {
			res.fail(CodeBadCV, s.Instance, fmt.Sprintf("the ARC-Seal of instance %d says cv=%s, but it must say cv=%s (%s)", s.Instance, s.SealTags.CV, want,
				map[bool]string{true: "the first set has no chain before it", false: "a set is only added to a chain that validated"}[s.Instance == 1]))
			return
		}
	}
	temp := ""
	// Step 4: the newest ARC-Message-Signature.
	switch last.AMSResult {
	case result.Pass:
	case result.TempError:
		temp = fmt.Sprintf("the key of the newest ARC-Message-Signature could not be fetched: %s", last.AMSReason)
	case result.Fail:
		res.fail(CodeAMSFailed, n, fmt.Sprintf("the message was changed after the newest intermediary (%s, instance %d) signed it: %s",
			orUnknown(newest.Signature.Domain), n, last.AMSReason))
		return
	default:
		code := CodeMalformed
		if newest.SignatureErr == nil {
			code = CodeKeyProblem
		}
		res.fail(code, n, fmt.Sprintf("the ARC-Message-Signature of instance %d cannot be verified: %s", n, last.AMSReason))
		return
	}
	// Step 6: every seal, newest first.
	for i := n - 1; i >= 0; i-- {
		in := res.Instances[i]
		switch in.SealResult {
		case result.Pass:
		case result.TempError:
			if temp == "" {
				temp = fmt.Sprintf("the key of the seal of instance %d could not be fetched: %s", in.Instance, in.SealReason)
			}
		case result.Fail:
			res.fail(CodeSealFailed, in.Instance, in.SealReason)
			return
		default:
			res.fail(CodeKeyProblem, in.Instance, fmt.Sprintf("the seal of instance %d cannot be verified: %s", in.Instance, in.SealReason))
			return
		}
	}
	if temp != "" {
		res.Result, res.Code, res.Reason = result.TempError, CodeDNSError, "the ARC chain could not be checked: "+temp+". Try again later."
		for _, in := range res.Instances {
			in.Reason = instanceReason(in)
		}
		return
	}
	res.Result, res.Code = result.Pass, CodeValid
	var who []string
	for _, in := range res.Instances {
		who = append(who, in.Domain)
	}
	sets := "1 set"
	if n > 1 {
		sets = fmt.Sprintf("%d sets", n)
	}
	res.Reason = fmt.Sprintf("the ARC chain of %s validates: every seal holds (%s) and the message is unchanged since the newest intermediary signed it",
		sets, strings.Join(who, ", "))
	if last.BodyUnchecked {
		res.Code = CodeBodyNotChecked
		res.Reason += ", as far as the header shows: the body was not available to check"
	}
	res.Reason += "."
	for _, in := range res.Instances {
		in.Reason = instanceReason(in)
	}
}

// fail records the first break of the chain.
func (r *Result) fail(code string, instance int, why string) {
	r.Result, r.Code, r.FailedInstance = result.Fail, code, instance
	r.Reason = strings.TrimSuffix(why, ".") + ". A receiver ignores this chain, so what the intermediaries vouched for cannot be relied on."
	for _, in := range r.Instances {
		in.Reason = instanceReason(in)
		if in.Instance == instance {
			in.Reason = strings.TrimSuffix(why, ".") + "."
		}
	}
}

func instanceReason(in *Instance) string {
	who := orUnknown(in.Domain)
	switch {
	case in.SealResult == result.Pass && in.AMSResult == result.Pass:
		return fmt.Sprintf("%s sealed the chain (cv=%s); its seal holds and the message is unchanged since it signed it.", who, in.CV)
	case in.SealResult == result.Pass && in.AMSResult == result.Fail:
		return fmt.Sprintf("%s sealed the chain (cv=%s); its seal holds, but its message signature does not (%s): the message was changed after it, "+
			"which later intermediaries may do.", who, in.CV, in.AMSReason)
	case in.SealResult == result.Pass:
		return fmt.Sprintf("%s sealed the chain (cv=%s); its seal holds, but its message signature could not be checked: %s.", who, in.CV, in.AMSReason)
	case in.SealResult == "":
		return fmt.Sprintf("%s added this set; its seal was not checked.", who)
	case in.SealResult == result.TempError:
		return fmt.Sprintf("%s added this set; its seal could not be checked: %s.", who, in.SealReason)
	default:
		return fmt.Sprintf("%s added this set, but its seal does not hold: %s.", who, in.SealReason)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "an unnamed intermediary"
	}
	return s
}
