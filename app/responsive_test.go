package app

import (
	"github.com/mailinspector/mailinspector/inspector"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// finished says whether e's current run has ended, without waiting.
func finished(e *entry) bool {
	select {
	case <-e.finished:
		return true
	default:
		return false
	}
}

// The window keeps working while a check waits: the drop returns at once,
// the pending rows show activity, tabs switch, the header filter filters,
// and dialogs open; a new drop stops the old run, whose tab says so.
func TestNewDropStopsOldRunAndWindowStaysResponsive(t *testing.T) {
	a := newTestApp(t, startZone(t))
	g := newGate()
	a.check = g.check

	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(sample(t, "newsletter.eml"))})
	first := a.entries[0]
	<-g.started // the engine is now blocked, as on a DNS server that does not answer
	if !first.running || finished(first) {
		t.Fatal("the check is not running in the background")
	}
	if first.view.verdict == nil || first.view.verdict.word.Text != "CHECKING" {
		t.Fatal("the banner does not say the check is under way")
	}
	pending := 0
	for _, vr := range first.view.verdict.rows {
		if vr.pending {
			pending++
			if !vr.spinning() || vr.word.Text != checking {
				t.Errorf("pending row %q shows no activity", vr.text())
			}
		}
	}
	if pending == 0 {
		t.Error("no verdict row shows activity while the check waits")
	}
	if first.tab.Icon.Name() == statusLook(inspector.StatusGood).icon.Name() {
		t.Error("the tab shows a verdict before the check ended")
	}

	// The UI goroutine is free: interact with the window meanwhile.
	first.view.selectTab("Headers")
	test.Type(first.headers.filter, "dkim-signature")
	if got := len(first.headers.matching()); got != 1 {
		t.Errorf("header filter matched %d fields, want 1", got)
	}
	if !strings.Contains(first.headers.count.Text, "1 of ") {
		t.Errorf("filter count %q", first.headers.count.Text)
	}
	menuItem(t, a, "Edit", "Settings…").Action()
	if a.win.Canvas().Overlays().Top() == nil {
		t.Error("Settings did not open while a check runs")
	}
	a.win.Canvas().Overlays().Top().Hide()
	a.win.Canvas().Overlays().Remove(a.win.Canvas().Overlays().Top())
	if finished(first) {
		t.Fatal("the check ended on its own; the interactions above did not happen while it ran")
	}

	// A new drop cancels the old run.
	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(sample(t, "spoof.eml"))})
	second := a.entries[1]
	wait(t, first)
	if !first.stopped || first.running {
		t.Errorf("the first check: stopped %v running %v; want stopped by the new drop", first.stopped, first.running)
	}
	if !strings.Contains(allText(first.view.page), "The check was stopped because another message was opened") {
		t.Error("the stopped tab does not say why")
	}
	<-g.started
	if !second.running {
		t.Fatal("the second check is not running")
	}
	close(g.release)
	wait(t, second)
	if second.stopped || second.report == nil {
		t.Fatalf("the second check: stopped %v report %v", second.stopped, second.report != nil)
	}
	checkRows(t, second)

	// Check again on the stopped one runs it to the end.
	a.tabs.Select(first.tab)
	a.recheckSelected()
	<-g.started
	wait(t, first)
	if first.stopped || first.report == nil {
		t.Errorf("check again: stopped %v report %v", first.stopped, first.report != nil)
	}
}

// With the real engine and a DNS server that answers slowly, a drop returns
// before the answers are in, and the check still ends with a report whose
// DNS log shows the slow server.
func TestDropReturnsWhileDNSIsSlow(t *testing.T) {
	srv := startZone(t)
	srv.SetDelay(300 * time.Millisecond)
	a := newTestApp(t, srv)
	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(sample(t, "newsletter.eml"))})
	e := a.entries[0]
	runningAfterDrop := e.running && !finished(e)
	// The window answers while the engine waits for DNS. (a.ui takes the
	// lock that progress updates take: the test driver does not run them
	// on one goroutine as the real one does.)
	a.ui(func() {
		e.view.selectTab("DNS")
		a.tabs.Select(e.tab)
	})
	wait(t, e)
	if e.report == nil || e.err != nil {
		t.Fatalf("report %v, err %v", e.report != nil, e.err)
	}
	checkRows(t, e)
	if srv.Queries() == 0 {
		t.Logf("the engine made no DNS query for this message (checks not wired yet); the gate test covers the waiting")
		return
	}
	if !runningAfterDrop {
		t.Error("the drop returned only after the DNS answers came: the check ran on the UI goroutine")
	}
	for _, ans := range e.report.DNS {
		if ans.Server != "" && ans.Server != srv.Addr && ans.Server != "cache" {
			t.Errorf("%s %s answered by %s, want the test server %s", ans.Name, ans.Type, ans.Server, srv.Addr)
		}
	}
	e.view.selectTab("DNS")
	if !strings.Contains(allText(e.view.detail), "queries; answers from") {
		t.Error("the DNS tab does not list the queries")
	}
}
