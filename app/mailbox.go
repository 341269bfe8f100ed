package app

// A mailbox or a folder (an mbox file, a Maildir, an Apple Mail export or
// .emlx file, any folder of messages) opens as one tab with a list of its
// messages, as package mailbox reads them for the command line.
//
// Its messages are checked off the UI goroutine, many at a time, with one
// DNS cache for the run, and the list grows in batches (every boxFlush,
// not once per message) while a progress bar says how far the run is. A
// row keeps a few words of its report (boxRow), never the report: when a
// row is selected its message is read again and checked again (with the
// run's DNS cache, so it asks nothing new) into the tab's report view, the
// one a single message has. The summary beside the list comes from package
// summary, which counts the reports as they come and keeps counts only.

import (
	"context"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/mailbox"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/summary"
)

// boxFlush is how often a run shows its new rows and progress.
const boxFlush = 150 * time.Millisecond

// boxJobs is how many messages are checked at the same time when DNS is
// asked (as many as the command line checks: a check mostly waits); from
// a snapshot a check only computes, and one per core is checked.
const boxJobs = 32

// wideWindow is the width from which the report shows beside the list
// rather than below it.
const wideWindow = 1400

// filterStatuses are the verdicts the list can be narrowed to, worst
// first; "" is every message.
var filterStatuses = []inspector.Status{"", inspector.StatusBad, inspector.StatusCaution, inspector.StatusGood,
	inspector.StatusNotChecked, inspector.StatusUnreadable}

// mailboxView is the tab of a mailbox: the progress of its run, the
// filters, the list of its messages, and below or beside it the summary
// or the report of the selected message. Its fields are read and written
// on the UI goroutine only.
type mailboxView struct {
	e    *entry
	path string
	root fyne.CanvasObject

	// gen counts runs, so that the updates of an older run are dropped.
	gen     int
	cancel  context.CancelFunc
	running bool
	stopped bool
	// rerun asks the next start of the entry to check the whole mailbox
	// again (it was opened again).
	rerun bool
	// err says why the run could not start (the settings).
	err   error
	began time.Time
	took  time.Duration
	// read is how many bytes of the mailbox were checked, of total (0
	// while unknown).
	read, total int64
	// finished is closed when the run's last update is shown.
	finished chan struct{}

	// cache is the DNS cache of the run, for checking a selected message
	// again; cacheFor the settings it answers for.
	cache    *resolver.Cache
	cacheFor settings

	rows   []*boxRow
	counts map[inspector.Status]int
	// shown are the indexes in rows of the rows the filters let through,
	// in the list's order.
	shown    []int
	sum      *summary.Summary
	order    rowOrder
	filter   inspector.Status
	query    string
	selected *boxRow

	status      *widget.Label
	progress    *widget.ProgressBar
	progressBox *fyne.Container
	cancelBtn   *widget.Button
	againBtn    *widget.Button
	summaryBtn  *widget.Button
	verdicts    []*widget.Button // one per filterStatuses
	search      *widget.Entry
	counted     *widget.Label
	heads       [numColumns]*widget.Button
	list        *widget.List
	overview    *summaryView
	lower       *fyne.Container
	split       *container.Split
}

// mailboxEntry is the entry of a mailbox's tab.
func (a *App) mailboxEntry(path string) *entry {
	e := a.newEntry(filepath.Base(path), path, path, nil)
	b := &mailboxView{e: e, path: path, counts: map[inspector.Status]int{}}
	e.box = b
	b.build()
	e.tab.Content = b.root
	e.tab.Icon = b.icon()
	return e
}

// do runs f as a handler of the view's widgets: on the UI goroutine, and
// under the test driver in turn with the run's updates (see App.ui).
func (b *mailboxView) do(f func()) func() {
	return func() { b.e.app.serially(f) }
}

