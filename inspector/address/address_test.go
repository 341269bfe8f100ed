package address

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// parseTests is the table of TestParseList, and the seeds of
// FuzzParseList.
var parseTests = []struct {
	name   string
	in     string
	want   []Mailbox // Address is filled in from Local and Domain
	groups []string
	notes  []string // the codes of the notes, in order
	err    bool
}{
	{
		name: "encoded-word name followed by an encoded-word comment",
		in:   "=?UTF-8?B?w4lsb2RpZSBEdXByw6k=?= (=?UTF-8?Q?Service_client=C3=A8le?=) <elodie@encoded.example>",
		want: []Mailbox{{Name: "Élodie Dupré", Local: "elodie", Domain: "encoded.example", Comments: []string{"Service clientèle"}}},
	},
	{
		name: "adjacent encoded words join without the space between them (RFC 2047 section 6.2)",
		in:   "=?UTF-8?Q?=C3=89lo?=  =?UTF-8?B?ZGll?= Dupont <elodie@encoded.example>",
		want: []Mailbox{{Name: "Élodie Dupont", Local: "elodie", Domain: "encoded.example"}},
	},
	{
		name: "comments around the @ (current syntax)",
		in:   "john (at home) @ (on the) example.com (John)",
		want: []Mailbox{{Local: "john", Domain: "example.com", Comments: []string{"at home", "on the", "John"}}},
	},
	{
		name:  "comments between the words of the local part and the labels of the domain",
		in:    "john(c1).(c2)q . doe@(c3)mail (c4). example(c5).com",
		want:  []Mailbox{{Local: "john.q.doe", Domain: "mail.example.com", Comments: []string{"c1", "c2", "c3", "c4", "c5"}}},
		notes: []string{NoteObsolete, NoteObsolete},
	},
	{
		name: "nested comments and quoted-pairs",
		in:   `Bob (the (real \) one) \(yes\)) <bob@x.example>`,
		want: []Mailbox{{Name: "Bob", Local: "bob", Domain: "x.example", Comments: []string{"the (real ) one) (yes)"}}},
	},
	{
		name:  "obs-route",
		in:    "Route <@relay1.example,,@relay2.example:user@d.example>",
		want:  []Mailbox{{Name: "Route", Local: "user", Domain: "d.example", Route: []string{"relay1.example", "relay2.example"}}},
		notes: []string{NoteObsolete},
	},
	{
		name:  "obs-phrase with periods",
		in:    "John Q. Public <jqp@x.example>",
		want:  []Mailbox{{Name: "John Q. Public", Local: "jqp", Domain: "x.example"}},
		notes: []string{NoteObsolete},
	},
	{
		name: "quoted local part with spaces and a quoted-pair",
		in:   `"john q doe"@example.com, "a\"b c"@example.org`,
		want: []Mailbox{{Local: `"john q doe"`, Domain: "example.com"}, {Local: `"a\"b c"`, Domain: "example.org"}},
	},
	{
		name:  "obs-local-part: quoted words joined by periods",
		in:    `"john".doe@example.com`,
		want:  []Mailbox{{Local: `"john".doe`, Domain: "example.com"}},
		notes: []string{NoteObsolete},
	},
	{
		name:   "empty group",
		in:     "undisclosed-recipients:;",
		groups: []string{"undisclosed-recipients"},
	},
	{
		name:   "group with two members",
		in:     "team: a@x.example, Bee <b@y.example>;",
		want:   []Mailbox{{Local: "a", Domain: "x.example", Group: "team"}, {Name: "Bee", Local: "b", Domain: "y.example", Group: "team"}},
		groups: []string{"team"},
	},
	{
		name:   "a group among addresses, with a quoted name",
		in:     `first@x.example, "The Team" (all of us): a@x.example; , last@z.example`,
		want:   []Mailbox{{Local: "first", Domain: "x.example"}, {Local: "a", Domain: "x.example", Group: "The Team"}, {Local: "last", Domain: "z.example"}},
		groups: []string{"The Team"},
	},
	{
		name: "UTF-8 local part and domain (RFC 6532)",
		in:   "Jörg Müller <jörg@bücher.example>, 用户@例子.广告",
		want: []Mailbox{{Name: "Jörg Müller", Local: "jörg", Domain: "bücher.example"}, {Local: "用户", Domain: "例子.广告"}},
	},
	{
		name:  "raw Latin-1 display name",
		in:    "J\xf6rg M\xfcller <jorg@shop.example>",
		want:  []Mailbox{{Name: "J\uFFFDrg M\uFFFDller", Local: "jorg", Domain: "shop.example"}},
		notes: []string{NoteEightBit},
	},
	{
		name:  "raw Latin-1 in a quoted display name",
		in:    "\"M\xfcller, J\xf6rg\" <jorg@shop.example>",
		want:  []Mailbox{{Name: "M\uFFFDller, J\uFFFDrg", Local: "jorg", Domain: "shop.example"}},
		notes: []string{NoteEightBit},
	},
	{
		name: "raw Latin-1 in the address",
		in:   "J\xf6rg <j\xf6rg@shop.example>",
		err:  true,
	},
	{
		name: "domain literals",
		in:   "a@[192.0.2.1], b@[ IPv6:2001:db8::1 ]",
		want: []Mailbox{{Local: "a", Domain: "[192.0.2.1]"}, {Local: "b", Domain: "[IPv6:2001:db8::1]"}},
	},
	{
		name:  "missing closing angle bracket",
		in:    "Bob <bob@x.example",
		want:  []Mailbox{{Name: "Bob", Local: "bob", Domain: "x.example"}},
		notes: []string{NoteLenient},
	},
	{
		name:  "missing angle bracket in the first of two",
		in:    "Bob <bob@x.example, Eve <eve@y.example>",
		want:  []Mailbox{{Name: "Bob", Local: "bob", Domain: "x.example"}, {Name: "Eve", Local: "eve", Domain: "y.example"}},
		notes: []string{NoteLenient},
	},
	{
		name: "two addresses",
		in:   "Alice <alice@x.example>, bob@y.example",
		want: []Mailbox{{Name: "Alice", Local: "alice", Domain: "x.example"}, {Local: "bob", Domain: "y.example"}},
	},
	{
		name:  "empty list elements",
		in:    ", a@x.example,,b@y.example,",
		want:  []Mailbox{{Local: "a", Domain: "x.example"}, {Local: "b", Domain: "y.example"}},
		notes: []string{NoteObsolete},
	},
	{
		name: "folded",
		in:   " \"Doe,\r\n John\" <jd@x.example>\r\n",
		want: []Mailbox{{Name: "Doe, John", Local: "jd", Domain: "x.example"}},
	},
	{
		name: "an encoded comma in the display name",
		in:   "=?utf-8?q?Doe=2C_John?= <jd@shop.example>",
		want: []Mailbox{{Name: "Doe, John", Local: "jd", Domain: "shop.example"}},
	},
	{
		name:  "encoded words in an unknown charset",
		in:    "=?x-no-such-charset?B?SGFja2Vy?= <h@x.example>",
		want:  []Mailbox{{Name: "=?x-no-such-charset?B?SGFja2Vy?=", Local: "h", Domain: "x.example"}},
		notes: []string{NoteEncodedWord},
	},
	{
		name:  "an address as the display name",
		in:    "ceo@bank.example <attacker@evil.example>",
		want:  []Mailbox{{Name: "ceo@bank.example", Local: "attacker", Domain: "evil.example"}},
		notes: []string{NoteLenient},
	},
	{
		name: "a quoted address as the display name",
		in:   `"ceo@bank.example" <attacker@evil.example>`,
		want: []Mailbox{{Name: "ceo@bank.example", Local: "attacker", Domain: "evil.example"}},
	},
	{
		name:  "periods a mail program lets through",
		in:    "a..b@x.example, c.@y.example",
		want:  []Mailbox{{Local: "a..b", Domain: "x.example"}, {Local: "c.", Domain: "y.example"}},
		notes: []string{NoteLenient, NoteLenient},
	},
	{
		name:  "an address among words",
		in:    "write to sales@x.example today",
		want:  []Mailbox{{Local: "sales", Domain: "x.example"}},
		notes: []string{NoteLenient},
	},
	{
		name:  "an unclosed quote",
		in:    `"Bob <bob@x.example>`,
		want:  []Mailbox{{Name: "Bob", Local: "bob", Domain: "x.example"}},
		notes: []string{NoteLenient},
	},
	{
		name:  "control characters in a quoted string (obs-qtext)",
		in:    "\"Bo\x01b\" <bob@x.example>",
		want:  []Mailbox{{Name: "Bo\x01b", Local: "bob", Domain: "x.example"}},
		notes: []string{NoteObsolete},
	},
	{name: "garbage with no address", in: "Bob Smith", err: true},
	{name: "only a quoted address", in: `"ceo@bank.example"`, err: true},
	{name: "empty", in: "", err: true},
	{name: "only commas", in: " , ,", err: true},
}

