package arc

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/internal/text"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
)

// Field names of an ARC set (RFC 8617 section 4.1).
const (
	SealField    = "ARC-Seal"
	AMSField     = "ARC-Message-Signature"
	ResultsField = "ARC-Authentication-Results"
)

// MaxInstances is the most ARC sets a message may carry (RFC 8617 section
// 4.2.1); a longer chain fails.
const MaxInstances = 50

// Set is one ARC set: the three fields an intermediary added, with the
// instance number they share.
type Set struct {
	Instance int
	// AAR, AMS and Seal are the indexes of the fields in the message
	// header, -1 when the field is missing.
	AAR, AMS, Seal int
	// Results is the parsed ARC-Authentication-Results field.
	Results *recorded.Header
	// Signature and SealTags are the parsed ARC-Message-Signature and
	// ARC-Seal; nil when the field is missing. When a field cannot be
	// parsed, they hold what could be read and SignatureErr or SealErr
	// says why.
	Signature    *MessageSignature
	SignatureErr error
	SealTags     *Seal
	SealErr      error
}

// MessageSignature is a parsed ARC-Message-Signature (RFC 8617 section
// 4.1.2): a DKIM signature without v=, with the instance in i=.
type MessageSignature struct {
	Instance    int
	Algorithm   dkim.Algorithm
	Signature   []byte // b=
	BodyHash    []byte // bh=
	HeaderCanon dkim.Canonicalization
	BodyCanon   dkim.Canonicalization
	Domain      string
	Selector    string
	Headers     []string // h=
	Length      int64    // l=, -1 when absent
	Timestamp   time.Time
	Tags        dkim.Tags
}

// Seal is a parsed ARC-Seal (RFC 8617 section 4.1.3).
type Seal struct {
	Instance  int
	Algorithm dkim.Algorithm
	Signature []byte // b=
	// CV is the chain validation status the sealer found: none, pass or
	// fail, lower case.
	CV        string
	Domain    string
	Selector  string
	Timestamp time.Time
	Tags      dkim.Tags
}

// StructureError says why the ARC sets of a message do not form a chain:
// a field without a readable instance, a duplicate, a missing field, a gap,
// too many sets. Instance is the instance at fault, 0 when none applies.
type StructureError struct {
	Instance int
	Msg      string
}

func (e *StructureError) Error() string { return e.Msg }

// ParseSets collects the ARC sets of m, lowest instance first, and parses
// their fields. It returns the sets it could put together even when the
// structure is broken; the error is then a *StructureError. Problems inside
// one field (a bad tag) are not structure errors: they are in the Set's
// SignatureErr and SealErr.
func ParseSets(m *message.Message) ([]*Set, error) { return parseSets(m, nil) }

