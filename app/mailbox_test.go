package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/mailbox"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/summary"
)

// boxSamples are the samples in the order writeMbox cycles through them,
// with their verdicts.
var boxSamples = []struct{ file, verdict, subject string }{
	{"newsletter.eml", inspector.VerdictPass, "Spring is here: new garden tools and free delivery"},
	{"spoof.eml", inspector.VerdictFail, "Action required: your account has been locked ⚠"},
	{"mailing-list.eml", inspector.VerdictFail, "[team] Meeting minutes and this week's tasks"},
}

// writeMbox writes an mbox file of n messages, the samples in turn (each
// with an X-Seq field, which no signature covers), in a new folder, and
// returns its path. A sample's body line starting "From " would be
// quoted; extra, when set, is written as message number damaged (1 =
// first) in place of a sample.
func writeMbox(t testing.TB, n int, damaged int, extra string) string {
	t.Helper()
	var data [][]byte
	for _, s := range boxSamples {
		b, err := os.ReadFile(filepath.Join(samplesOut, s.file))
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
	}
	var buf bytes.Buffer
	for i := range n {
		fmt.Fprintf(&buf, "From sender@example Mon Jan  5 10:%02d:%02d 2026\n", i/60%60, i%60)
		if i+1 == damaged {
			buf.WriteString(extra)
		} else {
			fmt.Fprintf(&buf, "X-Seq: %d\n", i+1)
			buf.Write(data[i%len(data)])
		}
		if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
			buf.WriteString("\n")
		}
		buf.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "INBOX")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// openBox opens path in a and waits for its run to end.
func openBox(t *testing.T, a *App, path string) *mailboxView {
	t.Helper()
	a.OpenFiles([]string{path})
	e := a.entries[len(a.entries)-1]
	if e.box == nil {
		t.Fatalf("%s opened as a single message, not as a list", path)
	}
	waitBox(t, e.box)
	if e.box.selected != nil {
		wait(t, e) // a mailbox of one message shows its report straight away
	}
	return e.box
}

// waitBox waits until the run of b has ended and its last rows are shown.
func waitBox(t *testing.T, b *mailboxView) {
	t.Helper()
	wait(t, &entry{title: b.path, finished: b.finished})
}

// shownSubjects are the subjects of the rows shown, in order.
func shownSubjects(b *mailboxView) []string {
	var out []string
	for _, i := range b.shown {
		out = append(out, b.rows[i].subject)
	}
	return out
}

// damagedMessage is a message of an mbox that cannot be read: no header.
const damagedMessage = "\x00\x01\x02 binary\n"

func TestMailboxListsEveryMessage(t *testing.T) {
	srv := startZone(t)
	a := newTestApp(t, srv)
	path := writeMbox(t, 7, 4, damagedMessage)
	b := openBox(t, a, path)

	if len(b.rows) != 7 || len(b.shown) != 7 {
		t.Fatalf("%d rows, %d shown, want 7", len(b.rows), len(b.shown))
	}
	for k, i := range b.shown {
		r := b.rows[i]
		if r.seq != k || r.name != fmt.Sprintf("%s#%d", path, k+1) {
			t.Errorf("row %d is %s (seq %d): not in the order read", k, r.name, r.seq)
		}
		if k == 3 {
			if r.status != inspector.StatusUnreadable || r.err == "" {
				t.Errorf("the damaged message's row: status %s, error %q", r.status, r.err)
			}
			continue
		}
		want := boxSamples[k%3]
		if string(r.status) != want.verdict || r.subject != want.subject {
			t.Errorf("row %d: %s %q, want %s %q", k, r.status, r.subject, want.verdict, want.subject)
		}
		if r.when.IsZero() || r.date == "" || !strings.Contains(r.from, "@") {
			t.Errorf("row %d: date %q, from %q", k, r.date, r.from)
		}
	}
	// The rows on screen: each with its verdict word, its subject and the
	// words of SPF, DKIM and DMARC.
	list := allText(b.list)
	for _, want := range []string{"PASS", "FAIL", "UNREADABLE", boxSamples[1].subject, "news@northwind.example", "pass", "fail"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list does not show %q:\n%s", want, list)
		}
	}
	if got := b.status.Text; got != "7 messages checked in "+b.took.Round(100*time.Millisecond).String() {
		t.Errorf("status line %q", got)
	}
	if b.progressBox.Visible() || b.cancelBtn.Visible() || !b.againBtn.Visible() {
		t.Error("the progress bar or Cancel is still shown after the run")
	}
	// The summary, from package summary.
	sum := allText(b.overview.root)
	for _, want := range []string{
		"The 4 failures come from 2 domains, most from",
		"The most common problem, in 4 messages: DMARC fail, not aligned.",
		"1 message could not be read.",
		"northwind.example", "2 of its 2 messages passed DMARC",
		"fabrikam.example", "0 of its 2 messages passed DMARC",
		"2 pass", "4 fail", "1 unreadable",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("the summary does not say %q:\n%s", want, sum)
		}
	}
	if b.e.tab.Icon.Name() != b.icon().Name() || !strings.Contains(a.win.Title(), "INBOX") {
		t.Errorf("tab icon %s, window title %q", b.e.tab.Icon.Name(), a.win.Title())
	}
	if got := a.recent(); len(got) != 1 || got[0] != path {
		t.Errorf("recent files %v, want the mailbox", got)
	}
}