func (b *mailboxView) build() {
	b.status = widget.NewLabel("")
	b.status.Truncation = fyne.TextTruncateEllipsis
	b.progress = widget.NewProgressBar()
	b.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), b.do(b.stop))
	b.againBtn = widget.NewButtonWithIcon("Check all again", theme.ViewRefreshIcon(), b.do(b.run))
	b.summaryBtn = widget.NewButtonWithIcon("Summary", theme.InfoIcon(), b.do(b.clearSelection))
	for _, st := range filterStatuses {
		btn := widget.NewButton("", b.do(func() { b.setFilter(st) }))
		if st != "" {
			btn.SetIcon(statusLook(st).icon)
		}
		b.verdicts = append(b.verdicts, btn)
	}
	b.search = widget.NewEntry()
	b.search.SetPlaceHolder("Filter: sender, subject, date or file")
	b.search.OnChanged = func(q string) { b.do(func() { b.setQuery(q) })() }
	b.counted = widget.NewLabel("")

	var heads []fyne.CanvasObject
	for c := range numColumns {
		btn := widget.NewButton(columnTitles[c], b.do(func() { b.sortBy(c) }))
		btn.Importance = widget.LowImportance
		btn.Alignment = widget.ButtonAlignLeading
		btn.IconPlacement = widget.ButtonIconTrailingText
		b.heads[c] = btn
		heads = append(heads, btn)
	}
	b.list = widget.NewList(
		func() int { return len(b.shown) },
		func() fyne.CanvasObject { return newRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(b.shown) {
				r := b.rows[b.shown[id]]
				o.(*rowView).update(r, r == b.selected)
			}
		})
	// The list's own selection would move (and scroll) as rows are added
	// and sorted; the selected row is kept here and drawn by its view.
	b.list.OnSelected = func(id widget.ListItemID) {
		b.list.Unselect(id)
		b.do(func() { b.selectIndex(id) })()
	}
	b.overview = newSummaryView()
	b.lower = container.NewStack(b.overview.root, b.e.view.scroll)

	b.progressBox = container.New(&minWidth{w: 240}, b.progress)
	statusRow := container.NewBorder(nil, nil, nil, container.NewHBox(b.progressBox, b.summaryBtn, b.cancelBtn, b.againBtn), b.status)
	filters := container.NewHBox()
	for _, v := range b.verdicts {
		filters.Add(v)
	}
	filterRow := container.NewBorder(nil, nil, filters, b.counted, b.search)
	listPane := container.NewBorder(container.New(boxColumns{}, heads...), nil, nil, nil, b.list)
	b.split = container.NewVSplit(listPane, b.lower)
	b.split.Offset = 0.42
	b.root = container.NewBorder(container.NewVBox(statusRow, filterRow), nil, nil, nil,
		container.New(&splitTurn{split: b.split}, b.split))
	b.render()
}

// startCheck is what checking the entry (again) does: the whole mailbox
// when it has not been checked, was opened again, or has no message
// selected; else the selected message, in the report view. It says
// whether to check the selected message.
func (b *mailboxView) startCheck() bool {
	if b.rerun || b.selected == nil {
		b.rerun = false
		b.run()
		return false
	}
	return true
}

// run checks every message of the mailbox again, from the start.
func (b *mailboxView) run() {
	a := b.e.app
	if b.cancel != nil {
		b.cancel()
	}
	b.gen++
	gen := b.gen
	b.clearSelection()
	b.rows, b.shown, b.sum, b.counts = nil, nil, nil, map[inspector.Status]int{}
	b.read, b.total, b.took = 0, 0, 0
	b.running, b.stopped, b.err = true, false, nil
	b.began = time.Now()
	b.finished = make(chan struct{})
	done := b.finished
	b.e.hop = 0
	opts, err := a.options(b.e)
	if err != nil {
		b.running, b.err = false, err
		close(done)
		b.render()
		return
	}
	b.cache, b.cacheFor = nil, loadSettings(a.fyne.Preferences())
	jobs := boxJobs
	if opts.DNS.Replay == nil {
		// One cache for every message of the run, as on the command line.
		b.cache = resolver.NewCache(resolver.CacheOptions{})
		opts.DNS.Cache = b.cache
	} else {
		jobs = max(1, runtime.NumCPU())
	}
	a.addRecent(b.path)
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.render()
	go b.check(ctx, gen, opts, jobs, done)
}

// shareCache gives the check of a selected message the run's DNS cache,
// when the settings are those of the run.
func (b *mailboxView) shareCache(opts inspector.Options) inspector.Options {
	if b.cache != nil && opts.DNS.Replay == nil && loadSettings(b.e.app.fyne.Preferences()) == b.cacheFor {
		opts.DNS.Cache = b.cache
	}
	return opts
}

// stop cancels the run: the Cancel button. The rows checked stay.
func (b *mailboxView) stop() {
	if b.running && b.cancel != nil {
		b.cancel()
	}
}

