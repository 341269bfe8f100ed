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

// tabView is the content of one details tab. It keeps its widgets for the
// life of the report page: update shows a newer report in them (running
// says the checks are still under way, so that a missing section is
// pending rather than not evaluated), and stop stops its spinners.
type tabView interface {
	object() fyne.CanvasObject
	update(r *inspector.Report, running bool)
	stop()
}

// detailTab names a details tab and says how to make its view.
type detailTab struct {
	title string
	// mechanism is the Summary row whose status gives the tab its icon.
	mechanism string
	make      func(e *entry) tabView
}

// detailTabs are the details of a report, one tab each, in order.
func detailTabs() []detailTab {
	return []detailTab{
		{"DKIM", "DKIM", func(*entry) tabView { return newDKIMTab() }},
		{"SPF", "SPF", func(*entry) tabView { return newSPFTab() }},
		{"DMARC", "DMARC", func(*entry) tabView { return newDMARCTab() }},
		{"ARC", "ARC", func(*entry) tabView { return newARCTab() }},
		{"Recorded vs now", "Recorded", func(*entry) tabView { return newRecordedTab() }},
		{"Route", "TLS", func(e *entry) tabView { return newRouteTab(e.chooseHop) }},
		{"Headers", "", func(e *entry) tabView { return &headersTab{e.headers} }},
		{"DNS", "", func(e *entry) tabView { return newDNSTab(e.saveSnapshot) }},
	}
}

// sectionView renders one section of a report, of type T.
type sectionView[T any] interface {
	object() fyne.CanvasObject
	// update shows the section; r is the report it is part of, for the
	// statuses of its results (inspector/status.go).
	update(s *T, r *inspector.Report)
}

// sectionTab is a tab that shows one section of the report, or, when the
// report does not have it, that it is being checked or was not evaluated.
type sectionTab[T any] struct {
	what   string
	get    func(*inspector.Report) *T
	view   sectionView[T]
	absent *absentView
	root   *fyne.Container
}

func newSectionTab[T any](what string, get func(*inspector.Report) *T, view sectionView[T]) *sectionTab[T] {
	t := &sectionTab[T]{what: what, get: get, view: view, absent: newAbsentView()}
	t.root = vbox(t.absent.root, view.object())
	return t
}

func (t *sectionTab[T]) object() fyne.CanvasObject { return t.root }
func (t *sectionTab[T]) stop()                     { t.absent.spin.stop() }

func (t *sectionTab[T]) update(r *inspector.Report, running bool) {
	s := t.get(r)
	if s == nil {
		t.absent.set(t.what, running, "")
		setShown(t.view.object(), false)
		return
	}
	t.absent.hide()
	t.view.update(s, r)
	setShown(t.view.object(), true)
}

// headersTab shows the entry's header fields, which come with the message
// rather than the report.
type headersTab struct{ v *headersView }

func (t *headersTab) object() fyne.CanvasObject      { return t.v.root }
func (t *headersTab) update(*inspector.Report, bool) {}
func (t *headersTab) stop()                          {}

// reportView is what an entry shows: the whole report in one scrolling
// page (identity, verdict panel, actions, then the details tab bar and the
// selected tab), so that it reads at 800x600 as at full screen. It is made
// once per entry; render shows the entry's current state in its widgets.
type reportView struct {
	e        *entry
	page     *fyne.Container // the scroll's content
	scroll   *container.Scroll
	errBox   *fyne.Container // the error, when the file could not be read
	errShown error
	report   *fyne.Container // everything else
	ident    *identityView
	header   *noticeList // header only
	notes    *noticeList
	verdict  *verdictPanel
	stopped  fyne.CanvasObject
	actions  []*widget.Button
	tabBar   *container.AppTabs
	detail   *fyne.Container // holds the selected tab's content
	// tabs are the details tabs' views, made when first selected.
	tabs []tabView
}

func newReportView(e *entry) *reportView {
	v := &reportView{e: e, detail: container.NewStack(), errBox: container.NewVBox()}
	var items []*container.TabItem
	for _, t := range detailTabs() {
		items = append(items, container.NewTabItem(t.title, layout.NewSpacer()))
	}
	v.tabs = make([]tabView, len(items))
	v.tabBar = container.NewAppTabs(items...)
	v.tabBar.OnSelected = func(*container.TabItem) { v.showTab() }

	v.ident = newIdentityView()
	v.header = newNoticeList(inspector.VerdictWarn)
	v.notes = newNoticeList(inspector.VerdictNone)
	v.verdict = newVerdictPanel(nil, false)
	again := widget.NewButtonWithIcon("Check again", theme.ViewRefreshIcon(), func() { e.app.recheckSelected() })
	stoppedNote := newNoticeList(inspector.VerdictWarn)
	stoppedNote.set("The check was stopped because another message was opened; what is shown is incomplete.")
	v.stopped = container.NewBorder(nil, nil, nil, again, stoppedNote.root)
	btn := func(label string, icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, f)
		v.actions = append(v.actions, b)
		return b
	}
	acts := container.NewHBox(
		btn("Copy summary", theme.ContentCopyIcon(), e.copySummary),
		btn("Export JSON…", theme.DocumentSaveIcon(), e.exportJSON),
		btn("Export text…", theme.DocumentSaveIcon(), e.exportText),
		btn("Check again", theme.ViewRefreshIcon(), func() { e.app.recheckSelected() }),
	)
	v.report = container.NewVBox(v.ident.root, v.header.root, v.notes.root, v.verdict.root, v.stopped, acts, v.tabBar, v.detail)
	v.page = container.NewVBox(v.errBox, v.report)
	v.scroll = container.NewVScroll(container.NewPadded(v.page))
	return v
}

