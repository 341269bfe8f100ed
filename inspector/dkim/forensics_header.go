package dkim

import (
	"bytes"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// MaxHeaderCandidates bounds the header signatures verified per suspect
// while undoing changes of the header.
const MaxHeaderCandidates = 48

// headerCandidate is the header with one change undone.
type headerCandidate struct {
	header  []message.Field
	self    int // the index of the signature field in header
	finding Forensic
}

// investigateHeader finds what was done to the signed header fields of s,
// or to its key: the keys of the history first (a key replaced since
// signing), then, with today's key, each change of the header undone in
// turn, at most MaxHeaderCandidates of them, until one makes b= verify.
func investigateHeader(header []message.Field, msg *messageFacts, s *Suspect, history KeyHistory, stats *workStats) Findings {
	if (s.KeyGone || s.HeaderFailed) && history != nil {
		if f, ok := archivedKeyVerifies(header, s, history, stats); ok {
			return Findings{f}
		}
	}
	if !s.HeaderFailed || s.Key == nil {
		return nil
	}
	tried := 0
	for c := range headerCandidates(header, msg, s) {
		if tried++; tried > MaxHeaderCandidates {
			break
		}
		stats.verifications++
		if headerVerifies(c.header, c.self, s, s.Key) {
			c.finding.Confirmed = true
			return Findings{c.finding}
		}
	}
	return nil
}

// headerVerifies says whether b= of s verifies with key over header.
func headerVerifies(header []message.Field, self int, s *Suspect, key any) bool {
	input, err := HeaderHashInput(s.HeaderCanon, header, s.Headers, self)
	if err != nil {
		return false
	}
	h := s.Algorithm.Hash().New()
	h.Write(input)
	return VerifySignature(key, s.Algorithm, h.Sum(nil), s.Signature) == nil
}

// maxNames bounds the names of h= whose fields are taken out or put back.
const maxNames = 32

// headerCandidates gives the header with one change undone, most common
// changes first: a Subject tag, a field added, a field removed (from z=),
// the transfer encoding restored, and, under simple header
// canonicalisation, a field's white space or folding restored. Each is
// made only when asked for.
func headerCandidates(header []message.Field, msg *messageFacts, s *Suspect) iter.Seq[headerCandidate] {
	return func(yield func(headerCandidate) bool) {
		signed := SelectHeaders(header, s.Headers, s.Field)
		replace := func(i int, raw string, f Forensic) bool {
			h := slices.Clone(header)
			h[i].Raw = []byte(raw)
			return yield(headerCandidate{header: h, self: s.Field, finding: f})
		}
		if i := signedField(header, signed, "Subject"); i >= 0 {
			for _, t := range subjectTags(string(header[i].Raw)) {
				if !replace(i, t.raw, subjectFinding(t.tag, msg)) {
					return
				}
			}
		}
		if !addedCandidates(header, msg, s, yield) || !removedCandidates(header, s, yield) {
			return
		}
		if i := signedField(header, signed, "Content-Transfer-Encoding"); i >= 0 {
			name := fieldName(header[i])
			now := strings.ToLower(strings.TrimSpace(message.Unfold(header[i].RawValue())))
			for _, v := range uniq(msg.top.converted, copiedValue(s.Copied, name), "8bit", "7bit") {
				if v != "" && v != now && (now == "quoted-printable" || now == "base64" || v == msg.top.converted) &&
					!replace(i, name+": "+v+"\r\n", Forensic{Change: TransferReencoded, Where: "header:content-transfer-encoding", kind: "server on the way",
						Detail: fmt.Sprintf("the Content-Transfer-Encoding field was changed from %s to %s after signing, as a server does when it re-encodes the body", v, now),
						undo:   fmt.Sprintf("with the Content-Transfer-Encoding field set back to %s", v)}) {
					return
				}
			}
		}
		if s.HeaderCanon != Simple {
			return
		}
		seen := map[int]bool{}
		for _, i := range append(signed, s.Field) {
			if i < 0 || seen[i] {
				continue
			}
			seen[i] = true
			for _, r := range refolds {
				if raw := r.undo(header[i].Raw); !bytes.Equal(raw, header[i].Raw) {
					name := fieldName(header[i])
					if !replace(i, string(raw), Forensic{Change: HeaderRefolded, Where: "header:" + strings.ToLower(name), kind: "server on the way",
						Detail: fmt.Sprintf("the %s field %s after signing; the signature's simple header canonicalisation counts every space and line break", name, r.what),
						undo:   fmt.Sprintf("with the %s field %s", name, r.restored)}) {
						return
					}
				}
			}
		}
	}
}

// signedField is the index of the signed instance of the field name, -1
// when it is not signed or absent.
func signedField(header []message.Field, signed []int, name string) int {
	for _, i := range signed {
		if i >= 0 && strings.EqualFold(fieldName(header[i]), name) {
			return i
		}
	}
	return -1
}

func uniq[T comparable](xs ...T) []T {
	var out []T
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// subjectTag is a Subject field with a tag taken off.
type subjectTag struct{ raw, tag string }

// replyPrefixes are the words before a colon that mail programs put in
// front of a Subject themselves; they are not tags.
var replyPrefixes = []string{"re", "fw", "fwd", "aw", "wg", "sv", "vs", "tr", "rif", "antw", "odp", "vb", "res", "r"}

// gatewayTags start the tags that security gateways and spam filters put
// in front of a Subject, as opposed to mailing lists.
var gatewayTags = []string{"[external", "[ext]", "external:", "[suspicious", "***spam", "*****spam", "[spam", "spam:", "(spam", "{spam", "[warning", "warning:", "[caution", "caution:", "[phish", "[bulk"}

// subjectTags lists the Subject field raw with one tag taken from the front
// of its value, or two, or one after a reply prefix ("Re: [list] ").
func subjectTags(raw string) []subjectTag {
	colon := strings.IndexByte(raw, ':')
	if colon < 0 {
		return nil
	}
	name, value := raw[:colon+1], raw[colon+1:]
	lead := value[:len(value)-len(strings.TrimLeft(value, " \t"))]
	rest := value[len(lead):]
	var out []subjectTag
	add := func(prefix, tag, after string) {
		c := subjectTag{raw: name + lead + prefix + after, tag: tag}
		if !slices.Contains(out, c) && len(out) < 6 {
			out = append(out, c)
		}
	}
	if n := tagLength(rest); n > 0 {
		tag, after := rest[:n], rest[n:]
		add("", tag+" ", strings.TrimPrefix(after, " "))
		add("", tag+" ", strings.TrimLeft(after, " \t"))
		trimmed := strings.TrimLeft(after, " \t")
		if m := tagLength(trimmed); m > 0 {
			add("", rest[:len(rest)-len(trimmed)]+trimmed[:m]+" ", strings.TrimPrefix(trimmed[m:], " "))
		}
	}
	if word, after, ok := strings.Cut(rest, ":"); ok && slices.Contains(replyPrefixes, strings.ToLower(word)) {
		space := after[:len(after)-len(strings.TrimLeft(after, " "))]
		after = after[len(space):]
		if n := tagLength(after); n > 0 {
			add(word+":"+space, after[:n]+" ", strings.TrimPrefix(after[n:], " "))
		}
	}
	return out
}

// tagLength is the length of the tag at the start of s, 0 when none:
// "[anything]", "(SPAM)", "{SPAM}", "***SPAM***", or a word in capitals
// followed by a colon ("EXTERNAL:"), not a reply prefix.
func tagLength(s string) int {
	if s == "" {
		return 0
	}
	if closing, ok := map[byte]byte{'[': ']', '(': ')', '{': '}'}[s[0]]; ok {
		if i := strings.IndexByte(s[:min(len(s), 80)], closing); i > 1 && !strings.ContainsAny(s[1:i], "[({\r\n") {
			return i + 1
		}
		return 0
	}
	if strings.HasPrefix(s, "**") {
		stars := len(s) - len(strings.TrimLeft(s, "*"))
		word := strings.TrimLeft(s, "*")
		i := strings.IndexByte(word[:min(len(word), 40)], '*')
		if i > 0 && !strings.ContainsAny(word[:i], " \t") {
			end := stars + i
			for end < len(s) && s[end] == '*' {
				end++
			}
			return end
		}
		return 0
	}
	word, _, ok := strings.Cut(s[:min(len(s), 24)], ":")
	if ok && len(word) >= 3 && strings.ToUpper(word) == word && strings.ToLower(word) != word && !strings.ContainsAny(word, " \t") && !slices.Contains(replyPrefixes, strings.ToLower(word)) {
		return len(word) + 1
	}
	return 0
}

func subjectFinding(tag string, msg *messageFacts) Forensic {
	f := Forensic{Change: SubjectTag, Where: "header:subject", Text: tag, Bytes: int64(len(tag)), kind: "server on the way",
		Detail: fmt.Sprintf("the tag %s was put in front of the Subject after signing", quote(tag)),
		undo:   fmt.Sprintf("without the tag %s in front of the Subject", quote(strings.TrimSpace(tag)))}
	switch {
	case isGatewayTag(tag):
		f.kind = "security gateway"
	case msg.list != "":
		f.kind, f.by = "mailing list", msg.list
		f.Detail = fmt.Sprintf("the mailing list %s put the tag %s in front of the Subject", msg.list, quote(tag))
	}
	return f
}

func isGatewayTag(tag string) bool {
	t := strings.ToLower(strings.TrimSpace(tag))
	for _, g := range gatewayTags {
		if strings.HasPrefix(t, g) {
			return true
		}
	}
	return false
}

// addedCandidates takes out one instance of a signed field: the topmost
// when the signature selects every instance (a field added where the
// signer listed one more than there was, to forbid it), and the lowest,
// which the signature selects first (a field added at the bottom). It
// returns false when yield asked to stop.
func addedCandidates(header []message.Field, msg *messageFacts, s *Suspect, yield func(headerCandidate) bool) bool {
	listed := map[string]int{}
	var names []string
	for _, n := range s.Headers {
		k := strings.ToLower(n)
		if listed[k] == 0 && len(names) < maxNames {
			names = append(names, k)
		}
		listed[k]++
	}
	for _, k := range names {
		at := instances(header, k, s.Field)
		var drop []int
		if len(at) > 0 && listed[k] >= len(at) {
			drop = append(drop, at[0])
		}
		if len(at) >= 2 {
			drop = append(drop, at[len(at)-1])
		}
		for _, i := range uniq(drop...) {
			self := s.Field
			if i < self {
				self--
			}
			name := fieldName(header[i])
			f := Forensic{Change: HeaderAdded, Where: "header:" + k, kind: "server on the way",
				Detail: fmt.Sprintf("a %s field was added after signing (the message has %d, the signature was made over %d)", name, len(at), len(at)-1),
				undo:   fmt.Sprintf("without the added %s field", name)}
			if msg.list != "" && strings.HasPrefix(k, "list-") {
				f.kind, f.by = "mailing list", msg.list
			}
			if !yield(headerCandidate{header: slices.Delete(slices.Clone(header), i, i+1), self: self, finding: f}) {
				return false
			}
		}
	}
	return true
}

// instances are the indexes of the fields named name, top first, the
// signature field self left out.
func instances(header []message.Field, name string, self int) []int {
	var at []int
	for i, f := range header {
		if i != self && strings.EqualFold(fieldName(f), name) {
			at = append(at, i)
		}
	}
	return at
}

// removedCandidates puts back, at the bottom of the header, a signed field
// that z= copied and that the message no longer has as often. It returns
// false when yield asked to stop.
func removedCandidates(header []message.Field, s *Suspect, yield func(headerCandidate) bool) bool {
	for _, c := range missingCopies(header, s) {
		h := append(slices.Clone(header), message.Field{Name: c.name, Raw: []byte(c.name + ":" + c.value + "\r\n")})
		if !yield(headerCandidate{header: h, self: s.Field, finding: Forensic{Change: HeaderRemoved, Where: "header:" + strings.ToLower(c.name), kind: "server on the way",
			Detail: fmt.Sprintf("a %s field (%s, as the signature's z= tag copied it) was removed after signing", c.name, quote(strings.TrimSpace(c.value))),
			undo:   fmt.Sprintf("with the removed %s field put back", c.name)}}) {
			return false
		}
	}
	return true
}

type copied struct{ name, value string }

// copies decodes z=: the header fields as the signer copied them.
func copies(z []string) []copied {
	var out []copied
	for _, item := range z[:min(len(z), maxNames)] {
		name, v, ok := strings.Cut(item, ":")
		if !ok {
			continue
		}
		if value, err := decodeQuotedPrintable(v); err == nil && ValidFieldName(name) {
			out = append(out, copied{name, value})
		}
	}
	return out
}

// missingCopies are the copies of z= of signed fields that the message
// has fewer of now than z= copied.
func missingCopies(header []message.Field, s *Suspect) []copied {
	var out []copied
	zs := copies(s.Copied)
	count := map[string]int{}
	for _, c := range zs {
		count[strings.ToLower(c.name)]++
	}
	for _, c := range zs {
		k := strings.ToLower(c.name)
		if slices.ContainsFunc(s.Headers, func(h string) bool { return strings.EqualFold(h, k) }) && len(instances(header, k, s.Field)) < count[k] {
			out = append(out, c)
			count[k] = -1 << 30 // once per name
		}
	}
	return out
}

// copiedValue is the value z= copied for the field name, "" when none.
func copiedValue(z []string, name string) string {
	for _, c := range copies(z) {
		if strings.EqualFold(c.name, name) {
			return strings.ToLower(strings.TrimSpace(c.value))
		}
	}
	return ""
}

// refold is one change of a field's white space that servers make, and
// its undoing.
type refold struct {
	what, restored string
	undo           func(raw []byte) []byte
}

var refolds = []refold{
	{"was folded onto more lines", "unfolded onto one line", func(raw []byte) []byte {
		body := raw[:len(raw)-2]
		for _, ws := range []string{"\r\n ", "\r\n\t"} {
			body = bytes.ReplaceAll(body, []byte(ws), []byte(ws[2:]))
		}
		return append(slices.Clip(body), crlf...)
	}},
	{"had the space after its colon added", "without the space after its colon", func(raw []byte) []byte {
		if i := bytes.IndexByte(raw, ':'); i >= 0 && i+1 < len(raw) && raw[i+1] == ' ' {
			return slices.Concat(raw[:i+1], raw[i+2:])
		}
		return raw
	}},
	{"lost the space after its colon", "with a space after its colon", func(raw []byte) []byte {
		if i := bytes.IndexByte(raw, ':'); i >= 0 && i+1 < len(raw) && raw[i+1] != ' ' && raw[i+1] != '\t' {
			return slices.Concat(raw[:i+1], []byte(" "), raw[i+1:])
		}
		return raw
	}},
	{"had its folded lines start with a tab instead of a space", "with its folded lines starting with a space", func(raw []byte) []byte {
		return bytes.ReplaceAll(raw, []byte("\r\n\t"), []byte("\r\n "))
	}},
	{"had its folded lines start with a space instead of a tab", "with its folded lines starting with a tab", func(raw []byte) []byte {
		return bytes.ReplaceAll(raw, []byte("\r\n "), []byte("\r\n\t"))
	}},
	{"had white space added at the end of its lines", "without white space at the end of its lines", func(raw []byte) []byte {
		var out []byte
		for line := range bytes.SplitAfterSeq(raw, crlf) {
			out = append(out, bytes.TrimRight(bytes.TrimSuffix(line, crlf), " \t")...)
			if bytes.HasSuffix(line, crlf) {
				out = append(out, crlf...)
			}
		}
		return out
	}},
}

// singleFields may occur once in a message (RFC 5322 section 3.6, RFC
// 2045): a second instance was added by someone.
var singleFields = []string{"from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to", "references", "subject", "date",
	"mime-version", "content-type", "content-transfer-encoding"}

// evidence lists the changes the header of the message shows but that no
// undoing confirmed: a single field repeated, a field that z= copied and
// that is gone, a transfer encoding that a field says was converted or
// that z= copied otherwise, a Subject tag of a security gateway.
func evidence(msg *messageFacts, s *Suspect, found Findings) Findings {
	var out Findings
	header := msg.header
	if s.HeaderFailed || s.KeyGone {
		seen := map[string]bool{}
		for _, n := range s.Headers {
			k := strings.ToLower(n)
			if seen[k] || !slices.Contains(singleFields, k) {
				continue
			}
			seen[k] = true
			at := instances(header, k, s.Field)
			if len(at) < 2 || found.hasWhere(HeaderAdded, "header:"+k) {
				continue
			}
			name := fieldName(header[at[0]])
			out = append(out, Forensic{Change: HeaderAdded, Where: "header:" + k, kind: "server on the way",
				Detail: fmt.Sprintf("the message has %d %s fields, where a message has one: the others were added after it was written; taking one out does not make the signature verify", len(at), name)})
		}
		for _, c := range missingCopies(header, s) {
			if !found.hasWhere(HeaderRemoved, "header:"+strings.ToLower(c.name)) {
				out = append(out, Forensic{Change: HeaderRemoved, Where: "header:" + strings.ToLower(c.name), kind: "server on the way",
					Detail: fmt.Sprintf("the signature's z= tag copied a %s field that the message no longer has as often: it was removed after signing", c.name)})
			}
		}
		if i := signedField(header, SelectHeaders(header, s.Headers, s.Field), "Subject"); i >= 0 && !found.hasChange(SubjectTag) {
			v := strings.TrimSpace(message.Unfold(header[i].RawValue()))
			if n := tagLength(v); n > 0 && isGatewayTag(v[:n]) {
				out = append(out, Forensic{Change: SubjectTag, Where: "header:subject", kind: "security gateway", Text: v[:n] + " ", Bytes: int64(n + 1),
					Detail: fmt.Sprintf("the Subject starts with the tag %s that security gateways and spam filters add; taking it off alone does not make the signature verify", quote(v[:n]))})
			}
		}
	}
	if !found.hasChange(TransferReencoded) {
		now := msg.top.cte
		switch z := copiedValue(s.Copied, "Content-Transfer-Encoding"); {
		case msg.top.converted != "":
			out = append(out, Forensic{Change: TransferReencoded, Where: "body", kind: "server on the way",
				Detail: fmt.Sprintf("the X-MIME-Autoconverted field says a server converted the body after signing (%s); decoding it back does not restore what was signed", msg.top.convertedField)})
		case z != "" && now != "" && z != now:
			out = append(out, Forensic{Change: TransferReencoded, Where: "header:content-transfer-encoding", kind: "server on the way",
				Detail: fmt.Sprintf("the signature's z= tag copied Content-Transfer-Encoding %s, but the message says %s now: the body was re-encoded after signing", z, now)})
		}
	}
	return out
}

func (f Findings) hasWhere(c Change, where string) bool {
	for _, x := range f {
		if x.Change == c && x.Where == where {
			return true
		}
	}
	return false
}
