package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
)

// shortcut is one keyboard shortcut of the window, and what Help says of
// it.
type shortcut struct {
	key  fyne.KeyName
	mod  fyne.KeyModifier
	what string
	do   func()
}

// shortcuts are the window's own shortcuts (the menus' are on their
// items). Every button is also reached with Tab and Shift+Tab; Fyne's tab
// buttons take no keyboard focus, so these reach every tab.
func (a *App) shortcuts() []shortcut {
	ctrl := fyne.KeyModifierShortcutDefault
	s := []shortcut{
		{fyne.KeyTab, fyne.KeyModifierControl, "Next message tab", func() { a.moveMessage(1) }},
		{fyne.KeyTab, fyne.KeyModifierControl | fyne.KeyModifierShift, "Previous message tab", func() { a.moveMessage(-1) }},
		{fyne.KeyPageDown, fyne.KeyModifierControl, "Next message tab", func() { a.moveMessage(1) }},
		{fyne.KeyPageUp, fyne.KeyModifierControl, "Previous message tab", func() { a.moveMessage(-1) }},
	}
	for i, t := range detailTabs() {
		if i < 10 { // Ctrl+1 to Ctrl+9, and Ctrl+0 for the tenth
			s = append(s, shortcut{fyne.KeyName(fmt.Sprint((i + 1) % 10)), ctrl, "Details: " + t.title, func() { a.selectDetail(i) }})
		}
	}
	return s
}

// installKeys adds the shortcuts to the window, F10 for the menu bar
// (Alt alone opens it too, as Fyne does), Escape to close a dialog and
// Enter to confirm one.
func (a *App) installKeys() {
	c := a.win.Canvas()
	for _, s := range a.shortcuts() {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: s.key, Modifier: s.mod}, func(fyne.Shortcut) { s.do() })
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyF10:
			if m, ok := c.(interface{ ToggleMenu() }); ok {
				m.ToggleMenu()
			}
		case fyne.KeyEscape:
			a.closeDialog(false)
		case fyne.KeyReturn, fyne.KeyEnter:
			a.closeDialog(true)
		}
	})
}

// moveMessage selects the message tab by step from the selected one,
// round the ends.
func (a *App) moveMessage(step int) {
	n := len(a.tabs.Items)
	if n == 0 {
		return
	}
	i := (a.tabs.SelectedIndex() + step + n) % n
	a.tabs.SelectIndex(i)
}

// selectDetail selects the i-th details tab of the selected message.
func (a *App) selectDetail(i int) {
	if e := a.selected(); e != nil && i < len(e.view.tabBar.Items) {
		e.view.tabBar.SelectIndex(i)
		e.view.showTab()
	}
}

// shownDialog is a dialog of Fyne's: the common ones and the file
// dialogs.
type shownDialog interface {
	Show()
	Dismiss()
}

// showDialog shows d and remembers it, so that Escape closes it and Enter
// confirms it (Fyne's dialogs do neither by themselves).
func (a *App) showDialog(d shownDialog) {
	a.dialog = d
	d.Show()
}

// closeDialog closes the dialog shown last, confirming it when it has a
// confirm button (ok), dismissing it otherwise.
func (a *App) closeDialog(ok bool) {
	d := a.dialog
	if d == nil {
		return
	}
	a.dialog = nil
	if f, is := d.(*dialog.FormDialog); is && ok {
		f.Submit()
		return
	}
	if c, is := d.(*dialog.ConfirmDialog); is && ok {
		c.Confirm()
		return
	}
	d.Dismiss()
}

// showShortcuts is Help > Keyboard Shortcuts.
func (a *App) showShortcuts() {
	var b strings.Builder
	b.WriteString("Tab / Shift+Tab\tmove between buttons and fields\nSpace or Enter\tpress the focused button\n" +
		"Alt or F10\topen the menu bar; arrows move in it\nEscape\tclose a dialog or a menu\nEnter\tconfirm a dialog\n")
	for _, s := range a.shortcuts() {
		fmt.Fprintf(&b, "%s\t%s\n", keyName(s.key, s.mod), s.what)
	}
	for _, m := range a.menu.Items {
		for _, it := range m.Items {
			if sc, ok := it.Shortcut.(*desktop.CustomShortcut); ok {
				fmt.Fprintf(&b, "%s\t%s > %s\n", keyName(sc.KeyName, sc.Modifier), m.Label, strings.TrimSuffix(it.Label, "…"))
			}
		}
	}
	var lines []fyne.CanvasObject
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		k, what, _ := strings.Cut(l, "\t")
		lines = append(lines, wrapLabel(k), wrapLabel(what))
	}
	a.showDialog(dialog.NewCustom("Keyboard Shortcuts", "Close", container.New(layout.NewFormLayout(), lines...), a.win))
}

// keyName writes a shortcut as Help shows it.
func keyName(k fyne.KeyName, m fyne.KeyModifier) string {
	var parts []string
	if m&(fyne.KeyModifierControl|fyne.KeyModifierShortcutDefault) != 0 {
		parts = append(parts, "Ctrl")
	}
	if m&fyne.KeyModifierShift != 0 {
		parts = append(parts, "Shift")
	}
	if m&fyne.KeyModifierAlt != 0 {
		parts = append(parts, "Alt")
	}
	name := string(k)
	switch k {
	case fyne.KeyPageDown:
		name = "PgDn"
	case fyne.KeyPageUp:
		name = "PgUp"
	}
	return strings.Join(append(parts, name), "+")
}
