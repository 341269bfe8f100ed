package dkim

import (
	"cmp"
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Change names a change made to a message after it was signed, as
// forensics finds it. The words never change once published.
type Change string

// The changes forensics looks for. Each is tried by undoing it on the
// message as it is and checking the signature again.
const (
	FooterAppended     Change = "footer_appended"     // text added after the signed body (a list footer, a disclaimer)
	BodyPrepended      Change = "body_prepended"      // a banner put at the top of the body or of its first text part
	SubjectTag         Change = "subject_tag"         // a tag put in front of the Subject ("[list] ", "[EXTERNAL] ")
	HeaderRefolded     Change = "header_refolded"     // a signed field's white space or folding changed
	TrailingWhitespace Change = "trailing_whitespace" // white space added at line ends
	LineEndings        Change = "line_endings"        // line ends converted beyond what saving the file explains
	MboxFromEscaped    Change = "mbox_from_escaped"   // body lines "From " turned into ">From "
	TransferReencoded  Change = "transfer_reencoded"  // a part re-encoded (quoted-printable, base64, 8bit)
	HeaderAdded        Change = "header_added"        // a signed field now present more often than when signed
	HeaderRemoved      Change = "header_removed"      // a signed field now present less often than when signed
	KeyRotated         Change = "key_rotated"         // the key published today is not the one that signed
)

// Forensic is one change found on a failing signature. Confirmed says that
// undoing this change alone makes the body hash equal bh= (a change of the
// body) or makes b= verify over the signature's own bh= (a change of the
// header, or of the key); it is evidence of what happened, never a pass:
// the signature keeps its result. An unconfirmed finding rests on evidence
// in the message (a field that says so, a repeated field, a pass recorded
// at delivery), never on a guess.
type Forensic struct {
	Change Change `json:"change"`
	// Where is "body", or "header:" and a field name in lower case.
	Where string `json:"where"`
	// Detail says in plain words what was changed.
	Detail    string `json:"detail"`
	Confirmed bool   `json:"confirmed"`
	// Text is what the change added (a footer, a banner, a Subject tag),
	// canonical form, at most MaxForensicText bytes, for a display to
	// highlight; Bytes is its whole size. Both are empty for changes that
	// add no text.
	Text  string `json:"text,omitempty"`
	Bytes int64  `json:"bytes,omitempty"`

	// undo says what would make the signature verify, after "it would
	// verify": "without the 312-byte footer …".
	undo string
	// kind is what kind of party makes such a change ("mailing list",
	// "security gateway", "server on the way"), and by the party, when the
	// message names it ("team.example.org").
	kind, by string
	// seen says, for a confirmed key_rotated, which archived key verifies
	// and when it was seen (the first part of Detail).
	seen string
}

// MaxForensicText bounds Forensic.Text.
const MaxForensicText = 4 << 10

// Findings are the forensics of one signature. In JSON they are a list,
// never null: [] when nothing was found.
type Findings []Forensic

// MarshalJSON writes nil as [].
func (f Findings) MarshalJSON() ([]byte, error) {
	if f == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]Forensic(f))
}

// Confirmed says whether any finding is confirmed.
func (f Findings) Confirmed() bool {
	for _, x := range f {
		if x.Confirmed {
			return true
		}
	}
	return false
}

// has says whether a confirmed finding concerns the body (body true) or
// the header signature (body false).
func (f Findings) has(body bool) bool {
	for _, x := range f {
		if x.Confirmed && (x.Where == "body") == body {
			return true
		}
	}
	return false
}

// Suspect is a signature that fails, as forensics needs it: a
// DKIM-Signature or an ARC-Message-Signature.
type Suspect struct {
	// Name is the signature field's name in lower case, for Where
	// ("header:dkim-signature").
	Name string
	// Field is the index of the signature field in the header.
	Field       int
	Algorithm   Algorithm
	Signature   []byte // b=
	BodyHash    []byte // bh=
	HeaderCanon Canonicalization
	BodyCanon   Canonicalization
	Headers     []string // h=
	Length      int64    // l=, -1 for none
	Copied      []string // z=, as written
	Domain      string   // d=, for the reason
	// KeyName is where the key is published; Key is the key published
	// there today when it can verify the signature, else nil; KeyGone
	// says that today there is no key there that could: none, a revoked
	// one, or one of another type.
	KeyName string
	Key     crypto.PublicKey
	KeyGone bool
	// BodyFailed says that bh= does not match the body, HeaderFailed that
	// b= does not verify with Key.
	BodyFailed, HeaderFailed bool
}

