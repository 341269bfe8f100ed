package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

const damagedMbox = "../mailbox/testdata/damaged.mbox"

// jsonLines decodes one JSON object per line.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %v\n%s", err, l)
		}
		objs = append(objs, m)
	}
	return objs
}

// Each message of an mbox is its own report, named FILE#N, with where it
// was found; the damaged one is an error entry and the others go on.
func TestMboxJSON(t *testing.T) {
	srv := dnstest.Start(t, "")
	code, stdout, stderr := run(t, "--json", "--dns", srv.Addr, damagedMbox)
	if code != ExitBadInput {
		t.Errorf("exit %d, want %d for a damaged message", code, ExitBadInput)
	}
	objs := jsonLines(t, stdout)
	if len(objs) != 3 {
		t.Fatalf("%d JSON lines, want 3:\n%s", len(objs), stdout)
	}
	for i, o := range objs {
		want := fmt.Sprintf("%s#%d", damagedMbox, i+1)
		if o["file"] != want {
			t.Errorf("line %d: file %v, want %s", i+1, o["file"], want)
		}
		if idx, _ := lookup(o, "mailbox.index"); idx != float64(i+1) {
			t.Errorf("line %d: mailbox.index %v", i+1, idx)
		}
		if p, _ := lookup(o, "mailbox.path"); p != damagedMbox {
			t.Errorf("line %d: mailbox.path %v", i+1, p)
		}
	}
	if _, ok := objs[1]["error"]; !ok || objs[1]["verdict"] != nil || objs[1]["status"] != "error" {
		t.Errorf("the damaged message is not an error entry: %v", objs[1])
	}
	if d, _ := lookup(objs[0], "mailbox.envelope_date"); d != "Sat Jan 3 01:05:34 2026" {
		t.Errorf("envelope date %v", d)
	}
	if objs[2]["message_id"] != "<third@example.com>" || objs[2]["verdict"] == nil {
		t.Errorf("third report: %v", objs[2])
	}
	if !strings.Contains(stderr, damagedMbox+"#2") {
		t.Errorf("stderr does not name the damaged message: %q", stderr)
	}
}

func TestMboxText(t *testing.T) {
	srv := dnstest.Start(t, "")
	_, stdout, _ := run(t, "--dns", srv.Addr, damagedMbox)
	for _, want := range []string{
		damagedMbox + "#1 (stored Sat Jan 3 01:05:34 2026)\n",
		damagedMbox + "#3 (stored Mon Jan 5 12:00:00 2026)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "#2") {
		t.Errorf("the damaged message has a report in the text output")
	}
}

func TestSummary(t *testing.T) {
	srv := dnstest.Start(t, "")
	_, stdout, _ := run(t, "--dns", srv.Addr, "--summary", damagedMbox, "testdata/plain.eml", "../mailbox/testdata/folder")
	i := strings.Index(stdout, "Summary: ")
	if i < 0 || strings.Contains(stdout[i:], "DKIM d=") {
		t.Fatalf("no summary after the reports:\n%s", stdout)
	}
	sum := stdout[i:]
	for _, want := range []string{
		"Summary: 7 messages checked, 2 could not be read, 6 files skipped",
		"WARN 7",
		"Most common problems:",
		"DMARC none (no_record)",
		"DMARC by sending (From) domain:",
		"example.com  ✘ 0 of 6 messages passed DMARC",
		"Skipped files:",
		"1  not a message: does not begin with header fields",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}

	_, stdout, _ = run(t, "--dns", srv.Addr, "--summary", "--json", damagedMbox)
	objs := jsonLines(t, stdout)
	last := objs[len(objs)-1]
	if n, _ := lookup(last, "summary.messages"); n != float64(2) {
		t.Errorf("JSON summary: %v", last)
	}
	if n, _ := lookup(last, "summary.errors"); n != float64(1) {
		t.Errorf("JSON summary errors: %v", last)
	}
}

func TestCSV(t *testing.T) {
	srv := dnstest.Start(t, "")
	dir := t.TempDir()
	formula := filepath.Join(dir, "formula.eml")
	os.WriteFile(formula, []byte("From: x@example.com\nSubject: =HYPERLINK(\"http://evil.example\")\n\nhi\n"), 0o644)
	code, stdout, stderr := run(t, "--format", "csv", "--summary", "--dns", srv.Addr, damagedMbox, formula)
	if code != ExitBadInput {
		t.Errorf("exit %d", code)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, stdout)
	}
	want := [][]string{
		{"file", "index", "date", "from", "subject", "verdict", "spf", "dkim", "dmarc", "headline"},
		{damagedMbox, "1", "Sat Jan 3 01:05:34 2026", "alice@example.com", "first", "warn", "none", "none", "none"},
		{damagedMbox, "2", "", "", "", "error", "", "", ""},
		{damagedMbox, "3", "Mon Jan 5 12:00:00 2026", "carol@example.com", "third", "warn", "none", "none", "none"},
		{formula, "", "", "x@example.com", `'=HYPERLINK("http://evil.example")`, "warn", "none", "none", "none"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), stdout)
	}
	for i := range want {
		got := rows[i]
		if i > 0 {
			if got[9] == "" {
				t.Errorf("row %d has no headline", i)
			}
			got = got[:9]
		}
		if strings.Join(got, "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n%q\nwant\n%q", i, got, want[i])
		}
	}
	if !strings.Contains(stderr, "Summary: 3 messages checked, 1 could not be read") {
		t.Errorf("with CSV the summary goes to stderr: %q", stderr)
	}
}

