package address

import (
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// wordDecoder decodes RFC 2047 encoded words for display, with the
// charsets of go-message's charset package, as the message package does.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// What the obsolete-syntax notes name (RFC 5322 section 4).
const (
	obsPhrase    = "a period in a display name (obs-phrase, RFC 5322 section 4.1)"
	obsText      = "control characters in a quoted string or domain literal (obs-qtext, obs-dtext, RFC 5322 sections 4.1 and 4.4)"
	obsLocalPart = "white space or comments between the words of a local part, or quoted words joined by periods (obs-local-part, RFC 5322 section 4.4)"
	obsDomain    = "white space or comments between the labels of a domain (obs-domain, RFC 5322 section 4.4)"
	obsRoute     = "a source route before the address (obs-route, RFC 5322 section 4.4), which receivers ignore"
	obsList      = "empty elements in a list (obs-addr-list, obs-mbox-list, obs-group-list, RFC 5322 section 4.4)"
)

// parser reads the tokens of one value by the grammar of RFC 5322 section
// 3.4 with the obsolete forms of section 4.4. Since CFWS makes no token, it
// may stand between any two tokens, as the obsolete grammar allows; where
// the current grammar does not allow it, a note says so.
type parser struct {
	toks     []token
	comments []comment
	i        int // the next token
	c        int // the first comment not yet given to a mailbox
	list     *List
}

// parseStrict reads v as an address-list, or fails.
func parseStrict(v string) (*List, error) {
	toks, comments, err := lex(v)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, comments: comments, list: &List{}}
	if err := p.addressList(); err != nil {
		return nil, err
	}
	return p.list, nil
}

func (p *parser) eof() bool { return p.i >= len(p.toks) }

// is reports whether the next token is the special c.
func (p *parser) is(c byte) bool {
	return !p.eof() && p.toks[p.i].kind == special && p.toks[p.i].text[0] == c
}

// unexpected is the error of a token that cannot stand where it is.
func (p *parser) unexpected(want string) error {
	if p.eof() {
		return fmt.Errorf("the value ends where %s should follow", want)
	}
	return fmt.Errorf("%q stands where %s should", text.Clip(p.toks[p.i].text, 40), want)
}

func (p *parser) obsolete(what string) {
	p.list.note(NoteObsolete, "obsolete syntax, which receivers still read: "+what)
}

// addressList reads address-list (section 3.4) or obs-addr-list (section
// 4.4): addresses separated by commas, empty elements allowed.
func (p *parser) addressList() error {
	found, err := p.elements(false, "")
	switch {
	case err != nil:
		return err
	case !p.eof():
		return p.unexpected("a comma")
	case found == 0:
		return ErrNoAddress
	}
	return nil
}

// elements reads the comma-separated elements of a list up to what cannot
// start one (the end, or the ";" that closes a group): addresses, or in a
// group (inGroup, named group) mailboxes. It returns how many were not
// empty.
func (p *parser) elements(inGroup bool, group string) (found int, err error) {
	elements := 0
	for {
		elements++
		if !p.eof() && !p.is(',') && !p.is(';') {
			if err := p.address(inGroup, group); err != nil {
				return 0, err
			}
			found++
		}
		if !p.is(',') {
			break
		}
		p.i++
	}
	// An empty group-list is current syntax; any other empty element is
	// obsolete.
	if elements > found && (found > 0 || elements > 1 || !inGroup) {
		p.obsolete(obsList)
	}
	return found, nil
}

// address reads one address (section 3.4): a group, a name-addr or an
// addr-spec, which all start with words.
func (p *parser) address(inGroup bool, group string) error {
	start := p.i
	words := p.words()
	var mb Mailbox
	switch {
	case p.is('<'):
		name, err := p.phrase(words)
		if err != nil {
			return err
		}
		if mb, err = p.angleAddr(); err != nil {
			return err
		}
		mb.Name = name
	case p.is(':') && !inGroup && len(words) > 0:
		return p.group(words)
	case p.is('@'):
		local, err := p.localPart(words)
		if err != nil {
			return err
		}
		p.i++
		dom, err := p.domain()
		if err != nil {
			return err
		}
		mb = Mailbox{Local: local, Domain: dom}
	default:
		return p.unexpected("an address (an '@' or '<')")
	}
	mb.Address = mb.Local + "@" + mb.Domain
	mb.Group = group
	mb.Comments = p.commentsUpTo(start, p.i)
	p.list.Mailboxes = append(p.list.Mailboxes, mb)
	return nil
}

// group reads the rest of a group (section 3.4) after its display name:
// ":", its mailboxes, ";".
func (p *parser) group(words []token) error {
	name, err := p.phrase(words)
	if err != nil {
		return err
	}
	p.i++
	p.list.Groups = append(p.list.Groups, name)
	if _, err := p.elements(true, name); err != nil {
		return err
	}
	if !p.is(';') {
		return p.unexpected("the ';' that closes the group " + name)
	}
	p.i++
	return nil
}

// words reads the atoms, quoted strings and periods that make a phrase or
// a local part.
func (p *parser) words() []token {
	start := p.i
	for !p.eof() && (p.toks[p.i].kind == atom || p.toks[p.i].kind == quoted || p.is('.')) {
		p.i++
	}
	return p.toks[start:p.i]
}

// phrase reads words as a display name (phrase, section 3.2.5, or
// obs-phrase, section 4.1) for display.
func (p *parser) phrase(words []token) (string, error) {
	var b strings.Builder
	for k, t := range words {
		switch {
		case t.kind == special && k == 0:
			return "", fmt.Errorf("a display name starts with a period")
		case t.kind == special:
			p.obsolete(obsPhrase)
		case t.obsolete:
			p.obsolete(obsText)
		}
		if k > 0 && t.space {
			b.WriteByte(' ')
		}
		if t.kind == quoted {
			b.WriteString(t.value)
		} else {
			b.WriteString(t.text)
		}
	}
	return p.list.display(b.String()), nil
}

