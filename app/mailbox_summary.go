package app

import (
	"cmp"
	"fmt"
	"image/color"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/summary"
)

// listedProblems and listedDomains bound the problems and domains the
// summary of a mailbox lists; the sentences at its top weigh them all.
const (
	listedProblems = 6
	listedDomains  = 8
)

// verdictOrder is the order in which a summary counts the statuses of
// messages: worst first, as an administrator reads it.
var verdictOrder = []inspector.Status{inspector.StatusBad, inspector.StatusCaution, inspector.StatusGood,
	inspector.StatusNotChecked, inspector.StatusUnreadable}

// summaryView is the summary of a mailbox (package summary counts it as
// the command line's --summary does): a sentence or two that say where
// the failures come from and why, the count of each verdict as a bar, the
// most common problems, and per sending (From) domain its verdicts and how
// many of its messages passed DMARC.
type summaryView struct {
	root  fyne.CanvasObject
	title *widget.Label
	// where says where the failures come from; why the most common
	// problem behind them.
	where    *widget.Label
	why      *list[string]
	bar      *barChart
	legend   *list[verdictCount]
	probHead *widget.Label
	problems *list[problemLine]
	domHead  *widget.Label
	domains  *list[domainLine]
	more     *widget.Label
	skipped  *widget.Label
	hint     *widget.Label
}

// verdictCount is one status and how many messages have it.
type verdictCount struct {
	status inspector.Status
	n      int
}

// problemLine is a problem and the count of the most common one, to
// draw its bar to scale.
type problemLine struct {
	p   summary.Problem
	max int
}

// domainLine is a domain and the messages of the largest one, to draw its
// bar to scale.
type domainLine struct {
	d   summary.Domain
	max int
}

func newSummaryView() *summaryView {
	v := &summaryView{title: heading(""), bar: newBarChart(18)}
	v.where = wrapLabel("")
	v.where.TextStyle.Bold = true
	v.why = newTextLines()
	v.legend = newList(func() item[verdictCount] { return newLegendItem() })
	v.legend.root.Layout = layout.NewHBoxLayout()
	v.probHead = heading("Most common problems")
	v.problems = newList(func() item[problemLine] { return newProblemItem() })
	v.domHead = heading("By sending (From) domain")
	v.domains = newList(func() item[domainLine] { return newDomainItem() })
	v.more = widget.NewLabel("")
	v.skipped = wrapLabel("")
	v.hint = widget.NewLabelWithStyle("Select a message in the list to see its full report.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	body := container.NewVBox(v.title, v.where, v.why.root, v.bar, v.legend.root, v.probHead, v.problems.root,
		v.domHead, v.domains.root, v.more, v.skipped, v.hint)
	v.root = container.NewVScroll(container.New(&capWidth{max: maxTextWidth}, container.NewPadded(body)))
	return v
}

// set shows the summary s of the mailbox named name; running says more
// messages are coming.
func (v *summaryView) set(name string, s *summary.Summary, running bool) {
	if s == nil {
		s = summary.New().Summary(-1)
	}
	title := "Summary of " + name
	if running {
		title += " so far"
	}
	setText(v.title, title)
	lines := glance(s)
	setText(v.where, lines[0])
	v.why.set(lines[1:])

	counts := make([]verdictCount, 0, len(verdictOrder))
	var segs []barSegment
	for _, st := range verdictOrder {
		n := s.Verdicts[string(st)]
		if st == inspector.StatusUnreadable {
			n = s.Errors
		}
		if n > 0 {
			counts = append(counts, verdictCount{st, n})
			segs = append(segs, barSegment{float32(n), statusLook(st).color})
		}
	}
	v.bar.set(segs...)
	setShown(v.bar, len(segs) > 0)
	v.legend.set(counts)

	var probs []problemLine
	for _, p := range s.Problems[:min(len(s.Problems), listedProblems)] {
		probs = append(probs, problemLine{p, s.Problems[0].Count})
	}
	v.problems.set(probs)
	setShown(v.probHead, len(probs) > 0)

	var doms []domainLine
	for _, d := range s.Domains[:min(len(s.Domains), listedDomains)] {
		doms = append(doms, domainLine{d, s.Domains[0].Messages})
	}
	v.domains.set(doms)
	setShown(v.domHead, len(doms) > 0)
	more := len(s.Domains) - len(doms) + s.MoreDomains
	moreText := ""
	if more > 0 {
		moreText = "and " + count(more, "other domain", "other domains")
	}
	shownLabel(v.more, moreText)

	skipped := ""
	if s.Skipped > 0 {
		var why []string
		for _, c := range s.SkippedWhy {
			why = append(why, fmt.Sprintf("%s %s", thousands(c.Count), c.Reason))
		}
		skipped = count(s.Skipped, "file was", "files were") + " not taken for messages: " + strings.Join(why, ", ") + "."
	}
	shownLabel(v.skipped, skipped)
	setShown(v.hint, s.Messages+s.Errors > 0)
}

