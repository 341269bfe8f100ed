package signals

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/address"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/route"
)

// known is a memory of senders for tests.
type known struct {
	addresses, domains []string // seen
	trusted            []string // seen and authenticated
}

func (k known) Seen(a, d string) (bool, bool) {
	return a != "" && slices.Contains(k.addresses, strings.ToLower(a)),
		d != "" && slices.ContainsFunc(k.domains, func(x string) bool { return domain.SameOrg(x, d) })
}

func (k known) Trusted() []string { return k.trusted }

// load reads a fixture and scans it.
func load(t *testing.T, name string) Input {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse(name, b)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Message: m, Content: Scan(context.Background(), m), DMARC: result.None}
	if f := m.First("Delivered-To"); f != nil {
		if l, err := address.ParseList(f.RawValue()); err == nil && len(l.Mailboxes) > 0 {
			in.RecipientDomain = domain.OfAddress(l.Mailboxes[0].Address)
		}
	}
	return in
}

func codes(sigs []Signal) []string {
	var out []string
	for _, s := range sigs {
		out = append(out, s.Code)
	}
	return out
}

// boundary is a hop from a public address outside the recipient's
// organisation, as the route would choose it for the fixtures.
var boundary = &route.Hop{From: "vps66.cheaphost.example", HELO: "vps66.cheaphost.example", By: "mx.inbox.example",
	IP: mustAddr("198.51.100.66"), Boundary: true}

// TestFixtures runs each fixture that must raise a signal, and each
// control that must not raise the signals it could be mistaken for.
func TestFixtures(t *testing.T) {
	seenNorthwind := known{addresses: []string{"news@northwind.example"}, domains: []string{"northwind.example"}, trusted: []string{"northwind.example"}}
	tests := []struct {
		file  string
		setup func(*Input)
		want  []string // codes that must be raised
		not   []string // codes that must not be raised ("high": no high severity at all)
	}{
		{file: "trap-display-name-address.eml", want: []string{DisplayNameAddress}, not: []string{DisplayNameBrand}},
		{file: "trap-display-name-brand.eml", want: []string{DisplayNameBrand}},
		{file: "trap-reply-to.eml", want: []string{ReplyToOtherOrg}},
		{file: "trap-lookalike.eml", want: []string{LookalikeDomain, DisplayNameBrand}},
		{file: "trap-idn.eml", want: []string{IDNMixedScript, LookalikeDomain}},
		{file: "trap-link-mismatch.eml", want: []string{LinkTextMismatch}},
		{file: "trap-link-shortener.eml", want: []string{LinkShortener}, not: []string{"high"}},
		{file: "trap-link-ip.eml", want: []string{LinkIPLiteral}, not: []string{"high"}},
		{file: "trap-attachment-exe.eml", want: []string{DangerousAttachment}},
		{file: "trap-attachment-html.eml", want: []string{DangerousAttachment}},
		{file: "trap-attachment-zip.eml", want: []string{DangerousAttachment}},
		{file: "trap-own-domain.eml", setup: func(in *Input) { in.Boundary = boundary; in.DMARC = result.Fail }, want: []string{OwnDomainFromOutside}},
		{file: "trap-first-time.eml", setup: func(in *Input) { in.Known = seenNorthwind; in.DMARC = result.Pass }, want: []string{FirstTimeSender, LookalikeDomain}},

		// Controls.
		{file: "control-newsletter-replyto.eml", setup: func(in *Input) { in.DMARC = result.Pass; in.DKIMPass = []string{"northwind.example"} },
			not: []string{"high", ReplyToOtherOrg}},
		{file: "control-esp-bounce.eml", setup: func(in *Input) { in.DMARC = result.Pass; in.DKIMPass = []string{"shop.example", "esp-mailer.example"} },
			not: []string{"high", ReplyToOtherOrg, LinkTextMismatch}},
		{file: "control-cyrillic.eml", not: []string{"high", IDNMixedScript, LookalikeDomain}},
		{file: "control-plain-link.eml", not: []string{"high", LinkTextMismatch}},
		{file: "control-pdf.eml", not: []string{"high", DangerousAttachment}},
		// The own-domain rule is not raised when DMARC passed (a colleague
		// writing through a service of the company), nor for a seen
		// sender's real domain.
		{file: "trap-own-domain.eml", setup: func(in *Input) { in.Boundary = boundary; in.DMARC = result.Pass }, not: []string{OwnDomainFromOutside}},
		{file: "control-newsletter-replyto.eml", setup: func(in *Input) { in.Known = seenNorthwind; in.DMARC = result.Pass },
			not: []string{"high", FirstTimeSender}},
		// Without a memory, there is no first-time sender.
		{file: "trap-first-time.eml", not: []string{FirstTimeSender}},
		// A Reply-To at the domain of a passing signature is the sender's
		// mail service, unless DMARC failed: then the signer vouches for
		// nobody the reader knows.
		{file: "trap-reply-to.eml", setup: func(in *Input) { in.DMARC = result.Pass; in.DKIMPass = []string{"contoso.example", "gmail.com"} },
			not: []string{ReplyToOtherOrg}},
		{file: "trap-reply-to.eml", setup: func(in *Input) { in.DMARC = result.Fail; in.DKIMPass = []string{"gmail.com"} },
			want: []string{ReplyToOtherOrg}},
		// A brand's name signed by the brand's own domain is lowered.
		{file: "trap-display-name-brand.eml", setup: func(in *Input) {
			in.DMARC = result.Pass
			in.DKIMPass = []string{"billing-center.example", "paypal.com"}
		},
			want: []string{DisplayNameBrand}, not: []string{"high"}},
		// DMARC that could not be evaluated lowers own_domain_from_outside.
		{file: "trap-own-domain.eml", setup: func(in *Input) { in.Boundary = boundary; in.DMARC = result.TempError },
			want: []string{OwnDomainFromOutside}, not: []string{"high"}},
		// A hop authenticated by SMTP AUTH is a submission, not "outside".
		{file: "trap-own-domain.eml", setup: func(in *Input) {
			b := *boundary
			b.Authenticated = true
			in.Boundary, in.DMARC = &b, result.None
		}, not: []string{OwnDomainFromOutside}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in := load(t, tc.file)
			if tc.setup != nil {
				tc.setup(&in)
			}
			sigs := Find(in)
			got := codes(sigs)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("want %s, got %v", w, sigs)
				}
			}
			for _, n := range tc.not {
				for _, s := range sigs {
					if s.Code == n || n == "high" && s.Severity == High {
						t.Errorf("must not raise %s, got %+v", n, s)
					}
				}
			}
			for _, s := range sigs {
				if s.Text == "" || s.Evidence == "" || Severities[s.Code] == "" {
					t.Errorf("incomplete signal %+v", s)
				}
				if s.Severity.rank() < Severities[s.Code].rank() {
					t.Errorf("%s raised above its table severity: %+v", s.Code, s)
				}
			}
			t.Logf("%s: %v", tc.file, sigs)
		})
	}
}