// close stops the run for good: the tab was closed.
func (b *mailboxView) close() {
	b.gen++
	if b.cancel != nil {
		b.cancel()
	}
	b.running = false
}

// boxJob is a message read, on its way to be checked.
type boxJob struct {
	it  *mailbox.Item
	seq int
	src rowSource
}

// boxResult is a message checked: its row and report, or the reason a
// file was skipped.
type boxResult struct {
	row     *boxRow
	report  *inspector.Report
	size    int64
	skipped string
}

// check reads and checks the mailbox with jobs checks at a time, counts
// the reports in a summary, and shows the rows and the summary in
// batches. The reports are dropped once counted. Messages checked after
// ctx is done are dropped too: their checks were cut short. done is
// closed once the last update is shown.
func (b *mailboxView) check(ctx context.Context, gen int, opts inspector.Options, jobs int, done chan struct{}) {
	a := b.e.app
	check := a.check
	var total atomic.Int64
	go func() { total.Store(sizeOf(b.path)) }()

	work := make(chan boxJob)
	go func() {
		defer close(work)
		offsets := map[string]int64{}
		seq := 0
		for it := range mailbox.Read([]string{b.path}, mailbox.Options{}) {
			src := rowSource{path: it.Path, kind: it.Kind, index: it.Index, offset: offsets[it.Path], size: it.Size}
			if it.Kind == mailbox.KindMbox {
				offsets[it.Path] += it.Size
			}
			select {
			case work <- boxJob{it, seq, src}:
				seq++
			case <-ctx.Done():
				it.Close()
				return
			}
		}
	}()
	results := make(chan boxResult, jobs)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				results <- checkItem(ctx, check, opts, j)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	counter := summary.New()
	var batch []*boxRow
	var read int64
	dirty := false
	var showing atomic.Bool // an update is on its way to the UI goroutine
	flush := func(last bool) {
		if !last && (!dirty || showing.Load()) {
			return
		}
		rows, s, n, t := batch, counter.Summary(-1), read, total.Load()
		batch, dirty = nil, false
		showing.Store(true)
		a.uiAsync(func() {
			showing.Store(false)
			if b.gen == gen {
				b.add(rows, s, n, t)
				if last {
					b.finish(ctx.Err() != nil)
				}
			}
			if last {
				close(done)
			}
		})
	}
	tick := time.NewTicker(boxFlush)
	defer tick.Stop()
	for {
		select {
		case res, ok := <-results:
			if !ok {
				flush(true)
				return
			}
			if ctx.Err() != nil {
				continue
			}
			read += res.size
			dirty = true
			switch {
			case res.skipped != "":
				counter.AddSkipped(res.skipped)
				continue
			case res.report == nil:
				counter.AddError()
			default:
				counter.Add(res.row.name, res.report)
			}
			batch = append(batch, res.row)
		case <-tick.C:
			flush(false)
		}
	}
}

// checkItem checks one message read, and closes it.
func checkItem(ctx context.Context, check checkFunc, opts inspector.Options, j boxJob) boxResult {
	it := j.it
	defer it.Close()
	res := boxResult{size: it.Size, skipped: it.Skipped}
	switch {
	case it.Skipped != "":
	case it.Err != nil:
		res.row = errorRow(j.seq, it.Name, j.src, it.Err)
	default:
		res.report = check(ctx, it.Message, opts)
		res.row = newRow(j.seq, it.Name, j.src, it.EnvelopeDate(), res.report)
	}
	return res
}

