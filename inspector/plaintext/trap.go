package plaintext

import (
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector"
)

// trap prints "Is it a trap": each phishing signal with its severity and
// evidence, most serious first, then what the memory of senders knew of
// the sender.
func trap(p *printer, r *inspector.Report) {
	p.line(p.paint(ansiBold, "  Is it a trap"))
	if len(r.Signals) == 0 {
		p.wrap("  ", "No signs of phishing found beside the checks above (display name, reply address, look-alike domains, links, attachments).")
	}
	for _, s := range r.Signals {
		p.wrap(fmt.Sprintf("  %s  ", p.status(string(inspector.SignalStatus(s.Severity)), fmt.Sprintf("%-6s", strings.ToUpper(string(s.Severity))))), s.Text)
		p.wrap(p.paint(ansiGrey, "            "+s.Code+": "), s.Evidence)
	}
	if h := r.Sender; h != nil {
		for _, n := range h.Notes {
			p.wrap("  Sender: ", n)
		}
	}
	p.line("")
}
