// Package spamfilter decodes what a receiving spam filter wrote into the
// header of a message it delivered: Microsoft 365 (Exchange Online
// Protection), SpamAssassin and rspamd. Each value is given with its
// documented meaning, so that a sender whose mail landed in spam can read
// what the filter itself said about it.
//
// Such fields prove nothing by themselves: anyone can write an
// X-Spam-Status field into a message before sending it. A field counts as
// the receiver's (Filter.Trusted) by the rule that Authentication-Results
// fields without authserv-id follow (package recorded): it stands above
// the Received field of the boundary hop, where only the receiving side
// writes. Two more cases count. A filter run as a milter inserts its
// fields just below the receiver's own Received field: there, before the
// next Received field, they count when they name a host of the receiver's
// organisation as the one that ran the filter (X-Spam-Checker-Version
// "... on HOST", X-Rspamd-Server), as an authserv-id names the writer of
// an Authentication-Results field. And Exchange Online appends its
// X-MS-Exchange-Organization-*, X-Forefront-Antispam-Report and
// X-Microsoft-Antispam fields below the header block that came with the
// message: when the boundary hop was received by Exchange Online, the
// bottommost of each of those fields is the receiver's, since a copy
// written by the sender stands above it. Anything else (a filter that
// appends its fields at the bottom, for one) is shown, but not trusted.
//
// The package reads only the header; it never looks anything up.
package spamfilter

import (
	"strconv"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/internal/text"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
)

// Filters (Filter.Filter).
const (
	Microsoft    = "microsoft"
	SpamAssassin = "spamassassin"
	Rspamd       = "rspamd"
)

// Verdicts (Filter.Verdict).
const (
	VerdictSpam    = "spam"
	VerdictNotSpam = "not_spam"
	VerdictBulk    = "bulk"
	// VerdictPhish covers what a filter classes as meant to harm:
	// phishing, spoofing, impersonation and malware.
	VerdictPhish   = "phish"
	VerdictUnknown = "unknown"
)

// Filter is what one spam filter wrote.
type Filter struct {
	// Filter is microsoft, spamassassin or rspamd.
	Filter string `json:"filter"`
	// Trusted is true when the fields read were written by the receiving
	// side; Why says why they were or were not taken as the receiver's.
	Trusted bool   `json:"trusted"`
	Why     string `json:"why"`
	// Verdict is spam, not_spam, bulk, phish or unknown.
	Verdict string `json:"verdict"`
	// Score is the filter's score (Microsoft: the spam confidence level)
	// and Threshold the score at which it calls a message spam; null when
	// the fields do not say.
	Score     *float64 `json:"score"`
	Threshold *float64 `json:"threshold"`
	// Items are the values read, each with its meaning, in the order the
	// fields give them.
	Items []Item `json:"items"`
	// Fields names the header fields read, with their positions (index in
	// the header, from 0 at the top).
	Fields []Field `json:"fields"`
}

// Item is one value a filter wrote.
type Item struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Meaning string `json:"meaning"`
}

// Field is a header field a Filter was read from.
type Field struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}

// exchangeOnline says whether the boundary hop was received by Exchange
// Online (Microsoft 365 or Outlook.com): its servers are named under
// outlook.com (…mail.protection.outlook.com, …prod.outlook.com).
func exchangeOnline(r recorded.Receiver) bool {
	return domain.Within(r.Host, "outlook.com") || domain.Within(r.Host, "outlook.office365.com")
}

// family is the set of fields one filter writes, and how to read them.
type family struct {
	name   string
	fields []string
	// host reads the host that ran the filter from one of its fields
	// (name, value), or "".
	host func(name, value string) string
	// appended says the filter's fields are appended at the bottom when
	// the receiver is Exchange Online.
	appended bool
	decode   func(f *Filter, fields map[string]string)
}

var families = []family{
	{name: Microsoft, fields: []string{"X-Forefront-Antispam-Report", "X-Microsoft-Antispam", "X-MS-Exchange-Organization-SCL", "X-MS-Exchange-Organization-AuthAs"},
		appended: true, decode: decodeMicrosoft},
	{name: SpamAssassin, fields: []string{"X-Spam-Status", "X-Spam-Flag", "X-Spam-Score", "X-Spam-Level", "X-Spam-Report", "X-Spam-Checker-Version"},
		host: checkerHost, decode: decodeSpamAssassin},
	{name: Rspamd, fields: []string{"X-Spamd-Result", "X-Rspamd-Score", "X-Spam", "X-Rspamd-Action", "X-Rspamd-Server"},
		host: rspamdHost, decode: decodeRspamd},
}

// Read decodes the spam-filter fields of m, for the receiver rcv (the
// boundary hop, as for recorded.Choose): one Filter per filter whose
// fields are present, in the order microsoft, spamassassin, rspamd; an
// empty list when there are none.
func Read(m *message.Message, rcv recorded.Receiver) []Filter {
	out := []Filter{}
	for _, fam := range families {
		if f, ok := readFamily(m, rcv, fam); ok {
			out = append(out, f)
		}
	}
	return out
}

// trust says which fields of m the receiver wrote.
type trust struct {
	rcv recorded.Receiver
	// arrival is the index of the next Received field below the
	// receiver's: from there on, every field came with the message.
	arrival int
}

