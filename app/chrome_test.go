package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// TestHeadersNameColumn: every field name fits its column, so that a long
// name never runs into its value ("ARC-Authentication-Resultsi=1").
func TestHeadersNameColumn(t *testing.T) {
	test.NewTempApp(t)
	v := newHeadersView([]message.Field{
		{Name: "To", Value: "a@example.org"},
		{Name: "ARC-Authentication-Results", Value: "i=1; lists.example; dkim=pass"},
	})
	w := test.NewWindow(v.root)
	defer w.Close()
	w.Resize(fyne.NewSize(1000, 400))
	for _, r := range v.rows[:2] {
		need := fyne.MeasureText(r.name.Text, 14, r.name.TextStyle).Width
		if r.name.Size().Width < need {
			t.Errorf("%s: name %.0f wide, needs %.0f", r.name.Text, r.name.Size().Width, need)
		}
		if r.value.Position().X < v.rows[1].name.Position().X+v.rows[1].name.Size().Width-1 {
			t.Errorf("%s: the value starts inside the name column", r.name.Text)
		}
	}
}

// TestTabTitlesAndWindowMenu: a tab shows the start and the end of a long
// name; Window lists every message with its verdict icon and whole path.
func TestTabTitlesAndWindowMenu(t *testing.T) {
	if got := tabTitle("/mail/invoice-2026-03-quarterly-statement-quarantined.eml"); got != "invoice-20…quarantined" {
		t.Errorf("tab title %q", got)
	}
	srv := startZone(t)
	a := newTestApp(t, srv)
	paths := []string{sample(t, "newsletter.eml"), sample(t, "spoof.eml")}
	a.OpenFiles(paths)
	for _, e := range a.entries {
		wait(t, e)
	}
	a.serially(a.updateChrome)
	for i, p := range paths {
		it := a.windowMenu.Items[i]
		if it.Label != p || it.Icon == nil || it.Icon.Name() != a.entries[i].tab.Icon.Name() {
			t.Errorf("Window menu item %d: %q %v, want %q with the tab's icon", i, it.Label, it.Icon, p)
		}
	}
	a.windowMenu.Items[0].Action()
	if a.tabs.Selected() != a.entries[0].tab || !strings.Contains(a.win.Title(), "newsletter.eml") {
		t.Error("choosing a message in Window does not show it")
	}
}
