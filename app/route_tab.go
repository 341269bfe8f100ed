package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
)

// routeTab shows the hops of the Received fields (Report.Route, the JSON
// form of route.Hop) as a timeline: a bar per hop for its delay, the
// boundary hop (where the recipient's servers took the message from the
// outside) marked, TLS per hop; and what was concluded from them
// (Report.Delivery): the client IP and whether its reverse name resolves
// back to it (FCrDNS). With choose set, each other hop from a public
// address offers to be taken as the boundary instead (choose gets its
// number, 1 for the topmost Received field; 0 goes back to the automatic
// choice).
func routeTab(r *inspector.Report, choose func(hop int)) fyne.CanvasObject {
	hops := objects(jsonValue(r.Route))
	d, _ := asObj(jsonValue(r.Delivery))
	if len(hops) == 0 && len(d) == 0 {
		return tabPage(notEvaluated("the route the message took", ""))
	}
	return tabPage(routeView(d, hops, choose)...)
}

// routeView renders the delivery conclusions and the hops (topmost
// first, as in the message; shown in the order travelled).
func routeView(d obj, hops []obj, choose func(hop int)) []fyne.CanvasObject {
	var page []fyne.CanvasObject
	if d != nil {
		mailFrom := d.str("mail_from")
		if n, _ := d.flag("null_sender"); n {
			mailFrom = "<> (null sender: a bounce or notification)"
		}
		if src := d.str("mail_from_source"); src != "" && mailFrom != "" {
			mailFrom += " (from " + src + ")"
		}
		transit := ""
		if t, ok := d["transit_seconds"].(float64); ok {
			transit = (time.Duration(t * float64(time.Second))).Round(time.Second).String()
		}
		page = append(page, fields(
			textPair("Client IP", d.str("client_ip")),
			textPair("HELO", d.str("helo")),
			textPair("MAIL FROM", mailFrom),
			textPair("Entered the recipient's servers", d.str("boundary_reason")),
			textPair("Recipient domain", d.str("recipient_domain")),
			textPair("Time in transit", transit),
		))
		if f, ok := asObj(d["fcrdns"]); ok {
			page = append(page, card(sectionHead("Forward-confirmed reverse DNS of "+f.str("ip"), f.str("result"), f.str("reason")),
				fields(textPair("Reverse names", joinLines(f.strs("names"))), textPair("Resolving back", joinLines(f.strs("confirmed"))))))
		}
		for _, n := range d.strs("disagreements") {
			page = append(page, notice(inspector.VerdictWarn, n))
		}
		for _, n := range d.strs("notes") {
			page = append(page, notice(inspector.VerdictNone, n))
		}
	}
	if len(hops) > 0 {
		page = append(page, heading("Hops, in the order the message travelled"), hopTimeline(hops, choose))
		if choose != nil {
			page = append(page, widget.NewButtonWithIcon("Choose the boundary hop automatically", theme.ViewRefreshIcon(), func() { choose(0) }))
		}
	}
	if d != nil {
		page = append(page, moreDetails(d, "hops", "boundary", "boundary_reason", "client_ip", "helo", "mail_from",
			"null_sender", "mail_from_source", "recipient_domain", "transit_seconds", "fcrdns", "disagreements", "notes"))
	}
	return page
}

func joinLines(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "\n"
		}
		out += x
	}
	return out
}

// hopTimeline lays out one card per hop, oldest first, with a bar as long
// as its delay relative to the longest.
func hopTimeline(hops []obj, choose func(hop int)) fyne.CanvasObject {
	longest := 0.0
	for _, h := range hops {
		if d, ok := h["delay_seconds"].(float64); ok {
			longest = max(longest, d)
		}
	}
	box := container.NewVBox()
	for n := range hops {
		i := len(hops) - 1 - n
		h := hops[i]
		from := firstNonEmpty(h.str("from"), h.str("helo"), h.str("rdns"))
		if ip := h.str("ip"); ip != "" {
			from += " [" + ip + "]"
		}
		title := fmt.Sprintf("%d. %s → %s", n+1, orDash(from), orDash(h.str("by")))
		head := container.NewHBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if b, _ := h.flag("boundary"); b {
			b := widget.NewLabelWithStyle("boundary: entered the recipient's servers here", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			b.Importance = widget.HighImportance
			head.Add(b)
		}
		if in, _ := h.flag("internal"); in {
			head.Add(widget.NewLabel("(internal)"))
		}
		if b, _ := h.flag("boundary"); !b && choose != nil && h.str("ip") != "" {
			hop := i + 1
			head.Add(widget.NewButton("Use as the boundary", func() { choose(hop) }))
		}
		tlsText, tlsStatus := "no TLS", inspector.VerdictWarn
		if enc, _ := h.flag("encrypted"); enc {
			tlsText, tlsStatus = "TLS", inspector.VerdictPass
			if t, ok := asObj(h["tls"]); ok {
				tlsText = firstNonEmpty(t.str("version"), "TLS") + " " + t.str("cipher")
			}
		}
		delay := ""
		d, hasDelay := h["delay_seconds"].(float64)
		if hasDelay {
			delay = (time.Duration(d * float64(time.Second))).Round(time.Second).String()
			if s, _ := h.flag("clock_skew"); s {
				delay += " (clocks disagree)"
			}
		}
		parts := []fyne.CanvasObject{head,
			container.NewHBox(statusIcon(tlsStatus), resultLabel(tlsText, tlsStatus)),
			fields(textPair("With", h.str("with")), textPair("At", h.str("time")), textPair("Delay", delay),
				textPair("Internal because", h.str("internal_reason"))),
		}
		if hasDelay {
			parts = append(parts, delayBar(d, longest))
		}
		if note := h.str("note"); note != "" {
			parts = append(parts, notice(inspector.VerdictNone, note))
		}
		if raw := h.str("raw"); raw != "" {
			parts = append(parts, widget.NewAccordion(widget.NewAccordionItem("Received field", mono(raw))))
		}
		parts = append(parts, moreDetails(h, "from", "helo", "rdns", "ip", "by", "boundary", "internal",
			"internal_reason", "encrypted", "tls", "with", "time", "note", "delay_seconds", "clock_skew", "raw"))
		box.Add(card(parts...))
	}
	return box
}

// delayBar is a bar as wide as d is of longest (at least a sliver).
func delayBar(d, longest float64) fyne.CanvasObject {
	frac := float32(0)
	if longest > 0 {
		frac = float32(d / longest)
	}
	bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	bar.CornerRadius = 3
	return container.New(&barLayout{frac: frac}, bar)
}

// barLayout sizes its one object to frac of the width.
type barLayout struct{ frac float32 }

func (b *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := max(size.Width*b.frac, 4)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos(0, 0))
	}
}

func (b *barLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(10, 10) }

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
