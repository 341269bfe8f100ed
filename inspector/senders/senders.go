// Package senders is Mail Inspector's memory of senders: the From
// addresses and domains of the messages checked on this computer, with how
// many messages came from each, when the first and the last came, and
// whether they authenticated (DMARC passed) and who signed them (the d=
// of each DKIM signature that passed). From it come "first message from
// this sender", "usually signed by X, not signed now", and the senders a
// look-alike domain may imitate.
//
// The memory is one small JSON file in the user's config folder
// (DefaultPath), written atomically (a temporary file renamed over the
// old one) and readable by the user only. It is kept on this computer
// only, never sent anywhere; it can be cleared (Clear) and turned off (the
// caller simply opens no Store: the CLI's --no-history). A Store opened
// read-only (ReadOnly), as offline and replay checks use, never writes.
// Record saves at most every few seconds; Flush saves the rest, and a
// program calls it before it ends.
//
// What is kept is bounded: at most MaxAddresses addresses and MaxDomains
// domains, the least recently seen dropped first, and of each entry the
// hashes of its last few Message-IDs, so that checking one message twice
// does not count it twice.
package senders

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/internal/atomicfile"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
)

// FileName is the name of the memory's file in the config folder.
const FileName = "senders.json"

// Bounds of the memory.
const (
	MaxAddresses = 5000
	MaxDomains   = 2000
	maxMessages  = 16 // Message-ID hashes kept per entry
)

