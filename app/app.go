// Package app is the desktop front end of Mail Inspector, built with Fyne.
// It renders inspector Reports; it never verifies anything itself. It does
// not import Fyne's GLFW driver (only main does), so that it tests headless
// with fyne.io/fyne/v2/test.
//
// Each message opened (dropped on the window, chosen with File > Open,
// given on the command line, pasted as headers, or a sample) gets a tab.
// Checks run off the UI goroutine and update the window with fyne.Do; a
// new message stops the checks still running for older ones.
package app

import (
	"context"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	_ "github.com/mailinspector/mailinspector/app/locale" // before Fyne reads the locale (see there)
	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// ID is the application ID, also in FyneApp.toml.
const ID = "io.github.mailinspector"

// windowTitle is the title of the window with no message selected.
const windowTitle = "Mail Inspector"

// checkFunc runs the engine on a loaded message.
type checkFunc func(ctx context.Context, m *message.Message, opts inspector.Options) *inspector.Report

// App is the running desktop app: one window with a tab per message opened.
type App struct {
	fyne fyne.App
	win  fyne.Window

	tabs    *container.DocTabs
	empty   fyne.CanvasObject
	body    *fyne.Container
	entries []*entry

	menu       *fyne.MainMenu
	recentMenu *fyne.MenuItem
	// windowMenu lists the open messages; windowKey is what it shows.
	windowMenu *fyne.Menu
	windowKey  string
	// reportItems are the menu items that need a finished report.
	reportItems []*fyne.MenuItem

	// check is the engine; tests may put a slower one in its place.
	check checkFunc
	// mem is the key archive and the memory of senders given to checks.
	mem memories
	// pasted counts the pasted headers, to name their tabs.
	pasted int

	// dialog is the dialog shown last, for Escape and Enter.
	dialog shownDialog
	// toast is the short notice at the bottom of the window.
	toast *toast

	// serial, set only under Fyne's test driver, serialises the window
	// updates that checks send (see ui).
	serial *sync.Mutex
}

// ui runs f on the UI goroutine and waits for it. Fyne's real driver runs
// such functions one at a time on its one UI thread. Its test driver runs
// them on the calling goroutine, so two checks finishing together would
// update the same widgets at once; tests set serial to make them take
// turns. No lock is taken under the real driver: it may run queued
// functions from inside a widget call on the UI thread, where a held lock
// would deadlock.
func (a *App) ui(f func()) {
	fyne.DoAndWait(func() { a.serially(f) })
}

// uiAsync is ui without waiting.
func (a *App) uiAsync(f func()) {
	fyne.Do(func() { a.serially(f) })
}

// serially runs f, holding serial when it is set.
func (a *App) serially(f func()) {
	if a.serial == nil {
		f()
		return
	}
	a.serial.Lock()
	defer a.serial.Unlock()
	f()
}

// New makes the main window of a.
func New(a fyne.App) *App {
	a.Settings().SetTheme(newAppTheme())
	quietLog()
	w := a.NewWindow(windowTitle)
	icon := fyne.NewStaticResource("icon.png", assets.Icon)
	a.SetIcon(icon)
	w.SetIcon(icon)
	app := &App{fyne: a, win: w, check: inspector.Check}

	app.tabs = container.NewDocTabs()
	app.tabs.OnClosed = app.closed
	app.tabs.OnSelected = func(*container.TabItem) { app.updateChrome() }
	app.empty = app.emptyView()
	app.body = container.NewStack(app.empty)
	app.toast = newToast()
	w.SetContent(container.NewStack(app.body, app.toast.root))
	w.SetMainMenu(app.mainMenu())
	w.SetOnDropped(app.Dropped)
	w.Resize(fyne.NewSize(1000, 760))
	app.installKeys()
	app.updateChrome()
	return app
}

// Run shows the window, opens files, and runs until the window closes.
// The files' tabs are there from the first frame: the empty window never
// flashes before them.
func (a *App) Run(files []string) {
	a.OpenFiles(files)
	a.win.ShowAndRun()
}

// OpenFiles opens each file in its own tab and checks them, stopping the
// checks of messages opened before.
func (a *App) OpenFiles(paths []string) {
	var es []*entry
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		es = append(es, a.fileEntry(p))
	}
	a.launch(es...)
}

