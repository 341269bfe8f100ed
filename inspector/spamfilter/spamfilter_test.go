package spamfilter

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
)

// load parses a fixture and names its receiver: the Received field that
// says "by host after".
func load(t *testing.T, name, host, after string) (*message.Message, recorded.Receiver) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse(name, b)
	if err != nil {
		t.Fatal(err)
	}
	rcv := recorded.Receiver{Host: host, Received: -1}
	for i, f := range m.Header {
		if strings.EqualFold(f.Name, "Received") && strings.Contains(message.Unfold(f.RawValue()), "by "+host+" "+after) {
			rcv.Received = i
			break
		}
	}
	if rcv.Received < 0 {
		t.Fatalf("%s: no Received field by %s", name, host)
	}
	return m, rcv
}

// receive reads the one filter of a fixture, which must be trusted and
// give verdict.
func receive(t *testing.T, name, host, after, filter, verdict string) (Filter, *message.Message, recorded.Receiver) {
	t.Helper()
	m, rcv := load(t, name, host, after)
	f := only(t, Read(m, rcv), filter)
	if !f.Trusted || f.Verdict != verdict {
		t.Errorf("trusted %v verdict %s; want trusted %s (%s)", f.Trusted, f.Verdict, verdict, f.Why)
	}
	return f, m, rcv
}

func item(f Filter, name string) (Item, bool) {
	for _, it := range f.Items {
		if it.Name == name {
			return it, true
		}
	}
	return Item{}, false
}

func only(t *testing.T, fs []Filter, want string) Filter {
	t.Helper()
	if len(fs) != 1 || fs[0].Filter != want {
		b, _ := json.MarshalIndent(fs, "", "  ")
		t.Fatalf("want one %s filter, got:\n%s", want, b)
	}
	return fs[0]
}

func checkNumbers(t *testing.T, f Filter, score, threshold float64) {
	t.Helper()
	if f.Score == nil || *f.Score != score || f.Threshold == nil || *f.Threshold != threshold {
		t.Errorf("score %v threshold %v; want %v / %v", f.Score, f.Threshold, score, threshold)
	}
}

func checkItem(t *testing.T, f Filter, name, value, inMeaning string) {
	t.Helper()
	it, ok := item(f, name)
	if !ok {
		t.Errorf("no item %s in %+v", name, f.Items)
		return
	}
	if it.Value != value || !strings.Contains(it.Meaning, inMeaning) {
		t.Errorf("item %s = %q (%s); want %q, meaning with %q", name, it.Value, it.Meaning, value, inMeaning)
	}
}

// TestMicrosoft reads an Exchange Online delivery: the receiver's fields
// are appended at the bottom, below a copy the sender wrote.
func TestMicrosoft(t *testing.T) {
	f, m, rcv := receive(t, "microsoft.eml", "BN2PEPF000044A9.mail.protection.outlook.com", "", Microsoft, VerdictBulk)
	checkNumbers(t, f, 5, 5)
	checkItem(t, f, "SCL", "5", "spam: delivered to the Junk Email folder")
	checkItem(t, f, "SFV", "SPM", "spam filtering marked the message as spam")
	checkItem(t, f, "CAT", "BULK", "bulk mail")
	checkItem(t, f, "SRV", "BULK", "bulk")
	checkItem(t, f, "IPV", "NLI", "not on any reputation list")
	checkItem(t, f, "CIP", "192.0.2.25", "connecting IP")
	checkItem(t, f, "CTRY", "US", "country")
	checkItem(t, f, "LANG", "en", "language")
	checkItem(t, f, "PTR", "out1.mailer.northwind.example", "reverse-DNS")
	checkItem(t, f, "DIR", "INB", "inbound")
	checkItem(t, f, "BCL", "7", "mixed number of complaints")
	checkItem(t, f, "X-MS-Exchange-Organization-SCL", "5", "spam")
	checkItem(t, f, "X-MS-Exchange-Organization-AuthAs", "Anonymous", "did not authenticate")
	for _, fl := range f.Fields {
		if fl.Index < 20 {
			t.Errorf("read %s at %d, the sender's copy", fl.Name, fl.Index)
		}
	}

	// Another receiver: nothing is the receiver's; the topmost copies
	// (the sender's SCL -1) are shown, untrusted.
	f = only(t, Read(m, recorded.Receiver{Host: "mx.inbox.example", Received: rcv.Received}), Microsoft)
	if f.Trusted || f.Verdict != VerdictNotSpam {
		t.Errorf("not Exchange Online: trusted %v verdict %s; want untrusted not_spam", f.Trusted, f.Verdict)
	}
	checkItem(t, f, "SFV", "SKN", "before spam filtering")
	checkItem(t, f, "SCL", "-1", "skipped")
}

// TestMicrosoftVerdicts covers the categories and levels.
func TestMicrosoftVerdicts(t *testing.T) {
	for _, tc := range []struct{ report, antispam, verdict string }{
		{"CIP:192.0.2.1;SCL:1;SFV:NSPM;CAT:NONE;", "BCL:0;", VerdictNotSpam},
		{"CIP:192.0.2.1;SCL:9;SFV:SPM;CAT:HSPM;", "BCL:0;", VerdictSpam},
		{"CIP:192.0.2.1;SCL:9;SFV:SPM;CAT:HPHSH;SFTY:9.19;", "BCL:0;", VerdictPhish},
		{"CIP:192.0.2.1;SCL:5;SFV:SPM;", "", VerdictSpam},
		{"CIP:2001:db8::25;SCL:1;SFV:SKQ;CAT:SPOOF;", "", VerdictPhish},
		{"CIP:192.0.2.1;", "BCL:3;", VerdictUnknown},
	} {
		f := Filter{Items: []Item{}}
		fields := map[string]string{"X-Forefront-Antispam-Report": tc.report}
		if tc.antispam != "" {
			fields["X-Microsoft-Antispam"] = tc.antispam
		}
		decodeMicrosoft(&f, fields)
		if f.Verdict != tc.verdict {
			t.Errorf("%s: verdict %s, want %s", tc.report, f.Verdict, tc.verdict)
		}
		if strings.HasPrefix(tc.report, "CIP:2001") {
			checkItem(t, f, "CIP", "2001:db8::25", "")
		}
	}
}

