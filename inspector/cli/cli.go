// Package cli is the command line of Mail Inspector:
//
//	mailinspector check [--json | --format text|json|csv] [--summary]
//	                    [--dns HOST:PORT] [--offline --snapshot FILE]
//	                    [--record FILE] [--timeout DURATION] [--client-ip IP]
//	                    [--jobs N] [--no-archive | --key-archive FILE]
//	                    [--import-keys SNAPSHOT] [--export-keys FILE] [--no-history]
//	                    FILE|FOLDER...
//
// It checks each message (a message file, each message of an mbox file, a
// Maildir, an Apple Mail .emlx file or export, or a folder searched
// recursively; see package mailbox) and prints a readable summary
// (coloured on a terminal), one JSON object per message per line, or one
// CSV row per message. Messages are checked many at a time, with one DNS
// cache for the whole run, and reported in the order read.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/mailbox"
	"github.com/mailinspector/mailinspector/inspector/plaintext"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/summary"
)

// Exit statuses.
const (
	ExitOK       = 0 // every message was read and checked
	ExitBadInput = 1 // a file or message could not be read or is not a message
	ExitUsage    = 2 // the command line is wrong
)

// DefaultJobs is how many messages are checked at the same time: a check
// mostly waits for DNS, so many can be in flight on a few cores.
const DefaultJobs = 32

const usage = `usage: mailinspector check [flags] FILE|FOLDER...

Re-verifies DKIM, SPF, DMARC and ARC of saved messages and prints a
verdict with reasons. Takes message files (.eml), mbox files (Thunderbird
folders, Apple Mail exports), Maildirs, Apple Mail .emlx files, and
folders of messages. Only DNS is queried; nothing is uploaded.

flags:
`

// config is the parsed command line.
type config struct {
	format  string // text, json or csv
	summary bool
	jobs    int
	opts    inspector.Options
	record  string
	inputs  []string
	keys    keyConfig
}

// Run runs the check command with its arguments (those after "check") and
// returns the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, code := parse(args, stderr)
	if cfg == nil {
		return code
	}
	if code = cfg.keys.start(stderr); code == ExitOK && len(cfg.inputs) > 0 {
		code = check(ctx, cfg, stdout, stderr)
	}
	flushHistory(cfg.opts.Senders, stderr)
	return cfg.keys.finish(code, stdout, stderr)
}

// parse reads the command line; a nil config comes with the exit status.
func parse(args []string, stderr io.Writer) (*config, int) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print one JSON object per message, one per line (same as --format json)")
	format := fs.String("format", "", "output `FORMAT`: text (the default), json, or csv (one row per message, for spreadsheets)")
	sum := fs.Bool("summary", false, "after the messages, print a summary: verdicts, most common problems, DMARC per From domain (on stderr with --format csv)")
	jobs := fs.Int("jobs", DefaultJobs, "check up to `N` messages at the same time")
	server := fs.String("dns", "", "ask this DNS server (`HOST:PORT`) instead of the system's resolvers")
	offline := fs.Bool("offline", false, "send no DNS queries: answer them from --snapshot")
	snapshot := fs.String("snapshot", "", "with --offline, the DNS snapshot `FILE` to replay")
	record := fs.String("record", "", "save every DNS answer of this run to `FILE` (a snapshot for --offline)")
	timeout := fs.Duration("timeout", resolver.DefaultTimeout, "per-query DNS timeout")
	clientIP := fs.String("client-ip", "", "take `IP` as the address that delivered the message, instead of reading it from Received fields")
	keys := addKeyFlags(fs)
	noHistory := addHistoryFlag(fs)

	inputs, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, ExitOK
		}
		return nil, ExitUsage
	}
	bad := func(format string, a ...any) (*config, int) {
		fmt.Fprintf(stderr, "mailinspector check: "+format+"\n", a...)
		fs.Usage()
		return nil, ExitUsage
	}
	cfg := &config{format: *format, summary: *sum, jobs: *jobs, record: *record, inputs: inputs,
		opts: inspector.Options{DNS: resolver.Config{Timeout: *timeout}}}
	switch {
	case *asJSON && cfg.format != "" && cfg.format != "json":
		return bad("--json and --format %s exclude each other", cfg.format)
	case *asJSON:
		cfg.format = "json"
	case cfg.format == "":
		cfg.format = "text"
	}
	switch {
	case len(inputs) == 0 && !keys.alone():
		return bad("no message file given")
	case cfg.format != "text" && cfg.format != "json" && cfg.format != "csv":
		return bad("--format %q: want text, json or csv", cfg.format)
	case *timeout <= 0:
		return bad("--timeout must be positive, got %v", *timeout)
	case *jobs < 1:
		return bad("--jobs must be at least 1, got %d", *jobs)
	}
	switch {
	case *offline && *snapshot == "":
		return bad("--offline needs --snapshot FILE")
	case *snapshot != "" && !*offline:
		return bad("--snapshot is replayed only with --offline (to save answers, use --record)")
	case *offline && *server != "":
		return bad("--offline and --dns exclude each other")
	case *offline:
		snap, err := resolver.ReadSnapshot(*snapshot)
		if err != nil {
			fmt.Fprintf(stderr, "mailinspector check: %v\n", err)
			return nil, ExitUsage
		}
		cfg.opts.DNS.Replay = snap
	case *server != "":
		if _, _, err := net.SplitHostPort(*server); err != nil {
			return bad("--dns %q: want HOST:PORT, e.g. 127.0.0.1:53", *server)
		}
		cfg.opts.DNS.Servers = []string{*server}
	}
	if !*offline {
		// One cache for every message of the run: a mailbox with many
		// messages from the same senders asks each question once.
		cfg.opts.DNS.Cache = resolver.NewCache(resolver.CacheOptions{})
	}
	if cfg.keys, err = keys.open(*offline, stderr); err != nil {
		return bad("%v", err)
	}
	cfg.opts.Keys = cfg.keys.archive
	cfg.opts.Senders = openHistory(*noHistory, *offline, stderr)
	if *clientIP != "" {
		ip, err := netip.ParseAddr(*clientIP)
		if err != nil {
			return bad("--client-ip %q is not an IP address", *clientIP)
		}
		cfg.opts.ClientIP = ip
	}
	return cfg, ExitOK
}

