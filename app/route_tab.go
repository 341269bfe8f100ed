package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/route"
)

// routeSection is what the Route tab shows: the hops of the Received
// fields (Report.Route), topmost first, and what was concluded from them
// (Report.Delivery).
type routeSection struct {
	hops     []route.Hop
	delivery *route.Route
}

// newRouteTab shows the hops as a timeline: a bar per hop for its delay,
// the boundary hop (where the recipient's servers took the message from
// the outside) marked, TLS per hop; and the client IP and whether its
// reverse name resolves back to it (FCrDNS). With choose set, each other
// hop from a public address offers to be taken as the boundary instead
// (choose gets its number, 1 for the topmost Received field; 0 goes back
// to the automatic choice).
func newRouteTab(choose func(hop int)) tabView {
	return newSectionTab("the route the message took", func(r *inspector.Report) *routeSection {
		if len(r.Route) == 0 && r.Delivery == nil {
			return nil
		}
		return &routeSection{r.Route, r.Delivery}
	}, newRouteView(choose))
}

// routeView renders the delivery conclusions and the hops (topmost first
// in the report; shown in the order travelled).
type routeView struct {
	root          *fyne.Container
	choose        func(hop int)
	facts         *form
	fcrdnsCard    fyne.CanvasObject
	fcrdnsHead    *statusHead
	fcrdnsFacts   *form
	disagreements *noticeList
	notes         *noticeList
	hopsHead      *widget.Label
	hops          *list[hopItem]
	auto          *widget.Button
	more          *moreView
}

func newRouteView(choose func(hop int)) *routeView {
	v := &routeView{
		choose: choose,
		facts: textForm("Client IP", "HELO", "MAIL FROM", "Entered the recipient's servers", "Recipient domain",
			"Time in transit"),
		fcrdnsHead:    newStatusHead(),
		fcrdnsFacts:   textForm("Reverse names", "Resolving back"),
		disagreements: newNoticeList(inspector.VerdictWarn),
		notes:         newNoticeList(inspector.VerdictNone),
		hopsHead:      heading("Hops, in the order the message travelled"),
		hops:          newList(newHopCard),
		more:          newMoreView(),
	}
	v.fcrdnsCard = card(v.fcrdnsHead.root, v.fcrdnsFacts.root)
	v.auto = widget.NewButtonWithIcon("Choose the boundary hop automatically", theme.ViewRefreshIcon(), func() {
		if v.choose != nil {
			v.choose(0)
		}
	})
	v.root = vbox(v.facts.root, v.fcrdnsCard, v.disagreements.root, v.notes.root, v.hopsHead, v.hops.root, v.auto, v.more.acc)
	return v
}

func (v *routeView) object() fyne.CanvasObject { return v.root }

func (v *routeView) update(s *routeSection, _ *inspector.Report) {
	v.updateDelivery(s.delivery)
	longest, total := 0.0, 0.0
	for _, h := range s.hops {
		if h.DelaySeconds != nil {
			longest = max(longest, *h.DelaySeconds)
			total += max(*h.DelaySeconds, 0)
		}
	}
	items := make([]hopItem, len(s.hops))
	for n := range s.hops {
		i := len(s.hops) - 1 - n
		items[n] = hopItem{hop: &s.hops[i], n: n + 1, field: i + 1, longest: longest, total: total, choose: v.choose}
	}
	setShown(v.hopsHead, len(items) > 0)
	v.hops.set(items)
	setShown(v.auto, len(items) > 0 && v.choose != nil)
}

func (v *routeView) updateDelivery(d *route.Route) {
	if d == nil {
		setShown(v.facts.root, false)
		setShown(v.fcrdnsCard, false)
		v.disagreements.set()
		v.notes.set()
		setShown(v.more.acc, false)
		return
	}
	setShown(v.facts.root, true)
	sh := track(d)
	// Hops are the report's "route", and the hop cards mark the boundary.
	sh.mark(&d.Hops, &d.Boundary)
	mailFrom := use(sh, &d.MailFrom)
	if use(sh, &d.NullSender) {
		mailFrom = "<> (null sender: a bounce or notification)"
	}
	if src := use(sh, &d.MailFromSource); src != "" && mailFrom != "" {
		mailFrom += " (from " + src + ")"
	}
	transit := ""
	if t := use(sh, &d.TransitSeconds); t != nil {
		transit = seconds(*t)
	}
	client := ""
	if ip := use(sh, &d.ClientIP); ip.IsValid() {
		client = ip.String()
	}
	v.facts.setAll(client, use(sh, &d.HELO), mailFrom, use(sh, &d.BoundaryReason), use(sh, &d.RecipientDomain), transit)
	f := use(sh, &d.FCrDNS)
	setShown(v.fcrdnsCard, f != nil)
	if f != nil {
		ip := ""
		if f.IP.IsValid() {
			ip = f.IP.String()
		}
		v.fcrdnsHead.set("Reverse DNS of "+ip+" (forward-confirmed, FCrDNS)", string(f.Result), inspector.FCrDNSStatus(f), f.Reason)
		v.fcrdnsFacts.setAll(strings.Join(f.Names, "\n"), strings.Join(f.Confirmed, "\n"))
	}
	v.disagreements.set(use(sh, &d.Disagreements)...)
	v.notes.set(use(sh, &d.Notes)...)
	v.more.set(d, sh)
}

