package received

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// suiteDir is the conformance suite of Received fields read by Apache
// SpamAssassin (its README explains the format). It lives beside the
// repository, in the shared folder, and is absent from a plain clone.
const suiteDir = "../../../shared/conformance/received-spamassassin"

// saRelay is one relay as SpamAssassin reads it from a Received field.
type saRelay struct {
	IP      string `json:"ip"`
	RDNS    string `json:"rdns"`
	HELO    string `json:"helo"`
	By      string `json:"by"`
	Auth    string `json:"auth"`
	EnvFrom string `json:"envfrom"`
	ID      string `json:"id"`
	Source  string `json:"source"`
}

// saCase is one field of cases.json: Skip when SpamAssassin finds no relay
// hop in it.
type saCase struct {
	ID       string  `json:"id"`
	Received string  `json:"received"`
	Skip     bool    `json:"skip"`
	Expect   saRelay `json:"expect"`
}

// saChain is one chain of relays.json: Received fields topmost first, and
// the relays SpamAssassin found in them, trusted ones first.
type saChain struct {
	ID        string    `json:"id"`
	Received  []string  `json:"received"`
	Trusted   []saRelay `json:"trusted"`
	Untrusted []saRelay `json:"untrusted"`
}

// Why this parser reads a field otherwise than SpamAssassin, on purpose.
const (
	// "from loki.komtel.net (212.7.146.145)": qmail writes the reverse-DNS
	// name there, Exchange and CriticalPath the HELO name. SpamAssassin
	// takes the one name for both; we keep it as the HELO name only.
	whyOneName = "one name before a bare (address): Exchange and others write the HELO name there, so it is not claimed as a reverse-DNS name"
	// "from 211.245.85.228 (EHLO ) (211.245.85.228)".
	whyAddressAsRDNS = "SpamAssassin gives the address itself as the reverse-DNS name; an address is not a name a reverse lookup returned"
	// "from 24.8.231.233 by host with HTTP".
	whyHTTPAuth = "webmail (\"with HTTP\", \"via HTTP\") that names no login: authenticated only where the field says so (\"account x\", \"authenticated user x\")"
	// "by mail.gmx.net (mp033) with SMTP".
	whyVendorAuth = "SpamAssassin knows that this provider's host takes only authenticated submission; the field does not say so"
	// "from name ([ip]) (SquirrelMail authenticated user x); by host with
	// HTTP".
	whyWebmailName = "the name a webmail hop gives its client is kept where the HELO name goes, as for Exchange's HTTPS hops: it is the only name of the client; an address there is dropped"
)

// divergences lists, field by field, the relay cases where the reading
// differs from SpamAssassin's on purpose. The connecting IP and whether a
// field is a hop are never here: they must always agree. (SpamAssassin
// also skips "from X by Y" fields that name no address; Parse keeps them
// as hops that name no client, which the route never takes as the
// boundary: the conformance figures count those apart.)
var divergences = map[string]map[string]string{
	"rcvd-070": {"rdns": whyOneName},
	"rcvd-074": {"rdns": whyOneName},
	"rcvd-075": {"rdns": whyOneName},
	"rcvd-076": {"rdns": whyOneName},
	"rcvd-097": {"rdns": whyOneName},
	"rcvd-099": {"rdns": whyOneName},
	"rcvd-091": {"rdns": whyAddressAsRDNS},
	"rcvd-053": {"auth": whyHTTPAuth},
	"rcvd-125": {"auth": whyHTTPAuth},
	"rcvd-144": {"auth": whyHTTPAuth},
	"rcvd-124": {"auth": whyVendorAuth},
	"rcvd-141": {"helo": whyWebmailName},
}

// TestSpamAssassinConformance reads every field of the suite and compares
// what Parse finds with what SpamAssassin finds: the connecting IP (which
// must agree on every relay), whether the field is a hop at all, and the
// HELO name, reverse-DNS name, receiving host, envelope sender, queue id
// and authentication wherever SpamAssassin's conventions are ours.
func TestSpamAssassinConformance(t *testing.T) {
	var cases []saCase
	var chains []saChain
	if !readSuite(t, "cases.json", &cases) || !readSuite(t, "relays.json", &chains) {
		return
	}
	sc := newScore()
	for _, c := range cases {
		r, _ := Parse(c.Received)
		if c.Skip {
			sc.nonHop(t, c.ID, r)
			continue
		}
		sc.relay(t, c.ID, r, c.Expect)
	}
	for _, ch := range chains {
		sc.chain(t, ch)
	}
	sc.stale(t)
	t.Log(sc)
}

// readSuite reads one file of the suite into v; it skips the test when the
// suite is absent (a clone without the shared folder).
func readSuite(t *testing.T, name string, v any) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(suiteDir, name))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("the SpamAssassin conformance suite is not here (%s): the check needs the shared folder beside the repository", suiteDir)
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return true
}

// score counts agreements field by field, and the divergences used.
type score struct {
	agree, total map[string]int
	used         map[string]bool // "case field" of each divergence met
	nonHops      struct{ marked, noClient, total int }
	chainIPs     struct{ agree, total int }
}

