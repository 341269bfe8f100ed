package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/mailinspector/mailinspector/inspector/plaintext"
)

// writeJSON writes the report as `mailinspector check --json` does.
func (e *entry) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(e.report)
}

// writeText writes the report as the command line prints it, without
// colour.
func (e *entry) writeText(w io.Writer) error {
	return plaintext.Write(w, e.report, plaintext.Options{Color: false})
}

// writeSnapshot writes every DNS answer of the report, for replaying it
// offline (Settings > offline, or `mailinspector check --offline`).
func (e *entry) writeSnapshot(w io.Writer) error {
	s := e.report.Snapshot()
	if s == nil {
		return fmt.Errorf("this report has no DNS answers to save")
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// copySummary puts the text form of the report on the clipboard.
func (e *entry) copySummary() {
	var b bytes.Buffer
	if err := e.writeText(&b); err != nil {
		dialog.ShowError(err, e.app.win)
		return
	}
	e.app.fyne.Clipboard().SetContent(b.String())
	e.app.notify("Summary copied to the clipboard")
}

func (e *entry) exportJSON() { e.saveAs(".json", e.writeJSON) }
func (e *entry) exportText() { e.saveAs(".txt", e.writeText) }
func (e *entry) saveSnapshot() {
	if e.report == nil {
		return
	}
	e.saveAs(".dns.json", e.writeSnapshot)
}

// saveAs asks where to save, suggesting the message's name with ext, and
// writes there.
func (e *entry) saveAs(ext string, write func(io.Writer) error) {
	if e.report == nil {
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, e.app.win)
			return
		}
		if wc == nil {
			return
		}
		werr := write(wc)
		if cerr := wc.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			dialog.ShowError(fmt.Errorf("%s: %v", wc.URI().Path(), werr), e.app.win)
			return
		}
		e.app.notify("Saved " + wc.URI().Path())
	}, e.app.win)
	d.SetFileName(exportBase(e.title) + ext)
	if e.path != "" {
		if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(e.path))); err == nil {
			d.SetLocation(dir)
		}
	}
	d.Resize(dialogSize(e.app.win))
	e.app.showDialog(d)
}

// exportBase is the name an export of the message titled title is offered
// under, less its extension: "invoice" for "invoice.eml", and for the
// third message of a mailbox ("Inbox.mbox#3") "Inbox-3", so that exports
// of several messages of one mailbox do not take each other's name.
func exportBase(title string) string {
	title = filepath.Base(title)
	n := ""
	if i := strings.LastIndexByte(title, '#'); i > 0 {
		title, n = title[:i], "-"+title[i+1:]
	}
	return strings.TrimSuffix(title, filepath.Ext(title)) + n
}