// gcPercent is the garbage collector's setting during a run (GOGC=400
// unless GOGC says otherwise), and gcLimit the heap size past which it
// works harder whatever gcPercent says. A run keeps little alive (a bounded
// window of messages and reports) and allocates much per message: letting
// the heap grow to five times what is alive, within gcLimit, saves a fifth
// of the time of a large mailbox for some 20 MiB more.
const (
	gcPercent = 400
	gcLimit   = 256 << 20
)

// procsPerCPU is how many Go processors a run uses per CPU (unless
// GOMAXPROCS says otherwise). Reading message files is blocking system
// calls, and a processor blocked in one is handed to other work only after
// a while: with two per CPU the CPUs stay busy meanwhile. Offline, 5,000
// messages took 1.28 to 1.38 s with two per CPU against 1.64 to 1.84 s with
// one, on 2 CPUs, in the same run.
const procsPerCPU = 2

// check checks every message of cfg.inputs and writes the reports.
func check(ctx context.Context, cfg *config, stdout, stderr io.Writer) int {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(gcLimit))
	}
	if os.Getenv("GOMAXPROCS") == "" {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procsPerCPU * runtime.NumCPU()))
	}
	out := newWriter(cfg, stdout, stderr)
	prog := newProgress(stderr, cfg.inputs)
	var recorded *resolver.Snapshot
	status := ExitOK
	messages := 0
	results := checkAll(ctx, cfg.inputs, cfg.opts, cfg.jobs, out.render)
	for res := range results {
		if ctx.Err() != nil {
			// Stopped (Ctrl-C): the checks still in flight were cut short,
			// and their reports would blame DNS for it. Write none of them.
			go func() {
				for range results {
				}
			}()
			break
		}
		it, r := res.item, res.report
		prog.done(it)
		switch {
		case it.Skipped != "":
			out.counter.AddSkipped(it.Skipped)
			continue
		case it.Err != nil:
			status = ExitBadInput
			prog.clear(true)
			fmt.Fprintf(stderr, "mailinspector: %v\n", it.Err)
			out.counter.AddError()
		default:
			messages++
			out.counter.Add(it.Name, r)
			if cfg.record != "" {
				if recorded == nil {
					recorded = r.Snapshot()
				} else {
					recorded.Merge(r.Snapshot())
				}
			}
		}
		prog.clear(false)
		err := res.err
		if err == nil {
			_, err = stdout.Write(res.out)
			release(res.out)
		}
		if err != nil {
			fmt.Fprintf(stderr, "mailinspector: writing the report of %s: %v\n", it.Name, err)
			return ExitBadInput
		}
	}
	prog.finish()
	if err := out.finish(); err != nil {
		fmt.Fprintf(stderr, "mailinspector: writing the reports: %v\n", err)
		return ExitBadInput
	}
	if s := out.counter.Summary(-1); s.Skipped > 0 {
		var why []string
		for _, c := range s.SkippedWhy {
			why = append(why, fmt.Sprintf("%d %s", c.Count, c.Reason))
		}
		fmt.Fprintf(stderr, "mailinspector: skipped %d %s: %s\n", s.Skipped, plural(s.Skipped, "file", "files"), strings.Join(why, ", "))
	}
	if messages == 0 && status == ExitOK {
		fmt.Fprintf(stderr, "mailinspector: found no message in %s\n", strings.Join(cfg.inputs, ", "))
	}
	if cfg.record != "" && recorded != nil {
		if err := recorded.WriteFile(cfg.record); err != nil {
			fmt.Fprintf(stderr, "mailinspector: saving the DNS snapshot: %v\n", err)
			return ExitBadInput
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "mailinspector: stopped: %v\n", context.Cause(ctx))
		return ExitBadInput
	}
	return status
}