func TestMailboxSortsAndFilters(t *testing.T) {
	a := newTestApp(t, startZone(t))
	b := openBox(t, a, writeMbox(t, 6, 0, ""))
	readOrder := shownSubjects(b)

	test.Tap(b.heads[colSubject])
	sorted := slices.Clone(readOrder)
	slices.SortStableFunc(sorted, compareText)
	if got := shownSubjects(b); !slices.Equal(got, sorted) {
		t.Errorf("sorted by subject: %q, want %q", got, sorted)
	}
	if b.heads[colSubject].Icon == nil || b.heads[colFrom].Icon != nil {
		t.Error("the sorted column's header shows no arrow, or another one does")
	}
	test.Tap(b.heads[colSubject])
	slices.Reverse(sorted)
	if got := shownSubjects(b); !slices.Equal(got, sorted) {
		t.Errorf("sorted by subject, descending: %q, want %q", got, sorted)
	}
	test.Tap(b.heads[colSubject])
	if got := shownSubjects(b); !slices.Equal(got, readOrder) {
		t.Errorf("third click: %q, want the order read %q", got, readOrder)
	}
	test.Tap(b.heads[colVerdict])
	if first := b.rows[b.shown[0]]; first.status != inspector.StatusBad {
		t.Errorf("sorted by verdict, the first row is %s, want the worst", first.status)
	}

	// Filter by verdict: the button with the count.
	failBtn := b.verdicts[slices.Index(filterStatuses, inspector.StatusBad)]
	if failBtn.Text != "Fail 4" {
		t.Errorf("the Fail button says %q", failBtn.Text)
	}
	if b.verdicts[slices.Index(filterStatuses, inspector.StatusCaution)].Visible() {
		t.Error("the Warn button shows with no message to filter")
	}
	test.Tap(failBtn)
	for _, i := range b.shown {
		if b.rows[i].status != inspector.StatusBad {
			t.Errorf("the Fail filter shows %s", b.rows[i].status)
		}
	}
	if len(b.shown) != 4 || b.counted.Text != "4 of 6 shown" {
		t.Errorf("%d shown, %q", len(b.shown), b.counted.Text)
	}
	// And by text, within the verdict.
	test.Type(b.search, "FABRIKAM")
	if len(b.shown) != 2 || b.rows[b.shown[0]].subject != boxSamples[1].subject {
		t.Errorf("filtered on fabrikam: %q", shownSubjects(b))
	}
	test.Tap(failBtn) // again: every verdict
	b.search.SetText("northwind")
	if len(b.shown) != 2 || b.rows[b.shown[0]].status != inspector.StatusGood {
		t.Errorf("filtered on northwind: %q", shownSubjects(b))
	}
	b.search.SetText("")
	if len(b.shown) != 6 {
		t.Errorf("%d shown with no filter", len(b.shown))
	}
}