// TestDisplayNameContext checks the display names that are no trap: the
// sender's own address as its name, and a mailing list naming the author.
func TestDisplayNameContext(t *testing.T) {
	parse := func(header string) Input {
		m, err := message.Parse("x", []byte(header+"\r\nhi\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		return Input{Message: m}
	}
	if got := Find(parse("From: \"alice@contoso.example\" <alice@contoso.example>\r\n")); len(got) != 0 {
		t.Errorf("the sender's own address as its name: %v", got)
	}
	if got := Find(parse("From: Alice (alice@mail.contoso.example) <alice@contoso.example>\r\n")); len(got) != 0 {
		t.Errorf("an address of the same organisation: %v", got)
	}
	got := Find(parse("From: \"alice@contoso.example via Team\" <team@lists.tailspin.example>\r\nList-Id: <team.lists.tailspin.example>\r\n"))
	if len(got) != 1 || got[0].Code != DisplayNameAddress || got[0].Severity != Low || !strings.Contains(got[0].Text, "mailing list") {
		t.Errorf("a list naming the author: %v", got)
	}
	if got := Find(parse("From: Chase Miller <chase@miller.example>\r\n")); len(got) != 0 {
		t.Errorf("a first name that is also a brand: %v", got)
	}
}

func TestFindNeverNil(t *testing.T) {
	if got := Find(Input{}); got == nil || len(got) != 0 {
		t.Errorf("Find of nothing = %#v, want an empty list", got)
	}
	m, _ := message.Parse("x", []byte("From: a@b.example\r\n\r\nhi\r\n"))
	if got := Find(Input{Message: m}); got == nil {
		t.Error("Find = nil, want []")
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
