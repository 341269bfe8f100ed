// Package signals answers the second question a person asks of a
// suspicious message, beside "is it genuine": is this sender who they
// pretend to be? A message can pass SPF, DKIM and DMARC and still be
// phishing, because the attacker authenticates a domain of their own
// (paypa1-billing.example) perfectly. Signals are the marks of such a
// message that a careful reader would look for: a display name that names
// another address or a brand, replies that go elsewhere, a domain that
// imitates a trusted one, links that say one place and go to another,
// attachments that run code.
//
// A signal never changes an authentication result: the checks say whether
// the message is from the domain it names; signals say whether that
// domain is the one the reader thinks.
//
// # Severity
//
// Each code has one severity, in one table (Severities):
//
//	high    display_name_address, display_name_brand, lookalike_domain,
//	        own_domain_from_outside, link_text_mismatch, dangerous_attachment
//	medium  reply_to_other_org, idn_mixed_script, link_ip_literal
//	low     link_shortener, first_time_sender
//
// Context may lower a signal (its text then says why: a mailing list that
// rewrote the From, a link to another host of the same organisation), never
// raise it.
//
// # What is read
//
// Scan reads the message without the network: the links of its text parts
// (with the deliverability checks' reader, package deliver) and the names
// of its attachments, with the names inside zip archives read from the
// archive's central directory only. Find then judges, with what the
// engine found (DKIM and DMARC results, the boundary hop, the recipient's
// domain) and, when the memory of senders is on, who wrote before.
// Nothing is fetched, no HTML is rendered.
package signals

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// Severity says how strongly a signal points to a trap.
type Severity string

// Severities of signals.
const (
	High   Severity = "high"
	Medium Severity = "medium"
	Low    Severity = "low"
)

// rank orders severities, most serious first.
func (s Severity) rank() int {
	switch s {
	case High:
		return 0
	case Medium:
		return 1
	}
	return 2
}

// Codes of signals. The words never change once published.
const (
	DisplayNameAddress   = "display_name_address"
	DisplayNameBrand     = "display_name_brand"
	ReplyToOtherOrg      = "reply_to_other_org"
	LookalikeDomain      = "lookalike_domain"
	IDNMixedScript       = "idn_mixed_script"
	LinkTextMismatch     = "link_text_mismatch"
	LinkShortener        = "link_shortener"
	LinkIPLiteral        = "link_ip_literal"
	DangerousAttachment  = "dangerous_attachment"
	OwnDomainFromOutside = "own_domain_from_outside"
	FirstTimeSender      = "first_time_sender"
)

// Severities is the one table of severities: each code's severity when
// nothing in the message's context lowers it.
var Severities = map[string]Severity{
	DisplayNameAddress:   High,
	DisplayNameBrand:     High,
	LookalikeDomain:      High,
	OwnDomainFromOutside: High,
	LinkTextMismatch:     High,
	DangerousAttachment:  High,
	ReplyToOtherOrg:      Medium,
	IDNMixedScript:       Medium,
	LinkIPLiteral:        Medium,
	LinkShortener:        Low,
	FirstTimeSender:      Low,
}

// Signal is one mark of a trap.
type Signal struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Text says in plain words what was found and why it matters.
	Text string `json:"text"`
	// Evidence is the header field, link or attachment that shows it.
	Evidence string `json:"evidence"`
}

// maxPerCode bounds the signals of one code in a report: a message of 500
// shortened links gets a few signals and a count, not 500.
const maxPerCode = 5

// maxEvidence bounds the length of an evidence string.
const maxEvidence = 300

// list collects the signals of one message.
type list struct {
	out     []Signal
	seen    map[string]bool // code + evidence already raised
	count   map[string]int  // signals per code
	dropped map[string]int  // signals per code over maxPerCode
}

func newList() *list {
	return &list{out: []Signal{}, seen: map[string]bool{}, count: map[string]int{}, dropped: map[string]int{}}
}

// add raises a signal of code at its table severity.
func (l *list) add(code, text, evidence string) {
	l.addAt(code, Severities[code], text, evidence)
}

// lowered raises a signal of code at a severity lower than the table's,
// with the reason appended to its text. A severity higher than the
// table's is never given: the table's is used instead.
func (l *list) lowered(code string, to Severity, text, why, evidence string) {
	if to.rank() < Severities[code].rank() {
		to = Severities[code]
	}
	l.addAt(code, to, text+" "+why, evidence)
}

func (l *list) addAt(code string, sev Severity, text, evidence string) {
	evidence = clean(evidence)
	key := code + "\x00" + evidence
	if l.seen[key] {
		return
	}
	l.seen[key] = true
	if l.count[code] >= maxPerCode {
		l.dropped[code]++
		return
	}
	l.count[code]++
	l.out = append(l.out, Signal{Code: code, Severity: sev, Text: text, Evidence: evidence})
}

// done returns the signals, most serious first (in the order found within
// a severity), with a note on the last of a code whose others were left
// out.
func (l *list) done() []Signal {
	for code, n := range l.dropped {
		for i := len(l.out) - 1; i >= 0; i-- {
			if l.out[i].Code == code {
				l.out[i].Text += fmt.Sprintf(" (%d more of this kind are not listed.)", n)
				break
			}
		}
	}
	slices.SortStableFunc(l.out, func(a, b Signal) int { return a.Severity.rank() - b.Severity.rank() })
	return l.out
}

// clean makes message text fit for an evidence string: one line, bounded.
func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return text.Clip(s, maxEvidence)
}

// quote puts message text in quotes for a sentence, bounded.
func quote(s string) string {
	return fmt.Sprintf("%q", text.Clip(s, 120))
}