// Investigate looks for the changes that broke each suspect: it undoes the
// common changes of mailing lists, security gateways, servers and mail
// stores one at a time, on the message as it is, and checks whether the
// signature then holds; with a key history, it tries the keys seen before
// at the suspect's key name. It returns one Findings per suspect, in
// order, never nil.
//
// The work is bounded whatever the message: the body is read at most
// twice more (once to find the candidates, once to hash them), with at
// most MaxBodyCandidates transformed bodies hashed in that second pass,
// a fixed number of footer cuts, and at most MaxHeaderCandidates header
// signatures and MaxArchivedKeys old keys tried per suspect.
func Investigate(ctx context.Context, header []message.Field, body func() io.Reader, suspects []*Suspect, history KeyHistory) []Findings {
	found, _ := investigate(ctx, header, body, suspects, history)
	return found
}

// workStats counts the work of one investigation, for the tests that hold
// its bound.
type workStats struct {
	passes        int // reads of the body
	bodyHashers   int // canonicalised and hashed bodies, one per candidate and group
	footerCuts    int // hash finalisations of footer candidates
	verifications int // header signatures verified
}

func investigate(ctx context.Context, header []message.Field, body func() io.Reader, suspects []*Suspect, history KeyHistory) ([]Findings, *workStats) {
	stats := &workStats{}
	found := make([]Findings, len(suspects))
	msg := newMessageFacts(header)
	var bodyWork []*Suspect
	for i, s := range suspects {
		found[i] = Findings{}
		if s.BodyFailed && body != nil && len(bodyWork) < MaxBodySuspects {
			bodyWork = append(bodyWork, s)
		}
	}
	bodyFound := investigateBodies(ctx, body, msg, bodyWork, stats)
	for i, s := range suspects {
		found[i] = append(found[i], bodyFound[s]...)
		found[i] = append(found[i], investigateHeader(header, msg, s, history, stats)...)
		found[i] = append(found[i], evidence(msg, s, found[i])...)
	}
	return found, stats
}

// MaxBodySuspects bounds how many failing signatures have their body
// investigated; the others get only the header checks.
const MaxBodySuspects = 4

// Explain says what the confirmed findings of suspect s show, for the
// start of its reason: who broke it, what would make it verify, and that
// the signer vouches for none of what was changed. It is "" when no
// finding is confirmed.
func (f Findings) Explain(s *Suspect) string {
	var undo []string
	for _, x := range f {
		if x.Confirmed {
			undo = append(undo, x.undo)
		}
	}
	if len(undo) == 0 {
		return ""
	}
	kind, by, keyed := f.actor()
	what := "it would verify " + strings.Join(undo, " and ")
	after := fmt.Sprintf("The signature was valid before %s; %s vouches for none of what was changed.",
		map[bool]string{true: "this change", false: "these changes"}[len(undo) == 1], cmp.Or(s.Domain, "the signer"))
	if !f.explains(s.BodyFailed, s.HeaderFailed || s.KeyGone) {
		half := "the body would match the signature "
		if !f.has(true) {
			half = "the signed header fields would verify "
		}
		what = half + strings.Join(undo, " and ") + ", but that does not undo every change"
		after = fmt.Sprintf("What else was changed is not known: treat the message as not signed by %s.", cmp.Or(s.Domain, "the signer"))
	}
	if keyed {
		return fmt.Sprintf("The key was replaced since the message was signed: %s. The result stays what today's DNS gives.", what)
	}
	if by != "" {
		what += fmt.Sprintf("; %s made %s", by, map[bool]string{true: "this change", false: "these changes"}[len(undo) == 1])
	}
	headline := "Broken on the way"
	if kind != "server on the way" {
		headline = "Broken by a " + kind
	}
	return fmt.Sprintf("%s: %s. %s", headline, what, after)
}

// actor says who made the confirmed changes: the kind of party ("mailing
// list", "security gateway"; "server on the way" when they differ), the
// party itself when the message names it and it made all of them, and
// whether one of them is a replaced key.
func (f Findings) actor() (kind, by string, keyed bool) {
	first := true
	for _, x := range f {
		switch {
		case !x.Confirmed:
		case x.Change == KeyRotated:
			keyed = true
		case first:
			kind, by, first = x.kind, x.by, false
		default:
			if x.kind != kind {
				kind = "server on the way"
			}
			if x.by != by {
				by = ""
			}
		}
	}
	return kind, by, keyed
}

