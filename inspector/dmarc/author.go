package dmarc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/address"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/internal/text"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// Codes of FromError: why a message has no single author domain.
const (
	CodeNoFrom          = "no_from"          // no From field at all
	CodeMultipleFrom    = "multiple_from"    // more than one From field
	CodeMultipleAuthors = "multiple_authors" // one From field, addresses in several domains
	CodeBadFrom         = "bad_from"         // the From field is not an address list
	CodeBadDomain       = "bad_domain"       // the address has no usable domain
)

// FromError says why the From field does not name one author domain. Each
// of these is a way to show a reader one address while a filter checks
// another, so it is reported, never repaired.
type FromError struct {
	Code string
	Msg  string
}

func (e *FromError) Error() string { return e.Msg }

// AuthorDomain returns the author domain (RFC 7489 section 3.1) of a message
// from the values of its From fields, one string per field, as they stand
// in the message after "From:" (folding allowed; encoded words in display
// names are fine), read by package address. The domain is lower case, in
// the form written (Unicode or "xn--"). addrs are the addresses found.
//
// It fails with a *FromError when there is no From field, several From
// fields, addresses in several domains in one field (Check then evaluates
// each), a field that holds no address, or an address without a valid
// domain name.
func AuthorDomain(from []string) (dom string, addrs []string, err error) {
	a, err := readAuthors(from)
	if a != nil {
		addrs = a.list.Addresses()
	}
	if err != nil {
		return "", addrs, err
	}
	return a.domains[0], addrs, nil
}

// authors is what the From field says about the authors.
type authors struct {
	list *address.List
	// domains are the author domains, lower case, each once (spellings of
	// one name, Unicode and "xn--", count once), in order.
	domains []string
}

// readAuthors reads the From fields as AuthorDomain does. With addresses
// in several domains it returns them all with the CodeMultipleAuthors
// error; with other errors, what it could read.
func readAuthors(from []string) (*authors, error) {
	switch len(from) {
	case 0:
		return nil, &FromError{CodeNoFrom, "the message has no From field, so it names no author domain for DMARC to protect; " +
			"every real message has one, so its absence means the message was damaged or made to slip past checks"}
	case 1:
	default:
		all := &address.List{}
		for _, v := range from {
			if list, err := address.ParseList(v); err == nil {
				all.Mailboxes = append(all.Mailboxes, list.Mailboxes...)
			}
		}
		msg := fmt.Sprintf("the message has %d From fields", len(from))
		if seen := all.Addresses(); len(seen) > 0 {
			msg += " (" + strings.Join(seen, ", ") + ")"
		}
		return &authors{list: all}, &FromError{CodeMultipleFrom, msg + "; a mail program may show one while a filter checks another, " +
			"a classic spoofing trick, so no author domain can be trusted"}
	}
	list, err := address.ParseList(from[0])
	if err != nil {
		return nil, &FromError{CodeBadFrom, fmt.Sprintf("the From field %q is not a valid address (%v), so it names no author domain "+
			"for DMARC to check; a reader cannot tell who sent it", text.Clip(message.Unfold(from[0]), 120), err)}
	}
	a := &authors{list: list}
	if len(list.Mailboxes) == 0 {
		return a, &FromError{CodeBadFrom, fmt.Sprintf("the From field %q holds no address, so it names no author domain for DMARC to check",
			text.Clip(message.Unfold(from[0]), 120))}
	}
	for _, m := range list.Mailboxes {
		d := domain.OfAddress(m.Address)
		if err := checkAuthorDomain(d); err != nil {
			return a, &FromError{CodeBadDomain, fmt.Sprintf("the From address %s has no usable domain: %v", m.Address, err)}
		}
		if !slices.ContainsFunc(a.domains, func(seen string) bool { return domain.Equal(seen, d) }) {
			a.domains = append(a.domains, d)
		}
	}
	if len(a.domains) > 1 {
		return a, &FromError{CodeMultipleAuthors, fmt.Sprintf("the From field holds addresses in several domains (%s); "+
			"a mail program may show only one of them, so each author domain must pass DMARC on its own",
			strings.Join(list.Addresses(), ", "))}
	}
	return a, nil
}

// notes are what DMARC tells of how the From field was read: raw 8-bit
// bytes in a display name, and addresses read leniently.
func (a *authors) notes() []string {
	var out []string
	if a.list.Has(address.NoteEightBit) {
		out = append(out, "the From field's display name holds raw 8-bit bytes, which RFC 5322 does not allow (an old mail program writes names so); "+
			"the address was read from it as usual")
	}
	for _, n := range a.list.Notes {
		if n.Code == address.NoteLenient {
			out = append(out, "the From field: "+n.Text)
		}
	}
	return out
}

// FromValues returns the value of every From field of m, as written (the
// raw value, not the display-decoded Value, whose decoded display name may
// no longer parse as an address), for Input.From.
func FromValues(m *message.Message) []string {
	var vs []string
	for _, f := range m.Header {
		if strings.EqualFold(strings.TrimSpace(f.Name), "From") {
			vs = append(vs, f.RawValue())
		}
	}
	return vs
}

// checkAuthorDomain says what is wrong with d as the domain of an author
// address, or nil: an address literal has no DNS name to publish a DMARC
// record under (RFC 7489 section 3.1), and otherwise d must be a domain
// name.
func checkAuthorDomain(d string) error {
	if strings.HasPrefix(d, "[") {
		return fmt.Errorf("it is an address literal (%s), which has no DNS name to publish a DMARC record under", d)
	}
	return domain.Check(d)
}
