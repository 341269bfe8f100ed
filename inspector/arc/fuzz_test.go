package arc

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// keySnapshot is a DNS snapshot holding the keys of the fixture (and of
// the suite, when it is there), so that fuzzing reaches signature
// verification without a network or a server.
func keySnapshot(f *testing.F, suite []suiteCase) *resolver.Snapshot {
	type entry struct {
		Name   string   `json:"name"`
		Type   string   `json:"type"`
		Rcode  string   `json:"rcode"`
		Answer []string `json:"answer"`
	}
	var entries []entry
	seen := map[string]bool{}
	add := func(line string) {
		name, _, _ := strings.Cut(line, " ")
		if line == "" || strings.HasPrefix(line, ";") || seen[name] {
			return
		}
		seen[name] = true
		entries = append(entries, entry{Name: name, Type: "TXT", Rcode: "NOERROR", Answer: []string{line}})
	}
	zf, err := os.Open("testdata/list-forward.zone")
	if err != nil {
		f.Fatal(err)
	}
	defer zf.Close()
	for sc := bufio.NewScanner(zf); sc.Scan(); {
		add(strings.TrimSpace(sc.Text()))
	}
	for _, c := range suite {
		for _, line := range strings.Split(zoneOf(c.records), "\n") {
			add(line)
		}
	}
	js, err := json.Marshal(map[string]any{"version": 1, "entries": entries})
	if err != nil {
		f.Fatal(err)
	}
	snap, err := resolver.ParseSnapshot(js)
	if err != nil {
		f.Fatal(err)
	}
	return snap
}

// FuzzParseSets feeds whole messages to the ARC parser and validator,
// seeded with the fixture and every message of the ValiMail suite: parsing
// and validation must never panic or hang, a chain reported as well formed
// must really be 1..N with every field present, and the result must be a
// known word with a reason.
func FuzzParseSets(f *testing.F) {
	var suite []suiteCase
	if _, err := os.Stat(suiteFile); err == nil {
		suite = loadSuite(f)
	}
	data, err := os.ReadFile("testdata/list-forward.eml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, c := range suite {
		f.Add([]byte(c.message))
	}
	snap := keySnapshot(f, suite)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := message.Parse("fuzz", data)
		if err != nil {
			return
		}
		sets, err := ParseSets(m)
		if err == nil {
			for i, s := range sets {
				if s.Instance != i+1 || s.AAR < 0 || s.AMS < 0 || s.Seal < 0 || s.Results == nil {
					t.Fatalf("set %d of a well-formed chain: %+v", i+1, s)
				}
			}
		} else if _, ok := err.(*StructureError); !ok {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if len(sets) > MaxInstances {
			t.Fatalf("%d sets", len(sets))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res := Validate(ctx, resolver.New(resolver.Config{Replay: snap}), m)
		switch res.Result {
		case result.Pass, result.Fail, result.None, result.TempError:
		default:
			t.Fatalf("result %q", res.Result)
		}
		if res.Reason == "" || res.Code == "" {
			t.Fatalf("no reason or code: %+v", res)
		}
		if res.Result == result.Pass && err != nil {
			t.Fatalf("pass with a broken structure: %v", err)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseFields feeds single ARC-Seal and ARC-Message-Signature values to
// their parsers.
func FuzzParseFields(f *testing.F) {
	f.Add(" i=1; a=rsa-sha256; cv=none; d=lists.example.org; s=arc;\r\n\tt=1704189602; b=AAAA")
	f.Add(" i=1; a=rsa-sha256; c=relaxed/relaxed; d=lists.example.org;\r\n\ts=arc; t=1; h=From:To; bh=MGRjjUA+R6ghAi89RZ9hL7A5uJ/uGik7h3EosShAOWM=; b=AAAA")
	f.Add(" i=2;; a=rsa-sha1; cv=Pass; h=x")
	f.Fuzz(func(t *testing.T, v string) {
		if s, err := ParseSeal(v); err == nil {
			if s.Instance < 1 || (s.CV != "none" && s.CV != "pass" && s.CV != "fail") || len(s.Signature) == 0 {
				t.Fatalf("ParseSeal(%q) = %+v without error", v, s)
			}
		}
		if s, err := ParseMessageSignature(v); err == nil {
			if s.Instance < 1 || len(s.Headers) == 0 || len(s.BodyHash) != 32 {
				t.Fatalf("ParseMessageSignature(%q) = %+v without error", v, s)
			}
		}
		tagInstance(v)
	})
}