// launch adds the entries that are new, stops every other running check,
// and starts these.
func (a *App) launch(es ...*entry) {
	if len(es) == 0 {
		return
	}
	// On the UI goroutine; under the test driver, apart from the updates of
	// checks still running (see ui).
	a.serially(func() { a.launchNow(es) })
}

func (a *App) launchNow(es []*entry) {
	for _, old := range a.entries {
		if old.running && !contains(es, old) {
			old.stopBecause("The check was stopped because another message was opened")
		}
	}
	for _, e := range es {
		if !contains(a.entries, e) {
			a.entries = append(a.entries, e)
			a.tabs.Append(e.tab)
		}
		a.start(e)
	}
	a.tabs.Select(es[len(es)-1].tab)
	a.showTabs()
}

func contains(es []*entry, e *entry) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// showTabs shows the tabs, or the empty view when there are none.
func (a *App) showTabs() {
	var c fyne.CanvasObject = a.tabs
	if len(a.entries) == 0 {
		c = a.empty
	}
	if len(a.body.Objects) != 1 || a.body.Objects[0] != c {
		a.body.Objects = []fyne.CanvasObject{c}
		a.body.Refresh()
	}
	a.updateChrome()
}

// closed is called when a tab is closed: its check stops.
func (a *App) closed(t *container.TabItem) {
	for i, e := range a.entries {
		if e.tab == t {
			e.close()
			a.entries = append(a.entries[:i], a.entries[i+1:]...)
			break
		}
	}
	a.showTabs()
}

// selected is the entry of the selected tab, or nil.
func (a *App) selected() *entry {
	t := a.tabs.Selected()
	for _, e := range a.entries {
		if e.tab == t {
			return e
		}
	}
	return nil
}

// closeSelected closes the selected tab.
func (a *App) closeSelected() {
	if e := a.selected(); e != nil {
		a.tabs.Remove(e.tab)
		a.closed(e.tab)
	}
}

// recheckSelected checks the selected message again (after a change of
// settings, or when its check was stopped).
func (a *App) recheckSelected() {
	if e := a.selected(); e != nil {
		a.launch(e)
	}
}

// updateChrome sets the window title and the menu items that need a
// report to the selected tab.
func (a *App) updateChrome() {
	e := a.selected()
	title := windowTitle
	if e != nil {
		// The name, then the folder: the whole path, which a tab has no
		// room for.
		title = windowTitle + " — " + e.title
		if e.path != "" {
			title += " (" + filepath.Dir(e.path) + ")"
		}
		if e.running || e.box != nil && e.box.running {
			title += " (checking…)"
		}
	}
	a.win.SetTitle(title)
	ready := e != nil && e.report != nil && !e.running && e.err == nil
	changed := false
	for _, it := range a.reportItems {
		if it.Disabled == ready {
			it.Disabled = !ready
			changed = true
		}
	}
	if changed && a.menu != nil {
		a.menu.Refresh()
	}
	a.fillWindowMenu()
}

// emptyView is the window before any message is opened: how to open one,
// and the samples.
func (a *App) emptyView() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Drop a saved message (.eml) here", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	explain := widget.NewLabelWithStyle("Mail Inspector checks whether a message is really from who it claims:\n"+
		"it re-verifies DKIM, SPF, DMARC and ARC and explains each result.", fyne.TextAlignCenter, fyne.TextStyle{})
	open := widget.NewButton("Open a message…", a.showOpen)
	open.Importance = widget.HighImportance
	paste := widget.NewButton("Paste headers…", a.showPaste)
	samples := container.NewVBox()
	for _, s := range assets.Samples() {
		samples.Add(widget.NewButton(s.Title, func() { a.OpenSample(s.File) }))
	}
	icon := widget.NewIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	return container.NewCenter(container.NewVBox(
		container.NewCenter(container.New(&minWidth{w: 96}, container.NewGridWrap(fyne.NewSize(96, 96), icon))),
		title, explain,
		container.NewCenter(container.NewHBox(open, paste)),
		widget.NewLabelWithStyle("Or try a sample (checked offline):", fyne.TextAlignCenter, fyne.TextStyle{Italic: true}),
		container.NewCenter(container.NewVBox(samples.Objects...)),
	))
}
