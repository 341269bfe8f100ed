package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
)

// look is how a status shows: an icon of its own shape, a colour (through
// the theme, so that light and dark themes both read well) and a word, so
// that colour is never the only signal. The status itself always comes
// from the engine (inspector/status.go): the app has no mapping of result
// words of its own.
type look struct {
	icon       fyne.Resource
	color      fyne.ThemeColorName
	importance widget.Importance
	// word says the status for the verdict banner.
	word string
}

// statusLook is the look of a status: the shapes are those of the text
// output's symbols (✔ ! ✘ ? ⊘).
func statusLook(s inspector.Status) look {
	word := s.Title()
	switch s {
	case inspector.StatusGood:
		return look{theme.NewSuccessThemedResource(theme.ConfirmIcon()), theme.ColorNameSuccess, widget.SuccessImportance, word}
	case inspector.StatusCaution:
		return look{theme.NewWarningThemedResource(theme.WarningIcon()), theme.ColorNameWarning, widget.WarningImportance, word}
	case inspector.StatusBad:
		return look{theme.NewErrorThemedResource(theme.CancelIcon()), theme.ColorNameError, widget.DangerImportance, word}
	case inspector.StatusUnreadable:
		// Not a verdict on the message: its own shape, in the text colour.
		return look{theme.NewThemedResource(theme.ErrorIcon()), theme.ColorNameForeground, widget.MediumImportance, word}
	case inspector.StatusPending:
		return look{theme.NewColoredResource(theme.ViewRefreshIcon(), colorNotChecked), colorNotChecked, widget.MediumImportance, word}
	}
	return look{theme.NewColoredResource(theme.QuestionIcon(), colorNotChecked), colorNotChecked, widget.MediumImportance, word}
}

// lookOf is the look of a JSON status word (Row.Status, Report.Verdict).
func lookOf(word string) look { return statusLook(inspector.StatusOf(word)) }

// statusIcon is an icon widget for a status.
func statusIcon(s inspector.Status) *widget.Icon { return widget.NewIcon(statusLook(s).icon) }

// plainWords lead with plain words for the RFC result words a reader may
// not know; the RFC word stays beside them (and in the JSON unchanged).
var plainWords = map[string]string{
	"softfail":  "weak fail",
	"permerror": "broken record",
	"temperror": "DNS error",
	"neutral":   "no opinion",
	"policy":    "refused by policy",
}

// resultText is a result word as shown: plain words first, the RFC word
// in brackets.
func resultText(word string) string {
	if p, ok := plainWords[word]; ok {
		return p + " (" + word + ")"
	}
	return word
}

// resultLabel shows a result word in bold, coloured by status.
func resultLabel(word string, s inspector.Status) *widget.Label {
	l := widget.NewLabelWithStyle(word, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = statusLook(s).importance
	return l
}
