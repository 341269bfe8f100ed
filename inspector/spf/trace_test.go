package spf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"testing"
	"time"

	blitispf "blitiri.com.ar/go/spf"
	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

// TestLibraryTrace pins the trace of blitiri.com.ar/go/spf v1.6.0 that
// buildTree and countLookups read. Both key on the library's format strings
// (the first argument of each WithTraceFunc call), so a library upgrade that
// rewords a line, or stops writing one, would silently leave the tree of
// records and the lookup count wrong. This test runs the library itself,
// against records that make it write every line those functions read, and
// fails naming the line it no longer writes.
func TestLibraryTrace(t *testing.T) {
	srv := startTraceDNS(t)
	seen := map[string]bool{}
	for _, tc := range traceCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, e := range checkTraceCase(t, srv.Addr, tc) {
				seen[e.format] = true
			}
		})
	}
	for _, f := range readFormats() {
		if !seen[f] {
			t.Errorf("blitiri.com.ar/go/spf no longer writes the trace line %q, which buildTree or countLookups reads", f)
		}
	}
}

// startTraceDNS serves traceZone, with servfail.example.com answering
// SERVFAIL.
func startTraceDNS(t *testing.T) *dnstest.Server {
	t.Helper()
	srv := dnstest.Start(t, traceZone)
	srv.Handle("servfail.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeServerFailure)
		w.WriteMsg(m)
	})
	for i := 1; i <= 11; i++ {
		// The hosts of limit.example.com, and the names of 192.0.2.11.
		srv.Add(fmt.Sprintf("h%d.example.com. A 10.0.0.%d", i, i),
			fmt.Sprintf("11.2.0.192.in-addr.arpa. PTR n%d.example.com.", i))
	}
	return srv
}

// checkTraceCase runs the library for tc against the server at addr,
// checks its trace and returns it.
func checkTraceCase(t *testing.T, addr string, tc traceCase) []event {
	t.Helper()
	events, got, err := runLibrary(addr, tc)
	lines := traceLines(events)
	if got != tc.result {
		t.Fatalf("the library gave %s (%v), want %s; the records do not test what they should; trace:\n%s", got, err, tc.result, lines)
	}
	formats := map[string]bool{}
	for _, e := range events {
		formats[e.format] = true
		checkLine(t, e)
	}
	for _, f := range tc.want {
		if !formats[f] {
			t.Errorf("the library no longer writes the trace line %q here; trace:\n%s", f, lines)
		}
	}
	checkMatches(t, events, tc.match)
	if tree := buildTree(events); tree.root == nil || tree.unbalanced {
		t.Errorf("buildTree cannot rebuild the records from this trace (the lines that open and close a record changed); trace:\n%s", lines)
	}
	return events
}

// runLibrary evaluates tc with the library, through the project's
// resolver, and returns its trace and its answer.
func runLibrary(addr string, tc traceCase) ([]event, blitispf.Result, error) {
	var r blitispf.DNSResolver = resolver.New(resolver.Config{Servers: []string{addr}, Timeout: time.Second})
	if tc.noAnswer {
		r = emptyAnswers{r}
	}
	ip := tc.ip
	if ip == "" {
		ip = "192.0.2.10"
	}
	var events []event
	got, err := blitispf.CheckHostWithSender(net.ParseIP(ip), "helo.example.com", "user@"+tc.domain,
		blitispf.WithResolver(r), blitispf.WithContext(context.Background()),
		blitispf.WithTraceFunc(func(f string, a ...any) { events = append(events, event{f, a}) }))
	return events, got, err
}

// traceCase is one evaluation: the sender's domain, the client address
// (192.0.2.10 when empty), the library's result, and the trace lines it
// must write.
type traceCase struct {
	name, domain, ip string
	result           blitispf.Result
	want             []string
	// match are the terms (qualifier removed, as traced) whose decisive
	// line must carry an error that isMatch takes for a match.
	match []string
	// noAnswer asks the library's resolver to answer a name without
	// addresses with no error and no address.
	noAnswer bool
}

