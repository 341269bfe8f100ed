package resolver

import (
	"context"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// DefaultCacheEntries bounds a Cache made with a zero MaxEntries: enough
// for the senders of a large mailbox, small enough that the cache of a
// million different questions stays a few tens of MiB.
const DefaultCacheEntries = 20000

// DefaultFailureTTL is how long a Cache keeps a failure (a timeout, no
// usable answer, SERVFAIL, REFUSED), so that a dead server or zone costs
// one wait, not one per message. RFC 2308 section 7 allows up to five
// minutes.
const DefaultFailureTTL = 30 * time.Second

// CacheOptions steer a Cache.
type CacheOptions struct {
	// MaxEntries bounds how many answers are kept; zero means
	// DefaultCacheEntries. Past it, expired answers are dropped first,
	// then others.
	MaxEntries int
	// FailureTTL is how long a failure is kept; zero means
	// DefaultFailureTTL, a negative value keeps none (a failure is then
	// only shared with the questions that were waiting for it).
	FailureTTL time.Duration
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Cache is a DNS cache shared by the Clients of one run (the reports of
// one mailbox), so that many messages from the same senders ask each
// question once. It keeps an answer as long as its TTL allows: the
// smallest TTL of its records or, for a negative answer (NXDOMAIN,
// NODATA), the SOA's as RFC 2308 section 5 says (the smaller of the SOA
// record's TTL and its MINIMUM field; a negative answer without an SOA is
// not kept). Identical questions asked while one is in flight wait for its
// answer instead of sending their own.
//
// Each Client still keeps its own log: an answer a Client took from the
// Cache, or got by waiting for another Client's question, is logged with
// Cached set. A Cache must serve only Clients with the same Config
// (servers or snapshot): it does not tell their answers apart. It is safe
// for concurrent use.
type Cache struct {
	max        int
	failureTTL time.Duration
	now        func() time.Time

	mu      sync.Mutex
	entries map[cacheKey]*sharedEntry
}

// sharedEntry is one question in the Cache: in flight until done is
// closed, then answered until expires.
type sharedEntry struct {
	done    chan struct{}
	ans     *Answer
	err     error
	expires time.Time
}

// NewCache returns an empty Cache.
func NewCache(opts CacheOptions) *Cache {
	c := &Cache{max: opts.MaxEntries, failureTTL: opts.FailureTTL, now: opts.Now, entries: make(map[cacheKey]*sharedEntry)}
	if c.max <= 0 {
		c.max = DefaultCacheEntries
	}
	if c.failureTTL == 0 {
		c.failureTTL = DefaultFailureTTL
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Len is how many questions the Cache holds, answered or in flight.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// get returns the answer to key: from the cache, from a question already
// in flight, or by calling ask. shared is false only when this call's own
// ask gave the answer. ask runs detached from ctx, so that a caller that
// gives up (its message's time budget ran out) does not fail the callers
// waiting for the same answer; ask itself is bounded by the Client's
// per-query timeouts.
func (c *Cache) get(ctx context.Context, key cacheKey, ask func(context.Context) (*Answer, error)) (ans *Answer, err error, shared bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok && e.answered() && !c.now().Before(e.expires) {
		delete(c.entries, key)
		ok = false
	}
	if !ok {
		e = &sharedEntry{done: make(chan struct{})}
		c.entries[key] = e
		c.trim()
	}
	c.mu.Unlock()

	if !ok {
		go c.fill(context.WithoutCancel(ctx), key, e, ask)
	}
	select {
	case <-e.done:
		return e.ans, e.err, ok
	case <-ctx.Done():
		return nil, ctxError(ctx, key.name), ok
	}
}

// fill asks the question of e and keeps the answer for as long as it may
// be kept.
func (c *Cache) fill(ctx context.Context, key cacheKey, e *sharedEntry, ask func(context.Context) (*Answer, error)) {
	e.ans, e.err = ask(ctx)
	ttl := c.ttl(e.ans)
	c.mu.Lock()
	e.expires = c.now().Add(ttl)
	if ttl <= 0 && c.entries[key] == e {
		delete(c.entries, key)
	}
	c.mu.Unlock()
	close(e.done)
}

// ttl is how long ans may be kept.
func (c *Cache) ttl(ans *Answer) time.Duration {
	switch {
	case ans == nil || ans.failed():
		return max(c.failureTTL, 0)
	case ans.ttl < 0:
		return 0
	}
	return time.Duration(ans.ttl) * time.Second
}

func (e *sharedEntry) answered() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// trim keeps the Cache within its bound: expired answers go first, then
// any answered ones, down to three quarters of the bound so that the next
// trim is far off. Questions in flight stay. c.mu is held.
func (c *Cache) trim() {
	if len(c.entries) <= c.max {
		return
	}
	now := c.now()
	for k, e := range c.entries {
		if e.answered() && !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	for k, e := range c.entries {
		if len(c.entries) <= c.max*3/4 {
			break
		}
		if e.answered() {
			delete(c.entries, k)
		}
	}
}

// cacheTTL is how long, in seconds, the answer of resp may be kept: the
// smallest TTL of the answer records, or for a negative answer that of its
// SOA (RFC 2308 section 5); -1 when it may not be kept.
func cacheTTL(resp *dns.Msg, ans *Answer) int64 {
	ttl := int64(-1)
	least := func(t uint32) {
		if ttl < 0 || int64(t) < ttl {
			ttl = int64(t)
		}
	}
	if ans.Rcode == "NOERROR" && len(ans.RRs) > 0 {
		for _, rr := range resp.Answer {
			least(rr.Header().Ttl)
		}
		return ttl
	}
	if ans.Rcode != "NOERROR" && ans.Rcode != "NXDOMAIN" {
		return -1
	}
	for _, rr := range resp.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			least(soa.Hdr.Ttl)
			least(soa.Minttl)
		}
	}
	// An alias whose target was asked separately: the alias's own TTL
	// bounds the answer too.
	for _, rr := range resp.Answer {
		if ttl >= 0 {
			least(rr.Header().Ttl)
		}
	}
	return ttl
}

// failed reports an answer that is a failure, not a fact about the name:
// no response, or a server that could not or would not answer.
func (a *Answer) failed() bool {
	return a.Rcode != "NOERROR" && a.Rcode != "NXDOMAIN"
}
