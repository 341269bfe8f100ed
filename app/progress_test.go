package app

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"runtime"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// sampleProgress checks a sample offline and returns the partial reports
// the engine gave Options.Progress, in order, and the final report.
func sampleProgress(t *testing.T, file string) (partials []*inspector.Report, final *inspector.Report) {
	t.Helper()
	snap, err := resolver.ParseSnapshot(assets.SampleSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range assets.Samples() {
		if s.File != file {
			continue
		}
		m, err := message.Parse(s.File, s.Data)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		var mu sync.Mutex
		opts := inspector.Options{DNS: resolver.Config{Replay: snap}, Progress: func(r *inspector.Report) {
			mu.Lock()
			defer mu.Unlock()
			partials = append(partials, r)
		}}
		final = inspector.Check(context.Background(), m, opts)
		if len(partials) == 0 {
			t.Fatalf("%s: the engine gave no partial report", file)
		}
		return partials, final
	}
	t.Fatalf("no sample %s", file)
	return nil, nil
}

// cloneReport is a deep copy of r (through its JSON form), so that a view
// cannot tell it from the report it showed before by its pointers.
func cloneReport(t *testing.T, r *inspector.Report) *inspector.Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var c inspector.Report
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// usage is what the process holds: goroutines (after a moment to settle)
// and heap in use (after a collection).
func usage() (goroutines int, heap uint64) {
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapInuse
}

// Progress updates change the report view in place: after 200 of them
// (the partial reports of a sample's check, over and over, each a fresh
// copy, with the details tab changing between them as a reader clicks
// through) the goroutines and the heap are where they were after 20. A
// page built again for each update fails here: its old widgets stay in
// Fyne's renderer cache. Fyne's test driver does not animate, so the
// spinners are counted rather than seen as goroutines: they run while the
// check does, and stop when it ends or its tab is closed.
func TestProgressUpdatesStayFlat(t *testing.T) {
	a := newTestApp(t, startZone(t))
	partials, final := sampleProgress(t, "mailing-list.eml")
	e := a.newEntry("mailing-list.eml", "", "sample: mailing-list.eml", nil)
	a.ui(func() {
		a.entries = append(a.entries, e)
		a.tabs.Append(e.tab)
		a.tabs.Select(e.tab)
		a.showTabs()
	})
	tabs := detailTabs()
	spinners := spinnersRunning.Load() // left running by other tests' views, if any
	// One cycle is a check from its first partial report to its end.
	cycle := append(append([]*inspector.Report(nil), partials...), final)
	update := func(i int) {
		r := cloneReport(t, cycle[i%len(cycle)])
		done := i%len(cycle) == len(cycle)-1
		a.ui(func() {
			e.running = !done
			e.report = r
			e.render()
			e.view.selectTab(tabs[i%len(tabs)].title)
			// Lay the window out, as painting it does.
			a.win.Content().Resize(a.win.Content().Size().Add(fyne.NewSize(0, 1)))
			a.win.Content().Resize(a.win.Content().Size().Subtract(fyne.NewSize(0, 1)))
		})
	}
	const early, total = 20, 200
	for i := 0; i < early; i++ {
		update(i)
	}
	g20, h20 := usage()
	for i := early; i < total; i++ {
		update(i)
	}
	g200, h200 := usage()

	// The spinners run while the check does, and no longer.
	a.ui(func() {
		e.running, e.report = true, cloneReport(t, partials[0])
		e.render()
	})
	if spinnersRunning.Load() == spinners {
		t.Error("no spinner runs while the check does")
	}
	update(len(cycle) - 1) // the end of the check
	if n := spinnersRunning.Load() - spinners; n != 0 {
		t.Errorf("%d spinners still run after the check ended", n)
	}
	update(0)
	a.ui(func() {
		a.tabs.Remove(e.tab)
		a.closed(e.tab)
	})
	if n := spinnersRunning.Load() - spinners; n != 0 {
		t.Errorf("%d spinners still run after the tab was closed during a check", n)
	}

	t.Logf("a cycle is %d partial reports and the final one; after %d updates: %d goroutines, %.1f MiB heap in use; after %d: %d goroutines, %.1f MiB",
		len(partials), early, g20, float64(h20)/(1<<20), total, g200, float64(h200)/(1<<20))
	if g200 > g20+5 {
		t.Errorf("goroutines grew from %d after %d updates to %d after %d", g20, early, g200, total)
	}
	if h200 > h20+h20/4+4<<20 {
		t.Errorf("heap in use grew from %.1f MiB after %d updates to %.1f MiB after %d",
			float64(h20)/(1<<20), early, float64(h200)/(1<<20), total)
	}
}

// A page updated in place through a check's partial reports, and through
// a second run, shows what a page made for the final report shows, tab by
// tab, word for word and pixel for pixel.
func TestUpdatedPageShowsWhatANewPageShows(t *testing.T) {
	a := newTestApp(t, startZone(t))
	tabs := detailTabs()
	for _, s := range []string{"newsletter.eml", "spoof.eml", "mailing-list.eml"} {
		partials, final := sampleProgress(t, s)
		updated := a.newEntry(s, "", "sample: "+s, nil)
		fresh := a.newEntry(s, "", "sample: "+s, nil)
		a.ui(func() {
			for run := 0; run < 2; run++ {
				updated.running, updated.report = true, nil
				updated.render()
				for i, p := range partials {
					updated.report = p
					updated.render()
					updated.view.selectTab(tabs[(i+run)%len(tabs)].title)
				}
				updated.running, updated.report = false, final
				updated.render()
			}
			fresh.report = final
			fresh.render()
		})
		for _, tab := range tabs {
			var got, want string
			var gotImg, wantImg []byte
			a.ui(func() {
				updated.view.selectTab(tab.title)
				fresh.view.selectTab(tab.title)
				got, want = allText(updated.view.page), allText(fresh.view.page)
				gotImg, wantImg = capture(t, updated.view.detail), capture(t, fresh.view.detail)
			})
			if got != want {
				t.Errorf("%s, %s tab: updated in place it shows\n%s\n\nwhere a new page shows\n%s", s, tab.title, got, want)
			} else if !bytes.Equal(gotImg, wantImg) {
				t.Errorf("%s, %s tab: updated in place it looks other than a new page", s, tab.title)
			}
		}
		a.ui(func() {
			updated.close()
			fresh.close()
		})
	}
}

// capture paints o, alone in a window as wide as the report's, and returns
// the pixels.
func capture(t *testing.T, o fyne.CanvasObject) []byte {
	t.Helper()
	w := test.NewWindow(o)
	defer func() {
		w.SetContent(nil)
		w.Close()
	}()
	w.Resize(fyne.NewSize(1000, max(o.MinSize().Height+20, 300)))
	img := w.Canvas().Capture()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