// TestSpamAssassinAmavis reads amavisd-new's form: tests=[NAME=score],
// tagged_above beside required.
func TestSpamAssassinAmavis(t *testing.T) {
	f, _, _ := receive(t, "spamassassin.eml", "mx.inbox.example", "(Postfix) with ESMTPS", SpamAssassin, VerdictNotSpam)
	checkNumbers(t, f, 2.483, 6.31)
	checkItem(t, f, "URI_SHORTENER", "0.867", "URL shortener")
	checkItem(t, f, "BAYES_50", "0.8", "40 to 60%")
	checkItem(t, f, "MIME_HTML_ONLY", "0.1", "only an HTML part")
	checkItem(t, f, "tagged_above", "-999", "not the spam threshold")
	checkItem(t, f, "X-Spam-Flag", "NO", "")
	if n := len(f.Items); n < 15 {
		t.Errorf("%d items", n)
	}
}

// TestSpamAssassinReport reads the plain form with an X-Spam-Report table,
// and ignores a copy the sender wrote below the receiver's Received field.
func TestSpamAssassinReport(t *testing.T) {
	f, m, _ := receive(t, "spamassassin-report.eml", "mail.example.org", "(Postfix) with ESMTPS", SpamAssassin, VerdictSpam)
	checkNumbers(t, f, 9.2, 5)
	checkItem(t, f, "URIBL_DBL_SPAM", "2.5", "Spamhaus DBL")
	checkItem(t, f, "DMARC_NONE", "3.1", "policy is none")
	checkItem(t, f, "version", "4.0.1", "version")
	if _, ok := item(f, "USER_IN_WELCOMELIST"); ok {
		t.Error("read the sender's forged X-Spam-Status")
	}

	// With the receiver unknown, nothing is trusted.
	f = only(t, Read(m, recorded.Receiver{Received: -1}), SpamAssassin)
	if f.Trusted {
		t.Error("trusted without a receiver")
	}
}

// TestRspamd reads rspamd's fields, inserted by its milter just below the
// receiver's Received field and naming the receiver's host.
func TestRspamd(t *testing.T) {
	f, m, rcv := receive(t, "rspamd.eml", "mx2.mailhost.example", "(Postfix)", Rspamd, VerdictSpam)
	checkNumbers(t, f, 7.14, 15)
	checkItem(t, f, "BAYES_SPAM", "4.79 [97.88%]", "Bayes")
	checkItem(t, f, "DMARC_POLICY_SOFTFAIL", "0.10 [northwind.example : SPF not aligned (relaxed), DKIM not aligned (relaxed),none]", "policy is none")
	checkItem(t, f, "RCPT_COUNT_ONE", "0.00 [1]", "number of envelope recipients")
	checkItem(t, f, "X-Rspamd-Action", "add header", "marked as spam")
	checkItem(t, f, "X-Spam", "Yes", "")

	// A server of another organisation: the fields below its Received
	// field are not its own.
	f = only(t, Read(m, recorded.Receiver{Host: "mx.other.example", Received: rcv.Received}), Rspamd)
	if f.Trusted {
		t.Errorf("trusted for another receiver: %s", f.Why)
	}
}

func TestNone(t *testing.T) {
	m, err := message.Parse("plain", []byte("From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	fs := Read(m, recorded.Receiver{Received: -1})
	if fs == nil || len(fs) != 0 {
		t.Errorf("Read = %#v, want an empty list", fs)
	}
	if b, _ := json.Marshal(fs); string(b) != "[]" {
		t.Errorf("JSON %s", b)
	}
}

func TestParseSpamdResult(t *testing.T) {
	r := ParseSpamdResult("default: True [16.20 / 15.00]; R_SPF_FAIL(1.00)[-all]; ODD(x; y)[a;b]; BROKEN; NOOPTS(0.5)")
	if r.IsSpam == nil || !*r.IsSpam || *r.Score != 16.2 || *r.Threshold != 15 {
		t.Fatalf("%+v", r)
	}
	var names []string
	for _, s := range r.Symbols {
		names = append(names, s.Name+"="+s.Score+"/"+s.Options)
	}
	if got := strings.Join(names, " "); got != "R_SPF_FAIL=1.00/-all ODD=x; y/a;b NOOPTS=0.5/" {
		t.Errorf("symbols %s", got)
	}
}

func TestParseStatus(t *testing.T) {
	s := ParseStatus("Yes, hits=12.5 required=5.0 tests=A,\r\n\tB=1.5,C autolearn=spam version=3.4.6")
	if !s.Spam || *s.Score != 12.5 || *s.Required != 5 || len(s.Tests) != 3 || s.Tests[1] != (Test{"B", "1.5"}) {
		t.Errorf("%+v", s)
	}
	if s := ParseStatus("garbage"); s.Flagged || s.Score != nil {
		t.Errorf("%+v", s)
	}
}