func TestParseList(t *testing.T) {
	for _, tc := range parseTests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseList(tc.in)
			if tc.err {
				if err == nil || !errors.Is(err, ErrNoAddress) {
					t.Fatalf("ParseList(%q) = %+v, %v; want ErrNoAddress", tc.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseList(%q): %v", tc.in, err)
			}
			var want []Mailbox
			for _, m := range tc.want {
				m.Address = m.Local + "@" + m.Domain
				want = append(want, m)
			}
			if !reflect.DeepEqual(got.Mailboxes, want) {
				t.Errorf("ParseList(%q) mailboxes\n got %+v\nwant %+v", tc.in, got.Mailboxes, want)
			}
			if !reflect.DeepEqual(got.Groups, tc.groups) {
				t.Errorf("ParseList(%q) groups %q, want %q", tc.in, got.Groups, tc.groups)
			}
			var codes []string
			for _, n := range got.Notes {
				codes = append(codes, n.Code)
			}
			if !reflect.DeepEqual(codes, tc.notes) {
				t.Errorf("ParseList(%q) notes %q, want codes %q", tc.in, got.Notes, tc.notes)
			}
		})
	}
}

// The old form "address (Full Name)" shows the comment as the name.
func TestDisplayName(t *testing.T) {
	for in, want := range map[string]string{
		"jdoe@example.org (John Doe)":         "John Doe",
		"John <jdoe@example.org> (at work)":   "John",
		"jdoe@example.org":                    "",
		"(Jane) (Doe) jdoe@example.org":       "Doe",
		"=?utf-8?q?J=C3=B6rg?= <j@x.example>": "Jörg",
	} {
		l, err := ParseList(in)
		if err != nil || l.Mailboxes[0].DisplayName() != want {
			t.Errorf("DisplayName of %q: %+v, %v; want %q", in, l, err, want)
		}
	}
}

