// Package address is the one reader of author addresses in the engine: it
// parses the value of an originator field (From, Sender, Reply-To; RFC
// 5322 section 3.6.2) as written, and every part of the engine that needs
// the author (the report's From, DMARC's author domain, the checks to come)
// reads it here, so that they all see the same mailboxes.
//
// It accepts what RFC 5322 allows, including what a mail program still
// shows though RFC 5322 no longer lets it be written:
//
//   - section 3.4: address-list and mailbox-list, name-addr and addr-spec,
//     groups ("undisclosed-recipients:;", "team: a@x, b@y;");
//   - section 3.2.2: comments, nested and with quoted-pairs, and folding
//     white space wherever CFWS may stand;
//   - section 3.2.4: quoted strings, as display names and local parts;
//   - section 3.4.1: domain literals ("user@[192.0.2.1]");
//   - section 4.4: obsolete syntax: obs-phrase (periods in a display name,
//     "John Q. Public"), obs-route ("<@a.example,@b.example:user@d>"),
//     obs-local-part and obs-domain (CFWS around the periods, quoted
//     words between them), obs-addr-list and obs-mbox-list (empty list
//     elements), obs-qtext, obs-ctext and obs-dtext (control characters);
//   - RFC 6532 section 3.2: UTF-8 in atoms, quoted strings, comments and
//     domain literals, so in local parts and domains too;
//   - RFC 2047: encoded words in display names and comments, decoded for
//     display with the charsets the message package knows.
//
// Raw 8-bit bytes that are not UTF-8, as old mail programs write names in
// Latin-1, are kept in a display name or comment (shown as U+FFFD) with a
// note; in an address they are refused, since two programs would read it
// differently.
//
// When the value is not valid even so, a lenient pass reads each element
// of the list the way mail programs do (the address in the last angle
// brackets, else the last word holding an "@") and says so in a note: a
// From that a mail program displays is never "not a valid address". Only a
// value that holds no address at all is an error.
package address

import (
	"errors"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// Mailbox is one mailbox of an address list (RFC 5322 section 3.4).
type Mailbox struct {
	// Name is the display name, for display: quoted strings unquoted,
	// words joined by one space, RFC 2047 encoded words decoded, bytes
	// that are not UTF-8 shown as U+FFFD. "" when there is none.
	Name string
	// Local and Domain are the two halves of the addr-spec as written,
	// without the comments and white space around and inside them (RFC
	// 5322 section 3.4.1): a quoted local part keeps its quotes, a domain
	// literal its brackets, and the case is kept.
	Local, Domain string
	// Address is Local "@" Domain.
	Address string
	// Comments holds the text of the comments in and around the mailbox,
	// in order, decoded for display as Name is.
	Comments []string
	// Group is the display name of the group the mailbox belongs to (RFC
	// 5322 section 3.4), "" outside a group.
	Group string
	// Route holds the domains of an obsolete source route (obs-route, RFC
	// 5322 section 4.4), which a receiver ignores.
	Route []string
}

// DisplayName is the name a mail program shows for the mailbox: Name, or
// when there is none the last comment, as in the old form
// "jdoe@example.org (John Doe)" (RFC 822 section 6.1).
func (m Mailbox) DisplayName() string {
	if m.Name == "" && len(m.Comments) > 0 {
		return m.Comments[len(m.Comments)-1]
	}
	return m.Name
}

// Codes of Note.
const (
	// NoteObsolete: the list uses obsolete syntax (RFC 5322 section 4.4)
	// that a receiver still reads.
	NoteObsolete = "obsolete"
	// NoteEightBit: a display name or comment holds raw 8-bit bytes that
	// are not UTF-8, which neither RFC 5322 nor RFC 6532 allows; they are
	// shown as U+FFFD and the address is read as usual.
	NoteEightBit = "eight_bit"
	// NoteEncodedWord: an RFC 2047 encoded word could not be decoded (an
	// unknown charset, say) and is shown as written.
	NoteEncodedWord = "encoded_word"
	// NoteLenient: an element of the list is not valid RFC 5322; the
	// address was read from it as a mail program reads it, or the element
	// holds none and was left out.
	NoteLenient = "lenient"
)

// Note says what was tolerated or repaired while reading a list.
type Note struct {
	Code string // one of the Note constants
	Text string // a sentence for people
}

// List is what an address list holds.
type List struct {
	// Mailboxes are the mailboxes of the list in order, those of groups
	// included (see Mailbox.Group).
	Mailboxes []Mailbox
	// Groups are the display names of the groups, in order, empty ones
	// ("undisclosed-recipients:;") included.
	Groups []string
	// Notes say what was tolerated or repaired, each once, and at most
	// five of each code.
	Notes []Note
}

// Addresses returns the Address of each mailbox.
func (l *List) Addresses() []string {
	out := make([]string, len(l.Mailboxes))
	for i, m := range l.Mailboxes {
		out[i] = m.Address
	}
	return out
}

// Has says whether a note with the code was made.
func (l *List) Has(code string) bool {
	for _, n := range l.Notes {
		if n.Code == code {
			return true
		}
	}
	return false
}

// maxNotes is how many notes of one code a list keeps, so that a value
// of many broken elements does not make a report of many notes.
const maxNotes = 5

func (l *List) note(code, text string) {
	same := 0
	for _, n := range l.Notes {
		if n.Code == code {
			if same++; n.Text == text || same == maxNotes {
				return
			}
		}
	}
	l.Notes = append(l.Notes, Note{code, text})
}

// ErrNoAddress is the error of a value from which no address can be read
// (errors.Is tells it; the error that ParseList returns says more).
var ErrNoAddress = errors.New("no address can be read from it")

// ParseList reads the value of an originator field as written after the
// colon (folding allowed, encoded words not yet decoded: the raw value,
// message.Field.RawValue) as an address-list of RFC 5322 section 3.4,
// which covers mailbox-list too. A list may hold no mailbox at all (an
// empty group); the error says that a value holds no address anywhere.
func ParseList(value string) (*List, error) {
	v := message.Unfold(value)
	l, err := parseStrict(v)
	if err == nil {
		return l, nil
	}
	return lenient(v, err)
}
