package dkim

import (
	"fmt"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// judge turns what check learnt into a result word, a code, a reason and
// warnings (RFC 6376 section 6.1). The first problem in the order below
// decides the result: the signature's own semantics and its key (6.1.1,
// 6.1.2), then the body (6.1.3), then the header signature and the times;
// the others that still matter become warnings.
func (c *check) judge(header []message.Field, opts Options) {
	if c.parseErr != nil {
		c.judgeUnparsed()
		return
	}
	expired, future := c.judgeTimes(opts)
	c.warnAll(header, opts, expired)
	v := c.keyVerdict()
	if v == nil {
		v = c.bodyVerdict()
	}
	if v == nil {
		v = c.signatureVerdict(opts, expired, future)
	}
	if v == nil {
		c.pass()
		return
	}
	c.set(v.word, v.code, v.reason)
	// Not a pass: keep the time and sha1 facts as warnings when they did not
	// decide the result.
	if v.code != CodeExpired && expired {
		c.res.warn(CodeExpired, fmt.Sprintf("the signature has also expired (x=%s)", stamp(c.sig.Expiration)))
	}
	if v.code != CodeSHA1 && c.sig.Algorithm == RSASHA1 {
		c.res.warn(CodeSHA1, "the signature uses rsa-sha1, which RFC 8301 forbids")
	}
}

// verdict is a result word with its code and reason.
type verdict struct {
	word   result.Result
	code   Code
	reason string
}

// judgeUnparsed judges a signature that could not be read, or was not
// read: it is neutral, as if absent (RFC 6376 section 6.1.1).
func (c *check) judgeUnparsed() {
	if c.parseErr.Code == CodeSkipped {
		c.set(result.Neutral, CodeSkipped, c.parseErr.Reason)
		return
	}
	why := "cannot be checked"
	if c.parseErr.Code == CodeMalformed {
		why += " because it is malformed"
	}
	c.set(result.Neutral, c.parseErr.Code, fmt.Sprintf("The DKIM signature%s %s: %s. Treat the message as if this signature were absent.", c.by(), why, c.parseErr.Reason))
}

// warnAll adds the facts that are warnings whatever the result, most
// important first.
func (c *check) warnAll(header []message.Field, opts Options, expired bool) {
	res, sig, key := c.res, c.sig, c.key
	for _, d := range c.unsignedDuplicates(header) {
		c.warnDuplicate(d)
	}
	if res.BodyChecked && sig.Length >= 0 {
		if n := c.hasher.Unsigned(); n > 0 {
			res.warn(CodeUnsignedContent, fmt.Sprintf("the signature covers only the first %d bytes of the body (l=%d); the %d bytes after them are not signed and anyone could have added them, for example a mailing-list footer or an attacker's text (shown as unsigned text)", sig.Length, sig.Length, n))
		} else if l := c.hasher.Length(); sig.Length > l && !res.BodyHashMatches {
			res.warn(CodeBodyTruncated, fmt.Sprintf("l=%d claims more body than the message has (%d canonical bytes): the body was probably shortened after signing", sig.Length, l))
		}
	}
	if why := c.uncheckedBody(); why != "" {
		res.warn(CodeBodyNotChecked, why)
	}
	if !expired && res.ExpiredNow {
		res.warn(CodeExpiredSinceDelivery, fmt.Sprintf("expired since delivery: the signature was valid when the message was received (%s) but expired at %s (x=); this is normal for old messages", stamp(opts.Received), stamp(sig.Expiration)))
	}
	if key != nil {
		c.warnKey()
	}
	if !sig.Expiration.IsZero() && !sig.Timestamp.IsZero() && !sig.Expiration.After(sig.Timestamp) {
		res.warn(CodeExpiresBeforeSigned, fmt.Sprintf("x= (%s) is not later than t= (%s): the signature was expired when it was made", stamp(sig.Expiration), stamp(sig.Timestamp)))
	}
}

// warnKey adds what is worth knowing about a usable key.
func (c *check) warnKey() {
	res, key := c.res, c.key
	if key.Testing {
		res.warn(CodeTesting, "the key is marked as testing (t=y): the domain asks receivers to treat its mail as unsigned whatever the result")
	}
	if key.Type == "rsa" && key.Bits >= 1024 && key.Bits < 2048 {
		res.warn(CodeWeakKey, fmt.Sprintf("the key is a %d-bit RSA key: still accepted, but weak; RFC 8301 asks for at least 2048 bits", key.Bits))
	}
	for _, w := range key.Warnings {
		res.warn(CodeKeyRecord, w)
	}
}

// keyVerdict is the verdict when the signature's own semantics or its key
// rule it out (RFC 6376 sections 6.1.1 and 6.1.2, RFC 8301), or nil.
func (c *check) keyVerdict() *verdict {
	sig, key, name := c.sig, c.key, c.sig.LookupName
	switch {
	case c.semErr != nil:
		return &verdict{result.PermError, c.semErr.Code, capitalize(c.semErr.Reason) + ". " + c.cryptoSummary()}
	case c.keyErr != nil && c.keyErr.Code == CodeDNSError:
		return &verdict{result.TempError, CodeDNSError, capitalize(c.keyErr.Reason) + "."}
	case c.keyErr != nil:
		return &verdict{result.PermError, c.keyErr.Code, capitalize(c.keyErr.Reason) + "."}
	case key.Revoked:
		return &verdict{result.PermError, CodeKeyRevoked, fmt.Sprintf("The key at %s has been revoked (its p= is empty): %s no longer vouches for signatures made with it. Old messages are often affected when a domain rotates its keys.", name, sig.Domain)}
	case !key.allowsEmail():
		return &verdict{result.PermError, CodeServiceNotAllowed, fmt.Sprintf("The key at %s is restricted to the service s=%s, not e-mail, so it cannot vouch for a message.", name, strings.Join(key.Services, ":"))}
	case key.Type != sig.Algorithm.KeyType():
		return &verdict{result.PermError, CodeKeyTypeMismatch, fmt.Sprintf("The signature uses %s, but the key at %s is an %s key (k=%s): the two do not belong together.", sig.Algorithm, name, key.Type, key.Type)}
	case !key.allowsHash(sig.Algorithm.hashName()):
		return &verdict{result.PermError, CodeHashNotAllowed, fmt.Sprintf("The key at %s allows only the hash algorithms h=%s, but the signature uses %s.", name, strings.Join(key.Hashes, ":"), sig.Algorithm.hashName())}
	case key.Strict && !strings.EqualFold(sig.identityDomain(), sig.Domain):
		return &verdict{result.PermError, CodeIdentityMismatch, fmt.Sprintf("The key at %s is marked strict (t=s), so the identity i=%s must be in %s itself, not in a subdomain. %s", name, sig.Identity, sig.Domain, c.cryptoSummary())}
	case key.Type == "rsa" && key.Bits < 1024:
		return &verdict{result.Fail, CodeKeyTooWeak, fmt.Sprintf("The key at %s is a %d-bit RSA key. Keys under 1024 bits can be broken, so RFC 8301 forbids accepting them; anyone could have made this signature.", name, key.Bits)}
	}
	return nil
}

// bodyVerdict is the verdict when the body decides (RFC 6376 section
// 6.1.3), or nil.
func (c *check) bodyVerdict() *verdict {
	res, sig := c.res, c.sig
	switch {
	case c.bodyErr != nil:
		return &verdict{result.TempError, CodeBodyUnreadable, fmt.Sprintf("The body of the message could not be read (%v), so the signature by %s could not be checked; try again.", c.bodyErr, sig.Domain)}
	case res.BodyChecked && res.BodyHashMatches && sig.Length > res.CanonicalBodyBytes:
		// RFC 6376 section 3.5: l= "MUST NOT be larger than the actual
		// number of octets in the canonicalized message body". The hash
		// matches, so the body was not shortened after signing.
		return &verdict{result.PermError, CodeLengthExceedsBody, fmt.Sprintf("The signature by %s says it covers the first %d bytes of the body (l=%d), but the body has only %d after canonicalisation. RFC 6376 (section 3.5) forbids an l= larger than the body, so the signature is invalid. Nothing was cut off after signing (the body hash matches the body as it is): the signer wrote a wrong length. %s", sig.Domain, sig.Length, sig.Length, res.CanonicalBodyBytes, c.cryptoSummary())}
	case res.BodyChecked && !res.BodyHashMatches:
		return &verdict{result.Fail, CodeBodyHashMismatch, fmt.Sprintf("The body was changed after %s signed it: its hash (%s) does not match the one in the signature (bh=%s). A mailing-list footer, a disclaimer added by a server, or a change of encoding on the way are the usual causes; the signature vouches for nothing now.", sig.Domain, res.BodyHashComputed, res.BodyHashExpected)}
	}
	return nil
}

// signatureVerdict is the verdict when the header signature, its algorithm
// (RFC 8301) or its times decide, or nil.
func (c *check) signatureVerdict(opts Options, expired, future bool) *verdict {
	sig, name := c.sig, c.sig.LookupName
	switch {
	case c.valid == nil:
		return &verdict{result.PermError, CodeSignatureMismatch, fmt.Sprintf("The signature could not be checked with the key at %s.", name)}
	case !*c.valid:
		return &verdict{result.Fail, CodeSignatureMismatch, fmt.Sprintf("The signature does not match the key at %s: the signed header fields (%s) were changed after signing, or the signature was made with another key.%s", name, strings.Join(sig.Headers, ", "), bodyNote(c.res))}
	case sig.Algorithm == RSASHA1:
		return &verdict{result.Fail, CodeSHA1, fmt.Sprintf("The signature uses rsa-sha1, which RFC 8301 forbids because SHA-1 collisions can be forged. %s", c.cryptoSummary())}
	case expired:
		return &verdict{result.PermError, CodeExpired, fmt.Sprintf("The signature expired at %s (x=), %s. %s", stamp(sig.Expiration), c.moment(opts), c.cryptoSummary())}
	case future:
		return &verdict{result.Neutral, CodeFuture, fmt.Sprintf("The signature says it was made at %s (t=), %s; a signer's clock that wrong, or a forged time, means the signature is ignored. %s", stamp(sig.Timestamp), c.momentFuture(opts), c.cryptoSummary())}
	}
	return nil
}

// pass sets the result of a signature that verified, with its most
// important warning as its code.
func (c *check) pass() {
	res, sig := c.res, c.sig
	signed := strings.Join(sig.Headers, ", ")
	reason := fmt.Sprintf("Valid signature by %s: the signed header fields (%s) and the body are exactly as %s signed them.", sig.Domain, signed, sig.Domain)
	if !res.BodyChecked {
		reason = fmt.Sprintf("The header signature by %s is valid: the signed header fields (%s) are as %s signed them, but the body was not available, so it was not checked.", sig.Domain, signed, sig.Domain)
	}
	code := CodeOK
	if len(res.Warnings) > 0 {
		code = res.Warnings[0].Code
		reason += " However, " + res.Warnings[0].Text + "."
	}
	c.set(result.Pass, code, reason)
}

// uncheckedBody says why the body hash was not checked, or "" if it was.
func (c *check) uncheckedBody() string {
	switch {
	case c.bodyErr != nil:
		return fmt.Sprintf("the body could not be read (%v): header signature checked only", c.bodyErr)
	case c.cutOff:
		return "the file ends after the header (no blank line, no body), but the signature is of a message with a body: the file is probably only the header of the message, so the body could not be checked; header signature checked only"
	case c.hasher == nil:
		return "body not available: header signature checked only"
	}
	return ""
}

func (c *check) set(word result.Result, code Code, reason string) {
	c.res.Result, c.res.Code, c.res.Reason = word, code, reason
}

func (c *check) by() string {
	if c.sig != nil && c.sig.Domain != "" {
		return " by " + c.sig.Domain
	}
	return ""
}

// cryptoSummary says whether the signature itself is intact, for results
// decided by something else (time, sha1, policy).
func (c *check) cryptoSummary() string {
	res := c.res
	switch {
	case c.valid == nil:
		return "The signature itself could not be checked."
	case !*c.valid:
		return "The signature itself does not verify either."
	case !res.BodyChecked:
		return "The header signature itself is intact (the body was not available to check)."
	case !res.BodyHashMatches:
		return "The header signature itself is intact, but the body has changed since signing."
	}
	return "The signature itself is intact: header fields and body are as signed."
}

func bodyNote(res *Result) string {
	if res.BodyChecked && res.BodyHashMatches {
		return " The body itself is unchanged."
	}
	return ""
}

// judgeTimes fills the time facts and says whether the signature counts as
// expired or from the future at the moment judged: receipt when known,
// else now.
func (c *check) judgeTimes(opts Options) (expired, future bool) {
	res, sig := c.res, c.sig
	now, rcv := opts.Now, opts.Received
	x, t := sig.Expiration, sig.Timestamp
	res.ExpiredNow = !x.IsZero() && now.After(x)
	res.FutureNow = !t.IsZero() && t.After(now.Add(ClockSkew))
	if rcv.IsZero() {
		res.JudgedAt = "now"
		return res.ExpiredNow, res.FutureNow
	}
	res.JudgedAt = "receipt"
	res.ExpiredAtReceipt = !x.IsZero() && rcv.After(x)
	res.FutureAtReceipt = !t.IsZero() && t.After(rcv.Add(ClockSkew))
	return res.ExpiredAtReceipt, res.FutureAtReceipt
}

func (c *check) moment(opts Options) string {
	if opts.Received.IsZero() {
		return fmt.Sprintf("before now (%s); the time the message was received is unknown, so it is judged against the current time", stamp(opts.Now))
	}
	return fmt.Sprintf("before the message was received (%s)", stamp(opts.Received))
}

func (c *check) momentFuture(opts Options) string {
	if opts.Received.IsZero() {
		return fmt.Sprintf("which is later than now (%s); the time the message was received is unknown, so it is judged against the current time", stamp(opts.Now))
	}
	return fmt.Sprintf("later than the message was received (%s)", stamp(opts.Received))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// repeatable are fields that legitimately occur more often than a signature
// covers them, because servers add instances after signing.
var repeatable = map[string]bool{
	"received": true, "x-received": true, "delivered-to": true,
	"dkim-signature": true, "authentication-results": true, "received-spf": true,
	"arc-seal": true, "arc-message-signature": true, "arc-authentication-results": true,
	"comments": true, "keywords": true,
}

type duplicate struct {
	name            string
	present, signed int
}

// unsignedDuplicates finds signed fields that occur more often in the
// message than h= covers them: the extra (topmost) instances were not
// signed, and a reader may be shown one of them.
func (c *check) unsignedDuplicates(header []message.Field) []duplicate {
	signed := map[string]int{}
	var order []string
	for _, h := range c.sig.Headers {
		k := strings.ToLower(h)
		if signed[k] == 0 {
			order = append(order, k)
		}
		signed[k]++
	}
	var out []duplicate
	for _, k := range order {
		if repeatable[k] || strings.HasPrefix(k, "resent-") {
			continue
		}
		d := duplicate{signed: signed[k]}
		for i, f := range header {
			if i != c.field && strings.EqualFold(fieldName(f), k) {
				if d.present == 0 {
					d.name = fieldName(f)
				}
				d.present++
			}
		}
		if d.present > d.signed {
			out = append(out, d)
			c.res.UnsignedDuplicates = append(c.res.UnsignedDuplicates, d.name)
		}
	}
	return out
}

func (c *check) warnDuplicate(d duplicate) {
	extra := d.present - d.signed
	if strings.EqualFold(d.name, "From") {
		c.res.warn(CodeExtraUnsignedInstance, fmt.Sprintf("DANGER: the message has %d From fields but the signature covers only %d; %d From field (the topmost) was added after signing and is NOT authenticated. Mail programs may show that one, so the sender you see may not be the one %s signed for: do not trust the sender of this message", d.present, d.signed, extra, c.sig.Domain))
		return
	}
	c.res.warn(CodeExtraUnsignedInstance, fmt.Sprintf("the message has %d %s fields but the signature covers only %d; the topmost %d was added after signing and is not signed", d.present, d.name, d.signed, extra))
}
