package app

import (
	"path/filepath"

	"fyne.io/fyne/v2"
)

// recentKey is the preference holding the recent files, newest first.
const recentKey = "recent.files"

// maxRecent is how many files File > Open Recent keeps.
const maxRecent = 10

func (a *App) recent() []string {
	return a.fyne.Preferences().StringList(recentKey)
}

// addRecent puts path at the top of the recent files.
func (a *App) addRecent(path string) {
	list := []string{path}
	for _, p := range a.recent() {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	a.fyne.Preferences().SetStringList(recentKey, list)
	a.fillRecentMenu()
}

func (a *App) clearRecent() {
	a.fyne.Preferences().RemoveValue(recentKey)
	a.fillRecentMenu()
}

// fillRecentMenu lists the recent files under File > Open Recent.
func (a *App) fillRecentMenu() {
	if a.recentMenu == nil {
		return
	}
	var items []*fyne.MenuItem
	for _, p := range a.recent() {
		items = append(items, fyne.NewMenuItem(filepath.Base(p)+"  —  "+filepath.Dir(p), func() { a.OpenFiles([]string{p}) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No recent messages", nil)
		none.Disabled = true
		items = append(items, none)
	} else {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Clear Recent", a.clearRecent))
	}
	a.recentMenu.ChildMenu.Items = items
	if a.menu != nil {
		a.menu.Refresh()
	}
}

func parentDir(path string) string { return filepath.Dir(path) }
