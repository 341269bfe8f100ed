package dkim

import (
	"cmp"
	"crypto"
	"crypto/rsa"
	"fmt"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// KeyHistory is what was published at key names before today: an archive
// of the DKIM and ARC keys seen in earlier checks.
type KeyHistory interface {
	// Keys returns the key records kept for name (selector._domainkey.
	// domain, lower case), the most recently seen first.
	Keys(name string) []ArchivedKey
}

// ArchivedKey is a key record seen before, and when.
type ArchivedKey struct {
	Record              string
	FirstSeen, LastSeen time.Time
}

// MaxArchivedKeys bounds how many keys of the history are tried on one
// signature.
const MaxArchivedKeys = 4

// KeyChange says that the key published at a signature's key name is not
// the one last seen there: "Key changed since you last saw this sender".
type KeyChange struct {
	// Name is where the key is published.
	Name string `json:"name"`
	// Now is what is published there today: "replaced" (another key),
	// "removed" (none) or "revoked" (an empty p=).
	Now string `json:"now"`
	// The key seen before, and when it was seen first and last.
	PreviousRecord    string    `json:"previous_record"`
	PreviousFirstSeen time.Time `json:"previous_first_seen"`
	PreviousLastSeen  time.Time `json:"previous_last_seen"`
	// Text says it in a sentence.
	Text string `json:"text"`
}

// noteKeyChange sets KeyChanged when the history's last key at the
// signature's key name is not the one published today.
func (c *check) noteKeyChange(h KeyHistory) {
	if h == nil {
		return
	}
	now := ""
	switch {
	case c.keyErr != nil && c.keyErr.Code == CodeKeyNotFound:
		now = "removed"
	case c.keyErr != nil || c.key == nil:
		return
	case c.key.Revoked:
		now = "revoked"
	}
	past := h.Keys(c.sig.LookupName)
	if len(past) == 0 {
		return
	}
	prev := past[0]
	if now == "" {
		old, err := ParseKey(prev.Record)
		if err != nil || old.Public == nil || sameKey(old.Public, c.key.Public) {
			return
		}
		now = "replaced"
	}
	what := map[string]string{
		"replaced": "another key is published there now",
		"removed":  "no key is published there now",
		"revoked":  "the key has been revoked since",
	}[now]
	c.res.KeyChanged = &KeyChange{Name: c.sig.LookupName, Now: now, PreviousRecord: prev.Record, PreviousFirstSeen: prev.FirstSeen, PreviousLastSeen: prev.LastSeen,
		Text: fmt.Sprintf("Key changed since you last saw this sender: the key at %s was last seen on %s, and %s.", c.sig.LookupName, day(prev.LastSeen), what)}
}

func sameKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// archivedKeyVerifies tries the keys the history holds for the key name of
// s, other than today's: one that verifies b= shows that the key was
// replaced since signing.
func archivedKeyVerifies(header []message.Field, s *Suspect, history KeyHistory, stats *workStats) (Forensic, bool) {
	for i, k := range history.Keys(s.KeyName) {
		if i >= MaxArchivedKeys {
			break
		}
		key, err := ParseKey(k.Record)
		if err != nil || key.Public == nil || key.Type != s.Algorithm.KeyType() || s.Key != nil && sameKey(key.Public, s.Key) {
			continue
		}
		if rk, ok := key.Public.(*rsa.PublicKey); ok && rk.N.BitLen() < 1024 {
			continue
		}
		stats.verifications++
		if !headerVerifies(header, s.Field, s, key.Public) {
			continue
		}
		today := "the key published there today is another one"
		if s.KeyGone {
			today = "no key that could verify it is published there today (it was removed, revoked or replaced by one of another type)"
		}
		seen := fmt.Sprintf("the signature verifies with the key that %s published when it was seen from %s to %s (kept in your key archive)", s.KeyName, day(k.FirstSeen), day(k.LastSeen))
		return Forensic{Change: KeyRotated, Where: "header:" + s.Name, Confirmed: true,
			Detail: seen + "; " + today, seen: seen,
			undo: fmt.Sprintf("with the key that %s published on %s (from your key archive)", s.KeyName, day(k.LastSeen))}, true
	}
	return Forensic{}, false
}

// NoteDelivery adds, to each result that fails today for want of its key
// or because its header signature no longer verifies, while its body is
// intact, the dkim=pass that the receiving server recorded for it at
// delivery in trusted, its own Authentication-Results field: evidence
// that the key was replaced since (key_rotated, unconfirmed, unless the
// key archive confirmed it). The results it changes are copies; the
// others are returned as they are.
func NoteDelivery(results []*Result, trusted *recorded.Header) []*Result {
	if trusted == nil {
		return results
	}
	out, copied := results, false
	for _, m := range trusted.Results {
		if m.Method != "dkim" || m.Result != result.Pass {
			continue
		}
		for i, r := range out {
			if !deliveredPass(r, &m) {
				continue
			}
			if noted := noteDelivered(r, trusted.AuthservID); noted != nil {
				if !copied {
					out, copied = append([]*Result(nil), results...), true
				}
				out[i] = noted
			}
		}
	}
	return out
}

// deliveredPass says whether m, a dkim=pass, is about r and r fails in a
// way a replaced key explains.
func deliveredPass(r *Result, m *recorded.Method) bool {
	if r.Result == result.Pass || !strings.EqualFold(r.Domain, m.Domain()) {
		return false
	}
	if s := m.Get("header.s"); s != "" && !strings.EqualFold(s, r.Selector) {
		return false
	}
	if b := m.Get("header.b"); b != "" && !strings.HasPrefix(r.B, b) {
		return false
	}
	switch r.Code {
	case CodeKeyNotFound, CodeKeyRevoked, CodeSignatureMismatch:
	default:
		return false
	}
	return !(r.BodyChecked && !r.BodyHashMatches) && !r.Forensics.has(false)
}

// noteDelivered returns a copy of r with the recorded pass as evidence, or
// nil when a confirmed key_rotated already says it.
func noteDelivered(r *Result, by string) *Result {
	for _, f := range r.Forensics {
		if f.Change == KeyRotated {
			return nil
		}
	}
	by = cmp.Or(by, "the receiving server")
	name := r.Selector + "._domainkey." + r.Domain
	if r.Key != nil && r.Key.Name != "" {
		name = r.Key.Name
	}
	today := map[Code]string{
		CodeKeyNotFound:       "no key is published at " + name + " today",
		CodeKeyRevoked:        "the key at " + name + " is revoked today",
		CodeSignatureMismatch: "the key at " + name + " does not verify it today",
	}[r.Code]
	cp := *r
	cp.Forensics = append(append(Findings{}, r.Forensics...), Forensic{Change: KeyRotated, Where: "header:dkim-signature",
		Detail: fmt.Sprintf("%s recorded dkim=pass for this signature at delivery, but %s: the key was probably replaced since; no earlier key in the key archive confirms it", by, today)})
	cp.Reason = strings.TrimSpace(cp.Reason + fmt.Sprintf(" %s recorded a pass for this signature at delivery, so the key was probably replaced since.", capitalize(by)))
	return &cp
}
