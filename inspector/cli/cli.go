// Package cli is the command line of Mail Inspector:
//
//	mailinspector check [--json] [--dns HOST:PORT] [--offline --snapshot FILE]
//	                    [--record FILE] [--timeout DURATION] [--client-ip IP] FILE...
//
// It checks each file and prints a readable summary (coloured on a
// terminal) or, with --json, one JSON object per file per line.
package cli

import (
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
	"strings"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/plaintext"
	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// Exit statuses.
const (
	ExitOK       = 0 // every file was read and checked
	ExitBadInput = 1 // a file could not be read or is not a message
	ExitUsage    = 2 // the command line is wrong
)

const usage = `usage: mailinspector check [flags] FILE...

Re-verifies DKIM, SPF, DMARC and ARC of saved messages (.eml) and prints
a verdict with reasons. Only DNS is queried; nothing is uploaded.

flags:
`

// Run runs the check command with its arguments (those after "check") and
// returns the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print one JSON object per file, one per line")
	server := fs.String("dns", "", "ask this DNS server (`HOST:PORT`) instead of the system's resolvers")
	offline := fs.Bool("offline", false, "send no DNS queries: answer them from --snapshot")
	snapshot := fs.String("snapshot", "", "with --offline, the DNS snapshot `FILE` to replay")
	record := fs.String("record", "", "save every DNS answer of this run to `FILE` (a snapshot for --offline)")
	timeout := fs.Duration("timeout", resolver.DefaultTimeout, "per-query DNS timeout")
	clientIP := fs.String("client-ip", "", "take `IP` as the address that delivered the message, instead of reading it from Received fields")

	files, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "mailinspector check: "+format+"\n", a...)
		fs.Usage()
		return ExitUsage
	}
	if len(files) == 0 {
		return bad("no message file given")
	}
	if *timeout <= 0 {
		return bad("--timeout must be positive, got %v", *timeout)
	}
	opts := inspector.Options{DNS: resolver.Config{Timeout: *timeout}}
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
			return ExitUsage
		}
		opts.DNS.Replay = snap
	case *server != "":
		if _, _, err := net.SplitHostPort(*server); err != nil {
			return bad("--dns %q: want HOST:PORT, e.g. 127.0.0.1:53", *server)
		}
		opts.DNS.Servers = []string{*server}
	}
	if *clientIP != "" {
		ip, err := netip.ParseAddr(*clientIP)
		if err != nil {
			return bad("--client-ip %q is not an IP address", *clientIP)
		}
		opts.ClientIP = ip
	}

	color := !*asJSON && isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	var recorded *resolver.Snapshot
	status := ExitOK
	// Files are checked a few at a time (a check waits for DNS more than
	// it computes), and reported in the order given.
	for res := range checkAll(ctx, files, opts, runtime.GOMAXPROCS(0)+1) {
		file, r, err := res.file, res.report, res.err
		if err != nil {
			status = ExitBadInput
			fmt.Fprintf(stderr, "mailinspector: %v\n", err)
			if *asJSON {
				enc.Encode(struct {
					File  string `json:"file"`
					Error string `json:"error"`
				}{file, err.Error()})
			}
			continue
		}
		if recorded == nil {
			recorded = r.Snapshot()
		} else {
			recorded.Merge(r.Snapshot())
		}
		if *asJSON {
			err = enc.Encode(r)
		} else {
			err = plaintext.Write(stdout, r, plaintext.Options{Color: color})
			if err == nil && r.SPF != nil && !r.SPF.ClientIP.IsValid() {
				_, err = fmt.Fprintln(stdout, "  (If you know the address that delivered the message, give it with --client-ip to check SPF.)")
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "mailinspector: writing the report of %s: %v\n", file, err)
			return ExitBadInput
		}
	}
	if *record != "" && recorded != nil {
		if err := recorded.WriteFile(*record); err != nil {
			fmt.Fprintf(stderr, "mailinspector: saving the DNS snapshot: %v\n", err)
			return ExitBadInput
		}
	}
	return status
}

// result is the outcome of checking one file.
type result struct {
	file   string
	report *inspector.Report
	err    error
}

// checkAll checks files with up to workers at a time and sends the results
// in the order of files. The channel is closed after the last one. A check
// holds its place until its result is taken, so that a slow first file
// cannot make the reports of all the others pile up in memory.
func checkAll(ctx context.Context, files []string, opts inspector.Options, workers int) <-chan result {
	slots := make([]chan result, len(files))
	for i := range slots {
		slots[i] = make(chan result, 1)
	}
	places := make(chan struct{}, workers)
	go func() {
		for i, file := range files {
			places <- struct{}{}
			go func() {
				r, err := inspector.CheckFile(ctx, file, opts)
				slots[i] <- result{file, r, err}
			}()
		}
	}()
	out := make(chan result)
	go func() {
		defer close(out)
		for _, slot := range slots {
			out <- <-slot
			<-places
		}
	}()
	return out
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