// result is a message read, its report (unless it could not be read or
// was skipped) and the report rendered for the output.
type result struct {
	item   *mailbox.Item
	report *inspector.Report
	out    []byte
	err    error // from rendering
}

// checkAll reads the messages of inputs, checks them with up to jobs at a
// time, renders each report (in the same goroutine, so that encoding runs
// on every core too), and sends the results in the order read. At most
// 2*jobs messages are between reading and the caller, so that a slow
// message cannot make the reports of all the others pile up in memory,
// whatever the size of the mailbox. The channel is closed after the last
// result, or soon after ctx is done.
func checkAll(ctx context.Context, inputs []string, opts inspector.Options, jobs int,
	render func(*mailbox.Item, *inspector.Report) ([]byte, error)) <-chan result {
	type pending struct {
		item *mailbox.Item
		done chan result
	}
	finish := func(p *pending, r *inspector.Report) {
		p.item.Close()
		out, err := render(p.item, r)
		p.done <- result{p.item, r, out, err}
	}
	order := make(chan *pending, 2*jobs)
	work := make(chan *pending)
	go func() {
		defer close(order)
		defer close(work)
		for it := range mailbox.Read(inputs, mailbox.Options{}) {
			p := &pending{item: it, done: make(chan result, 1)}
			order <- p
			if it.Message == nil {
				finish(p, nil)
			} else {
				work <- p
			}
			if ctx.Err() != nil {
				return
			}
		}
	}()
	for i := 0; i < jobs; i++ {
		go func() {
			for p := range work {
				finish(p, inspector.Check(ctx, p.item.Message, opts))
			}
		}()
	}
	out := make(chan result)
	go func() {
		defer close(out)
		for p := range order {
			out <- <-p.done
		}
	}()
	return out
}

// writer renders each message's report in the chosen format, and writes
// the summary at the end.
type writer struct {
	cfg            *config
	stdout, stderr io.Writer
	color          bool
	err            error // writing the CSV header
	counter        *summary.Counter
}

func newWriter(cfg *config, stdout, stderr io.Writer) *writer {
	w := &writer{cfg: cfg, stdout: stdout, stderr: stderr, counter: summary.New(),
		color: cfg.format == "text" && isTerminal(stdout) && os.Getenv("NO_COLOR") == ""}
	if cfg.format == "csv" {
		c := plaintext.NewCSV(stdout)
		c.Write(plaintext.CSVHeader)
		c.Flush()
		w.err = c.Error()
	}
	return w
}

// mailboxJSON says where in a mailbox a message was found; it is added to
// the JSON report of a message that does not have a file of its own.
type mailboxJSON struct {
	Path         string       `json:"path"`
	Index        int          `json:"index,omitempty"`
	Kind         mailbox.Kind `json:"kind"`
	Envelope     string       `json:"envelope,omitempty"`
	EnvelopeDate string       `json:"envelope_date,omitempty"`
}

