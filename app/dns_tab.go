package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// dnsTab lists every DNS query of the report (resolver.Answer): the
// question, the answer, when and how fast, from which server, and whether
// DNSSEC validated it; its button saves the answers as a snapshot for
// replaying offline.
type dnsTab struct {
	root    *fyne.Container
	count   *widget.Label
	save    *widget.Button
	none    *widget.Label
	answers *list[*resolver.Answer]
}

func newDNSTab(save func()) *dnsTab {
	t := &dnsTab{
		count:   wrapLabel(""),
		save:    widget.NewButtonWithIcon("Save DNS snapshot…", theme.DocumentSaveIcon(), save),
		none:    wrapLabel("No DNS query was made for this report."),
		answers: newList(newDNSCard),
	}
	t.root = vbox(container.NewBorder(nil, nil, nil, t.save, t.count), t.none, t.answers.root)
	return t
}

func (t *dnsTab) object() fyne.CanvasObject { return t.root }
func (t *dnsTab) stop()                     {}

func (t *dnsTab) update(r *inspector.Report, _ bool) {
	if r.Snapshot() == nil || len(r.DNS) == 0 {
		t.save.Disable()
	} else {
		t.save.Enable()
	}
	setText(t.count, fmt.Sprintf("%s; answers from %s.", plural(len(r.DNS), "query", "queries"), dnsSourceText(r.DNSSource)))
	setShown(t.none, len(r.DNS) == 0)
	answers := make([]*resolver.Answer, len(r.DNS))
	for i := range r.DNS {
		answers[i] = &r.DNS[i]
	}
	t.answers.set(answers)
}

// dnsCard is one query and its answer.
type dnsCard struct {
	root    fyne.CanvasObject
	qtype   *widget.Label
	name    *widget.Label
	status  *badge
	dnssec  *widget.Label
	info    *widget.Label
	cnames  *form
	records *widget.Label
	err     *noticeList
}

func newDNSCard() item[*resolver.Answer] {
	c := &dnsCard{
		qtype:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}),
		name:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}),
		status:  newBadge(),
		dnssec:  widget.NewLabel(""),
		info:    widget.NewLabel(""),
		cnames:  textForm("via CNAME"),
		records: mono(""),
		err:     newNoticeList(inspector.VerdictWarn),
	}
	c.root = card(container.NewHBox(c.qtype, c.name, c.status.root, c.dnssec), c.info, c.cnames.root, c.records, c.err.root)
	return c
}

func (c *dnsCard) object() fyne.CanvasObject { return c.root }

func (c *dnsCard) update(a *resolver.Answer) {
	status, word := inspector.DNSAnswerStatus(*a), a.Rcode
	switch {
	case a.Rcode == "":
		word = "no answer"
	case a.Rcode == "NOERROR" && len(a.Records) == 0:
		word = "no records (NOERROR)"
	case a.Rcode == "NXDOMAIN":
		word = "no such name (NXDOMAIN)"
	}
	setText(c.qtype, a.Type)
	setText(c.name, a.Name)
	c.status.set(status, word)
	// Validated is said as a result (bold, coloured), not validated plainly.
	dnssec, look := "DNSSEC: not validated", widget.MediumImportance
	if a.AD {
		dnssec, look = "DNSSEC: validated (AD)", statusLook(inspector.StatusGood).importance
	}
	if c.dnssec.TextStyle.Bold != a.AD {
		c.dnssec.TextStyle.Bold = a.AD
		c.dnssec.Refresh()
	}
	setText(c.dnssec, dnssec)
	setLook(c.dnssec, look)
	via := a.Server
	if a.TCP {
		via += " over TCP"
	}
	when := ""
	if !a.Time.IsZero() {
		when = a.Time.Local().Format("15:04:05.000")
	}
	setText(c.info, fmt.Sprintf("%s · %s · from %s", when, rtt(time.Duration(a.RTT)), orDash(via)))
	c.cnames.set(0, strings.Join(a.CNAMEs, " → "))
	setShown(c.cnames.root, len(a.CNAMEs) > 0)
	shownLabel(c.records, strings.Join(a.Records, "\n"))
	if a.Error != "" {
		c.err.set(a.Error)
	} else {
		c.err.set()
	}
}

// dnsSourceText says where the answers came from in words.
func dnsSourceText(src string) string {
	switch src {
	case "configured":
		return "the DNS server named in Settings"
	case "snapshot":
		return "a saved DNS snapshot (offline)"
	case "":
		return "nowhere: no query was made"
	}
	return src // the system's resolvers, by address
}

// plural is n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func rtt(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
