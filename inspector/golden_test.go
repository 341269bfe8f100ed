package inspector_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden from the current reports")

// TestGoldenJSON pins the JSON report (the public `check --json` form) of
// every sample, checked offline against the samples' snapshot at a fixed
// moment. A refactoring must leave it unchanged; a deliberate change is made
// with -args -update-golden and shows in the diff of testdata/golden.
func TestGoldenJSON(t *testing.T) {
	snap, err := resolver.ParseSnapshot(assets.SampleSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range assets.Samples() {
		t.Run(s.File, func(t *testing.T) {
			m, err := message.Parse(s.File, s.Data)
			if err != nil {
				t.Fatal(err)
			}
			r := inspector.Check(context.Background(), m, inspector.Options{DNS: resolver.Config{Replay: snap}, Now: now})
			got := goldenJSON(t, r)
			path := filepath.Join("testdata", "golden", strings.TrimSuffix(s.File, ".eml")+".json")
			if *updateGolden {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -run TestGoldenJSON ./inspector/ -args -update-golden creates it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the JSON report of %s changed; diff it against %s (go test -run TestGoldenJSON ./inspector/ -args -update-golden rewrites it):\n%s", s.File, path, firstDiff(want, got))
			}
		})
	}
}

// goldenJSON is r's JSON form, indented, with what varies from run to run
// taken out: when each query was sent and its round-trip time, and the order in which concurrent lookups
// were logged.
func goldenJSON(t *testing.T, r *inspector.Report) []byte {
	t.Helper()
	for i := range r.DNS {
		r.DNS[i].RTT, r.DNS[i].Time = 0, time.Time{}
	}
	sort.SliceStable(r.DNS, func(i, j int) bool {
		if r.DNS[i].Name != r.DNS[j].Name {
			return r.DNS[i].Name < r.DNS[j].Name
		}
		return r.DNS[i].Type < r.DNS[j].Type
	})
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// firstDiff shows the first line where a and b differ, with its neighbours.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}
