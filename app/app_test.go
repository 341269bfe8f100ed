package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// checkRows says whether the verdict panel of e shows the rows of its
// Report: the same mechanisms, result words, reasons, and the colour
// (importance) and icon of each row's status.
func checkRows(t *testing.T, e *entry) {
	t.Helper()
	r := e.report
	p := e.view.verdict
	if p == nil {
		t.Fatal("no verdict panel")
	}
	if len(p.rows) != len(r.Summary) {
		t.Fatalf("%d verdict rows, want %d (the report's Summary)", len(p.rows), len(r.Summary))
	}
	for i, row := range r.Summary {
		vr := p.rows[i]
		want := lookOf(row.Status)
		if vr.mech.Text != row.Mechanism || vr.word.Text != resultText(row.ShownWord()) || vr.reason.Text != row.Reason {
			t.Errorf("row %d shows %q, want %q %q %q", i, vr.text(), row.Mechanism, row.Result, row.Reason)
		}
		if vr.word.Importance != want.importance {
			t.Errorf("row %s: word coloured as importance %v, want %v (status %s)", row.Mechanism, vr.word.Importance, want.importance, row.Status)
		}
		if vr.icon == nil || vr.icon.Resource.Name() != want.icon.Name() {
			t.Errorf("row %s: icon %v, want %s (status %s)", row.Mechanism, vr.icon, want.icon.Name(), row.Status)
		}
		if vr.pending || vr.spinning() {
			t.Errorf("row %s still shows activity after the check ended", row.Mechanism)
		}
	}
	if p.spin.running {
		t.Error("the banner still shows activity after the check ended")
	}
	if string(p.banner.status) != r.Verdict {
		t.Errorf("banner colour is for %q, want the verdict %q", p.banner.status, r.Verdict)
	}
	if p.word.Text != lookOf(r.Verdict).word || p.headline.Text != r.Headline {
		t.Errorf("banner says %q %q, want %q %q", p.word.Text, p.headline.Text, lookOf(r.Verdict).word, r.Headline)
	}
}

func TestDropOpensReport(t *testing.T) {
	a := newTestApp(t, startZone(t))
	path := sample(t, "newsletter.eml")
	a.Dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(path)})
	if len(a.entries) != 1 {
		t.Fatalf("%d entries after one drop, want 1", len(a.entries))
	}
	e := a.entries[0]
	wait(t, e)
	if e.err != nil {
		t.Fatalf("error state: %v", e.err)
	}
	if e.report == nil || e.report.File != path {
		t.Fatalf("report %+v, want one for %s", e.report, path)
	}
	checkRows(t, e)
	// The window title names the whole path, which the tab has no room for.
	if got := a.win.Title(); got != "Mail Inspector — newsletter.eml ("+filepath.Dir(path)+")" {
		t.Errorf("window title %q", got)
	}
	if a.tabs.Selected() != e.tab || a.body.Objects[0] != a.tabs {
		t.Error("the new message's tab is not shown")
	}
	page := allText(e.view.page)
	for _, want := range []string{"Spring is here", "Northwind Shop <news@northwind.example>", e.report.Headline} {
		if !strings.Contains(page, want) {
			t.Errorf("the report page lacks %q", want)
		}
	}
	for _, it := range a.reportItems {
		if it.Disabled {
			t.Errorf("menu item %q disabled with a finished report", it.Label)
		}
	}
}

func TestDropSeveralFilesOpensATabEach(t *testing.T) {
	a := newTestApp(t, startZone(t))
	a.Dropped(fyne.Position{}, []fyne.URI{
		storage.NewFileURI(sample(t, "newsletter.eml")),
		storage.NewFileURI(sample(t, "spoof.eml")),
	})
	if len(a.entries) != 2 || len(a.tabs.Items) != 2 {
		t.Fatalf("%d entries, %d tabs; want 2 each", len(a.entries), len(a.tabs.Items))
	}
	for _, e := range a.entries {
		wait(t, e)
		if e.stopped || e.err != nil || e.report == nil {
			t.Errorf("%s: stopped %v, err %v, report %v: both of one drop must be checked", e.title, e.stopped, e.err, e.report != nil)
			continue
		}
		checkRows(t, e)
	}
	// Dropping a file already open checks it again in its own tab.
	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(sample(t, "spoof.eml"))})
	if len(a.entries) != 2 {
		t.Errorf("%d entries after dropping an open file again, want 2", len(a.entries))
	}
	wait(t, a.entries[1])
}

