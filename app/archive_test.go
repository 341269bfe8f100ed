package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/keyarchive"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/senders"
)

// useMemories keeps a's key archive and memory of senders in dir, and
// turns both on.
func useMemories(t *testing.T, a *App, dir string) {
	t.Helper()
	a.mem.keysPath = func() (string, error) { return filepath.Join(dir, "keys.json"), nil }
	a.mem.sendersPath = func() (string, error) { return filepath.Join(dir, "senders.json"), nil }
	s := loadSettings(a.fyne.Preferences())
	s.KeepKeys, s.RememberSenders = true, true
	s.save(a.fyne.Preferences())
}

// optionsSeen replaces a's engine with one that records the options of
// each check before running it.
func optionsSeen(a *App) *[]inspector.Options {
	var seen []inspector.Options
	a.check = func(ctx context.Context, m *message.Message, opts inspector.Options) *inspector.Report {
		seen = append(seen, opts)
		return inspector.Check(ctx, m, opts)
	}
	return &seen
}

func TestMemorySettingsPersist(t *testing.T) {
	a := newTestApp(t, startZone(t))
	p := a.fyne.Preferences()
	p.RemoveValue(prefKeepKeys)
	p.RemoveValue(prefRememberSenders)
	if s := loadSettings(p); !s.KeepKeys || !s.RememberSenders {
		t.Errorf("the memories are off by default: %+v", s)
	}
	// The dialog's switches, turned off and saved.
	a.showSettings()
	over := a.win.Canvas().Overlays().Top()
	mustContain(t, "the settings", over, "Keep a key archive", "Import keys…", "Export…", "Remember senders", "Forget all senders")
	for _, label := range []string{"Keep a key archive", "Remember senders"} {
		c := findCheck(over, label)
		if c == nil || !c.Checked {
			t.Fatalf("no %q switch on", label)
		}
		c.SetChecked(false)
	}
	findButton(over, "Save").OnTapped()
	if s := loadSettings(p); s.KeepKeys || s.RememberSenders {
		t.Errorf("saved %+v", s)
	}
	if p.BoolWithFallback(prefKeepKeys, true) || p.BoolWithFallback(prefRememberSenders, true) {
		t.Error("the preferences still say on")
	}
}

// findCheck is the check box shown in o with this label.
func findCheck(o fyne.CanvasObject, label string) *widget.Check {
	c, _ := findWhere(o, func(c *widget.Check) bool { return c.Text == label })
	return c
}

