package app

// "More details" renders the fields of a section that its tab does not
// show itself (see shown.go) from the section's public JSON form (the same
// as `mailinspector check --json`): any JSON value, as a form, cards and
// lines. The tabs themselves read the Report's Go types.

import (
	"encoding/json"
	"fmt"
	"image/color"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// obj is a JSON object of a section.
type obj map[string]any

// jsonValue gives v's JSON form: obj, []any, string, float64, bool or nil.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return normalize(out)
}

func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		o := obj(v)
		for k, x := range o {
			o[k] = normalize(x)
		}
		return o
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		return v
	}
	return v
}

// objects returns the objects of a JSON list (others are skipped).
func objects(v any) []obj {
	list, _ := v.([]any)
	var out []obj
	for _, x := range list {
		if o, ok := x.(obj); ok {
			out = append(out, o)
		}
	}
	return out
}

// str returns the first of keys that holds a non-empty scalar, as text.
func (o obj) str(keys ...string) string {
	for _, k := range keys {
		if v, ok := o[k]; ok && v != nil {
			if _, complex := v.(obj); complex {
				continue
			}
			if _, complex := v.([]any); complex {
				continue
			}
			if s := scalarText(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// flag returns a boolean field and whether it is there.
func (o obj) flag(key string) (value, ok bool) {
	v, ok := o[key].(bool)
	return v, ok
}

// scalarText writes a JSON scalar for a person: whole numbers without a
// decimal point, times in a readable form.
func scalarText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil && len(v) >= 20 {
			return t.Format("2006-01-02 15:04:05 -0700")
		}
		return v
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprint(int64(v))
		}
		return fmt.Sprintf("%.3g", v)
	case bool:
		if v {
			return "yes"
		}
		return "no"
	}
	return fmt.Sprint(v)
}

// humanKey turns a JSON name into a label: "key_bits" -> "Key bits".
func humanKey(k string) string {
	special := map[string]string{
		"ip": "IP", "helo": "HELO", "tls": "TLS", "rdns": "Reverse DNS", "fcrdns": "Forward-confirmed reverse DNS",
		"dkim": "DKIM", "spf": "SPF", "dmarc": "DMARC", "arc": "ARC", "ams": "ARC-Message-Signature",
		"as": "ARC-Seal", "aar": "ARC-Authentication-Results", "ttl": "TTL", "rua": "Aggregate reports to (rua)",
		"ruf": "Failure reports to (ruf)", "p": "Policy (p)", "np": "Non-existent subdomain policy (np)",
		"adkim": "DKIM alignment (adkim)", "aspf": "SPF alignment (aspf)", "pct": "Percentage (pct)",
	}
	if s, ok := special[k]; ok {
		return s
	}
	s := strings.ReplaceAll(k, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sectionHead shows a check's result word (coloured, with an icon) and its
// reason.
func sectionHead(title, word, reason string) fyne.CanvasObject {
	// A result in "More details" is of a part the tab does not show
	// itself: it is read as a result aside from the verdict.
	status := inspector.ResultStatus(result.Result(word), inspector.Aside)
	if word == "" {
		word = string(result.None)
	}
	head := container.NewHBox(statusIcon(status))
	if title != "" {
		head.Add(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	head.Add(resultLabel(word, status))
	if reason == "" {
		return head
	}
	return container.NewVBox(head, wrapLabel(reason))
}

// wrapLabel is a selectable label that wraps at word boundaries.
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	return l
}

// mono shows machine text (records, hashes, raw fields) in a monospaced
// font, wrapping anywhere.
func mono(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Wrapping = fyne.TextWrapBreak
	l.Selectable = true
	return l
}

// pair is one line of a key-value list; value may be any widget.
type pair struct {
	key   string
	value fyne.CanvasObject
}

// textPair is a key and a text value; a short value does not wrap, which
// keeps the form's rows from growing while it is first laid out.
func textPair(key, value string) pair {
	l := wrapLabel(value)
	if len(value) <= 60 && !strings.Contains(value, "\n") {
		l.Wrapping = fyne.TextWrapOff
	}
	return pair{key, l}
}

// fields lays pairs out as a two-column form, skipping empty values.
func fields(pairs ...pair) fyne.CanvasObject {
	grid := container.New(layout.NewFormLayout())
	for _, p := range pairs {
		if p.value == nil {
			continue
		}
		if l, ok := p.value.(*widget.Label); ok && l.Text == "" {
			continue
		}
		grid.Add(widget.NewLabelWithStyle(p.key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		grid.Add(p.value)
	}
	return grid
}

func emptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case obj:
		return len(v) == 0
	}
	return false
}

// genericView renders any JSON value: an object as a form (nested values
// indented below their key), a list of objects as cards, a list of scalars
// one per line. A result word is coloured; an object with "matched" or
// "match" true is marked.
func genericView(v any, depth int) fyne.CanvasObject {
	switch v := v.(type) {
	case obj:
		box := container.NewVBox()
		if res := v.str("result"); res != "" {
			box.Add(sectionHead(v.str("name", "mechanism", "domain", "identifier"), res, v.str("reason")))
		}
		if m, _ := v.flag("matched"); m {
			box.Add(container.NewHBox(statusIcon(inspector.VerdictPass), resultLabel("this is the match", inspector.VerdictPass)))
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var scalars []pair
		var nested []fyne.CanvasObject
		for _, k := range keys {
			x := v[k]
			if emptyValue(x) || (k == "result" || k == "reason") && v.str("result") != "" {
				continue
			}
			switch x.(type) {
			case obj, []any:
				if list, ok := x.([]any); ok && len(objects(list)) == 0 {
					var lines []string
					for _, s := range list {
						lines = append(lines, scalarText(s))
					}
					scalars = append(scalars, textPair(humanKey(k), strings.Join(lines, "\n")))
					continue
				}
				if depth >= 6 {
					scalars = append(scalars, pair{humanKey(k), mono(compactJSON(x))})
					continue
				}
				nested = append(nested, widget.NewLabelWithStyle(humanKey(k), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
				nested = append(nested, indent(genericView(x, depth+1)))
			default:
				scalars = append(scalars, textPair(humanKey(k), scalarText(x)))
			}
		}
		if len(scalars) > 0 {
			box.Add(fields(scalars...))
		}
		for _, n := range nested {
			box.Add(n)
		}
		return box
	case []any:
		box := container.NewVBox()
		for i, x := range v {
			if i > 0 {
				box.Add(widget.NewSeparator())
			}
			box.Add(genericView(x, depth+1))
		}
		return box
	}
	return wrapLabel(scalarText(v))
}

// indent shifts an object right by one level.
func indent(o fyne.CanvasObject) fyne.CanvasObject {
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(theme.Padding()*4, 1))
	return container.NewBorder(nil, nil, spacer, nil, o)
}

func compactJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// summaryRow returns the verdict panel row of a mechanism, or nil.
func summaryRow(r *inspector.Report, mechanism string) *inspector.Row {
	for i := range r.Summary {
		if strings.EqualFold(r.Summary[i].Mechanism, mechanism) {
			return &r.Summary[i]
		}
	}
	return nil
}