// parseSets is ParseSets with the ARC-Authentication-Results fields taken
// from rec when it is not nil.
func parseSets(m *message.Message, rec *recorded.Fields) ([]*Set, error) {
	byInstance := map[int]*Set{}
	var structErr *StructureError
	fail := func(inst int, format string, args ...any) {
		if structErr == nil {
			structErr = &StructureError{Instance: inst, Msg: fmt.Sprintf(format, args...)}
		}
	}
	get := func(i int) *Set {
		s := byInstance[i]
		if s == nil {
			s = &Set{Instance: i, AAR: -1, AMS: -1, Seal: -1}
			byInstance[i] = s
		}
		return s
	}
	for idx, f := range m.Header {
		name := strings.TrimSpace(f.Name)
		kind := ""
		switch {
		case strings.EqualFold(name, SealField):
			kind = SealField
		case strings.EqualFold(name, AMSField):
			kind = AMSField
		case strings.EqualFold(name, ResultsField):
			kind = ResultsField
		default:
			continue
		}
		value := f.RawValue()
		var inst int
		var err error
		var aar *recorded.Header
		if kind == ResultsField {
			if aar = rec.AAR(idx); aar == nil {
				aar = recorded.ParseARCValue(value)
				aar.Index = idx
			}
			inst, _, err = recorded.SplitInstance(value)
		} else {
			inst, err = tagInstance(value)
		}
		if err != nil {
			fail(0, "an %s field (field %d of the header) has no valid instance: %v", kind, idx+1, err)
			continue
		}
		if inst > MaxInstances {
			fail(inst, "an %s field has the instance i=%d; ARC allows at most %d sets", kind, inst, MaxInstances)
			continue
		}
		s := get(inst)
		switch kind {
		case SealField:
			if s.Seal >= 0 {
				fail(inst, "instance %d has two ARC-Seal fields", inst)
				continue
			}
			s.Seal = idx
			s.SealTags, s.SealErr = ParseSeal(value)
		case AMSField:
			if s.AMS >= 0 {
				fail(inst, "instance %d has two ARC-Message-Signature fields", inst)
				continue
			}
			s.AMS = idx
			s.Signature, s.SignatureErr = ParseMessageSignature(value)
		case ResultsField:
			if s.AAR >= 0 {
				fail(inst, "instance %d has two ARC-Authentication-Results fields", inst)
				continue
			}
			s.AAR = idx
			s.Results = aar
		}
	}
	sets := make([]*Set, 0, len(byInstance))
	max := 0
	for i := range byInstance {
		if i > max {
			max = i
		}
	}
	for i := 1; i <= max; i++ {
		s, ok := byInstance[i]
		if !ok {
			fail(i, "the ARC sets jump from instance %d to %d: instance %d is missing", i-1, nextAbove(byInstance, i), i)
			continue
		}
		var missing []string
		if s.AAR < 0 {
			missing = append(missing, ResultsField)
		}
		if s.AMS < 0 {
			missing = append(missing, AMSField)
		}
		if s.Seal < 0 {
			missing = append(missing, SealField)
		}
		if len(missing) > 0 {
			fail(i, "the ARC set of instance %d lacks its %s", i, strings.Join(missing, " and "))
		}
		sets = append(sets, s)
	}
	if structErr != nil {
		return sets, structErr
	}
	return sets, nil
}

func nextAbove(m map[int]*Set, i int) int {
	for j := i + 1; j <= MaxInstances; j++ {
		if _, ok := m[j]; ok {
			return j
		}
	}
	return i
}

// tagInstance reads the i= tag of an ARC-Seal or ARC-Message-Signature
// leniently, so that a set is still recognised when another tag of the
// field is bad (that is reported when the field is parsed).
func tagInstance(value string) (int, error) {
	for piece := range strings.SplitSeq(value, ";") {
		k, v, ok := strings.Cut(piece, "=")
		if !ok || strings.TrimSpace(k) != "i" {
			continue
		}
		return parseInstance(v)
	}
	return 0, errors.New("the tag i= is missing")
}

// parseInstance reads an instance number: 1 to 50 in RFC 8617, but up to
// three digits are read so that 51 to 999 can be reported as too many.
func parseInstance(v string) (int, error) {
	v = strings.Trim(v, " \t\r\n")
	if v == "" || len(v) > 3 {
		return 0, fmt.Errorf("i=%q is not an instance number from 1 to %d", text.Clip(v, 60), MaxInstances)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, fmt.Errorf("i=%q is not an instance number from 1 to %d", text.Clip(v, 60), MaxInstances)
		}
	}
	n, _ := strconv.Atoi(v)
	if n < 1 {
		return 0, fmt.Errorf("i=%s: instances start at 1", v)
	}
	return n, nil
}

