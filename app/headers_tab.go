package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// maxHeadersShown bounds the fields laid out at once; the filter finds the
// others.
const maxHeadersShown = 400

// headersView lists every header field in order, decoded or raw, with a
// filter box.
type headersView struct {
	fields []message.Field
	filter *widget.Entry
	raw    *widget.Check
	list   *fyne.Container
	count  *widget.Label
	root   fyne.CanvasObject
}

func newHeadersView(fields []message.Field) *headersView {
	v := &headersView{fields: fields}
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: a field name or any text in it")
	v.filter.OnChanged = func(string) { v.refresh() }
	v.raw = widget.NewCheck("Raw (as in the file)", func(bool) { v.refresh() })
	v.count = widget.NewLabel("")
	v.list = container.NewVBox()
	top := container.NewBorder(nil, nil, nil, container.NewHBox(v.raw, v.count), v.filter)
	v.root = container.NewVBox(top, v.list)
	v.refresh()
	return v
}

// matching returns the indexes of the fields the filter lets through.
func (v *headersView) matching() []int {
	q := strings.ToLower(strings.TrimSpace(v.filter.Text))
	var out []int
	for i, f := range v.fields {
		if q == "" || strings.Contains(strings.ToLower(f.Name), q) ||
			strings.Contains(strings.ToLower(f.Value), q) || strings.Contains(strings.ToLower(string(f.Raw)), q) {
			out = append(out, i)
		}
	}
	return out
}

func (v *headersView) refresh() {
	idx := v.matching()
	v.count.SetText(fmt.Sprintf("%d of %d fields", len(idx), len(v.fields)))
	var objs []fyne.CanvasObject
	if len(v.fields) == 0 {
		objs = append(objs, wrapLabel("No header fields."))
	}
	for n, i := range idx {
		if n == maxHeadersShown {
			objs = append(objs, wrapLabel(fmt.Sprintf("%d more fields: narrow the filter to see them.", len(idx)-n)))
			break
		}
		f := v.fields[i]
		if v.raw.Checked {
			objs = append(objs, mono(strings.ReplaceAll(strings.TrimRight(string(f.Raw), "\r\n"), "\r\n", "\n")))
			continue
		}
		name := widget.NewLabelWithStyle(f.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		objs = append(objs, container.NewBorder(nil, nil, container.New(&minWidth{w: 180}, name), nil, wrapLabel(f.Value)))
	}
	v.list.Objects = objs
	v.list.Refresh()
}

// minWidth gives its objects at least w of width.
type minWidth struct{ w float32 }

func (m *minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (m *minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(m.w, 0)
	for _, o := range objs {
		min := o.MinSize()
		s = s.Max(fyne.NewSize(0, min.Height))
	}
	return s
}
