package dkim

import (
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// Tag is one tag=value pair of a tag list.
type Tag struct {
	// Name is the tag name, case kept: tag names are case-sensitive.
	Name string
	// Value is the value with the whitespace around it removed; whitespace
	// and folding inside it are kept as written, because some values (b=,
	// bh=, p=) may be folded and others (n=) are free text.
	Value string
}

// Tags is a tag list (RFC 6376 section 3.2) in the order written. DKIM-
// Signature fields, DKIM key records and the ARC fields all use this syntax.
type Tags []Tag

// Get returns the value of the named tag and whether the tag is present.
func (t Tags) Get(name string) (string, bool) {
	for _, tag := range t {
		if tag.Name == name {
			return tag.Value, true
		}
	}
	return "", false
}

// TagError says which tag of a tag list is at fault and why. Tag is empty
// when the problem is not in one tag (a piece with no "=", say).
type TagError struct {
	Tag string
	Msg string
}

func (e *TagError) Error() string {
	if e.Tag == "" {
		return e.Msg
	}
	return "tag " + e.Tag + "=: " + e.Msg
}

// ParseTags parses a tag list. It is strict where a lenient reading could
// change the meaning: every piece must be name=value, a name must be a
// letter followed by letters, digits or underscores, a name may appear only
// once (RFC 6376 3.2 says a duplicate invalidates the whole list), and a
// value may hold only printable characters and folding whitespace. Bytes
// above 0x7F are accepted in values, because RFC 8616 allows UTF-8 in some
// of them. Empty pieces (a trailing ";" or ";;") are skipped, as every
// widely used verifier does.
func ParseTags(s string) (Tags, error) {
	var tags Tags
	for piece := range strings.SplitSeq(s, ";") {
		spec := trimFWS(piece)
		if spec == "" {
			continue
		}
		name, value, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, &TagError{Msg: fmt.Sprintf("%q is not of the form tag=value", clip(spec))}
		}
		name, value = trimFWS(name), trimFWS(value)
		if !validTagName(name) {
			return nil, &TagError{Msg: fmt.Sprintf("%q is not a valid tag name (a letter, then letters, digits or underscores)", clip(name))}
		}
		for i := 0; i < len(value); i++ {
			c := value[i]
			if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
				return nil, &TagError{Tag: name, Msg: fmt.Sprintf("the value contains the control character 0x%02X", c)}
			}
		}
		if _, dup := tags.Get(name); dup {
			return nil, &TagError{Tag: name, Msg: "the tag appears more than once"}
		}
		tags = append(tags, Tag{Name: name, Value: value})
	}
	return tags, nil
}

func validTagName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isFWS reports whether c is part of folding whitespace. CR and LF count,
// because values are taken from the raw field with its folding kept.
func isFWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimFWS(s string) string {
	i, j := 0, len(s)
	for i < j && isFWS(s[i]) {
		i++
	}
	for j > i && isFWS(s[j-1]) {
		j--
	}
	return s[i:j]
}

// stripFWS removes all folding whitespace, as needed before decoding a
// base64 value or reading a value whose grammar allows FWS anywhere.
func stripFWS(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x80 && isFWS(byte(r)) }) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if !isFWS(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// decodeQuotedPrintable decodes a dkim-quoted-printable value (RFC 6376
// section 2.11): FWS anywhere is not part of the value and goes, and "="
// followed by two hexadecimal digits is the byte they write. RFC 2045
// section 6.7 asks for upper-case digits but lets a decoder accept lower
// case; it is accepted here, as refusing it would only make an intact
// signature unreadable.
func decodeQuotedPrintable(v string) (string, error) {
	v = stripFWS(v)
	if strings.IndexByte(v, '=') < 0 {
		return v, nil
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		if v[i] != '=' {
			b.WriteByte(v[i])
			continue
		}
		if i+2 >= len(v) || !isHex(v[i+1]) || !isHex(v[i+2]) {
			return "", fmt.Errorf("%q is not valid dkim-quoted-printable: \"=\" must be followed by two hexadecimal digits", clip(v))
		}
		b.WriteByte(unhex(v[i+1])<<4 | unhex(v[i+2]))
		i += 2
	}
	return b.String(), nil
}

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// splitList splits a colon-separated list (h=, q=, the key's h=, s=, t=)
// into its trimmed items. An empty value gives no items.
func splitList(s string) []string {
	if trimFWS(s) == "" {
		return nil
	}
	items := strings.Split(s, ":")
	for i, it := range items {
		items[i] = trimFWS(it)
	}
	return items
}

// clip shortens text quoted in a reason, so that a 50 MB field does not
// become a 50 MB reason.
func clip(s string) string { return text.Clip(s, 60) }