// glance says in a sentence or two what an administrator looks for first:
// where the failures come from, and the most common problem behind them.
func glance(s *summary.Summary) []string {
	total := s.Messages + s.Errors
	if total == 0 {
		return []string{"No message found."}
	}
	fails := s.Verdicts[inspector.VerdictFail]
	warns := s.Verdicts[inspector.VerdictWarn]
	var out []string
	switch {
	case fails > 0:
		out = append(out, whereFrom(s, inspector.VerdictFail, fails, "failure", "failures"))
	case warns > 0:
		out = append(out, "No message failed. "+whereFrom(s, inspector.VerdictWarn, warns, "warning", "warnings"))
	case s.Verdicts[inspector.VerdictPass] == s.Messages && s.Messages > 0:
		out = append(out, "Every message passed: each is authenticated as coming from its From domain.")
	case s.Messages == 0:
		out = append(out, "No message could be read.")
	default:
		out = append(out, "No message failed or got a warning.")
	}
	for _, status := range []string{inspector.VerdictFail, inspector.VerdictWarn} {
		if i := slices.IndexFunc(s.Problems, func(p summary.Problem) bool { return p.Status == status }); i >= 0 {
			p := s.Problems[i]
			out = append(out, fmt.Sprintf("The most common problem, in %s: %s. %s", count(p.Count, "message", "messages"),
				problemWords(p), firstSentence(inspector.Sentence(p.Example))))
			break
		}
	}
	if s.Errors > 0 && s.Messages > 0 {
		out = append(out, count(s.Errors, "message", "messages")+" could not be read.")
	}
	return out
}

// whereFrom says which From domains the n messages of a verdict come
// from, and how many messages of the first passed DMARC.
func whereFrom(s *summary.Summary, verdict string, n int, one, many string) string {
	var from []summary.Domain
	for _, d := range s.Domains {
		if d.Verdicts[verdict] > 0 {
			from = append(from, d)
		}
	}
	if len(from) == 0 {
		return fmt.Sprintf("%s.", strings.ToUpper(count(n, one, many)[:1])+count(n, one, many)[1:])
	}
	slices.SortStableFunc(from, func(a, b summary.Domain) int { return cmp.Compare(b.Verdicts[verdict], a.Verdicts[verdict]) })
	d := from[0]
	dmarc := fmt.Sprintf("%s passed DMARC", dmarcCount(d))
	switch {
	case len(from) == 1 && n == 1:
		return fmt.Sprintf("The one %s comes from %s, where %s.", one, d.Domain, dmarc)
	case len(from) == 1:
		return fmt.Sprintf("All %s %s come from %s, where %s.", thousands(n), many, d.Domain, dmarc)
	}
	return fmt.Sprintf("The %s %s come from %s, most from %s (%s), where %s.", thousands(n), many,
		count(len(from), "domain", "domains"), d.Domain, thousands(d.Verdicts[verdict]), dmarc)
}

// dmarcCount is "3 of 37 messages" for a domain's DMARC passes.
func dmarcCount(d summary.Domain) string {
	if d.Messages == 1 {
		if d.DMARCPass == 1 {
			return "its one message"
		}
		return "not its one message"
	}
	return fmt.Sprintf("%s of its %s", thousands(d.DMARCPass), count(d.Messages, "message", "messages"))
}

// problemWords names a problem: its check, its result in plain words, and
// its code ("DMARC fail, not aligned").
func problemWords(p summary.Problem) string {
	w := p.Mechanism + " " + resultText(string(p.Result))
	if p.Code != "" {
		w += ", " + strings.ReplaceAll(p.Code, "_", " ")
	}
	return w
}

// legendItem is a verdict's icon, count and word under the bar.
type legendItem struct {
	root  *fyne.Container
	icon  *widget.Icon
	label *widget.Label
}

func newLegendItem() *legendItem {
	it := &legendItem{icon: widget.NewIcon(nil), label: widget.NewLabel("")}
	it.root = container.NewHBox(it.icon, it.label)
	return it
}

func (it *legendItem) object() fyne.CanvasObject { return it.root }

func (it *legendItem) update(c verdictCount) {
	lk := statusLook(c.status)
	setIcon(it.icon, lk.icon)
	setText(it.label, thousands(c.n)+" "+strings.ToLower(c.status.Title()))
	setLook(it.label, lk.importance)
}

// problemItem is one of the most common problems: its icon and count, a
// bar to scale, what it is and the reason given for its first message.
type problemItem struct {
	root    *fyne.Container
	icon    *widget.Icon
	n, what *widget.Label
	bar     *barChart
	example *widget.Label
}

