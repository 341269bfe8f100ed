package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// entry is one message opened in the window, with its tab. Its fields are
// read and written on the UI goroutine only (checks hand their results
// over with fyne.Do).
type entry struct {
	app *App
	// title names the entry in its tab and the window title.
	title string
	// path is the file the message came from; "" for pasted headers and
	// samples.
	path string
	// label says where the message came from, for the report's File line.
	label string
	// load reads the message; it runs off the UI goroutine.
	load func() (*message.Message, error)
	// replay, when set, answers DNS whatever the settings say (samples).
	replay *resolver.Snapshot
	// hop, when not zero, is the Received field (1 = topmost) the reader
	// chose as the boundary, overriding the automatic choice.
	hop int

	tab     *container.TabItem
	view    *reportView
	headers *headersView
	// box, for a mailbox or a folder, is its list of messages; view then
	// shows the report of the message selected in it (mailbox.go).
	box *mailboxView

	// gen counts runs, so that a result of an older run is dropped.
	gen     int
	running bool
	stopped bool
	// stopReason says why the check was stopped.
	stopReason string
	cancel     context.CancelFunc
	report     *inspector.Report
	err        error
	fields     []message.Field
	started    chan struct{}
	finished   chan struct{}
}

func (a *App) newEntry(title, path, label string, load func() (*message.Message, error)) *entry {
	e := &entry{app: a, title: title, path: path, label: label, load: load}
	e.headers = newHeadersView(nil)
	e.view = newReportView(e)
	e.tab = container.NewTabItemWithIcon(tabTitle(title), theme.FileIcon(), e.view.scroll)
	return e
}

// fileEntry is the entry of a message file; opening a file already open
// checks it again in its tab.
func (a *App) fileEntry(path string) *entry {
	for _, e := range a.entries {
		if e.path == path {
			if e.box != nil {
				e.box.rerun = true
			}
			return e
		}
	}
	if isMailbox(path) {
		return a.mailboxEntry(path)
	}
	return a.newEntry(filepath.Base(path), path, path, func() (*message.Message, error) {
		return openMessage(path)
	})
}

// openMessage reads a message file. A folder or an unreadable file gives
// an error naming the file; what is not a message gives message's *Error.
func openMessage(path string) (*message.Message, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder: drop or open the message files (.eml) in it", path)
	}
	return message.Open(path)
}

// OpenSample opens a sample message of assets by file name, checked
// against the samples' DNS snapshot so that it works offline.
func (a *App) OpenSample(file string) {
	for _, s := range assets.Samples() {
		if s.File != file {
			continue
		}
		label := "sample: " + s.File + " (DNS answers from the samples' snapshot, offline)"
		e := a.newEntry(s.File, "", label, func() (*message.Message, error) { return message.Parse(s.File, s.Data) })
		snap, err := resolver.ParseSnapshot(assets.SampleSnapshot())
		if err != nil {
			e.load = func() (*message.Message, error) { return nil, fmt.Errorf("the samples' DNS snapshot: %v", err) }
		}
		e.replay = snap
		a.launch(e)
		return
	}
}

// chooseHop takes hop (1 = topmost Received field; 0 = automatic) as the
// boundary, where the message entered the recipient's servers, and checks
// the message again: SPF is then evaluated for that hop's address. On the
// UI goroutine.
func (e *entry) chooseHop(hop int) {
	e.hop = hop
	e.app.launch(e)
}

// source says where the message came from.
func (e *entry) source() string { return e.label }

// start checks e's message in a new goroutine; on the UI goroutine.
func (a *App) start(e *entry) {
	if e.box != nil && !e.box.startCheck() {
		return
	}
	if e.cancel != nil {
		e.cancel()
	}
	e.gen++
	gen := e.gen
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	e.running, e.stopped, e.err, e.report = true, false, nil, nil
	e.started, e.finished = make(chan struct{}), make(chan struct{})
	started, finished := e.started, e.finished
	e.render()

	opts, optsErr := a.options(e)
	if e.box != nil {
		opts = e.box.shareCache(opts)
	}
	load := e.load
	current := func() bool { return e.gen == gen }
	go func() {
		defer close(finished)
		m, err := load()
		if err == nil && optsErr != nil {
			m.Close()
			err = optsErr
		}
		if err != nil {
			close(started)
			a.ui(func() {
				if current() {
					e.running, e.err = false, err
					e.render()
				}
			})
			return
		}
		defer m.Close()
		fields := append([]message.Field(nil), m.Header...)
		a.ui(func() {
			if current() {
				e.fields = fields
				e.headers.setFields(fields)
				if e.path != "" {
					a.addRecent(e.path)
				}
			}
		})
		close(started)
		opts.Progress = func(r *inspector.Report) {
			a.uiAsync(func() {
				if current() && ctx.Err() == nil && e.running {
					e.report = r
					e.render()
				}
			})
		}
		r := a.check(ctx, m, opts)
		a.ui(func() {
			if !current() {
				return
			}
			e.running = false
			if ctx.Err() != nil {
				e.stopped = true
			} else {
				e.report = r
			}
			cancel()
			e.render()
		})
	}()
}

// stop cancels a running check: the Stop button.
func (e *entry) stop() { e.stopBecause("The check was stopped") }

// stopBecause cancels a running check and says why.
func (e *entry) stopBecause(why string) {
	e.stopReason = why
	if e.cancel != nil {
		e.cancel()
	}
}

// close stops the entry's check for good (its tab closed), and the
// spinners of its page.
func (e *entry) close() {
	e.gen++
	e.stop()
	e.running = false
	e.view.stop()
	if e.box != nil {
		e.box.close()
	}
}

// render shows the entry's state in its tab, the tab's icon, and the
// window's title and menus.
func (e *entry) render() {
	icon := theme.FileIcon()
	switch {
	case e.err != nil:
		icon = statusLook(inspector.StatusUnreadable).icon
	case e.running:
		icon = theme.ViewRefreshIcon()
	case e.report != nil && !e.stopped:
		icon = lookOf(e.report.Verdict).icon
	}
	if e.box != nil {
		icon = e.box.icon()
	}
	e.view.render()
	if e.tab.Icon == nil || e.tab.Icon.Name() != icon.Name() {
		e.tab.Icon = icon
		e.app.tabs.Refresh()
	}
	e.app.updateChrome()
}
