package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
)

// dmarcTab shows the DMARC check (the JSON form of dmarc.Result): author
// domain, the record, the alignment table, the policy and what a receiver
// following it does with the message.
func dmarcTab(r *inspector.Report) fyne.CanvasObject {
	s, reason, ok := sectionObj(r.DMARC)
	if !ok {
		return tabPage(notEvaluated("DMARC", reason))
	}
	return tabPage(dmarcView(s)...)
}

// dmarcView renders a DMARC section (JSON form of dmarc.Result).
func dmarcView(s obj) []fyne.CanvasObject {
	policy := s.str("policy")
	if tag := s.str("policy_tag"); tag != "" && policy != "" {
		policy += " (from " + tag + "=)"
	}
	page := []fyne.CanvasObject{
		sectionHead("DMARC", s.str("result"), s.str("reason")),
	}
	for _, e := range s.strs("explanation") {
		page = append(page, wrapLabel(e))
	}
	page = append(page, fields(
		textPair("Author domain", s.str("domain")),
		textPair("From addresses", strings.Join(s.strs("from_addresses"), ", ")),
		textPair("Organisational domain", s.str("org_domain")),
		textPair("Record found at", s.str("record_domain")),
		pair{"Record", monoOrNil(s.str("record"))},
		textPair("Policy", policy),
		textPair("Why this policy", s.str("policy_reason")),
		textPair("Percentage", s.str("pct_meaning")),
		textPair("Disposition", dispositionText(s.str("disposition"))),
	))
	if rows := objects(s["alignment"]); len(rows) > 0 {
		page = append(page, heading("Alignment"), alignmentTable(rows))
	}
	for _, n := range s.strs("notes") {
		page = append(page, notice(inspector.VerdictNone, n))
	}
	page = append(page, moreDetails(s, "result", "reason", "code", "explanation", "domain", "from_addresses",
		"org_domain", "record_domain", "record", "policy", "policy_tag", "policy_reason", "pct_meaning",
		"disposition", "alignment", "notes"))
	return page
}

func monoOrNil(s string) fyne.CanvasObject {
	if s == "" {
		return nil
	}
	return mono(s)
}

func dispositionText(d string) string {
	switch d {
	case "none":
		return "none: a receiver following the record delivers the message"
	case "quarantine":
		return "quarantine: a receiver following the record puts it in the spam folder"
	case "reject":
		return "reject: a receiver following the record refuses it"
	}
	return d
}

// alignmentTable shows one row per authenticated identifier: its domain,
// its result, and whether it aligns with the author domain, and why.
func alignmentTable(rows []obj) fyne.CanvasObject {
	box := container.NewVBox()
	for _, a := range rows {
		aligned, _ := a.flag("aligned")
		status, word := inspector.VerdictFail, "not aligned"
		if aligned {
			status, word = inspector.VerdictPass, "aligned"
		}
		mode := a.str("mode")
		if mode != "" {
			word += " (" + mode + ")"
		}
		head := container.NewHBox(
			widget.NewLabelWithStyle(a.str("identifier"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabel(a.str("domain")),
			resultLabel(a.str("result"), resultStatus(a.str("result"))),
			statusIcon(status), resultLabel(word, status),
		)
		box.Add(card(head, wrapLabel(a.str("why"))))
	}
	return box
}
