package app

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

func TestExportsAndClipboard(t *testing.T) {
	a := newTestApp(t, startZone(t))
	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(sample(t, "newsletter.eml"))})
	e := a.entries[0]
	wait(t, e)

	var js bytes.Buffer
	if err := e.writeJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back inspector.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("exported JSON does not read back: %v", err)
	}
	if back.File != e.report.File || back.Verdict != e.report.Verdict || back.Headline != e.report.Headline || len(back.Summary) != len(e.report.Summary) {
		t.Errorf("exported JSON %+v differs from the report", back)
	}

	var txt bytes.Buffer
	if err := e.writeText(&txt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), e.report.Headline) || strings.Contains(txt.String(), "\x1b[") {
		t.Errorf("exported text lacks the headline or has colour codes:\n%s", txt.String())
	}

	menuItem(t, a, "Edit", "Copy Summary").Action()
	if got := a.fyne.Clipboard().Content(); got != txt.String() {
		t.Errorf("clipboard:\n%s\nwant the text export:\n%s", got, txt.String())
	}

	var snap bytes.Buffer
	if err := e.writeSnapshot(&snap); err != nil {
		t.Fatal(err)
	}
	s, err := resolver.ParseSnapshot(snap.Bytes())
	if err != nil {
		t.Fatalf("saved snapshot does not read back: %v", err)
	}
	if len(s.Entries) != len(e.report.Snapshot().Entries) {
		t.Errorf("snapshot has %d entries, want %d", len(s.Entries), len(e.report.Snapshot().Entries))
	}

	// The save dialogs open for a finished report.
	for _, label := range []string{"Export as JSON…", "Export as Text…", "Save DNS Snapshot…"} {
		menuItem(t, a, "File", label).Action()
		top := a.win.Canvas().Overlays().Top()
		if top == nil {
			t.Errorf("%s opens no dialog", label)
			continue
		}
		a.win.Canvas().Overlays().Remove(top)
	}
}

// TestExportBase: an export is offered under the message's name; one of a
// mailbox's messages keeps its number.
func TestExportBase(t *testing.T) {
	for title, want := range map[string]string{
		"invoice.eml":            "invoice",
		"/home/ana/mail/Inbox#3": "Inbox-3",
		"big.mbox#12":            "big-12",
		"Archive.mbox/mbox#1":    "mbox-1",
		"Pasted headers":         "Pasted headers",
		"msg.2026-03-12.eml":     "msg.2026-03-12",
		"#odd.eml":               "#odd",
	} {
		if got := exportBase(title); got != want {
			t.Errorf("exportBase(%q) = %q, want %q", title, got, want)
		}
	}
}
