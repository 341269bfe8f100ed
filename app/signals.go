package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/senders"
	"github.com/mailinspector/mailinspector/inspector/signals"
)

// "Is it a trap?" is the second question of the verdict panel, beside
// "is it genuine": the signals (inspector/signals) are the marks of
// phishing that authentication cannot see. They never change the
// authentication rows: a message can be genuinely from a domain that is
// itself the trap.

// The answers to "Is it a trap?".
const (
	trapLikely  = "Likely a trap"
	trapCareful = "Be careful"
	trapNone    = "No signs of a trap"
)

// trapAnswer answers "Is it a trap?" from the signals: likely when one is
// high, be careful when the most serious is medium, no signs when there
// are none or only low ones; the status gives its colour and icon, and
// why says it in a sentence.
func trapAnswer(sigs []signals.Signal) (status inspector.Status, word, why string) {
	var worst *signals.Signal
	for i := range sigs {
		s := &sigs[i]
		if worst == nil || severityRank(s.Severity) < severityRank(worst.Severity) {
			worst = s
		}
	}
	switch {
	case worst == nil:
		return inspector.StatusGood, trapNone, "No display-name trick, look-alike domain, misleading link or dangerous attachment was found."
	case worst.Severity == signals.High:
		return inspector.StatusBad, trapLikely, firstSentence(worst.Text) + signalsMore(len(sigs))
	case worst.Severity == signals.Medium:
		return inspector.StatusCaution, trapCareful, firstSentence(worst.Text) + signalsMore(len(sigs))
	}
	return inspector.StatusGood, trapNone, "Only minor signs: " + lowerFirst(firstSentence(worst.Text)) + signalsMore(len(sigs))
}

func severityRank(s signals.Severity) int {
	switch s {
	case signals.High:
		return 0
	case signals.Medium:
		return 1
	}
	return 2
}

// severityLook is the look of a signal's severity: high red, medium
// amber, low an information sign in grey.
func severityLook(s signals.Severity) look {
	if st := inspector.SignalStatus(s); st != inspector.StatusNotChecked {
		return statusLook(st)
	}
	return look{theme.NewColoredResource(theme.InfoIcon(), colorNotChecked), colorNotChecked, widget.MediumImportance, "LOW"}
}

// signalsMore points to the Signals tab when there is more than one.
func signalsMore(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (%d signs: see the Signals tab)", n)
}

// firstSentence is s up to the end of its first sentence.
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// trapLine is "Is it a trap?" in the verdict panel: the answer's icon
// (a spinner while the checks run), the question, the answer in its
// colour, and the most serious sign in one line.
type trapLine struct {
	root   fyne.CanvasObject
	icon   *widget.Icon
	spin   *spinner
	answer *widget.Label
	why    *widget.Label
}

