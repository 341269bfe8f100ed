package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/recorded"
)

// newRecordedTab sets the receiver's Authentication-Results, as recorded
// at delivery, beside our re-verification (recorded.Comparison), and
// explains the differences.
func newRecordedTab() tabView {
	return newSectionTab("what the receiving server recorded",
		func(r *inspector.Report) *recorded.Comparison { return r.Recorded }, newRecordedView())
}

// recordedView renders the comparison.
type recordedView struct {
	root        *fyne.Container
	head        *statusHead
	facts       *form
	forwarded   *noticeList
	rowsHead    *widget.Label
	rows        *list[recorded.Row]
	differences *noticeList
	untrusted   *noticeList
	more        *moreView
}

func newRecordedView() *recordedView {
	v := &recordedView{
		head:        newStatusHead(),
		facts:       textForm("Recorded by\n(authserv-id)", "Why this field"),
		forwarded:   newNoticeList(inspector.VerdictNone),
		rowsHead:    heading("Then and now"),
		rows:        newList(newRecordedRow),
		differences: newNoticeList(inspector.VerdictWarn),
		untrusted:   newNoticeList(inspector.VerdictWarn),
		more:        newMoreView(),
	}
	v.root = vbox(v.head.root, v.facts.root, v.forwarded.root, v.rowsHead, v.rows.root, v.differences.root, v.untrusted.root, v.more.acc)
	return v
}

func (v *recordedView) object() fyne.CanvasObject { return v.root }

func (v *recordedView) update(s *recorded.Comparison, r *inspector.Report) {
	sh := track(s)
	if row := r.Row("Recorded"); row != nil {
		v.head.set("Recorded vs now", string(row.Result), inspector.StatusOf(row.Status), row.Reason)
	}
	by, trusted := use(sh, &s.AuthservID), use(sh, &s.Trusted)
	if by != "" {
		by += map[bool]string{true: " (trusted: the receiving server)", false: " (not trusted)"}[trusted]
	}
	v.facts.setAll(by, use(sh, &s.Why))
	if use(sh, &s.Forwarded) {
		v.forwarded.set("The message was forwarded after it was recorded: some differences are expected.")
	} else {
		v.forwarded.set()
	}
	rows := use(sh, &s.Mechanisms)
	setShown(v.rowsHead, len(rows) > 0)
	v.rows.set(rows)
	v.differences.set(use(sh, &s.Differences)...)
	var untrusted []string
	for _, u := range use(sh, &s.Untrusted) {
		why := u.Why
		if why == "" && u.Header != nil {
			why = u.AuthservID
		}
		untrusted = append(untrusted, "Not trusted: "+why)
	}
	v.untrusted.set(untrusted...)
	v.more.set(s, sh)
}

// recordedRow is one mechanism: what was recorded at delivery, what we
// find now, whether they agree, and why not.
type recordedRow struct {
	root        fyne.CanvasObject
	name        *widget.Label
	recorded    *widget.Label
	now         *widget.Label
	agree       *badge
	explanation *widget.Label
}

func newRecordedRow() item[recorded.Row] {
	r := &recordedRow{
		name:        widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		recorded:    resultLabel("", inspector.StatusNotChecked),
		now:         resultLabel("", inspector.StatusNotChecked),
		agree:       newBadge(),
		explanation: wrapLabel(""),
	}
	r.root = card(container.NewHBox(r.name, widget.NewLabel("recorded"), r.recorded, widget.NewLabel("now"), r.now, r.agree.root),
		r.explanation)
	return r
}

func (r *recordedRow) object() fyne.CanvasObject { return r.root }

func (r *recordedRow) update(row recorded.Row) {
	status, word := inspector.RecordedStatus(row), inspector.RecordedWord(row)
	name := row.Mechanism
	if row.Subject != "" {
		name += " " + row.Subject
	}
	setText(r.name, name)
	rec, now := string(row.Recorded), string(row.Now)
	// The words are coloured as the mechanism's results are elsewhere:
	// a recorded claim is never shown greener than ours.
	setText(r.recorded, orDash(rec))
	setLook(r.recorded, statusLook(inspector.ResultStatus(row.Recorded, inspector.Aside)).importance)
	setText(r.now, orDash(now))
	setLook(r.now, statusLook(inspector.ResultStatus(row.Now, inspector.Aside)).importance)
	r.agree.set(status, word)
	setText(r.explanation, row.Explanation)
}