func TestDropNonMessageShowsError(t *testing.T) {
	a := newTestApp(t, startZone(t))
	html, _ := filepath.Abs("testdata/webmail-page.html")
	dir, _ := filepath.Abs("testdata")
	link, _ := storage.ParseURI("https://mail.example/inbox/123")
	// (A folder opens as a list of its messages: mailbox_test.go.)
	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(html), link,
		storage.NewFileURI(filepath.Join(dir, "no-such-file.eml"))})
	if len(a.entries) != 3 {
		t.Fatalf("%d entries, want 3", len(a.entries))
	}
	wantErr := []string{"not a message", "not a file on this computer", "no such file"}
	// Every check ends before the widgets are read: the test goroutine is
	// not the UI goroutine the others update them from.
	for _, e := range a.entries {
		wait(t, e)
	}
	for i, e := range a.entries {
		if e.err == nil {
			t.Errorf("%s: no error", e.title)
			continue
		}
		if !strings.Contains(e.err.Error(), wantErr[i]) {
			t.Errorf("%s: error %q, want it to say %q", e.title, e.err, wantErr[i])
		}
		page := allText(e.view.page)
		if !strings.Contains(page, "Could not open") || !strings.Contains(page, e.err.Error()) {
			t.Errorf("%s: the error state does not show the error:\n%s", e.title, page)
		}
		if e.view.report.Visible() {
			t.Errorf("%s: a verdict panel is shown for a file that is not a message", e.title)
		}
	}
	var me *message.Error
	if !errors.As(a.entries[0].err, &me) || me.Kind != message.KindHTML {
		t.Errorf("the HTML page gave %v, want a message.Error of KindHTML", a.entries[0].err)
	}
	if got := a.recent(); len(got) != 0 {
		t.Errorf("files that are not messages went into Open Recent: %v", got)
	}
}

func TestOpenRecentListsDroppedFile(t *testing.T) {
	a := newTestApp(t, startZone(t))
	path := sample(t, "newsletter.eml")
	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(path)})
	wait(t, a.entries[0])
	if got := a.recent(); len(got) != 1 || got[0] != path {
		t.Fatalf("recent files %v, want [%s]", got, path)
	}
	label := "newsletter.eml  —  " + filepath.Dir(path)
	it := menuItem(t, a, "File", "Open Recent", label)

	// Choosing it again checks the same tab again.
	a.tabs.Remove(a.entries[0].tab)
	a.closed(a.entries[0].tab)
	if len(a.entries) != 0 || a.body.Objects[0] != a.empty {
		t.Fatal("closing the only tab does not show the empty view")
	}
	it.Action()
	if len(a.entries) != 1 {
		t.Fatalf("%d entries after Open Recent, want 1", len(a.entries))
	}
	wait(t, a.entries[0])
	if a.entries[0].report == nil || a.entries[0].report.File != path {
		t.Error("Open Recent did not open the file")
	}

	// Recent files are kept newest first, without repeats, and can be cleared.
	a.addRecent("/tmp/b.eml")
	a.addRecent(path)
	if got := a.recent(); len(got) != 2 || got[0] != path {
		t.Errorf("recent %v", got)
	}
	menuItem(t, a, "File", "Open Recent", "Clear Recent").Action()
	if got := a.recent(); len(got) != 0 {
		t.Errorf("recent after Clear Recent: %v", got)
	}
	menuItem(t, a, "File", "Open Recent", "No recent messages")
}

func TestPasteHeadersGivesHeaderOnlyReport(t *testing.T) {
	a := newTestApp(t, startZone(t))
	data, err := os.ReadFile(sample(t, "newsletter.eml"))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(data), "\r\n\r\n")

	// Through the dialog, as a person does: the clipboard holds the header.
	a.fyne.Clipboard().SetContent(header)
	menuItem(t, a, "Edit", "Paste Headers…").Action()
	over := a.win.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("Paste Headers shows no dialog")
	}
	in, ok := find[*widget.Entry](over)
	if !ok || in.Text != header {
		t.Fatalf("the paste box is not filled from the clipboard (found %v)", ok)
	}
	var check *widget.Button
	for _, b := range buttons(over) {
		if b.Text == "Check" {
			check = b
		}
	}
	if check == nil {
		t.Fatal("no Check button")
	}
	test.Tap(check)
	if len(a.entries) != 1 {
		t.Fatalf("%d entries after pasting, want 1", len(a.entries))
	}
	e := a.entries[0]
	wait(t, e)
	if e.err != nil {
		t.Fatalf("error: %v", e.err)
	}
	if !e.report.HeaderOnly {
		t.Fatal("the report of pasted headers is not header-only")
	}
	checkRows(t, e)
	page := allText(e.view.page)
	if !strings.Contains(page, "Header only: "+bodyNotAvailable) {
		t.Errorf("the report does not say the body was not available:\n%s", page)
	}
	dkim := allText(tabObject(newDKIMTab(), e.report))
	if !strings.Contains(dkim, bodyNotAvailable) {
		t.Errorf("the DKIM tab does not say %q:\n%s", bodyNotAvailable, dkim)
	}
	if strings.Contains(dkim, "matches: the body is as signed") {
		t.Errorf("the DKIM tab claims a body hash verified for a header-only message:\n%s", dkim)
	}
	if len(e.fields) == 0 || e.fields[0].Name != "Delivered-To" {
		t.Errorf("header fields of the pasted header: %v", e.fields)
	}
	if len(a.recent()) != 0 {
		t.Error("pasted headers went into Open Recent")
	}
}

