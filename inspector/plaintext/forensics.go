package plaintext

import (
	"strings"

	"github.com/mailinspector/mailinspector/inspector/dkim"
)

// maxAddedLines is how many lines of text a change added are shown.
const maxAddedLines = 6

// forensics prints what changed after a signature was made: the confirmed
// changes, with the text they added (a footer, a banner, a tag) as "+"
// lines, then the evidence of changes not confirmed, then a key that
// changed since it was last seen.
func forensics(p *printer, found dkim.Findings, keyChanged *dkim.KeyChange) {
	for _, f := range found {
		if f.Confirmed {
			p.wrap("       changed after signing (confirmed): ", f.Detail+".")
			added(p, f.Text)
		}
	}
	for _, f := range found {
		if !f.Confirmed {
			p.wrap("       possibly changed (not confirmed): ", f.Detail+".")
		}
	}
	if keyChanged != nil {
		p.wrap("       ! ", keyChanged.Text)
	}
}

// added prints the start of the text a change added.
func added(p *printer, text string) {
	lines := strings.Split(strings.Trim(text, "\r\n"), "\r\n")
	for i, l := range lines {
		if i == maxAddedLines {
			p.line(p.paint(ansiGrey, "       + …"))
			break
		}
		p.line(p.paint(ansiGreen, "       + "+strings.TrimRight(l, " ")))
	}
}
