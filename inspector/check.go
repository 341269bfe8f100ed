package inspector

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/bimi"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/keyarchive"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/route"
	"github.com/mailinspector/mailinspector/inspector/senders"
	"github.com/mailinspector/mailinspector/inspector/signals"
	"github.com/mailinspector/mailinspector/inspector/spamfilter"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// DefaultBudget bounds the whole check of one message, DNS included, so that
// a dead server cannot keep a person waiting.
const DefaultBudget = 10 * time.Second

// Options steer a check.
type Options struct {
	// DNS says where lookups go (servers, timeout, or a snapshot to
	// replay). Each report gets its own client, cache and log.
	DNS resolver.Config
	// ClientIP, when valid, overrides the IP chosen from the Received
	// fields as the one that connected to the recipient's servers.
	ClientIP netip.Addr
	// Hop, when not zero, chooses the boundary hop by position, counting
	// from 1 at the top (a choice made in the GUI).
	Hop int
	// Now is the moment signatures' x= and t= are judged against, besides
	// the time of receipt; zero means the wall clock.
	Now time.Time
	// Budget bounds the whole check; zero means DefaultBudget.
	Budget time.Duration
	// Progress, when set, is called from the checking goroutine with a
	// copy of the report each time a check completes, so that a window can
	// show a partial report while DNS answers arrive. Rows of checks still
	// running have status "pending".
	Progress func(*Report)
	// Keys is the archive of DKIM and ARC keys (see keyarchive): a
	// signature that fails today is tried with the keys it kept, a report
	// says when a key changed since it was last seen, and the keys fetched
	// are added to it. Nil turns it off. A check that replays DNS (offline)
	// reads it but never records.
	Keys *keyarchive.Archive
	// Senders is the memory of senders: who wrote before, for the
	// report's sender history and the signals that need it. Nil turns it
	// off. A check that replays DNS (offline) reads it but never records.
	Senders *senders.Store
}

// CheckFile loads the message in path and checks it. The error is for a
// file that cannot be read or is not a message; once loaded, every problem
// is part of the Report.
func CheckFile(ctx context.Context, path string, opts Options) (*Report, error) {
	m, err := message.Open(path)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return Check(ctx, m, opts), nil
}

// Check runs every check on a loaded message. Checks that do not depend on
// each other run at the same time, so the time taken is that of the
// longest chain of dependent lookups (route, then SPF, then DMARC), not the
// sum of all lookups.
func Check(ctx context.Context, m *message.Message, opts Options) *Report {
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Budget)
	defer cancel()
	c := &checker{
		dns:  resolver.New(opts.DNS),
		m:    m,
		opts: opts,
		r: &Report{
			File:       m.File,
			HeaderOnly: !m.HasBody,
			Notes:      m.Notes,
			Checked:    opts.Now.UTC(),

			Deliverability: deliver.NotEvaluated(),
			SpamFilters:    []spamfilter.Filter{},
			BIMI:           bimi.NotEvaluated(),
			Signals:        []signals.Signal{},
		},
	}
	c.r.DNSSource = c.dns.Source()
	describe(c.r, m)
	c.run(ctx)

	r := c.r
	r.DNS = c.dns.Log()
	// Made when asked for (saving a snapshot, --record), but dated now.
	done := time.Now().UTC()
	r.snapshot = sync.OnceValue(func() *resolver.Snapshot {
		s := c.dns.Snapshot()
		s.Recorded = done
		return s
	})
	if opts.DNS.Replay == nil {
		if err := opts.Keys.Record(r.DNS); err != nil {
			r.Notes = append(r.Notes, "the key archive could not be saved: "+err.Error())
		}
	}
	// A lookup's socket deadline is the budget's, and may fire a moment
	// before the context's own timer: ask the clock, not only ctx.Err().
	deadline, _ := ctx.Deadline()
	if context.Cause(ctx) == context.DeadlineExceeded || (ctx.Err() == nil && !time.Now().Before(deadline)) {
		r.Notes = append(r.Notes, "the check ran out of time ("+opts.Budget.String()+"): DNS answers that had not come by then count as temporary errors")
	}
	summarize(r, false)
	return r
}

// checker runs the checks of one report, filling r as they complete.
type checker struct {
	dns  *resolver.Client
	m    *message.Message
	opts Options

	mu sync.Mutex // guards r while checks run
	r  *Report
	// progress makes the calls of Options.Progress, which come from the
	// goroutine of whichever check completes, one at a time and in the
	// order of the changes they show.
	progress sync.Mutex
}

