package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
)

// spfTab shows the SPF check (the JSON form of spf.Result): the client IP,
// HELO and MAIL FROM judged, the result, and the record tree (include and
// redirect) with the matching mechanism marked and the DNS lookups it took.
func spfTab(r *inspector.Report) fyne.CanvasObject {
	s, reason, ok := sectionObj(r.SPF)
	if !ok {
		return tabPage(notEvaluated("SPF", reason))
	}
	return tabPage(spfView(s)...)
}

// spfView renders an SPF section.
func spfView(s obj) []fyne.CanvasObject {
	match := s.str("mechanism")
	if d := s.str("mechanism_domain"); match != "" && d != "" {
		match += " (in the record of " + d + ")"
	}
	lookups := s.str("lookups")
	if l := s.str("lookup_limit"); lookups != "" && l != "" {
		lookups += " of at most " + l
	}
	if v := s.str("void_lookups"); v != "" && v != "0" {
		lookups += fmt.Sprintf("; %s that found nothing (at most %s)", v, orDash(s.str("void_limit")))
	}
	page := []fyne.CanvasObject{
		sectionHead("SPF", s.str("result"), s.str("reason")),
		fields(
			textPair("Client IP", s.str("client_ip")),
			textPair("HELO", s.str("helo")),
			textPair("MAIL FROM", s.str("mail_from")),
			textPair("Identity checked", s.str("identity")),
			textPair("Domain", s.str("domain")),
			textPair("Matching mechanism", match),
			textPair("DNS lookups", lookups),
			textPair("Explanation", s.str("explanation")),
			textPair("Error", s.str("error")),
		),
	}
	if tree, ok := asObj(s["tree"]); ok {
		page = append(page, heading("Record tree"), spfNode(tree, s.str("mechanism")))
	}
	if trace := s.strs("trace"); len(trace) > 0 {
		page = append(page, widget.NewAccordion(widget.NewAccordionItem("How it was evaluated, step by step", mono(strings.Join(trace, "\n")))))
	}
	page = append(page, moreDetails(s, "result", "reason", "code", "client_ip", "helo", "mail_from", "identity",
		"domain", "mechanism", "mechanism_domain", "lookups", "lookup_limit", "void_lookups", "void_limit",
		"tree", "explanation", "error", "trace"))
	return page
}

// spfNode renders one record of the tree and, indented, the records it
// includes or redirects to; the record holding the matching mechanism is
// marked.
func spfNode(n obj, _ string) fyne.CanvasObject {
	title := n.str("domain")
	if via := n.str("via"); via != "" {
		title = via + " → " + title
	}
	head := container.NewHBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if res := n.str("result"); res != "" {
		head.Add(statusIcon(resultStatus(res)))
		head.Add(resultLabel(res, resultStatus(res)))
	}
	parts := []fyne.CanvasObject{head}
	if rec := n.str("record"); rec != "" {
		parts = append(parts, mono(rec))
	}
	if m := n.str("mechanism"); m != "" {
		parts = append(parts, container.NewHBox(statusIcon(inspector.VerdictPass), resultLabel("matched: "+m, inspector.VerdictPass)))
	}
	if e := n.str("error"); e != "" {
		parts = append(parts, notice(inspector.VerdictWarn, e))
	}
	box := container.NewVBox(card(parts...))
	for _, c := range objects(n["children"]) {
		box.Add(indent(spfNode(c, "")))
	}
	return box
}