// tabStatus is the status a details tab's icon shows: that of its summary
// row, and for the Route tab the worse of TLS and the client's reverse
// DNS, which it also shows. false when the tab has no icon (or its row is
// still pending).
func tabStatus(r *inspector.Report, mechanism string, running bool) (inspector.Status, bool) {
	if mechanism == "" {
		return "", false
	}
	row := r.Row(mechanism)
	if row == nil || running && rowPending(*row) {
		return "", false
	}
	if mechanism == "TLS" {
		return inspector.RouteStatus(r), true
	}
	return inspector.StatusOf(row.Status), true
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

// showTab shows the selected details tab, making its view on first
// view: a report has many details, and most people read one or two tabs.
func (v *reportView) showTab() {
	i := v.tabBar.SelectedIndex()
	var objs []fyne.CanvasObject
	if i >= 0 && i < len(v.tabs) && v.e.report != nil {
		if v.tabs[i] == nil {
			v.tabs[i] = detailTabs()[i].make(v.e)
			v.tabs[i].update(v.e.report, v.e.running)
		}
		objs = []fyne.CanvasObject{v.tabs[i].object()}
	}
	if len(objs) != len(v.detail.Objects) || len(objs) == 1 && objs[0] != v.detail.Objects[0] {
		v.detail.Objects = objs
		v.detail.Refresh()
	}
}

// render shows the entry's current state: a progress update, the end of a
// check, or an error. The widgets stay; what they say changes.
func (v *reportView) render() {
	e := v.e
	if e.err != nil {
		if v.errShown != e.err {
			v.errShown = e.err
			v.errBox.Objects = []fyne.CanvasObject{errorView(e)}
		}
		setShown(v.errBox, true)
		setShown(v.report, false)
		v.stop()
		v.page.Refresh()
		return
	}
	setShown(v.errBox, false)
	setShown(v.report, true)
	r := e.report
	v.ident.update(e, r)
	if r != nil && r.HeaderOnly {
		v.header.set("Header only: " + bodyNotAvailable + ".")
	} else {
		v.header.set()
	}
	var notes []string
	if r != nil {
		notes = r.Notes
	}
	v.notes.set(notes...)
	v.verdict.update(r, e.running)
	setShown(v.stopped, e.stopped)
	ready := r != nil && !e.running
	for _, b := range v.actions {
		if ready && b.Disabled() {
			b.Enable()
		} else if !ready && !b.Disabled() {
			b.Disable()
		}
	}
	setShown(v.tabBar, r != nil)
	setShown(v.detail, r != nil)
	if r != nil {
		changed := false
		for i, t := range detailTabs() {
			icon := fyne.Resource(nil)
			if st, ok := tabStatus(r, t.mechanism, e.running); ok {
				icon = statusLook(st).icon
			}
			it := v.tabBar.Items[i]
			if (it.Icon == nil) != (icon == nil) || icon != nil && it.Icon.Name() != icon.Name() {
				it.Icon = icon
				changed = true
			}
		}
		if changed {
			v.tabBar.Refresh()
		}
		for _, t := range v.tabs {
			if t != nil {
				t.update(r, e.running)
			}
		}
		v.showTab()
	} else {
		for _, t := range v.tabs {
			if t != nil {
				t.stop()
			}
		}
	}
	v.page.Refresh()
}

// stop stops every spinner of the page: its entry is closed, or shows an
// error.
func (v *reportView) stop() {
	v.verdict.stop()
	for _, t := range v.tabs {
		if t != nil {
			t.stop()
		}
	}
}

// identityView says which message this is: subject, author, date, file.
type identityView struct {
	root    *fyne.Container
	subject *widget.Label
	// From, Date, File: each a line with its value, hidden when empty.
	lines  []fyne.CanvasObject
	values []*widget.Label
}

func newIdentityView() *identityView {
	v := &identityView{subject: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	v.subject.SizeName = theme.SizeNameSubHeadingText
	v.subject.Truncation = fyne.TextTruncateEllipsis
	v.subject.Selectable = true
	v.root = container.NewVBox(v.subject)
	for _, key := range []string{"From", "Date", "File"} {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		l.Selectable = true
		k := widget.NewLabelWithStyle(key, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		line := container.NewBorder(nil, nil, container.New(&minWidth{w: 60}, k), nil, l)
		v.lines = append(v.lines, line)
		v.values = append(v.values, l)
		v.root.Add(line)
	}
	return v
}

func (v *identityView) update(e *entry, r *inspector.Report) {
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
	setText(v.subject, subject)
	for i, value := range []string{from, when, e.source()} {
		setText(v.values[i], value)
		setShown(v.lines[i], value != "")
	}
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