// FuzzParseList feeds values to the parser, seeded with the table: it must
// never panic, and every mailbox it returns must have an address with an
// "@", made of its local part and domain, and a name for display in UTF-8.
func FuzzParseList(f *testing.F) {
	for _, tc := range parseTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		l, err := ParseList(v)
		if err != nil {
			if l != nil || !errors.Is(err, ErrNoAddress) && err.Error() == "" {
				t.Fatalf("ParseList(%q) = %+v, %v", v, l, err)
			}
			return
		}
		if len(l.Mailboxes) == 0 && len(l.Groups) == 0 {
			t.Fatalf("ParseList(%q): no mailbox, no group, no error", v)
		}
		for _, m := range l.Mailboxes {
			if m.Address == "" || !strings.Contains(m.Address, "@") || m.Address != m.Local+"@"+m.Domain || m.Local == "" || m.Domain == "" {
				t.Fatalf("ParseList(%q): mailbox %+v", v, m)
			}
			if !utf8.ValidString(m.Name) || !utf8.ValidString(m.Address) {
				t.Fatalf("ParseList(%q): mailbox %+v is not UTF-8", v, m)
			}
		}
	})
}

// A value of many broken elements makes a few notes, not one each.
func TestNotesAreFew(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "Bob <bob%d@x.example, a..b@y.example, junk%d, ", i, i)
	}
	l, err := ParseList(b.String())
	if err != nil || len(l.Mailboxes) != 2000 {
		t.Fatalf("%d mailboxes, %v", len(l.Mailboxes), err)
	}
	if len(l.Notes) != maxNotes {
		t.Errorf("%d notes: %q", len(l.Notes), l.Notes)
	}
}
