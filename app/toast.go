package app

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// toastTime is how long a notice stays.
const toastTime = 3 * time.Second

// toast is a short notice at the bottom of the window ("Summary copied"),
// for actions that otherwise show nothing.
type toast struct {
	root  *fyne.Container
	box   *fyne.Container
	label *widget.Label
	bg    *canvas.Rectangle
	gen   int
}

func newToast() *toast {
	t := &toast{label: widget.NewLabel(""), bg: canvas.NewRectangle(color.Transparent)}
	t.bg.CornerRadius = theme.InputRadiusSize() * 2
	t.box = container.NewStack(t.bg, container.NewPadded(t.label))
	t.root = container.NewVBox(layout.NewSpacer(), container.NewCenter(t.box), widget.NewLabel(""))
	t.root.Hide()
	return t
}

// notify shows text for a few seconds.
func (a *App) notify(text string) {
	t := a.toast
	t.gen++
	gen := t.gen
	t.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	t.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	t.bg.StrokeWidth = 2
	t.label.SetText(text)
	t.root.Show()
	t.root.Refresh()
	time.AfterFunc(toastTime, func() {
		fyne.Do(func() {
			if t.gen == gen {
				t.root.Hide()
			}
		})
	})
}
