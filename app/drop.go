package app

import (
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// Dropped is the window's drop handler (Window.SetOnDropped): each file
// dropped opens as its own tab. Something that is not a local file (a link
// dragged from a browser) gets a tab that says so.
func (a *App) Dropped(_ fyne.Position, uris []fyne.URI) {
	a.openURIs(uris)
}

// openURIs opens local files by path and explains anything else.
func (a *App) openURIs(uris []fyne.URI) {
	var es []*entry
	for _, u := range uris {
		if u == nil {
			continue
		}
		if u.Scheme() != "file" {
			name := u.String()
			err := fmt.Errorf("%s is not a file on this computer: save the message as a .eml file first, then drop the file", name)
			es = append(es, a.newEntry(name, "", name, func() (*message.Message, error) { return nil, err }))
			continue
		}
		es = append(es, a.fileEntry(u.Path()))
	}
	a.launch(es...)
}