// sizeOf is how many bytes the files of path hold, for the progress bar.
func sizeOf(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// add shows a batch of rows, and the summary and progress so far.
func (b *mailboxView) add(rows []*boxRow, s *summary.Summary, read, total int64) {
	b.sum, b.read, b.total = s, read, total
	var idx []int
	for _, r := range rows {
		b.counts[r.status]++
		if b.lets(r) {
			idx = append(idx, len(b.rows))
		}
		b.rows = append(b.rows, r)
	}
	// The batch, in the list's order, merged into the rows shown.
	b.order.sort(idx, b.rows)
	merged := make([]int, 0, len(b.shown)+len(idx))
	i := 0
	for _, k := range b.shown {
		for i < len(idx) && b.order.less(idx[i], k, b.rows) {
			merged = append(merged, idx[i])
			i++
		}
		merged = append(merged, k)
	}
	b.shown = append(merged, idx[i:]...)
	b.render()
}

// finish ends the run: all checked, or stopped.
func (b *mailboxView) finish(stopped bool) {
	b.running, b.stopped = false, stopped
	b.took = time.Since(b.began)
	if b.cancel != nil {
		b.cancel()
	}
	// A mailbox of one message shows its report straight away.
	if !stopped && len(b.rows) == 1 && b.selected == nil {
		b.selectRow(b.rows[0])
	}
	b.render()
}

// lets says whether the filters let the row through.
func (b *mailboxView) lets(r *boxRow) bool {
	return (b.filter == "" || r.status == b.filter) && r.matches(b.query)
}

// refilter lists the rows the filters let through, in the list's order.
func (b *mailboxView) refilter() {
	b.shown = b.shown[:0]
	for i, r := range b.rows {
		if b.lets(r) {
			b.shown = append(b.shown, i)
		}
	}
	b.order.sort(b.shown, b.rows)
	b.render()
}

func (b *mailboxView) setFilter(st inspector.Status) {
	if b.filter == st && st != "" {
		st = ""
	}
	b.filter = st
	b.refilter()
}

func (b *mailboxView) setQuery(q string) {
	b.query = strings.ToLower(strings.TrimSpace(q))
	b.refilter()
}

// sortBy sorts the list by a column: a click on its header.
func (b *mailboxView) sortBy(c boxColumn) {
	b.order = b.order.next(c)
	b.order.sort(b.shown, b.rows)
	b.render()
}

// selectIndex selects the row shown at i.
func (b *mailboxView) selectIndex(i int) {
	if i >= 0 && i < len(b.shown) {
		b.selectRow(b.rows[b.shown[i]])
	}
}

// selectRow shows the report of a row: its message is read and checked
// again, in the report view of the tab.
func (b *mailboxView) selectRow(r *boxRow) {
	e := b.e
	b.selected = r
	e.title = r.shortName()
	e.hop = 0
	if r.err != "" {
		err := errors.New(r.err)
		e.load = func() (*message.Message, error) { return nil, err }
	} else {
		src, name := r.src, r.name
		e.load = func() (*message.Message, error) { return src.load(name) }
	}
	b.showReport(true)
	b.list.Refresh()
	e.app.start(e)
}

// clearSelection shows the summary instead of a report: the Summary
// button, and the start of a run. The selected message's check stops.
func (b *mailboxView) clearSelection() {
	e := b.e
	b.selected = nil
	e.gen++
	if e.cancel != nil {
		e.cancel()
	}
	e.running, e.report, e.err, e.stopped = false, nil, nil, false
	e.title = filepath.Base(b.path)
	e.view.stop()
	b.showReport(false)
	b.list.Refresh()
	e.app.updateChrome()
}

// showReport shows the report view, or the summary, below the list.
func (b *mailboxView) showReport(on bool) {
	setShown(b.e.view.scroll, on)
	setShown(b.overview.root, !on)
	setEnabled(b.summaryBtn, on)
}

// icon is the tab's icon: a list, or the run's progress.
func (b *mailboxView) icon() fyne.Resource {
	if b.running {
		return theme.ViewRefreshIcon()
	}
	return theme.ListIcon()
}

// render shows the state of the run, the filters and the list.
func (b *mailboxView) render() {
	name := filepath.Base(b.path)
	var st string
	n := len(b.rows)
	switch {
	case b.err != nil:
		st = "Could not check " + name + ": " + b.err.Error()
	case b.running:
		st = "Checking " + name + ": " + count(n, "message", "messages") + " so far"
	case b.stopped:
		st = "Stopped after " + count(n, "message", "messages") + ": the rest of " + name + " was not checked"
	case n == 0:
		st = "No message found in " + name
	default:
		st = count(n, "message", "messages") + " checked in " + b.took.Round(100*time.Millisecond).String()
	}
	setText(b.status, st)
	setShown(b.progressBox, b.running)
	if b.running && b.total > 0 {
		b.progress.SetValue(min(float64(b.read)/float64(b.total), 0.99))
	}
	setShown(b.cancelBtn, b.running)
	setShown(b.againBtn, !b.running)

	for i, btn := range b.verdicts {
		s := filterStatuses[i]
		label := "All " + thousands(n)
		if s != "" {
			word := s.Title()
			label = word[:1] + strings.ToLower(word[1:]) + " " + thousands(b.counts[s])
		}
		if btn.Text != label {
			btn.SetText(label)
		}
		imp := widget.MediumImportance
		if s == b.filter {
			imp = widget.HighImportance
		}
		if btn.Importance != imp {
			btn.Importance = imp
			btn.Refresh()
		}
		setShown(btn, s == "" || s == b.filter || b.counts[s] > 0)
	}
	setText(b.counted, thousands(len(b.shown))+" of "+thousands(n)+" shown")
	for c, h := range b.heads {
		var icon fyne.Resource
		if b.order.dir != 0 && b.order.col == boxColumn(c) {
			icon = theme.MenuDropUpIcon()
			if b.order.dir < 0 {
				icon = theme.MenuDropDownIcon()
			}
		}
		if h.Icon != icon {
			h.SetIcon(icon)
		}
	}
	b.list.Refresh()
	b.overview.set(name, b.sum, b.running)
	if icon := b.icon(); b.e.tab.Icon == nil || b.e.tab.Icon.Name() != icon.Name() {
		b.e.tab.Icon = icon
		b.e.app.tabs.Refresh()
		b.e.app.updateChrome()
	}
}

// boxColumns lays out the cells of a row of the message list, and the
// headers above them, in the same columns: the verdict, the date and the
// three results have fixed widths; From takes two fifths of the rest and
// Subject the others.
type boxColumns struct{}

var columnWidths = [numColumns]float32{colVerdict: 132, colDate: 140, colSPF: 84, colSPF + 1: 84, colSPF + 2: 84}

func (boxColumns) fixed() float32 {
	w := float32(0)
	for _, c := range columnWidths {
		w += c
	}
	return w
}

func (l boxColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	rest := max(size.Width-l.fixed(), 0)
	x := float32(0)
	for i, o := range objs {
		w := columnWidths[i]
		switch boxColumn(i) {
		case colFrom:
			w = rest * 2 / 5
		case colSubject:
			w = rest - rest*2/5
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (l boxColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.fixed()+180, h)
}

// rowView shows a row of the message list: the verdict's icon and word,
// the date, the sender, the subject, and the words of SPF, DKIM and
// DMARC, each in the colour of its status; the selected row on the
// selection's colour.
type rowView struct {
	widget.BaseWidget
	bg    *canvas.Rectangle
	icon  *widget.Icon
	cells [numColumns]*widget.Label
	root  *fyne.Container
}

func newRowView() *rowView {
	v := &rowView{bg: canvas.NewRectangle(color.Transparent), icon: widget.NewIcon(nil)}
	objs := make([]fyne.CanvasObject, numColumns)
	for i := range v.cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		v.cells[i], objs[i] = l, l
	}
	v.cells[colVerdict].TextStyle.Bold = true
	objs[colVerdict] = container.NewBorder(nil, nil, v.icon, nil, v.cells[colVerdict])
	v.root = container.NewStack(v.bg, container.New(boxColumns{}, objs...))
	v.ExtendBaseWidget(v)
	return v
}

func (v *rowView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.root) }

func (v *rowView) update(r *boxRow, selected bool) {
	lk := statusLook(r.status)
	setIcon(v.icon, lk.icon)
	setText(v.cells[colVerdict], lk.word)
	setLook(v.cells[colVerdict], lk.importance)
	setText(v.cells[colDate], r.date)
	setText(v.cells[colFrom], r.from)
	setText(v.cells[colSubject], r.subject)
	for i, res := range r.results {
		setText(v.cells[colSPF+boxColumn(i)], res.word)
		setLook(v.cells[colSPF+boxColumn(i)], statusLook(res.status).importance)
	}
	bg := color.Color(color.Transparent)
	if selected {
		bg = theme.Color(theme.ColorNameSelection)
	}
	if v.bg.FillColor != bg {
		v.bg.FillColor = bg
		v.bg.Refresh()
	}
}

// splitTurn puts the report beside the list in a wide window, below it
// in a narrower one.
type splitTurn struct{ split *container.Split }

func (l *splitTurn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if wide := size.Width >= wideWindow; l.split.Horizontal != wide {
		l.split.Horizontal = wide
		l.split.Offset = 0.42
		if wide {
			l.split.Offset = 0.6
		}
		l.split.Refresh()
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *splitTurn) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }
