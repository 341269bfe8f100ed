// Package received parses one Received header field (RFC 5321 section
// 4.4) as real MTAs write it: Postfix, Exim, Sendmail, qmail, Microsoft
// Exchange and Office 365, Gmail, Fastmail and Cyrus, Haraka, OpenSMTPD.
//
// The grammar of RFC 5321 is a starting point, not a promise: each MTA puts
// the sending host's HELO name, reverse-DNS name and address in its own
// order and punctuation, and TLS details in its own comment. Parse reads
// them all into one Received, and never gives up on a field: what it cannot
// read is kept raw and explained in Note.
package received

import (
	"errors"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// Received is one Received field, read.
type Received struct {
	// Raw is the field value as it appeared (folding removed), for display.
	Raw string `json:"raw"`

	// FromHELO is the name the sending host gave in HELO/EHLO, as the
	// receiving MTA recorded it (an address literal such as "[192.0.2.1]"
	// if that is what it said).
	FromHELO string `json:"helo,omitempty"`
	// FromRDNS is the reverse-DNS name of the sending address as the
	// receiving MTA found it (lower case); empty when it recorded none or
	// wrote "unknown".
	FromRDNS string `json:"rdns,omitempty"`
	// RDNSUnknown is true when the receiving MTA says it found no
	// trustworthy reverse-DNS name ("unknown", "may be forged", or an
	// address where the name would be), as opposed to a format that never
	// records one (Exchange writes only the HELO name and the address).
	RDNSUnknown bool `json:"rdns_unknown,omitempty"`
	// FromIP is the address the sending host connected from.
	FromIP netip.Addr `json:"ip,omitzero"`

	// By is the receiving host, as it names itself.
	By string `json:"by,omitempty"`
	// ByIP is the receiving host's address when the field gives it
	// (Exchange does).
	ByIP netip.Addr `json:"by_ip,omitzero"`
	// Software is the receiving MTA as it names itself in a comment:
	// "Postfix", "Exim 4.96", "8.15.2/8.15.2", "Haraka/3.0.3".
	Software string `json:"software,omitempty"`
	// Via is the link type (RFC 5321 "via"), e.g. "Frontend Transport".
	Via string `json:"via,omitempty"`
	// With is the protocol as written: "ESMTPS", "esmtpsa", "LMTP",
	// "Microsoft SMTP Server".
	With string `json:"with,omitempty"`
	// ID is the receiving MTA's queue or message id.
	ID string `json:"id,omitempty"`
	// For is the recipient address the field names, without brackets.
	For string `json:"for,omitempty"`
	// EnvelopeFrom is the MAIL FROM address when the MTA records it (Exim
	// and Haraka do), without brackets; "<>" for the null sender.
	EnvelopeFrom string `json:"envelope_from,omitempty"`

	// TLS holds the encryption details when the field gives any.
	TLS *TLS `json:"tls,omitempty"`
	// Encrypted is true when the field says the hand-off used TLS, by
	// details or by the S of ESMTPS (RFC 3848).
	Encrypted bool `json:"encrypted"`
	// Authenticated is true when the field says the client authenticated
	// (the A of ESMTPA, or a comment such as "Authenticated sender:").
	Authenticated bool `json:"authenticated"`
	// AuthenticatedAs is the authenticated user when the field names it.
	AuthenticatedAs string `json:"authenticated_as,omitempty"`

	// Time is the date that ends the field; zero when missing or unreadable.
	Time time.Time `json:"time,omitzero"`

	// Note says, in words, what could not be read or looks wrong.
	Note string `json:"note,omitempty"`
}

// ErrUnreadable is returned (wrapped) when a field gives neither a from nor
// a by clause: nothing about the hop could be read.
var ErrUnreadable = errors.New("received: no from or by clause")

// Parse reads one Received field value, folded or not. It always returns a
// Received with Raw set. The error is non-nil only when nothing about the
// hop could be read; the Received then carries Raw and a Note saying so.
// Lesser problems (no date, an unclosed comment) are only noted.
func Parse(raw string) (*Received, error) {
	r := &Received{Raw: unfold(raw)}
	var notes []string
	text := r.Raw
	if text == "" {
		r.Note = "The Received field is empty."
		return r, ErrUnreadable
	}

	toks, unclosed := tokenize(text)
	if unclosed {
		if fixed, ok := closeComment(text); ok {
			toks, _ = tokenize(fixed)
			text = fixed
			notes = append(notes, "A parenthesis is not closed; it was taken to end before the next clause.")
		} else {
			notes = append(notes, "A comment, bracket or <address> is not closed; the field may have been cut.")
		}
	}

	// The date follows the last ";" outside comments.
	last := -1
	for i, t := range toks {
		if t.kind == semicolon {
			last = i
		}
	}
	dateText := ""
	if last >= 0 {
		dateText = text[toks[last].pos:]
		toks = toks[:last]
	} else if at := findTrailingDate(text); at >= 0 {
		dateText = text[at:]
		notes = append(notes, "There is no \";\" before the date.")
		toks, _ = tokenize(text[:at])
	}
	switch {
	case dateText == "":
		notes = append(notes, "There is no date, so this hop's time is unknown.")
	default:
		t, ok := ParseDate(strings.TrimPrefix(dateText, ";"))
		if ok {
			r.Time = t
		} else {
			notes = append(notes, "The date \""+strings.TrimSpace(strings.TrimPrefix(dateText, ";"))+"\" could not be read, so this hop's time is unknown.")
		}
	}

	cl := splitClauses(toks)
	for _, c := range cl.all {
		for _, t := range c.toks {
			if t.kind == comment {
				r.readComment(t.text)
			}
		}
	}
	if len(cl.repeated) > 0 {
		notes = append(notes, "The "+strings.Join(cl.repeated, ", ")+" clause appears more than once; the first is used.")
	}
	if f := cl.byName["from"]; f != nil {
		notes = append(notes, r.readFrom(f)...)
	}
	if b := cl.byName["by"]; b != nil {
		r.readBy(b)
	}
	if w := cl.byName["with"]; w != nil {
		r.readWith(w)
	}
	if v := cl.byName["via"]; v != nil {
		r.Via = strings.Join(v.words(), " ")
	}
	if id := cl.byName["id"]; id != nil {
		r.readID(id)
	}
	if f := cl.byName["for"]; f != nil {
		r.For = f.firstAddress()
	}

	var err error
	if cl.byName["from"] == nil && cl.byName["by"] == nil {
		if pre := cl.byName[""]; pre != nil && isQmailLocal(pre) {
			r.Software = "qmail"
			notes = append(notes, "A qmail record of a hand-off inside one machine: no hosts are named.")
		} else {
			notes = append(notes, "Neither a \"from\" nor a \"by\" clause could be found; the field is shown as written.")
			err = ErrUnreadable
		}
	}
	r.Note = strings.Join(notes, " ")
	return r, err
}

// isQmailLocal reports a qmail line such as "(qmail 12345 invoked from
// network)" or "(qmail 1234 invoked by uid 89)".
func isQmailLocal(c *clause) bool {
	for _, t := range c.toks {
		if t.kind == comment && strings.HasPrefix(strings.ToLower(t.text), "qmail ") {
			return true
		}
	}
	return false
}

// clauseStart finds where a comment left open most likely should have
// ended: before the next clause keyword or the date.
var clauseStart = regexp.MustCompile(`(?i) (by|with|id|for|via) |;`)

// closeComment repairs a field whose top-level comment was never closed,
// as happens when a header is cut or hand-edited, by closing it before the
// next clause. It gives up (false) on anything else.
func closeComment(text string) (string, bool) {
	for range 3 {
		_, unclosed := tokenize(text)
		if !unclosed {
			return text, true
		}
		open := -1
		for i := 0; i < len(text); i++ {
			if text[i] == '(' {
				_, n, ok := ScanComment(text[i:])
				if !ok {
					open = i
					break
				}
				i += n - 1
			}
		}
		if open < 0 {
			return text, false
		}
		loc := clauseStart.FindStringIndex(text[open:])
		if loc == nil {
			return text, false
		}
		at := open + loc[0]
		text = text[:at] + ")" + text[at:]
	}
	_, unclosed := tokenize(text)
	return text, !unclosed
}
