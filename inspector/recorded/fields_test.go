package recorded

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

func TestFieldsSession(t *testing.T) {
	const ar = "Authentication-Results: mx.example.org;\r\n spf=pass (sender IP is 192.0.2.7) smtp.mailfrom=bob@a.example smtp.helo=out.a.example\r\n"
	const rspf = "Received-SPF: pass (mx.example.org: domain of bob@a.example designates 192.0.2.9 as permitted sender)\r\n client-ip=192.0.2.9; envelope-from=<bob@a.example>; helo=mail.a.example\r\n"
	const rest = "Received: from out.a.example by mx.example.org; Tue, 10 Mar 2026 09:15:04 +0000\r\nFrom: bob@a.example\r\n\r\nbody\r\n"
	tests := []struct {
		name     string
		header   string
		ip, helo string
		sources  []string
		fields   []int
	}{
		{"Received-SPF first", rspf + ar, "192.0.2.9", "mail.a.example",
			[]string{"Received-SPF", "Authentication-Results (mx.example.org)"}, []int{0, 1}},
		{"Authentication-Results first: Received-SPF still wins, sources in header order", ar + rspf, "192.0.2.9", "mail.a.example",
			[]string{"Authentication-Results (mx.example.org)", "Received-SPF"}, []int{0, 1}},
		{"Authentication-Results alone", ar, "192.0.2.7", "out.a.example",
			[]string{"Authentication-Results (mx.example.org)"}, []int{0}},
		{"nothing recorded", "", "", "", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := message.Parse("t.eml", []byte(tc.header+rest))
			if err != nil {
				t.Fatal(err)
			}
			s := Read(m).Session()
			var ip netip.Addr
			if tc.ip != "" {
				ip = netip.MustParseAddr(tc.ip)
			}
			if s.ClientIP != ip || s.HELO != tc.helo || !slices.Equal(s.Sources, tc.sources) || !slices.Equal(s.Fields, tc.fields) {
				t.Errorf("session %+v, want ip %s helo %s sources %q fields %v", s, tc.ip, tc.helo, tc.sources, tc.fields)
			}
		})
	}
}

// TestReadParsesRawBytes: the recorded fields are parsed from what the
// server wrote, not from the value decoded for display, in which an
// encoded word in a comment could turn into a ";" or a "(" that changes
// the structure.
func TestReadParsesRawBytes(t *testing.T) {
	raw := "Authentication-Results: mx.example.org; spf=pass (=?UTF-8?Q?a=3B_dkim=3Dfail?=) smtp.mailfrom=a.example\r\nFrom: a@a.example\r\n\r\nx\r\n"
	m, err := message.Parse("t.eml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	f := Read(m)
	if len(f.Results) != 1 {
		t.Fatalf("%d fields", len(f.Results))
	}
	for _, r := range f.Results[0].Results {
		if r.Method == "dkim" {
			t.Errorf("a dkim result was read out of an encoded word in a comment: %+v", f.Results[0].Results)
		}
	}
}
