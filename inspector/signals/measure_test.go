package signals_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/senders"
	"github.com/mailinspector/mailinspector/inspector/signals"
)

// traps are the messages of the test data that are phishing on purpose:
// the fixtures of this package and the spoof sample. Every other message
// is taken as genuine.
func isTrap(path string) bool {
	base := filepath.Base(path)
	return strings.HasPrefix(base, "trap-") || path == filepath.Join("..", "..", "assets", "samples", "spoof.eml")
}

// TestFalseAlarms checks every message of the test data and the samples
// with the whole engine (DNS replayed from the samples' snapshot: names
// it lacks fail, as offline) and counts the genuine ones that get a
// high-severity signal: there must be none.
func TestFalseAlarms(t *testing.T) {
	snap, err := resolver.ParseSnapshot(assets.SampleSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, root := range []string{"..", filepath.Join("..", "..", "assets", "samples")} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".eml") && (root != ".." || strings.Contains(p, string(filepath.Separator)+"testdata"+string(filepath.Separator))) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var genuine, alarmed, traps, caught, any int
	perCode := map[string]int{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := message.Parse(p, b)
		if err != nil {
			continue // not a message: the message package's own test data
		}
		r := inspector.Check(context.Background(), m, inspector.Options{DNS: resolver.Config{Replay: snap}, Budget: 5 * time.Second,
			Now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)})
		high := 0
		for _, s := range r.Signals {
			perCode[s.Code]++
			if s.Severity == signals.High {
				high++
			}
		}
		if isTrap(p) {
			traps++
			if len(r.Signals) > 0 {
				caught++
			} else {
				t.Logf("%s: no signal (a fixture that needs the memory of senders, or a miss)", p)
			}
			continue
		}
		genuine++
		if len(r.Signals) > 0 {
			any++
			t.Logf("%s: %d signals, none high: %+v", p, len(r.Signals), r.Signals)
		}
		if high > 0 {
			alarmed++
			t.Errorf("%s: a genuine message got a high-severity signal: %+v", p, r.Signals)
		}
	}
	t.Logf("false alarms: %d of %d genuine messages got a high-severity signal (%d got any signal); %d of %d phishing fixtures got one or more; signals by code: %v",
		alarmed, genuine, any, caught, traps, perCode)
	if genuine < 50 {
		t.Errorf("measured %d genuine messages; the test data has more", genuine)
	}
}

// TestWithMemoryOfSenders runs the look-alike of a known sender through a
// real (temporary) memory of senders.
func TestWithMemoryOfSenders(t *testing.T) {
	st, err := senders.Open(filepath.Join(t.TempDir(), "senders.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Record(senders.Observation{Address: "news@northwind.example", Domain: "northwind.example", MessageID: "<1@northwind.example>",
		When: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), DMARCPass: true, Signers: []string{"northwind.example"}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "trap-first-time.eml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse("trap-first-time.eml", b)
	if err != nil {
		t.Fatal(err)
	}
	view := st.Look(senders.Observation{Address: "news@northwlnd.example", Domain: "northwlnd.example", MessageID: "<2@northwlnd.example>"})
	got := signals.Find(signals.Input{Message: m, Content: signals.Scan(context.Background(), m), Known: view})
	var codes []string
	for _, s := range got {
		codes = append(codes, s.Code)
	}
	if !slices.Contains(codes, signals.FirstTimeSender) || !slices.Contains(codes, signals.LookalikeDomain) {
		t.Errorf("signals = %v, want first_time_sender and lookalike_domain", got)
	}
	if h := view.History; !h.FirstMessage || !h.FirstFromDomain {
		t.Errorf("history = %+v", h)
	}
}
