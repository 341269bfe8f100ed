package app

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// A details tab reads a section of the Report through its Go type, so a
// renamed field does not compile. What the tab does not render itself is
// listed under "More details" from the section's JSON form, so that a
// field added to the engine is visible the day it lands. Which fields are
// "rendered" is not a list of names kept beside the code: a view marks a
// field as it reads it (use, or mark for a field left out on purpose),
// and the field's JSON names are found from the type.

// shown records the fields of one section (a struct) that a view shows.
type shown struct {
	v     reflect.Value // the struct, addressable
	names map[string]bool
}

// track starts recording the fields of *s that a view shows.
func track[T any](s *T) *shown {
	return &shown{v: reflect.ValueOf(s).Elem(), names: make(map[string]bool)}
}

// use marks the field p points to as shown and returns its value.
func use[F any](sh *shown, p *F) F {
	sh.mark(p)
	return *p
}

// mark marks the fields ps point to as shown, or as left out on purpose
// (machine words such as codes, which the tab says in words instead).
// Each must point to a field of the tracked struct.
func (sh *shown) mark(ps ...any) {
	t := sh.v.Type()
next:
	for _, p := range ps {
		pv := reflect.ValueOf(p)
		if pv.Kind() != reflect.Pointer {
			panic(fmt.Sprintf("app: shown.mark of %T, not a pointer to a field of %s", p, t))
		}
		for i := 0; i < t.NumField(); i++ {
			f := sh.v.Field(i)
			if f.Type() == pv.Type().Elem() && f.Addr().Pointer() == pv.Pointer() {
				for _, n := range jsonNames(t, i) {
					sh.names[n] = true
				}
				continue next
			}
		}
		panic(fmt.Sprintf("app: shown.mark of a %T that is not a field of the %s tracked", p, t))
	}
}

// has says whether the JSON field name is shown.
func (sh *shown) has(name string) bool { return sh.names[name] }

type fieldKey struct {
	t reflect.Type
	i int
}

var namesCache sync.Map // fieldKey -> []string

// jsonNames are the names of the JSON fields that field i of struct type t
// gives: its tag's name, and whatever else changes in the struct's JSON
// when the field is set (a type with its own MarshalJSON may write a field
// under other names, or as several).
func jsonNames(t reflect.Type, i int) []string {
	key := fieldKey{t, i}
	if v, ok := namesCache.Load(key); ok {
		return v.([]string)
	}
	var names []string
	f := t.Field(i)
	if tag := f.Tag.Get("json"); tag != "-" {
		name := tag
		if j := strings.IndexByte(tag, ','); j >= 0 {
			name = tag[:j]
		}
		if name == "" && f.IsExported() && !f.Anonymous {
			name = f.Name
		}
		if name != "" {
			names = append(names, name)
		}
	}
	z := reflect.New(t)
	before := jsonFields(z.Interface())
	if fv := z.Elem().Field(i); fv.CanSet() && probe(fv) {
		after := jsonFields(z.Interface())
		for k, v := range after {
			if b, ok := before[k]; !ok || string(b) != string(v) {
				names = append(names, k)
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				names = append(names, k)
			}
		}
	}
	namesCache.Store(key, names)
	return names
}

// jsonFields is the JSON object of v, field by field; nil if v does not
// marshal to an object.
func jsonFields(v any) (out map[string]json.RawMessage) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	b, err := json.Marshal(v)
	if err != nil || json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// probe sets a zero field to a value that is not zero, when its kind
// allows; false when it does not (a struct such as time.Time: its tag
// names it).
func probe(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.Zero(v.Type().Key()), reflect.Zero(v.Type().Elem()))
		v.Set(m)
	default:
		return false
	}
	return true
}

// moreView is "More details": the fields of a section's JSON form that
// its view did not show, in a closed accordion item; hidden when there
// are none. It is built again only when those fields change.
type moreView struct {
	acc    *widget.Accordion
	detail *fyne.Container
	last   string
}

func newMoreView() *moreView {
	m := &moreView{detail: container.NewStack()}
	m.acc = widget.NewAccordion(widget.NewAccordionItem("More details", m.detail))
	m.acc.Hide()
	return m
}

// set shows the fields of section (a pointer to the struct sh tracked)
// that sh does not have.
func (m *moreView) set(section any, sh *shown) {
	rest := restOf(jsonValue(section), sh.has)
	key := compactJSON(rest)
	if len(rest) == 0 {
		key = ""
	}
	if key != m.last {
		m.last = key
		m.detail.Objects = nil
		if key != "" {
			m.detail.Objects = []fyne.CanvasObject{genericView(rest, 0)}
		}
		m.detail.Refresh()
	}
	setShown(m.acc, key != "")
}

// restOf returns the fields of a JSON object that are not shown and not
// empty.
func restOf(v any, isShown func(string) bool) obj {
	o, _ := v.(obj)
	rest := obj{}
	for k, x := range o {
		if !isShown(k) && !emptyValue(x) {
			rest[k] = x
		}
	}
	return rest
}
