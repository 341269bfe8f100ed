// Package keyarchive keeps every DKIM and ARC key that Mail Inspector
// fetches, so that a signature can still be checked after its domain has
// replaced or removed the key: forensics tries the keys kept on a
// signature that fails today (key_rotated), and a report says when the key
// published today is not the one seen last time ("key changed since you
// last saw this sender").
//
// The archive is one JSON file (by default keys.json in the mailinspector
// folder of the user's configuration folder, os.UserConfigDir), read
// whole when opened and written whole, to a temporary file renamed over
// the old one, so that a crash never leaves half a file. Each key is kept
// once per key name, with when it was first and last seen (to the hour:
// a later sight is saved when it is an hour or more later) and the DNS
// answer it came in. A read-only archive (offline mode, a replayed DNS
// snapshot) is read but never written.
package keyarchive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/internal/atomicfile"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// version is written into the file so that a later format can tell it.
const version = 1

// MaxKeys bounds the archive: beyond it, the keys seen least recently go.
const MaxKeys = 20_000

// Key is one key kept: where it was published, the record, and when.
type Key struct {
	// Name is where the key was published: selector._domainkey.domain,
	// lower case, without the final dot.
	Name     string `json:"name"`
	Domain   string `json:"domain"`
	Selector string `json:"selector"`
	// Record is the TXT record as found, its strings joined.
	Record string `json:"record"`
	// The DNS answer it came in: the record's strings as they came, the
	// aliases followed, the DNSSEC AD bit, the server that answered.
	TXT    []string `json:"txt_strings,omitempty"`
	CNAMEs []string `json:"cnames,omitempty"`
	AD     bool     `json:"dnssec_ad,omitempty"`
	Server string   `json:"server,omitempty"`
	// FirstSeen and LastSeen are when it was seen first and last.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Source says how it came: "dns" or "import" (from a DNS snapshot).
	Source string `json:"source"`

	// id is the key itself (type and p=), which tells two records of the
	// same key apart from two keys.
	id string
}

// file is the archive's JSON form.
type file struct {
	Version int   `json:"version"`
	Keys    []Key `json:"keys"`
}

// Archive is a key archive. Its methods may be called from several
// goroutines; a nil *Archive is an archive that holds nothing and keeps
// nothing.
type Archive struct {
	path     string
	readOnly bool

	mu   sync.Mutex
	keys []Key
}

// ErrNoDefault is returned by DefaultPath in a test binary: a test never
// uses the user's own archive, it gives a temporary path.
var ErrNoDefault = errors.New("keyarchive: no default archive in tests; use a temporary path")

// DefaultPath is where the archive lives: keys.json in the mailinspector
// folder of the user's configuration folder.
func DefaultPath() (string, error) {
	if testing.Testing() {
		return "", ErrNoDefault
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "mailinspector", "keys.json"), nil
}

// Open reads the archive at path; a missing file is an empty archive,
// created at the first key kept. With readOnly, the archive is never
// written. An archive that cannot be read is an error, and is left as it
// is.
func Open(path string, readOnly bool) (*Archive, error) {
	a := &Archive{path: path, readOnly: readOnly}
	keys, err := load(path)
	if err != nil {
		return nil, err
	}
	a.keys = keys
	return a, nil
}

// load reads an archive file; a missing one holds no keys.
func load(path string) ([]Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parse(b, path)
}

