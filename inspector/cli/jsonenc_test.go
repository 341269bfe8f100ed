package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/assets"
	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// TestSameJSONAsStandard: the reports the command line writes with
// encodeJSON are, byte for byte, what encoding/json writes, for every
// message of the engine's tests (checked offline: DNS answers "not in the
// snapshot", which fills the reports with errors as well) and the samples
// (with their snapshot, which fills them with results).
func TestSameJSONAsStandard(t *testing.T) {
	empty, err := resolver.ParseSnapshot([]byte(`{"version":1}`))
	if err != nil {
		t.Fatal(err)
	}
	samples, err := resolver.ParseSnapshot(assets.SampleSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	type input struct {
		path string
		snap *resolver.Snapshot
	}
	var inputs []input
	err = filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".eml") || !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return err
		}
		if info, err := d.Info(); err == nil && info.Size() < 1<<20 {
			inputs = append(inputs, input{p, empty})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range assets.Samples() {
		inputs = append(inputs, input{filepath.Join("..", "..", "assets", "samples", s.File), samples})
	}
	if len(inputs) < 100 {
		t.Fatalf("only %d messages found", len(inputs))
	}
	compared := 0
	for _, in := range inputs {
		r, err := inspector.CheckFile(context.Background(), in.path, inspector.Options{DNS: resolver.Config{Replay: in.snap}, Budget: 5 * time.Second})
		if err != nil {
			continue // not a message: the error entry is compared below
		}
		sameJSON(t, in.path, r)
		compared++
	}
	sameJSON(t, "an error entry", struct {
		File   string           `json:"file"`
		Error  string           `json:"error"`
		Status inspector.Status `json:"status"`
	}{"x.eml", `x.eml: not a message: "<&>" \u2028`, inspector.StatusUnreadable})
	t.Logf("%d reports encoded alike", compared)
}

func sameJSON(t *testing.T, name string, v any) {
	t.Helper()
	var want, got bytes.Buffer
	std := json.NewEncoder(&want)
	std.SetEscapeHTML(false)
	if err := std.Encode(v); err != nil {
		t.Fatalf("%s: encoding/json: %v", name, err)
	}
	if err := encodeJSON(&got, v); err != nil {
		t.Fatalf("%s: encodeJSON: %v", name, err)
	}
	if a, b := want.String(), got.String(); a != b {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		t.Errorf("%s: the JSON differs at byte %d:\nencoding/json: …%s\nencodeJSON:    …%s", name, i, a[max(0, i-60):min(len(a), i+60)], b[max(0, i-60):min(len(b), i+60)])
	}
}
