package address

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// kind is the kind of a lexical token of RFC 5322 section 3.2.
type kind uint8

const (
	atom    kind = iota // 1*atext (section 3.2.3)
	quoted              // quoted-string (section 3.2.4)
	literal             // domain-literal (section 3.4.1)
	special             // one of the specials that structure a list: < > @ , ; : .
)

// token is one lexical token. CFWS (section 3.2.2) makes no token: it
// separates them, and comments are kept aside.
type token struct {
	kind kind
	// text is the token as written: the atom, the quoted string with its
	// quotes, the domain literal with its brackets (white space inside
	// dropped), the special.
	text string
	// value is the content of a quoted string, quoted-pairs resolved.
	value string
	// space says that CFWS stands before the token.
	space bool
	// eightBit says that the token holds bytes that are not UTF-8.
	eightBit bool
	// obsolete says that it holds obs-qtext or obs-dtext (section 4.1).
	obsolete bool
}

// comment is the text of one comment, quoted-pairs resolved, and the index
// of the token it stands before.
type comment struct {
	text   string
	before int
}

// isAtext reports the characters of atext (RFC 5322 section 3.2.3), with
// the bytes of UTF-8 (RFC 6532 section 3.2); bytes that are not UTF-8 are
// let in too and flagged.
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= 0x80:
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// isControl reports obs-NO-WS-CTL and NUL: control characters other than
// white space, which obs-qtext, obs-ctext and obs-dtext let in.
func isControl(c byte) bool { return c < 0x20 && !isWSP(c) || c == 0x7f }

// lex splits an unfolded value into tokens and comments.
func lex(s string) ([]token, []comment, error) {
	var toks []token
	var comments []comment
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isWSP(c):
			space = true
			i++
			continue
		case c == '(':
			body, n, err := enclosed(s[i:], '(', ')')
			if err != nil {
				return nil, nil, err
			}
			comments = append(comments, comment{body, len(toks)})
			space = true
			i += n
			continue
		}
		t := token{space: space}
		n := 1
		var err error
		switch {
		case c == '"':
			t.kind = quoted
			t.value, n, err = enclosed(s[i:], '"', '"')
			t.text = s[i : i+n]
		case c == '[':
			t.kind = literal
			t.text, n, err = domainLiteral(s[i:])
		case strings.IndexByte("<>@,;:.", c) >= 0:
			t.kind, t.text = special, s[i:i+1]
		case isAtext(c):
			for i+n < len(s) && isAtext(s[i+n]) {
				n++
			}
			t.kind, t.text = atom, s[i:i+n]
		default:
			err = fmt.Errorf("the character %q cannot stand there", c)
		}
		if err != nil {
			return nil, nil, err
		}
		i += n
		t.eightBit = !utf8.ValidString(t.text)
		t.obsolete = t.kind == quoted && hasControl(t.value) || t.kind == literal && (hasControl(t.text) || strings.Contains(t.text, `\`))
		toks = append(toks, t)
		space = false
	}
	return toks, comments, nil
}

// enclosed reads a quoted string (open and close '"') or a comment (open
// '(' and close ')', nested) at the start of s: its content with
// quoted-pairs resolved and nested comments kept as written, and the
// length of it all.
func enclosed(s string, open, close byte) (body string, n int, err error) {
	var b strings.Builder
	depth := 1
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
			continue
		case c == close:
			if depth--; depth == 0 {
				return b.String(), i + 1, nil
			}
		case c == open:
			depth++
		}
		b.WriteByte(c)
	}
	what := "quoted string"
	if open == '(' {
		what = "comment"
	}
	return "", 0, fmt.Errorf("a %s is not closed: %s", what, text.Clip(s, 40))
}

// domainLiteral reads a domain literal at the start of s (RFC 5322 section
// 3.4.1, with obs-dtext of section 4.4): as written but for the folding
// white space inside, which is dropped, and the length of it all.
func domainLiteral(s string) (lit string, n int, err error) {
	var b strings.Builder
	b.WriteByte('[')
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == ']':
			b.WriteByte(']')
			return b.String(), i + 1, nil
		case c == '[':
			return "", 0, fmt.Errorf("a domain literal holds a '[': %s", text.Clip(s, 40))
		case c == '\\' && i+1 < len(s):
			b.WriteString(s[i : i+2])
			i++
		case !isWSP(c):
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("a domain literal is not closed: %s", text.Clip(s, 40))
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if isControl(s[i]) {
			return true
		}
	}
	return false
}