// explains says whether the confirmed findings account for every half of
// the signature that fails.
func (f Findings) explains(bodyFailed, headerFailed bool) bool {
	_, _, keyed := f.actor()
	return (!bodyFailed || f.has(true)) && (!headerFailed || f.has(false) || keyed)
}

// Explained says whether the confirmed forensics of r account for every
// way in which it fails (the body, the header signature, the key), and who
// made the change: the party when the message names it
// ("team.example.org"), else the kind of party ("mailing list", "security
// gateway", "server on the way"), or "key rotation". A verdict can then
// say the message was changed on the way, or its key replaced, rather than
// forged.
func (r *Result) Explained() (by string, ok bool) {
	if r.Result == result.Pass || !r.Forensics.Confirmed() {
		return "", false
	}
	bodyFailed := r.BodyChecked && !r.BodyHashMatches
	headerFailed := r.SignatureValid == nil || !*r.SignatureValid
	if !r.Forensics.explains(bodyFailed, headerFailed) {
		return "", false
	}
	kind, who, keyed := r.Forensics.actor()
	switch {
	case who != "":
		return who, true
	case kind != "":
		return kind, true
	case keyed:
		return "key rotation", true
	}
	return "", false
}

// Changer names, in words for a sentence, who made the confirmed changes
// of r: "the mailing list team.example.org", "a security gateway", "a
// server on the way"; "" when nothing but the key is confirmed changed.
func (r *Result) Changer() string {
	kind, who, _ := r.Forensics.actor()
	switch {
	case kind == "":
		return ""
	case who != "" && kind != "server on the way":
		return "the " + kind + " " + who
	case who != "":
		return who
	}
	return "a " + kind
}

// KeyReplaced says, when the only confirmed change of r is its key (the
// signature verifies with a key the archive saw before), which key and
// when it was seen; "" otherwise.
func (r *Result) KeyReplaced() string {
	if _, ok := r.Explained(); !ok || r.Changer() != "" {
		return ""
	}
	for _, x := range r.Forensics {
		if x.Confirmed && x.Change == KeyRotated {
			return x.seen
		}
	}
	return ""
}

// investigateChecks is the hook of Verify: it investigates every signature
// that fails, and notes a change of key for every signature whose key
// name the history knows.
func investigateChecks(ctx context.Context, checks []*check, header []message.Field, body func() io.Reader, opts Options) {
	var suspects []*Suspect
	var owners []*check
	for _, c := range checks {
		c.res.Forensics = Findings{}
		if c.parseErr != nil {
			continue
		}
		c.noteKeyChange(opts.History)
		if s := c.suspect(); s != nil && c.res.Result != result.Pass {
			suspects, owners = append(suspects, s), append(owners, c)
		}
	}
	if len(suspects) == 0 {
		return
	}
	for i, f := range Investigate(ctx, header, body, suspects, opts.History) {
		c, s := owners[i], suspects[i]
		c.res.Forensics = f
		if why := f.Explain(s); why != "" {
			c.res.Reason = why + " " + c.res.Reason
		}
	}
}

// suspect describes the check for Investigate, or is nil when nothing in
// it fails that forensics could explain (an expired but intact signature).
func (c *check) suspect() *Suspect {
	sig, res := c.sig, c.res
	s := &Suspect{
		Name: "dkim-signature", Field: c.field, Algorithm: sig.Algorithm, Signature: sig.Signature, BodyHash: sig.BodyHash,
		HeaderCanon: sig.HeaderCanon, BodyCanon: sig.BodyCanon, Headers: sig.Headers, Length: sig.Length, Copied: sig.CopiedHeaders,
		Domain: sig.Domain, KeyName: sig.LookupName,
		BodyFailed:   res.BodyChecked && !res.BodyHashMatches,
		HeaderFailed: c.valid != nil && !*c.valid,
	}
	if c.valid != nil {
		s.Key = c.key.Public
	}
	if c.keyErr != nil && c.keyErr.Code == CodeKeyNotFound || c.keyErr == nil && c.key != nil && (c.key.Revoked || c.key.Type != sig.Algorithm.KeyType()) {
		s.KeyGone = true
	}
	if !s.BodyFailed && !s.HeaderFailed && !s.KeyGone {
		return nil
	}
	return s
}
