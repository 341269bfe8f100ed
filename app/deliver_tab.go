package app

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/bimi"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/spamfilter"
)

// The Deliverability tab answers what a sender asks of one message: will
// it reach the inbox? Per mailbox provider, the rules of its published
// requirements (inspector/deliver) as a grid, one column per provider and
// one row per rule, the selected rule's evidence and fix below it; the
// sender's own checks; what the receiving spam filters wrote
// (inspector/spamfilter); and whether a provider would show the brand's
// logo (inspector/bimi).

// ruleLook is the look of a rule's or a check's result (deliver.Rule,
// bimi.Check): pass good, fail bad, unknown not checked, n/a a neutral
// grey dash, so that a rule that does not apply never reads as a gap in
// the evidence.
func ruleLook(res string) look {
	if res == deliver.NA {
		return look{theme.NewColoredResource(theme.ContentRemoveIcon(), colorNotChecked), colorNotChecked, widget.MediumImportance, "N/A"}
	}
	return statusLook(inspector.RuleStatus(res))
}

// ruleTitles name the rules and checks in plain words.
var ruleTitles = map[string]string{
	"spf_pass":                "SPF passes",
	"dkim_pass":               "DKIM passes",
	"spf_and_dkim_pass":       "Both SPF and DKIM pass",
	"dmarc_record":            "A DMARC record is published",
	"dmarc_aligned":           "SPF or DKIM aligned with the From",
	"dmarc_pass":              "DMARC passes",
	"ptr_fcrdns":              "Reverse DNS of the sending IP",
	"tls":                     "Delivered over TLS",
	"one_click_unsubscribe":   "One-click unsubscribe",
	"unsubscribe_link":        "Unsubscribe link in the body",
	"single_header_instances": "No repeated header fields",
	"message_id":              "A well-formed Message-ID",
	"key_size":                "DKIM key of 1024 bits or more",
	"no_gmail_from":           "No gmail.com From from elsewhere",
	"shortened_links":         "No links through URL shorteners",
	"bounce_handling":         "Bounces are handled",
	"gmail_clipping":          "Not clipped by Gmail (102 KB)",
	// BIMI's checks.
	"selector":             "Selector",
	"record":               "BIMI record",
	"location":             "Logo location (l=)",
	"authority":            "Mark certificate (a=)",
	"dmarc_policy":         "DMARC policy at enforcement",
	"dmarc_pct":            "DMARC applied to all mail",
	"dmarc_sp":             "Subdomain policy at enforcement",
	"indicator":            "Logo sent by the receiver",
	"svg":                  "Logo is SVG",
	"svg_size":             "Logo size",
	"svg_tiny_ps":          "Logo is SVG Tiny PS",
	"svg_title":            "Logo has a title",
	"svg_no_scripts":       "No scripts in the logo",
	"svg_no_external_refs": "Nothing outside the logo",
}

