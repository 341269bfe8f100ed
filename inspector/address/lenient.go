package address

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// lenient reads a value that is not a valid address-list the way mail
// programs do: element by element (split at the commas outside quotes,
// comments and angle brackets), each read strictly if it can be, else
// salvaged (see salvage). strictErr, why the whole value failed, is
// wrapped in the error when no address is found at all.
func lenient(v string, strictErr error) (*List, error) {
	l := &List{}
	for _, el := range splitElements(v) {
		el = strings.TrimSpace(el)
		if el == "" {
			continue
		}
		sub, err := parseStrict(el)
		if err == nil {
			l.Mailboxes = append(l.Mailboxes, sub.Mailboxes...)
			l.Groups = append(l.Groups, sub.Groups...)
			for _, n := range sub.Notes {
				l.note(n.Code, n.Text)
			}
			continue
		}
		shown := text.Clip(strings.ToValidUTF8(el, "\uFFFD"), 80)
		if mb, ok := l.salvage(el); ok {
			l.Mailboxes = append(l.Mailboxes, mb)
			l.note(NoteLenient, fmt.Sprintf("%q is not valid RFC 5322 (%v); the address %s was read from it as mail programs read it",
				shown, err, mb.Address))
			continue
		}
		l.note(NoteLenient, fmt.Sprintf("%q is not valid RFC 5322 (%v) and holds no address, so it was left out", shown, err))
	}
	switch {
	case len(l.Mailboxes) > 0:
		return l, nil
	case errors.Is(strictErr, ErrNoAddress):
		return nil, strictErr
	}
	return nil, fmt.Errorf("%w (%v)", ErrNoAddress, strictErr)
}

// splitElements splits a value at the commas that separate the elements
// of a list: not those in quoted strings, comments, domain literals or a
// source route, whether or not these are closed.
func splitElements(v string) []string {
	var out []string
	start, angle := 0, -1
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '(' || c == '[':
			n, _ := skip(v[i:])
			i += n - 1
		case c == '<':
			angle = i
		case c == '>':
			angle = -1
		case c == ',' && (angle < 0 || !strings.HasPrefix(strings.TrimLeft(v[angle+1:i], " \t,"), "@")):
			out = append(out, v[start:i])
			start, angle = i+1, -1
		}
	}
	return append(out, v[start:])
}

// skip measures the quoted string, comment or domain literal at the start
// of s, read as the lexer reads them; one that is not closed runs to the
// end of s.
func skip(s string) (n int, closed bool) {
	var err error
	switch s[0] {
	case '"':
		_, n, err = enclosed(s, '"', '"')
	case '(':
		_, n, err = enclosed(s, '(', ')')
	default:
		_, n, err = domainLiteral(s)
	}
	if err != nil {
		return len(s), false
	}
	return n, true
}

// salvage reads the address of one element that is not valid RFC 5322 as
// mail programs do: the address in the last angle brackets (closed or
// not, a source route dropped), else the last word that holds an "@".
// Quoted strings and comments are looked past; when one is not closed and
// that finds nothing, they are read as any other text.
func (l *List) salvage(el string) (Mailbox, bool) {
	stripped, masked, closed := mask(el)
	if mb, ok := l.fromAngle(stripped, masked); ok {
		return mb, true
	}
	if mb, ok := fromWord(stripped, masked); ok || closed {
		return mb, ok
	}
	if mb, ok := l.fromAngle(el, el); ok {
		return mb, true
	}
	return fromWord(el, el)
}

// mask returns el without its comments, and the same with each byte of a
// quoted string (quotes included) turned into '"', so that what it holds
// is not taken for structure; closed says that every quoted string and
// comment was closed.
func mask(el string) (stripped, masked string, closed bool) {
	var s, m strings.Builder
	closed = true
	for i := 0; i < len(el); {
		c := el[i]
		if c != '"' && c != '(' {
			s.WriteByte(c)
			m.WriteByte(c)
			i++
			continue
		}
		n, ok := skip(el[i:])
		closed = closed && ok
		if c == '"' {
			s.WriteString(el[i : i+n])
			m.WriteString(strings.Repeat(`"`, n))
		}
		i += n
	}
	return s.String(), m.String(), closed
}

// fromAngle salvages the address in the last angle brackets of s, whose
// structure masked shows; what comes before them is the display name.
func (l *List) fromAngle(s, masked string) (Mailbox, bool) {
	lt := strings.LastIndexByte(masked, '<')
	if lt < 0 {
		return Mailbox{}, false
	}
	inner := s[lt+1:]
	if gt := strings.IndexByte(masked[lt+1:], '>'); gt >= 0 {
		inner = inner[:gt]
	}
	inner = strings.TrimSpace(inner)
	var route []string
	if strings.HasPrefix(inner, "@") {
		if colon := strings.LastIndexByte(inner, ':'); colon >= 0 {
			for r := range strings.SplitSeq(inner[:colon], ",") {
				if r = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r), "@")); r != "" {
					route = append(route, r)
				}
			}
			inner = strings.TrimSpace(inner[colon+1:])
		}
	}
	mb, ok := lax(inner)
	if !ok {
		return Mailbox{}, false
	}
	mb.Route = route
	mb.Name = l.display(unquote(strings.TrimSpace(s[:lt])))
	return mb, true
}

// fromWord salvages the last word of s (words split at white space
// outside quoted strings, as masked shows) that is an address, with the
// punctuation around it dropped.
func fromWord(s, masked string) (Mailbox, bool) {
	words := strings.Fields(masked)
	end := len(masked)
	for k := len(words) - 1; k >= 0; k-- {
		start := strings.LastIndex(masked[:end], words[k])
		end = start
		if !strings.Contains(words[k], "@") {
			continue
		}
		w := s[start : start+len(words[k])]
		for _, cut := range []string{"<>,;:", "<>,;:\"'"} {
			if mb, ok := lax(strings.Trim(w, cut)); ok {
				return mb, true
			}
		}
	}
	return Mailbox{}, false
}

// lax takes s for an addr-spec if it looks like one: a local part and a
// domain around its last "@", valid UTF-8, with no white space (but in a
// quoted local part), control characters or structure in either.
func lax(s string) (Mailbox, bool) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || !utf8.ValidString(s) {
		return Mailbox{}, false
	}
	local, dom := s[:at], s[at+1:]
	quotedLocal := len(local) >= 2 && local[0] == '"' && local[len(local)-1] == '"'
	literalDomain := len(dom) >= 2 && dom[0] == '[' && dom[len(dom)-1] == ']'
	if quotedLocal && hasControl(local) || !quotedLocal && !plain(local) ||
		literalDomain && !plain(dom[1:len(dom)-1]) || !literalDomain && !plain(dom) {
		return Mailbox{}, false
	}
	return Mailbox{Local: local, Domain: dom, Address: s}, true
}

// plain says that s holds no white space, control character or character
// that structures an address.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || strings.IndexByte(`<>()[]\",;:@`, c) >= 0 {
			return false
		}
	}
	return s != ""
}

// unquote removes the quotes of a display name read leniently, the
// closing one even if missing.
func unquote(s string) string {
	switch {
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		s = s[1 : len(s)-1]
	case strings.Count(s, `"`) == 1 && s[0] == '"':
		s = s[1:]
	default:
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
