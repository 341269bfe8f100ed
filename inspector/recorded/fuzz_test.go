package recorded

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// FuzzParseValue feeds Authentication-Results and ARC-Authentication-Results
// values to the parser, seeded with every such field of the fixtures: it
// must never panic, and what it returns must be usable.
func FuzzParseValue(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		m, err := message.Parse(file, data)
		if err != nil {
			f.Fatal(err)
		}
		for _, fl := range m.Header {
			if strings.HasSuffix(strings.ToLower(fl.Name), "authentication-results") {
				f.Add(fl.RawValue(), strings.HasPrefix(strings.ToLower(fl.Name), "arc-"))
			}
		}
	}
	f.Add(`a.example; dkim=fail reason="x; y" (c (nested) \) ) header.d=a`, false)
	f.Fuzz(func(t *testing.T, value string, arc bool) {
		var h *Header
		if arc {
			h = ParseARCValue(value)
		} else {
			h = ParseValue(value)
		}
		for _, m := range h.Results {
			if m.Method != strings.ToLower(m.Method) && m.Method != "" {
				t.Fatalf("method %q not lower case", m.Method)
			}
			m.Domain()
			m.IP()
		}
		c := Choose(nil, []*Header{h}, Receiver{Host: h.AuthservID, Received: -1})
		Compare(c, Now{SPF: &SPFNow{IP: "192.0.2.1"}, DKIM: []DKIMNow{{Domain: "a"}}, DMARC: &Verdict{}, ARC: &ARCNow{Earliest: h}})
	})
}
