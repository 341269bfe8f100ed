// Package received parses one Received header field (RFC 5321 section
// 4.4) as real MTAs write it: Postfix, Exim, Sendmail, qmail, Microsoft
// Exchange and Office 365, Gmail, Fastmail and Cyrus, Haraka, OpenSMTPD,
// and the older ones of SpamAssassin's test suite (CommuniGate, Courier,
// ecelerity, XMail, NAVGW, TIS smap, Exim 3).
//
// The grammar of RFC 5321 is a starting point, not a promise: each MTA puts
// the sending host's HELO name, reverse-DNS name and address in its own
// order and punctuation, and TLS details in its own comment. Parse reads
// them all into one Received, and never gives up on a field: what it cannot
// read is kept raw and explained in Note. Fields that record no hand-off
// from one host to another (a fetchmail retrieval, a local submission, a
// content filter's pass) are read as well, and say so in NotHop.
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

	// NotHop is empty when the field records a hand-off from one host to
	// another over the network (SMTP, LMTP, or webmail over HTTP): only
	// such a field can say where a message entered. Otherwise it says, in
	// words, what the field records instead: a retrieval by fetchmail over
	// POP or IMAP, a local submission or pickup, a content scanner's pass,
	// a list server's spool. Its other fields are still read: the address
	// of a POP server is worth showing, but no one connected from it.
	NotHop string `json:"not_hop,omitempty"`

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
	r := &Received{Raw: squeezeSpace(raw)}
	var notes []string
	text := r.Raw
	if text == "" {
		r.Note = "The Received field is empty."
		return r, ErrUnreadable
	}

	toks, dateText, text, notes := splitDate(text, notes)
	dateText, afterDate := splitAfterDate(dateText)
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
	r.readClauses(&cl)
	r.readAfterDate(afterDate)
	from := cl.byName["from"]
	if from == nil {
		from = commentFrom(cl.byName[""])
	}
	var fromNotes []string
	if from != nil {
		fromNotes = r.readFrom(from)
	}
	r.NotHop = notHop(&cl, from, r)
	if r.NotHop == "" {
		// What a from clause lacks matters only for a hop.
		notes = append(notes, fromNotes...)
	}

	var err error
	if cl.byName["from"] == nil && cl.byName["by"] == nil {
		if pre := cl.byName[""]; pre != nil && isQmailLocal(pre) {
			r.Software = "qmail"
		} else if r.NotHop == "" {
			notes = append(notes, "Neither a \"from\" nor a \"by\" clause could be found; the field is shown as written.")
			err = ErrUnreadable
		}
	}
	r.Note = strings.Join(notes, " ")
	return r, err
}

// splitDate tokenizes the text of a field and splits off its date: what
// follows the last ";" outside comments, or a date at the end of a field
// that has no ";". It returns the tokens before the date, the date's text
// (with its ";"), the text as read (a comment left open closed), and notes.
func splitDate(text string, notes []string) ([]token, string, string, []string) {
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
	return toks, dateText, text, notes
}

// Time reads only the date of a Received field value, as Parse reads it,
// for a caller that needs no more (the time a message arrived).
func Time(raw string) (time.Time, bool) {
	text := squeezeSpace(raw)
	if text == "" {
		return time.Time{}, false
	}
	_, dateText, _, _ := splitDate(text, nil)
	dateText, _ = splitAfterDate(dateText)
	if dateText == "" {
		return time.Time{}, false
	}
	return ParseDate(strings.TrimPrefix(dateText, ";"))
}

// readClauses reads every clause but from: what the receiving host says
// of itself and of the hand-off, which tells how to read the from clause
// (the protocol of webmail, the software's own conventions).
func (r *Received) readClauses(cl *clauses) {
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
	if m := cl.mailFrom; m != nil && r.EnvelopeFrom == "" {
		v, _ := m.value()
		r.EnvelopeFrom = envelope(v.text)
	}
}

// commentFrom finds a from clause written inside a comment before the
// first keyword: NAVGW's "(from NAME [192.0.2.1]) by host", Sendmail's
// "(from alice@localhost) by host" for a local submission.
func commentFrom(pre *clause) *clause {
	if pre == nil {
		return nil
	}
	for _, cm := range pre.comments() {
		if len(cm) > 5 && strings.EqualFold(cm[:5], "from ") {
			toks, _ := tokenize(cm)
			return splitClauses(toks).byName["from"]
		}
	}
	return nil
}

// splitAfterDate splits what follows the last ";" into the date and the
// clauses a few MTAs write after it: "(envelope-from a@example.com)"
// (some Postfix set-ups), "id 000000DB.43735815" (MDaemon).
func splitAfterDate(s string) (date string, after []token) {
	toks, _ := tokenize(s)
	for i, t := range toks {
		if (t.kind == comment && envelopeFrom.MatchString(strings.TrimSpace(t.text))) ||
			(t.kind == word && strings.EqualFold(t.text, "id") && i+1 < len(toks)) {
			return s[:t.pos], toks[i:]
		}
	}
	return s, nil
}

// readAfterDate reads the clauses found after the date; those before it
// come first.
func (r *Received) readAfterDate(toks []token) {
	for i, t := range toks {
		switch {
		case t.kind == comment && r.EnvelopeFrom == "":
			r.readComment(t.text)
		case t.kind == word && strings.EqualFold(t.text, "id") && i+1 < len(toks) && r.ID == "":
			r.ID = toks[i+1].text
		}
	}
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
