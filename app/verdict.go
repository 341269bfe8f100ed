package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// pendingMechanisms are the rows shown before the engine's first partial
// report arrives.
var pendingMechanisms = []string{"DKIM", "SPF", "DMARC", "ARC", "TLS"}

// checking is the word of a row whose check has not finished.
const checking = "checking…"

// verdictPanel is the top of a report: one headline sentence on the
// overall colour, and one row per mechanism. It is built from Summary,
// Verdict and Headline only, so it shows whatever mechanisms the engine
// reports. It keeps its widgets: update shows a newer report in them.
type verdictPanel struct {
	root     *fyne.Container
	banner   *banner
	word     *widget.Label
	headline *widget.Label
	icon     *widget.Icon
	spin     *spinner
	// trap is the second answer: "Is it a trap?".
	trap *trapLine
	grid *fyne.Container
	// words is the column of the rows' result words.
	words *sharedColumn
	// wrapped says the rows' reasons wrap (a tall window).
	wrapped bool
	// rows are the rows shown, one per row of the report; pool holds
	// every row made, shown or not.
	rows []*verdictRow
	pool []*verdictRow
}

// verdictRow is one mechanism's line: icon (or a spinner while pending),
// name, result word, reason.
type verdictRow struct {
	root    fyne.CanvasObject
	row     inspector.Row
	pending bool
	icon    *widget.Icon
	spin    *spinner
	mech    *widget.Label
	word    *widget.Label
	reason  *widget.Label
}

// newVerdictPanel renders r; running says checks are still under way (r
// may then be nil or partial).
func newVerdictPanel(r *inspector.Report, running bool) *verdictPanel {
	p := &verdictPanel{grid: container.New(&tightVBox{}), words: &sharedColumn{min: 96}, spin: newSpinner(), icon: widget.NewIcon(statusLook(inspector.VerdictNone).icon)}
	p.word = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.word.SizeName = theme.SizeNameSubHeadingText
	p.headline = wrapLabel("")
	p.headline.TextStyle.Bold = true
	lead := container.NewStack(p.icon, p.spin.a)
	bannerContent := container.NewBorder(nil, nil,
		container.NewHBox(container.New(&minWidth{w: 40}, lead), p.word), nil, p.headline)
	p.banner = newBanner(inspector.VerdictNone, bannerContent)
	p.trap = newTrapLine()
	p.root = container.NewVBox(p.banner, p.trap.root, p.grid)
	p.update(r, running)
	return p
}

// update shows r (nil before the first partial report) in the panel.
func (p *verdictPanel) update(r *inspector.Report, running bool) {
	status, headline := inspector.StatusNotChecked, "Checking…"
	var rows []inspector.Row
	if r != nil {
		status, headline, rows = inspector.StatusOf(r.Verdict), r.Headline, r.Summary
	}
	if running {
		status = inspector.StatusPending
		if r == nil || len(rows) == 0 {
			rows = nil
			for _, m := range pendingMechanisms {
				rows = append(rows, inspector.Row{Mechanism: m, Result: result.None, Status: inspector.StatusPending, Reason: inspector.NotEvaluated})
			}
		}
		headline = "Checking… the verdict appears when the DNS answers are in."
	}
	if headline == "" {
		headline = "Nothing could be evaluated."
	}
	lk := statusLook(status)
	setText(p.word, lk.word)
	setLook(p.word, lk.importance)
	setText(p.headline, headline)
	setIcon(p.icon, lk.icon)
	setShown(p.icon, !running)
	p.spin.set(running)
	p.trap.update(r, running)
	if p.banner.status != status {
		p.banner.status = status
		p.banner.Refresh()
	}

	for len(p.pool) < len(rows) {
		vr := newVerdictRow(p.words)
		vr.setWrapped(p.wrapped)
		p.pool = append(p.pool, vr)
		p.grid.Add(vr.root)
	}
	p.rows = p.pool[:len(rows)]
	for i, vr := range p.pool {
		if i < len(rows) {
			vr.update(rows[i], running && rowPending(rows[i]))
		} else {
			vr.spin.stop()
		}
		setShown(vr.root, i < len(rows))
	}
}

// stop stops the panel's spinners (the page is discarded).
func (p *verdictPanel) stop() {
	p.spin.stop()
	p.trap.spin.stop()
	for _, vr := range p.pool {
		vr.spin.stop()
	}
}

// rowPending says whether a row of a partial report still waits for its
// check.
func rowPending(r inspector.Row) bool {
	return r.Status == inspector.StatusPending ||
		r.Status == inspector.VerdictNone && (r.Reason == inspector.NotEvaluated || r.Reason == "")
}

// tightVBox stacks its objects like a VBox, but without the padding
// between them and with each label's own inner padding overlapped, so
// that lines of text sit as close as in a paragraph.
type tightVBox struct{}

func (tightVBox) overlap() float32 { return theme.InnerPadding() / 2 }

func (t tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - t.overlap()
	}
}

func (t tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w, h = max(w, m.Width), h+m.Height
		n++
	}
	if n > 1 {
		h -= float32(n-1) * t.overlap()
	}
	return fyne.NewSize(w, h)
}

