package keyarchive_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/keyarchive"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

var (
	oldKey = testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(11)}
	newKey = testsign.Key{Domain: "example.org", Selector: "sel", Signer: testsign.Seed(12)}
)

// delivered is a message signed with oldKey as the receiver mx.inbox.example
// got it, with the dkim=pass it recorded.
func delivered(t *testing.T) *message.Message {
	t.Helper()
	m := &testsign.Message{
		Fields: []string{
			"From: Alice <alice@example.org>\r\n", "To: bob@inbox.example\r\n", "Subject: Invoice 42\r\n",
			"Date: Thu, 12 Mar 2026 16:02:27 +0000\r\n", "Message-ID: <42@example.org>\r\n",
		},
		Body: "Please find the invoice attached.\r\n",
	}
	b := m.Sign(oldKey, testsign.Options{Time: time.Date(2026, 3, 12, 16, 2, 27, 0, time.UTC)})
	m.Prepend("Received", "from mail.example.org (mail.example.org [192.0.2.10])\r\n\tby mx.inbox.example with ESMTPS id 4Q1; Thu, 12 Mar 2026 16:02:31 +0000")
	m.Prepend("Authentication-Results", "mx.inbox.example;\r\n\tdkim=pass header.d=example.org header.s=sel header.b="+b[:8])
	parsed, err := message.Parse("invoice.eml", []byte(m.String()))
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

func check(t *testing.T, srv *dnstest.Server, keys *keyarchive.Archive) *inspector.Report {
	t.Helper()
	return inspector.Check(context.Background(), delivered(t), inspector.Options{
		DNS: resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second}, Keys: keys})
}

// The story of a key: seen at the first check and kept; replaced by the
// domain; the old key then confirms that the signature was intact, and
// the report says the key changed, while the result stays a failure.
func TestArchiveThroughCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	archive, err := keyarchive.Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.Start(t, oldKey.TXT())
	if r := check(t, srv, archive); r.DKIM[0].Result != "pass" || r.DKIM[0].KeyChanged != nil {
		t.Fatalf("first check: %s %+v", r.DKIM[0].Result, r.DKIM[0].KeyChanged)
	}
	if keys := archive.Keys("sel._domainkey.example.org"); len(keys) != 1 || keys[0].Record != oldKey.Record() {
		t.Fatalf("archive after the first check: %+v", keys)
	}

	srv.Remove("sel._domainkey.example.org")
	srv.Add(newKey.TXT())
	r := check(t, srv, archive)
	d := r.DKIM[0]
	if d.Result != "fail" || d.Code != dkim.CodeSignatureMismatch {
		t.Errorf("result %s %s: the archive must not change what today's DNS gives", d.Result, d.Code)
	}
	if d.KeyChanged == nil || d.KeyChanged.Now != "replaced" {
		t.Errorf("key changed: %+v", d.KeyChanged)
	}
	if len(d.Forensics) != 1 || d.Forensics[0].Change != dkim.KeyRotated || !d.Forensics[0].Confirmed ||
		!strings.Contains(d.Reason, "The key was replaced since the message was signed: it would verify with the key that sel._domainkey.example.org published on") {
		t.Errorf("forensics %+v, reason %q", d.Forensics, d.Reason)
	}
	if keys := archive.Keys("sel._domainkey.example.org"); len(keys) != 2 || keys[0].Record != newKey.Record() {
		t.Errorf("archive after the second check: %+v", keys)
	}
}

// Without an archive, the pass the receiver recorded at delivery is the
// evidence of a replaced key: key_rotated, unconfirmed.
func TestRecordedPassWithoutArchive(t *testing.T) {
	srv := dnstest.Start(t, newKey.TXT())
	d := check(t, srv, nil).DKIM[0]
	if len(d.Forensics) != 1 || d.Forensics[0].Change != dkim.KeyRotated || d.Forensics[0].Confirmed ||
		!strings.Contains(d.Forensics[0].Detail, "mx.inbox.example recorded dkim=pass") {
		t.Errorf("forensics %+v", d.Forensics)
	}
}

// Offline, replaying a snapshot, the archive is read and never written.
func TestOfflineNeverWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	srv := dnstest.Start(t, newKey.TXT())
	r := check(t, srv, nil)
	snap, err := resolver.ParseSnapshot(mustJSON(t, r.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	rw, _ := keyarchive.Open(path, false)
	rw.Record([]resolver.Answer{{Name: "sel._domainkey.example.org.", Type: "TXT", Rcode: "NOERROR", Records: []string{oldKey.Record()}, Time: time.Now()}})
	before, _ := os.ReadFile(path)

	for _, readOnly := range []bool{true, false} {
		archive, _ := keyarchive.Open(path, readOnly)
		r := inspector.Check(context.Background(), delivered(t), inspector.Options{DNS: resolver.Config{Replay: snap}, Keys: archive})
		if d := r.DKIM[0]; len(d.Forensics) == 0 || !d.Forensics[0].Confirmed || d.KeyChanged == nil {
			t.Errorf("read-only %v: the archive was not read: %+v", readOnly, d.Forensics)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("read-only %v: replaying a snapshot wrote the archive", readOnly)
		}
	}
}

func mustJSON(t *testing.T, s *resolver.Snapshot) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snap.json")
	if err := s.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
