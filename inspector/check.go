package inspector

import (
	"context"
	"net/netip"
	"time"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
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
	// Now is the moment signatures' x= and t= are judged against, besides
	// the time of receipt; zero means the wall clock.
	Now time.Time
	// Budget bounds the whole check; zero means DefaultBudget.
	Budget time.Duration
	// Progress, when set, is called from the checking goroutine with a
	// copy of the report each time a check completes, so that a window can
	// show a partial report while DNS answers arrive.
	Progress func(*Report)
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

// Check runs every check on a loaded message.
func Check(ctx context.Context, m *message.Message, opts Options) *Report {
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Budget)
	defer cancel()
	dns := resolver.New(opts.DNS)

	r := &Report{
		File:       m.File,
		HeaderOnly: !m.HasBody,
		Notes:      m.Notes,
		Checked:    opts.Now.UTC(),
		DNSSource:  dns.Source(),
	}
	describe(r, m)
	var received time.Time
	if r.Received != nil {
		received = *r.Received
	}
	r.DKIM = dkim.Verify(ctx, dns, m, dkim.Options{Now: opts.Now, Received: received})
	if r.DKIM == nil {
		r.DKIM = []*dkim.Result{}
	}
	r.SPF, r.DMARC, r.ARC, r.Recorded = notEvaluated(), notEvaluated(), notEvaluated(), notEvaluated()

	r.DNS = dns.Log()
	r.snapshot = dns.Snapshot()
	summarize(r)
	return r
}

// Snapshot returns every DNS answer the report's checks received, for
// saving and replaying offline.
func (r *Report) Snapshot() *resolver.Snapshot { return r.snapshot }
