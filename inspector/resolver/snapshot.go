package resolver

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// snapshotVersion is written into every snapshot so a future format can
// tell old files apart.
const snapshotVersion = 1

// Snapshot is every answer of a run, so that the run can be repeated
// offline and give the same verdict.
type Snapshot struct {
	Version  int             `json:"version"`
	Recorded time.Time       `json:"recorded"`
	Entries  []SnapshotEntry `json:"entries"`

	index map[cacheKey]int // question -> position in Entries
}

// SnapshotEntry is one recorded question and its response.
type SnapshotEntry struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Rcode string `json:"rcode,omitempty"`
	AD    bool   `json:"ad,omitempty"`
	// Answer holds the answer section in zone-file form, CNAMEs included.
	Answer []string `json:"answer,omitempty"`
	// Error is set when no response came (e.g. a timeout); replaying the
	// entry gives the same failure.
	Error   string `json:"error,omitempty"`
	Timeout bool   `json:"timeout,omitempty"`

	// rrs is Answer parsed, once, by ParseSnapshot (or the records
	// received, for a snapshot taken from a Client): a folder checked
	// offline replays the same answers for every message. parsed says rrs
	// is set.
	rrs    []dns.RR
	parsed bool
}

// Snapshot returns what this client has received so far, ready to be saved.
// Its records are the ones received, not parsed back from their text, so
// that taking the snapshot of every report of a mailbox costs little.
func (c *Client) Snapshot() *Snapshot {
	s := &Snapshot{Version: snapshotVersion, Recorded: time.Now().UTC()}
	c.mu.Lock()
	defer c.mu.Unlock()
	s.Entries = make([]SnapshotEntry, 0, len(c.log))
	for _, a := range c.log {
		e := SnapshotEntry{Name: a.Name, Type: a.Type, Rcode: a.Rcode, AD: a.AD, rrs: a.raw, parsed: true}
		if a.Rcode == "" {
			e.Error = a.Error
			e.Timeout = strings.Contains(a.Error, "timed out")
		}
		for _, rr := range a.raw {
			e.Answer = append(e.Answer, rr.String())
		}
		s.Entries = append(s.Entries, e)
	}
	sort.SliceStable(s.Entries, func(i, j int) bool {
		if s.Entries[i].Name != s.Entries[j].Name {
			return s.Entries[i].Name < s.Entries[j].Name
		}
		return s.Entries[i].Type < s.Entries[j].Type
	})
	// The records came from miekg/dns itself: nothing to parse, only to
	// index.
	s.reindex()
	return s
}

// WriteFile saves the snapshot as indented JSON.
func (s *Snapshot) WriteFile(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadSnapshot loads a snapshot written by WriteFile.
func ReadSnapshot(path string) (*Snapshot, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSnapshot(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSnapshot reads a snapshot from its JSON form and checks every record.
func ParseSnapshot(b []byte) (*Snapshot, error) {
	var s Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("not a DNS snapshot: %v", err)
	}
	if s.Version != snapshotVersion {
		return nil, fmt.Errorf("DNS snapshot version %d, want %d", s.Version, snapshotVersion)
	}
	if err := s.reindex(); err != nil {
		return nil, err
	}
	return &s, nil
}

// reindex parses the records of every entry not parsed yet, once, and
// indexes the entries by question, so that a folder checked offline
// replays answers cheaply.
func (s *Snapshot) reindex() error {
	s.index = make(map[cacheKey]int, len(s.Entries))
	for i := range s.Entries {
		if err := s.add(i); err != nil {
			return err
		}
	}
	return nil
}

// add parses entry i if needed and indexes it.
func (s *Snapshot) add(i int) error {
	e := &s.Entries[i]
	qt, ok := dns.StringToType[e.Type]
	if !ok {
		return fmt.Errorf("DNS snapshot entry %d: unknown type %q", i+1, e.Type)
	}
	if !e.parsed {
		e.rrs = nil
		for _, text := range e.Answer {
			rr, err := dns.NewRR(text)
			if err != nil {
				return fmt.Errorf("DNS snapshot entry %d (%s %s): bad record: %v", i+1, e.Name, e.Type, err)
			}
			if rr != nil {
				e.rrs = append(e.rrs, rr)
			}
		}
		e.parsed = true
	}
	s.index[cacheKey{dns.Fqdn(strings.ToLower(e.Name)), qt}] = i
	return nil
}

// lookup answers one question from the snapshot.
func (s *Snapshot) lookup(fqdn string, qtype uint16) (*dns.Msg, error) {
	i, ok := s.index[cacheKey{fqdn, qtype}]
	if !ok {
		return nil, &net.DNSError{Err: "not in snapshot (this lookup was not made when the snapshot was recorded)", Name: fqdn, Server: "snapshot", IsTemporary: true}
	}
	e := &s.Entries[i]
	if e.Rcode == "" {
		return nil, &net.DNSError{Err: e.Error, Name: fqdn, Server: "snapshot", IsTimeout: e.Timeout, IsTemporary: true}
	}
	m := new(dns.Msg)
	m.SetQuestion(fqdn, qtype)
	m.Response = true
	m.Rcode = dns.StringToRcode[e.Rcode]
	m.AuthenticatedData = e.AD
	// The records are shared by every replay of the entry: nothing
	// changes an answer's records once it is made.
	m.Answer = append(m.Answer, e.rrs...)
	return m, nil
}

// Merge adds o's entries that s does not have yet, so that one file can
// record the runs of several messages. It costs the size of o, not of s:
// the entries are already parsed and indexed.
func (s *Snapshot) Merge(o *Snapshot) {
	if o == nil {
		return
	}
	if s.index == nil {
		s.reindex()
	}
	for _, e := range o.Entries {
		qt, ok := dns.StringToType[e.Type]
		if !ok {
			continue
		}
		if _, have := s.index[cacheKey{dns.Fqdn(strings.ToLower(e.Name)), qt}]; have {
			continue
		}
		s.Entries = append(s.Entries, e)
		s.add(len(s.Entries) - 1) // o was valid, so the entry is
	}
}
