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
// reports.
type verdictPanel struct {
	root     fyne.CanvasObject
	banner   *banner
	word     *widget.Label
	headline *widget.Label
	rows     []*verdictRow
}

// verdictRow is one mechanism's line: icon (or activity while pending),
// name, result word, reason.
type verdictRow struct {
	row      inspector.Row
	pending  bool
	icon     *widget.Icon
	activity *widget.Activity
	mech     *widget.Label
	word     *widget.Label
	reason   *widget.Label
}

// newVerdictPanel renders r; running says checks are still under way (r
// may then be nil or partial).
func newVerdictPanel(r *inspector.Report, running bool) *verdictPanel {
	p := &verdictPanel{}
	status, headline := inspector.VerdictNone, "Checking…"
	var rows []inspector.Row
	if r != nil {
		status, headline, rows = r.Verdict, r.Headline, r.Summary
	}
	if running {
		status = inspector.VerdictNone
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
	word := lk.word
	if running {
		word = "CHECKING"
	}
	p.word = widget.NewLabelWithStyle(word, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.word.Importance = lk.importance
	p.word.SizeName = theme.SizeNameSubHeadingText
	p.headline = wrapLabel(headline)
	p.headline.TextStyle.Bold = true
	var lead fyne.CanvasObject = widget.NewIcon(lk.icon)
	if running {
		a := widget.NewActivity()
		a.Start()
		lead = a
	}
	bannerContent := container.NewBorder(nil, nil,
		container.NewHBox(container.New(&minWidth{w: 40}, lead), p.word), nil, p.headline)
	p.banner = newBanner(status, bannerContent)

	grid := container.NewVBox()
	for _, row := range rows {
		vr := newVerdictRow(row, running && rowPending(row))
		p.rows = append(p.rows, vr)
		grid.Add(vr.object())
	}
	p.root = container.NewVBox(p.banner, grid)
	return p
}

// rowPending says whether a row of a partial report still waits for its
// check.
func rowPending(r inspector.Row) bool {
	return r.Status == inspector.StatusPending ||
		r.Status == inspector.VerdictNone && (r.Reason == inspector.NotEvaluated || r.Reason == "")
}

func newVerdictRow(row inspector.Row, pending bool) *verdictRow {
	vr := &verdictRow{row: row, pending: pending}
	vr.mech = widget.NewLabelWithStyle(row.Mechanism, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	word, reason := string(row.Result), row.Reason
	if word == "" {
		word = string(result.None)
	}
	if pending {
		word, reason = checking, "waiting for DNS answers"
		vr.activity = widget.NewActivity()
		vr.activity.Start()
	} else {
		vr.icon = widget.NewIcon(statusLook(row.Status).icon)
	}
	vr.word = resultLabel(word, row.Status)
	if pending {
		vr.word.Importance = widget.LowImportance
	}
	vr.reason = wrapLabel(reason)
	return vr
}

func (vr *verdictRow) object() fyne.CanvasObject {
	var lead fyne.CanvasObject = vr.icon
	if vr.pending {
		lead = vr.activity
	}
	left := container.NewHBox(
		container.New(&minWidth{w: 28}, lead),
		container.New(&minWidth{w: 70}, vr.mech),
		container.New(&minWidth{w: 96}, vr.word),
	)
	return container.NewBorder(nil, nil, container.NewVBox(left), nil, vr.reason)
}

// text is the row as one line, for the clipboard and tests.
func (vr *verdictRow) text() string {
	return strings.TrimSpace(vr.mech.Text + " " + vr.word.Text + " " + vr.reason.Text)
}

// banner is a panel tinted with the colour of a status, with a border in
// the full colour; the colours come from the current theme each time it is
// refreshed.
type banner struct {
	widget.BaseWidget
	status  string
	content fyne.CanvasObject
}

func newBanner(status string, content fyne.CanvasObject) *banner {
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
