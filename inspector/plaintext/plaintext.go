// Package plaintext renders a Report as text for a terminal or a file: the
// verdict first, then one line per mechanism, then the details a reader
// needs to act on.
//
// Much of a report is text from the message (a Subject, a host name in a
// Received field, a reason quoting a tag value), which may hold NUL bytes
// (RFC 5322 obsolete syntax), a CR that would overwrite the line, or an
// escape sequence that a terminal would obey. No control character of it
// reaches the output: each is written as its Unicode control picture (NUL
// as ␀, ESC as ␛) or, for the C1 controls, as a \u escape. Only the colour
// codes of this package are written as codes.
package plaintext

import (
	"fmt"
	"io"
	"strings"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/bimi"
	"github.com/mailinspector/mailinspector/inspector/deliver"
)

// Options steer the rendering.
type Options struct {
	// Color uses ANSI colours (for a terminal).
	Color bool
	// Width wraps long reasons at this many columns; zero means 100.
	Width int
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiGrey   = "\x1b[90m"
)

// ansiCodes are the escape sequences this package writes, the only ones
// let through to a colour terminal.
var ansiCodes = []string{ansiReset, ansiBold, ansiRed, ansiGreen, ansiYellow, ansiGrey}

// Write renders r to w.
func Write(w io.Writer, r *inspector.Report, opts Options) error {
	if opts.Width <= 0 {
		opts.Width = 100
	}
	p := &printer{w: w, color: opts.Color, width: opts.Width}
	p.line(p.paint(ansiBold, r.File))
	if r.From.Address != "" {
		from := r.From.Address
		if r.From.Name != "" {
			from = fmt.Sprintf("%s <%s>", r.From.Name, r.From.Address)
		}
		p.field("From", from)
	}
	p.field("Subject", r.Subject)
	if r.Received != nil {
		p.field("Received", r.Received.Format("2006-01-02 15:04:05 -0700"))
	}
	p.line("")
	p.wrap(fmt.Sprintf("  %s  ", p.status(r.Verdict, inspector.StatusOf(r.Verdict).Title())), r.Headline)
	p.line("")
	for _, row := range r.Summary {
		p.wrap(fmt.Sprintf("  %-9s %s  ", row.Mechanism, p.status(row.Status, fmt.Sprintf("%-9s", row.ShownWord()))), row.Reason)
	}
	if len(r.Reasons) > 1 {
		p.line("")
		p.line("  Why:")
		for _, reason := range r.Reasons {
			p.wrap("   - ", reason)
		}
	}
	details(p, r)
	trap(p, r)
	inbox(p, r)
	for _, n := range r.Notes {
		p.wrap(p.paint(ansiGrey, "  note: "), n)
	}
	p.line(p.paint(ansiGrey, fmt.Sprintf("  DNS: %d queries, answers from %s", len(r.DNS), r.DNSSource)))
	p.line("")
	return p.err
}