func (c *checker) run(ctx context.Context) {
	var received time.Time
	if c.r.Received != nil {
		received = *c.r.Received
	}
	fromValues := dmarc.FromValues(c.m)
	// The links and attachments of the body, read while DNS is awaited.
	// The text parts are read once, for both the links of the phishing
	// signals and the deliverability rules.
	body := make(chan *deliver.Body, 1)
	content := make(chan *signals.Content, 1)
	go func() {
		b := deliver.ScanBody(ctx, c.m)
		body <- b
		content <- signals.ScanWith(ctx, c.m, b)
	}()
	// What the servers on the way recorded, parsed once for the route, ARC
	// and the comparison with our results.
	rec := recorded.Read(c.m)

	// The DMARC record does not depend on SPF or DKIM: ask for it now, so
	// that the answer is cached when DMARC is judged.
	if d := c.r.From.Domain; d != "" {
		go c.dns.Query(ctx, "_dmarc."+d, dns.TypeTXT)
		// Nor does BIMI's record under the default selector, asked for
		// last, after DMARC: ask now too.
		if c.m.First("BIMI-Selector") == nil {
			go c.dns.Query(ctx, "default._bimi."+d, dns.TypeTXT)
		}
	}

	var wg sync.WaitGroup
	var dkimDone = make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(dkimDone)
		res := dkim.Verify(ctx, c.dns, c.m, dkim.Options{Now: c.opts.Now, Received: received, History: c.opts.Keys.History()})
		if res == nil {
			res = []*dkim.Result{}
		}
		c.set(func(r *Report) { r.DKIM = res })
	}()

	wg.Add(1)
	go func() {
		defer wg.Done()
		res := arc.ValidateHistory(ctx, c.dns, c.m, rec, c.opts.Keys.History())
		c.set(func(r *Report) { r.ARC = res })
	}()

	// The route, then SPF for the client it found and, at the same time,
	// that client's reverse DNS: both need the client IP, neither needs
	// the other.
	rt := route.Analyze(ctx, c.dns, c.m, route.Options{ClientIP: c.opts.ClientIP, Hop: c.opts.Hop, Recorded: rec.Session(), SkipFCrDNS: true})
	fcrdns := make(chan *route.FCrDNS, 1)
	if rt.ClientIP.IsValid() {
		go func() { fcrdns <- route.CheckFCrDNS(ctx, c.dns, rt.ClientIP) }()
	} else {
		fcrdns <- nil
	}
	// The report lists the hops once, as "route"; "delivery" holds what was
	// concluded from them (its "hops" is null).
	delivery := *rt
	delivery.Hops = nil
	c.set(func(r *Report) { r.Route, r.Delivery = rt.Hops, &delivery })
	var spfRes *spf.Result
	if rt.ClientIP.IsValid() {
		mailFrom := rt.MailFrom
		spfRes = spf.Check(ctx, c.dns, rt.ClientIP, rt.HELO, mailFrom)
	} else {
		spfRes = &spf.Result{Result: result.None, Reason: "SPF could not be checked: no Received field shows which server handed the message to the recipient's servers, " +
			"so there is no address to check the sender's policy against.", MailFrom: rt.MailFrom, HELO: rt.HELO}
	}
	c.set(func(r *Report) { r.SPF = spfRes })

	<-dkimDone
	in := dmarc.Input{From: fromValues, SPF: &dmarc.SPFInput{Result: spfRes.Result, Domain: spfRes.Domain, HELO: spfRes.Identity == "helo"}}
	for _, d := range c.r.DKIM {
		in.DKIM = append(in.DKIM, dmarc.DKIMInput{Domain: d.Domain, Selector: d.Selector, Result: d.Result})
	}
	dm := dmarc.Check(ctx, c.dns, in)
	c.set(func(r *Report) { r.DMARC = dm })
	if f := <-fcrdns; f != nil {
		withFCrDNS := delivery
		withFCrDNS.FCrDNS = f
		c.set(func(r *Report) { r.Delivery = &withFCrDNS })
	}
	wg.Wait()

	c.set(func(r *Report) { r.Recorded = compareRecorded(c.m, rec, r) })
	c.sender(ctx, <-body)
	c.trap(<-content)
}

