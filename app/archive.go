package app

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/keyarchive"
	"github.com/mailinspector/mailinspector/inspector/senders"
)

// The app's two memories, each a file in the user's config folder and
// each on unless turned off in Settings: the key archive (every DKIM and
// ARC key fetched, so that a signature can be explained after its key was
// replaced) and the memory of senders (who wrote before). They are opened
// when a check first needs them and kept open; a check that replays DNS
// (offline mode, a sample) reads them and never writes them (the engine
// sees to that, and the archive is opened read-only for it). A memory
// that cannot be opened is left out of the check, and the report's page
// says so. Under test, their default paths are errors: the app runs
// without them unless a test gives paths of its own.

// Preference keys of the memories.
const (
	prefKeepKeys        = "memory.keep_keys"
	prefRememberSenders = "memory.remember_senders"
)

// memories holds the app's key archive and memory of senders.
type memories struct {
	// keysPath and sendersPath say where the files are (tests give
	// temporary ones); nil is the default place.
	keysPath, sendersPath func() (string, error)

	mu sync.Mutex
	// keys is the archive as checks that look DNS up use it (written),
	// keysRO as checks that replay DNS use it; keysGen counts the times
	// keys was handed out, roGen what it was when keysRO was opened, so
	// that a read-only copy older than what was written is read again.
	keys, keysRO   *keyarchive.Archive
	keysGen, roGen int
	// senders is the memory of senders; sendersRO a read-only view of it,
	// for checks that replay DNS, taken at sendersGen.
	senders                 *senders.Store
	sendersRO               *senders.Store
	sendersGen, sendersROAt int
	// notes say, per entry, which memory could not be opened for its
	// last check.
	notes map[*entry][]string
	// flushing says the memory of senders is flushed when the app stops.
	flushing bool
}

func (m *memories) pathOf(which func() (string, error), def func() (string, error)) (string, error) {
	if which != nil {
		return which()
	}
	return def()
}

// noDefault says that err is a default path refused under test: not a
// failure worth a note.
func noDefault(err error) bool {
	return errors.Is(err, keyarchive.ErrNoDefault) || errors.Is(err, senders.ErrNoDefault)
}

// archive opens the key archive, read-only or not.
func (m *memories) archive(readOnly bool) (*keyarchive.Archive, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	path, err := m.pathOf(m.keysPath, keyarchive.DefaultPath)
	if err != nil {
		return nil, err
	}
	if readOnly {
		if m.keysRO == nil || m.roGen != m.keysGen || m.keysRO.Path() != path {
			a, err := keyarchive.Open(path, true)
			if err != nil {
				return nil, err
			}
			m.keysRO, m.roGen = a, m.keysGen
		}
		return m.keysRO, nil
	}
	if m.keys == nil || m.keys.Path() != path {
		a, err := keyarchive.Open(path, false)
		if err != nil {
			return nil, err
		}
		m.keys = a
	}
	m.keysGen++
	return m.keys, nil
}

// store opens the memory of senders; readOnly gives a view of it that is
// never written.
func (m *memories) store(readOnly bool) (*senders.Store, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	path, err := m.pathOf(m.sendersPath, senders.DefaultPath)
	if err != nil {
		return nil, err
	}
	if m.senders == nil || m.senders.Path() != path {
		s, err := senders.Open(path)
		if err != nil {
			return nil, err
		}
		m.senders, m.sendersRO = s, nil
	}
	if !readOnly {
		m.sendersGen++
		return m.senders, nil
	}
	if m.sendersRO == nil || m.sendersROAt != m.sendersGen {
		m.sendersRO, m.sendersROAt = m.senders.ReadOnly(), m.sendersGen
	}
	return m.sendersRO, nil
}

// apply gives opts the memories s keeps, for the check of e; replay says
// DNS is replayed, so that nothing is written. What cannot be opened is
// left out, and noted for e's page.
func (m *memories) apply(opts *inspector.Options, s settings, replay bool, e *entry) {
	var notes []string
	note := func(what string, err error) {
		if err != nil && !noDefault(err) {
			notes = append(notes, what+" could not be opened ("+err.Error()+"): checked without it")
		}
	}
	if s.KeepKeys {
		a, err := m.archive(replay)
		if err == nil {
			opts.Keys = a
		}
		note("the key archive", err)
	}
	if s.RememberSenders {
		st, err := m.store(replay)
		if err == nil {
			opts.Senders = st
		}
		note("the memory of senders", err)
	}
	m.mu.Lock()
	if m.notes == nil {
		m.notes = map[*entry][]string{}
	}
	if len(notes) > 0 {
		m.notes[e] = notes
	} else {
		delete(m.notes, e)
	}
	m.mu.Unlock()
}

// notesFor are the notes of e's last check.
func (m *memories) notesFor(e *entry) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.notes[e]
}

// flush saves what the memory of senders has not saved yet.
func (m *memories) flush() error {
	m.mu.Lock()
	s := m.senders
	m.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.Flush()
}

// exportTo writes the key archive to w, in its file format.
func (m *memories) exportTo(w io.Writer) error {
	a, err := m.archive(true)
	if err != nil {
		return err
	}
	return a.Export(w)
}

