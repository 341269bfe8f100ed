package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// PasteHeaders checks a header pasted from a webmail "show original" view
// as a header-only message: DKIM then checks the header signature only,
// and no body hash is claimed verified.
func (a *App) PasteHeaders(text string) {
	a.pasted++
	title := "Pasted headers"
	if a.pasted > 1 {
		title = fmt.Sprintf("Pasted headers %d", a.pasted)
	}
	data := []byte(text)
	e := a.newEntry(title, "", "pasted headers (header only)", func() (*message.Message, error) {
		return message.ParseHeaderOnly(title, data)
	})
	a.launch(e)
}

// showPaste is Edit > Paste Headers…: a text box, filled from the
// clipboard when it holds something like a header.
func (a *App) showPaste() {
	in := widget.NewMultiLineEntry()
	in.TextStyle = fyne.TextStyle{Monospace: true}
	in.Wrapping = fyne.TextWrapOff
	in.SetPlaceHolder("Received: from …\nDKIM-Signature: v=1; …\nFrom: …\nSubject: …")
	if clip := a.fyne.Clipboard().Content(); looksLikeHeader(clip) {
		in.SetText(clip)
	}
	help := wrapLabel("Paste the whole header of the message, as shown by \"Show original\" (Gmail), " +
		"\"View source\" (Outlook on the web) or \"View message source\". Without the body, " +
		"DKIM can check the header signature only.")
	content := container.NewBorder(help, nil, nil, nil, in)
	d := dialog.NewCustomConfirm("Paste Headers", "Check", "Cancel", content, func(ok bool) {
		if ok && strings.TrimSpace(in.Text) != "" {
			a.PasteHeaders(in.Text)
		}
	}, a.win)
	d.Resize(dialogSize(a.win))
	a.showDialog(d)
	a.win.Canvas().Focus(in)
}

// looksLikeHeader says whether text starts like a header field.
func looksLikeHeader(text string) bool {
	first, _, _ := strings.Cut(strings.TrimLeft(text, " \t\r\n"), "\n")
	name, _, ok := strings.Cut(first, ":")
	return ok && name != "" && !strings.ContainsAny(name, " \t") && len(name) < 80
}
