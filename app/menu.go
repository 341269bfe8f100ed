package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"

	"github.com/mailinspector/mailinspector/assets"
)

// mainMenu builds File, Edit and Help. Fyne adds Quit to the first menu.
func (a *App) mainMenu() *fyne.MainMenu {
	open := fyne.NewMenuItem("Open…", a.showOpen)
	open.Icon = theme.FolderOpenIcon()
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	a.recentMenu = fyne.NewMenuItem("Open Recent", nil)
	a.recentMenu.ChildMenu = fyne.NewMenu("")
	a.fillRecentMenu()

	exportJSON := fyne.NewMenuItem("Export as JSON…", func() { a.withSelected((*entry).exportJSON) })
	exportText := fyne.NewMenuItem("Export as Text…", func() { a.withSelected((*entry).exportText) })
	saveSnap := fyne.NewMenuItem("Save DNS Snapshot…", func() { a.withSelected((*entry).saveSnapshot) })
	closeMsg := fyne.NewMenuItem("Close Message", a.closeSelected)
	closeMsg.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault}

	paste := fyne.NewMenuItem("Paste Headers…", a.showPaste)
	paste.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyV, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	copySummary := fyne.NewMenuItem("Copy Summary", func() { a.withSelected((*entry).copySummary) })
	copySummary.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	recheck := fyne.NewMenuItem("Check Again", a.recheckSelected)
	recheck.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	settings := fyne.NewMenuItem("Settings…", a.showSettings)
	settings.Icon = theme.SettingsIcon()

	a.reportItems = []*fyne.MenuItem{exportJSON, exportText, saveSnap, copySummary}

	sample := fyne.NewMenuItem("Open Sample", nil)
	sample.ChildMenu = fyne.NewMenu("")
	for _, s := range assets.Samples() {
		sample.ChildMenu.Items = append(sample.ChildMenu.Items, fyne.NewMenuItem(s.Title, func() { a.OpenSample(s.File) }))
	}
	about := fyne.NewMenuItem("About Mail Inspector", a.showAbout)
	keys := fyne.NewMenuItem("Keyboard Shortcuts", a.showShortcuts)
	keys.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeySlash, Modifier: fyne.KeyModifierShortcutDefault}
	openFolder := fyne.NewMenuItem("Open Folder…", a.showOpenFolder)

	a.windowMenu = fyne.NewMenu("Window")
	a.menu = fyne.NewMainMenu(
		fyne.NewMenu("File", open, openFolder, a.recentMenu, fyne.NewMenuItemSeparator(),
			exportJSON, exportText, saveSnap, fyne.NewMenuItemSeparator(), closeMsg),
		fyne.NewMenu("Edit", paste, copySummary, recheck, fyne.NewMenuItemSeparator(), settings),
		a.windowMenu,
		fyne.NewMenu("Help", keys, sample, fyne.NewMenuItemSeparator(), about),
	)
	return a.menu
}

// fillWindowMenu lists the open messages under Window, each with its
// verdict icon and its whole path (a tab has room for neither, and Fyne's
// overflow list of tabs shows no icons); choosing one shows its tab.
func (a *App) fillWindowMenu() {
	if a.windowMenu == nil {
		return
	}
	var items []*fyne.MenuItem
	key := ""
	for _, e := range a.entries {
		label := e.source()
		if label == "" {
			label = e.title
		}
		it := fyne.NewMenuItem(label, func() { a.tabs.Select(e.tab) })
		it.Icon = e.tab.Icon
		it.Checked = a.tabs.Selected() == e.tab
		items = append(items, it)
		if e.tab.Icon != nil {
			key += e.tab.Icon.Name()
		}
		key += label + fmt.Sprint(it.Checked) + "\n"
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No message open", nil)
		none.Disabled = true
		items = append(items, none)
	}
	if key == a.windowKey && a.windowMenu.Items != nil {
		return
	}
	a.windowKey = key
	a.windowMenu.Items = items
	if a.menu != nil {
		a.menu.Refresh()
	}
}

// withSelected runs f on the selected entry when its report is ready.
func (a *App) withSelected(f func(*entry)) {
	if e := a.selected(); e != nil && e.report != nil && !e.running {
		f(e)
	}
}

// showOpen is File > Open…: a file dialog filtered to messages (.eml)
// and mailboxes (.mbox, .mbx, Apple Mail's .emlx); a mailbox opens as a
// list of its messages. An mbox file without an extension (Thunderbird's)
// opens from its folder with Open Folder, or dropped.
func (a *App) showOpen() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, a.win)
			return
		}
		if rc == nil {
			return
		}
		rc.Close()
		a.openURIs([]fyne.URI{rc.URI()})
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".eml", ".EML", ".emlx", ".mbox", ".mbx"}))
	a.showFileDialog(d)
}

// showFileDialog shows a file or folder dialog in the folder of the
// message opened last, at most of the window's size.
func (a *App) showFileDialog(d *dialog.FileDialog) {
	if last := a.recent(); len(last) > 0 {
		if dir, err := storage.ListerForURI(storage.NewFileURI(parentDir(last[0]))); err == nil {
			d.SetLocation(dir)
		}
	}
	d.Resize(dialogSize(a.win))
	a.showDialog(d)
}

// showOpenFolder is File > Open Folder…: a folder (of messages, a
// Maildir, an Apple Mail export, a mail program's folder of mbox files)
// opens as one tab listing every message in it.
func (a *App) showOpenFolder() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, a.win)
			return
		}
		if l == nil {
			return
		}
		a.OpenFiles([]string{l.Path()})
	}, a.win)
	a.showFileDialog(d)
}

// dialogSize is most of the window, for dialogs with a lot to show.
func dialogSize(w fyne.Window) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(max(s.Width*0.85, 400), max(s.Height*0.85, 300))
}

func (a *App) showAbout() {
	a.showDialog(dialog.NewInformation("About Mail Inspector",
		"Mail Inspector checks whether a saved e-mail message is really from who it claims.\n\n"+
			"It re-verifies DKIM, SPF against the IP that really connected, DMARC and ARC, and\n"+
			"compares them with what the receiving server recorded; when a signature broke,\n"+
			"it says what was changed after signing. It looks for the signs of a trap that\n"+
			"authentication cannot see, and tells a sender which of Gmail's, Yahoo's and\n"+
			"Outlook.com's rules the message meets. Only DNS is queried; nothing is uploaded.\n"+
			"The keys and senders it has seen stay on this computer (Edit > Settings).\n\n"+ID, a.win))
}