func parse(b []byte, name string) ([]Key, error) {
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: not a key archive: %v", name, err)
	}
	if f.Version != version {
		return nil, fmt.Errorf("%s: key archive version %d, want %d", name, f.Version, version)
	}
	keys := f.Keys[:0]
	for _, k := range f.Keys {
		if k.id = keyID(k.Record); k.id != "" && k.Name != "" {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// keyID is the key of a record (its type and p=), or "" when the record
// holds no usable key.
func keyID(record string) string {
	k, err := dkim.ParseKey(record)
	if err != nil || k.Public == nil {
		return ""
	}
	tags, _ := dkim.ParseTags(record)
	p, _ := tags.Get("p")
	return k.Type + ":" + strings.Join(strings.Fields(p), "")
}

// ReadOnly says whether the archive is never written.
func (a *Archive) ReadOnly() bool { return a == nil || a.readOnly }

// Path is the archive's file.
func (a *Archive) Path() string {
	if a == nil {
		return ""
	}
	return a.path
}

// History is the archive as forensics asks it, nil for a nil archive.
func (a *Archive) History() dkim.KeyHistory {
	if a == nil {
		return nil
	}
	return a
}

// Keys returns the keys kept for name, the most recently seen first.
func (a *Archive) Keys(name string) []dkim.ArchivedKey {
	if a == nil {
		return nil
	}
	name = normalize(name)
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []dkim.ArchivedKey
	for _, k := range a.keys {
		if k.Name == name {
			out = append(out, dkim.ArchivedKey{Record: k.Record, FirstSeen: k.FirstSeen, LastSeen: k.LastSeen})
		}
	}
	slices.SortStableFunc(out, func(x, y dkim.ArchivedKey) int { return y.LastSeen.Compare(x.LastSeen) })
	return out
}

// All returns a copy of every key kept, by name and then first seen.
func (a *Archive) All() []Key {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return sorted(a.keys)
}

func sorted(keys []Key) []Key {
	out := slices.Clone(keys)
	slices.SortStableFunc(out, func(x, y Key) int {
		if c := strings.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return x.FirstSeen.Compare(y.FirstSeen)
	})
	return out
}

func normalize(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

// Record keeps the DKIM and ARC keys among the answers of a check (the
// TXT answers at selector._domainkey names that hold one key) and saves
// the archive. It does nothing on a read-only or nil archive.
func (a *Archive) Record(answers []resolver.Answer) error {
	if a.ReadOnly() {
		return nil
	}
	var found []Key
	for _, ans := range answers {
		if ans.Type != "TXT" || ans.Rcode != "NOERROR" || len(ans.Records) != 1 {
			continue
		}
		k := Key{Name: ans.Name, Record: ans.Records[0], CNAMEs: ans.CNAMEs, AD: ans.AD, Server: ans.Server, FirstSeen: ans.Time, LastSeen: ans.Time, Source: "dns"}
		if len(ans.TXT) == 1 {
			k.TXT = ans.TXT[0]
		}
		found = append(found, k)
	}
	_, err := a.add(found)
	return err
}

// ImportFile keeps the keys of a file: a DNS snapshot (as `check --record`
// writes it) or an exported archive. It returns how many keys were new.
func (a *Archive) ImportFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var probe struct {
		Keys json.RawMessage `json:"keys"`
	}
	if json.Unmarshal(b, &probe) == nil && probe.Keys != nil {
		keys, err := parse(b, path)
		if err != nil {
			return 0, err
		}
		if a.ReadOnly() {
			return 0, errReadOnly
		}
		return a.add(keys)
	}
	s, err := resolver.ParseSnapshot(b)
	if err != nil {
		return 0, fmt.Errorf("%s: neither a DNS snapshot nor a key archive: %v", path, err)
	}
	return a.Import(s)
}

var errReadOnly = errors.New("keyarchive: the archive is read-only")

// Import keeps the DKIM and ARC keys of a DNS snapshot (as `check
// --record` writes it), seen when it was recorded, and saves the archive.
// It returns how many keys were new.
func (a *Archive) Import(s *resolver.Snapshot) (int, error) {
	if a.ReadOnly() {
		return 0, errReadOnly
	}
	var found []Key
	for _, e := range s.Entries {
		if e.Type != "TXT" || e.Rcode != "NOERROR" {
			continue
		}
		var txts []*dns.TXT
		var cnames []string
		for _, line := range e.Answer {
			rr, _ := dns.NewRR(line)
			switch r := rr.(type) {
			case *dns.TXT:
				txts = append(txts, r)
			case *dns.CNAME:
				cnames = append(cnames, strings.TrimSuffix(r.Target, "."))
			}
		}
		if len(txts) != 1 {
			continue
		}
		found = append(found, Key{Name: e.Name, Record: strings.Join(txts[0].Txt, ""), TXT: txts[0].Txt, CNAMEs: cnames, AD: e.AD,
			FirstSeen: s.Recorded, LastSeen: s.Recorded, Source: "import"})
	}
	return a.add(found)
}

// add keeps the keys among found (those at a _domainkey name whose record
// holds a key), merging each with the same key kept at the same name, and
// saves the archive when anything changed. It returns how many are new.
func (a *Archive) add(found []Key) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	added, changed := 0, false
	for _, k := range found {
		k.Name = normalize(k.Name)
		sel, dom, ok := strings.Cut(k.Name, "._domainkey.")
		if !ok || sel == "" || dom == "" {
			continue
		}
		if k.id = keyID(k.Record); k.id == "" {
			continue
		}
		if k.FirstSeen.IsZero() {
			k.FirstSeen, k.LastSeen = time.Now().UTC(), time.Now().UTC()
		}
		k.Selector, k.Domain = sel, dom
		var isNew, worth bool
		if a.keys, isNew, worth = merge(a.keys, k); isNew {
			added++
		}
		changed = changed || worth
	}
	if !changed {
		return 0, nil
	}
	return added, a.save()
}

// merge adds k to keys, or widens the times of the same key at the same
// name (taking the newer record and answer). It says whether k was new,
// and whether the change is worth saving: a new key, an earlier first
// sight, a new record, or a last sight an hour or more later (a mailbox
// checked in one run saves once per key, not once per message).
func merge(keys []Key, k Key) (out []Key, isNew, worth bool) {
	for i := range keys {
		old := &keys[i]
		if old.Name != k.Name || old.id != k.id {
			continue
		}
		worth = k.FirstSeen.Before(old.FirstSeen) || k.LastSeen.Sub(old.LastSeen) >= time.Hour ||
			k.LastSeen.After(old.LastSeen) && k.Record != old.Record
		if k.FirstSeen.Before(old.FirstSeen) {
			old.FirstSeen = k.FirstSeen
		}
		if !k.LastSeen.Before(old.LastSeen) {
			first := old.FirstSeen
			*old = k
			old.FirstSeen = first
		}
		return keys, false, worth
	}
	return append(keys, k), true, true
}

// save writes the archive: the keys on disk now (another process may have
// added some) merged with these, atomically (a temporary file in the same
// folder that then replaces the archive; readable by the user only).
func (a *Archive) save() error {
	onDisk, err := load(a.path)
	if err != nil {
		return fmt.Errorf("the key archive was not saved, so as not to overwrite it: %w", err)
	}
	for _, k := range onDisk {
		a.keys, _, _ = merge(a.keys, k)
	}
	if len(a.keys) > MaxKeys {
		slices.SortStableFunc(a.keys, func(x, y Key) int { return y.LastSeen.Compare(x.LastSeen) })
		a.keys = a.keys[:MaxKeys]
	}
	var b bytes.Buffer
	if err := write(&b, a.keys); err != nil {
		return err
	}
	return atomicfile.WriteFile(a.path, b.Bytes())
}

func write(w io.Writer, keys []Key) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(file{Version: version, Keys: sorted(keys)})
}

// Export writes the archive in its file format: the keys, sorted by name
// and first seen.
func (a *Archive) Export(w io.Writer) error {
	return write(w, a.All())
}
