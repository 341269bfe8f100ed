package received

import "strings"

// kind tells the lexical pieces of a Received value apart.
type kind int

const (
	word      kind = iota // a run of characters up to a space or a special
	comment               // a parenthesised comment; text is its inside
	angle                 // an <address>; text is its inside
	literal               // a [bracketed] address literal; text is its inside
	semicolon             // the ";" that puts the date last
)

type token struct {
	kind kind
	text string
	pos  int // byte offset of the token in the tokenized string
}

// written gives the token back as the field wrote it: an address literal
// with its brackets, an <address> with its angle brackets.
func (t token) written() string {
	switch t.kind {
	case literal:
		return "[" + t.text + "]"
	case angle:
		return "<" + t.text + ">"
	}
	return t.text
}

// tokenize splits a Received value into words, comments, <addresses>,
// [literals] and semicolons. It never fails: an unclosed comment, bracket or
// angle takes the rest of the value, and unclosed reports that this
// happened, so that the caller can say the header was cut or malformed.
func tokenize(s string) (toks []token, unclosed bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == ';':
			toks = append(toks, token{semicolon, ";", i})
			i++
		case c == '(':
			text, n, ok := ScanComment(s[i:])
			toks = append(toks, token{comment, text, i})
			unclosed = unclosed || !ok
			i += n
		case c == '<' || c == '[':
			end := byte('>')
			k := angle
			if c == '[' {
				end, k = ']', literal
			}
			j := strings.IndexByte(s[i+1:], end)
			if j < 0 {
				toks = append(toks, token{k, s[i+1:], i})
				unclosed = true
				i = len(s)
				continue
			}
			toks = append(toks, token{k, s[i+1 : i+1+j], i})
			i += j + 2
		case c == '"':
			// A quoted string (rare: a quoted local part) is one word,
			// quotes kept, so that a ";" or "(" inside it is not syntax.
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				unclosed = true
				j = len(s) - 1
			}
			toks = append(toks, token{word, s[i : j+1], i})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n;()<>[]\"", rune(s[j])) {
				j++
			}
			if j == i {
				// A stray ")", "]" or ">": keep it as a word of its own.
				j++
			}
			toks = append(toks, token{word, s[i:j], i})
			i = j
		}
	}
	return toks, unclosed
}

// ScanComment reads a comment starting at s[0] == '(' with nested comments
// and backslash quoting (RFC 5322 ccontent). It returns the text between the
// outer parentheses, the bytes consumed, and whether the comment closed.
func ScanComment(s string) (string, int, bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[1:i], i + 1, true
			}
		}
	}
	return s[1:], len(s), false
}

// squeezeSpace turns every run of white space, folding included, into a
// single space. It is more than RFC 5322 unfolding (message.Unfold): MTAs
// align Received clauses with runs of spaces, which mean nothing, and Raw
// is compared and shown in this one form.
func squeezeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
