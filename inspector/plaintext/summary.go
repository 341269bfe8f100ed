package plaintext

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/summary"
)

// WriteSummary renders the summary of a run: the count of each verdict,
// the most common problems, and per From domain how many messages passed
// DMARC.
func WriteSummary(w io.Writer, s *summary.Summary, opts Options) error {
	if opts.Width <= 0 {
		opts.Width = 100
	}
	p := &printer{w: w, color: opts.Color, width: opts.Width}
	head := fmt.Sprintf("Summary: %d %s checked", s.Messages, plural(s.Messages, "message", "messages"))
	if s.Errors > 0 {
		head += fmt.Sprintf(", %d could not be read", s.Errors)
	}
	if s.Skipped > 0 {
		head += fmt.Sprintf(", %d %s skipped", s.Skipped, plural(s.Skipped, "file", "files"))
	}
	p.line(p.paint(ansiBold, head))
	var counts []string
	for _, v := range []string{inspector.VerdictPass, inspector.VerdictWarn, inspector.VerdictFail, inspector.VerdictNone} {
		counts = append(counts, p.status(v, fmt.Sprintf("%s %d", strings.ToUpper(v), s.Verdicts[v])))
	}
	p.line("  " + strings.Join(counts, "   "))

	if len(s.Problems) > 0 {
		p.line("")
		p.line("  Most common problems:")
		for _, pr := range s.Problems {
			what := pr.Mechanism + " " + string(pr.Result)
			if pr.Code != "" {
				what += " (" + pr.Code + ")"
			}
			p.wrap(fmt.Sprintf("  %6d  %s  ", pr.Count, p.status(pr.Status, what)), "e.g. "+pr.First+": "+pr.Example)
		}
		if s.MoreProblems > 0 {
			p.line(fmt.Sprintf("          and %d other kinds of problem", s.MoreProblems))
		}
	}
	if len(s.Domains) > 0 {
		p.line("")
		p.line("  DMARC by sending (From) domain:")
		width := 0
		for _, d := range s.Domains {
			width = max(width, len([]rune(d.Domain)))
		}
		for _, d := range s.Domains {
			status := inspector.VerdictPass
			switch {
			case d.DMARCPass == 0:
				status = inspector.VerdictFail
			case d.DMARCPass < d.Messages:
				status = inspector.VerdictWarn
			}
			p.line(fmt.Sprintf("  %-*s  %s of %d %s passed DMARC", width, d.Domain,
				p.status(status, strconv.Itoa(d.DMARCPass)), d.Messages, plural(d.Messages, "message", "messages")))
		}
		if s.MoreDomains > 0 {
			p.line(fmt.Sprintf("  and %d other %s", s.MoreDomains, plural(s.MoreDomains, "domain", "domains")))
		}
	}
	if len(s.SkippedWhy) > 0 {
		p.line("")
		p.line("  Skipped files:")
		for _, c := range s.SkippedWhy {
			p.line(fmt.Sprintf("  %6d  %s", c.Count, c.Reason))
		}
	}
	p.line("")
	return p.err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// CSVHeader names the columns of the CSV form, one row per message.
var CSVHeader = []string{"file", "index", "date", "from", "subject", "verdict", "spf", "dkim", "dmarc", "headline"}

// CSVRow is the row of one message: file is the file it was read from,
// index its position in an mbox file (0 for none), date the date its mbox
// "From " line gives or, failing that, its Date field.
func CSVRow(file string, index int, date string, r *inspector.Report) []string {
	results := map[string]string{}
	for _, row := range r.Summary {
		results[row.Mechanism] = string(row.Result)
	}
	if date == "" {
		date = r.Date
	}
	return cells(file, index, date, r.From.Address, r.Subject, r.Verdict, results["SPF"], results["DKIM"], results["DMARC"], r.Headline)
}

// CSVError is the row of a message that could not be read: its verdict is
// "error" and the headline says why.
func CSVError(file string, index int, err error) []string {
	return cells(file, index, "", "", "", string(inspector.StatusUnreadable), "", "", "", err.Error())
}

func cells(file string, index int, rest ...string) []string {
	idx := ""
	if index > 0 {
		idx = strconv.Itoa(index)
	}
	row := append([]string{file, idx}, rest...)
	for i, c := range row {
		row[i] = csvSafe(c)
	}
	return row
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet (a
// Subject is whatever the sender chose: "=HYPERLINK(...)"): a cell starting
// with =, +, -, @, tab or CR gets a leading apostrophe, as OWASP advises.
// Control characters are shown as their pictures, as on a terminal.
func csvSafe(s string) string {
	s = (&printer{}).visible(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// NewCSV returns a CSV writer for rows of CSVHeader's columns.
func NewCSV(w io.Writer) *csv.Writer { return csv.NewWriter(w) }