func TestMailboxSelectionShowsReport(t *testing.T) {
	a := newTestApp(t, startZone(t))
	path := writeMbox(t, 5, 0, "")
	b := openBox(t, a, path)
	e := b.e
	if e.view.scroll.Visible() || !b.overview.root.Visible() {
		t.Fatal("a report is shown before a message is selected")
	}
	for _, k := range []int{1, 4, 0} {
		b.list.Select(k)
		wait(t, e)
		r, row := e.report, b.rows[b.shown[k]]
		if r == nil || e.err != nil {
			t.Fatalf("row %d: no report: %v", k, e.err)
		}
		if r.File != row.name || r.Subject != row.subject || r.Verdict != string(row.status) {
			t.Errorf("row %d (%s %q %s) shows the report of %s %q %s", k, row.name, row.subject, row.status, r.File, r.Subject, r.Verdict)
		}
		for i, m := range rowMechanisms {
			if got := r.Row(m).ShownWord(); got != row.results[i].word {
				t.Errorf("row %d: %s says %q in the report, %q in the list", k, m, got, row.results[i].word)
			}
		}
		if len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "read from the mbox file "+path+",") {
			t.Errorf("row %d: the report's notes do not say where the message was read: %q", k, r.Notes)
		}
		if !e.view.scroll.Visible() || b.overview.root.Visible() {
			t.Errorf("row %d: the report is not shown in place of the summary", k)
		}
		if page := allText(e.view.page); !strings.Contains(page, row.subject) {
			t.Errorf("row %d: the report view does not show %q:\n%s", k, row.subject, page)
		}
		if want := fmt.Sprintf("INBOX#%d", k+1); !strings.Contains(a.win.Title(), want) {
			t.Errorf("window title %q, want it to name %s", a.win.Title(), want)
		}
		if b.selected != row || b.list.Length() != 5 {
			t.Errorf("row %d: the selection is not kept", k)
		}
	}
	// Export and Check Again work on the selected message.
	if it := menuItem(t, a, "File", "Export as JSON…"); it.Disabled {
		t.Error("Export as JSON is disabled with a message's report shown")
	}
	menuItem(t, a, "Edit", "Check Again").Action()
	wait(t, e)
	if e.report == nil || e.report.File != path+"#1" || len(b.rows) != 5 {
		t.Error("Check Again with a message selected did not check that message again")
	}

	test.Tap(b.summaryBtn)
	if e.view.scroll.Visible() || !b.overview.root.Visible() || b.selected != nil {
		t.Error("the Summary button does not show the summary")
	}
	if strings.Contains(a.win.Title(), "#") {
		t.Errorf("window title %q still names a message", a.win.Title())
	}
}

func TestMailboxOpenedAgainChecksAgain(t *testing.T) {
	a := newTestApp(t, startZone(t))
	path := writeMbox(t, 3, 0, "")
	b := openBox(t, a, path)
	b.list.Select(1)
	wait(t, b.e)
	first := b.rows[0]
	a.Dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(path)})
	if len(a.entries) != 1 {
		t.Fatalf("%d tabs after dropping the mailbox again, want 1", len(a.entries))
	}
	waitBox(t, b)
	if len(b.rows) != 3 || b.rows[0] == first || b.selected != nil {
		t.Errorf("opened again: %d rows, new rows %v, selection %v", len(b.rows), b.rows[0] != first, b.selected)
	}
}

// TestMailboxKinds opens each kind of mailbox package mailbox reads, and
// checks every message again through its row: each is read again from
// where it was (a message of an mbox file by its place in the file).
func TestMailboxKinds(t *testing.T) {
	a := newTestApp(t, startZone(t))
	dir, _ := filepath.Abs("../inspector/mailbox/testdata")
	for _, c := range []struct {
		path          string
		rows, skipped int
	}{
		{"maildir", 3, 0},
		{"Export.mbox", 2, 0},
		{"12345.emlx", 1, 0},
		{"damaged.mbox", 0, 0},
		{"folder", 0, 0},
	} {
		t.Run(c.path, func(t *testing.T) {
			path := filepath.Join(dir, c.path)
			want := 0
			for it := range mailbox.Read([]string{path}, mailbox.Options{}) {
				if it.Skipped == "" {
					want++
				}
				it.Close()
			}
			b := openBox(t, a, path)
			if len(b.rows) != want || want == 0 {
				t.Fatalf("%d rows, want %d (as package mailbox reads it)", len(b.rows), want)
			}
			for k, i := range slices.Clone(b.shown) {
				row := b.rows[i]
				b.list.Select(k)
				wait(t, b.e)
				switch {
				case row.err != "":
					if b.e.err == nil || b.e.err.Error() != row.err {
						t.Errorf("%s: error %v, want %s", row.name, b.e.err, row.err)
					}
				case b.e.report == nil:
					t.Errorf("%s: read again: %v", row.name, b.e.err)
				case b.e.report.File != row.name || b.e.report.Subject != row.subject || b.e.report.Verdict != string(row.status):
					t.Errorf("%s (%q %s) shows %s (%q %s)", row.name, row.subject, row.status, b.e.report.File, b.e.report.Subject, b.e.report.Verdict)
				}
			}
			test.Tap(b.summaryBtn)
			if c.path == "folder" && !strings.Contains(allText(b.overview.root), "not taken for messages") {
				t.Errorf("the summary of a folder does not say which files were skipped:\n%s", allText(b.overview.root))
			}
		})
	}
	// A message file still opens on its own.
	a.OpenFiles([]string{sample(t, "spoof.eml")})
	if e := a.entries[len(a.entries)-1]; e.box != nil {
		t.Error("a .eml file opened as a list")
	} else {
		wait(t, e)
	}
}

