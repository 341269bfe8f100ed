package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// appFixtures are the message files of the engine's tests (in testdata
// folders up to two levels deep), each with the zones it is checked
// under: the zone files of its folder and of the testdata folder above.
func appFixtures(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, pattern := range []string{"../inspector/testdata/*.eml", "../inspector/testdata/*/*.eml",
		"../inspector/*/testdata/*.eml", "../inspector/*/testdata/*/*.eml"} {
		names, _ := filepath.Glob(pattern)
		for _, name := range names {
			var zone strings.Builder
			for _, dir := range []string{filepath.Dir(name), filepath.Dir(filepath.Dir(name))} {
				zones, _ := filepath.Glob(filepath.Join(dir, "*.zone"))
				for _, z := range zones {
					b, err := os.ReadFile(z)
					if err != nil {
						t.Fatal(err)
					}
					zone.WriteString("\n" + string(b) + "\n$ORIGIN .\n")
				}
			}
			out[name] = zone.String()
		}
	}
	if len(out) < 60 {
		t.Fatalf("only %d fixtures", len(out))
	}
	return out
}

// TestOneStatusEverywhere opens every message of the engine's tests and
// the samples in the window, one after another, and checks that the
// report says nothing contradictory (inspector.Report.Contradictions) and
// that the verdict panel, the details tabs' icons and heads, the text
// output and the JSON summary give each row the same status; a file that
// is not a message gets the "unreadable" icon, not the forged one.
func TestOneStatusEverywhere(t *testing.T) {
	srv := startZone(t)
	a := newTestApp(t, srv)
	check := func(t *testing.T, e *entry) {
		wait(t, e)
		if e.err != nil {
			if e.tab.Icon.Name() != statusLook(inspector.StatusUnreadable).icon.Name() || e.tab.Icon.Name() == statusLook(inspector.StatusBad).icon.Name() {
				t.Errorf("the tab of an unreadable file has the icon %s", e.tab.Icon.Name())
			}
			return
		}
		checkStatuses(t, e)
	}
	fixtures := appFixtures(t)
	names := make([]string, 0, len(fixtures))
	for name := range fixtures {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			zone := dnstest.Start(t, fixtures[name])
			settings{Mode: dnsServer, Server: zone.Addr, Timeout: 300 * time.Millisecond}.save(a.fyne.Preferences())
			a.OpenFiles([]string{name})
			check(t, a.selected())
			a.serially(a.closeSelected)
		})
	}
	for _, s := range []string{"newsletter.eml", "spoof.eml", "mailing-list.eml"} {
		t.Run("sample "+s, func(t *testing.T) {
			a.OpenSample(s)
			check(t, a.selected())
			a.serially(a.closeSelected)
		})
	}
}

// checkStatuses compares every place a row's status shows.
func checkStatuses(t *testing.T, e *entry) {
	t.Helper()
	r := e.report
	if r == nil {
		t.Fatal("no report")
	}
	for _, c := range r.Contradictions() {
		t.Errorf("%s\nheadline: %s", c, r.Headline)
	}
	if got, want := e.tab.Icon.Name(), lookOf(r.Verdict).icon.Name(); got != want {
		t.Errorf("message tab icon %s, want %s (verdict %s)", got, want, r.Verdict)
	}

	// The text output: the verdict and each row with its status's symbol.
	var text bytes.Buffer
	if err := e.writeText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	v := inspector.StatusOf(r.Verdict)
	if !strings.Contains(out, v.Symbol()+" "+v.Title()) {
		t.Errorf("the text output lacks %q", v.Symbol()+" "+v.Title())
	}
	// The JSON summary.
	var js bytes.Buffer
	if err := e.writeJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Verdict string          `json:"verdict"`
		Summary []inspector.Row `json:"summary"`
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Verdict != r.Verdict || len(back.Summary) != len(r.Summary) {
		t.Fatalf("the JSON says %s with %d rows, the report %s with %d", back.Verdict, len(back.Summary), r.Verdict, len(r.Summary))
	}
	p := e.view.verdict
	for i, row := range r.Summary {
		st := inspector.StatusOf(row.Status)
		lk := statusLook(st)
		if back.Summary[i].Status != row.Status {
			t.Errorf("%s: JSON status %s, report %s", row.Mechanism, back.Summary[i].Status, row.Status)
		}
		if line := st.Symbol() + " " + row.ShownWord(); !strings.Contains(out, line) {
			t.Errorf("%s: the text output lacks %q", row.Mechanism, line)
		}
		vr := p.rows[i]
		if vr.icon.Resource.Name() != lk.icon.Name() || vr.word.Importance != lk.importance {
			t.Errorf("%s: the panel shows %s/%v, want %s/%v (status %s)", row.Mechanism, vr.icon.Resource.Name(), vr.word.Importance, lk.icon.Name(), lk.importance, st)
		}
	}

	// Each details tab: its icon, and the head of its view.
	for i, dt := range detailTabs() {
		e.view.tabBar.SelectIndex(i)
		e.view.showTab()
		st, ok := tabStatus(r, dt.mechanism, false)
		it := e.view.tabBar.Items[i]
		if ok && (it.Icon == nil || it.Icon.Name() != statusLook(st).icon.Name()) {
			t.Errorf("tab %s: icon %v, want %s", dt.title, it.Icon, st)
		}
		row := r.Row(dt.mechanism)
		if row == nil {
			continue
		}
		if dt.mechanism != "TLS" && st != inspector.StatusOf(row.Status) {
			t.Errorf("tab %s: status %s, its row %s", dt.title, st, row.Status)
		}
		var head *statusHead
		switch v := e.view.tabs[i].(type) {
		case *sectionTab[spf.Result]:
			head = v.view.(*spfView).head
		case *sectionTab[dmarc.Result]:
			head = v.view.(*dmarcView).head
		case *sectionTab[arc.Result]:
			head = v.view.(*arcView).head
		case *sectionTab[recorded.Comparison]:
			head = v.view.(*recordedView).head
		case *dkimTab:
			checkDKIMTab(t, v, r, row)
		}
		if head != nil && head.root.Visible() && head.icon.Resource.Name() != statusLook(inspector.StatusOf(row.Status)).icon.Name() {
			t.Errorf("tab %s: its head shows %s, its row is %s", dt.title, head.icon.Resource.Name(), row.Status)
		}
	}
}

// checkDKIMTab: with no signature, the head has the row's status; else
// each card has its signature's status, and the row's is one of them.
func checkDKIMTab(t *testing.T, v *dkimTab, r *inspector.Report, row *inspector.Row) {
	t.Helper()
	want := statusLook(inspector.StatusOf(row.Status)).icon.Name()
	if len(r.DKIM) == 0 {
		if v.head.root.Visible() && v.head.icon.Resource.Name() != want {
			t.Errorf("DKIM tab head %s, row %s", v.head.icon.Resource.Name(), row.Status)
		}
		return
	}
	found := false
	for i, s := range r.DKIM {
		c := v.cards.views[i].(*dkimCard)
		got := c.head.icon.Resource.Name()
		if got != statusLook(r.SignatureStatus(s)).icon.Name() {
			t.Errorf("DKIM card %s: %s, want %s", s.Domain, got, r.SignatureStatus(s))
		}
		found = found || got == want
	}
	if !found {
		t.Errorf("no DKIM card has the row's status %s", row.Status)
	}
}