// The options each check gets: the memories when on, the archive
// read-only when DNS is replayed, neither when off or when they cannot
// be opened, which the page then says.
func TestMemoriesPassedToChecks(t *testing.T) {
	dir := t.TempDir()
	a := newTestApp(t, startZone(t))
	seen := optionsSeen(a)
	useMemories(t, a, dir)
	run := func() (inspector.Options, *entry) {
		t.Helper()
		a.OpenFiles([]string{sample(t, "newsletter.eml")})
		e := a.entries[0]
		wait(t, e)
		return (*seen)[len(*seen)-1], e
	}
	opts, e := run()
	if opts.Keys == nil || opts.Keys.ReadOnly() || opts.Senders == nil {
		t.Fatalf("memories on: keys %v, senders %v", opts.Keys, opts.Senders)
	}
	if n := len(opts.Keys.Keys("nw2026._domainkey.northwind.example")); n != 1 {
		t.Errorf("the archive keeps %d keys of the newsletter's signer", n)
	}
	if e.report.Sender == nil || !e.report.Sender.Recorded || !e.report.Sender.FirstMessage {
		t.Errorf("sender %+v", e.report.Sender)
	}
	if err := a.mem.flush(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"keys.json", "senders.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}

	// Offline: both read, neither written.
	snap := filepath.Join(t.TempDir(), "snap.json")
	if err := os.WriteFile(snap, assets.SampleSnapshot(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := loadSettings(a.fyne.Preferences())
	s.Mode, s.Snapshot = dnsOffline, snap
	s.save(a.fyne.Preferences())
	before, _ := os.ReadFile(filepath.Join(dir, "senders.json"))
	keysBefore, _ := os.ReadFile(filepath.Join(dir, "keys.json"))
	opts, e = run()
	if opts.Keys == nil || !opts.Keys.ReadOnly() || opts.Senders == nil {
		t.Errorf("offline: keys %v, senders %v", opts.Keys, opts.Senders)
	}
	if e.report.Sender == nil || e.report.Sender.Recorded {
		t.Errorf("offline, the message was recorded: %+v", e.report.Sender)
	}
	a.mem.flush()
	if after, _ := os.ReadFile(filepath.Join(dir, "senders.json")); !bytes.Equal(before, after) {
		t.Error("an offline check wrote the memory of senders")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "keys.json")); !bytes.Equal(keysBefore, after) {
		t.Error("an offline check wrote the key archive")
	}

	// Off: neither.
	s.Mode = dnsServer
	s.KeepKeys, s.RememberSenders = false, false
	s.save(a.fyne.Preferences())
	if opts, e = run(); opts.Keys != nil || opts.Senders != nil || e.report.Sender != nil {
		t.Errorf("off: keys %v, senders %v", opts.Keys, opts.Senders)
	}

	// An archive that cannot be read: checked without it, and said.
	if err := os.WriteFile(filepath.Join(dir, "keys.json"), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	a.mem = memories{keysPath: a.mem.keysPath, sendersPath: a.mem.sendersPath}
	s.KeepKeys = true
	s.save(a.fyne.Preferences())
	if opts, e = run(); opts.Keys != nil || e.err != nil {
		t.Errorf("a broken archive: keys %v, error %v", opts.Keys, e.err)
	}
	mustContain(t, "the page", e.view.notes.root, "The key archive could not be opened")
}

// Under test the default places are refused: the app checks without the
// memories and says nothing of it.
func TestMemoriesWithoutDefaultPaths(t *testing.T) {
	a := newTestApp(t, startZone(t))
	seen := optionsSeen(a)
	s := loadSettings(a.fyne.Preferences())
	s.KeepKeys, s.RememberSenders = true, true
	s.save(a.fyne.Preferences())
	a.OpenFiles([]string{sample(t, "newsletter.eml")})
	e := a.entries[0]
	wait(t, e)
	if o := (*seen)[0]; o.Keys != nil || o.Senders != nil {
		t.Errorf("keys %v, senders %v", o.Keys, o.Senders)
	}
	if e.err != nil || len(a.mem.notesFor(e)) != 0 {
		t.Errorf("error %v, notes %q", e.err, a.mem.notesFor(e))
	}
	if _, err := a.mem.archive(false); !errors.Is(err, keyarchive.ErrNoDefault) {
		t.Errorf("the default archive under test: %v", err)
	}
}

// Import keys from a DNS snapshot, export them, forget the senders; the
// import button is off while offline is chosen.
func TestKeyImportExportAndForget(t *testing.T) {
	dir := t.TempDir()
	a := newTestApp(t, startZone(t))
	useMemories(t, a, dir)
	snap := filepath.Join(dir, "snap.json")
	if err := os.WriteFile(snap, assets.SampleSnapshot(), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := a.importKeysFrom(snap)
	if err != nil || n < 4 {
		t.Fatalf("imported %d keys: %v", n, err)
	}
	var out bytes.Buffer
	if err := a.mem.exportTo(&out); err != nil || !strings.Contains(out.String(), "nw2026._domainkey.northwind.example") {
		t.Errorf("export: %v\n%s", err, out.String())
	}
	if info := a.mem.archiveInfo(); !strings.Contains(info, filepath.Join(dir, "keys.json")) || !strings.Contains(info, " keys") {
		t.Errorf("archive info %q", info)
	}

	a.showSettings()
	over := a.win.Canvas().Overlays().Top()
	imp := findButton(over, "Import keys…")
	mode, _ := find[*widget.RadioGroup](over)
	if imp == nil || mode == nil || imp.Disabled() {
		t.Fatal("no import button enabled")
	}
	mode.SetSelected(modeLabels[dnsOffline])
	if !imp.Disabled() {
		t.Error("import is on while offline is chosen")
	}
	mode.SetSelected(modeLabels[dnsSystem])
	findCheck(over, "Keep a key archive").SetChecked(false)
	if !imp.Disabled() {
		t.Error("import is on with the archive off")
	}
	a.closeDialog(false)

	opts := inspector.Options{}
	a.mem.apply(&opts, settings{RememberSenders: true}, false, nil)
	if _, err := opts.Senders.Record(senders.Observation{Address: "a@example.org", Domain: "example.org", When: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := a.mem.flush(); err != nil {
		t.Fatal(err)
	}
	if err := a.mem.forget(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "senders.json")); !os.IsNotExist(err) {
		t.Errorf("the memory's file is still there: %v", err)
	}
}

// The memory of senders' notes under the From: a sender usually signed
// and authenticated, not now, is a caution; the Signals tab shows what
// was known.
func TestSenderNotes(t *testing.T) {
	dir := t.TempDir()
	st, err := senders.Open(filepath.Join(dir, "senders.json"))
	if err != nil {
		t.Fatal(err)
	}
	for i, day := range []int{1, 2, 3} {
		if _, err := st.Record(senders.Observation{Address: "security@fabrikam.example", Domain: "fabrikam.example",
			MessageID: "<m" + string(rune('0'+i)) + "@fabrikam.example>", When: time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC),
			DMARCPass: true, Signers: []string{"fabrikam.example"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, startZone(t))
	useMemories(t, a, dir)
	a.OpenFiles([]string{sample(t, "spoof.eml")})
	e := a.entries[0]
	wait(t, e)
	n := e.view.ident.sender
	if !n.root.Visible() || len(e.report.Sender.Notes) == 0 {
		t.Fatalf("no notes under the From: %+v", e.report.Sender)
	}
	cautions := shownTexts(n.warn.root)
	if len(cautions) != 2 || !strings.Contains(cautions[0], "usually signed by fabrikam.example; this one is not") ||
		!strings.Contains(cautions[1], "usually passed DMARC") {
		t.Errorf("cautions %q", cautions)
	}
	mustContain(t, "the notes", n.root, "Seen before: 3 earlier messages")
	v := detailTabOf[*signalsTab](t, e, "Signals")
	mustContain(t, "the Signals tab", v.object(), "What this computer knew of the sender", "security@fabrikam.example",
		"fabrikam.example", "from 2026-03-01 to 2026-03-03", "3 passed DMARC")
	mustLack(t, "the Signals tab", v.object(), "memory of senders is off")
}

// shownTexts are the texts shown in o, empty ones left out.
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, s := range texts(o) {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