// ParseMessageSignature parses the value of an ARC-Message-Signature field
// (after the colon, folding kept). It checks every tag RFC 8617 section
// 4.1.2 requires (i, a, b, bh, d, h, s) and the syntax of the optional ones.
// On error it returns what it could read, so that a report can name the
// signer.
func ParseMessageSignature(value string) (*MessageSignature, error) {
	s := &MessageSignature{Length: -1, HeaderCanon: dkim.Simple, BodyCanon: dkim.Simple}
	tags, err := parseTags(value)
	if err != nil {
		return s, err
	}
	s.Tags = tags
	s.Domain, _ = tags.Get("d")
	s.Selector, _ = tags.Get("s")
	for _, name := range []string{"i", "a", "b", "bh", "d", "h", "s"} {
		if _, ok := tags.Get(name); !ok {
			return s, fmt.Errorf("the required tag %s= is missing", name)
		}
	}
	v, _ := tags.Get("i")
	if s.Instance, err = parseInstance(v); err != nil {
		return s, err
	}
	a, _ := tags.Get("a")
	if s.Algorithm, err = algorithm(a); err != nil {
		return s, err
	}
	if s.Signature, err = base64Tag(tags, "b"); err != nil {
		return s, err
	}
	if s.BodyHash, err = base64Tag(tags, "bh"); err != nil {
		return s, err
	}
	if n := s.Algorithm.Hash().Size(); len(s.BodyHash) != n {
		return s, fmt.Errorf("tag bh=: the body hash is %d bytes long, not %d", len(s.BodyHash), n)
	}
	if err := checkName(s.Domain); err != nil {
		return s, fmt.Errorf("tag d=: %v", err)
	}
	if err := checkName(s.Selector); err != nil {
		return s, fmt.Errorf("tag s=: %v", err)
	}
	h, _ := tags.Get("h")
	for _, name := range strings.Split(h, ":") {
		name = strings.Trim(name, " \t\r\n")
		if !dkim.ValidFieldName(name) {
			return s, fmt.Errorf("tag h=: %q is not a header field name", text.Clip(name, 60))
		}
		// RFC 8617 section 4.1.2: the ARC-Seal fields are never signed by
		// an ARC-Message-Signature (they are sealed instead).
		if strings.EqualFold(name, SealField) {
			return s, errors.New("tag h=: it lists ARC-Seal, which an ARC-Message-Signature must not sign")
		}
		s.Headers = append(s.Headers, name)
	}
	if v, ok := tags.Get("c"); ok {
		hc, bc, slash := strings.Cut(v, "/")
		s.HeaderCanon = dkim.Canonicalization(hc)
		if slash {
			s.BodyCanon = dkim.Canonicalization(bc)
		}
		for _, c := range []dkim.Canonicalization{s.HeaderCanon, s.BodyCanon} {
			if c != dkim.Simple && c != dkim.Relaxed {
				return s, fmt.Errorf("tag c=: the canonicalisation %q is unknown (only simple and relaxed exist)", text.Clip(v, 60))
			}
		}
	}
	if v, ok := tags.Get("l"); ok {
		if s.Length, err = digits(v, 76); err != nil {
			return s, fmt.Errorf("tag l=: %v", err)
		}
	}
	if v, ok := tags.Get("t"); ok {
		n, err := digits(v, 12)
		if err != nil {
			return s, fmt.Errorf("tag t=: %v", err)
		}
		s.Timestamp = time.Unix(n, 0).UTC()
	}
	return s, nil
}