// localPart reads words as a local part (section 3.4.1: dot-atom or
// quoted-string; obs-local-part, section 4.4: words joined by periods,
// CFWS around them), as written without the CFWS.
func (p *parser) localPart(words []token) (string, error) {
	var b strings.Builder
	obs := false
	for k, t := range words {
		if (k%2 == 1) != (t.kind == special) {
			return "", fmt.Errorf("the local part %q is not words joined by periods", text.Clip(join(words), 80))
		}
		if err := p.inAddress(t); err != nil {
			return "", err
		}
		obs = obs || k > 0 && (t.space || t.kind == quoted)
		b.WriteString(t.text)
	}
	if len(words)%2 == 0 {
		if len(words) == 0 {
			return "", fmt.Errorf("an address has no local part before its '@'")
		}
		return "", fmt.Errorf("the local part %q ends with a period", text.Clip(join(words), 80))
	}
	if obs || len(words) > 1 && words[0].kind == quoted {
		p.obsolete(obsLocalPart)
	}
	return b.String(), nil
}

// domain reads a domain (section 3.4.1: dot-atom or domain-literal;
// obs-domain, section 4.4: CFWS around the periods), as written without
// the CFWS.
func (p *parser) domain() (string, error) {
	if !p.eof() && p.toks[p.i].kind == literal {
		t := p.toks[p.i]
		p.i++
		return t.text, p.inAddress(t)
	}
	var b strings.Builder
	for first := true; ; first = false {
		if p.eof() || p.toks[p.i].kind != atom {
			return "", p.unexpected("a domain")
		}
		t := p.toks[p.i]
		if err := p.inAddress(t); err != nil {
			return "", err
		}
		if !first && t.space {
			p.obsolete(obsDomain)
		}
		b.WriteString(t.text)
		p.i++
		if !p.is('.') {
			return b.String(), nil
		}
		if p.toks[p.i].space {
			p.obsolete(obsDomain)
		}
		b.WriteByte('.')
		p.i++
	}
}

// inAddress checks a token of an addr-spec: raw 8-bit bytes that are not
// UTF-8 are refused there, since programs would read the address
// differently.
func (p *parser) inAddress(t token) error {
	if t.eightBit {
		return fmt.Errorf("the address part %q holds bytes that are not UTF-8", strings.ToValidUTF8(text.Clip(t.text, 80), "\uFFFD"))
	}
	if t.obsolete {
		p.obsolete(obsText)
	}
	return nil
}

// angleAddr reads an angle-addr (section 3.4) or obs-angle-addr (section
// 4.4, with a source route: "<@a.example,@b.example:user@c.example>").
func (p *parser) angleAddr() (Mailbox, error) {
	p.i++ // '<'
	var mb Mailbox
	if p.is('@') || p.is(',') {
		route, err := p.route()
		if err != nil {
			return mb, err
		}
		mb.Route = route
	}
	words := p.words()
	if !p.is('@') {
		return mb, p.unexpected("the '@' of an address in angle brackets")
	}
	local, err := p.localPart(words)
	if err != nil {
		return mb, err
	}
	p.i++
	if mb.Domain, err = p.domain(); err != nil {
		return mb, err
	}
	if !p.is('>') {
		return mb, p.unexpected("the '>' that closes the angle brackets")
	}
	p.i++
	mb.Local = local
	return mb, nil
}

// route reads obs-route (section 4.4): obs-domain-list ":".
func (p *parser) route() ([]string, error) {
	var route []string
	for p.is(',') {
		p.i++
	}
	for {
		if !p.is('@') {
			return nil, p.unexpected("an '@' and a domain of the source route")
		}
		p.i++
		d, err := p.domain()
		if err != nil {
			return nil, err
		}
		route = append(route, d)
		if !p.is(',') {
			break
		}
		for p.is(',') {
			p.i++
		}
		if !p.is('@') {
			break
		}
	}
	if !p.is(':') {
		return nil, p.unexpected("the ':' that ends a source route")
	}
	p.i++
	p.obsolete(obsRoute)
	return route, nil
}

// commentsUpTo gives a mailbox the comments from the start of its element
// to the token that ends it, decoded for display.
func (p *parser) commentsUpTo(start, end int) []string {
	var out []string
	for ; p.c < len(p.comments) && p.comments[p.c].before <= end; p.c++ {
		if c := p.comments[p.c]; c.before >= start {
			out = append(out, p.list.display(strings.TrimSpace(c.text)))
		}
	}
	return out
}

// display decodes text for display: RFC 2047 encoded words decoded (kept
// as written when they cannot be), bytes that are not UTF-8 shown as
// U+FFFD, each with a note.
func (l *List) display(s string) string {
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		} else {
			l.note(NoteEncodedWord, fmt.Sprintf("an encoded word in %q could not be decoded (%v), so it is shown as written",
				text.Clip(strings.ToValidUTF8(s, "\uFFFD"), 80), err))
		}
	}
	if !utf8.ValidString(s) {
		l.note(NoteEightBit, "a display name or comment holds raw 8-bit bytes that are not UTF-8, which RFC 5322 and RFC 6532 do not allow "+
			"(old mail programs write names so); they are shown as U+FFFD and the address is read as usual")
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// join is the text of tokens as written, for messages.
func join(toks []token) string {
	var b strings.Builder
	for k, t := range toks {
		if k > 0 && t.space {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}
