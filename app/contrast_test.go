package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is the relative luminance of c over bg (WCAG 2.x).
func luminance(c, bg color.Color) float64 {
	r, g, b := blend(c, bg)
	lin := func(v float64) float64 {
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// blend lays c (which may be translucent) over the opaque bg.
func blend(c, bg color.Color) (r, g, b float64) {
	cn, bn := color.NRGBAModel.Convert(c).(color.NRGBA), color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(cn.A) / 255
	mix := func(x, y uint8) float64 { return (float64(x)*a + float64(y)*(1-a)) / 255 }
	return mix(cn.R, bn.R), mix(cn.G, bn.G), mix(cn.B, bn.B)
}

// over is c laid over the opaque bg, as an opaque colour.
func over(c, bg color.Color) color.Color {
	r, g, b := blend(c, bg)
	return color.NRGBA{uint8(r*255 + .5), uint8(g*255 + .5), uint8(b*255 + .5), 0xff}
}

// contrast is the WCAG contrast ratio of fg on the opaque bg.
func contrast(fg, bg color.Color) float64 {
	l1, l2 := luminance(fg, bg), luminance(bg, bg)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// TestContrast measures every colour that carries text or a status icon
// against what it is drawn on, in the light and the dark variant: 4.5:1
// for text, 3:1 for icons and large text (the banner's status word), as
// WCAG AA asks. Fyne's own theme fails several (printed with -v).
func TestContrast(t *testing.T) {
	type pair struct {
		what    string
		fg, bg  fyne.ThemeColorName
		min     float64
		onTint  bool // bg is the banner: the status colour at 0x30 over the background
		tintKey fyne.ThemeColorName
	}
	pairs := []pair{
		{what: "body text", fg: theme.ColorNameForeground, bg: theme.ColorNameBackground, min: 4.5},
		{what: "pass text", fg: theme.ColorNameSuccess, bg: theme.ColorNameBackground, min: 4.5},
		{what: "warning text", fg: theme.ColorNameWarning, bg: theme.ColorNameBackground, min: 4.5},
		{what: "fail text", fg: theme.ColorNameError, bg: theme.ColorNameBackground, min: 4.5},
		{what: "not-checked icon and placeholder", fg: colorNotChecked, bg: theme.ColorNameBackground, min: 4.5},
		{what: "link and boundary text", fg: theme.ColorNamePrimary, bg: theme.ColorNameBackground, min: 4.5},
		{what: "text on a primary button", fg: theme.ColorNameForegroundOnPrimary, bg: theme.ColorNamePrimary, min: 4.5},
		{what: "placeholder in an entry", fg: theme.ColorNamePlaceHolder, bg: theme.ColorNameInputBackground, min: 4.5},
		{what: "text in a dialog", fg: theme.ColorNameForeground, bg: theme.ColorNameOverlayBackground, min: 4.5},
		{what: "text in a menu", fg: theme.ColorNameForeground, bg: theme.ColorNameMenuBackground, min: 4.5},
		{what: "text on a button", fg: theme.ColorNameForeground, bg: theme.ColorNameButton, min: 4.5},
	}
	for _, st := range []fyne.ThemeColorName{theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError} {
		pairs = append(pairs,
			pair{what: "headline on the " + string(st) + " banner", fg: theme.ColorNameForeground, onTint: true, tintKey: st, min: 4.5},
			pair{what: "status word on the " + string(st) + " banner", fg: st, onTint: true, tintKey: st, min: 3})
	}
	for _, th := range []struct {
		name string
		th   fyne.Theme
		ours bool
	}{{"Fyne's default", theme.DefaultTheme(), false}, {"Mail Inspector's", newAppTheme(), true}} {
		for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			variant := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
			for _, p := range pairs {
				bg := th.th.Color(theme.ColorNameBackground, v)
				if p.onTint {
					bg = over(tint(th.th.Color(p.tintKey, v), 0x30), bg)
				} else {
					bg = over(th.th.Color(p.bg, v), bg)
				}
				c := contrast(th.th.Color(p.fg, v), bg)
				t.Logf("%s theme, %s: %s %.2f:1 (at least %.1f)", th.name, variant, p.what, c, p.min)
				if th.ours && c < p.min {
					t.Errorf("%s: %s has a contrast of %.2f:1, below %.1f:1", variant, p.what, c, p.min)
				}
			}
		}
	}
}
