package app

// The parts a report page is made of. Each keeps its widgets for the life
// of the page and changes them in place when it is given a newer (partial)
// report: a check reports progress many times, and a page rebuilt for each
// would leave its old widgets, renderers and spinners behind. A part that
// is not needed hides; a list hides the views it no longer needs rather
// than dropping them, so that a report that shrinks (a new run) and grows
// again makes no new widgets.

import (
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// spinnersRunning counts the spinners started and not stopped, for tests.
var spinnersRunning atomic.Int64

// spinner is an activity indicator shown only while it runs.
type spinner struct {
	a       *widget.Activity
	running bool
}

func newSpinner() *spinner {
	s := &spinner{a: widget.NewActivity()}
	s.a.Hide()
	return s
}

// set starts or stops the spinner.
func (s *spinner) set(on bool) {
	if !on {
		s.stop()
		return
	}
	if !s.running {
		s.running = true
		spinnersRunning.Add(1)
	}
	setShown(s.a, true)
	// Start again even when running: a renderer the driver destroyed
	// (a page not painted for a while) stopped it.
	s.a.Start()
}

func (s *spinner) stop() {
	if !s.running {
		return
	}
	s.running = false
	spinnersRunning.Add(-1)
	s.a.Stop()
	s.a.Hide()
}

// setText sets a label's text, refreshing it only when it changes.
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// setLook sets a label's importance (its colour).
func setLook(l *widget.Label, imp widget.Importance) {
	if l.Importance != imp {
		l.Importance = imp
		l.Refresh()
	}
}

// setIcon sets an icon's resource when it changes.
func setIcon(i *widget.Icon, res fyne.Resource) {
	if i.Resource == nil || i.Resource.Name() != res.Name() {
		i.SetResource(res)
	}
}

// setEnabled enables or disables a button when that changes.
func setEnabled(b *widget.Button, on bool) {
	if on && b.Disabled() {
		b.Enable()
	} else if !on && !b.Disabled() {
		b.Disable()
	}
}

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}

// setWrapped sets a wrapping label's text; a short value does not wrap,
// which keeps a form's rows from growing while it is first laid out.
func setWrapped(l *widget.Label, text string) {
	wrap := fyne.TextWrapWord
	if len(text) <= 60 && !strings.Contains(text, "\n") {
		wrap = fyne.TextWrapOff
	}
	if l.Wrapping != wrap {
		l.Wrapping = wrap
		l.Refresh()
	}
	setText(l, text)
}

// shownLabel sets a label's text and hides it when the text is empty.
func shownLabel(l *widget.Label, text string) {
	setText(l, text)
	setShown(l, text != "")
}

// statusHead is a check's result word (coloured, with an icon) after an
// optional bold title, and its reason below.
type statusHead struct {
	root   *fyne.Container
	icon   *widget.Icon
	title  *widget.Label
	word   *widget.Label
	reason *widget.Label
}

func newStatusHead() *statusHead {
	h := &statusHead{
		icon:   statusIcon(inspector.VerdictNone),
		title:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		word:   resultLabel("", inspector.VerdictNone),
		reason: wrapLabel(""),
	}
	h.root = container.NewVBox(container.NewHBox(h.icon, h.title, h.word), h.reason)
	return h
}

// set shows a title ("" hides it), a result word ("" is none), coloured
// by its status (the engine's), and a reason ("" hides it), as a sentence.
func (h *statusHead) set(title, word string, status inspector.Status, reason string) {
	lk := statusLook(status)
	if word == "" {
		word = string(result.None)
	}
	setIcon(h.icon, lk.icon)
	shownLabel(h.title, title)
	setText(h.word, resultText(word))
	setLook(h.word, lk.importance)
	shownLabel(h.reason, inspector.Sentence(reason))
}

// badge is an icon and a bold coloured word on one line.
type badge struct {
	root *fyne.Container
	icon *widget.Icon
	word *widget.Label
}

func newBadge() *badge {
	b := &badge{icon: statusIcon(inspector.VerdictNone), word: resultLabel("", inspector.VerdictNone)}
	b.root = container.NewHBox(b.icon, b.word)
	return b
}

func (b *badge) set(status inspector.Status, word string) {
	lk := statusLook(status)
	setIcon(b.icon, lk.icon)
	setText(b.word, word)
	setLook(b.word, lk.importance)
}

// form is a two-column list of keys and values; a row whose value is
// empty hides.
type form struct {
	root *fyne.Container
	rows []formRow
}

type formRow struct {
	key   *widget.Label
	value fyne.CanvasObject
	// text is the value when it is text; mono text wraps anywhere.
	text *widget.Label
	mono bool
}

func newForm() *form { return &form{root: container.New(layout.NewFormLayout())} }

// textForm is a form of text rows with these keys.
func textForm(keys ...string) *form {
	f := newForm()
	for _, k := range keys {
		f.addText(k)
	}
	return f
}

