package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

var archiveKey = testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(5)}

// signedFile writes a message signed by archiveKey.
func signedFile(t *testing.T) string {
	t.Helper()
	msg := testsign.Sign("From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Hello\r\nDate: Thu, 12 Mar 2026 16:02:27 +0000\r\nMessage-ID: <1@example.org>\r\n\r\nHello Bob.\r\n",
		archiveKey, testsign.Options{})
	path := filepath.Join(t.TempDir(), "signed.eml")
	if err := os.WriteFile(path, []byte(msg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestKeyFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--no-archive", "--import-keys", "x.json"},
		{"--no-archive", "--key-archive", "k.json", "testdata/plain.eml"},
		{"--offline", "--snapshot", "x.json", "--import-keys", "x.json", "--key-archive", "k.json"},
		// Tests have no default archive: the user's own is never touched.
		{"--import-keys", "x.json"},
		{"--export-keys", "-"},
	} {
		if code, _, stderr := run(t, args...); code != ExitUsage || stderr == "" {
			t.Errorf("check %q: exit %d, stderr %q; want %d with a message", args, code, stderr, ExitUsage)
		}
	}
}

// A run records the keys it fetches in the archive; a snapshot of the run
// imports them into another; an export holds them; offline, the archive is
// read and never written; --no-archive keeps nothing.
func TestKeyArchiveFlags(t *testing.T) {
	dir := t.TempDir()
	srv := dnstest.Start(t, archiveKey.TXT())
	msg := signedFile(t)
	first, snap := filepath.Join(dir, "first.json"), filepath.Join(dir, "dns.json")
	if code, _, stderr := run(t, "--json", "--dns", srv.Addr, "--record", snap, "--key-archive", first, msg); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(first); err != nil || !strings.Contains(string(b), `"name": "sel._domainkey.example.org"`) {
		t.Fatalf("the run did not keep its key: %v\n%s", err, b)
	}

	second := filepath.Join(dir, "second.json")
	code, _, stderr := run(t, "--key-archive", second, "--import-keys", snap)
	if code != ExitOK || !strings.Contains(stderr, "1 new key from") {
		t.Fatalf("import: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := run(t, "--key-archive", second, "--export-keys", "-")
	var export struct {
		Keys []struct{ Name, Record, Source string }
	}
	if code != ExitOK || json.Unmarshal([]byte(stdout), &export) != nil || len(export.Keys) != 1 || export.Keys[0].Source != "import" ||
		export.Keys[0].Record != archiveKey.Record() {
		t.Fatalf("export: exit %d, %s %s", code, stdout, stderr)
	}

	offline := filepath.Join(dir, "offline.json")
	if code, _, stderr := run(t, "--json", "--offline", "--snapshot", snap, "--key-archive", offline, msg); code != ExitOK {
		t.Fatalf("offline: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(offline); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("offline, the archive was written: %v", err)
	}
	before, _ := os.ReadFile(second)
	run(t, "--json", "--offline", "--snapshot", snap, "--key-archive", second, msg)
	if after, _ := os.ReadFile(second); string(after) != string(before) {
		t.Error("offline, an existing archive changed")
	}

	if code, stdout, _ := run(t, "--json", "--dns", srv.Addr, "--no-archive", msg); code != ExitOK || !strings.Contains(stdout, `"forensics":[]`) {
		t.Errorf("--no-archive: exit %d, %s", code, stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("files written: %v, want first.json, dns.json, second.json", entries)
	}
}
