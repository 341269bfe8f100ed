package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/signals"
)

func TestTrapAnswer(t *testing.T) {
	sig := func(sev signals.Severity) signals.Signal {
		return signals.Signal{Code: "x", Severity: sev, Text: "Something " + string(sev) + ". More words.", Evidence: "e"}
	}
	for _, c := range []struct {
		name   string
		sigs   []signals.Signal
		status inspector.Status
		word   string
		why    string
	}{
		{"none", nil, inspector.StatusGood, trapNone, "No display-name trick"},
		{"low only", []signals.Signal{sig(signals.Low)}, inspector.StatusGood, trapNone, "Only minor signs: something low."},
		{"medium", []signals.Signal{sig(signals.Medium), sig(signals.Low)}, inspector.StatusCaution, trapCareful, "Something medium. (2 signs: see the Signals tab)"},
		{"high", []signals.Signal{sig(signals.Low), sig(signals.High)}, inspector.StatusBad, trapLikely, "Something high."},
	} {
		st, word, why := trapAnswer(c.sigs)
		if st != c.status || word != c.word || !strings.HasPrefix(why, c.why) {
			t.Errorf("%s: %s %q %q, want %s %q %q…", c.name, st, word, why, c.status, c.word, c.why)
		}
	}
}

// The verdict panel's second answer in its three states, from real
// messages; the signals never change the authentication rows, and the
// Signals tab lists each with its evidence.
func TestTrapLine(t *testing.T) {
	srv := startZone(t)
	lookalike := filepath.Join("..", "inspector", "signals", "testdata", "trap-lookalike.eml")
	for _, c := range []struct {
		path   string
		status inspector.Status
		word   string
	}{
		{sample(t, "newsletter.eml"), inspector.StatusGood, trapNone},
		{sample(t, "spoof.eml"), inspector.StatusCaution, trapCareful},
		{lookalike, inspector.StatusBad, trapLikely},
	} {
		a, e := openChecked(t, c.path, srv)
		l := e.view.verdict.trap
		if l.answer.Text != c.word || l.icon.Resource.Name() != statusLook(c.status).icon.Name() || l.answer.Importance != statusLook(c.status).importance {
			t.Errorf("%s: the panel says %q with %s", filepath.Base(c.path), l.answer.Text, l.icon.Resource.Name())
		}
		// The rows are the report's, whatever the signals.
		for i, row := range e.report.Summary {
			if vr := e.view.verdict.rows[i]; vr.mech.Text != row.Mechanism || vr.icon.Resource.Name() != lookOf(row.Status).icon.Name() {
				t.Errorf("%s: row %s shows %s", filepath.Base(c.path), row.Mechanism, vr.icon.Resource.Name())
			}
		}
		v := detailTabOf[*signalsTab](t, e, "Signals")
		var want []string
		for _, s := range e.report.Signals {
			want = append(want, s.Text, s.Evidence)
		}
		mustContain(t, "the Signals tab of "+filepath.Base(c.path), v.object(), append(want, "Is it a trap?", c.word)...)
		for i, dt := range detailTabs() {
			if dt.title == "Signals" {
				if icon := e.view.tabBar.Items[i].Icon; icon == nil || icon.Name() != statusLook(c.status).icon.Name() {
					t.Errorf("%s: the Signals tab's icon is %v", filepath.Base(c.path), icon)
				}
			}
		}
		if c.status == inspector.StatusCaution {
			shoot(t, a, e, "signals-spoof")
		}
	}
}

// While the checks run the answer is pending; with no report there is
// no line.
func TestTrapLinePending(t *testing.T) {
	test.NewTempApp(t)
	l := newTrapLine()
	l.update(&inspector.Report{Signals: []signals.Signal{}}, true)
	if !l.spin.running || l.answer.Text != checking {
		t.Errorf("running: %q, spinner %v", l.answer.Text, l.spin.running)
	}
	l.update(nil, false)
	if l.root.Visible() || l.spin.running {
		t.Error("no report, yet the line shows")
	}
}