func TestCommandLineFilesOpen(t *testing.T) {
	a := newTestApp(t, startZone(t))
	a.OpenFiles([]string{filepath.Join(samplesOut, "spoof.eml")})
	e := a.entries[0]
	wait(t, e)
	if !filepath.IsAbs(e.path) || e.report == nil {
		t.Fatalf("path %q, report %v", e.path, e.report != nil)
	}
	checkRows(t, e)
}

func TestOpenSampleWorksOffline(t *testing.T) {
	srv := startZone(t)
	a := newTestApp(t, srv)
	for _, s := range []string{"newsletter.eml", "spoof.eml", "mailing-list.eml"} {
		menu := map[string]string{"newsletter.eml": "Genuine newsletter (passes)", "spoof.eml": "Spoofed bank alert (fails)",
			"mailing-list.eml": "Mailing-list message (changed on the way, ARC)"}[s]
		menuItem(t, a, "Help", "Open Sample", menu).Action()
		e := a.entries[len(a.entries)-1]
		wait(t, e)
		if e.err != nil || e.report == nil {
			t.Fatalf("%s: %v", s, e.err)
		}
		if e.report.DNSSource != "snapshot" {
			t.Errorf("%s: DNS answers from %q, want the samples' snapshot", s, e.report.DNSSource)
		}
		for _, ans := range e.report.DNS {
			if ans.Error != "" {
				t.Errorf("%s: %s %s: %s", s, ans.Name, ans.Type, ans.Error)
			}
		}
		checkRows(t, e)
	}
	if srv.Queries() != 0 {
		t.Errorf("the samples sent %d queries to the network; they must replay their snapshot", srv.Queries())
	}
}

func TestEmptyWindowOffersWaysIn(t *testing.T) {
	a := newTestApp(t, startZone(t))
	text := allText(a.empty)
	for _, want := range []string{"Drop a saved message (.eml) here", "Open a message…", "Paste headers…", "Genuine newsletter (passes)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the empty window lacks %q", want)
		}
	}
	for _, it := range a.reportItems {
		if !it.Disabled {
			t.Errorf("menu item %q enabled with no report", it.Label)
		}
	}
	for _, b := range buttons(a.empty) {
		if strings.HasPrefix(b.Text, "Spoofed") {
			test.Tap(b)
		}
	}
	if len(a.entries) != 1 || a.entries[0].title != "spoof.eml" {
		t.Fatal("the sample button does not open the sample")
	}
	wait(t, a.entries[0])
}

