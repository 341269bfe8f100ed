package resolver

import "testing"

// FuzzParseSnapshot checks that no snapshot file, however broken, makes the
// loader or a replayed lookup panic.
func FuzzParseSnapshot(f *testing.F) {
	f.Add([]byte(`{"version":1,"entries":[{"name":"a.example.","type":"TXT","rcode":"NOERROR","answer":["a.example. 300 IN TXT \"v=spf1 -all\""]}]}`))
	f.Add([]byte(`{"version":1,"entries":[{"name":"b.example.","type":"A","error":"no answer (timed out)","timeout":true}]}`))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSnapshot(b)
		if err != nil {
			return
		}
		for _, e := range s.Entries {
			if m, err := s.lookup(e.Name, 16); err == nil && m == nil {
				t.Fatal("nil message without error")
			}
		}
	})
}