func (f *form) add(key string, value fyne.CanvasObject, text *widget.Label, mono bool) int {
	k := widget.NewLabelWithStyle(key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	f.rows = append(f.rows, formRow{key: k, value: value, text: text, mono: mono})
	f.root.Add(k)
	f.root.Add(value)
	return len(f.rows) - 1
}

// addText adds a row of text and returns its index.
func (f *form) addText(key string) int {
	l := wrapLabel("")
	return f.add(key, l, l, false)
}

// addMono adds a row of machine text (a record, a hash).
func (f *form) addMono(key string) int {
	l := mono("")
	return f.add(key, l, l, true)
}

// addObject adds a row whose value is o; show shows or hides it.
func (f *form) addObject(key string, o fyne.CanvasObject) int { return f.add(key, o, nil, false) }

// set sets the value of text row i, hiding the row when it is "".
func (f *form) set(i int, value string) {
	r := f.rows[i]
	if r.mono {
		setText(r.text, value)
	} else {
		setWrapped(r.text, value)
	}
	f.show(i, value != "")
}

// setAll sets the text rows in order.
func (f *form) setAll(values ...string) {
	for i, v := range values {
		f.set(i, v)
	}
}

func (f *form) setKey(i int, key string) { setText(f.rows[i].key, key) }

func (f *form) show(i int, on bool) {
	setShown(f.rows[i].key, on)
	setShown(f.rows[i].value, on)
}

// noticeList shows one notice (an icon and a line of text, in the colour
// of a status) per text.
type noticeList struct {
	status inspector.Status
	root   *fyne.Container
	rows   []*noticeRow
}

type noticeRow struct {
	root *fyne.Container
	text *widget.Label
}

func newNoticeList(status inspector.Status) *noticeList {
	return &noticeList{status: status, root: container.NewVBox()}
}

func (n *noticeList) set(texts ...string) {
	for len(n.rows) < len(texts) {
		l := wrapLabel("")
		l.Importance = statusLook(n.status).importance
		r := &noticeRow{text: l, root: container.NewBorder(nil, nil, container.NewCenter(statusIcon(n.status)), nil, l)}
		n.rows = append(n.rows, r)
		n.root.Add(r.root)
	}
	for i, r := range n.rows {
		if i < len(texts) {
			setText(r.text, inspector.Sentence(texts[i]))
		}
		setShown(r.root, i < len(texts))
	}
	setShown(n.root, len(texts) > 0)
}

// item is the view of one element of a list.
type item[T any] interface {
	object() fyne.CanvasObject
	update(T)
}

// list shows one view per element, in order, made by newItem and kept
// for as long as the list lives: a list given fewer elements hides the
// views it does not need.
type list[T any] struct {
	root    *fyne.Container
	newItem func() item[T]
	views   []item[T]
	objs    []fyne.CanvasObject // the views' objects, wrapped
	// wrap, when set, puts each view in a frame (an indent).
	wrap func(fyne.CanvasObject) fyne.CanvasObject
}

func newList[T any](newItem func() item[T]) *list[T] {
	return &list[T]{root: container.NewVBox(), newItem: newItem}
}

// set shows elems, one view each.
func (l *list[T]) set(elems []T) {
	for len(l.views) < len(elems) {
		v := l.newItem()
		o := v.object()
		if l.wrap != nil {
			o = l.wrap(o)
		}
		l.views = append(l.views, v)
		l.objs = append(l.objs, o)
		l.root.Add(o)
	}
	for i, v := range l.views {
		if i < len(elems) {
			v.update(elems[i])
		}
		setShown(l.objs[i], i < len(elems))
	}
	setShown(l.root, len(elems) > 0)
}

// textLine is a list item that is a wrapping label.
type textLine struct{ l *widget.Label }

func (t *textLine) object() fyne.CanvasObject { return t.l }
func (t *textLine) update(s string)           { setText(t.l, s) }

// newTextLines is a list of wrapping labels, one per text.
func newTextLines() *list[string] {
	return newList(func() item[string] { return &textLine{wrapLabel("")} })
}

// folded is machine text under a closed accordion item; it hides when the
// text is empty.
type folded struct {
	acc  *widget.Accordion
	item *widget.AccordionItem
	text *widget.Label
}

func newFolded() *folded {
	f := &folded{text: mono("")}
	f.item = widget.NewAccordionItem("", f.text)
	f.acc = widget.NewAccordion(f.item)
	return f
}

func (f *folded) set(title, text string) {
	if f.item.Title != title {
		f.item.Title = title
		f.acc.Refresh()
	}
	setText(f.text, text)
	setShown(f.acc, text != "")
}

// absentView stands for a section the report does not have: while its
// check runs, a spinner and "checking…"; once the checks are over, "not
// evaluated" and why.
type absentView struct {
	root *fyne.Container
	spin *spinner
	icon *widget.Icon
	word *widget.Label
	why  *widget.Label
}

func newAbsentView() *absentView {
	a := &absentView{spin: newSpinner(), icon: statusIcon(inspector.VerdictNone),
		word: resultLabel(inspector.NotEvaluated, inspector.VerdictNone), why: wrapLabel("")}
	a.root = container.NewVBox(container.NewHBox(container.NewStack(a.icon, a.spin.a), a.word), a.why)
	return a
}

// set shows the section as absent: pending while its check runs, else
// not evaluated, with reason or, when that is empty, a sentence about
// what.
func (a *absentView) set(what string, pending bool, reason string) {
	a.spin.set(pending)
	setShown(a.icon, !pending)
	switch {
	case pending:
		setText(a.word, checking)
		reason = "Still being checked: this part of the report appears when its DNS answers are in."
	default:
		setText(a.word, inspector.NotEvaluated)
		if reason == "" || reason == inspector.NotEvaluated {
			reason = "This check did not run, so nothing is known about " + what + "."
		}
	}
	setText(a.why, reason)
	setShown(a.root, true)
}

// hide hides the view (the section is there) and stops its spinner.
func (a *absentView) hide() {
	a.spin.stop()
	setShown(a.root, false)
}

// heading is a bold title for a part of a tab.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// vbox is a vertical box of the objects that are not nil.
func vbox(objs ...fyne.CanvasObject) *fyne.Container {
	box := container.NewVBox()
	for _, o := range objs {
		if o != nil {
			box.Add(o)
		}
	}
	return box
}

// card frames a part of a tab (a signature, a hop, an ARC instance).
func card(content ...fyne.CanvasObject) fyne.CanvasObject {
	return widget.NewCard("", "", vbox(content...))
}
