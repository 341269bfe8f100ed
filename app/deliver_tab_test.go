package app

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// The newsletters of the engine's deliverability tests (inspector/deliver):
// good.eml meets every rule, bad.eml breaks them; shop.example signs the
// good one with this key.
var shopKey = testsign.Key{Domain: "shop.example", Selector: "s1", Signer: testsign.Seed(13)}

// newsletterFixture writes the engine's newsletter name, as its tests make
// it (the logo and the filler put in, signed from the From line on when
// sign is set), to a temporary file, and serves its DNS.
func newsletterFixture(t *testing.T, name string, sign bool) (path string, srv *dnstest.Server) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "inspector", "deliver", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	logo := `<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 64 64">` +
		`<title>Shop</title><circle cx="32" cy="32" r="30" fill="#2a7"/></svg>`
	msg := strings.Replace(string(b), "@LOGO@", base64.StdEncoding.EncodeToString([]byte(logo)), 1)
	msg = testsign.CRLF(strings.Replace(msg, "@FILLER@", strings.Repeat("<p>Everything must go: sofas and lamps at half price.</p>\n", 2000), 1))
	if sign {
		i := strings.Index(msg, "From: ")
		msg = msg[:i] + testsign.Sign(msg[i:], shopKey, testsign.Options{Headers: []string{"From", "To", "Subject", "Date",
			"Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version", "Content-Type"}})
	}
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(msg), 0o644); err != nil {
		t.Fatal(err)
	}
	srv = dnstest.StartFile(t, filepath.Join("..", "inspector", "deliver", "testdata", "e2e.zone"))
	srv.Add(shopKey.TXT())
	return path, srv
}

// openChecked checks the message file path in a new window whose DNS is
// srv, and waits for the report.
func openChecked(t *testing.T, path string, srv *dnstest.Server) (*App, *entry) {
	t.Helper()
	a := newTestApp(t, srv)
	a.OpenFiles([]string{path})
	e := a.entries[len(a.entries)-1]
	wait(t, e)
	if e.err != nil || e.report == nil {
		t.Fatalf("%s: %v", path, e.err)
	}
	return a, e
}

// detailTabOf shows the details tab title of e and returns its view.
func detailTabOf[T tabView](t *testing.T, e *entry, title string) T {
	t.Helper()
	e.view.selectTab(title)
	for i, dt := range detailTabs() {
		if dt.title == title {
			if v, ok := e.view.tabs[i].(T); ok {
				return v
			}
		}
	}
	t.Fatalf("no %s tab of type %T", title, *new(T))
	panic("unreachable")
}