func newTrust(m *message.Message, rcv recorded.Receiver) trust {
	t := trust{rcv: rcv, arrival: len(m.Header)}
	if rcv.Received < 0 {
		return t
	}
	for i := rcv.Received + 1; i < len(m.Header); i++ {
		if strings.EqualFold(m.Header[i].Name, "Received") {
			t.arrival = i
			break
		}
	}
	return t
}

// above says whether the field at index i stands above the receiver's
// Received field, where only the receiving side writes.
func (t trust) above(i int) bool { return t.rcv.Received >= 0 && i < t.rcv.Received }

// between says whether the field at index i stands between the receiver's
// Received field and the next one below: a filter run as a milter inserts
// its fields there, and so may the server that handed the message over.
func (t trust) between(i int) bool { return t.rcv.Received >= 0 && i > t.rcv.Received && i < t.arrival }

// namesReceiver says whether the family's fields between the receiver's
// Received field and the next one name a host of the receiver's
// organisation as the one that ran the filter (as an authserv-id names the
// writer of an Authentication-Results field), and which.
func (t trust) namesReceiver(m *message.Message, fam family) string {
	if fam.host == nil || t.rcv.Host == "" {
		return ""
	}
	for i := t.rcv.Received + 1; i < t.arrival && i < len(m.Header); i++ {
		h := fam.host(m.Header[i].Name, message.Unfold(m.Header[i].RawValue()))
		if h != "" && domain.SameOrg(domain.Normalize(h), domain.Normalize(t.rcv.Host)) {
			return h
		}
	}
	return ""
}

// readFamily picks, for each field name of fam, the instance to read: the
// receiver's when one is, else the topmost (shown untrusted). When some of
// the family's fields are the receiver's, only those are read.
func readFamily(m *message.Message, rcv recorded.Receiver, fam family) (Filter, bool) {
	type pick struct {
		index   int
		trusted bool
	}
	t := newTrust(m, rcv)
	named := t.namesReceiver(m, fam)
	appended := fam.appended && exchangeOnline(rcv)
	picks := map[string]pick{}
	anyTrusted := false
	for _, name := range fam.fields {
		last := -1
		for i, f := range m.Header {
			if !strings.EqualFold(f.Name, name) {
				continue
			}
			last = i
			if _, ok := picks[name]; !ok {
				picks[name] = pick{index: i}
			}
			if !picks[name].trusted && (t.above(i) || named != "" && t.between(i)) {
				picks[name] = pick{index: i, trusted: true}
			}
		}
		if appended && last >= 0 && !picks[name].trusted {
			picks[name] = pick{index: last, trusted: true}
		}
		anyTrusted = anyTrusted || picks[name].trusted
	}
	if len(picks) == 0 {
		return Filter{}, false
	}
	f := Filter{Filter: fam.name, Trusted: anyTrusted, Verdict: VerdictUnknown, Items: []Item{}, Fields: []Field{}}
	values := map[string]string{}
	for _, name := range fam.fields {
		p, ok := picks[name]
		if !ok || p.trusted != anyTrusted {
			continue
		}
		values[name] = m.Header[p.index].RawValue()
		f.Fields = append(f.Fields, Field{Name: m.Header[p.index].Name, Index: p.index})
	}
	f.Why = why(rcv, anyTrusted, appended, named)
	fam.decode(&f, values)
	return f, true
}

func why(rcv recorded.Receiver, trusted, appended bool, named string) string {
	switch {
	case trusted && appended:
		return "written by the receiving side: above the Received field of the receiver " + rcv.Host +
			", or, as Exchange Online writes them, the bottommost of its fields"
	case trusted && named != "":
		return "written by the receiving side: above the Received field of the receiver " + rcv.Host +
			", or just below it and naming the receiver's host " + named + " as the one that ran the filter"
	case trusted:
		return "written by the receiving side: above the Received field of the receiver " + rcv.Host
	case rcv.Received < 0:
		return "the receiving server could not be identified from the Received fields, so nothing ties these fields to it; anyone can write them"
	}
	return "these fields stand below the Received field of the receiver " + rcv.Host +
		" and name none of its hosts: they were in the message before it arrived (the sender or a server on the way wrote them), and anyone can write them"
}

// checkerHost reads the host of "SpamAssassin 4.0.0 (2022-12-13) on
// mx.example.org" in X-Spam-Checker-Version.
func checkerHost(name, value string) string {
	if !strings.EqualFold(name, "X-Spam-Checker-Version") {
		return ""
	}
	if i := strings.LastIndex(value, " on "); i >= 0 {
		return strings.TrimSpace(value[i+4:])
	}
	return ""
}

// rspamdHost reads X-Rspamd-Server.
func rspamdHost(name, value string) string {
	if !strings.EqualFold(name, "X-Rspamd-Server") {
		return ""
	}
	return strings.TrimSpace(value)
}

// parseNumber reads a decimal number such as "-0.10" or "7.3".
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v != v || v > 1e9 || v < -1e9 {
		return 0, false
	}
	return v, true
}

func number(v float64) *float64 { return &v }

// item adds an item; a value never holds more than 200 bytes of the
// message.
func (f *Filter) item(name, value, meaning string) {
	f.Items = append(f.Items, Item{Name: name, Value: text.Clip(value, 200), Meaning: meaning})
}
