package keyarchive

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

var (
	keyA = testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(1)}
	keyB = testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(2)}
	t0   = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
)

const name = "sel._domainkey.example.org"

// answer is the TXT answer that publishes k, received at when.
func answer(k testsign.Key, when time.Time) resolver.Answer {
	return resolver.Answer{Name: name + ".", Type: "TXT", Rcode: "NOERROR", Records: []string{k.Record()}, TXT: [][]string{{k.Record()}},
		Server: "127.0.0.1:53", Time: when}
}

func open(t *testing.T, path string, readOnly bool) *Archive {
	t.Helper()
	a, err := Open(path, readOnly)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mailinspector", "keys.json")
	a := open(t, path, false)
	others := []resolver.Answer{
		{Name: "_dmarc.example.org.", Type: "TXT", Rcode: "NOERROR", Records: []string{"v=DMARC1; p=none"}},
		{Name: "revoked._domainkey.example.org.", Type: "TXT", Rcode: "NOERROR", Records: []string{"v=DKIM1; p="}},
		{Name: "gone._domainkey.example.org.", Type: "TXT", Rcode: "NXDOMAIN"},
	}
	if err := a.Record(append(others, answer(keyA, t0))); err != nil {
		t.Fatal(err)
	}
	if err := a.Record([]resolver.Answer{answer(keyA, t0.Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	// Another process reads what this one wrote.
	all := open(t, path, true).All()
	if len(all) != 1 {
		t.Fatalf("kept %d keys, want the one DKIM key: %+v", len(all), all)
	}
	k := all[0]
	if k.Name != name || k.Domain != "example.org" || k.Selector != "sel" || k.Record != keyA.Record() || k.Source != "dns" || k.Server != "127.0.0.1:53" ||
		!k.FirstSeen.Equal(t0) || !k.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("kept %+v", k)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".keys.json-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// A key replaced at the same name is a second key, and the one seen last
// comes first.
func TestRotate(t *testing.T) {
	a := open(t, filepath.Join(t.TempDir(), "keys.json"), false)
	a.Record([]resolver.Answer{answer(keyA, t0)})
	a.Record([]resolver.Answer{answer(keyB, t0.Add(24*time.Hour))})
	keys := a.Keys(name + ".")
	if len(keys) != 2 || keys[0].Record != keyB.Record() || keys[1].Record != keyA.Record() || !keys[1].LastSeen.Equal(t0) {
		t.Errorf("keys %+v: want B then A", keys)
	}
	if got := a.History().Keys("SEL._domainkey.example.org"); len(got) != 2 {
		t.Errorf("History().Keys = %d keys", len(got))
	}
}

func TestImportExport(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "dns.json")
	os.WriteFile(snap, []byte(`{"version": 1, "recorded": "2026-01-10T09:00:00Z", "entries": [
		{"name": "sel._domainkey.example.org.", "type": "TXT", "rcode": "NOERROR",
		 "answer": ["sel._domainkey.example.org.\t300\tIN\tCNAME\tsel.keys.example.net.", "sel.keys.example.net.\t300\tIN\tTXT\t`+jsonQuote(testsign.Quote(keyA.Record()))+`"]},
		{"name": "example.org.", "type": "MX", "rcode": "NOERROR", "answer": ["example.org.\t300\tIN\tMX\t10 mx.example.org."]}
	]}`), 0o644)
	a := open(t, filepath.Join(dir, "keys.json"), false)
	if n, err := a.ImportFile(snap); n != 1 || err != nil {
		t.Fatalf("import: %d keys, %v", n, err)
	}
	k := a.All()[0]
	if k.Name != name || k.Record != keyA.Record() || k.Source != "import" || !k.FirstSeen.Equal(t0) || len(k.CNAMEs) != 1 {
		t.Errorf("imported %+v", k)
	}
	if n, _ := a.ImportFile(snap); n != 0 {
		t.Errorf("importing again added %d keys", n)
	}

	var out bytes.Buffer
	if err := a.Export(&out); err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(dir, "export.json")
	os.WriteFile(exported, out.Bytes(), 0o644)
	b := open(t, filepath.Join(dir, "other.json"), false)
	if n, err := b.ImportFile(exported); n != 1 || err != nil {
		t.Fatalf("import of an export: %d, %v", n, err)
	}
	if got := b.All()[0]; got.Record != k.Record || !got.FirstSeen.Equal(k.FirstSeen) || got.Source != "import" {
		t.Errorf("round trip: %+v, want %+v", got, k)
	}
	if _, err := b.ImportFile(filepath.Join("testdata", "nothing.json")); err == nil {
		t.Error("importing a missing file: no error")
	}
}

func jsonQuote(s string) string { return strings.ReplaceAll(s, `"`, `\"`) }

// A nil archive (--no-archive) holds nothing and writes nothing.
func TestOff(t *testing.T) {
	var a *Archive
	if a.History() != nil || a.Keys(name) != nil || a.Record([]resolver.Answer{answer(keyA, t0)}) != nil || !a.ReadOnly() {
		t.Error("a nil archive did something")
	}
	if _, err := a.Import(&resolver.Snapshot{}); err == nil {
		t.Error("importing into no archive: no error")
	}
}

// A read-only archive (offline, a replayed snapshot) is read, never
// written: not created, not changed.
func TestReadOnlyNeverWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	ro := open(t, path, true)
	ro.Record([]resolver.Answer{answer(keyA, t0)})
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a read-only archive created its file: %v", err)
	}
	open(t, path, false).Record([]resolver.Answer{answer(keyA, t0)})
	before, _ := os.ReadFile(path)
	ro = open(t, path, true)
	if len(ro.Keys(name)) != 1 {
		t.Error("a read-only archive does not read its keys")
	}
	ro.Record([]resolver.Answer{answer(keyB, t0.Add(time.Hour))})
	if _, err := ro.ImportFile(path); err == nil {
		t.Error("importing into a read-only archive: no error")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a read-only archive changed its file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files in the folder: %v", entries)
	}
}

// An archive that cannot be read is an error, and is never overwritten.
func TestDamagedArchiveKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, err := Open(path, false); err == nil {
		t.Error("a damaged archive opened")
	}
	a := open(t, filepath.Join(filepath.Dir(path), "fresh.json"), false)
	a.path = path // the file was damaged after it was opened
	if err := a.Record([]resolver.Answer{answer(keyA, t0)}); err == nil {
		t.Error("saving over a damaged archive: no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "{not json" {
		t.Errorf("the damaged archive was overwritten: %q", b)
	}
}

// Two processes writing the same archive keep each other's keys.
func TestTwoWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	a, b := open(t, path, false), open(t, path, false)
	a.Record([]resolver.Answer{answer(keyA, t0)})
	b.Record([]resolver.Answer{answer(keyB, t0.Add(time.Hour))})
	if got := open(t, path, true).Keys(name); len(got) != 2 {
		t.Errorf("the file holds %d keys, want both", len(got))
	}
}

// Tests never touch the user's own archive.
func TestNoDefaultInTests(t *testing.T) {
	if p, err := DefaultPath(); err != ErrNoDefault || p != "" {
		t.Errorf("DefaultPath() = %q, %v in a test", p, err)
	}
}