// shoot writes the details tab shown of e to $MI_TAB_SHOTS/name-THEME.png
// in the light and the dark theme, when MI_TAB_SHOTS is set.
func shoot(t *testing.T, a *App, e *entry, name string) {
	t.Helper()
	dir := os.Getenv("MI_TAB_SHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer a.fyne.Settings().SetTheme(newAppTheme())
	for _, th := range []struct {
		name  string
		theme fyne.Theme
	}{{"light", theme.LightTheme()}, {"dark", theme.DarkTheme()}} {
		a.fyne.Settings().SetTheme(th.theme)
		if err := os.WriteFile(filepath.Join(dir, name+"-"+th.name+".png"), capture(t, e.view.detail), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// cellsOf are the results each row of the grid shows, by rule id and
// provider, with the icon each cell has.
func cellsOf(g *ruleGrid) map[string]map[string]string {
	out := map[string]map[string]string{}
	for i, id := range g.ids {
		out[id] = map[string]string{}
		for j, c := range g.rows[i].cells {
			if c.icon.Visible() {
				out[id][g.providers[j].Provider] = c.icon.Resource.Name()
			}
		}
	}
	return out
}

func TestDeliverabilityTabCompliantNewsletter(t *testing.T) {
	path, srv := newsletterFixture(t, "good.eml", true)
	a, e := openChecked(t, path, srv)
	v := detailTabOf[*deliverTab](t, e, "Deliverability")
	g := v.grid
	if len(g.providers) != 3 || len(g.ids) != 14 {
		t.Fatalf("%d providers, %d rules; want 3 and 14", len(g.providers), len(g.ids))
	}
	good := ruleLook(deliver.Pass).icon.Name()
	for id, cells := range cellsOf(g) {
		for p, icon := range cells {
			if icon != good {
				t.Errorf("%s/%s shows %s, want the pass icon", p, id, icon)
			}
		}
	}
	// Every rule passes: the first is selected, and explained.
	if g.selID != g.ids[0] || g.rows[0].selCol != 0 {
		t.Errorf("selected %s column %d, want the first rule", g.selID, g.rows[0].selCol)
	}
	mustContain(t, "the Deliverability tab", v.object(), "Gmail", "Yahoo", "Outlook.com", "SPF passes", "Evidence: ",
		"Asked of all senders", "Looks like bulk mail", "From the sender's side", "No links through URL shorteners",
		"Bounces are handled", "Not clipped by Gmail (102 KB)", "What the receiving filter decided", "SpamAssassin", "not spam",
		"score -0.2 (spam from 5)", "Trusted: ", "DKIM_VALID", "Brand logo (BIMI)", "https://shop.example/bimi/logo.svg", "Logo is SVG Tiny PS")
	mustLack(t, "the Deliverability tab", v.object(), "Fix: ", "Not trusted", "More details")
	// The note that one message cannot tell volume and complaints: once.
	if n := strings.Count(allText(v.object()), "One message cannot show"); n != 1 {
		t.Errorf("the note shows %d times", n)
	}
	if v.bimi.head.icon.Resource.Name() != statusLook(inspector.StatusGood).icon.Name() {
		t.Errorf("BIMI passes, its icon is %s", v.bimi.head.icon.Resource.Name())
	}
	shoot(t, a, e, "deliver-good")
}

func TestDeliverabilityTabFailingNewsletter(t *testing.T) {
	path, srv := newsletterFixture(t, "bad.eml", false)
	a, e := openChecked(t, path, srv)
	v := detailTabOf[*deliverTab](t, e, "Deliverability")
	g := v.grid
	cells := cellsOf(g)
	bad, na := ruleLook(deliver.Fail).icon.Name(), ruleLook(deliver.NA).icon.Name()
	for _, c := range []struct{ provider, id, icon string }{
		{"gmail", "spf_pass", bad}, {"yahoo", "ptr_fcrdns", bad}, {"outlook", "unsubscribe_link", bad},
		{"gmail", "one_click_unsubscribe", bad}, {"gmail", "key_size", na},
	} {
		if got := cells[c.id][c.provider]; got != c.icon {
			t.Errorf("%s/%s shows %q, want %q", c.provider, c.id, got, c.icon)
		}
	}
	if _, listed := cells["tls"]["yahoo"]; listed {
		t.Error("Yahoo does not list tls, yet its cell has an icon")
	}
	// A failing rule is selected first, with its fix; the failing cells
	// are on the error colour.
	sel := g.rules[g.selID]
	if sel[0] == nil || sel[0].Result != deliver.Fail {
		t.Fatalf("selected %s first, not a failing rule", g.selID)
	}
	mustContain(t, "the explained rule", g.detail.root, "Fix: ", "Evidence: ", "Gmail", "Asked of ")
	if got := g.rows[0].colors[1]; got != theme.ColorNameError {
		t.Errorf("a failing cell's tint is %q", got)
	}
	mustContain(t, "the Deliverability tab", v.object(), "Links through", "bit.ly", "Not trusted, anyone can write these fields", "Gmail clips")

	// A tap on a cell selects its rule and that cell; the arrows move on.
	row := g.rows[indexOf(g.ids, "message_id")]
	row.Resize(fyne.NewSize(900, row.MinSize().Height))
	xs, _ := g.cols.bounds(row.Size().Width)
	row.Tapped(&fyne.PointEvent{Position: fyne.NewPos(xs[2]+5, 5)})
	if g.selID != "message_id" || row.selCol != 2 {
		t.Errorf("after a tap on Yahoo's Message-ID cell: %s column %d", g.selID, row.selCol)
	}
	mustContain(t, "the explained rule", g.detail.root, "A well-formed Message-ID", "Message-ID: <12345>")
	a.win.Canvas().Focus(row)
	row.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if want := g.ids[indexOf(g.ids, "message_id")+1]; g.selID != want || a.win.Canvas().Focused() != g.rows[indexOf(g.ids, want)] {
		t.Errorf("Down selects %s and focuses %v, want %s", g.selID, a.win.Canvas().Focused(), want)
	}
	g.rows[indexOf(g.ids, g.selID)].TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if g.rows[indexOf(g.ids, g.selID)].selCol != 1 {
		t.Error("Left does not move to the cell on the left")
	}
	shoot(t, a, e, "deliver-bad")
}

func indexOf(ids []string, id string) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}

// The receiving filters' verdicts, each with its score and its values'
// meanings; the deliverability checks still running show as such.
func TestDeliverabilityTabFilters(t *testing.T) {
	srv := dnstest.Start(t, "")
	for _, c := range []struct{ file, name, verdict string }{
		{"microsoft.eml", "Microsoft 365", "SCL"},
		{"spamassassin-report.eml", "SpamAssassin", "score"},
		{"rspamd.eml", "rspamd", "score"},
	} {
		_, e := openChecked(t, filepath.Join("..", "inspector", "spamfilter", "testdata", c.file), srv)
		v := detailTabOf[*deliverTab](t, e, "Deliverability")
		if len(e.report.SpamFilters) == 0 {
			t.Fatalf("%s: no filter", c.file)
		}
		f := e.report.SpamFilters[0]
		fv := v.filters.views[0].(*filterView)
		st := inspector.FilterStatus(f)
		if fv.icon.Resource.Name() != statusLook(st).icon.Name() {
			t.Errorf("%s: verdict %s, icon %s", c.file, f.Verdict, fv.icon.Resource.Name())
		}
		want := []string{c.name, verdictWords[f.Verdict], c.verdict}
		for _, it := range f.Items {
			want = append(want, it.Name, it.Meaning)
		}
		mustContain(t, c.file, fv.object(), want...)
	}

	test.NewTempApp(t)
	v := newDeliverTab().(*deliverTab)
	r := &inspector.Report{Deliverability: deliver.NotEvaluated()}
	v.update(r, true)
	mustContain(t, "a running check", v.object(), checking)
	v.update(r, false)
	mustContain(t, "a check that did not run", v.object(), inspector.NotEvaluated)
	v.stop()
}

// A rule's cell keeps its text readable on its tint: the result word in
// its colour and the level in the secondary grey, light and dark, and
// so does the selected rule's name on the selection colour.
func TestRuleCellContrast(t *testing.T) {
	th := newAppTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		bg := th.Color(theme.ColorNameBackground, v)
		for _, st := range []fyne.ThemeColorName{theme.ColorNameSuccess, theme.ColorNameError} {
			cell := over(tint(th.Color(st, v), cellTint), bg)
			for _, fg := range []fyne.ThemeColorName{st, colorNotChecked, theme.ColorNameForeground} {
				if c := contrast(th.Color(fg, v), cell); c < 4.5 {
					t.Errorf("variant %d: %s on the %s tint: %.2f:1", v, fg, st, c)
				}
			}
		}
		if c := contrast(th.Color(theme.ColorNameForeground, v), over(th.Color(theme.ColorNameSelection, v), bg)); c < 4.5 {
			t.Errorf("variant %d: a selected rule's name: %.2f:1", v, c)
		}
	}
}
