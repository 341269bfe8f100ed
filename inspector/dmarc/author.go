package dmarc

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"

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
// names are fine). The domain is lower case, in the form written (Unicode
// or "xn--"). addrs are the addresses found.
//
// It fails with a *FromError when there is no From field, several From
// fields, addresses in several domains in one field, a field that is not an
// address list, or an address without a valid domain name.
func AuthorDomain(from []string) (dom string, addrs []string, err error) {
	switch len(from) {
	case 0:
		return "", nil, &FromError{CodeNoFrom, "the message has no From field, so it names no author domain for DMARC to protect; " +
			"every real message has one, so its absence means the message was damaged or made to slip past checks"}
	case 1:
	default:
		var seen []string
		for _, v := range from {
			if list, err := parseAddressList(v); err == nil {
				for _, a := range list {
					seen = append(seen, a.Address)
				}
			}
		}
		msg := fmt.Sprintf("the message has %d From fields", len(from))
		if len(seen) > 0 {
			msg += " (" + strings.Join(seen, ", ") + ")"
		}
		return "", seen, &FromError{CodeMultipleFrom, msg + "; a mail program may show one while a filter checks another, " +
			"a classic spoofing trick, so no author domain can be trusted"}
	}
	list, err := parseAddressList(from[0])
	if err != nil {
		list, err = parseEightBit(from[0], err)
	}
	if err != nil {
		return "", nil, &FromError{CodeBadFrom, fmt.Sprintf("the From field %q is not a valid address (%v), so it names no author domain "+
			"for DMARC to check; a reader cannot tell who sent it", text.Clip(message.Unfold(from[0]), 120), err)}
	}
	if len(list) == 0 {
		return "", nil, &FromError{CodeBadFrom, fmt.Sprintf("the From field %q holds no address, so it names no author domain for DMARC to check",
			text.Clip(message.Unfold(from[0]), 120))}
	}
	for _, a := range list {
		addrs = append(addrs, a.Address)
	}
	for i, a := range list {
		at := strings.LastIndexByte(a.Address, '@')
		d := strings.ToLower(strings.TrimSuffix(a.Address[at+1:], "."))
		if err := checkAuthorDomain(d); err != nil {
			return "", addrs, &FromError{CodeBadDomain, fmt.Sprintf("the From address %s has no usable domain: %v", a.Address, err)}
		}
		if i == 0 {
			dom = d
		} else if domain.Normalize(d) != domain.Normalize(dom) {
			return "", addrs, &FromError{CodeMultipleAuthors, fmt.Sprintf("the From field holds addresses in several domains (%s); "+
				"DMARC cannot tell which one is the author, and a mail program may show only one of them", strings.Join(addrs, ", "))}
		}
	}
	return dom, addrs, nil
}

// FromValues returns the value of every From field of m, as written (from
// the raw bytes, not the display-decoded Value, whose decoded display name
// may no longer parse as an address), for Input.From.
func FromValues(m *message.Message) []string {
	var vs []string
	for _, f := range m.Header {
		if !strings.EqualFold(strings.TrimSpace(f.Name), "From") {
			continue
		}
		v := f.Value
		if _, raw, ok := strings.Cut(string(f.Raw), ":"); ok {
			v = raw
		}
		vs = append(vs, v)
	}
	return vs
}

// parseAddressList reads a From value with net/mail, accepting encoded
// words in any charset: a display name is not what DMARC checks, so an
// unknown charset there must not hide the address.
func parseAddressList(v string) ([]*mail.Address, error) {
	p := mail.AddressParser{WordDecoder: &mime.WordDecoder{
		CharsetReader: func(_ string, r io.Reader) (io.Reader, error) { return r, nil },
	}}
	return p.ParseList(message.Unfold(v))
}

// parseEightBit reads a From value whose only fault is raw 8-bit bytes
// outside the address, as old mail programs write display names in
// Latin-1 ("J\xf6rg <jorg@example.com>"). The bytes are not what DMARC
// checks, so they are read as any other character; an address with such
// bytes is still refused, and so is anything else parseErr was about.
func parseEightBit(v string, parseErr error) ([]*mail.Address, error) {
	if !hasEightBit(v) {
		return nil, parseErr
	}
	clean := []byte(v)
	for i, c := range clean {
		if c >= 0x80 {
			clean[i] = '?'
		}
	}
	list, err := parseAddressList(string(clean))
	if err != nil {
		return nil, parseErr
	}
	for _, a := range list {
		if strings.Contains(a.Address, "?") {
			return nil, parseErr
		}
	}
	return list, nil
}

// EightBitFrom reports whether a From value is read only by tolerating raw
// 8-bit bytes in its display name (see AuthorDomain), for a note.
func EightBitFrom(v string) bool {
	if _, err := parseAddressList(v); err == nil {
		return false
	}
	_, err := parseEightBit(v, errors.New(""))
	return err == nil
}

func hasEightBit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
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