// TestMailboxReadsMessageAgainFromItsPlace reads each message of an mbox
// whose first message follows a byte order mark and blank lines, and
// whose body lines are quoted (mboxrd), through its row, and compares it
// with the message package mailbox read in one pass.
func TestMailboxReadsMessageAgainFromItsPlace(t *testing.T) {
	msg := func(n int) string {
		return fmt.Sprintf("From: a%d@example.org\nSubject: message %d\n\nbody\n>From the quoted line\n>>From twice\n", n, n)
	}
	data := "\xEF\xBB\xBF\n\nFrom x@example Mon Jan  5 10:00:00 2026\n" + msg(1) + "\nFrom x@example Mon Jan  5 10:00:01 2026\n" + msg(2) +
		"\nFrom x@example Mon Jan  5 10:00:02 2026\r\n" + strings.ReplaceAll(msg(3), "\n", "\r\n")
	path := filepath.Join(t.TempDir(), "box.mbox")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	offsets := map[string]int64{}
	n := 0
	for it := range mailbox.Read([]string{path}, mailbox.Options{}) {
		n++
		src := rowSource{path: it.Path, kind: it.Kind, index: it.Index, offset: offsets[it.Path], size: it.Size}
		offsets[it.Path] += it.Size
		m, err := src.load(it.Name)
		if err != nil {
			t.Fatalf("%s: %v", it.Name, err)
		}
		if got, want := messageText(t, m), messageText(t, it.Message); got != want {
			t.Errorf("%s read again:\n%s\nwant\n%s", it.Name, got, want)
		}
		it.Close()
	}
	if n != 3 {
		t.Fatalf("%d messages", n)
	}
	// A file changed since: an error, never another message.
	src := rowSource{path: path, kind: mailbox.KindMbox, index: 2, offset: 7, size: 40}
	if _, err := src.load(path + "#2"); err != errMailboxChanged {
		t.Errorf("a message not where it was: %v", err)
	}
}

// messageText is a message's name, notes, header and body.
func messageText(t *testing.T, m *message.Message) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q\n", m.File, m.Notes)
	for _, f := range m.Header {
		fmt.Fprintf(&b, "%q\n", f.Raw)
	}
	body := new(bytes.Buffer)
	body.ReadFrom(m.Body())
	b.WriteString(body.String())
	return b.String()
}

// TestMailboxCancel stops a run half way: the rows checked stay, the
// others are not shown, and every goroutine of the run ends.
func TestMailboxCancel(t *testing.T) {
	a := newTestApp(t, startZone(t))
	path := writeMbox(t, 200, 0, "")
	goroutines, _ := usage()
	var mu sync.Mutex
	checked := 0
	engine := a.check
	a.check = func(ctx context.Context, m *message.Message, opts inspector.Options) *inspector.Report {
		mu.Lock()
		checked++
		n := checked
		mu.Unlock()
		if n > 20 {
			<-ctx.Done() // the rest wait, as on a dead DNS server
		}
		return engine(ctx, m, opts)
	}
	a.OpenFiles([]string{path})
	b := a.entries[0].box
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		a.serially(func() { n = len(b.rows) })
		if n >= 20 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !b.cancelBtn.Visible() || !b.progressBox.Visible() || !strings.HasSuffix(a.win.Title(), "(checking…)") {
		t.Errorf("no Cancel button or progress bar while the run goes on, or the title %q does not say so", a.win.Title())
	}
	test.Tap(b.cancelBtn)
	waitBox(t, b)
	if !b.stopped || len(b.rows) != 20 {
		t.Errorf("stopped %v with %d rows, want the 20 checked", b.stopped, len(b.rows))
	}
	if !strings.HasPrefix(b.status.Text, "Stopped after 20 messages") || !b.againBtn.Visible() || b.cancelBtn.Visible() ||
		strings.Contains(a.win.Title(), "checking") {
		t.Errorf("status %q; Check all again shown %v", b.status.Text, b.againBtn.Visible())
	}
	a.check = engine
	test.Tap(b.againBtn)
	waitBox(t, b)
	if len(b.rows) != 200 || b.stopped {
		t.Errorf("checked again: %d rows, stopped %v", len(b.rows), b.stopped)
	}
	a.closeSelected()
	if after, _ := usage(); after > goroutines+2 {
		t.Errorf("%d goroutines after the run, %d before", after, goroutines)
	}
}