// details prints the facts behind each row, one short block per mechanism.
func details(p *printer, r *inspector.Report) {
	p.line("")
	for _, s := range r.DKIM {
		key := ""
		if s.KeyBits > 0 {
			key = fmt.Sprintf(", %d-bit key", s.KeyBits)
		}
		p.line(fmt.Sprintf("  DKIM d=%s s=%s (%s%s): %s", s.Domain, s.Selector, s.Algorithm, key, s.Result))
		if !s.BodyHashMatches && s.BodyChecked && s.BodyHashExpected != "" {
			p.line(fmt.Sprintf("       body hash expected %s, computed %s", s.BodyHashExpected, s.BodyHashComputed))
		}
		for _, w := range s.Warnings {
			p.wrap("       ! ", w.Text)
		}
		forensics(p, s.Forensics, s.KeyChanged)
		if s.UnsignedBytes > 0 {
			p.line(fmt.Sprintf("       %d body bytes after l= are not signed:", s.UnsignedBytes))
			for _, l := range strings.Split(strings.TrimRight(s.UnsignedText, "\r\n"), "\r\n") {
				p.line("       | " + l)
			}
		}
	}
	if s := r.SPF; s != nil && s.ClientIP.IsValid() {
		from := s.MailFrom
		if from == "" {
			from = "<> (null sender: HELO checked)"
		}
		p.line(fmt.Sprintf("  SPF  client %s, HELO %s, MAIL FROM %s; %d of %d lookups", s.ClientIP, s.HELO, from, s.Lookups, s.LookupLimit))
		if s.Mechanism != "" {
			p.line(fmt.Sprintf("       decided by %q in the record of %s", s.Mechanism, s.MechanismDomain))
		}
		if s.Explanation != "" {
			p.wrap("       the domain explains: ", s.Explanation)
		}
	}
	if d := r.DMARC; d != nil && d.Record != "" {
		p.line(fmt.Sprintf("  DMARC %s (at %s): policy %s, disposition %s", d.Record, d.RecordDomain, orNone(d.Policy), d.Disposition))
		for _, a := range d.Alignment {
			mark := "not aligned"
			if a.Aligned {
				mark = "aligned"
			}
			p.wrap(fmt.Sprintf("       %-18s %-22s %-6s %-11s ", a.Identifier, a.Domain, a.Result, mark), a.Why)
		}
	}
	if a := r.ARC; a != nil {
		for _, in := range a.Instances {
			p.wrap(fmt.Sprintf("  ARC i=%d %s cv=%s seal %s, message signature %s: ", in.Instance, in.Domain, orNone(in.CV), orNone(string(in.SealResult)), orNone(string(in.AMSResult))), in.Saw)
			forensics(p, in.Forensics, nil)
		}
	}
	if d := r.Delivery; d != nil && d.Boundary >= 0 && d.Boundary < len(r.Route) {
		h := r.Route[d.Boundary]
		p.wrap(fmt.Sprintf("  Route: entered %s from %s [%s] (hop %d of %d): ", h.By, h.From, h.IP, d.Boundary+1, len(r.Route)), d.BoundaryReason)
		if f := d.FCrDNS; f != nil {
			p.wrap("       reverse DNS: ", f.Reason)
		}
		for _, s := range d.Disagreements {
			p.wrap("       ! ", s)
		}
	}
	if c := r.Recorded; c != nil && c.Trusted {
		for _, d := range c.Differences {
			p.wrap("  Recorded vs now: ", d)
		}
	}
	p.line("")
}

// inbox prints "Will it reach the inbox": per provider, how many of its
// rules pass; each rule that fails or cannot be judged once, with the
// providers that list it; the sender's checks that fail; what the
// receiving spam filters wrote; and BIMI.
func inbox(p *printer, r *inspector.Report) {
	d := r.Deliverability
	if d == nil || len(d.Providers) == 0 {
		return
	}
	p.line(p.paint(ansiBold, "  Will it reach the inbox"))
	p.wrap("  ", "Looks like bulk mail: "+d.Bulk.Looks+" ("+d.Bulk.Why+").")
	var order []string
	rules := map[string]deliver.Rule{}
	listed := map[string][]string{}
	for _, pv := range d.Providers {
		counts := map[string]int{}
		for _, rule := range pv.Rules {
			counts[rule.Result]++
			if rule.Result != deliver.Fail && rule.Result != deliver.Unknown {
				continue
			}
			if _, seen := rules[rule.ID]; !seen {
				order = append(order, rule.ID)
				rules[rule.ID] = rule
			}
			listed[rule.ID] = append(listed[rule.ID], pv.Provider+" ("+strings.ReplaceAll(rule.Level, "_", " ")+")")
		}
		worst := inspector.VerdictPass
		if counts[deliver.Fail] > 0 {
			worst = inspector.VerdictFail
		}
		p.line(fmt.Sprintf("  %-8s %s", pv.Provider, p.status(worst, fmt.Sprintf("%d pass, %d fail, %d unknown, %d n/a", counts[deliver.Pass],
			counts[deliver.Fail], counts[deliver.Unknown], counts[deliver.NA]))))
	}
	for _, id := range order {
		inboxRule(p, rules[id], " ["+strings.Join(listed[id], ", ")+"]")
	}
	for _, rule := range d.Sender {
		if rule.Result == deliver.Fail || rule.Result == deliver.Unknown {
			inboxRule(p, rule, " [sender]")
		}
	}
	p.wrap(p.paint(ansiGrey, "  note: "), d.Note)
	for _, f := range r.SpamFilters {
		trust := "trusted: written by the receiving side"
		if !f.Trusted {
			trust = "NOT trusted: " + f.Why
		}
		score := ""
		if f.Score != nil {
			score = fmt.Sprintf(", score %g", *f.Score)
			if f.Threshold != nil {
				score += fmt.Sprintf(" of %g", *f.Threshold)
			}
		}
		p.wrap(fmt.Sprintf("  Spam filter %s %s%s: ", f.Filter, p.status(string(inspector.FilterStatus(f)), f.Verdict), score), trust)
		for _, it := range f.Items {
			p.wrap(fmt.Sprintf("       %s=%s: ", it.Name, it.Value), it.Meaning)
		}
	}
	if b := r.BIMI; b != nil {
		p.wrap(fmt.Sprintf("  BIMI %s  ", p.status(string(inspector.BIMIStatus(b)), b.Result)), b.Reason)
		if b.Record != "" {
			p.wrap("       record: ", b.RecordDomain+": "+b.Record)
		}
		for _, c := range b.Checks {
			if c.Result == bimi.CheckFail || c.Result == bimi.CheckUnknown {
				p.wrap(fmt.Sprintf("       %s %s: ", p.status(string(inspector.RuleStatus(c.Result)), c.Result), c.ID), c.Reason)
			}
		}
	}
	p.line("")
}