func TestVerdictPanelColoursAndWords(t *testing.T) {
	test.NewTempApp(t)
	r := &inspector.Report{
		Verdict:  inspector.VerdictFail,
		Headline: "This message is not from who it claims.",
		Summary: []inspector.Row{
			{Mechanism: "SPF", Result: "fail", Status: "fail", Reason: "203.0.113.66 may not send for fabrikam.example"},
			{Mechanism: "DKIM", Result: "pass", Status: "pass", Reason: "signed by cheaphost.example"},
			{Mechanism: "DMARC", Result: "fail", Status: "fail", Reason: "nothing aligned with fabrikam.example"},
			{Mechanism: "ARC", Result: "none", Status: "none", Reason: "no ARC set"},
			{Mechanism: "TLS", Result: "none", Status: "warn", Reason: "the last hop was not encrypted"},
		},
	}
	p := newVerdictPanel(r, false)
	want := []widget.Importance{widget.DangerImportance, widget.SuccessImportance, widget.DangerImportance, widget.MediumImportance, widget.WarningImportance}
	for i, vr := range p.rows {
		if vr.word.Importance != want[i] {
			t.Errorf("%s: importance %v, want %v", vr.row.Mechanism, vr.word.Importance, want[i])
		}
		if vr.icon == nil || !vr.icon.Visible() || vr.spinning() {
			t.Errorf("%s: a finished row needs an icon and no activity", vr.row.Mechanism)
		}
	}
	if p.word.Text != "FAIL" || p.banner.status != "fail" {
		t.Errorf("banner %q %q", p.word.Text, p.banner.status)
	}
	// While checks run, rows not yet evaluated show activity instead.
	partial := &inspector.Report{Summary: []inspector.Row{
		{Mechanism: "DKIM", Result: "pass", Status: "pass", Reason: "ok"},
		{Mechanism: "SPF", Result: "none", Status: "none", Reason: inspector.NotEvaluated},
	}}
	p = newVerdictPanel(partial, true)
	defer p.stop()
	if p.rows[0].pending || !p.rows[1].pending || !p.rows[1].spinning() || p.rows[1].word.Text != checking {
		t.Errorf("partial rows: %q pending %v, %q pending %v", p.rows[0].text(), p.rows[0].pending, p.rows[1].text(), p.rows[1].pending)
	}
	if p.word.Text != "CHECKING" {
		t.Errorf("banner while checking: %q", p.word.Text)
	}
	p = newVerdictPanel(nil, true)
	defer p.stop()
	if len(p.rows) != len(pendingMechanisms) {
		t.Errorf("%d pending rows before any result, want %d", len(p.rows), len(pendingMechanisms))
	}
}

// buttons returns every button in o's tree.
func buttons(o fyne.CanvasObject) []*widget.Button { return buttonsIn(o, false) }

// buttonsIn returns the buttons in o's tree; with shown, only those a
// person can see and press (shown, enabled, not in a closed accordion).
func buttonsIn(o fyne.CanvasObject, shown bool) []*widget.Button {
	var out []*widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if shown && (o == nil || !o.Visible()) {
			return
		}
		switch w := o.(type) {
		case nil:
		case *widget.Button:
			if !shown || !w.Disabled() {
				out = append(out, w)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(w.Content)
		case *widget.Accordion:
			if shown {
				return // a closed item's buttons are not shown
			}
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// gate is an engine that waits until released or cancelled, so that tests
// can look at the window while a check is under way.
type gate struct {
	started chan string
	release chan struct{}
}

func newGate() *gate { return &gate{started: make(chan string, 10), release: make(chan struct{})} }

func (g *gate) check(ctx context.Context, m *message.Message, opts inspector.Options) *inspector.Report {
	// Run the engine, keeping its first partial report (checks still
	// pending) to show while the gate is closed.
	progress := opts.Progress
	var first *inspector.Report
	opts.Progress = func(r *inspector.Report) {
		if first == nil {
			first = r
		}
	}
	partial := inspector.Check(ctx, m, opts)
	if progress != nil && first != nil {
		progress(first)
	}
	g.started <- m.File
	select {
	case <-g.release:
	case <-ctx.Done():
	}
	return partial
}

// Choosing another hop as the boundary in the Route tab checks the message
// again with SPF for that hop's address; "automatically" goes back.
func TestChooseBoundaryHop(t *testing.T) {
	srv := startZone(t)
	a := newTestApp(t, srv)
	a.OpenSample("mailing-list.eml")
	e := a.entries[0]
	wait(t, e)
	if e.report == nil || len(e.report.Route) < 2 {
		t.Fatalf("the sample needs two hops: %+v", e.report)
	}
	auto := e.report.Delivery.Boundary
	other := len(e.report.Route) - 1 // the bottom hop: the author's server
	if other == auto {
		t.Fatalf("the sample's boundary is already the bottom hop")
	}
	e.chooseHop(other + 1)
	wait(t, e)
	if got := e.report.Delivery.Boundary; got != other {
		t.Errorf("after choosing hop %d the boundary is %d", other+1, got)
	}
	if want := e.report.Route[other].IP; e.report.SPF.ClientIP != want {
		t.Errorf("SPF checked %v, want the chosen hop's %v", e.report.SPF.ClientIP, want)
	}
	e.chooseHop(0)
	wait(t, e)
	if got := e.report.Delivery.Boundary; got != auto {
		t.Errorf("back to automatic: boundary %d, want %d", got, auto)
	}
}
