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
	"github.com/mailinspector/mailinspector/inspector/address"
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
		{"Signals", signalsMechanism, func(*entry) tabView { return newSignalsTab() }},
		{"Deliverability", "", func(*entry) tabView { return newDeliverTab() }},
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

// reportView is what an entry shows: the identity of the message and the
// verdict panel at the top, the actions and the details tab bar pinned
// below them, and the selected details tab scrolling under those, so that
// the verdict stays in view while the details are read. The top scrolls
// on its own when it would take more than about half of a small window.
// Lines of text never grow wider than maxTextWidth. It is made once per
// entry; render shows the entry's current state in its widgets.
type reportView struct {
	e        *entry
	page     *fyne.Container // everything: top, bar, details
	scroll   fyne.CanvasObject
	top      *container.Scroll
	bar      *fyne.Container
	details  *container.Scroll
	errBox   *fyne.Container // the error, when the file could not be read
	errShown error
	report   *fyne.Container // everything else
	ident    *identityView
	header   *noticeList // header only
	notes    *noticeList
	verdict  *verdictPanel
	stopped  fyne.CanvasObject
	// stoppedNote says why the check stopped (Check again runs it again).
	stoppedNote *noticeList
	actions     []*widget.Button
	again       *widget.Button
	stopBtn     *widget.Button
	tabBar      *container.AppTabs
	detail      *fyne.Container // holds the selected tab's content
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
	v.stoppedNote = newNoticeList(inspector.VerdictWarn)
	v.stopped = v.stoppedNote.root
	btn := func(label string, icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, f)
		v.actions = append(v.actions, b)
		return b
	}
	v.again = widget.NewButtonWithIcon("Check again", theme.ViewRefreshIcon(), func() { e.app.recheckSelected() })
	v.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), e.stop)
	acts := container.NewHBox(
		btn("Copy summary", theme.ContentCopyIcon(), e.copySummary),
		btn("Export JSON…", theme.DocumentSaveIcon(), e.exportJSON),
		btn("Export text…", theme.DocumentSaveIcon(), e.exportText),
		v.again, v.stopBtn,
	)
	v.report = container.NewVBox(v.ident.root, v.header.root, v.notes.root, v.verdict.root, v.stopped)
	v.top = container.NewVScroll(container.NewVBox(v.errBox, v.report))
	v.bar = container.NewVBox(acts, v.tabBar)
	v.details = container.NewVScroll(v.detail)
	v.page = container.New(&pinLayout{roomy: v.verdict.setWrapped}, v.top, v.bar, v.details)
	v.scroll = container.New(&capWidth{max: maxTextWidth}, container.NewPadded(v.page))
	return v
}

// maxTextWidth caps the width of a report page, so that lines stay
// readable on a very wide window.
const maxTextWidth = 1200

// pinLayout lays out a report page: top (a scroll), bar (the actions and
// the details tab bar) and details (a scroll) from top to bottom. The top
// gets its full height when it fits in about half of the window, the bar
// its own, and the details the rest; with no details shown (an error, or
// no report yet) the top takes everything.
type pinLayout struct {
	// roomy, when set, is told whether the page is tall enough for the
	// verdict panel's reasons to wrap rather than be cut to one line.
	roomy func(bool)
}

// roomyHeight is the page height from which the verdict rows wrap.
const roomyHeight = 1000

func (p *pinLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if p.roomy != nil {
		p.roomy(size.Height >= roomyHeight)
	}
	top, bar, details := objs[0].(*container.Scroll), objs[1], objs[2]
	barH := float32(0)
	if bar.Visible() {
		barH = bar.MinSize().Height
	}
	// Twice: wrapped text knows its height only once laid out at its
	// width, and a height from the width before would leave a gap above
	// the bar (as after resizing the window during a check).
	topH := float32(0)
	for range 2 {
		topH = size.Height - barH
		if details.Visible() {
			want := top.Content.MinSize().Height
			topH = min(want, max(size.Height*0.5, size.Height-barH-180))
		}
		topH = max(topH, 0)
		top.Move(fyne.NewPos(0, 0))
		top.Resize(fyne.NewSize(size.Width, topH))
	}
	bar.Move(fyne.NewPos(0, topH))
	bar.Resize(fyne.NewSize(size.Width, barH))
	details.Move(fyne.NewPos(0, topH+barH))
	details.Resize(fyne.NewSize(size.Width, max(size.Height-topH-barH, 0)))
}

func (p *pinLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	return fyne.NewSize(w, objs[1].MinSize().Height+120)
}

// capWidth centres its objects at most max wide.
type capWidth struct{ max float32 }

func (c *capWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.max)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

