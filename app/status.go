package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// look is how a status shows: an icon, a colour (through the theme, so that
// light and dark themes both read well) and a word, so that colour is never
// the only signal.
type look struct {
	icon       fyne.Resource
	color      fyne.ThemeColorName
	importance widget.Importance
	// word says the status for the verdict banner.
	word string
}

// statusLook is the look of a verdict or Row.Status: pass, warn, fail, or
// anything else (none: not evaluated).
func statusLook(status string) look {
	switch status {
	case inspector.VerdictPass:
		return look{theme.NewSuccessThemedResource(theme.ConfirmIcon()), theme.ColorNameSuccess, widget.SuccessImportance, "PASS"}
	case inspector.VerdictWarn:
		return look{theme.NewWarningThemedResource(theme.WarningIcon()), theme.ColorNameWarning, widget.WarningImportance, "WARNING"}
	case inspector.VerdictFail:
		return look{theme.NewErrorThemedResource(theme.ErrorIcon()), theme.ColorNameError, widget.DangerImportance, "FAIL"}
	}
	return look{theme.NewDisabledResource(theme.QuestionIcon()), theme.ColorNameDisabled, widget.LowImportance, "NOT EVALUATED"}
}

// resultStatus maps an RFC 8601 result word of one check (in a details tab)
// to the status its colour and icon come from. The verdict panel does not
// use it: there each Row carries the status the engine chose.
func resultStatus(word string) string {
	switch result.Result(strings.ToLower(word)) {
	case result.Pass:
		return inspector.VerdictPass
	case result.Fail, result.PermError:
		return inspector.VerdictFail
	case result.SoftFail, result.Neutral, result.TempError, result.Policy:
		return inspector.VerdictWarn
	}
	return inspector.VerdictNone
}

// statusIcon is an icon widget for a status.
func statusIcon(status string) *widget.Icon { return widget.NewIcon(statusLook(status).icon) }

// resultLabel shows a result word in bold, coloured by status.
func resultLabel(word, status string) *widget.Label {
	l := widget.NewLabelWithStyle(word, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = statusLook(status).importance
	return l
}