var traceCases = []traceCase{
	{name: "all", domain: "all.example.com", result: blitispf.Fail,
		want: []string{"check %q %d %d", "dns record %q", "all: %v"}},
	{name: "include", domain: "include.example.com", result: blitispf.Pass,
		want:  []string{"check %q %d %d", "%q %v, %v", "ip match: %v contains %v"},
		match: []string{"include:inner.example.com", "ip4:192.0.2.0/24"}},
	{name: "redirect", domain: "redirect.example.com", result: blitispf.Fail,
		want: []string{"%q: %v, %v", "all: %v"}},
	{name: "a", domain: "a.example.com", result: blitispf.Pass,
		want:  []string{"masks on %q, %q: %q %v", "a match: %v, %v, %v", "%q %v, %v"},
		match: []string{"a"}},
	{name: "mx", domain: "mx.example.com", result: blitispf.Pass,
		want:  []string{"masks on %q, %q: %q %v", "mx ips: %v", "mx match: %v, %v, %v"},
		match: []string{"mx"}},
	{name: "ptr", domain: "ptr.example.com", result: blitispf.Pass,
		want:  []string{"ptr forward resolution %q -> %q", "ptr evaluating %q in %q", "ptr match: %q"},
		match: []string{"ptr"}},
	{name: "ptr with more than ten names", domain: "ptr.example.com", ip: "192.0.2.11", result: blitispf.Fail,
		want: []string{"ptr names trimmed %d down to 10", "ptr evaluating %q in %q"}},
	{name: "ptr without names", domain: "ptr.example.com", ip: "192.0.2.12", result: blitispf.Fail,
		want: []string{"void lookup: nxdomain", "ptr reverse lookup error, no match: %v"}},
	{name: "ip4", domain: "ip4.example.com", result: blitispf.Pass,
		want: []string{"ip match: %v"}, match: []string{"ip4:192.0.2.10"}},
	{name: "ip6", domain: "ip6.example.com", ip: "2001:db8::1", result: blitispf.Pass,
		want: []string{"ip match: %v contains %v"}, match: []string{"ip6:2001:db8::/32"}},
	{name: "exists", domain: "exists.example.com", result: blitispf.Pass,
		want:  []string{"macro %q: %q", "macro expanded %q to %q", "exists match: %v"},
		match: []string{"exists:%{i}.ex.example.com"}},
	{name: "exp and an unknown modifier", domain: "exp.example.com", result: blitispf.Neutral,
		want: []string{"exp= ignored", "unknown modifier, ignoring", "all: %v"}},
	{name: "no term matches", domain: "neutral.example.com", result: blitispf.Neutral,
		want: []string{"fallback to neutral"}},
	{name: "no record", domain: "norecord.example.com", result: blitispf.None,
		want: []string{"dns record %q"}},
	{name: "no such domain", domain: "nowhere.example.com", result: blitispf.None,
		want: []string{"dns domain not found: %v"}},
	{name: "server failure", domain: "servfail.example.com", result: blitispf.TempError,
		want: []string{"dns temp error: %v"}},
	{name: "CNAME loop", domain: "loop1.example.com", result: blitispf.PermError,
		want: []string{"dns perm error: %v"}},
	{name: "two records", domain: "multi.example.com", result: blitispf.PermError,
		want: []string{"multiple dns records"}},
	{name: "two redirects", domain: "tworedirects.example.com", result: blitispf.PermError,
		want: []string{"too many redirects"}},
	{name: "unknown mechanism", domain: "unknown.example.com", result: blitispf.PermError,
		want: []string{"unknown field, permerror"}},
	{name: "term in error", domain: "badip.example.com", result: blitispf.PermError,
		want: []string{"%q %v, %v"}},
	{name: "void lookups", domain: "void.example.com", result: blitispf.PermError,
		want: []string{"void lookup: nxdomain", "void lookup limit reached", "%q %v, %v"}},
	{name: "void lookup without error", domain: "noanswer.example.com", result: blitispf.Fail, noAnswer: true,
		want: []string{"void lookup: no answers"}},
	{name: "lookup limit", domain: "limit.example.com", result: blitispf.PermError,
		want: []string{"lookup limit reached", "%q %v, %v"}},
}

const traceZone = `
$ORIGIN example.com.
all          TXT "v=spf1 -all"
include      TXT "v=spf1 include:inner.example.com -all"
inner        TXT "v=spf1 ip4:192.0.2.0/24 -all"
redirect     TXT "v=spf1 redirect=all.example.com"
a            TXT "v=spf1 a -all"
a            A   192.0.2.10
mx           TXT "v=spf1 mx -all"
mx           MX  10 mail.mx.example.com.
mail.mx      A   192.0.2.10
ptr          TXT "v=spf1 ptr -all"
host.ptr     A   192.0.2.10
ip4          TXT "v=spf1 ip4:192.0.2.10 -all"
ip6          TXT "v=spf1 ip6:2001:db8::/32 -all"
exists       TXT "v=spf1 exists:%{i}.ex.example.com -all"
192.0.2.10.ex A  127.0.0.2
exp          TXT "v=spf1 exp=why.example.com note=hello ?all"
neutral      TXT "v=spf1 ip4:198.51.100.1"
norecord     TXT "not an SPF record"
loop1        CNAME loop2.example.com.
loop2        CNAME loop1.example.com.
multi        TXT "v=spf1 -all"
multi        TXT "v=spf1 ?all"
tworedirects TXT "v=spf1 redirect=all.example.com redirect=a.example.com"
unknown      TXT "v=spf1 foo -all"
badip        TXT "v=spf1 ip4:300.1.1.1 -all"
void         TXT "v=spf1 a:nx1.example.com a:nx2.example.com a:nx3.example.com -all"
noanswer     TXT "v=spf1 a:noaddress.example.com -all"
noaddress    TXT "no address here"
limit        TXT "v=spf1 a:h1.example.com a:h2.example.com a:h3.example.com a:h4.example.com a:h5.example.com a:h6.example.com a:h7.example.com a:h8.example.com a:h9.example.com a:h10.example.com a:h11.example.com -all"

$ORIGIN 2.0.192.in-addr.arpa.
10 PTR host.ptr.example.com.
`