// ruleTitle is a rule's or check's name in words; an id it does not know
// is shown as it is, its underscores as spaces.
func ruleTitle(id string) string {
	if t, ok := ruleTitles[id]; ok {
		return t
	}
	t := strings.ReplaceAll(id, "_", " ")
	if t == "" {
		return t
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

// providerNames are the providers as people know them.
var providerNames = map[string]string{"gmail": "Gmail", "yahoo": "Yahoo", "outlook": "Outlook.com"}

func providerName(p string) string {
	if n, ok := providerNames[p]; ok {
		return n
	}
	return p
}

// levelText says whom a provider asks a rule of.
func levelText(level string) string {
	switch level {
	case deliver.AllSenders:
		return "all senders"
	case deliver.BulkSenders:
		return "bulk senders"
	case deliver.Recommended:
		return "recommended"
	}
	return strings.ReplaceAll(level, "_", " ")
}

// secondary is text set smaller and in the secondary colour (evidence, a
// caption), wrapping at words.
func secondary() *widget.RichText {
	rt := widget.NewRichText()
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// setSecondary sets secondary text, hiding it when empty.
func setSecondary(rt *widget.RichText, text string) {
	setGrey(rt, text, theme.SizeNameCaptionText, false)
}

// setGrey sets text in the secondary colour, of size and bold or not,
// hiding it when empty.
func setGrey(rt *widget.RichText, text string, size fyne.ThemeSizeName, bold bool) {
	if rt.String() != text {
		rt.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: text, Style: widget.RichTextStyle{
			Inline: true, ColorName: colorNotChecked, SizeName: size, TextStyle: fyne.TextStyle{Bold: bold}}}}
		rt.Refresh()
	}
	setShown(rt, text != "")
}

// infoLine is a line of information, after an info icon; hidden when
// empty.
type infoLine struct {
	root *fyne.Container
	text *widget.Label
}

func newInfoLine() *infoLine {
	l := &infoLine{text: wrapLabel("")}
	icon := widget.NewIcon(theme.NewColoredResource(theme.InfoIcon(), colorNotChecked))
	l.root = container.NewBorder(nil, nil, container.NewVBox(icon), nil, l.text)
	return l
}

func (l *infoLine) set(text string) {
	setText(l.text, text)
	setShown(l.root, text != "")
}

// deliverTab is the Deliverability tab.
type deliverTab struct {
	root    *fyne.Container
	absent  *absentView
	body    *fyne.Container
	note    *infoLine
	bulk    *form
	grid    *ruleGrid
	sources *folded
	// The sender's own checks.
	senderHead *widget.Label
	sender     *list[ruleCheck]
	// What the receiving spam filters wrote.
	filters   *list[spamfilter.Filter]
	noFilters *infoLine
	bimi      *bimiView
	more      *moreView
}

func newDeliverTab() tabView {
	t := &deliverTab{
		absent:     newAbsentView(),
		note:       newInfoLine(),
		bulk:       textForm("Looks like bulk mail"),
		grid:       newRuleGrid(),
		sources:    newFolded(),
		senderHead: heading("From the sender's side"),
		sender:     newList(newRuleCheckLine),
		filters:    newList(newFilterView),
		noFilters:  newInfoLine(),
		bimi:       newBIMIView(),
		more:       newMoreView(),
	}
	t.body = vbox(heading("The providers' rules for senders"), t.note.root, t.bulk.root, t.grid.root, t.sources.acc,
		t.senderHead, t.sender.root,
		heading("What the receiving filter decided"), t.noFilters.root, t.filters.root,
		heading("Brand logo (BIMI)"), t.bimi.root, t.more.acc)
	t.root = vbox(t.absent.root, t.body)
	return t
}

func (t *deliverTab) object() fyne.CanvasObject { return t.root }
func (t *deliverTab) stop()                     { t.absent.spin.stop(); t.bimi.absent.spin.stop() }

func (t *deliverTab) update(r *inspector.Report, running bool) {
	d := r.Deliverability
	if !present(t.absent, t.body, "the providers' rules", d != nil && len(d.Providers) > 0, running) {
		return
	}
	sh := track(d)
	// Said once, for every provider.
	t.note.set(use(sh, &d.Note))
	bulk := use(sh, &d.Bulk)
	t.bulk.set(0, bulk.Looks+": "+bulk.Why)
	providers := use(sh, &d.Providers)
	t.grid.update(providers)
	var src []string
	for _, p := range providers {
		src = append(src, providerName(p.Provider)+": "+p.Source)
	}
	t.sources.set("Where these rules come from", strings.Join(src, "\n"))
	var checks []ruleCheck
	for _, c := range use(sh, &d.Sender) {
		checks = append(checks, ruleCheck{title: ruleTitle(c.ID), result: c.Result, reason: c.Reason, evidence: c.Evidence, fix: c.Fix})
	}
	t.sender.set(checks)
	setShown(t.senderHead, len(checks) > 0)
	t.more.set(d, sh)

	t.filters.set(r.SpamFilters)
	none := ""
	if len(r.SpamFilters) == 0 {
		none = "No spam filter's verdict is in the header: the receiving side wrote none that Mail Inspector reads " +
			"(Microsoft 365, SpamAssassin, rspamd)."
	}
	t.noFilters.set(none)
	t.bimi.update(r.BIMI, running)
}

// present shows body when its section is there, else absent for what
// (checking while running, else not evaluated), and says which.
func present(absent *absentView, body fyne.CanvasObject, what string, there, running bool) bool {
	setShown(body, there)
	if !there {
		absent.set(what, running, "")
		return false
	}
	absent.hide()
	return true
}

// ruleCheck is one check with its result, in words.
type ruleCheck struct {
	title, result, reason, evidence, fix string
}

// ruleCheckLine shows a check: its icon, title and result word, then the
// reason, the evidence (secondary) and the fix.
type ruleCheckLine struct {
	root     *fyne.Container
	icon     *widget.Icon
	title    *widget.Label
	word     *widget.Label
	reason   *widget.Label
	evidence *widget.RichText
	fix      *widget.Label
}

func newRuleCheckLine() item[ruleCheck] {
	c := &ruleCheckLine{
		icon:     statusIcon(inspector.StatusNotChecked),
		title:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		word:     resultLabel("", inspector.StatusNotChecked),
		reason:   wrapLabel(""),
		evidence: secondary(),
		fix:      wrapLabel(""),
	}
	c.root = container.New(&tightVBox{}, container.NewHBox(c.icon, c.title, c.word), c.reason, c.evidence, c.fix)
	return c
}

func (c *ruleCheckLine) object() fyne.CanvasObject { return c.root }

func (c *ruleCheckLine) update(it ruleCheck) {
	lk := ruleLook(it.result)
	setIcon(c.icon, lk.icon)
	setText(c.title, it.title)
	setText(c.word, it.result)
	setLook(c.word, lk.importance)
	shownLabel(c.reason, inspector.Sentence(it.reason))
	evidence := ""
	if it.evidence != "" {
		evidence = "Evidence: " + it.evidence
	}
	setSecondary(c.evidence, evidence)
	fix := ""
	if it.fix != "" {
		fix = "Fix: " + it.fix
	}
	shownLabel(c.fix, fix)
}

// filterNames are the spam filters as people know them.
var filterNames = map[string]string{
	spamfilter.Microsoft:    "Microsoft 365 (Exchange Online Protection)",
	spamfilter.SpamAssassin: "SpamAssassin",
	spamfilter.Rspamd:       "rspamd",
}

// verdictWords say a spam filter's verdict.
var verdictWords = map[string]string{
	spamfilter.VerdictSpam:    "spam",
	spamfilter.VerdictNotSpam: "not spam",
	spamfilter.VerdictBulk:    "bulk mail",
	spamfilter.VerdictPhish:   "phishing or spoofing",
	spamfilter.VerdictUnknown: "no verdict",
}

// filterView is what one spam filter wrote: its verdict and score, whether
// the receiving side wrote it, and each value with its meaning.
type filterView struct {
	root    fyne.CanvasObject
	icon    *widget.Icon
	name    *widget.Label
	word    *widget.Label
	score   *widget.Label
	trusted *widget.RichText
	warn    *noticeList
	items   *form
	fields  *widget.RichText
}

func newFilterView() item[spamfilter.Filter] {
	v := &filterView{
		icon:    statusIcon(inspector.StatusNotChecked),
		name:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		word:    resultLabel("", inspector.StatusNotChecked),
		score:   widget.NewLabel(""),
		trusted: secondary(),
		warn:    newNoticeList(inspector.StatusCaution),
		items:   newForm(),
		fields:  secondary(),
	}
	v.root = card(container.NewHBox(v.icon, v.name, v.word, v.score), v.trusted, v.warn.root, v.items.root, v.fields)
	return v
}

func (v *filterView) object() fyne.CanvasObject { return v.root }

func (v *filterView) update(f spamfilter.Filter) {
	// Anyone could have written an untrusted one: shown, not taken for a
	// verdict (grey).
	st := inspector.FilterStatus(f)
	setIcon(v.icon, statusLook(st).icon)
	name := filterNames[f.Filter]
	if name == "" {
		name = f.Filter
	}
	setText(v.name, name)
	word := verdictWords[f.Verdict]
	if word == "" {
		word = f.Verdict
	}
	setText(v.word, word)
	setLook(v.word, statusLook(st).importance)
	score := ""
	if f.Score != nil {
		score = "score " + scoreText(*f.Score)
		if f.Threshold != nil {
			score += " (spam from " + scoreText(*f.Threshold) + ")"
		}
	}
	shownLabel(v.score, score)
	if f.Trusted {
		setSecondary(v.trusted, "Trusted: "+f.Why)
		v.warn.set()
	} else {
		setSecondary(v.trusted, "")
		v.warn.set("Not trusted, anyone can write these fields: " + f.Why)
	}
	for len(v.items.rows) < len(f.Items) {
		v.items.addText("")
	}
	for i := range v.items.rows {
		if i >= len(f.Items) {
			v.items.show(i, false)
			continue
		}
		it := f.Items[i]
		v.items.setKey(i, it.Name)
		value := it.Meaning
		if it.Value != "" {
			value = it.Value + ": " + it.Meaning
		}
		v.items.set(i, value)
	}
	var names []string
	for _, fl := range f.Fields {
		names = append(names, fl.Name)
	}
	read := ""
	if len(names) > 0 {
		read = "Read from " + strings.Join(names, ", ") + "."
	}
	setSecondary(v.fields, read)
}

// scoreText is a score as people write it.
func scoreText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// bimiView shows whether a provider would show the brand's logo, and each
// thing it checks.
type bimiView struct {
	root   *fyne.Container
	absent *absentView
	body   *fyne.Container
	head   *statusHead
	facts  *form
	checks *list[ruleCheck]
	more   *moreView
}

func newBIMIView() *bimiView {
	v := &bimiView{absent: newAbsentView(), head: newStatusHead(), facts: newForm(), checks: newList(newRuleCheckLine), more: newMoreView()}
	v.facts.addMono("Record")
	for _, k := range []string{"Found at", "Selector", "Logo (l=)", "Mark certificate (a=)"} {
		v.facts.addText(k)
	}
	v.body = vbox(v.head.root, v.facts.root, v.checks.root, v.more.acc)
	v.root = vbox(v.absent.root, v.body)
	return v
}

func (v *bimiView) update(b *bimi.Result, running bool) {
	if !present(v.absent, v.body, "BIMI", b != nil && b.Reason != inspector.NotEvaluated, running) {
		return
	}
	sh := track(b)
	v.head.set("BIMI", use(sh, &b.Result), inspector.BIMIStatus(b), use(sh, &b.Reason))
	v.facts.setAll(use(sh, &b.Record), use(sh, &b.RecordDomain), use(sh, &b.Selector), use(sh, &b.Location), use(sh, &b.Authority))
	var checks []ruleCheck
	for _, c := range use(sh, &b.Checks) {
		checks = append(checks, ruleCheck{title: ruleTitle(c.ID), result: c.Result, reason: c.Reason})
	}
	v.checks.set(checks)
	v.more.set(b, sh)
}

// ruleGrid shows the providers' rules: a column per provider, a row per
// rule, each cell in the colour of its result with its icon and word;
// the rule selected (a row or a cell, with the mouse, or with Tab and
// Enter, the arrows moving on) is explained under the grid: why, the
// evidence, the fix, and what each provider asks.
type ruleGrid struct {
	root    *fyne.Container
	cols    *gridColumns
	header  *fyne.Container
	rowsBox *fyne.Container
	rows    []*ruleRow // every row made, shown or not
	detail  *ruleDetail
	// providers are those shown; ids the rules of the rows shown, in
	// order; rules[id][i] is provider i's rule id, nil when it has none.
	providers []deliver.Provider
	ids       []string
	rules     map[string][]*deliver.Rule
	// selID is the rule selected, selCol the column (0: the row, i: the
	// cell of provider i-1).
	selID  string
	selCol int
}

func newRuleGrid() *ruleGrid {
	g := &ruleGrid{cols: &gridColumns{}, rowsBox: container.New(layout.NewCustomPaddedVBoxLayout(0)), detail: newRuleDetail()}
	g.header = container.New(&gridRow{g.cols})
	g.root = vbox(g.header, g.rowsBox, g.detail.root)
	return g
}

func (g *ruleGrid) update(providers []deliver.Provider) {
	if len(providers)+1 != g.cols.n {
		// Another set of columns (a report with its rules, after one
		// without): the rows are made again.
		g.cols.n, g.cols.first = len(providers)+1, nil
		g.rows = nil
		g.rowsBox.Objects = nil
		rule := widget.NewLabelWithStyle("Rule", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		g.header.Objects = []fyne.CanvasObject{rule}
		g.cols.first = append(g.cols.first, rule)
		for range providers {
			g.header.Objects = append(g.header.Objects, widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		g.header.Refresh()
		g.rowsBox.Refresh()
	}
	g.providers = providers
	g.ids, g.rules = nil, map[string][]*deliver.Rule{}
	for i, p := range providers {
		setText(g.header.Objects[i+1].(*widget.Label), providerName(p.Provider))
		for j := range p.Rules {
			r := &p.Rules[j]
			if g.rules[r.ID] == nil {
				g.ids = append(g.ids, r.ID)
				g.rules[r.ID] = make([]*deliver.Rule, len(providers))
			}
			g.rules[r.ID][i] = r
		}
	}
	for len(g.rows) < len(g.ids) {
		row := newRuleRow(g, len(g.rows))
		g.rows = append(g.rows, row)
		g.cols.first = append(g.cols.first, row.name)
		g.rowsBox.Add(row)
	}
	for i, row := range g.rows {
		if i < len(g.ids) {
			row.set(g.ids[i], g.rules[g.ids[i]])
		}
		setShown(row, i < len(g.ids))
	}
	if g.rules[g.selID] == nil {
		g.selID, g.selCol = g.firstWorth(), 0
	}
	g.showSelected()
}

// firstWorth is the rule selected first: the first that fails, else the
// first that cannot be judged, else the first.
func (g *ruleGrid) firstWorth() string {
	for _, want := range []string{deliver.Fail, deliver.Unknown} {
		for _, id := range g.ids {
			for _, r := range g.rules[id] {
				if r != nil && r.Result == want {
					return id
				}
			}
		}
	}
	if len(g.ids) > 0 {
		return g.ids[0]
	}
	return ""
}

// choose selects the rule of row i, and the cell of column col.
func (g *ruleGrid) choose(i, col int) {
	if i < 0 || i >= len(g.ids) {
		return
	}
	g.selID, g.selCol = g.ids[i], min(max(col, 0), len(g.providers))
	g.showSelected()
}

// showSelected marks the selected row and cell and explains the rule.
func (g *ruleGrid) showSelected() {
	for i, row := range g.rows {
		col := -1
		if i < len(g.ids) && g.ids[i] == g.selID {
			col = g.selCol
		}
		row.setSelected(col)
	}
	rules := g.rules[g.selID]
	var rule *deliver.Rule
	if g.selCol > 0 && g.selCol <= len(rules) {
		rule = rules[g.selCol-1]
	}
	for _, r := range rules {
		if rule == nil {
			rule = r
		}
	}
	if rule == nil {
		setShown(g.detail.root, false)
		return
	}
	var asks [][2]string
	for i, r := range rules {
		if r == nil {
			continue
		}
		text := "Asked of " + levelText(r.Level) + "."
		if r.Level == deliver.Recommended {
			text = "Recommended."
		}
		if r.Note != "" {
			text += " " + r.Note
		}
		asks = append(asks, [2]string{providerName(g.providers[i].Provider), text})
	}
	g.detail.update(rule, asks)
	setShown(g.detail.root, true)
}

// ruleDetail explains the selected rule: its result, why, the evidence
// and the fix, and what each provider that lists it asks.
type ruleDetail struct {
	root fyne.CanvasObject
	line *ruleCheckLine
	asks *form
}

func newRuleDetail() *ruleDetail {
	d := &ruleDetail{line: newRuleCheckLine().(*ruleCheckLine), asks: newForm()}
	d.root = card(d.line.root, d.asks.root)
	return d
}

func (d *ruleDetail) update(r *deliver.Rule, asks [][2]string) {
	d.line.update(ruleCheck{title: ruleTitle(r.ID), result: r.Result, reason: r.Reason, evidence: r.Evidence, fix: r.Fix})
	setPairs(d.asks, asks)
}

// setPairs shows key and value pairs in f, adding rows as needed and
// hiding those not needed.
func setPairs(f *form, pairs [][2]string) {
	for len(f.rows) < len(pairs) {
		f.addText("")
	}
	for i := range f.rows {
		if i >= len(pairs) {
			f.show(i, false)
			continue
		}
		f.setKey(i, pairs[i][0])
		f.set(i, pairs[i][1])
	}
}

// gridColumns are the columns of the rule grid: the first as wide as its
// widest cell (at most 40% of the width), the others sharing the rest.
type gridColumns struct {
	n     int
	first []fyne.CanvasObject
}

// bounds are the x and the width of each column in a row of width.
func (c *gridColumns) bounds(width float32) (xs, ws []float32) {
	if c.n <= 1 {
		return []float32{0}, []float32{width}
	}
	first := float32(0)
	for _, o := range c.first {
		if o.Visible() {
			first = max(first, o.MinSize().Width)
		}
	}
	first = min(first, width*0.4)
	rest := (width - first) / float32(c.n-1)
	x := float32(0)
	for i := 0; i < c.n; i++ {
		w := rest
		if i == 0 {
			w = first
		}
		xs, ws = append(xs, x), append(ws, w)
		x += w
	}
	return xs, ws
}

// gridRow lays out the cells of one row of the grid in its columns.
type gridRow struct{ c *gridColumns }

func (l *gridRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	xs, ws := l.c.bounds(size.Width)
	for i, o := range objs {
		if i < len(xs) {
			o.Move(fyne.NewPos(xs[i], 0))
			o.Resize(fyne.NewSize(ws[i], size.Height))
		}
	}
}

func (l *gridRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var first, rest, h float32
	for i, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		if i > 0 {
			rest = max(rest, m.Width)
		}
	}
	for _, o := range l.c.first {
		if o.Visible() {
			first = max(first, o.MinSize().Width)
		}
	}
	return fyne.NewSize(first+rest*float32(max(len(objs)-1, 0)), h)
}

// ruleRow is one rule of the grid: its name and a cell per provider,
// each on the tint of its result. It is tapped (a cell selects itself)
// and takes the keyboard focus: Enter or Space selects it, Up and Down
// move to the rule above or below, Left and Right from cell to cell.
type ruleRow struct {
	widget.BaseWidget
	g       *ruleGrid
	index   int
	name    *widget.Label
	cells   []*ruleCell
	content *fyne.Container
	// colors are the tints of the columns ("" for none); selCol the
	// column selected, -1 when the row is not.
	colors  []fyne.ThemeColorName
	selCol  int
	focused bool
}

func newRuleRow(g *ruleGrid, index int) *ruleRow {
	r := &ruleRow{g: g, index: index, name: widget.NewLabel(""), selCol: -1}
	r.content = container.New(&gridRow{g.cols}, r.name)
	for range g.providers {
		c := newRuleCell()
		r.cells = append(r.cells, c)
		r.content.Add(c.root)
	}
	r.colors = make([]fyne.ThemeColorName, len(r.cells)+1)
	r.ExtendBaseWidget(r)
	return r
}

// set shows rule id, with rules[i] the rule of provider i (nil: it does
// not list it).
func (r *ruleRow) set(id string, rules []*deliver.Rule) {
	setText(r.name, ruleTitle(id))
	changed := false
	for i, c := range r.cells {
		var rule *deliver.Rule
		if i < len(rules) {
			rule = rules[i]
		}
		c.set(rule)
		col := fyne.ThemeColorName("")
		if rule != nil && (rule.Result == deliver.Pass || rule.Result == deliver.Fail) {
			col = ruleLook(rule.Result).color
		}
		if r.colors[i+1] != col {
			r.colors[i+1], changed = col, true
		}
	}
	if changed {
		r.Refresh()
	}
}

// setSelected marks column col selected (0: the row), or none (-1).
func (r *ruleRow) setSelected(col int) {
	if r.selCol != col {
		r.selCol = col
		r.Refresh()
	}
}

// column is the column at x.
func (r *ruleRow) column(x float32) int {
	xs, _ := r.g.cols.bounds(r.Size().Width)
	col := 0
	for i, cx := range xs {
		if x >= cx {
			col = i
		}
	}
	return col
}

func (r *ruleRow) Tapped(ev *fyne.PointEvent) { r.g.choose(r.index, r.column(ev.Position.X)) }

func (r *ruleRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (r *ruleRow) FocusGained()   { r.focused = true; r.Refresh() }
func (r *ruleRow) FocusLost()     { r.focused = false; r.Refresh() }
func (r *ruleRow) TypedRune(rune) {}

func (r *ruleRow) TypedKey(ev *fyne.KeyEvent) {
	col := max(r.selCol, 0)
	switch ev.Name {
	case fyne.KeySpace, fyne.KeyReturn, fyne.KeyEnter:
		r.g.choose(r.index, col)
	case fyne.KeyLeft:
		r.g.choose(r.index, col-1)
	case fyne.KeyRight:
		r.g.choose(r.index, col+1)
	case fyne.KeyUp, fyne.KeyDown:
		next := r.index - 1
		if ev.Name == fyne.KeyDown {
			next = r.index + 1
		}
		if next < 0 || next >= len(r.g.ids) {
			return
		}
		r.g.choose(next, col)
		if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil {
			c.Focus(r.g.rows[next])
		}
	}
}

func (r *ruleRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &ruleRowRenderer{r: r, sel: canvas.NewRectangle(color.Transparent), focus: canvas.NewRectangle(color.Transparent)}
	for range r.colors {
		rr.bgs = append(rr.bgs, canvas.NewRectangle(color.Transparent))
	}
	for _, b := range rr.bgs {
		rr.objs = append(rr.objs, b)
	}
	rr.objs = append(rr.objs, r.content, rr.sel, rr.focus)
	rr.Refresh()
	return rr
}

type ruleRowRenderer struct {
	r          *ruleRow
	bgs        []*canvas.Rectangle
	sel, focus *canvas.Rectangle
	objs       []fyne.CanvasObject
}

// cellGap is the space between two cells' tints; cellTint is their
// opacity, light enough for the result's colour and the grey on it.
const (
	cellGap  = 2
	cellTint = 0x18
)

func (rr *ruleRowRenderer) Layout(size fyne.Size) {
	rr.r.content.Move(fyne.NewPos(0, 0))
	rr.r.content.Resize(size)
	xs, ws := rr.r.g.cols.bounds(size.Width)
	for i, b := range rr.bgs {
		if i < len(xs) {
			b.Move(fyne.NewPos(xs[i]+cellGap/2, cellGap/2))
			b.Resize(fyne.NewSize(ws[i]-cellGap, size.Height-cellGap))
		}
	}
	if c := rr.r.selCol; c >= 0 && c < len(rr.bgs) {
		rr.sel.Move(rr.bgs[c].Position())
		rr.sel.Resize(rr.bgs[c].Size())
	}
	rr.focus.Move(fyne.NewPos(0, 0))
	rr.focus.Resize(size)
}

func (rr *ruleRowRenderer) MinSize() fyne.Size {
	return rr.r.content.MinSize().AddWidthHeight(0, cellGap)
}

func (rr *ruleRowRenderer) Refresh() {
	r := rr.r
	for i, b := range rr.bgs {
		fill := color.Color(color.Transparent)
		switch {
		case i < len(r.colors) && r.colors[i] != "":
			fill = tint(theme.Color(r.colors[i]), cellTint)
		case i == 0 && r.selCol >= 0:
			fill = theme.Color(theme.ColorNameSelection)
		}
		b.FillColor = fill
		b.CornerRadius = theme.InputRadiusSize()
		b.Refresh()
	}
	ring := func(rect *canvas.Rectangle, on bool, c fyne.ThemeColorName) {
		rect.StrokeWidth = 2
		rect.StrokeColor = theme.Color(c)
		rect.CornerRadius = theme.InputRadiusSize()
		setShown(rect, on)
		rect.Refresh()
	}
	ring(rr.sel, r.selCol >= 0, theme.ColorNamePrimary)
	ring(rr.focus, r.focused, theme.ColorNameFocus)
	rr.Layout(r.Size())
	r.content.Refresh()
}

func (rr *ruleRowRenderer) Objects() []fyne.CanvasObject { return rr.objs }
func (rr *ruleRowRenderer) Destroy()                     {}

// ruleCell is one provider's result for a rule: an icon, the result word
// in its colour and whom the provider asks it of; "not listed" when the
// provider does not list the rule.
type ruleCell struct {
	root *fyne.Container
	icon *widget.Icon
	text *widget.RichText
	key  string
}

func newRuleCell() *ruleCell {
	c := &ruleCell{icon: statusIcon(inspector.StatusNotChecked), text: widget.NewRichText()}
	c.root = container.NewHBox(container.NewCenter(c.icon), c.text)
	return c
}

func (c *ruleCell) set(r *deliver.Rule) {
	key := "-"
	if r != nil {
		key = r.Result + "|" + r.Level
	}
	if key == c.key {
		return
	}
	c.key = key
	if r == nil {
		setShown(c.icon, false)
		c.text.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: "not listed",
			Style: widget.RichTextStyle{Inline: true, ColorName: colorNotChecked, SizeName: theme.SizeNameCaptionText}}}
		c.text.Refresh()
		return
	}
	lk := ruleLook(r.Result)
	setShown(c.icon, true)
	setIcon(c.icon, lk.icon)
	c.text.Segments = []widget.RichTextSegment{
		&widget.TextSegment{Text: r.Result, Style: widget.RichTextStyle{Inline: true, ColorName: lk.color, TextStyle: fyne.TextStyle{Bold: true}}},
		&widget.TextSegment{Text: "  " + levelText(r.Level), Style: widget.RichTextStyle{Inline: true, ColorName: colorNotChecked, SizeName: theme.SizeNameCaptionText}},
	}
	c.text.Refresh()
}
