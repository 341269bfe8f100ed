package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// TestKeyboardWalk uses the window with the keyboard alone: Tab reaches
// every button shown and comes round again (Shift+Tab goes back), and
// the shortcuts reach every message tab and every details tab.
func TestKeyboardWalk(t *testing.T) {
	srv := startZone(t)
	a := newTestApp(t, srv)
	a.OpenFiles([]string{sample(t, "newsletter.eml"), sample(t, "spoof.eml")})
	for _, e := range a.entries {
		wait(t, e)
	}
	c := a.win.Canvas()
	want := buttonsIn(c.Content(), true)
	if len(want) < 4 {
		t.Fatalf("only %d buttons shown", len(want))
	}
	reached := map[fyne.Focusable]bool{}
	var first fyne.Focusable
	for i := 0; i < 400; i++ {
		test.FocusNext(c)
		f := c.Focused()
		if f == nil {
			continue
		}
		if f == first {
			break
		}
		if first == nil {
			first = f
		}
		reached[f] = true
	}
	for _, b := range want {
		if !reached[b] {
			t.Errorf("Tab never reaches the button %q", b.Text)
		}
	}
	before := c.Focused()
	test.FocusNext(c)
	test.FocusPrevious(c)
	if c.Focused() != before {
		t.Error("Shift+Tab does not go back to where Tab came from")
	}

	// The shortcuts, as the window's canvas receives them.
	press := func(k fyne.KeyName, m fyne.KeyModifier) {
		c.(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: m})
	}
	seen := map[int]bool{}
	for range a.entries {
		press(fyne.KeyTab, fyne.KeyModifierControl)
		seen[a.tabs.SelectedIndex()] = true
	}
	press(fyne.KeyPageUp, fyne.KeyModifierControl)
	seen[a.tabs.SelectedIndex()] = true
	if len(seen) != len(a.entries) {
		t.Errorf("Ctrl+Tab and Ctrl+PgUp reach %d of %d message tabs", len(seen), len(a.entries))
	}
	e := a.selected()
	for i, dt := range detailTabs()[:min(10, len(detailTabs()))] {
		press(fyne.KeyName(string(rune('0'+(i+1)%10))), fyne.KeyModifierShortcutDefault)
		if e.view.tabBar.SelectedIndex() != i || len(e.view.detail.Objects) != 1 {
			t.Errorf("Ctrl+%d does not show the %s tab", (i+1)%10, dt.title)
		}
	}

	// Escape closes a dialog; Enter confirms one.
	a.showAbout()
	if len(c.Overlays().List()) == 0 {
		t.Fatal("About shows no dialog")
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(c.Overlays().List()) != 0 {
		t.Error("Escape does not close About")
	}
	a.showShortcuts()
	if !strings.Contains(allText(c.Overlays().Top()), "Next message tab") {
		t.Error("Help does not list the shortcuts")
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(c.Overlays().List()) != 0 {
		t.Error("Enter does not close the shortcuts")
	}
}