// forget forgets every sender and removes the memory's file.
func (m *memories) forget() error {
	st, err := m.store(false)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.sendersRO = nil
	m.mu.Unlock()
	return st.Clear()
}

// archiveInfo says where the key archive is and how many keys it holds.
func (m *memories) archiveInfo() string {
	a, err := m.archive(true)
	if err != nil {
		return "No key archive: " + err.Error()
	}
	return fmt.Sprintf("%s, %s", a.Path(), plural(len(a.All()), "key", "keys"))
}

// storeInfo says where the memory of senders is.
func (m *memories) storeInfo() string {
	path, err := m.pathOf(m.sendersPath, senders.DefaultPath)
	if err != nil {
		return "No memory of senders: " + err.Error()
	}
	return path + ", kept on this computer only"
}

// applyMemories gives opts the memories s keeps (see memories.apply) and,
// once the memory of senders is open, has it flushed when the app stops.
func (a *App) applyMemories(opts *inspector.Options, s settings, replay bool, e *entry) {
	a.mem.apply(opts, s, replay, e)
	if opts.Senders != nil && !a.mem.flushing {
		a.mem.flushing = true
		a.fyne.Lifecycle().SetOnStopped(func() { a.mem.flush() })
	}
}

// memoryControls are the memories' part of the settings dialog.
type memoryControls struct {
	items          []*widget.FormItem
	keep, remember *widget.Check
	info           *widget.Label
	importKeys     *widget.Button
	exportKeys     *widget.Button
	forget         *widget.Button
}

// memorySettings makes the settings of the memories, as s has them: keep
// a key archive (where it is, how many keys, import and export) and
// remember senders (forget them all). Import writes the archive, so it
// is off while mode, the dialog's choice of DNS, says offline.
func (a *App) memorySettings(s settings, mode *widget.RadioGroup) *memoryControls {
	c := &memoryControls{
		keep:     widget.NewCheck("Keep a key archive", nil),
		remember: widget.NewCheck("Remember senders", nil),
		info:     wrapLabel(a.mem.archiveInfo()),
	}
	c.keep.SetChecked(s.KeepKeys)
	c.remember.SetChecked(s.RememberSenders)
	c.importKeys = widget.NewButton("Import keys…", func() { a.importKeys(c.info) })
	c.exportKeys = widget.NewButton("Export…", a.exportKeys)
	c.forget = widget.NewButton("Forget all senders", a.confirmForget)
	enable := func() {
		setEnabled(c.importKeys, c.keep.Checked && mode.Selected != modeLabels[dnsOffline])
	}
	enable()
	c.keep.OnChanged = func(bool) { enable() }
	prev := mode.OnChanged
	mode.OnChanged = func(v string) {
		if prev != nil {
			prev(v)
		}
		enable()
	}
	c.items = []*widget.FormItem{
		{Text: "Key archive", Widget: container.NewVBox(c.keep, c.info, container.NewHBox(c.importKeys, c.exportKeys)),
			HintText: "DKIM and ARC keys seen, to explain a signature after its key was replaced; never written offline"},
		{Text: "Senders", Widget: container.NewVBox(c.remember, container.NewHBox(c.forget)),
			HintText: "who wrote before (" + a.mem.storeInfo() + "): a first message, a sender not signed as usual"},
	}
	return c
}

// importKeys asks for a DNS snapshot or an exported archive and adds its
// keys to the key archive; info then shows the new count.
func (a *App) importKeys(info *widget.Label) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			if err != nil {
				dialog.ShowError(err, a.win)
			}
			return
		}
		rc.Close()
		n, err := a.importKeysFrom(rc.URI().Path())
		if err == nil {
			a.notify(plural(n, "new key", "new keys") + " imported into the key archive")
		} else {
			dialog.ShowError(fmt.Errorf("import keys: %v", err), a.win)
		}
		setText(info, a.mem.archiveInfo())
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	a.showFileDialog(d)
}

// importKeysFrom adds the keys of a DNS snapshot or an exported archive
// to the key archive, and says how many were new.
func (a *App) importKeysFrom(path string) (int, error) {
	arch, err := a.mem.archive(false)
	if err != nil {
		return 0, err
	}
	return arch.ImportFile(path)
}

// exportKeys asks where to write the key archive, and writes it there.
func (a *App) exportKeys() {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			if err != nil {
				dialog.ShowError(err, a.win)
			}
			return
		}
		err = a.mem.exportTo(wc)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			dialog.ShowError(fmt.Errorf("export keys: %v", err), a.win)
			return
		}
		a.notify("Key archive saved to " + wc.URI().Path())
	}, a.win)
	d.SetFileName("keys.json")
	a.showFileDialog(d)
}

// confirmForget asks before forgetting every sender.
func (a *App) confirmForget() {
	a.showDialog(dialog.NewConfirm("Forget all senders",
		"Forget every sender checked on this computer? Every message will then be a first message from its sender.",
		func(ok bool) {
			if !ok {
				return
			}
			if err := a.mem.forget(); err != nil {
				dialog.ShowError(fmt.Errorf("forget senders: %v", err), a.win)
				return
			}
			a.notify("All senders forgotten")
		}, a.win))
}
