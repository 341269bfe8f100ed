package signals

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mailinspector/mailinspector/inspector/address"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/route"
)

// Content is what Scan read from a message's body.
type Content struct {
	// Links are the links of the text parts, as the deliverability
	// checks read them (HTML links with their visible text).
	Links []deliver.Link
	// Attachments are the parts with a file name.
	Attachments []Attachment
}

// Scan reads the links and attachments of m's body. It needs no network
// and may run while the checks wait for DNS.
func Scan(ctx context.Context, m *message.Message) *Content {
	return ScanWith(ctx, m, deliver.ScanBody(ctx, m))
}

// ScanWith is Scan with the body's text parts already read by
// deliver.ScanBody, so that a check that needs both reads them once.
func ScanWith(ctx context.Context, m *message.Message, body *deliver.Body) *Content {
	return &Content{Links: body.Links, Attachments: readAttachments(ctx, m)}
}

// Known is the memory of senders, as of before this message.
type Known interface {
	// Seen says whether mail from the address, and from the domain
	// (compared by organisation), was seen before.
	Seen(address, domain string) (addressSeen, domainSeen bool)
	// Trusted lists the domains of earlier senders that authenticated
	// (DMARC passed).
	Trusted() []string
}

// Input is what Find judges with besides the message.
type Input struct {
	Message *message.Message
	// Content is the result of Scan; nil when the body was not read.
	Content *Content
	// RecipientDomain is the domain the message was delivered to (the
	// route's, from Delivered-To, else To).
	RecipientDomain string
	// Boundary is the hop at which the message entered the recipient's
	// servers; nil when none was chosen.
	Boundary *route.Hop
	// DKIMPass lists the d= of the DKIM signatures that passed.
	DKIMPass []string
	// DMARC is the DMARC result.
	DMARC result.Result
	// Known is the memory of senders; nil when it is off.
	Known Known
}

// Find judges a message and returns its signals, most serious first;
// never nil.
func Find(in Input) []Signal {
	return find(in).l.done()
}

// find judges; the judge it returns tells the tests how much work it did.
func find(in Input) *judge {
	l := newList()
	j := &judge{in: in, l: l, imitated: map[string]imitated{}}
	if in.Message == nil {
		return j
	}
	j.from = firstMailbox(in.Message, "From")
	j.fromDomain = domain.Normalize(j.from.Domain)
	j.protect()
	j.displayName()
	j.replyTo()
	j.domains()
	j.ownDomain()
	if c := in.Content; c != nil {
		j.links(c.Links)
		judgeAttachments(l, c.Attachments)
	}
	j.firstTime()
	return j
}

type judge struct {
	in         Input
	l          *list
	from       address.Mailbox
	fromDomain string
	protected  []protected
	// lookalikeFrom is the domain the From imitates, once found.
	lookalikeFrom string
	imitated      map[string]imitated
	// compared counts the comparisons of a domain with a protected one:
	// the work that grows with the message.
	compared int
}

// firstMailbox reads the first mailbox of the first field named name.
func firstMailbox(m *message.Message, name string) address.Mailbox {
	f := m.First(name)
	if f == nil {
		return address.Mailbox{}
	}
	list, err := address.ParseList(f.RawValue())
	if err != nil || len(list.Mailboxes) == 0 {
		return address.Mailbox{}
	}
	return list.Mailboxes[0]
}

// protect gathers the domains the reader trusts: their own, the brands',
// and those of senders seen before that authenticated.
func (j *judge) protect() {
	brands := brandDomains()
	j.protected = make([]protected, 0, len(brands.list)+1)
	// The recipient's own domain first, then the brands', then those of
	// senders seen before; each organisation once. The brands are read
	// (and made unique) once per process, not per message.
	own, hasOwn := protected{}, false
	if d := j.in.RecipientDomain; d != "" {
		if own, hasOwn = newProtected(d, "your own domain"); hasOwn {
			j.protected = append(j.protected, own)
		}
	}
	for _, p := range brands.list {
		if !hasOwn || p.org != own.org {
			j.protected = append(j.protected, p)
		}
	}
	if j.in.Known == nil {
		return
	}
	seen := map[string]bool{}
	for _, d := range j.in.Known.Trusted() {
		p, ok := newProtected(d, whyKnown)
		if !ok || brands.orgs[p.org] || hasOwn && p.org == own.org || seen[p.org] {
			continue
		}
		seen[p.org], p.known = true, true
		j.protected = append(j.protected, p)
	}
}

// brandSet is the brands' domains, each organisation once, and the set of
// their organisations.
type brandSet struct {
	list []protected
	orgs map[string]bool
}

// brandDomains are the brands' domains, read once per process: reading a
// domain (its organisation, its registrable label, its confusable key) is
// the costly part of looking for look-alikes.
var brandDomains = sync.OnceValue(func() brandSet {
	set := brandSet{orgs: map[string]bool{}}
	for _, b := range Brands {
		for _, d := range b.Domains {
			if p, ok := newProtected(d, b.Name+"'s domain"); ok && !set.orgs[p.org] {
				set.orgs[p.org] = true
				set.list = append(set.list, p)
			}
		}
	}
	return set
})

// whyKnown is why the domain of a sender seen before is protected.
const whyKnown = "a sender you have had authenticated mail from"

// isProtected says whether d belongs to a protected organisation.
func (j *judge) isProtected(d string) bool {
	org := domain.OrgOrSelf(d)
	for _, p := range j.protected {
		if p.org == org {
			return true
		}
	}
	return false
}