// countedFormats are the library's lines that countLookups reads besides
// those of traceSteps.
var countedFormats = []string{
	"ptr evaluating %q in %q",
	"ptr forward resolution %q -> %q",
	"ptr names trimmed %d down to 10",
}

// ignoredFormats are the other lines v1.6.0 writes. A line in neither list
// is new: if it opens or closes a record, buildTree must learn it.
var ignoredFormats = []string{
	"exp= ignored", "unknown modifier, ignoring", "invalid ip %v",
	"ip match: %v contains %v", "ip match: %v",
	"masks on %q, %q: %q %v", "a match: %v, %v, %v",
	"mx ips: %v", "mx match: %v, %v, %v",
	"ptr reverse lookup error, no match: %v", "ptr match: %q",
	"exists match: %v",
	"macro contains /", "macro %q: %q", "macro not terminated", "macro expanded %q to %q",
}

// readFormats lists the library's lines that buildTree or countLookups
// read, sorted.
func readFormats() []string {
	var fs []string
	for f := range traceSteps {
		if !strings.HasPrefix(f, "\x00") { // the recorder's own lines
			fs = append(fs, f)
		}
	}
	fs = append(fs, countedFormats...)
	sort.Strings(fs)
	return fs
}

// argKinds are the types of the arguments buildTree reads from a line:
// "string" (argString accepts any value, but a domain or a term is
// expected), "result" (a blitispf.Result) and "error" (an error or nil).
var argKinds = map[string][]string{
	"check %q %d %d":           {"string"},
	"dns record %q":            {"string"},
	"dns domain not found: %v": {"error"},
	"dns temp error: %v":       {"error"},
	"dns perm error: %v":       {"error"},
	"all: %v":                  {"result"},
	"%q %v, %v":                {"string", "result", "error"},
	"%q: %v, %v":               {"string", "result"},
}

// checkLine fails on a line that is not known, or whose arguments are not
// of the types buildTree reads.
func checkLine(t *testing.T, e event) {
	t.Helper()
	known := traceSteps[e.format] != nil
	for _, f := range append(countedFormats, ignoredFormats...) {
		known = known || f == e.format
	}
	if !known {
		t.Errorf("the library writes a trace line that neither buildTree nor countLookups knows: %q (%q); if it opens or closes a record, or is a lookup, teach them", e.format, e.String())
	}
	for i, kind := range argKinds[e.format] {
		if !argIs(e.args, i, kind) {
			t.Errorf("trace line %q: argument %d is %T, not the %s that buildTree reads (%q)", e.format, i, argAt(e.args, i), kind, e.String())
		}
	}
}

func argAt(a []any, i int) any {
	if i < len(a) {
		return a[i]
	}
	return nil
}

func argIs(a []any, i int, kind string) bool {
	if i >= len(a) {
		return false
	}
	switch kind {
	case "string":
		_, ok := a[i].(string)
		return ok
	case "result":
		_, ok := a[i].(blitispf.Result)
		return ok
	default:
		_, ok := a[i].(error)
		return ok || a[i] == nil
	}
}

// checkMatches fails unless each term in terms closes a record with a
// "%q %v, %v" line whose error isMatch takes for a match (the library's
// ErrMatched* values, or what an include passes up from its record).
func checkMatches(t *testing.T, events []event, terms []string) {
	t.Helper()
	for _, term := range terms {
		found := false
		for _, e := range events {
			if e.format == "%q %v, %v" && argString(e.args, 0) == term {
				found = true
				if !isMatch(argError(e.args, 2)) {
					t.Errorf("the line %q does not carry a match that isMatch knows", e.String())
				}
			}
		}
		if !found {
			t.Errorf("no %q line for the term %q; trace:\n%s", "%q %v, %v", term, traceLines(events))
		}
	}
}

// traceLines is the trace as the report shows it, one line each.
func traceLines(events []event) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString("\t" + e.String() + "\n")
	}
	return b.String()
}

// emptyAnswers answers a name without addresses with no address and no
// error, as a resolver may: the library counts that as a void lookup with
// "void lookup: no answers", where the project's resolver (which reports
// such a name as not found) makes it write "void lookup: nxdomain".
type emptyAnswers struct{ blitispf.DNSResolver }

func (e emptyAnswers) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	ips, err := e.DNSResolver.LookupIPAddr(ctx, host)
	var de *net.DNSError
	if errors.As(err, &de) && de.IsNotFound {
		return nil, nil
	}
	return ips, err
}
