package app

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/mailbox"
)

// boxRow is one message of a mailbox as its list shows it: a few words
// taken from its report, not the report. A mailbox of 100,000 messages
// keeps 100,000 rows of a few hundred bytes; a report is tens of
// kilobytes (every DNS answer, the deliverability rules, the route), so
// none is kept: the message is checked again when its row is selected.
type boxRow struct {
	// seq is the message's place in the order read, from 0.
	seq int
	// name names the message: its file, or FILE#N for a message of an
	// mbox file with several.
	name string
	src  rowSource
	// status is the report's verdict, or StatusUnreadable.
	status inspector.Status
	// when is when the message was received (its Date field failing
	// that); zero when unknown. date is it as shown.
	when time.Time
	date string
	// from is the author's address, then the name given with it (the
	// address is what the checks are about, and a long name would hide
	// it); domain is the address's domain.
	from, domain string
	subject      string
	results      [len(rowMechanisms)]rowResult
	// err says why the message could not be read.
	err string
}

// rowMechanisms are the checks whose result words a row shows, in order.
var rowMechanisms = [...]string{"SPF", "DKIM", "DMARC"}

// rowResult is a check's word in a row and its status.
type rowResult struct {
	word   string
	status inspector.Status
}

// rowSource says where a row's message is, to read it again.
type rowSource struct {
	path string
	kind mailbox.Kind
	// index is the message's place in its mbox file, from 1; 0 for a
	// message that has a file of its own. offset is where its "From "
	// line starts, counted from the file's first message, and size how
	// many bytes it covers.
	index        int
	offset, size int64
}

// newRow is the row of a message checked. Its texts are copies: a
// report's may share the memory of a whole header.
func newRow(seq int, name string, src rowSource, envelopeDate string, r *inspector.Report) *boxRow {
	row := &boxRow{seq: seq, name: name, src: src, status: inspector.StatusOf(r.Verdict),
		domain: strings.Clone(r.From.Domain), subject: strings.Clone(r.Subject)}
	row.from = strings.Clone(r.From.Address)
	if r.From.Name != "" {
		row.from += " (" + r.From.Name + ")"
	}
	switch {
	case r.Received != nil:
		row.when = r.Received.UTC() // not its own time zone, which each report has
		row.date = r.Received.Local().Format("2006-01-02 15:04")
	case r.Date != "":
		row.date = strings.Clone(r.Date)
	default:
		row.date = envelopeDate
	}
	for i, m := range rowMechanisms {
		if sr := r.Row(m); sr != nil {
			row.results[i] = rowResult{sr.ShownWord(), inspector.StatusOf(sr.Status)}
		} else {
			row.results[i] = rowResult{"—", inspector.StatusNotChecked}
		}
	}
	return row
}

// errorRow is the row of a message that could not be read.
func errorRow(seq int, name string, src rowSource, err error) *boxRow {
	return &boxRow{seq: seq, name: name, src: src, status: inspector.StatusUnreadable, err: err.Error(),
		subject: err.Error(), date: "—", from: "—"}
}

// shortName is the row's message as the window title names it: the file
// name, with the message's number in an mbox file of several.
func (r *boxRow) shortName() string { return filepath.Base(r.name) }

// matches says whether the row has q (lower case) in its sender, subject,
// file name or date.
func (r *boxRow) matches(q string) bool {
	if q == "" {
		return true
	}
	for _, s := range []string{r.from, r.subject, r.name, r.date, r.err} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// boxColumn is a column of the message list.
type boxColumn int

const (
	colVerdict boxColumn = iota
	colDate
	colFrom
	colSubject
	colSPF     // then DKIM and DMARC, in the order of rowMechanisms
	numColumns = colSPF + boxColumn(len(rowMechanisms))
)

// columnTitles head the columns.
var columnTitles = [numColumns]string{"Verdict", "Date", "From", "Subject", "SPF", "DKIM", "DMARC"}

// compare orders two rows by the column: a status column worst first,
// the date oldest first, text alphabetically; rows without a value last.
func (c boxColumn) compare(a, b *boxRow) int {
	switch c {
	case colVerdict:
		return cmp.Compare(b.status.Severity(), a.status.Severity())
	case colDate:
		if a.when.IsZero() != b.when.IsZero() {
			if a.when.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(a.when.Compare(b.when), strings.Compare(a.date, b.date))
	case colFrom:
		return compareText(a.from, b.from)
	case colSubject:
		return compareText(a.subject, b.subject)
	}
	x, y := a.results[c-colSPF], b.results[c-colSPF]
	return cmp.Or(cmp.Compare(y.status.Severity(), x.status.Severity()), strings.Compare(x.word, y.word))
}

// compareText orders texts alphabetically whatever their case, an empty
// one last.
func compareText(a, b string) int {
	if (a == "") != (b == "") {
		if a == "" {
			return 1
		}
		return -1
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// rowOrder is how the list is sorted: by a column, ascending (dir 1) or
// descending (-1), or in the order read (dir 0).
type rowOrder struct {
	col boxColumn
	dir int
}

// next is the order after a click on col's header: ascending, then
// descending, then back to the order read.
func (o rowOrder) next(col boxColumn) rowOrder {
	switch {
	case o.col != col || o.dir == 0:
		return rowOrder{col, 1}
	case o.dir == 1:
		return rowOrder{col, -1}
	}
	return rowOrder{}
}

// compare orders two rows: by the column, ties in the order read.
func (o rowOrder) compare(a, b *boxRow) int {
	if o.dir != 0 {
		if c := o.col.compare(a, b); c != 0 {
			return c * o.dir
		}
	}
	return cmp.Compare(a.seq, b.seq)
}

// sort sorts idx, indexes of all, in the order.
func (o rowOrder) sort(idx []int, all []*boxRow) {
	slices.SortFunc(idx, func(i, j int) int { return o.compare(all[i], all[j]) })
}

// less says whether the row at i comes before the row at j.
func (o rowOrder) less(i, j int, all []*boxRow) bool { return o.compare(all[i], all[j]) < 0 }

// thousands writes n with thousands separators: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// count is n, with separators, and the noun for it.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%s %s", thousands(n), many)
}
