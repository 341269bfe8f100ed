package app

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestTabScreenshots renders every details tab of every sample, in the
// light and dark themes, to PNG files in $MI_TAB_SHOTS (make test-gui sets
// it to build/screenshots/tabs), with Fyne's software painter: the real
// window's screenshots show the first screen only. Skipped without it.
func TestTabScreenshots(t *testing.T) {
	dir := os.Getenv("MI_TAB_SHOTS")
	if dir == "" {
		t.Skip("MI_TAB_SHOTS not set")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, startZone(t))
	for _, th := range []struct {
		name  string
		theme fyne.Theme
	}{{"light", theme.LightTheme()}, {"dark", theme.DarkTheme()}} {
		a.fyne.Settings().SetTheme(th.theme)
		for _, s := range []string{"newsletter.eml", "spoof.eml", "mailing-list.eml"} {
			a.OpenSample(s)
			e := a.entries[len(a.entries)-1]
			wait(t, e)
			for _, tab := range detailTabs() {
				e.view.selectTab(tab.title)
				w := test.NewWindow(e.view.detail)
				w.Resize(fyne.NewSize(1000, max(e.view.detail.MinSize().Height+20, 300)))
				name := strings.TrimSuffix(s, ".eml") + "-" + strings.ReplaceAll(strings.ToLower(tab.title), " ", "-") + "-" + th.name + ".png"
				f, err := os.Create(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if err := png.Encode(f, w.Canvas().Capture()); err != nil {
					t.Fatal(err)
				}
				f.Close()
				w.SetContent(nil)
				w.Close()
			}
		}
	}
}
