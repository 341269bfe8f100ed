package app

import (
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// detailTab names a details tab and says how to build it from a report.
type detailTab struct {
	title string
	// mechanism is the Summary row whose status gives the tab its icon.
	mechanism string
	build     func(e *entry, r *inspector.Report) fyne.CanvasObject
}

// detailTabs are the details of a report, one tab each, in order.
func detailTabs() []detailTab {
	return []detailTab{
		{"DKIM", "DKIM", func(_ *entry, r *inspector.Report) fyne.CanvasObject { return dkimTab(r) }},
		{"SPF", "SPF", func(_ *entry, r *inspector.Report) fyne.CanvasObject { return spfTab(r) }},
		{"DMARC", "DMARC", func(_ *entry, r *inspector.Report) fyne.CanvasObject { return dmarcTab(r) }},
		{"ARC", "ARC", func(_ *entry, r *inspector.Report) fyne.CanvasObject { return arcTab(r) }},
		{"Recorded vs now", "Recorded", func(_ *entry, r *inspector.Report) fyne.CanvasObject { return recordedTab(r) }},
		{"Route", "TLS", func(e *entry, r *inspector.Report) fyne.CanvasObject { return routeTab(r, e.chooseHop) }},
		{"Headers", "", func(e *entry, _ *inspector.Report) fyne.CanvasObject { return e.headers.root }},
		{"DNS", "", func(e *entry, r *inspector.Report) fyne.CanvasObject { return dnsTab(r, e.saveSnapshot) }},
	}
}

// reportView is what an entry shows: the whole report in one scrolling
// page (identity, verdict panel, actions, then the details tab bar and the
// selected tab), so that it reads at 800x600 as at full screen.
type reportView struct {
	e       *entry
	page    *fyne.Container // the scroll's content
	scroll  *container.Scroll
	verdict *verdictPanel
	tabBar  *container.AppTabs
	detail  *fyne.Container // holds the selected tab's content
	built   []fyne.CanvasObject
	status  *fyne.Container // running, stopped or error notices
}

func newReportView(e *entry) *reportView {
	v := &reportView{e: e, page: container.NewVBox(), detail: container.NewStack(), status: container.NewVBox()}
	v.scroll = container.NewVScroll(container.NewPadded(v.page))
	var items []*container.TabItem
	for _, t := range detailTabs() {
		items = append(items, container.NewTabItem(t.title, layout.NewSpacer()))
	}
	v.tabBar = container.NewAppTabs(items...)
	v.tabBar.OnSelected = func(*container.TabItem) { v.showTab() }
	return v
}

// selectTab shows the details tab with the given title.
func (v *reportView) selectTab(title string) {
	for _, it := range v.tabBar.Items {
		if it.Text == title {
			v.tabBar.Select(it)
		}
	}
	v.showTab()
}

// showTab shows the selected details tab, building it on first view: a
// report has many details, and most people read one or two tabs.
func (v *reportView) showTab() {
	i := v.tabBar.SelectedIndex()
	if i < 0 || i >= len(v.built) || v.e.report == nil {
		v.detail.Objects = nil
	} else {
		if v.built[i] == nil {
			v.built[i] = detailTabs()[i].build(v.e, v.e.report)
		}
		v.detail.Objects = []fyne.CanvasObject{v.built[i]}
	}
	v.detail.Refresh()
}

// render lays out the entry's current state.
func (v *reportView) render() {
	e := v.e
	var objs []fyne.CanvasObject
	if e.err != nil {
		v.verdict = nil
		v.page.Objects = []fyne.CanvasObject{errorView(e)}
		v.page.Refresh()
		return
	}
	r := e.report
	objs = append(objs, identity(e, r))
	if r != nil {
		if r.HeaderOnly {
			objs = append(objs, notice(inspector.VerdictWarn, "Header only: "+bodyNotAvailable+"."))
		}
		for _, n := range r.Notes {
			objs = append(objs, notice(inspector.VerdictNone, n))
		}
	}
	v.verdict = newVerdictPanel(r, e.running)
	objs = append(objs, v.verdict.root)
	if e.stopped {
		again := widget.NewButtonWithIcon("Check again", theme.ViewRefreshIcon(), e.app.recheckSelected)
		objs = append(objs, container.NewBorder(nil, nil, nil, again,
			notice(inspector.VerdictWarn, "The check was stopped because another message was opened; what is shown is incomplete.")))
	}
	objs = append(objs, actions(e))
	if r != nil {
		v.built = make([]fyne.CanvasObject, len(detailTabs()))
		for i, t := range detailTabs() {
			icon := fyne.Resource(nil)
			if t.mechanism != "" {
				if row := summaryRow(r, t.mechanism); row != nil && !(e.running && rowPending(*row)) {
					icon = statusLook(row.Status).icon
				}
			}
			v.tabBar.Items[i].Icon = icon
		}
		v.tabBar.Refresh()
		v.showTab()
		objs = append(objs, v.tabBar, v.detail)
	}
	v.page.Objects = objs
	v.page.Refresh()
}

// identity says which message this is: subject, author, date, file.
func identity(e *entry, r *inspector.Report) fyne.CanvasObject {
	subject := "(no subject)"
	from, when := "", ""
	if r != nil {
		if r.Subject != "" {
			subject = r.Subject
		}
		from = r.From.Address
		if r.From.Name != "" {
			from = r.From.Name + " <" + r.From.Address + ">"
		}
		when = r.Date
	} else {
		subject = e.title
	}
	s := widget.NewLabelWithStyle(subject, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.SizeName = theme.SizeNameSubHeadingText
	s.Truncation = fyne.TextTruncateEllipsis
	s.Selectable = true
	box := container.NewVBox(s)
	line := func(key, value string) {
		if value == "" {
			return
		}
		l := widget.NewLabel(value)
		l.Truncation = fyne.TextTruncateEllipsis
		l.Selectable = true
		k := widget.NewLabelWithStyle(key, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		box.Add(container.NewBorder(nil, nil, container.New(&minWidth{w: 60}, k), nil, l))
	}
	line("From", from)
	line("Date", when)
	line("File", e.source())
	return box
}

// actions are what can be done with a report.
func actions(e *entry) fyne.CanvasObject {
	ready := e.report != nil && !e.running
	btn := func(label string, icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, f)
		if !ready {
			b.Disable()
		}
		return b
	}
	return container.NewHBox(
		btn("Copy summary", theme.ContentCopyIcon(), e.copySummary),
		btn("Export JSON…", theme.DocumentSaveIcon(), e.exportJSON),
		btn("Export text…", theme.DocumentSaveIcon(), e.exportText),
		btn("Check again", theme.ViewRefreshIcon(), e.app.recheckSelected),
	)
}

// errorView is the entry of a file that could not be read as a message.
func errorView(e *entry) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Could not open "+e.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Importance = widget.DangerImportance
	msg := wrapLabel(e.err.Error())
	hint := "Mail Inspector reads a whole message saved from a mail program, usually as a .eml file " +
		"(\"Save as\", \"Download message\" or \"Show original\" then \"Download\")."
	var me *message.Error
	box := container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon())), title),
		msg, wrapLabel(hint),
	)
	if errors.As(e.err, &me) && me.Kind == message.KindNoSeparator {
		box.Add(wrapLabel("This file may be a header without its body: Edit > Paste Headers checks a header alone."))
	}
	return box
}

// tabTitle is the short name of an entry for its tab.
func tabTitle(name string) string {
	name = filepath.Base(name)
	if len([]rune(name)) > 28 {
		name = string([]rune(name)[:27]) + "…"
	}
	return strings.TrimSpace(name)
}