func newTrapLine() *trapLine {
	l := &trapLine{icon: statusIcon(inspector.StatusNotChecked), spin: newSpinner(),
		answer: resultLabel("", inspector.StatusNotChecked), why: widget.NewLabel("")}
	l.why.Truncation = fyne.TextTruncateEllipsis
	q := widget.NewLabelWithStyle("Is it a trap?", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.root = container.NewBorder(nil, nil,
		container.NewHBox(container.New(&minWidth{w: 28}, container.NewStack(l.icon, l.spin.a)), q, l.answer), nil, l.why)
	return l
}

// update shows the answer of r; while the checks run, the signals are
// not all known.
func (l *trapLine) update(r *inspector.Report, running bool) {
	setShown(l.root, r != nil)
	if r == nil {
		l.spin.stop()
		return
	}
	if running && len(r.Signals) == 0 {
		l.spin.set(true)
		setShown(l.icon, false)
		setText(l.answer, checking)
		setLook(l.answer, widget.LowImportance)
		setText(l.why, "looking for the marks of phishing")
		return
	}
	l.spin.stop()
	st, word, why := trapAnswer(r.Signals)
	lk := statusLook(st)
	setShown(l.icon, true)
	setIcon(l.icon, lk.icon)
	setText(l.answer, word)
	setLook(l.answer, lk.importance)
	setText(l.why, why)
}

// signalsTabStatus is the Signals tab's icon: the answer's, once the
// checks are over.
func signalsTabStatus(r *inspector.Report, running bool) (inspector.Status, bool) {
	if running {
		return "", false
	}
	st, _, _ := trapAnswer(r.Signals)
	return st, true
}

// signalsTab lists each signal with its severity, what it means and its
// evidence, and what the memory of senders knew of the sender.
type signalsTab struct {
	root    *fyne.Container
	absent  *absentView
	head    *statusHead
	list    *list[signals.Signal]
	history *senderHistoryView
}

func newSignalsTab() tabView {
	t := &signalsTab{absent: newAbsentView(), head: newStatusHead(), list: newList(newSignalView), history: newSenderHistoryView()}
	explain := wrapLabel("Signals are the marks of phishing that authentication cannot see: a domain can pass SPF, DKIM and DMARC " +
		"and still be the trap. They never change the results of those checks.")
	t.root = vbox(t.absent.root, t.head.root, explain, t.list.root, heading("What this computer knew of the sender"), t.history.root)
	return t
}

func (t *signalsTab) object() fyne.CanvasObject { return t.root }
func (t *signalsTab) stop()                     { t.absent.spin.stop() }

func (t *signalsTab) update(r *inspector.Report, running bool) {
	if running && len(r.Signals) == 0 {
		t.absent.set("the signals", true, "")
		setShown(t.head.root, false)
	} else {
		t.absent.hide()
		st, word, why := trapAnswer(r.Signals)
		if n := len(r.Signals); n > 0 {
			why = fmt.Sprintf("%s found; the most serious is %s. Read each before acting on the message.",
				plural(n, "sign of a trap", "signs of a trap"), r.Signals[0].Severity)
		}
		t.head.set("Is it a trap?", word, st, why)
		setShown(t.head.root, true)
	}
	t.list.set(r.Signals)
	t.history.update(r.Sender, running)
}

// signalView is one signal: its severity's icon and word, its text, and
// its evidence, smaller.
type signalView struct {
	root     *fyne.Container
	icon     *widget.Icon
	severity *widget.Label
	text     *widget.Label
	evidence *widget.RichText
}

func newSignalView() item[signals.Signal] {
	v := &signalView{icon: statusIcon(inspector.StatusNotChecked), severity: resultLabel("", inspector.StatusNotChecked),
		text: wrapLabel(""), evidence: secondary()}
	lead := container.NewVBox(container.NewHBox(container.NewCenter(v.icon), container.New(&minWidth{w: 64}, v.severity)))
	v.root = container.NewBorder(nil, nil, lead, nil, container.New(&tightVBox{}, v.text, v.evidence))
	return v
}

func (v *signalView) object() fyne.CanvasObject { return v.root }

func (v *signalView) update(s signals.Signal) {
	lk := severityLook(s.Severity)
	setIcon(v.icon, lk.icon)
	setText(v.severity, string(s.Severity))
	setLook(v.severity, lk.importance)
	setText(v.text, s.Text)
	setSecondary(v.evidence, s.Evidence)
}

// senderNotes are the memory of senders' notes under the From: that
// messages from the sender were usually signed or authenticated and this
// one is not, as a caution; the others (first message, seen before) as
// information.
type senderNotes struct {
	root *fyne.Container
	warn *noticeList
	info *list[string]
}

// newSenderNotes makes the notes, indent from the left (under the From's
// address, past the column of its key).
func newSenderNotes(indent float32) *senderNotes {
	n := &senderNotes{warn: newNoticeList(inspector.StatusCaution), info: newList(newInfoItem)}
	n.root = container.New(&tightVBox{}, n.warn.root, n.info.root)
	if indent > 0 {
		n.root = container.NewBorder(nil, nil, container.New(&minWidth{w: indent}), nil, n.root)
	}
	return n
}

func (n *senderNotes) update(r *inspector.Report) {
	var h *senders.History
	if r != nil {
		h = r.Sender
	}
	if h == nil {
		n.warn.set()
		n.info.set(nil)
		setShown(n.root, false)
		return
	}
	warns := cautionNotes(h)
	n.warn.set(warns...)
	n.info.set(h.Notes[len(warns):])
	setShown(n.root, len(h.Notes) > 0)
}

// cautionNotes are the notes of h that are cautions: Notes puts the
// warnings first, one each for NotSignedNow and NotAuthenticatedNow.
func cautionNotes(h *senders.History) []string {
	n := 0
	for _, on := range []bool{h.NotSignedNow, h.NotAuthenticatedNow} {
		if on {
			n++
		}
	}
	return h.Notes[:min(n, len(h.Notes))]
}

// infoItem is a list item: an information line.
type infoItem struct{ l *infoLine }

func newInfoItem() item[string]               { return &infoItem{newInfoLine()} }
func (i *infoItem) object() fyne.CanvasObject { return i.l.root }
func (i *infoItem) update(s string)           { i.l.set(s) }

// senderHistoryView is what the memory of senders knew of the sender
// before this message (senders.History).
type senderHistoryView struct {
	root  *fyne.Container
	off   *infoLine
	notes *senderNotes
	facts *form
	more  *moreView
}

func newSenderHistoryView() *senderHistoryView {
	v := &senderHistoryView{off: newInfoLine(), notes: newSenderNotes(0),
		facts: textForm("Address", "Earlier messages", "From its domain", "Seen", "Authenticated", "Usually signed by"), more: newMoreView()}
	v.root = vbox(v.off.root, v.notes.root, v.facts.root, v.more.acc)
	return v
}

func (v *senderHistoryView) update(h *senders.History, running bool) {
	switch {
	case h == nil && running:
		v.off.set("Still being checked.")
	case h == nil:
		v.off.set("Nothing: the memory of senders is off or could not be opened (Edit > Settings, Remember senders), " +
			"so a first message from a sender, or one not signed as usual, cannot be told.")
	default:
		v.off.set("")
	}
	setShown(v.notes.root, h != nil)
	setShown(v.facts.root, h != nil)
	if h == nil {
		setShown(v.more.acc, false)
		return
	}
	v.notes.update(&inspector.Report{Sender: h})
	sh := track(h)
	// The notes say these in sentences.
	sh.mark(&h.Notes, &h.FirstMessage, &h.FirstFromDomain, &h.NotSignedNow, &h.NotAuthenticatedNow, &h.UsuallyAuthenticated)
	seen := ""
	if f, l := use(sh, &h.FirstSeen), use(sh, &h.LastSeen); f != nil && l != nil {
		seen = "from " + f.Format("2006-01-02") + " to " + l.Format("2006-01-02")
	}
	recorded := ""
	if !use(sh, &h.Recorded) {
		recorded = " (this message was not added: offline, or a replayed DNS snapshot)"
	}
	v.facts.setAll(
		use(sh, &h.Address)+recorded,
		strconv.Itoa(use(sh, &h.AddressMessages)),
		strconv.Itoa(use(sh, &h.DomainMessages))+" from anyone at "+use(sh, &h.Domain),
		seen,
		strconv.Itoa(use(sh, &h.Authenticated))+" passed DMARC",
		use(sh, &h.UsuallySignedBy),
	)
	v.more.set(h, sh)
}

// signalsMechanism stands for the Signals tab where a details tab names
// the summary row that gives it its icon: its icon is the answer's.
const signalsMechanism = "signals"
