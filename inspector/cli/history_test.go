package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withHistory points the memory of senders at a temporary file for one
// test.
func withHistory(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mailinspector", "senders.json")
	old := historyPath
	historyPath = func() (string, error) { return path, nil }
	t.Cleanup(func() { historyPath = old })
	return path
}

// senderOf runs check --json on file and returns the report's sender
// section (nil when absent).
func senderOf(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), append([]string{"--json", "--timeout", "200ms", "--dns", "127.0.0.1:9"}, args...), &out, &errOut); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var r struct {
		Sender  map[string]any `json:"sender"`
		Signals []any          `json:"signals"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Signals == nil {
		t.Error("no signals list in the report")
	}
	return r.Sender
}

func TestHistory(t *testing.T) {
	path := withHistory(t)
	msg := func(id string) string {
		p := filepath.Join(t.TempDir(), id+".eml")
		os.WriteFile(p, []byte("From: Alice <alice@contoso.example>\r\nTo: bob@inbox.example\r\nMessage-ID: <"+id+"@contoso.example>\r\nSubject: hi\r\n\r\nhello\r\n"), 0o600)
		return p
	}
	first, second := msg("one"), msg("two")
	if s := senderOf(t, first); s == nil || s["first_message"] != true || s["recorded"] != true {
		t.Fatalf("first message: sender = %v", s)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the memory was not saved: %v", err)
	}
	if s := senderOf(t, second); s["first_message"] != false || s["address_messages"] != 1.0 {
		t.Errorf("second message: sender = %v", s)
	}
	// --no-history: neither read nor written.
	before, _ := os.ReadFile(path)
	if s := senderOf(t, "--no-history", msg("three")); s != nil {
		t.Errorf("--no-history: sender = %v", s)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("--no-history wrote the memory")
	}
}

// TestHistoryOfflineNeverWrites checks that replaying DNS reads the
// memory but never writes it.
func TestHistoryOfflineNeverWrites(t *testing.T) {
	path := withHistory(t)
	snap := filepath.Join("..", "..", "assets", "samples", "snapshot.json")
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"--json", "--offline", "--snapshot", snap, filepath.Join("testdata", "plain.eml")}, &out, &errOut)
	if code != ExitOK {
		t.Fatalf("offline run: exit %d: %s", code, errOut.String())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("an offline check wrote the memory of senders: %v", err)
	}
	if !strings.Contains(out.String(), `"recorded":false`) {
		t.Errorf("an offline report says it recorded the sender: %s", out.String())
	}
}
