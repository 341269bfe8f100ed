package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
)

// newDMARCTab shows the DMARC check (dmarc.Result): author domain, the
// record, the alignment table, the policy and what a receiver following it
// does with the message.
func newDMARCTab() tabView {
	return newSectionTab("DMARC", func(r *inspector.Report) *dmarc.Result { return r.DMARC }, newDMARCView())
}

// dmarcView renders a DMARC section.
type dmarcView struct {
	root        *fyne.Container
	head        *statusHead
	explanation *list[string]
	facts       *form
	record      int
	alignHead   *widget.Label
	alignment   *list[dmarc.Alignment]
	notes       *noticeList
	more        *moreView
}

func newDMARCView() *dmarcView {
	v := &dmarcView{
		head:        newStatusHead(),
		explanation: newTextLines(),
		facts:       textForm("Author domain", "From addresses", "Organisational domain", "Record found at"),
		alignHead:   heading("Alignment"),
		alignment:   newList(newAlignmentRow),
		notes:       newNoticeList(inspector.VerdictNone),
		more:        newMoreView(),
	}
	v.record = v.facts.addMono("Record")
	for _, k := range []string{"Policy", "Why this policy", "Percentage", "Disposition"} {
		v.facts.addText(k)
	}
	v.root = vbox(v.head.root, v.explanation.root, v.facts.root, v.alignHead, v.alignment.root, v.notes.root, v.more.acc)
	return v
}

func (v *dmarcView) object() fyne.CanvasObject { return v.root }

func (v *dmarcView) update(s *dmarc.Result) {
	sh := track(s)
	sh.mark(&s.Code) // a machine word: the reason says it
	v.head.set("DMARC", string(use(sh, &s.Result)), use(sh, &s.Reason))
	v.explanation.set(use(sh, &s.Explanation))
	policy := use(sh, &s.Policy)
	if tag := use(sh, &s.PolicyTag); tag != "" && policy != "" {
		policy += " (from " + tag + "=)"
	}
	v.facts.setAll(
		use(sh, &s.Domain),
		strings.Join(use(sh, &s.Addresses), ", "),
		use(sh, &s.OrgDomain),
		use(sh, &s.RecordDomain),
		use(sh, &s.Record),
		policy,
		use(sh, &s.PolicyReason),
		use(sh, &s.PctMeaning),
		dispositionText(use(sh, &s.Disposition)),
	)
	rows := use(sh, &s.Alignment)
	setShown(v.alignHead, len(rows) > 0)
	v.alignment.set(rows)
	v.notes.set(use(sh, &s.Notes)...)
	v.more.set(s, sh)
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

// alignmentRow is one authenticated identifier: its domain, its result,
// and whether it aligns with the author domain, and why.
type alignmentRow struct {
	root       fyne.CanvasObject
	identifier *widget.Label
	domain     *widget.Label
	result     *widget.Label
	aligned    *badge
	why        *widget.Label
}

func newAlignmentRow() item[dmarc.Alignment] {
	a := &alignmentRow{
		identifier: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		domain:     widget.NewLabel(""),
		result:     resultLabel("", inspector.VerdictNone),
		aligned:    newBadge(),
		why:        wrapLabel(""),
	}
	a.root = card(container.NewHBox(a.identifier, a.domain, a.result, a.aligned.root), a.why)
	return a
}

func (a *alignmentRow) object() fyne.CanvasObject { return a.root }

func (a *alignmentRow) update(al dmarc.Alignment) {
	status, word := inspector.VerdictFail, "not aligned"
	if al.Aligned {
		status, word = inspector.VerdictPass, "aligned"
	}
	if al.Mode != "" {
		word += " (" + al.Mode + ")"
	}
	setText(a.identifier, al.Identifier)
	setText(a.domain, al.Domain)
	setText(a.result, string(al.Result))
	setLook(a.result, statusLook(resultStatus(string(al.Result))).importance)
	a.aligned.set(status, word)
	setText(a.why, al.Why)
}