func TestFolderSkipsAndEmptyMaildir(t *testing.T) {
	srv := dnstest.Start(t, "")
	code, stdout, stderr := run(t, "--json", "--dns", srv.Addr, "../mailbox/testdata/folder")
	if code != ExitBadInput { // broken.eml
		t.Errorf("exit %d", code)
	}
	if n := len(jsonLines(t, stdout)); n != 5 { // Inbox#1, Inbox#2, a.eml, broken.eml (error), sub/b.eml
		t.Errorf("%d JSON lines, want 5:\n%s", n, stdout)
	}
	if !strings.Contains(stderr, "skipped 6 files: ") || !strings.Contains(stderr, "1 not a message: an HTML or XML document") {
		t.Errorf("stderr does not count what was skipped and why: %q", stderr)
	}

	dir := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		os.Mkdir(filepath.Join(dir, sub), 0o755)
	}
	code, stdout, stderr = run(t, "--json", "--dns", srv.Addr, dir)
	if code != ExitOK || stdout != "" || !strings.Contains(stderr, "found no message in") {
		t.Errorf("empty Maildir: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// A signed message stored in an mbox, with body lines the mbox writer
// quoted, verifies; its copies ask DNS once, and their reports list the
// lookups as answered from the shared cache.
func TestMboxSignedCopiesShareDNS(t *testing.T) {
	key := testsign.Key{Domain: "sender.example", Selector: "s1", Signer: testsign.Seed(3)}
	srv := dnstest.Start(t, `
$ORIGIN sender.example.
@       300 IN SOA ns.sender.example. hostmaster.sender.example. 1 7200 900 1209600 300
@       300 IN TXT "v=spf1 ip4:192.0.2.25 -all"
_dmarc  300 IN TXT "v=DMARC1; p=reject"
mail    300 IN A 192.0.2.25
$ORIGIN recipient.example.
@       300 IN MX 10 mx.recipient.example.
$ORIGIN 25.2.0.192.in-addr.arpa.
@       300 IN PTR mail.sender.example.
`)
	srv.Add(key.TXT())
	now := time.Now().UTC()
	msg := testsign.Sign(testsign.CRLF(`From: Sender <news@sender.example>
To: bob@recipient.example
Subject: quoted lines
Date: `+now.Format(time.RFC1123Z)+`
Message-ID: <q1@sender.example>

Hello.

From the desk of the sender: this line starts with "From ".
>From a line that began with ">From ".
`), key, testsign.Options{Time: now})
	msg = testsign.CRLF("Received: from mail.sender.example (mail.sender.example [192.0.2.25])\n\tby mx.recipient.example (Postfix) with ESMTPS id 1; "+now.Format(time.RFC1123Z)+"\n") + msg
	var box bytes.Buffer
	const copies = 5
	for i := 0; i < copies; i++ {
		box.WriteString("From news@sender.example " + now.Format(time.ANSIC) + "\n")
		for _, line := range strings.SplitAfter(msg, "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				line = ">" + line
			}
			box.WriteString(line)
		}
		box.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "copies.mbox")
	os.WriteFile(path, box.Bytes(), 0o644)

	code, stdout, stderr := run(t, "--json", "--jobs", "1", "--dns", srv.Addr, path)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	objs := jsonLines(t, stdout)
	if len(objs) != copies {
		t.Fatalf("%d reports for %d messages", len(objs), copies)
	}
	for i, o := range objs {
		if r, _ := lookup(o, "dmarc.result"); r != "pass" || o["verdict"] != "pass" {
			dk, _ := json.Marshal(o["dkim"])
			t.Errorf("copy %d: verdict %v, DMARC %v, DKIM %s", i+1, o["verdict"], r, dk)
		}
		entries, _ := o["dns"].([]any)
		if len(entries) == 0 {
			t.Errorf("copy %d lists no lookup", i+1)
		}
		for _, e := range entries {
			if c := e.(map[string]any)["cached"]; c != (i > 0) {
				t.Errorf("copy %d: DNS entry %v: cached %v", i+1, e, c)
			}
		}
	}
	if n := srv.QueriesFor("s1._domainkey.sender.example", dns.TypeTXT); n != 1 {
		t.Errorf("the key was asked %d times for %d messages", n, copies)
	}
}

// The progress bar is drawn on stderr only when asked (a terminal), and
// only once the run has lasted a while.
func TestProgress(t *testing.T) {
	srv := dnstest.Start(t, "")
	if _, _, stderr := run(t, "--json", "--dns", srv.Addr, "testdata/plain.eml"); stderr != "" {
		t.Errorf("off a terminal, stderr %q", stderr)
	}
	forceProgress, progressDelay = true, 0
	defer func() { forceProgress, progressDelay = false, time.Second }()
	_, _, stderr := run(t, "--json", "--dns", srv.Addr, damagedMbox)
	if !strings.Contains(stderr, " message") || !strings.Contains(stderr, "%") || !strings.Contains(stderr, "\r"+"mailinspector: "+damagedMbox+"#2") {
		t.Errorf("no progress on a terminal: %q", stderr)
	}
}

// A stopped run (Ctrl-C) writes no report of a check it cut short.
func TestStopped(t *testing.T) {
	srv := dnstest.Start(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"--json", "--dns", srv.Addr, damagedMbox}, &out, &errb)
	if code != ExitBadInput || out.Len() != 0 || !strings.Contains(errb.String(), "stopped") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}