func (c *capWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// tabStatus is the status a details tab's icon shows: that of its summary
// row, and for the Route tab the worse of TLS and the client's reverse
// DNS, which it also shows, and for the Signals tab the answer to "Is it
// a trap?". false when the tab has no icon (or its row is still pending).
func tabStatus(r *inspector.Report, mechanism string, running bool) (inspector.Status, bool) {
	if mechanism == "" {
		return "", false
	}
	if mechanism == signalsMechanism {
		return signalsTabStatus(r, running)
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
		setShown(v.bar, false)
		setShown(v.details, false)
		v.stop()
		v.page.Refresh()
		return
	}
	setShown(v.bar, true)
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
	notes = append(notes[:len(notes):len(notes)], e.app.mem.notesFor(e)...)
	v.notes.set(notes...)
	v.verdict.update(r, e.running)
	if e.stopped {
		v.stoppedNote.set(e.stopReason + "; what is shown is incomplete. Check again runs it to the end.")
	}
	setShown(v.stopped, e.stopped)
	ready := r != nil && !e.running
	for _, b := range v.actions {
		setEnabled(b, ready)
	}
	// Stop while the checks run; Check again once they are over, stopped
	// or not.
	setShown(v.stopBtn, e.running)
	setEnabled(v.stopBtn, e.running)
	setEnabled(v.again, !e.running)
	setShown(v.tabBar, r != nil)
	setShown(v.details, r != nil)
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

// identityView says which message this is, as a mail program's header
// shows it: the subject, then every From, Reply-To, To, the envelope
// sender (Return-Path), the Message-ID, the date, how long delivery took,
// and the file; each address with the address itself in bold, since the
// address, not the name, is what the checks are about.
type identityView struct {
	root    *fyne.Container
	subject *widget.Label
	grid    *fyne.Container
	date    *widget.RichText // the date and how long delivery took
	lines   []*identLine
	// sender is what the memory of senders says of the From.
	sender *senderNotes
	// shownKey names the lines laid out, to lay them out again only
	// when they change.
	shownKey string
}

// identLine is one key and its value; hidden when the value is empty.
type identLine struct {
	key   string
	root  fyne.CanvasObject
	value *widget.RichText
}

// identKeys are the lines of the identity block, in order.
var identKeys = []string{"From", "Reply-To", "To", "Return-Path", "Message-ID"}

func newIdentityView() *identityView {
	v := &identityView{subject: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	v.subject.SizeName = theme.SizeNameSubHeadingText
	v.subject.Wrapping = fyne.TextWrapWord
	v.subject.Selectable = true
	v.grid = container.New(&tightVBox{})
	for _, key := range identKeys {
		value := widget.NewRichText()
		value.Truncation = fyne.TextTruncateEllipsis
		k := widget.NewLabelWithStyle(key, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l := &identLine{key: key, value: value, root: container.NewBorder(nil, nil, container.New(&minWidth{w: 104}, k), nil, value)}
		v.lines = append(v.lines, l)
	}
	v.date = widget.NewRichText()
	v.sender = newSenderNotes(104)
	v.root = container.NewVBox(container.NewBorder(nil, nil, nil, v.date, v.subject), v.grid)
	return v
}

func (v *identityView) update(e *entry, r *inspector.Report) {
	subject := "(no subject)"
	if r != nil && r.Subject != "" {
		subject = r.Subject
	} else if r == nil {
		subject = e.title
	}
	setText(v.subject, subject)
	v.sender.update(r)
	values := identValues(e, r)
	if richText(v.date) != richTextOf(values["Date"]) {
		v.date.Segments = values["Date"]
		v.date.Refresh()
	}
	for _, l := range v.lines {
		segs := values[l.key]
		if richText(l.value) != richTextOf(segs) {
			l.value.Segments = segs
			l.value.Refresh()
		}
		setShown(l.root, len(segs) > 0)
	}
	// Lay the shown lines out two by two, From alone on its line (the
	// address that matters most is never cut), again only when they
	// change.
	var shown []fyne.CanvasObject
	key := ""
	for _, l := range v.lines[1:] {
		if l.root.Visible() {
			shown = append(shown, l.root)
			key += l.key + " "
		}
	}
	if key != v.shownKey {
		v.shownKey = key
		if len(shown)%2 == 1 {
			shown = append(shown, layout.NewSpacer())
		}
		rows := []fyne.CanvasObject{v.lines[0].root, v.sender.root}
		for i := 0; i < len(shown); i += 2 {
			rows = append(rows, container.NewGridWithColumns(2, shown[i], shown[i+1]))
		}
		v.grid.Objects = rows
		v.grid.Refresh()
	}
}

// identValues are the identity lines' values of an entry, as rich text.
func identValues(e *entry, r *inspector.Report) map[string][]widget.RichTextSegment {
	out := map[string][]widget.RichTextSegment{}
	for _, f := range e.fields {
		key := ""
		for _, k := range []string{"From", "Reply-To", "To", "Return-Path", "Message-ID"} {
			if strings.EqualFold(f.Name, k) {
				key = k
			}
		}
		if key == "" {
			continue
		}
		if len(out[key]) > 0 {
			out[key] = append(out[key], plainSeg("; "))
		}
		if key == "Message-ID" {
			out[key] = append(out[key], plainSeg(strings.TrimSpace(f.Value)))
			continue
		}
		out[key] = append(out[key], addressSegs(f)...)
	}
	if r != nil {
		if len(out["Return-Path"]) == 0 && r.Delivery != nil && r.Delivery.MailFrom != "" {
			out["Return-Path"] = []widget.RichTextSegment{boldSeg(r.Delivery.MailFrom), plainSeg(" (envelope sender)")}
		} else if len(out["Return-Path"]) > 0 {
			out["Return-Path"] = append(out["Return-Path"], plainSeg(" (envelope sender)"))
		}
		if len(out["From"]) == 0 && r.From.Address != "" {
			out["From"] = []widget.RichTextSegment{plainSeg(r.From.Name + " "), boldSeg(r.From.Address)}
		}
		if r.Date != "" {
			out["Date"] = []widget.RichTextSegment{plainSeg(r.Date)}
		}
		if d := r.Delivery; d != nil && d.TransitSeconds != nil {
			out["Date"] = append(out["Date"], plainSeg(" · delivered in "), boldSeg(seconds(*d.TransitSeconds)))
		}
	}
	return out
}

// addressSegs shows the mailboxes of an address field: the name, then the
// address in bold; the field as it is when it cannot be read.
func addressSegs(f message.Field) []widget.RichTextSegment {
	raw := string(f.Raw)
	if _, v, ok := strings.Cut(raw, ":"); ok {
		raw = v
	}
	list, err := address.ParseList(raw)
	if err != nil || list == nil || len(list.Mailboxes) == 0 {
		return []widget.RichTextSegment{plainSeg(strings.TrimSpace(f.Value))}
	}
	var segs []widget.RichTextSegment
	for i, m := range list.Mailboxes {
		if i > 0 {
			segs = append(segs, plainSeg(", "))
		}
		if n := m.DisplayName(); n != "" {
			segs = append(segs, plainSeg(n+" "))
		}
		segs = append(segs, boldSeg("<"+m.Address+">"))
	}
	return segs
}

func plainSeg(s string) widget.RichTextSegment {
	return &widget.TextSegment{Text: s, Style: widget.RichTextStyleInline}
}

func boldSeg(s string) widget.RichTextSegment {
	return &widget.TextSegment{Text: s, Style: widget.RichTextStyleStrong}
}

// richTextOf is the text of segments, to tell whether they changed.
func richTextOf(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Textual())
		if t, ok := s.(*widget.TextSegment); ok && t.Style.TextStyle.Bold {
			b.WriteString("\x00")
		}
	}
	return b.String()
}

func richText(rt *widget.RichText) string { return richTextOf(rt.Segments) }

// errorView is the entry of a file that could not be read as a message.
func errorView(e *entry) fyne.CanvasObject {
	// Not a verdict on a message: the "unreadable" look, not the red of
	// a forgery.
	lk := statusLook(inspector.StatusUnreadable)
	title := widget.NewLabelWithStyle("Could not open "+e.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Importance = lk.importance
	msg := wrapLabel(e.err.Error())
	hint := "Mail Inspector reads a whole message saved from a mail program, usually as a .eml file " +
		"(\"Save as\", \"Download message\" or \"Show original\" then \"Download\")."
	var me *message.Error
	box := container.NewVBox(
		container.NewHBox(widget.NewIcon(lk.icon), title),
		msg, wrapLabel(hint),
	)
	if errors.As(e.err, &me) && me.Kind == message.KindNoSeparator {
		box.Add(wrapLabel("This file may be a header without its body: Edit > Paste Headers checks a header alone."))
	}
	return box
}

// tabTitle is the short name of an entry for its tab: the file name
// without .eml, a long one shortened in the middle, so that both its start
// and its end stay readable ("invoice-2026-…-quarantined"). The window
// title and Window > Messages give the whole path.
func tabTitle(name string) string {
	name = filepath.Base(name)
	if ext := filepath.Ext(name); strings.EqualFold(ext, ".eml") && len(name) > len(ext) {
		name = strings.TrimSuffix(name, ext)
	}
	r := []rune(strings.TrimSpace(name))
	if len(r) > 22 {
		r = append(append(r[:10:10], '…'), r[len(r)-11:]...)
	}
	return string(r)
}
