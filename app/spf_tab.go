package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// newSPFTab shows the SPF check (spf.Result): the client IP, HELO and MAIL
// FROM judged, the result, and the record tree (include and redirect)
// with the matching mechanism marked and the DNS lookups it took.
func newSPFTab() tabView {
	return newSectionTab("SPF", func(r *inspector.Report) *spf.Result { return r.SPF }, newSPFView())
}

// spfView renders an SPF section.
type spfView struct {
	root     *fyne.Container
	head     *statusHead
	facts    *form
	treeHead *widget.Label
	tree     *spfNodeView
	trace    *folded
	more     *moreView
}

func newSPFView() *spfView {
	v := &spfView{
		head: newStatusHead(),
		facts: textForm("Client IP", "HELO", "MAIL FROM", "Identity checked", "Domain", "Matching mechanism",
			"DNS lookups", "Explanation", "Error"),
		treeHead: heading("Record tree"),
		tree:     newSPFNodeView(),
		trace:    newFolded(),
		more:     newMoreView(),
	}
	v.root = vbox(v.head.root, v.facts.root, v.treeHead, v.tree.root, v.trace.acc, v.more.acc)
	return v
}

func (v *spfView) object() fyne.CanvasObject { return v.root }

func (v *spfView) update(s *spf.Result, r *inspector.Report) {
	sh := track(s)
	status := r.SPFStatus()
	v.head.set("SPF", string(use(sh, &s.Result)), status, use(sh, &s.Reason))
	match := use(sh, &s.Mechanism)
	if d := use(sh, &s.MechanismDomain); match != "" && d != "" {
		match += " (in the record of " + d + ")"
	}
	lookups := strconv.Itoa(use(sh, &s.Lookups))
	if l := use(sh, &s.LookupLimit); l > 0 {
		lookups += " of at most " + strconv.Itoa(l)
	}
	if n, l := use(sh, &s.VoidLookups), use(sh, &s.VoidLimit); n != 0 {
		lookups += fmt.Sprintf("; %d that found nothing (at most %d)", n, l)
	}
	client := ""
	if ip := use(sh, &s.ClientIP); ip.IsValid() {
		client = ip.String()
	}
	v.facts.setAll(
		client,
		use(sh, &s.HELO),
		use(sh, &s.MailFrom),
		identityText(use(sh, &s.Identity)),
		use(sh, &s.Domain),
		match,
		lookups,
		use(sh, &s.Explanation),
		use(sh, &s.Error),
	)
	tree := use(sh, &s.Tree)
	setShown(v.treeHead, tree != nil)
	setShown(v.tree.root, tree != nil)
	if tree != nil {
		v.tree.update(spfNode{tree, status})
	}
	v.trace.set("How it was evaluated, step by step", strings.Join(use(sh, &s.Trace), "\n"))
	v.more.set(s, sh)
}

// identityText says which identity SPF checked in plain words, with the
// RFC term beside it.
func identityText(id string) string {
	switch id {
	case "mailfrom":
		return "the envelope sender, where bounces go (RFC 5321 MAIL FROM)"
	case "helo":
		return "the name the server greeted with, as there was no envelope sender (HELO)"
	}
	return id
}

// spfNodeView is one record of the tree and, indented, the records it
// includes or redirects to; the record holding the matching mechanism is
// marked.
type spfNodeView struct {
	root     *fyne.Container
	title    *widget.Label
	status   *badge
	record   *widget.Label
	matched  *badge
	err      *noticeList
	children *list[spfNode]
}

// spfNode is a record of the tree and the status of the SPF check.
type spfNode struct {
	n   *spf.Node
	top inspector.Status
}

func newSPFNodeView() *spfNodeView {
	n := &spfNodeView{
		title:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		status:  newBadge(),
		record:  mono(""),
		matched: newBadge(),
		err:     newNoticeList(inspector.VerdictWarn),
	}
	n.children = newList(func() item[spfNode] { return newSPFNodeView() })
	n.children.wrap = indent
	n.root = container.NewVBox(card(container.NewHBox(n.title, n.status.root), n.record, n.matched.root, n.err.root),
		n.children.root)
	return n
}

func (n *spfNodeView) object() fyne.CanvasObject { return n.root }

func (n *spfNodeView) update(it spfNode) {
	node := it.n
	title := node.Domain
	if node.Via != "" {
		title = node.Via + " → " + title
	}
	setText(n.title, title)
	res := string(node.Result)
	// The matching term has the status of the result it gave: "-all" of
	// a failing check is not a green tick.
	st := inspector.SPFNodeStatus(node, it.top)
	n.status.set(st, res)
	setShown(n.status.root, res != "")
	shownLabel(n.record, node.Record)
	n.matched.set(st, "decided by: "+node.Mechanism)
	setShown(n.matched.root, node.Mechanism != "")
	if node.Error != "" {
		n.err.set(node.Error)
	} else {
		n.err.set()
	}
	kids := make([]spfNode, len(node.Children))
	for i, c := range node.Children {
		kids[i] = spfNode{c, it.top}
	}
	n.children.set(kids)
}
