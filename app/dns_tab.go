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

// dnsTab lists every DNS query of the report: the question, the answer,
// when and how fast, from which server, and whether DNSSEC validated it;
// save saves the answers as a snapshot for replaying offline.
func dnsTab(r *inspector.Report, save func()) fyne.CanvasObject {
	saveBtn := widget.NewButtonWithIcon("Save DNS snapshot…", theme.DocumentSaveIcon(), save)
	if r.Snapshot() == nil || len(r.DNS) == 0 {
		saveBtn.Disable()
	}
	head := container.NewBorder(nil, nil, nil, saveBtn,
		wrapLabel(fmt.Sprintf("%d queries; answers from %s.", len(r.DNS), orDash(r.DNSSource))))
	page := []fyne.CanvasObject{head}
	if len(r.DNS) == 0 {
		page = append(page, wrapLabel("No DNS query was made for this report."))
	}
	for _, a := range r.DNS {
		page = append(page, dnsCard(a))
	}
	return tabPage(page...)
}

func dnsCard(a resolver.Answer) fyne.CanvasObject {
	status, word := inspector.VerdictPass, a.Rcode
	switch {
	case a.Rcode == "":
		status, word = inspector.VerdictFail, "no answer"
	case a.Rcode == "NOERROR" && len(a.Records) == 0:
		status, word = inspector.VerdictNone, "NOERROR (no records)"
	case a.Rcode == "NXDOMAIN":
		status = inspector.VerdictNone
	case a.Rcode != "NOERROR":
		status = inspector.VerdictWarn
	}
	head := container.NewHBox(
		widget.NewLabelWithStyle(a.Type, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}),
		widget.NewLabelWithStyle(a.Name, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}),
		statusIcon(status), resultLabel(word, status),
	)
	if a.AD {
		head.Add(resultLabel("DNSSEC: validated (AD)", inspector.VerdictPass))
	} else {
		head.Add(widget.NewLabel("DNSSEC: not validated"))
	}
	via := a.Server
	if a.TCP {
		via += " over TCP"
	}
	when := ""
	if !a.Time.IsZero() {
		when = a.Time.Local().Format("15:04:05.000")
	}
	info := fmt.Sprintf("%s · %s · from %s", when, rtt(a.RTT), orDash(via))
	parts := []fyne.CanvasObject{head, widget.NewLabel(info)}
	if len(a.CNAMEs) > 0 {
		parts = append(parts, fields(textPair("via CNAME", strings.Join(a.CNAMEs, " → "))))
	}
	if len(a.Records) > 0 {
		parts = append(parts, mono(strings.Join(a.Records, "\n")))
	}
	if a.Error != "" {
		parts = append(parts, notice(inspector.VerdictWarn, a.Error))
	}
	return card(parts...)
}

func rtt(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
