package arc

import (
	"crypto"
	"errors"
	"io"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// suspect notes the ARC-Message-Signature of set i for forensics when its
// body hash or its header signature fails.
func (v *validator) suspect(i int, pub crypto.PublicKey, bodyFailed, headerFailed bool) {
	if bodyFailed || headerFailed {
		s := v.newSuspect(i)
		s.Key, s.BodyFailed, s.HeaderFailed = pub, bodyFailed, headerFailed
		v.suspects[i] = s
	}
}

func (v *validator) newSuspect(i int) *dkim.Suspect {
	set := v.sets[i]
	sig := set.Signature
	name, _ := dkim.LookupName(sig.Selector, sig.Domain)
	return &dkim.Suspect{Name: "arc-message-signature", Field: set.AMS, Algorithm: sig.Algorithm, Signature: sig.Signature, BodyHash: sig.BodyHash,
		HeaderCanon: sig.HeaderCanon, BodyCanon: sig.BodyCanon, Headers: sig.Headers, Length: sig.Length, Domain: sig.Domain, KeyName: name}
}

// investigate runs forensics on every ARC-Message-Signature that fails, or
// whose key is gone today, and says in its reason what would make it
// verify.
func (v *validator) investigate(res *Result) {
	for i, set := range v.sets {
		if v.suspects[i] != nil || res.Instances[i].AMSResult != result.PermError || set.Signature == nil || set.SignatureErr != nil {
			continue
		}
		k, _, err := v.key(set.Signature.Selector, set.Signature.Domain)
		var de *dkim.Error
		if errors.As(err, &de) && de.Code == dkim.CodeKeyNotFound || err == nil && k != nil && (k.Revoked || k.Type != set.Signature.Algorithm.KeyType()) {
			s := v.newSuspect(i)
			s.KeyGone = true
			v.suspects[i] = s
		}
	}
	var order []int
	var suspects []*dkim.Suspect
	for i := range v.sets {
		if s := v.suspects[i]; s != nil {
			order, suspects = append(order, i), append(suspects, s)
		}
	}
	if len(suspects) == 0 {
		return
	}
	var body func() io.Reader
	if v.m.HasBody {
		body = v.m.Body
	}
	for n, f := range dkim.Investigate(v.ctx, v.m.Header, body, suspects, v.history) {
		in, s := res.Instances[order[n]], suspects[n]
		in.Forensics = f
		if why := f.Explain(s); why != "" {
			in.AMSReason += ". " + why
		}
	}
}
