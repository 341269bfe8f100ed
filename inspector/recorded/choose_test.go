package recorded

import (
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	type untrusted struct {
		index int
		why   string
	}
	tests := []struct {
		file      string
		rcv       Receiver
		trusted   int // index of the trusted field, -1 for none
		untrusted []untrusted
		above     bool // the trusted field sits above the receiver's Received
	}{
		{
			file: "forged.eml", rcv: Receiver{Host: "MX.Recipient.Example.", Received: 1}, trusted: 0, above: true,
			untrusted: []untrusted{
				{2, "a field of the receiver MX.Recipient.Example. above it takes precedence"},
				{3, "its authserv-id bank.example is not the receiving server"},
				{5, "already in the message when the receiver got it"},
			},
		},
		{
			// Without the position of the Received field, the sender's copy
			// of the receiver's name at the bottom is still not the topmost.
			file: "forged.eml", rcv: Receiver{Host: "mx.recipient.example", Received: -1}, trusted: 0,
			untrusted: []untrusted{
				{2, "takes precedence"},
				{3, "not the receiving server"},
				{5, "takes precedence"},
			},
		},
		{
			// Another host of the receiver's organisation counts.
			file: "forged.eml", rcv: Receiver{Host: "mx2.recipient.example", Received: 1}, trusted: 0, above: true,
			untrusted: []untrusted{{2, "takes precedence"}, {3, "not the receiving server"}, {5, "already in the message"}},
		},
		{
			// The receiver wrote nothing: the sender's fields are all
			// refused, the one claiming the receiver's name by position.
			file: "forged-only.eml", rcv: Receiver{Host: "mx.recipient.example", Received: 0}, trusted: -1,
			untrusted: []untrusted{
				{1, "names no authserv-id and sits below the receiver's Received field"},
				{3, "already in the message when the receiver got it"},
			},
		},
		{
			file: "forged-only.eml", rcv: Receiver{}, trusted: -1,
			untrusted: []untrusted{{1, "could not be identified"}, {3, "could not be identified"}},
		},
		{
			file: "gmail.eml", rcv: Receiver{Host: "mx.google.example", Received: 5}, trusted: 7,
		},
		{
			// Microsoft: no authserv-id, but above the receiver's Received.
			file: "microsoft.eml", rcv: Receiver{Host: "AM0EUR02FT001.mail.protection.outlook.example", Received: 1}, trusted: 0, above: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.file+" "+tc.rcv.Host, func(t *testing.T) {
			m := load(t, tc.file)
			c := Choose(m, Read(m).Results, tc.rcv)
			got := -1
			if c.Trusted != nil {
				got = c.Trusted.Index
			}
			if got != tc.trusted {
				t.Errorf("trusted = %d, want %d (%s)", got, tc.trusted, c.Why)
			}
			if c.Why == "" {
				t.Error("no why")
			}
			if c.AboveReceived != tc.above {
				t.Errorf("AboveReceived = %v, want %v", c.AboveReceived, tc.above)
			}
			if len(c.Untrusted) != len(tc.untrusted) {
				for _, u := range c.Untrusted {
					t.Logf("untrusted %d: %s", u.Index, u.Why)
				}
				t.Fatalf("%d untrusted, want %d", len(c.Untrusted), len(tc.untrusted))
			}
			for i, u := range tc.untrusted {
				g := c.Untrusted[i]
				if g.Index != u.index || !strings.Contains(g.Why, u.why) {
					t.Errorf("untrusted %d: index %d why %q; want %d, %q", i, g.Index, g.Why, u.index, u.why)
				}
			}
		})
	}
}

func TestChooseKeepsARC(t *testing.T) {
	m := load(t, "gmail.eml")
	c := Choose(m, Read(m).Results, Receiver{Host: "mx.google.example", Received: 5})
	if len(c.ARC) != 1 || c.ARC[0].Instance != 1 {
		t.Errorf("ARC = %+v", c.ARC)
	}
}
