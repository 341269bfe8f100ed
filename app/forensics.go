package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/dkim"
)

// "Why it broke": what forensics (inspector/dkim/forensics.go) found
// changed after a signature was made, in a DKIM signature's card and an
// ARC instance's. A confirmed change is one that, undone, makes the
// signature hold: it is shown first, with the text it added highlighted,
// since none of that text is vouched for by the signer. A change the
// message only hints at is listed apart, in grey, as possible.

// forensicsView is the "Why it broke" block of one signature, and the
// note that its key changed since it was last seen.
type forensicsView struct {
	root      *fyne.Container
	head      *widget.Label
	confirmed *list[finding]
	possible  *fyne.Container
	maybe     *list[finding]
	key       *keyChangeView
}

// finding is one change, and the domain whose signature it broke.
type finding struct {
	f      dkim.Forensic
	domain string
}

func newForensicsView() *forensicsView {
	v := &forensicsView{head: heading("Why it broke"), confirmed: newList(newConfirmedView), maybe: newList(newPossibleView),
		key: newKeyChangeView()}
	title := secondary()
	setGrey(title, "Possible, not confirmed", theme.SizeNameText, true)
	v.possible = container.NewVBox(title, v.maybe.root)
	v.root = vbox(v.key.root, v.head, v.confirmed.root, v.possible)
	return v
}

// update shows the findings of the signature of domain, and the key
// change (nil: none).
func (v *forensicsView) update(fs dkim.Findings, kc *dkim.KeyChange, domain string) {
	var sure, maybe []finding
	for _, f := range fs {
		if f.Confirmed {
			sure = append(sure, finding{f, domain})
		} else {
			maybe = append(maybe, finding{f, domain})
		}
	}
	setShown(v.head, len(fs) > 0)
	v.confirmed.set(sure)
	v.maybe.set(maybe)
	setShown(v.possible, len(maybe) > 0)
	v.key.update(kc)
	setShown(v.root, len(fs) > 0 || kc != nil)
}

// whereText says where a change was made: "in the body", "in the
// Subject field".
func whereText(where string) string {
	if where == "body" {
		return "in the body"
	}
	if name, ok := strings.CutPrefix(where, "header:"); ok {
		return "in the " + fieldName(name) + " field"
	}
	return where
}

// fieldName writes a header field name as it is usually written
// (message-id: Message-ID, dkim-signature: DKIM-Signature).
func fieldName(name string) string {
	parts := strings.Split(name, "-")
	for i, p := range parts {
		switch up := strings.ToUpper(p); up {
		case "ID", "MIME", "DKIM", "ARC", "SPF", "BIMI", "MS":
			parts[i] = up
		default:
			if p != "" {
				parts[i] = up[:1] + strings.ToLower(p[1:])
			}
		}
	}
	return strings.Join(parts, "-")
}

// confirmedView is one confirmed change: an amber "changed after
// signing", where and what, and the text it added, highlighted.
type confirmedView struct {
	root    *fyne.Container
	where   *widget.Label
	detail  *widget.Label
	added   *fyne.Container
	caption *widget.Label
	text    *widget.Label
}

func newConfirmedView() item[finding] {
	v := &confirmedView{
		where:   widget.NewLabel(""),
		detail:  wrapLabel(""),
		caption: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true}),
		text:    mono(""),
	}
	title := widget.NewLabelWithStyle("Changed after signing", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Importance = widget.WarningImportance
	v.caption.Wrapping = fyne.TextWrapWord
	v.added = container.NewVBox(v.caption, newBanner(inspector.StatusCaution, v.text))
	v.root = container.NewVBox(container.NewHBox(statusIcon(inspector.StatusCaution), title, v.where), v.detail, v.added)
	return v
}

func (v *confirmedView) object() fyne.CanvasObject { return v.root }

func (v *confirmedView) update(it finding) {
	f := it.f
	setText(v.where, whereText(f.Where))
	setText(v.detail, period(inspector.Sentence(f.Detail)))
	if f.Text == "" {
		setShown(v.added, false)
		return
	}
	by := "its signer"
	if it.domain != "" {
		by = it.domain
	}
	setText(v.caption, fmt.Sprintf("Added after signing — not signed by %s (%s):", by, sizeText(f.Bytes)))
	setText(v.text, addedText(f.Text, f.Bytes))
	setShown(v.added, true)
}

// addedText is text a change added as a reader sees it: line ends as
// new lines, the blank lines around it left out, and "…" when only its
// start is known.
func addedText(text string, size int64) string {
	cut := int64(len(text)) < size
	text = strings.Trim(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if cut {
		text += "…"
	}
	return text
}

// sizeText says a number of bytes.
func sizeText(n int64) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 10*1024:
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.0f KB", float64(n)/1024)
}

// possibleView is one change the message hints at, not confirmed: grey,
// with no highlight.
type possibleView struct {
	root   *fyne.Container
	detail *widget.RichText
}

func newPossibleView() item[finding] {
	v := &possibleView{detail: secondary()}
	icon := widget.NewIcon(theme.NewColoredResource(theme.QuestionIcon(), colorNotChecked))
	v.root = container.NewBorder(nil, nil, container.NewVBox(icon), nil, v.detail)
	return v
}

func (v *possibleView) object() fyne.CanvasObject { return v.root }

func (v *possibleView) update(it finding) {
	setGrey(v.detail, period(inspector.Sentence(it.f.Detail)+" ("+whereText(it.f.Where)+")"), theme.SizeNameText, false)
}

// keyChangeView is the caution that the key at the signature's key name
// is not the one last seen there, opening to the key seen before.
type keyChangeView struct {
	root  *fyne.Container
	note  *noticeList
	acc   *widget.Accordion
	facts *form
}

func newKeyChangeView() *keyChangeView {
	v := &keyChangeView{note: newNoticeList(inspector.StatusCaution), facts: textForm("Key name", "Now", "Seen before")}
	v.facts.addMono("Key seen before")
	v.acc = widget.NewAccordion(widget.NewAccordionItem("The key seen before", v.facts.root))
	v.root = vbox(v.note.root, v.acc)
	return v
}

// nowWords say what is published at a key name today.
var nowWords = map[string]string{
	"replaced": "another key is published there",
	"removed":  "no key is published there",
	"revoked":  "the key there is revoked (empty p=)",
}

func (v *keyChangeView) update(kc *dkim.KeyChange) {
	setShown(v.root, kc != nil)
	if kc == nil {
		v.note.set()
		return
	}
	v.note.set(kc.Text)
	now := nowWords[kc.Now]
	if now == "" {
		now = kc.Now
	}
	seen := "from " + kc.PreviousFirstSeen.Format("2006-01-02") + " to " + kc.PreviousLastSeen.Format("2006-01-02")
	v.facts.setAll(kc.Name, now, seen, kc.PreviousRecord)
}

// period ends a sentence with a full stop, unless it has one.
func period(s string) string {
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