func placeOf(it *mailbox.Item) *mailboxJSON {
	if it.Kind == mailbox.KindFile {
		return nil
	}
	return &mailboxJSON{Path: it.Path, Index: it.Index, Kind: it.Kind, Envelope: it.Envelope, EnvelopeDate: it.EnvelopeDate()}
}

// render is the output of one message: its report, or its error (r nil).
// Nothing for a skipped file. It may be called from several goroutines.
func (w *writer) render(it *mailbox.Item, r *inspector.Report) ([]byte, error) {
	b := outBuffers.Get().(*bytes.Buffer)
	b.Reset()
	if it.Skipped != "" {
		outBuffers.Put(b)
		return nil, nil
	}
	return w.renderTo(b, it, r)
}

// outBuffers keep the buffers of rendered reports for the next ones (see
// release): a report is tens of kilobytes of JSON, and a mailbox has many.
var outBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// release gives the buffer of out, a rendering that has been written, back
// to outBuffers; large ones are left to the garbage collector.
func release(out []byte) {
	if out != nil && cap(out) <= 1<<20 {
		outBuffers.Put(bytes.NewBuffer(out[:0]))
	}
}

func (w *writer) renderTo(b *bytes.Buffer, it *mailbox.Item, r *inspector.Report) ([]byte, error) {
	switch w.cfg.format {
	case "json":
		if r == nil {
			// No verdict: nothing is known of the message. Its status is
			// the one status language's word for a file not read.
			err := encodeJSON(b, struct {
				File    string           `json:"file"`
				Error   string           `json:"error"`
				Status  inspector.Status `json:"status"`
				Mailbox *mailboxJSON     `json:"mailbox,omitempty"`
			}{it.Name, it.Err.Error(), inspector.StatusUnreadable, placeOf(it)})
			return b.Bytes(), err
		}
		if err := encodeJSON(b, r); err != nil {
			return nil, err
		}
		if place := placeOf(it); place != nil {
			// The report's own fields first, as for a message file; then
			// where it was found.
			pb, err := json.Marshal(place)
			if err != nil {
				return nil, err
			}
			b.Truncate(b.Len() - 2) // "}\n"
			b.WriteString(`,"mailbox":`)
			b.Write(pb)
			b.WriteString("}\n")
		}
		return b.Bytes(), nil
	case "csv":
		c := plaintext.NewCSV(b)
		if r == nil {
			c.Write(plaintext.CSVError(it.Path, it.Index, it.Err))
		} else {
			c.Write(plaintext.CSVRow(it.Path, it.Index, it.EnvelopeDate(), r))
		}
		c.Flush()
		return b.Bytes(), c.Error()
	}
	if r == nil {
		return nil, nil // said on stderr
	}
	shown := *r
	if it.Kind == mailbox.KindMbox {
		// Name the message so that a person can find it in the mail
		// program: by the date its mbox line gives, else its Message-ID.
		switch {
		case it.EnvelopeDate() != "":
			shown.File += " (stored " + it.EnvelopeDate() + ")"
		case r.MessageID != "":
			shown.File += " (" + r.MessageID + ")"
		}
	}
	err := plaintext.Write(b, &shown, plaintext.Options{Color: w.color})
	if err == nil && r.SPF != nil && !r.SPF.ClientIP.IsValid() {
		_, err = fmt.Fprintln(b, "  (If you know the address that delivered the message, give it with --client-ip to check SPF.)")
	}
	return b.Bytes(), err
}

// finish ends the output and writes the summary, if asked for.
func (w *writer) finish() error {
	if w.err != nil {
		return w.err
	}
	if !w.cfg.summary {
		return nil
	}
	s := w.counter.Summary(0)
	switch w.cfg.format {
	case "json":
		enc := json.NewEncoder(w.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Summary *summary.Summary `json:"summary"`
		}{s})
	case "csv":
		return plaintext.WriteSummary(w.stderr, s, plaintext.Options{Color: isTerminal(w.stderr) && os.Getenv("NO_COLOR") == ""})
	}
	return plaintext.WriteSummary(w.stdout, s, plaintext.Options{Color: w.color})
}

// parseInterleaved parses flags that may stand before, between or after
// the file names, as people type them ("check msg.eml --json"). A lone
// "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return files, nil
		}
		if args[0] == "--" || (len(args) > 0 && !strings.HasPrefix(args[0], "-")) {
			if args[0] == "--" {
				return append(files, args[1:]...), nil
			}
			files = append(files, args[0])
			args = args[1:]
			continue
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
