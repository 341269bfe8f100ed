package app

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

// samplesZoneFile is the DNS the samples were generated under; tests serve
// it from a loopback server, so that nothing reaches the internet.
const samplesZoneFile = "testdata/samples/samples.zone"

// sample returns the absolute path of a sample message file.
func sample(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(samplesOut, name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newTestApp makes the app on Fyne's test driver with its DNS pointed at
// srv (a loopback server), never at the system's resolvers.
func newTestApp(t *testing.T, srv *dnstest.Server) *App {
	t.Helper()
	fa := test.NewTempApp(t)
	settings{Mode: dnsServer, Server: srv.Addr, Timeout: 500 * time.Millisecond}.save(fa.Preferences())
	a := New(fa)
	a.serial = new(sync.Mutex) // the test driver has no single UI thread
	a.win.Resize(fyne.NewSize(1000, 760))
	t.Cleanup(func() {
		a.serially(func() {
			for _, e := range a.entries {
				e.close()
			}
		})
	})
	return a
}

// startZone serves the samples' zone.
func startZone(t *testing.T) *dnstest.Server {
	t.Helper()
	return dnstest.StartFile(t, samplesZoneFile)
}

// wait waits until e's current run has ended and its result is on screen.
func wait(t *testing.T, e *entry) {
	t.Helper()
	select {
	case <-e.finished:
	case <-time.After(30 * time.Second):
		t.Fatalf("the check of %s did not end in 30s", e.title)
	}
}

// texts collects the text of every label, button, entry, rich text and
// canvas text in o's tree that is shown, or would be when its accordion
// item is opened (a closed item's detail is hidden; hidden parts of a
// report page are not).
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk, visit func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o != nil && o.Visible() {
			visit(o)
		}
	}
	visit = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
			return
		case *widget.Button:
			out = append(out, w.Text)
			return
		case *widget.Entry:
			out = append(out, w.Text)
			return
		case *widget.RichText:
			out = append(out, w.String())
			return
		case *canvas.Text:
			out = append(out, w.Text)
			return
		case *widget.Card:
			out = append(out, w.Title, w.Subtitle)
			walk(w.Content)
			return
		case *widget.Accordion:
			for _, it := range w.Items {
				out = append(out, it.Title)
				if it.Detail != nil {
					visit(it.Detail) // shown or closed
				}
			}
			return
		case *container.AppTabs:
			for _, it := range w.Items {
				out = append(out, it.Text)
			}
			return
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		case *container.Scroll:
			walk(w.Content)
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// allText is texts joined by newlines.
func allText(o fyne.CanvasObject) string { return strings.Join(texts(o), "\n") }

// find returns the first object of type T in o's tree.
func find[T fyne.CanvasObject](o fyne.CanvasObject) (T, bool) {
	return findWhere(o, func(T) bool { return true })
}

// findWhere is the first object of type T shown in o's tree for which ok
// holds.
func findWhere[T fyne.CanvasObject](o fyne.CanvasObject, ok func(T) bool) (T, bool) {
	var found T
	done := false
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if done || o == nil || !o.Visible() {
			return
		}
		if x, is := o.(T); is && ok(x) {
			found, done = x, true
			return
		}
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(w.Content)
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return found, done
}

// menuItem finds a main menu item by its menu and label path.
func menuItem(t *testing.T, a *App, labels ...string) *fyne.MenuItem {
	t.Helper()
	var items []*fyne.MenuItem
	for _, m := range a.win.MainMenu().Items {
		if m.Label == labels[0] {
			items = m.Items
		}
	}
	var it *fyne.MenuItem
	for _, l := range labels[1:] {
		it = nil
		for _, x := range items {
			if x.Label == l {
				it = x
			}
		}
		if it == nil {
			t.Fatalf("no menu item %q in %v", l, labels)
		}
		if it.ChildMenu != nil {
			items = it.ChildMenu.Items
		}
	}
	return it
}

// findButton returns the first button shown in o's tree whose text is
// text.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	if o == nil || !o.Visible() {
		return nil
	}
	if b, ok := o.(*widget.Button); ok && b.Text == text {
		return b
	}
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	case *container.Scroll:
		return findButton(w.Content, text)
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}
