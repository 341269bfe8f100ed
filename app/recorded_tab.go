package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
)

// recordedTab sets the receiver's Authentication-Results, as recorded at
// delivery, beside our re-verification (the JSON form of
// recorded.Comparison), and explains the differences.
func recordedTab(r *inspector.Report) fyne.CanvasObject {
	s, reason, ok := sectionObj(r.Recorded)
	if !ok {
		return tabPage(notEvaluated("what the receiving server recorded", reason))
	}
	return tabPage(recordedView(s)...)
}

// recordedView renders the comparison.
func recordedView(s obj) []fyne.CanvasObject {
	var page []fyne.CanvasObject
	if s.str("result") != "" {
		page = append(page, sectionHead("Recorded vs now", s.str("result"), s.str("reason")))
	}
	by := s.str("authserv_id")
	if t, ok := s.flag("trusted"); ok && by != "" {
		by += map[bool]string{true: " (trusted: the receiving server)", false: " (not trusted)"}[t]
	}
	raw := ""
	if h, ok := asObj(s["trusted"]); ok {
		raw = h.str("raw")
	}
	page = append(page, fields(
		textPair("Recorded by", by),
		textPair("Why", s.str("why")),
		pair{"Authentication-Results", monoOrNil(raw)},
	))
	if f, _ := s.flag("forwarded"); f {
		page = append(page, notice(inspector.VerdictNone, "The message was forwarded after it was recorded: some differences are expected."))
	}
	if rows := objects(s["mechanisms"]); len(rows) > 0 {
		page = append(page, heading("Then and now"))
		for _, row := range rows {
			page = append(page, recordedRow(row))
		}
	}
	for _, d := range s.strs("differences") {
		page = append(page, notice(inspector.VerdictWarn, d))
	}
	for _, u := range objects(s["untrusted"]) {
		page = append(page, notice(inspector.VerdictWarn, "Not trusted: "+firstNonEmpty(u.str("why"), u.str("authserv_id"))))
	}
	page = append(page, moreDetails(s, "result", "reason", "code", "authserv_id", "trusted", "why", "forwarded",
		"mechanisms", "differences", "untrusted"))
	return page
}

// recordedRow is one mechanism: what was recorded at delivery, what we find
// now, whether they agree, and why not.
func recordedRow(row obj) fyne.CanvasObject {
	agree, _ := row.flag("agree")
	status, word := inspector.VerdictWarn, "differs"
	if agree {
		status, word = inspector.VerdictPass, "agrees"
	}
	name := row.str("mechanism")
	if sub := row.str("subject"); sub != "" {
		name += " " + sub
	}
	rec, now := row.str("recorded"), row.str("now")
	line := container.NewHBox(
		widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel("recorded"), resultLabel(orDash(rec), resultStatus(rec)),
		widget.NewLabel("now"), resultLabel(orDash(now), resultStatus(now)),
		statusIcon(status), resultLabel(word, status),
	)
	return card(line, wrapLabel(row.str("explanation")))
}