func newScore() *score {
	return &score{agree: map[string]int{}, total: map[string]int{}, used: map[string]bool{}}
}

// fieldOrder is the order the figures are printed in.
var fieldOrder = []string{"ip", "hop", "helo", "rdns", "by", "envfrom", "auth", "id"}

// nonHop checks a field SpamAssassin skips: Parse must mark it as not a
// hop, or find no client address in it, so that it can never be where the
// message entered.
func (sc *score) nonHop(t *testing.T, id string, r *Received) {
	t.Helper()
	sc.nonHops.total++
	switch {
	case r.NotHop != "":
		sc.nonHops.marked++
	case !r.FromIP.IsValid():
		sc.nonHops.noClient++
	default:
		t.Errorf("%s: SpamAssassin finds no hop, Parse finds one from %s: %q", id, r.FromIP, r.Raw)
	}
}

// relay compares one relay field with SpamAssassin's reading.
func (sc *score) relay(t *testing.T, id string, r *Received, want saRelay) {
	t.Helper()
	got := map[string]string{
		"ip": addrString(r.FromIP), "hop": r.NotHop, "helo": r.FromHELO, "rdns": r.FromRDNS, "by": r.By,
		"envfrom": r.EnvelopeFrom, "auth": yes(r.Authenticated), "id": r.ID,
	}
	exp := map[string]string{
		"ip": addrString(mustAddr(t, id, want.IP)), "hop": "", "helo": saHELO(want.HELO), "rdns": want.RDNS, "by": want.By,
		"envfrom": want.EnvFrom, "auth": yes(want.Auth != ""), "id": want.ID,
	}
	for _, f := range fieldOrder {
		sc.total[f]++
		same := strings.EqualFold(got[f], exp[f])
		why, listed := divergences[id][f]
		switch {
		case same:
			sc.agree[f]++
		case listed && f != "ip" && f != "hop":
			sc.used[id+" "+f] = true
		default:
			t.Errorf("%s: %s = %q, SpamAssassin %q, and no reason is listed: %q", id, f, got[f], exp[f], r.Raw)
		}
		if same && listed {
			t.Errorf("%s: %s agrees with SpamAssassin, but a divergence is listed (%s)", id, f, why)
		}
	}
}

// chain checks that the hops of a whole chain, topmost first, come from the
// addresses SpamAssassin finds.
func (sc *score) chain(t *testing.T, ch saChain) {
	t.Helper()
	var want, got []string
	for _, rl := range append(ch.Trusted, ch.Untrusted...) {
		if rl.Source == "Received" {
			want = append(want, addrString(mustAddr(t, ch.ID, rl.IP)))
		}
	}
	for _, f := range ch.Received {
		r, _ := Parse(f)
		if r.NotHop == "" && r.FromIP.IsValid() {
			got = append(got, addrString(r.FromIP))
		}
	}
	sc.chainIPs.total += len(want)
	for i := range want {
		if i < len(got) && got[i] == want[i] {
			sc.chainIPs.agree++
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s: hops from %v, SpamAssassin %v", ch.ID, got, want)
	}
}

// stale fails on a listed divergence that no case met, and on one listed
// for the connecting IP or for hop recognition, which may not diverge: the
// list must say only what is true.
func (sc *score) stale(t *testing.T) {
	t.Helper()
	var ids []string
	for id := range divergences {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for f, why := range divergences[id] {
			switch {
			case f == "ip" || f == "hop":
				t.Errorf("%s: a divergence on %s is listed (%s); the connecting IP and hop recognition may not diverge", id, f, why)
			case !sc.used[id+" "+f]:
				t.Errorf("%s: a divergence on %s is listed (%s), but no relay field met it", id, f, why)
			}
		}
	}
}

func (sc *score) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "SpamAssassin conformance: relay fields")
	for _, f := range fieldOrder {
		fmt.Fprintf(&b, ", %s %d/%d", f, sc.agree[f], sc.total[f])
	}
	fmt.Fprintf(&b, "; non-hop fields %d/%d recognised (%d marked not a hop, %d naming no client address)",
		sc.nonHops.marked+sc.nonHops.noClient, sc.nonHops.total, sc.nonHops.marked, sc.nonHops.noClient)
	fmt.Fprintf(&b, "; relay chains: ip %d/%d", sc.chainIPs.agree, sc.chainIPs.total)
	fmt.Fprintf(&b, "; %d deliberate divergences", len(sc.used))
	return b.String()
}

func mustAddr(t *testing.T, id, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatalf("%s: the suite's address %q: %v", id, s, err)
	}
	return a
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.WithZone("").Unmap().String()
}

// saHELO writes a HELO name as Parse does: SpamAssassin writes an address
// literal "[10.0.0.1]" as "!10.0.0.1!".
func saHELO(s string) string {
	if len(s) > 2 && s[0] == '!' && s[len(s)-1] == '!' {
		return "[" + s[1:len(s)-1] + "]"
	}
	return s
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}
