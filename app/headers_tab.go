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
// filter box. Its rows are kept and given other fields as the filter
// changes.
type headersView struct {
	fields []message.Field
	filter *widget.Entry
	raw    *widget.Check
	list   *fyne.Container
	count  *widget.Label
	root   fyne.CanvasObject
	rows   []*headerRow
	// empty says there are no fields; more that the filter lets more
	// through than are shown.
	empty, more *widget.Label
	// names is the column of field names: as wide as the longest shown
	// (at most a third of the tab), so that no value runs into its name.
	names *sharedColumn
}

// headerRow shows one field: its name beside its decoded value, or the
// field as in the file.
type headerRow struct {
	decoded *fyne.Container
	name    *widget.Label
	value   *widget.Label
	raw     *widget.Label
}

func newHeadersView(fields []message.Field) *headersView {
	v := &headersView{fields: fields, names: &sharedColumn{min: 60}}
	v.names.limit = func() float32 { return v.list.Size().Width / 3 }
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: a field name or any text in it")
	v.filter.OnChanged = func(string) { v.refresh() }
	v.raw = widget.NewCheck("Raw (as in the file)", func(bool) { v.refresh() })
	v.count = widget.NewLabel("")
	v.empty = wrapLabel("No header fields.")
	v.more = wrapLabel("")
	v.list = container.NewVBox(v.empty)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(v.raw, v.count), v.filter)
	v.root = container.NewVBox(top, v.list, v.more)
	v.refresh()
	return v
}

// setFields shows the fields of a newly loaded message, unfiltered.
func (v *headersView) setFields(fields []message.Field) {
	v.fields = fields
	if v.filter.Text != "" {
		v.filter.SetText("") // refreshes
	}
	if v.raw.Checked {
		v.raw.SetChecked(false)
	}
	v.refresh()
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
	setShown(v.empty, len(v.fields) == 0)
	shown := min(len(idx), maxHeadersShown)
	for len(v.rows) < shown {
		r := &headerRow{
			name:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			value: wrapLabel(""),
			raw:   mono(""),
		}
		// A field as in the file breaks between words where it can.
		r.raw.Wrapping = fyne.TextWrapWord
		v.names.cells = append(v.names.cells, r.name)
		r.decoded = container.NewBorder(nil, nil, container.New(v.names.cell(), r.name), nil, r.value)
		v.rows = append(v.rows, r)
		v.list.Add(r.decoded)
		v.list.Add(r.raw)
	}
	for n, r := range v.rows {
		if n >= shown {
			setShown(r.decoded, false)
			setShown(r.raw, false)
			continue
		}
		f := v.fields[idx[n]]
		if v.raw.Checked {
			setText(r.raw, strings.ReplaceAll(strings.TrimRight(string(f.Raw), "\r\n"), "\r\n", "\n"))
		} else {
			setText(r.name, f.Name)
			setText(r.value, f.Value)
		}
		setShown(r.raw, v.raw.Checked)
		setShown(r.decoded, !v.raw.Checked)
	}
	more := ""
	if len(idx) > shown {
		more = fmt.Sprintf("%d more fields: narrow the filter to see them.", len(idx)-shown)
	}
	shownLabel(v.more, more)
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