// ParseSeal parses the value of an ARC-Seal field (after the colon, folding
// kept). It checks the tags RFC 8617 section 4.1.3 requires (i, a, b, cv,
// d, s), the cv value, and that there is no h= tag, which a seal must not
// have.
func ParseSeal(value string) (*Seal, error) {
	s := &Seal{}
	tags, err := parseTags(value)
	if err != nil {
		return s, err
	}
	s.Tags = tags
	s.Domain, _ = tags.Get("d")
	s.Selector, _ = tags.Get("s")
	cv, _ := tags.Get("cv")
	s.CV = cv
	for _, name := range []string{"i", "a", "b", "cv", "d", "s"} {
		if _, ok := tags.Get(name); !ok {
			return s, fmt.Errorf("the required tag %s= is missing", name)
		}
	}
	if _, ok := tags.Get("h"); ok {
		return s, errors.New("tag h=: an ARC-Seal must not have one (it seals the ARC fields, not chosen header fields)")
	}
	v, _ := tags.Get("i")
	if s.Instance, err = parseInstance(v); err != nil {
		return s, err
	}
	a, _ := tags.Get("a")
	if s.Algorithm, err = algorithm(a); err != nil {
		return s, err
	}
	if s.Signature, err = base64Tag(tags, "b"); err != nil {
		return s, err
	}
	// The values are case-sensitive, like every tag value of RFC 6376
	// section 3.2 not said otherwise.
	switch cv {
	case "none", "pass", "fail":
	default:
		return s, fmt.Errorf("tag cv=: %q is not none, pass or fail", text.Clip(cv, 60))
	}
	if err := checkName(s.Domain); err != nil {
		return s, fmt.Errorf("tag d=: %v", err)
	}
	if err := checkName(s.Selector); err != nil {
		return s, fmt.Errorf("tag s=: %v", err)
	}
	if v, ok := tags.Get("t"); ok {
		n, err := digits(v, 12)
		if err != nil {
			return s, fmt.Errorf("tag t=: %v", err)
		}
		s.Timestamp = time.Unix(n, 0).UTC()
	}
	return s, nil
}

// parseTags parses a tag list with the dkim package, and also refuses an
// empty tag between two semicolons (";;"), which the grammar of RFC 6376
// section 3.2 does not allow; the dkim package tolerates it in
// DKIM-Signature fields for compatibility, but ARC fields are written by
// few, recent implementations and a stray ";" is more likely tampering.
func parseTags(value string) (dkim.Tags, error) {
	tags, err := dkim.ParseTags(value)
	if err != nil {
		return nil, err
	}
	pieces := strings.Split(value, ";")
	for _, p := range pieces[:len(pieces)-1] {
		if strings.Trim(p, " \t\r\n") == "" {
			return tags, errors.New("the tag list has an empty tag (two semicolons in a row, or one at the start)")
		}
	}
	return tags, nil
}

// algorithm accepts the signing algorithms ARC allows: rsa-sha256 (RFC
// 8617) and ed25519-sha256 (RFC 8463 applies to every DKIM-style
// signature). rsa-sha1 is refused (RFC 8301).
func algorithm(a string) (dkim.Algorithm, error) {
	switch alg := dkim.Algorithm(a); alg {
	case dkim.RSASHA256, dkim.Ed25519SHA256:
		return alg, nil
	case dkim.RSASHA1:
		return alg, errors.New("tag a=: rsa-sha1 is not allowed (RFC 8301 forbids SHA-1 for signatures)")
	default:
		return alg, fmt.Errorf("tag a=: %q is not a known signing algorithm (rsa-sha256, ed25519-sha256)", text.Clip(a, 60))
	}
}

func base64Tag(tags dkim.Tags, name string) ([]byte, error) {
	v, _ := tags.Get(name)
	v = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, v)
	if v == "" {
		return nil, fmt.Errorf("tag %s=: the value is empty", name)
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("tag %s=: not valid base64 (%v)", name, err)
	}
	return b, nil
}

// digits reads a decimal number of at most max digits.
func digits(v string, max int) (int64, error) {
	if v == "" || len(v) > max {
		return 0, fmt.Errorf("%q is not a number of 1 to %d digits", text.Clip(v, 60), max)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, fmt.Errorf("%q is not a decimal number", text.Clip(v, 60))
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 1<<63 - 1, nil
	}
	return n, nil
}

// checkName checks a domain or selector: dot-separated labels of letters,
// digits, hyphens and underscores, or UTF-8 (RFC 8616).
func checkName(s string) error {
	if s == "" {
		return errors.New("the value is empty")
	}
	if len(s) > 253 {
		return errors.New("the name is longer than 253 characters")
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("%q is not a valid domain name (empty or over-long label)", text.Clip(s, 60))
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q is not a valid domain name (a label starts or ends with a hyphen)", text.Clip(s, 60))
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if c < 0x80 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("%q is not a valid domain name (it holds %q)", text.Clip(s, 60), c)
			}
		}
	}
	return nil
}