// seconds is a duration in seconds, rounded to the second.
func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

// hopItem is one hop of the timeline: n counts from the oldest, field from
// the topmost Received field.
type hopItem struct {
	hop      *route.Hop
	n, field int
	longest  float64
	total    float64 // the delays added up
	choose   func(hop int)
}

// hopCard is one hop, with a bar as long as its delay relative to the
// longest.
type hopCard struct {
	root     fyne.CanvasObject
	it       hopItem
	title    *widget.Label
	boundary *widget.Label
	internal *widget.Label
	use      *widget.Button
	tls      *badge
	facts    *form
	bar      *fyne.Container
	barRect  *canvas.Rectangle
	barSize  *barLayout
	barText  *widget.Label
	note     *noticeList
	raw      *folded
	more     *moreView
}

func newHopCard() item[hopItem] {
	c := &hopCard{
		title:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		boundary: widget.NewLabelWithStyle("boundary: entered the recipient's servers here", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		internal: widget.NewLabel("(internal)"),
		tls:      newBadge(),
		facts:    textForm("With", "At", "Delay", "Internal because"),
		barSize:  &barLayout{},
		note:     newNoticeList(inspector.VerdictNone),
		raw:      newFolded(),
		more:     newMoreView(),
	}
	c.boundary.Importance = widget.HighImportance
	c.use = widget.NewButton("Use as the boundary", func() {
		if c.it.choose != nil {
			c.it.choose(c.it.field)
		}
	})
	c.barRect = canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	c.barRect.CornerRadius = 3
	c.barText = widget.NewLabel("")
	// The bar is a delay on a scale, labelled in seconds: not progress.
	c.bar = container.NewBorder(nil, nil, widget.NewLabel("Waited"), c.barText, container.New(c.barSize, c.barRect))
	c.root = card(container.NewHBox(c.title, c.boundary, c.internal, c.use), c.tls.root, c.facts.root, c.bar,
		c.note.root, c.raw.acc, c.more.acc)
	return c
}

func (c *hopCard) object() fyne.CanvasObject { return c.root }

func (c *hopCard) update(it hopItem) {
	c.it = it
	h := it.hop
	sh := track(h)
	from := firstNonEmpty(use(sh, &h.From), use(sh, &h.HELO), use(sh, &h.RDNS))
	ip := use(sh, &h.IP)
	if ip.IsValid() {
		from += " [" + ip.String() + "]"
	}
	setText(c.title, fmt.Sprintf("%d. %s → %s", it.n, orDash(from), orDash(use(sh, &h.By))))
	boundary := use(sh, &h.Boundary)
	setShown(c.boundary, boundary)
	setShown(c.internal, use(sh, &h.Internal))
	setShown(c.use, !boundary && it.choose != nil && ip.IsValid())

	tlsStatus := inspector.HopStatus(*h)
	tlsText := "not encrypted"
	if tlsStatus == inspector.StatusNotChecked {
		tlsText = "not encrypted, inside one organisation"
	}
	tls := use(sh, &h.TLS)
	if use(sh, &h.Encrypted) {
		tlsText = "TLS"
		if tls != nil {
			tlsText = strings.TrimSpace(firstNonEmpty(tls.Version, "TLS") + " " + tls.Cipher)
		}
	}
	c.tls.set(tlsStatus, tlsText)

	delay := ""
	d := use(sh, &h.DelaySeconds)
	skew := use(sh, &h.ClockSkew)
	if d != nil {
		delay = seconds(*d)
		if skew {
			delay += " (clocks disagree)"
		}
	}
	at := ""
	if t := use(sh, &h.Time); t != nil {
		at = timeText(*t)
	}
	c.facts.setAll(use(sh, &h.With), at, delay, use(sh, &h.InternalReason))
	setShown(c.bar, d != nil)
	if d != nil {
		frac := float32(0)
		if it.longest > 0 {
			frac = float32(*d / it.longest)
		}
		c.barRect.FillColor = theme.Color(theme.ColorNamePrimary)
		c.barSize.frac = frac
		label := seconds(*d)
		if it.total > 0 {
			label += " of " + seconds(it.total) + " in all"
		}
		setText(c.barText, label)
		c.bar.Refresh()
	}
	if note := use(sh, &h.Note); note != "" {
		c.note.set(note)
	} else {
		c.note.set()
	}
	c.raw.set("Received field", use(sh, &h.Raw))
	c.more.set(h, sh)
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

// timeText writes a time for a person, in the zone it was given in.
func timeText(t time.Time) string { return t.Format("2006-01-02 15:04:05 -0700") }
