// Package plaintext renders a Report as text for a terminal or a file: the
// verdict first, then one line per mechanism, then the details a reader
// needs to act on.
package plaintext

import (
	"fmt"
	"io"
	"strings"

	"github.com/mailinspector/mailinspector/inspector"
)

// Options steer the rendering.
type Options struct {
	// Color uses ANSI colours (for a terminal).
	Color bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiGrey   = "\x1b[90m"
)

// Write renders r to w.
func Write(w io.Writer, r *inspector.Report, opts Options) error {
	p := &printer{w: w, color: opts.Color}
	p.line(p.paint(ansiBold, r.File))
	if r.From.Address != "" {
		from := r.From.Address
		if r.From.Name != "" {
			from = fmt.Sprintf("%s <%s>", r.From.Name, r.From.Address)
		}
		p.line("  From:     " + from)
	}
	if r.Subject != "" {
		p.line("  Subject:  " + r.Subject)
	}
	if r.Received != nil {
		p.line("  Received: " + r.Received.Format("2006-01-02 15:04:05 -0700"))
	}
	p.line(fmt.Sprintf("  Verdict:  %s  %s", p.status(r.Verdict, strings.ToUpper(r.Verdict)), r.Headline))
	for _, reason := range r.Reasons {
		p.line("            - " + reason)
	}
	p.line("")
	for _, row := range r.Summary {
		p.line(fmt.Sprintf("  %-9s %s  %s", row.Mechanism, p.status(row.Status, fmt.Sprintf("%-9s", row.Result)), row.Reason))
	}
	for _, n := range r.Notes {
		p.line(p.paint(ansiGrey, "  note: "+n))
	}
	p.line(p.paint(ansiGrey, fmt.Sprintf("  DNS: %d queries, answers from %s", len(r.DNS), r.DNSSource)))
	p.line("")
	return p.err
}

type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = fmt.Fprintln(p.w, s)
	}
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + ansiReset
}

// status paints s in the colour of a status, with a symbol in front so that
// colour is never the only signal.
func (p *printer) status(status, s string) string {
	switch status {
	case inspector.VerdictPass:
		return p.paint(ansiGreen, "✔ "+s)
	case inspector.VerdictWarn:
		return p.paint(ansiYellow, "! "+s)
	case inspector.VerdictFail:
		return p.paint(ansiRed, "✘ "+s)
	}
	return p.paint(ansiGrey, "- "+s)
}