func newProblemItem() *problemItem {
	it := &problemItem{icon: widget.NewIcon(nil), n: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		what: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), bar: newBarChart(8), example: wrapLabel("")}
	it.what.Truncation = fyne.TextTruncateEllipsis
	head := container.NewBorder(nil, nil, container.NewHBox(it.icon, container.New(&minWidth{w: 64}, it.n)), nil, it.what)
	it.root = container.NewVBox(head, it.bar, it.example)
	return it
}

func (it *problemItem) object() fyne.CanvasObject { return it.root }

func (it *problemItem) update(l problemLine) {
	lk := lookOf(l.p.Status)
	setIcon(it.icon, lk.icon)
	setText(it.n, thousands(l.p.Count))
	setText(it.what, problemWords(l.p))
	setLook(it.what, lk.importance)
	it.bar.set(barSegment{float32(l.p.Count), lk.color}, barSegment{float32(l.max - l.p.Count), ""})
	setText(it.example, "First in "+filepath.Base(l.p.First)+": "+firstSentence(inspector.Sentence(l.p.Example)))
}

// domainItem is one From domain: its name, its messages' verdicts as a
// bar, and how many passed DMARC.
type domainItem struct {
	root  *fyne.Container
	name  *widget.Label
	bar   *barChart
	dmarc *widget.Label
}

func newDomainItem() *domainItem {
	it := &domainItem{name: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		bar: newBarChart(14), dmarc: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})}
	it.name.Truncation = fyne.TextTruncateEllipsis
	// The name and the count of fixed widths, so that the bars of all
	// domains are drawn to one scale.
	it.root = container.NewBorder(nil, nil, container.New(&minWidth{w: 190}, it.name),
		container.New(&minWidth{w: 300}, it.dmarc), it.bar)
	return it
}

func (it *domainItem) object() fyne.CanvasObject { return it.root }

// update shows a domain: its bar, as long as its share of the largest
// domain's messages, in the colours of its messages' verdicts.
func (it *domainItem) update(l domainLine) {
	d := l.d
	setText(it.name, d.Domain)
	var segs []barSegment
	for _, st := range verdictOrder {
		segs = append(segs, barSegment{float32(d.Verdicts[string(st)]), statusLook(st).color})
	}
	it.bar.set(append(segs, barSegment{float32(l.max - d.Messages), ""})...)
	setText(it.dmarc, dmarcCount(d)+" passed DMARC")
}

// barSegment is a part of a bar: a value and its colour (a theme colour
// name; "" leaves the part empty).
type barSegment struct {
	value float32
	color fyne.ThemeColorName
}

// barChart is a horizontal bar split in parts proportional to their
// values, in the colours of the current theme (read each time it is
// refreshed, so that it follows a change between light and dark).
type barChart struct {
	widget.BaseWidget
	height float32
	segs   []barSegment
}

func newBarChart(height float32) *barChart {
	b := &barChart{height: height}
	b.ExtendBaseWidget(b)
	return b
}

// set shows the parts, refreshing the bar when they change.
func (b *barChart) set(segs ...barSegment) {
	if slices.Equal(b.segs, segs) {
		return
	}
	b.segs = segs
	b.Refresh()
}

func (b *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{b: b, track: canvas.NewRectangle(color.Transparent)}
	r.track.CornerRadius = 2
	r.Refresh()
	return r
}

type barRenderer struct {
	b     *barChart
	track *canvas.Rectangle
	rects []*canvas.Rectangle
	objs  []fyne.CanvasObject
}

func (r *barRenderer) Layout(size fyne.Size) {
	h := min(size.Height, r.b.height)
	y := (size.Height - h) / 2
	r.track.Move(fyne.NewPos(0, y))
	r.track.Resize(fyne.NewSize(size.Width, h))
	total := float32(0)
	for _, s := range r.b.segs {
		total += s.value
	}
	x := float32(0)
	for i, rect := range r.rects {
		w := float32(0)
		if total > 0 && i < len(r.b.segs) {
			w = size.Width * r.b.segs[i].value / total
		}
		rect.Move(fyne.NewPos(x, y))
		rect.Resize(fyne.NewSize(w, h))
		x += w
	}
}

func (r *barRenderer) MinSize() fyne.Size {
	return fyne.NewSize(40, r.b.height)
}

func (r *barRenderer) Refresh() {
	for len(r.rects) < len(r.b.segs) {
		r.rects = append(r.rects, canvas.NewRectangle(color.Transparent))
	}
	r.objs = append(r.objs[:0], fyne.CanvasObject(r.track))
	r.track.FillColor = theme.Color(theme.ColorNameInputBackground)
	for i, rect := range r.rects {
		rect.FillColor = color.Transparent
		if i < len(r.b.segs) && r.b.segs[i].color != "" {
			rect.FillColor = theme.Color(r.b.segs[i].color)
		}
		r.objs = append(r.objs, rect)
	}
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *barRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *barRenderer) Destroy()                     {}
