package route

import (
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

func load(t *testing.T, name string) *message.Message {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// without returns a copy of m without the named fields.
func without(m *message.Message, names ...string) *message.Message {
	c := *m
	c.Header = nil
	for _, f := range m.Header {
		keep := true
		for _, n := range names {
			keep = keep && !strings.EqualFold(f.Name, n)
		}
		if keep {
			c.Header = append(c.Header, f)
		}
	}
	return &c
}

func client(t *testing.T, zone string) resolver.Resolver {
	t.Helper()
	srv := dnstest.Start(t, zone)
	return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond})
}

func routeZone(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/route.zone")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAnalyze(t *testing.T) {
	zone := routeZone(t)
	tests := []struct {
		name       string
		file       string
		strip      []string // fields removed from the message first
		noDNS      bool     // serve an empty zone: no MX, no PTR
		opts       Options
		boundary   int
		clientIP   string
		helo       string
		mailFrom   string
		null       bool
		reasonHas  string
		candidates []int
		disagree   []string // substrings, one per disagreement
		fcrdns     string
		internal   []int // hops marked internal
	}{
		{name: "internal relays on top, authenticated submission at the bottom", file: "submission-chain.eml",
			boundary: 2, clientIP: "192.0.2.10", helo: "out.sender.example", mailFrom: "alice@sender.example",
			reasonHas: "MX host of example.org", candidates: []int{4}, fcrdns: "pass", internal: []int{0, 1}},
		{name: "same chain without DNS: the first public hop", file: "submission-chain.eml", noDNS: true,
			boundary: 2, clientIP: "192.0.2.10", helo: "out.sender.example", mailFrom: "alice@sender.example",
			reasonHas: "topmost hop from a public address", candidates: []int{4}, fcrdns: "permerror", internal: []int{0, 1}},
		{name: "forwarding in the middle", file: "forwarded.eml",
			boundary: 1, clientIP: "203.0.113.25", helo: "fwd-out.forwarder.example", mailFrom: "alice@sender.example",
			reasonHas: "mx1.recipient.example", candidates: []int{3, 4}, fcrdns: "fail", internal: []int{0}},
		{name: "Gmail from outside", file: "gmail.eml",
			boundary: 1, clientIP: "192.0.2.1", helo: "mail.example.com", mailFrom: "alice@example.com",
			reasonHas: "topmost hop from a public address", fcrdns: "pass", internal: []int{0}},
		{name: "Gmail to Gmail, the receiver's record settles it", file: "gmail-to-gmail.eml",
			boundary: 1, clientIP: "209.85.220.41", helo: "mail-sor-f41.google.com", mailFrom: "alice@gmail.com",
			reasonHas: "recorded this address as the client", candidates: []int{3}, fcrdns: "pass", internal: []int{0}},
		{name: "Gmail to Gmail without the receiver's record", file: "gmail-to-gmail.eml",
			strip:    []string{"Received-SPF", "Authentication-Results"},
			boundary: 1, clientIP: "209.85.220.41", helo: "mail-sor-f41.google.com", mailFrom: "alice@gmail.com",
			reasonHas: "authenticated submission (hop 4)", candidates: []int{3}, fcrdns: "pass", internal: []int{0, 2}},
		{name: "Office 365: a sibling of the MX host", file: "office365.eml",
			boundary: 3, clientIP: "209.85.221.54", helo: "mail-wr1-f54.google.com", mailFrom: "alice@example.com",
			reasonHas: "contoso-example.mail.protection.outlook.com", candidates: []int{0, 1, 2}, fcrdns: "pass", internal: []int{0, 1, 2}},
		{name: "Office 365 without DNS: provider hops skipped", file: "office365.eml", noDNS: true,
			boundary: 3, clientIP: "209.85.221.54", helo: "mail-wr1-f54.google.com", mailFrom: "alice@example.com",
			reasonHas: "topmost hop from a public address", candidates: []int{0, 1, 2}, fcrdns: "permerror", internal: []int{0, 1, 2}},
		{name: "Fastmail: Cyrus and LMTP hops inside", file: "fastmail.eml",
			boundary: 3, clientIP: "192.0.2.1", helo: "mail.example.com", mailFrom: "alice@example.com",
			reasonHas: "the 3 hop(s) above it are internal", fcrdns: "pass", internal: []int{0, 1, 2}},
		{name: "a mailing list into a hosted mailbox: the receiver's record, not the list's MX", file: "list-into-outlook.eml",
			boundary: 2, clientIP: "198.51.100.30", helo: "mail.lists.example.org", mailFrom: "list-bounces@lists.example.org",
			reasonHas: "only read from To", candidates: []int{0, 1, 3, 4}, fcrdns: "pass", internal: []int{0, 1}},
		{name: "a filtering service as MX: the MX outweighs the record of the server behind it", file: "filter-to-onprem.eml",
			boundary: 2, clientIP: "192.0.2.70", helo: "mail.sender.example", mailFrom: "alice@sender.example",
			reasonHas: "written by a server behind the MX host", candidates: []int{1}, fcrdns: "pass", internal: []int{0, 1},
			disagree: []string{"client address 198.51.100.60"}},
		{name: "bounce: null sender", file: "bounce.eml",
			boundary: 0, clientIP: "198.51.100.20", helo: "mailer.example.net", null: true,
			reasonHas: "MX host", fcrdns: "pass"},
		{name: "receiver disagrees", file: "disagree.eml",
			boundary: 0, clientIP: "192.0.2.10", helo: "out.sender.example", mailFrom: "alice@sender.example",
			reasonHas: "MX host", candidates: []int{1}, fcrdns: "pass",
			disagree: []string{"client address 198.51.100.99", "envelope sender other@sender.example"}},
		{name: "fetchmail and a scanner above the MX hop are not hops", file: "fetchmail.eml",
			boundary: 0, clientIP: "192.0.2.10", helo: "out.sender.example", mailFrom: "alice@sender.example",
			reasonHas: "MX host of recipient.example", candidates: []int{1}, fcrdns: "pass"},
		{name: "client IP given", file: "forwarded.eml", opts: Options{ClientIP: netip.MustParseAddr("192.0.2.10")},
			boundary: 3, clientIP: "192.0.2.10", helo: "out.sender.example", mailFrom: "alice@sender.example",
			reasonHas: "Chosen by you", candidates: []int{1, 4}, fcrdns: "pass",
			disagree: []string{"203.0.113.25 is the sending address of hop 2"}},
		{name: "client IP given that no hop shows", file: "forwarded.eml", opts: Options{ClientIP: netip.MustParseAddr("198.51.100.200")},
			boundary: -1, clientIP: "198.51.100.200", mailFrom: "alice@sender.example",
			reasonHas: "no Received field shows it", candidates: []int{1, 3, 4}, fcrdns: "permerror",
			disagree: []string{"client address 203.0.113.25"}},
		{name: "hop chosen", file: "forwarded.eml", opts: Options{Hop: 4},
			boundary: 3, clientIP: "192.0.2.10", helo: "out.sender.example", mailFrom: "alice@sender.example",
			reasonHas: "Chosen by you: hop 4", candidates: []int{1, 4}, fcrdns: "pass",
			disagree: []string{"client address 203.0.113.25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := zone
			if tt.noDNS {
				z = "nothing.invalid. 300 IN A 192.0.2.255"
			}
			r := client(t, z)
			m := without(load(t, tt.file), tt.strip...)
			rt := analyze(r, m, tt.opts)
			if rt.Boundary != tt.boundary {
				t.Fatalf("boundary %d, want %d (%s)", rt.Boundary, tt.boundary, rt.BoundaryReason)
			}
			if tt.boundary >= 0 && !rt.Hops[tt.boundary].Boundary {
				t.Errorf("hop %d not marked boundary", tt.boundary)
			}
			if got := rt.ClientIP.String(); got != tt.clientIP {
				t.Errorf("client IP %s, want %s", got, tt.clientIP)
			}
			if rt.HELO != tt.helo || rt.MailFrom != tt.mailFrom || rt.NullSender != tt.null {
				t.Errorf("helo %q, mail from %q, null %v; want %q, %q, %v", rt.HELO, rt.MailFrom, rt.NullSender, tt.helo, tt.mailFrom, tt.null)
			}
			if !strings.Contains(rt.BoundaryReason, tt.reasonHas) {
				t.Errorf("reason %q does not say %q", rt.BoundaryReason, tt.reasonHas)
			}
			var cands []int
			for _, c := range rt.Candidates {
				cands = append(cands, c.Hop)
				if c.Why == "" {
					t.Errorf("candidate %d without a why", c.Hop)
				}
			}
			if !equalInts(cands, tt.candidates) {
				t.Errorf("candidates %v, want %v (%+v)", cands, tt.candidates, rt.Candidates)
			}
			if len(rt.Disagreements) != len(tt.disagree) {
				t.Errorf("disagreements %q, want %d", rt.Disagreements, len(tt.disagree))
			} else {
				for i, d := range tt.disagree {
					if !strings.Contains(rt.Disagreements[i], d) {
						t.Errorf("disagreement %q does not say %q", rt.Disagreements[i], d)
					}
				}
			}
			got := ""
			if rt.FCrDNS != nil {
				got = string(rt.FCrDNS.Result)
			}
			if got != tt.fcrdns {
				t.Errorf("fcrdns %q, want %q (%+v)", got, tt.fcrdns, rt.FCrDNS)
			}
			var internal []int
			for i, h := range rt.Hops {
				if h.Internal {
					internal = append(internal, i)
					if h.InternalReason == "" {
						t.Errorf("hop %d internal without a reason", i)
					}
				}
			}
			if !tt.opts.ClientIP.IsValid() && tt.opts.Hop == 0 && !equalInts(internal, tt.internal) {
				t.Errorf("internal hops %v, want %v", internal, tt.internal)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTimeline(t *testing.T) {
	r := client(t, routeZone(t))
	rt := analyze(r, load(t, "submission-chain.eml"), Options{})
	// Hop 3 is dated in UTC, the others in +0100: delays are computed on
	// instants, not on the clock digits.
	wantDelays := []float64{1, 2, 1, 2}
	for i, want := range wantDelays {
		h := rt.Hops[i]
		if h.DelaySeconds == nil || *h.DelaySeconds != want {
			t.Errorf("hop %d delay %v, want %v", i, h.DelaySeconds, want)
		} else if h.ClockSkew {
			t.Errorf("hop %d clock skew", i)
		}
	}
	if d := rt.Hops[4].DelaySeconds; d != nil {
		t.Errorf("bottom hop has delay %v", *d)
	}
	if rt.ClockSkew {
		t.Error("route clock skew flagged")
	}
	if rt.TransitSeconds == nil || *rt.TransitSeconds != 6 {
		t.Errorf("transit %v, want 6", rt.TransitSeconds)
	}
	enc := []bool{false, false, true, false, true}
	for i, want := range enc {
		if rt.Hops[i].Encrypted != want || (rt.Hops[i].TLS != nil) != want {
			t.Errorf("hop %d encrypted %v tls %+v, want %v", i, rt.Hops[i].Encrypted, rt.Hops[i].TLS, want)
		}
	}
	if rt.Hops[2].TLS.Version != "TLSv1.3" {
		t.Errorf("hop 2 TLS %+v", rt.Hops[2].TLS)
	}
	if !rt.Hops[4].Authenticated {
		t.Error("submission hop not authenticated")
	}
}

func TestBounceClockSkew(t *testing.T) {
	r := client(t, routeZone(t))
	rt := analyze(r, load(t, "bounce.eml"), Options{})
	if !rt.ClockSkew || !rt.Hops[0].ClockSkew || rt.Hops[0].DelaySeconds == nil || *rt.Hops[0].DelaySeconds != -90 {
		t.Errorf("skew not flagged: %+v", rt.Hops[0])
	}
}

func TestNoReceived(t *testing.T) {
	m, err := message.Parse("x.eml", []byte("From: a@example.com\r\nTo: b@example.org\r\nSubject: x\r\n\r\nx\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	rt := analyze(client(t, routeZone(t)), m, Options{})
	if rt.Boundary != -1 || rt.ClientIP.IsValid() || rt.FCrDNS != nil || !strings.Contains(rt.BoundaryReason, "no Received fields") {
		t.Errorf("route %+v", rt)
	}
	b, _ := json.Marshal(rt)
	for _, k := range []string{`"hops":[]`, `"candidates":[]`, `"disagreements":[]`, `"boundary":-1`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON %s lacks %s", b, k)
		}
	}
}

// TestRouteJSON checks the names the report relies on: one object per hop
// with from, helo, ip, by, with, tls, time, delay_seconds, internal,
// boundary.
func TestRouteJSON(t *testing.T) {
	rt := analyze(client(t, routeZone(t)), load(t, "forwarded.eml"), Options{})
	b, err := json.Marshal(rt)
	if err != nil {
		t.Fatal(err)
	}
	var hops []map[string]any
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hops", "boundary", "boundary_reason", "candidates", "client_ip", "helo", "mail_from", "null_sender",
		"fcrdns", "recorded", "disagreements", "transit_seconds", "clock_skew"} {
		if _, ok := top[k]; !ok {
			t.Errorf("route JSON lacks %q", k)
		}
	}
	if err := json.Unmarshal(top["hops"], &hops); err != nil {
		t.Fatal(err)
	}
	for i, h := range hops {
		for _, k := range []string{"from", "helo", "ip", "by", "with", "tls", "time", "delay_seconds", "internal", "boundary", "raw"} {
			if _, ok := h[k]; !ok {
				t.Errorf("hop %d JSON lacks %q: %v", i, k, h)
			}
		}
	}
	if hops[1]["boundary"] != true || hops[1]["ip"] != "203.0.113.25" || hops[1]["from"] != "fwd-out.forwarder.example" {
		t.Errorf("boundary hop JSON %v", hops[1])
	}
}

// analyze runs Analyze as the engine does, with what the receiving side
// recorded read from m.
func analyze(r resolver.Resolver, m *message.Message, opts Options) *Route {
	opts.Recorded = recorded.Read(m).Session()
	return Analyze(context.Background(), r, m, opts)
}

// TestNotHops checks that Received fields that record no hand-off between
// hosts (a fetchmail retrieval from the POP server's public address, qmail's
// queue record, a scanner's pass that names the client's address) are left
// out of the hops, so that none of them can be the boundary, and are named
// in the route's notes instead.
func TestNotHops(t *testing.T) {
	r := client(t, routeZone(t))
	m := load(t, "fetchmail.eml")
	rt := analyze(r, m, Options{})
	var ips []string
	for _, h := range rt.Hops {
		ips = append(ips, h.IP.String())
		if h.Received.NotHop != "" {
			t.Errorf("hop %q is not a hop: %s", h.Raw, h.Received.NotHop)
		}
	}
	if want := []string{"192.0.2.10", "198.51.100.7"}; strings.Join(ips, " ") != strings.Join(want, " ") {
		t.Fatalf("hops from %v, want %v", ips, want)
	}
	if rt.Hops[0].Field != 5 || rt.Hops[1].Field != 6 {
		t.Errorf("hops are header fields %d and %d, want 5 and 6", rt.Hops[0].Field, rt.Hops[1].Field)
	}
	for _, want := range []string{"Received field 1 (from the top) is not a hop", "mailbox retrieval (with POP3)",
		"Received field 2 (from the top)", "qmail's record", "Received field 3 (from the top)", "content filter's pass"} {
		if !strings.Contains(strings.Join(rt.Notes, "\n"), want) {
			t.Errorf("notes %q do not say %q", rt.Notes, want)
		}
	}
	// Options.Hop counts hops alone: hop 2 is the submission.
	rt = analyze(r, m, Options{Hop: 2})
	if rt.Boundary != 1 || rt.ClientIP.String() != "198.51.100.7" {
		t.Errorf("hop 2 chosen: boundary %d, client %s", rt.Boundary, rt.ClientIP)
	}
}