// TestMailboxMemory checks a mailbox of 5,000 messages (offline, from the
// samples' snapshot) and measures what its rows hold: a small part of
// what 5,000 reports would.
func TestMailboxMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("checks 5,000 messages")
	}
	const n = 5000
	a := newTestApp(t, startZone(t))
	snapshot, _ := filepath.Abs(filepath.Join(samplesOut, "snapshot.json"))
	settings{Mode: dnsOffline, Snapshot: snapshot, Timeout: time.Second}.save(a.fyne.Preferences())
	path := writeMbox(t, n, 0, "")

	// What a report holds, measured on 200 of them.
	reports := make([]*inspector.Report, 0, 200)
	before := heapAlloc()
	for it := range mailbox.Read([]string{path}, mailbox.Options{}) {
		if len(reports) < cap(reports) {
			reports = append(reports, a.check(context.Background(), it.Message, engineOptions(t, a)))
		}
		it.Close()
		if len(reports) == cap(reports) {
			break
		}
	}
	withReports := heapAlloc()
	perReport := float64(withReports-before) / float64(len(reports))
	runtime.KeepAlive(reports)
	reports = nil

	goroutines, _ := usage()
	before = heapAlloc()
	start := time.Now()
	b := openBox(t, a, path)
	took := time.Since(start)
	goroutinesAfter, _ := usage()
	after := heapAlloc()
	if len(b.rows) != n {
		t.Fatalf("%d rows, want %d", len(b.rows), n)
	}
	perRow := float64(after-before) / n
	t.Logf("%d messages in %v; the list holds %.0f bytes a row, a report %.0f bytes", n, took, perRow, perReport)
	if perRow*20 > perReport {
		t.Errorf("a row holds %.0f bytes, a report %.0f: the list keeps more than a twentieth of a report per message", perRow, perReport)
	}
	if goroutinesAfter > goroutines+2 {
		t.Errorf("%d goroutines after the run, %d before", goroutinesAfter, goroutines)
	}
	// Sorting and filtering 5,000 rows.
	start = time.Now()
	test.Tap(b.heads[colFrom])
	b.search.SetText("fabrikam")
	if len(b.shown) != (n+1)/3 {
		t.Errorf("%d rows from fabrikam, want %d", len(b.shown), (n+1)/3)
	}
	t.Logf("sorting and filtering %d rows: %v", n, time.Since(start))
}

// heapAlloc is the heap's live bytes, after a collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// engineOptions are the engine's options under the app's settings.
func engineOptions(t *testing.T, a *App) inspector.Options {
	t.Helper()
	opts, err := a.options(&entry{})
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

func TestGlance(t *testing.T) {
	c := summary.New()
	fail := &inspector.Report{Verdict: inspector.VerdictFail, From: inspector.Address{Domain: "esp.example"},
		Summary: []inspector.Row{{Mechanism: "DMARC", Result: "fail", Status: inspector.VerdictFail, Reason: "the DKIM signature is not aligned"}}}
	for range 37 {
		c.Add("box#1", fail)
	}
	c.Add("box#38", &inspector.Report{Verdict: inspector.VerdictPass, From: inspector.Address{Domain: "good.example"}})
	got := strings.Join(glance(c.Summary(-1)), "\n")
	for _, want := range []string{
		"All 37 failures come from esp.example, where 0 of its 37 messages passed DMARC.",
		"The most common problem, in 37 messages: DMARC fail. The DKIM signature is not aligned",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("glance says\n%s\nwant %q", got, want)
		}
	}
	if got := glance(summary.New().Summary(-1)); len(got) != 1 || got[0] != "No message found." {
		t.Errorf("empty: %q", got)
	}
}