// sharedColumn makes a column of cells in separate rows as wide as the
// widest of them, so that the reasons of the verdict panel start at one
// edge whatever the words.
type sharedColumn struct {
	min   float32
	cells []fyne.CanvasObject
	// limit, when set, caps the column's width (0: no cap yet).
	limit func() float32
}

// cell is the layout of one cell of the column.
func (c *sharedColumn) cell() fyne.Layout { return &columnCell{c} }

type columnCell struct{ c *sharedColumn }

func (l *columnCell) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		if t, ok := o.(*widget.Label); ok && l.c.limit != nil {
			t.Truncation = fyne.TextTruncateEllipsis
		}
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *columnCell) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := l.c.min, float32(0)
	for _, o := range l.c.cells {
		if o.Visible() {
			w = max(w, labelWidth(o))
		}
	}
	if l.c.limit != nil {
		if lim := l.c.limit(); lim > 0 {
			w = min(w, lim)
		}
	}
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}

// labelWidth is the width o needs: a label's text laid out on one line,
// whatever its truncation.
func labelWidth(o fyne.CanvasObject) float32 {
	if l, ok := o.(*widget.Label); ok {
		s := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle)
		return s.Width + 2*theme.InnerPadding()
	}
	return o.MinSize().Width
}

func newVerdictRow(col *sharedColumn) *verdictRow {
	vr := &verdictRow{
		icon:   widget.NewIcon(statusLook(inspector.VerdictNone).icon),
		spin:   newSpinner(),
		mech:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		word:   resultLabel("", inspector.VerdictNone),
		reason: wrapLabel(""),
	}
	// One line each, so that the whole panel stays in view above the
	// details (the details tab of the row says it in full); wrapped where
	// the window is tall enough (setWrapped).
	vr.setWrapped(false)
	col.cells = append(col.cells, vr.word)
	left := container.NewHBox(
		container.New(&minWidth{w: 28}, container.NewStack(vr.icon, vr.spin.a)),
		container.New(&minWidth{w: 70}, vr.mech),
		container.New(col.cell(), vr.word),
	)
	vr.root = container.NewBorder(nil, nil, container.NewVBox(left), nil, vr.reason)
	return vr
}

// update shows row; pending shows a spinner and "checking…" instead of its
// result.
func (vr *verdictRow) update(row inspector.Row, pending bool) {
	vr.row, vr.pending = row, pending
	word, reason := resultText(row.ShownWord()), row.Reason
	lk := lookOf(row.Status)
	imp := lk.importance
	if pending {
		word, reason, imp = checking, "waiting for DNS answers", widget.LowImportance
	}
	vr.spin.set(pending)
	setIcon(vr.icon, lk.icon)
	setShown(vr.icon, !pending)
	setText(vr.mech, row.Mechanism)
	setText(vr.word, word)
	setLook(vr.word, imp)
	setText(vr.reason, reason)
}

// setWrapped wraps the row's reason, or cuts it to one line.
func (vr *verdictRow) setWrapped(on bool) {
	wrap, trunc := fyne.TextWrapOff, fyne.TextTruncateEllipsis
	if on {
		wrap, trunc = fyne.TextWrapWord, fyne.TextTruncateOff
	}
	if vr.reason.Wrapping != wrap || vr.reason.Truncation != trunc {
		vr.reason.Wrapping, vr.reason.Truncation = wrap, trunc
		vr.reason.Refresh()
	}
}

// setWrapped wraps every row's reason, or cuts each to one line.
func (p *verdictPanel) setWrapped(on bool) {
	if p.wrapped == on {
		return
	}
	p.wrapped = on
	for _, vr := range p.pool {
		vr.setWrapped(on)
	}
}

// spinning says whether the row shows its spinner.
func (vr *verdictRow) spinning() bool { return vr.spin.running }

// text is the row as one line, for the clipboard and tests.
func (vr *verdictRow) text() string {
	return strings.TrimSpace(vr.mech.Text + " " + vr.word.Text + " " + vr.reason.Text)
}

// banner is a panel tinted with the colour of a status, with a border in
// the full colour; the colours come from the current theme each time it is
// refreshed.
type banner struct {
	widget.BaseWidget
	status  inspector.Status
	content fyne.CanvasObject
}

func newBanner(status inspector.Status, content fyne.CanvasObject) *banner {
	b := &banner{status: status, content: content}
	b.ExtendBaseWidget(b)
	return b
}

func (b *banner) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = theme.InputRadiusSize() * 2
	bg.StrokeWidth = 2
	r := &bannerRenderer{b: b, bg: bg, pad: container.NewPadded(b.content)}
	r.Refresh()
	return r
}

type bannerRenderer struct {
	b   *banner
	bg  *canvas.Rectangle
	pad *fyne.Container
}

func (r *bannerRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.pad.Resize(size)
}

func (r *bannerRenderer) MinSize() fyne.Size { return r.pad.MinSize() }

func (r *bannerRenderer) Refresh() {
	c := theme.Color(statusLook(r.b.status).color)
	r.bg.StrokeColor = c
	r.bg.FillColor = tint(c, 0x30)
	r.bg.Refresh()
	r.pad.Refresh()
}

func (r *bannerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.pad} }
func (r *bannerRenderer) Destroy()                     {}

// tint is c at the given opacity, to lay under text of the foreground
// colour.
func tint(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha}
}
