package recorded

import (
	"net/netip"
	"os"
	"strings"
	"testing"
)

// sessionFields reads testdata/session.txt, a header block of
// Received-SPF and Authentication-Results fields, and returns name and
// unfolded value pairs.
func sessionFields(t testing.TB) [][2]string {
	t.Helper()
	b, err := os.ReadFile("testdata/session.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case line == "":
		case line[0] == ' ' || line[0] == '\t':
			out[len(out)-1][1] += " " + strings.TrimSpace(line)
		default:
			name, value, _ := strings.Cut(line, ":")
			out = append(out, [2]string{name, strings.TrimSpace(value)})
		}
	}
	return out
}

func addr(s string) netip.Addr {
	if s == "" {
		return netip.Addr{}
	}
	return netip.MustParseAddr(s)
}

func TestParseReceivedSPF(t *testing.T) {
	fields := sessionFields(t)
	tests := []struct {
		index                       int
		result, ip, helo, from, rcv string
	}{
		{0, "pass", "192.0.2.1", "", "", ""},
		{1, "pass", "209.85.221.54", "mail-wr1-f54.google.com", "", "protection.outlook.com"},
		{2, "softfail", "203.0.113.9", "mail.example.com", "alice@example.com", "mx.example.org"},
		{3, "none", "2001:db8::25", "[IPv6:2001:db8::25]", "", "mx.example.org"},
		{4, "pass", "", "", "", ""},
		{5, "", "", "", "", ""},
	}
	for _, tt := range tests {
		got := ParseReceivedSPF(fields[tt.index][1])
		if string(got.Result) != tt.result || got.ClientIP != addr(tt.ip) || got.HELO != tt.helo || got.EnvelopeFrom != tt.from || got.Receiver != tt.rcv {
			t.Errorf("field %d: %+v", tt.index, got)
		}
	}
}

func TestHeaderSPF(t *testing.T) {
	fields := sessionFields(t)
	tests := []struct {
		index                      int
		ok                         bool
		id, result, ip, from, helo string
	}{
		{6, true, "mx.google.com", "pass", "192.0.2.1", "alice@example.com", ""},
		{7, true, "", "pass", "209.85.221.54", "example.com", ""},
		{8, true, "mx6.messagingengine.com", "pass", "192.0.2.1", "alice@example.com", "mail.example.com"},
		{9, true, "mx.example.org", "fail", "198.51.100.9", "bob@example.net", "host.example.net"},
		{10, false, "mx.example.org", "", "", "", ""},
		{11, false, "", "", "", "", ""},
	}
	for _, tt := range tests {
		got, ok := ParseValue(fields[tt.index][1]).SPF()
		if ok != tt.ok || got.AuthServID != tt.id || string(got.Result) != tt.result || got.ClientIP != addr(tt.ip) || got.MailFrom != tt.from || got.HELO != tt.helo {
			t.Errorf("field %d: ok=%v %+v", tt.index, ok, got)
		}
	}
}

// FuzzRecorded feeds both recorded-result parsers arbitrary values, seeded
// with the fixtures: they must not panic, and any address they return must
// be valid and unmapped.
func FuzzRecorded(f *testing.F) {
	for _, fl := range sessionFields(f) {
		f.Add(fl[1])
	}
	f.Fuzz(func(t *testing.T, v string) {
		r := ParseReceivedSPF(v)
		if r.ClientIP.IsValid() && r.ClientIP.Is4In6() {
			t.Fatalf("mapped address %v", r.ClientIP)
		}
		a, _ := ParseValue(v).SPF()
		if a.ClientIP.IsValid() && a.ClientIP.Is4In6() {
			t.Fatalf("mapped address %v", a.ClientIP)
		}
		_ = splitOutside(v, ';')
	})
}