// trap fills "is it a trap": the sender's history from the memory of
// senders (recorded unless DNS is replayed), and the signals.
func (c *checker) trap(content *signals.Content) {
	r := c.r
	in := signals.Input{Message: c.m, Content: content}
	if r.DMARC != nil {
		in.DMARC = r.DMARC.Result
	}
	for _, d := range r.DKIM {
		if d.Result == result.Pass {
			in.DKIMPass = append(in.DKIMPass, d.Domain)
		}
	}
	if d := r.Delivery; d != nil {
		in.RecipientDomain = d.RecipientDomain
		if d.Boundary >= 0 && d.Boundary < len(r.Route) {
			in.Boundary = &r.Route[d.Boundary]
		}
	}
	var hist *senders.History
	if st := c.opts.Senders; st != nil {
		if c.opts.DNS.Replay != nil {
			st = st.ReadOnly()
		}
		when := r.Checked
		if r.Received != nil {
			when = *r.Received
		}
		obs := senders.Observation{Address: r.From.Address, Domain: r.From.Domain, MessageID: r.MessageID,
			When: when, DMARCPass: in.DMARC == result.Pass, Signers: in.DKIMPass}
		view := st.Look(obs)
		in.Known, hist = view, view.History
		var err error
		if hist.Recorded, err = st.Record(obs); err != nil {
			hist.Notes = append(hist.Notes, "This message could not be added to the memory of senders: "+err.Error())
		}
	}
	found := signals.Find(in)
	c.set(func(r *Report) { r.Signals, r.Sender = found, hist })
}

// sender fills what a sender wants to know, from the results above: the
// providers' rules, what the receiving spam filters wrote, and BIMI, whose
// record is its only lookup. Every check above has completed, so their
// results are read without the lock.
func (c *checker) sender(ctx context.Context, body *deliver.Body) {
	r := c.r
	rcv := boundary(r)
	dl := deliver.Check(ctx, deliver.Input{Message: c.m, From: r.From.Address, FromDomain: r.From.Domain,
		SPF: r.SPF, DKIM: r.DKIM, DMARC: r.DMARC, Hops: r.Route, Delivery: r.Delivery, Body: body})
	filters := spamfilter.Read(c.m, rcv)
	c.set(func(r *Report) { r.Deliverability, r.SpamFilters = dl, filters })
	b := bimi.Evaluate(ctx, c.dns, c.m, bimi.Input{Domain: r.From.Domain, DMARC: r.DMARC, DKIM: r.DKIM, Receiver: rcv})
	c.set(func(r *Report) { r.BIMI = b })
}

// boundary identifies the receiving side by the boundary hop, for the
// checks that trust only what it wrote.
func boundary(r *Report) recorded.Receiver {
	rcv := recorded.Receiver{Received: -1}
	if d := r.Delivery; d != nil && d.Boundary >= 0 && d.Boundary < len(r.Route) {
		rcv.Host = r.Route[d.Boundary].By
		rcv.Received = r.Route[d.Boundary].Field
	}
	return rcv
}

// set changes the report under the lock and tells the watcher.
func (c *checker) set(change func(r *Report)) {
	c.mu.Lock()
	change(c.r)
	if c.opts.Progress == nil {
		c.mu.Unlock()
		return
	}
	cp := *c.r
	c.progress.Lock()
	c.mu.Unlock()
	defer c.progress.Unlock()
	cp.DNS = c.dns.Log()
	summarize(&cp, true)
	c.opts.Progress(&cp)
}

// compareRecorded sets what the receiving server recorded beside our
// results.
func compareRecorded(m *message.Message, rec *recorded.Fields, r *Report) *recorded.Comparison {
	choice := recorded.Choose(m, rec.Results, boundary(r))
	// A pass the receiver recorded for a signature whose key fails today.
	r.DKIM = dkim.NoteDelivery(r.DKIM, choice.Trusted)
	var now recorded.Now
	if s := r.SPF; s != nil {
		now.SPF = &recorded.SPFNow{Verdict: recorded.Verdict{Result: s.Result, Reason: s.Reason}, Domain: s.Domain, HELO: s.Identity == "helo"}
		if s.ClientIP.IsValid() {
			now.SPF.IP = s.ClientIP.String()
		}
	}
	for _, d := range r.DKIM {
		now.DKIM = append(now.DKIM, recorded.DKIMNow{Verdict: recorded.Verdict{Result: d.Result, Code: string(d.Code), Reason: d.Reason},
			Domain: d.Domain, Selector: d.Selector, B: d.B})
	}
	now.ARC = r.ARC.Now()
	if d := r.DMARC; d != nil {
		now.DMARC = &recorded.Verdict{Result: d.Result, Code: d.Code, Reason: d.Reason}
	}
	return recorded.Compare(choice, now)
}
