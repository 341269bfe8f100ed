package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/result"
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
	alignment   *list[alignment]
	notes       *noticeList
	more        *moreView
}

func newDMARCView() *dmarcView {
	v := &dmarcView{
		head:        newStatusHead(),
		explanation: newTextLines(),
		facts:       textForm("Author domain", "From addresses", "Owner's main domain\n(organisational domain)", "Record found at"),
		alignHead:   heading("Alignment"),
		alignment:   newList(newAlignmentRow),
		notes:       newNoticeList(inspector.VerdictNone),
		more:        newMoreView(),
	}
	v.record = v.facts.addMono("Record")
	for _, k := range []string{"Policy", "Why this policy", "Percentage", "What a receiver does\n(disposition)"} {
		v.facts.addText(k)
	}
	v.root = vbox(v.head.root, v.explanation.root, v.facts.root, v.alignHead, v.alignment.root, v.notes.root, v.more.acc)
	return v
}

func (v *dmarcView) object() fyne.CanvasObject { return v.root }

func (v *dmarcView) update(s *dmarc.Result, r *inspector.Report) {
	sh := track(s)
	sh.mark(&s.Code) // a machine word: the reason says it
	reason := use(sh, &s.Reason)
	if row := r.Row("DMARC"); row != nil && row.Reason != "" {
		reason = row.Reason // the panel's words, which may say more
	}
	v.head.set("DMARC", string(use(sh, &s.Result)), r.DMARCStatus(), reason)
	// The reason already says the first explanation; the rest are new.
	var more []string
	for _, x := range use(sh, &s.Explanation) {
		if !strings.Contains(reason, x) {
			more = append(more, inspector.Sentence(x)+".")
		}
	}
	v.explanation.set(more)
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
		dispositionText(use(sh, &s.Disposition), s.Result, s.Policy != ""),
	)
	rows := use(sh, &s.Alignment)
	setShown(v.alignHead, len(rows) > 0)
	items := make([]alignment, len(rows))
	for i, a := range rows {
		items[i] = alignment{a, r.CheckStatus(a), inspector.AlignmentWord(a, s.Domain)}
	}
	v.alignment.set(items)
	v.notes.set(use(sh, &s.Notes)...)
	v.more.set(s, sh)
}

// dispositionText says what a receiver following the record does; where
// DMARC could not be evaluated (no usable record), no policy applies.
func dispositionText(d string, res result.Result, hasPolicy bool) string {
	if res != result.Pass && res != result.Fail && !hasPolicy {
		return "none: with no usable DMARC record, receivers apply no DMARC policy (they judge the message by other means)"
	}
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

// alignment is a row of the alignment table, the status of the check it
// shows, and whether it aligns in words.
type alignment struct {
	a      dmarc.Alignment
	status inspector.Status
	word   string
}

func newAlignmentRow() item[alignment] {
	a := &alignmentRow{
		identifier: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		domain:     widget.NewLabel(""),
		result:     resultLabel("", inspector.StatusNotChecked),
		aligned:    newBadge(),
		why:        wrapLabel(""),
	}
	a.root = card(container.NewHBox(a.identifier, a.domain, a.result, a.aligned.root), a.why)
	return a
}

func (a *alignmentRow) object() fyne.CanvasObject { return a.root }

func (a *alignmentRow) update(it alignment) {
	al, word := it.a, it.word
	if al.Mode != "" && (word == "aligned" || word == "not aligned") {
		word += " (" + al.Mode + ")"
	}
	setText(a.identifier, al.Identifier)
	setText(a.domain, al.Domain)
	setText(a.result, string(al.Result))
	setLook(a.result, statusLook(it.status).importance)
	a.aligned.set(inspector.AlignmentStatus(al), word)
	setText(a.why, inspector.Sentence(al.Why))
}