// Entry is what is remembered of one address or domain.
type Entry struct {
	// Count is the number of messages seen.
	Count int       `json:"count"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Authenticated is the number of those whose DMARC passed.
	Authenticated int `json:"authenticated"`
	// Signers counts the messages signed (DKIM pass) by each d=.
	Signers map[string]int `json:"signers,omitempty"`
	// Messages are hashes of the last Message-IDs counted.
	Messages []string `json:"messages,omitempty"`
}

// file is the memory as stored.
type file struct {
	Version   int               `json:"version"`
	Addresses map[string]*Entry `json:"addresses"`
	Domains   map[string]*Entry `json:"domains"`
}

// Store is the memory of senders, in one file. Its methods may be called
// from several goroutines.
type Store struct {
	path     string
	readOnly bool

	mu   sync.Mutex
	data file
	// disk is the file as last read or written (modification time and
	// size): when it changes, another program wrote it.
	disk fileStamp
	// dirty says Record changed the memory since it was saved; saved is
	// when it last was.
	dirty bool
	saved time.Time
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func stamp(path string) fileStamp {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{st.ModTime(), st.Size()}
}

// saveEvery bounds how often Record writes the file: checking a mailbox
// of thousands of messages does not rewrite it thousands of times. Flush
// writes what is left.
const saveEvery = 2 * time.Second

// ErrNoDefault is returned by DefaultPath in a test binary: a test never
// uses the user's own memory, it gives a temporary path.
var ErrNoDefault = errors.New("senders: no default memory in tests; use a temporary path")

// DefaultPath is where the memory is kept:
// os.UserConfigDir()/mailinspector/senders.json.
func DefaultPath() (string, error) {
	if testing.Testing() {
		return "", ErrNoDefault
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config folder for the memory of senders: %w", err)
	}
	return filepath.Join(dir, "mailinspector", FileName), nil
}

// Open reads the memory kept in path; a missing file is an empty memory
// (the file is created at the first Record). A file that cannot be read
// as a memory is an error, and is left as it is.
func Open(path string) (*Store, error) {
	s := &Store{path: path}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// ReadOnly returns a view of the same memory that Record never writes:
// what offline and replay checks use.
func (s *Store) ReadOnly() *Store {
	if s.readOnly {
		return s // nothing can change it: no copy needed
	}
	s.mu.Lock()
	b, err := json.Marshal(s.data)
	s.mu.Unlock()
	ro := &Store{path: s.path, readOnly: true}
	if err != nil || json.Unmarshal(b, &ro.data) != nil {
		ro.data = file{Version: 1, Addresses: map[string]*Entry{}, Domains: map[string]*Entry{}}
	}
	return ro
}

// Path is the file of the memory.
func (s *Store) Path() string { return s.path }

func (s *Store) load() error {
	b, err := os.ReadFile(s.path)
	var f file
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("reading the memory of senders: %w", err)
	default:
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("%s is not a memory of senders: %w", s.path, err)
		}
	}
	if f.Addresses == nil {
		f.Addresses = map[string]*Entry{}
	}
	if f.Domains == nil {
		f.Domains = map[string]*Entry{}
	}
	f.Version = 1
	s.data = f
	s.disk = stamp(s.path)
	return nil
}

// Clear forgets every sender and removes the file.
func (s *Store) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = file{Version: 1, Addresses: map[string]*Entry{}, Domains: map[string]*Entry{}}
	s.dirty = false
	if s.readOnly {
		return nil
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Observation is what one message says about its sender.
type Observation struct {
	Address   string
	Domain    string
	MessageID string
	// When is when the message was received (else when it was checked).
	When time.Time
	// DMARCPass says the message authenticated.
	DMARCPass bool
	// Signers are the d= of the DKIM signatures that passed.
	Signers []string
}

func (o Observation) keys() (addr, dom, id string) {
	addr = strings.ToLower(strings.TrimSpace(o.Address))
	dom = domain.OrgOrSelf(o.Domain)
	if o.MessageID != "" {
		sum := sha256.Sum256([]byte(strings.TrimSpace(o.MessageID)))
		id = base64.RawURLEncoding.EncodeToString(sum[:12])
	}
	return addr, dom, id
}

// Record adds the message to the memory and says whether it did. A
// message counted before (the same Message-ID from the same address) is
// not counted again. The memory is saved at once, or, when it was saved
// less than saveEvery ago, by a later Record or by Flush. When another
// program changed the file since, it is read again first, so that two
// programs recording one after the other lose nothing. A read-only Store
// changes nothing.
func (s *Store) Record(o Observation) (bool, error) {
	addr, dom, id := o.keys()
	if addr == "" || dom == "" || s.readOnly {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty && stamp(s.path) != s.disk {
		if err := s.load(); err != nil {
			return false, err
		}
	}
	if e := s.data.Addresses[addr]; e != nil && id != "" && slices.Contains(e.Messages, id) {
		return false, nil
	}
	var signers []string
	for _, d := range o.Signers {
		signers = append(signers, domain.Normalize(d))
	}
	for _, e := range []*Entry{entry(s.data.Addresses, addr), entry(s.data.Domains, dom)} {
		e.Count++
		if e.First.IsZero() || o.When.Before(e.First) {
			e.First = o.When.UTC()
		}
		if o.When.After(e.Last) {
			e.Last = o.When.UTC()
		}
		if o.DMARCPass {
			e.Authenticated++
		}
		for _, d := range signers {
			if e.Signers == nil {
				e.Signers = map[string]int{}
			}
			e.Signers[d]++
		}
		if id != "" {
			e.Messages = append(e.Messages, id)
			if len(e.Messages) > maxMessages {
				e.Messages = e.Messages[len(e.Messages)-maxMessages:]
			}
		}
	}
	prune(s.data.Addresses, MaxAddresses)
	prune(s.data.Domains, MaxDomains)
	s.dirty = true
	if time.Since(s.saved) >= saveEvery {
		if err := s.save(); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Flush saves what Record has not saved yet.
func (s *Store) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty || s.readOnly {
		return nil
	}
	return s.save()
}

func entry(m map[string]*Entry, k string) *Entry {
	e := m[k]
	if e == nil {
		e = &Entry{}
		m[k] = e
	}
	return e
}

// prune drops the least recently seen entries beyond max.
func prune(m map[string]*Entry, max int) {
	if len(m) <= max {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]].Last.Before(m[keys[j]].Last) })
	for _, k := range keys[:len(m)-max] {
		delete(m, k)
	}
}

// save writes the memory atomically (package atomicfile): a crash leaves
// either the old memory or the new, never half of one.
func (s *Store) save() error {
	b, err := json.MarshalIndent(s.data, "", " ")
	if err == nil {
		err = atomicfile.WriteFile(s.path, b)
	}
	if err != nil {
		return fmt.Errorf("saving the memory of senders: %w", err)
	}
	s.dirty, s.saved, s.disk = false, time.Now(), stamp(s.path)
	return nil
}
