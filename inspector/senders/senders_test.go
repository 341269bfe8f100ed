package senders

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func day(d int) time.Time { return time.Date(2026, 3, d, 9, 0, 0, 0, time.UTC) }

func open(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mailinspector", FileName)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return s, path
}

func record(t *testing.T, s *Store, o Observation) bool {
	t.Helper()
	ok, err := s.Record(o)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestDefaultPathRefusedInTests(t *testing.T) {
	if _, err := DefaultPath(); !errors.Is(err, ErrNoDefault) {
		t.Errorf("DefaultPath in a test = %v, want ErrNoDefault: tests never touch the user's memory", err)
	}
}

func TestFirstMessageThenHistory(t *testing.T) {
	s, path := open(t)
	o := Observation{Address: "News@Shop.example", Domain: "mail.shop.example", MessageID: "<1@shop.example>", When: day(1),
		DMARCPass: true, Signers: []string{"shop.example"}}
	v := s.Look(o)
	if h := v.History; !h.FirstMessage || !h.FirstFromDomain || h.AddressMessages != 0 || !strings.Contains(h.Notes[0], "First message from this sender") {
		t.Errorf("first look = %+v", h)
	}
	if a, d := v.Seen(o.Address, o.Domain); a || d {
		t.Error("an empty memory has seen the sender")
	}
	if !record(t, s, o) {
		t.Fatal("the first message was not recorded")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the memory was not saved: %v", err)
	}
	// Checking the same message again does not count it twice, nor make
	// its sender "seen before".
	v = s.Look(o)
	if h := v.History; !h.FirstMessage || h.AddressMessages != 0 {
		t.Errorf("the same message checked again: %+v", h)
	}
	if a, _ := v.Seen(o.Address, ""); a {
		t.Error("the message itself made its sender seen")
	}
	if len(v.Trusted()) != 0 {
		t.Errorf("the message itself made its domain trusted: %v", v.Trusted())
	}
	if record(t, s, o) {
		t.Error("the same message was counted twice")
	}
	for i := 2; i <= 4; i++ {
		o.MessageID, o.When = "<"+string(rune('0'+i))+"@shop.example>", day(i)
		record(t, s, o)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	// A new Store on the same file reads what was saved.
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	o.MessageID, o.When, o.Signers, o.DMARCPass = "<5@shop.example>", day(5), nil, false
	h := s2.Look(o).History
	if h.FirstMessage || h.AddressMessages != 4 || h.DomainMessages != 4 || h.Authenticated != 4 {
		t.Errorf("history = %+v, want 4 earlier messages, all authenticated", h)
	}
	if h.UsuallySignedBy != "shop.example" || !h.NotSignedNow || !h.NotAuthenticatedNow {
		t.Errorf("history = %+v, want usually signed by shop.example, not now", h)
	}
	if !strings.Contains(h.Notes[0], "usually signed by shop.example") || !strings.Contains(strings.Join(h.Notes, " "), "2026-03-01 to 2026-03-04") {
		t.Errorf("notes = %q", h.Notes)
	}
	v = s2.Look(o)
	if a, d := v.Seen("other@shop.example", "www.shop.example"); a || !d {
		t.Errorf("Seen(other address, same organisation) = %v, %v; want false, true", a, d)
	}
	if got := v.Trusted(); len(got) != 1 || got[0] != "shop.example" {
		t.Errorf("Trusted = %v", got)
	}
}

func TestReadOnlyNeverWrites(t *testing.T) {
	s, path := open(t)
	ro := s.ReadOnly()
	if ok, err := ro.Record(Observation{Address: "a@b.example", Domain: "b.example", When: day(1)}); ok || err != nil {
		t.Errorf("read-only Record = %v, %v", ok, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read-only memory wrote its file: %v", err)
	}
	if ro.ReadOnly() != ro {
		t.Error("a read-only view was copied again")
	}
	if err := ro.Flush(); err != nil {
		t.Error(err)
	}
}

func TestClear(t *testing.T) {
	s, path := open(t)
	record(t, s, Observation{Address: "a@b.example", Domain: "b.example", When: day(1)})
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Clear left the file: %v", err)
	}
	if h := s.Look(Observation{Address: "a@b.example", Domain: "b.example"}).History; !h.FirstMessage {
		t.Errorf("after Clear: %+v", h)
	}
	if err := s.Clear(); err != nil {
		t.Errorf("clearing an empty memory: %v", err)
	}
}

func TestDamagedFileKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil {
		t.Fatal("a damaged memory opened")
	}
	if b, _ := os.ReadFile(path); string(b) != "{not json" {
		t.Error("the damaged file was changed")
	}
}

func TestPrune(t *testing.T) {
	m := map[string]*Entry{}
	for i := range 10 {
		m[string(rune('a'+i))] = &Entry{Last: day(i + 1)}
	}
	prune(m, 3)
	if len(m) != 3 || m["j"] == nil || m["h"] == nil || m["a"] != nil {
		t.Errorf("prune kept %v, want the 3 most recent", m)
	}
}
