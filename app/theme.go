package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// colorNotChecked is the colour of the "not checked" icon: the
// placeholder grey, which this theme keeps at 4.5:1 against the
// background (Fyne's disabled grey is below 3:1).
const colorNotChecked = theme.ColorNamePlaceHolder

// appTheme is Fyne's theme with the colours that carry meaning chosen to
// meet WCAG AA in both variants (4.5:1 for text on the background, 3:1
// for icons and large text; TestContrast measures them): Fyne's green,
// orange and red are bright accents made for dark text on them, not for
// text on white.
type appTheme struct{ fyne.Theme }

func newAppTheme() fyne.Theme { return appTheme{theme.DefaultTheme()} }

// themeColors are the colours appTheme sets, light and dark.
var themeColors = map[fyne.ThemeColorName][2]color.NRGBA{
	theme.ColorNameSuccess:             {{0x1b, 0x7a, 0x31, 0xff}, {0x5f, 0xd0, 0x6b, 0xff}},
	theme.ColorNameWarning:             {{0x9a, 0x52, 0x00, 0xff}, {0xff, 0xb0, 0x40, 0xff}},
	theme.ColorNameError:               {{0xc2, 0x1f, 0x1f, 0xff}, {0xff, 0x7a, 0x6e, 0xff}},
	theme.ColorNamePrimary:             {{0x1a, 0x5f, 0xd0, 0xff}, {0x6e, 0xa8, 0xff, 0xff}},
	theme.ColorNameHyperlink:           {{0x1a, 0x5f, 0xd0, 0xff}, {0x6e, 0xa8, 0xff, 0xff}},
	theme.ColorNameForegroundOnPrimary: {{0xff, 0xff, 0xff, 0xff}, {0x10, 0x10, 0x12, 0xff}},
	theme.ColorNamePlaceHolder:         {{0x6b, 0x6b, 0x6b, 0xff}, {0xb2, 0xb2, 0xb2, 0xff}},
	// A focused button or entry shows a clear ring of the primary colour,
	// not Fyne's faint tint.
	theme.ColorNameFocus: {{0x1a, 0x5f, 0xd0, 0x70}, {0x6e, 0xa8, 0xff, 0x70}},
}

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if c, ok := themeColors[n]; ok {
		if v == theme.VariantDark {
			return c[1]
		}
		return c[0]
	}
	return t.Theme.Color(n, v)
}