// imitates returns the protected domain that d imitates, how, and
// whether the resemblance is weak (see imitation), or "" as how. A
// protected domain imitates nothing, nor does a domain seen before: the
// reader knows it. A strong resemblance to any protected domain wins over
// a weak one.
func (j *judge) imitates(d string) (p protected, how string, weak bool) {
	c, ok := newCandidate(d)
	if !ok || j.isProtected(c.org) {
		return protected{}, "", false
	}
	if r, done := j.imitated[c.org]; done {
		return r.p, r.how, r.weak
	}
	defer func() { j.imitated[c.org] = imitated{p, how, weak} }()
	if j.in.Known != nil {
		if _, seen := j.in.Known.Seen("", d); seen {
			return protected{}, "", false
		}
	}
	for _, q := range j.protected {
		j.compared++
		h, w := imitation(c, q)
		if h == "" || how != "" && (w || !weak) {
			continue
		}
		p, how, weak = q, h, w
	}
	return p, how, weak
}

// imitated is the answer of imitates, kept per organisation.
type imitated struct {
	p    protected
	how  string
	weak bool
}

// passedDMARC says whether DMARC passed: the From domain is proven.
func (j *judge) passedDMARC() bool { return j.in.DMARC == result.Pass }

// orgs is the organisation of each of names, normalised.
func orgs(names []string) []string {
	var out []string
	for _, n := range names {
		if o := domain.OrgOrSelf(n); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// replyTo raises reply_to_other_org for a Reply-To address of another
// organisation than the From's and than that of each DKIM signature that
// passed. When DMARC failed, the From is not the sender's and a passing
// signature vouches for nobody the reader knows: the signer's domain
// excuses nothing then.
func (j *judge) replyTo() {
	if j.fromDomain == "" {
		return
	}
	f := j.in.Message.First("Reply-To")
	if f == nil {
		return
	}
	list, err := address.ParseList(f.RawValue())
	if err != nil {
		return
	}
	excused := []string{domain.OrgOrSelf(j.fromDomain)}
	if j.in.DMARC != result.Fail {
		excused = append(excused, orgs(j.in.DKIMPass)...)
	}
	for _, mb := range list.Mailboxes {
		d := domain.OfAddress(mb.Address)
		if d == "" || contains(excused, domain.OrgOrSelf(d)) {
			continue
		}
		text := fmt.Sprintf("Replies go to %s, another organisation than the sender %s: an answer would not reach who the message claims to be from.", mb.Address, j.from.Address)
		if j.in.DMARC == result.Fail && len(j.in.DKIMPass) > 0 {
			text += " The message is signed by " + strings.Join(j.in.DKIMPass, ", ") + ", but DMARC failed: the From is not that signer's."
		}
		j.l.add(ReplyToOtherOrg, text, "Reply-To: "+mb.Address)
	}
}

// ownDomain raises own_domain_from_outside: the From is the recipient's
// own domain, the message came in from a public address outside the
// recipient's organisation, and DMARC did not pass.
func (j *judge) ownDomain() {
	rcpt, b := j.in.RecipientDomain, j.in.Boundary
	if j.fromDomain == "" || rcpt == "" || b == nil || j.passedDMARC() || b.Authenticated {
		return
	}
	if !domain.SameOrg(j.fromDomain, rcpt) && !domain.Within(j.fromDomain, rcpt) || publicMailbox[domain.OrgOrSelf(rcpt)] {
		return
	}
	ip := b.IP
	if !ip.IsValid() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
		return
	}
	for _, h := range []string{b.From, b.RDNS, b.HELO} {
		if h != "" && domain.SameOrg(h, rcpt) {
			return
		}
	}
	host := b.From
	if host == "" {
		host = "an unnamed host"
	}
	dm := "DMARC did not pass"
	if j.in.DMARC != "" {
		dm = "DMARC gave " + string(j.in.DMARC)
	}
	text := fmt.Sprintf("The message claims to come from your own organisation (%s), but it came in from outside, from %s [%s], and %s. "+
		"A request for money, gift cards or passwords \"from a colleague\" in such a message is a known fraud.", j.from.Address, host, ip, dm)
	ev := fmt.Sprintf("From: %s; entered %s from %s [%s]", j.from.Address, b.By, host, ip)
	if j.in.DMARC == result.TempError {
		j.l.lowered(OwnDomainFromOutside, Medium, text, "DMARC could not be evaluated (a DNS error), so the From may still be genuine: check again later.", ev)
		return
	}
	j.l.add(OwnDomainFromOutside, text, ev)
}

// publicMailbox are the largest public mailbox providers: their users are
// not one organisation, so mail from one to another "from outside" is
// ordinary.
var publicMailbox = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true, "msn.com": true,
	"yahoo.com": true, "ymail.com": true, "aol.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"gmx.de": true, "gmx.net": true, "web.de": true, "t-online.de": true, "orange.fr": true, "free.fr": true, "libero.it": true,
	"mail.ru": true, "yandex.ru": true, "proton.me": true, "protonmail.com": true, "zoho.com": true, "qq.com": true, "163.com": true,
}

// firstTime raises first_time_sender: the From address and domain were
// never seen, while the domain imitates one that was.
func (j *judge) firstTime() {
	k := j.in.Known
	if k == nil || j.from.Address == "" || j.lookalikeFrom == "" {
		return
	}
	if addrSeen, domSeen := k.Seen(j.from.Address, j.fromDomain); addrSeen || domSeen {
		return
	}
	j.l.add(FirstTimeSender,
		fmt.Sprintf("This is the first message from %s that this app has seen, while you have had mail from %s, which it imitates.", j.from.Address, j.lookalikeFrom),
		"From: "+j.from.Address)
}