func inboxRule(p *printer, rule deliver.Rule, where string) {
	text := rule.Reason
	if rule.Evidence != "" {
		text += " Evidence: " + rule.Evidence + "."
	}
	if rule.Fix != "" {
		text += " Fix: " + rule.Fix
	}
	p.wrap(fmt.Sprintf("  %s %s%s: ", p.status(string(inspector.RuleStatus(rule.Result)), rule.Result), rule.ID, where), text)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

type printer struct {
	w     io.Writer
	color bool
	width int
	err   error
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = fmt.Fprintln(p.w, p.visible(s))
	}
}

// visible writes the control characters of s so that a terminal shows
// them rather than acting on them: C0 controls (tab aside) and DEL as
// their Unicode control pictures, C1 controls as \u escapes. With colour
// on, the escape sequences of ansiCodes are kept; a report's text could
// hold one of them too, which could change a colour but do nothing else.
func (p *printer) visible(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\x1b' && p.color && isANSICode(s[i:]):
			b.WriteRune(r)
		case r < 0x20 && r != '\t':
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' || r >= 0x7f && r < 0xa0 }) >= 0
}

func isANSICode(s string) bool {
	for _, c := range ansiCodes {
		if strings.HasPrefix(s, c) {
			return true
		}
	}
	return false
}

func (p *printer) field(name, value string) {
	if value != "" {
		p.line(fmt.Sprintf("  %-9s %s", name+":", value))
	}
}

// wrap prints prefix and text, continuing long text on lines indented to
// the prefix's visible width.
func (p *printer) wrap(prefix, text string) {
	col := visibleLen(prefix)
	// Continue under the text when the prefix is short; a long prefix (a
	// table row) continues at a small fixed indent instead of a narrow
	// column.
	indent := col
	if indent > 32 {
		indent = 7
	}
	words := strings.Fields(text)
	var b strings.Builder
	b.WriteString(prefix)
	for i, w := range words {
		n := len([]rune(w))
		if i > 0 && col+1+n > p.width {
			p.line(b.String())
			b.Reset()
			b.WriteString(strings.Repeat(" ", indent))
			col = indent
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	p.line(b.String())
}

// visibleLen is the width of s on a terminal, ANSI colour codes left out.
func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc && r == 'm':
			esc = false
		case !esc:
			n++
		}
	}
	return n
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + ansiReset
}

// status paints s in the colour of a status (a JSON status word), with
// its symbol in front so that colour is never the only signal. Status,
// symbol and colour are those of the engine's one status language
// (inspector.Status), as the window shows them.
func (p *printer) status(status, s string) string {
	st := inspector.StatusOf(status)
	code := ansiGrey
	switch st {
	case inspector.StatusGood:
		code = ansiGreen
	case inspector.StatusCaution:
		code = ansiYellow
	case inspector.StatusBad:
		code = ansiRed
	case inspector.StatusUnreadable:
		code = ansiBold
	}
	return p.paint(code, st.Symbol()+" "+s)
}
