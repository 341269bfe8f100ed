package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--offline", "testdata/plain.eml"},
		{"--snapshot", "x.json", "testdata/plain.eml"},
		{"--dns", "no-port", "testdata/plain.eml"},
		{"--timeout", "0s", "testdata/plain.eml"},
		{"--client-ip", "not-an-ip", "testdata/plain.eml"},
		{"--bogus", "testdata/plain.eml"},
	} {
		if code, _, stderr := run(t, args...); code != ExitUsage || stderr == "" {
			t.Errorf("check %q: exit %d, stderr %q; want %d with a message", args, code, stderr, ExitUsage)
		}
	}
}

func TestBadFilesExitOne(t *testing.T) {
	srv := dnstest.Start(t, "")
	code, stdout, stderr := run(t, "--json", "--dns", srv.Addr, "testdata/page.html", "testdata/missing.eml", "testdata/plain.eml")
	if code != ExitBadInput {
		t.Errorf("exit %d, want %d", code, ExitBadInput)
	}
	for _, want := range []string{"testdata/page.html", "testdata/missing.eml"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not name %s", stderr, want)
		}
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one JSON line per file, got %d:\n%s", len(lines), stdout)
	}
	var first struct{ File, Error string }
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.File != "testdata/page.html" || first.Error == "" {
		t.Errorf("error line %q (%v)", lines[0], err)
	}
}

// The JSON field names are a public interface: scripts read them.
func TestJSONFields(t *testing.T) {
	srv := dnstest.Start(t, "")
	code, stdout, stderr := run(t, "--dns", srv.Addr, "--timeout", "200ms", "testdata/plain.eml", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, stdout)
	}
	for _, path := range []string{"file", "from.address", "from.domain", "dkim", "spf.result", "dmarc.result", "arc.result", "dns", "verdict", "headline"} {
		if _, ok := lookup(r, path); !ok {
			t.Errorf("JSON report has no %q", path)
		}
	}
	if v, _ := lookup(r, "from.domain"); v != "example.com" {
		t.Errorf("from.domain = %v", v)
	}
}

func lookup(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// A run recorded with --record replays offline to the same report without
// a single packet.
func TestRecordAndReplay(t *testing.T) {
	srv := dnstest.Start(t, "")
	snap := filepath.Join(t.TempDir(), "dns.json")
	code, online, stderr := run(t, "--json", "--dns", srv.Addr, "--record", snap, "testdata/plain.eml")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(snap); err != nil {
		t.Fatalf("no snapshot written: %v", err)
	}
	before := srv.Queries()
	code, offline, stderr := run(t, "--json", "--offline", "--snapshot", snap, "testdata/plain.eml")
	if code != ExitOK {
		t.Fatalf("offline exit %d: %s", code, stderr)
	}
	if srv.Queries() != before {
		t.Errorf("offline run sent %d queries", srv.Queries()-before)
	}
	var a, b struct{ Verdict, Headline string }
	json.Unmarshal([]byte(online), &a)
	json.Unmarshal([]byte(offline), &b)
	if a != b {
		t.Errorf("offline verdict %+v differs from online %+v", b, a)
	}
}

func TestTextOutput(t *testing.T) {
	srv := dnstest.Start(t, "")
	code, stdout, _ := run(t, "--dns", srv.Addr, "testdata/plain.eml")
	if code != ExitOK || !strings.Contains(stdout, "WARN  Not proven to be from example.com") || strings.Contains(stdout, "\x1b[") {
		t.Errorf("exit %d, text output (must have a verdict and no colour off a terminal):\n%s", code, stdout)
	}
}

// Files are checked concurrently but reported in the order given.
func TestManyFilesInOrder(t *testing.T) {
	srv := dnstest.Start(t, "")
	args := []string{"--json", "--dns", srv.Addr}
	var want []string
	for i := 0; i < 12; i++ {
		f := "testdata/plain.eml"
		if i%3 == 1 {
			f = "testdata/page.html"
		}
		args = append(args, f)
		want = append(want, f)
	}
	_, stdout, _ := run(t, args...)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d files", len(lines), len(want))
	}
	for i, l := range lines {
		var r struct{ File string }
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.File != want[i] {
			t.Errorf("line %d is for %q, want %q (%v)", i, r.File, want[i], err)
		}
	}
}
