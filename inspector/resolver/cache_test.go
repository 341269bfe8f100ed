package resolver_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
)

// cacheZone has an SOA, so that its negative answers may be cached: for
// 30 s (its MINIMUM, smaller than the SOA record's TTL of 3600).
const cacheZone = `
$ORIGIN cached.example.
@          3600 IN SOA ns.cached.example. hostmaster.cached.example. 1 7200 900 1209600 30
@          60   IN TXT "v=spf1 -all"
short      5    IN TXT "five seconds"
alias      600  IN CNAME @
host       300  IN A 192.0.2.1
$ORIGIN nosoa.example.
@          300  IN TXT "no SOA here"
`

// clock is a settable time for the Cache.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func sharedClients(t *testing.T, opts resolver.CacheOptions) (*dnstest.Server, *clock, func() *resolver.Client) {
	t.Helper()
	srv := dnstest.Start(t, cacheZone)
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	opts.Now = clk.Now
	cache := resolver.NewCache(opts)
	return srv, clk, func() *resolver.Client {
		return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond, Cache: cache})
	}
}

// Reports of one run ask each question once; each report's log still lists
// the lookup, marked when it came from the shared cache.
func TestSharedCacheAsksOnce(t *testing.T) {
	srv, _, client := sharedClients(t, resolver.CacheOptions{})
	ctx := context.Background()
	var logs [][]resolver.Answer
	for i := 0; i < 5; i++ {
		c := client()
		if txt, err := c.LookupTXT(ctx, "Cached.Example"); err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
			t.Fatalf("report %d: %q, %v", i, txt, err)
		}
		logs = append(logs, c.Log())
	}
	if n := srv.QueriesFor("cached.example", dns.TypeTXT); n != 1 {
		t.Errorf("the server saw %d queries for a question of five reports, want 1", n)
	}
	for i, log := range logs {
		if len(log) != 1 || log[0].Cached != (i > 0) {
			t.Errorf("report %d: log %+v, want one entry, cached %v", i, log, i > 0)
		}
	}
	b, err := json.Marshal(logs[1][0])
	if err != nil || !strings.Contains(string(b), `"cached":true`) || !strings.Contains(string(b), `"rcode":"NOERROR"`) {
		t.Errorf("JSON of a cached entry: %s (%v)", b, err)
	}
	b, _ = json.Marshal(logs[0][0])
	if !strings.Contains(string(b), `"cached":false`) {
		t.Errorf("JSON of an entry asked by its report: %s", b)
	}
}

// An answer is kept for its TTL (the smallest of the records it holds, the
// alias included) and asked again after.
func TestSharedCacheTTL(t *testing.T) {
	srv, clk, client := sharedClients(t, resolver.CacheOptions{})
	ctx := context.Background()
	ask := func(name string) {
		t.Helper()
		if _, err := client().LookupTXT(ctx, name); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, tc := range []struct {
		name string
		ttl  time.Duration
	}{{"short.cached.example", 5 * time.Second}, {"cached.example", 60 * time.Second}, {"alias.cached.example", 60 * time.Second}} {
		before := srv.Queries()
		ask(tc.name)
		clk.Add(tc.ttl - time.Second)
		ask(tc.name)
		if n := srv.Queries() - before; n != 1 {
			t.Errorf("%s: %d queries within its TTL of %v, want 1", tc.name, n, tc.ttl)
		}
		clk.Add(time.Second)
		ask(tc.name)
		if n := srv.Queries() - before; n != 2 {
			t.Errorf("%s: %d queries once its TTL of %v passed, want 2", tc.name, n, tc.ttl)
		}
	}
}

// NXDOMAIN and NODATA are kept for the SOA's negative TTL (RFC 2308: the
// smaller of the SOA's TTL and MINIMUM), and not at all without an SOA.
func TestSharedCacheNegative(t *testing.T) {
	srv, clk, client := sharedClients(t, resolver.CacheOptions{})
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		qtype uint16
		ttl   time.Duration // 0: not cached
	}{
		{"nothing.cached.example", dns.TypeTXT, 30 * time.Second}, // NXDOMAIN
		{"host.cached.example", dns.TypeTXT, 30 * time.Second},    // NODATA
		{"nothing.nosoa.example", dns.TypeTXT, 0},
	} {
		asked := func() int { return srv.QueriesFor(tc.name, tc.qtype) }
		c := client()
		if _, err := c.Query(ctx, tc.name, tc.qtype); !dnsError(t, err).IsNotFound {
			t.Fatalf("%s: %v, want not found", tc.name, err)
		}
		if _, err := client().Query(ctx, tc.name, tc.qtype); !dnsError(t, err).IsNotFound {
			t.Fatalf("%s again: %v, want not found", tc.name, err)
		}
		if tc.ttl == 0 {
			if asked() != 2 {
				t.Errorf("%s: a negative answer without SOA was kept (%d queries for 2 reports)", tc.name, asked())
			}
			continue
		}
		if asked() != 1 {
			t.Errorf("%s: %d queries for two reports, want 1", tc.name, asked())
		}
		clk.Add(tc.ttl - time.Second)
		client().Query(ctx, tc.name, tc.qtype)
		if asked() != 1 {
			t.Errorf("%s: asked again within the negative TTL", tc.name)
		}
		clk.Add(time.Second)
		client().Query(ctx, tc.name, tc.qtype)
		if asked() != 2 {
			t.Errorf("%s: not asked again after the negative TTL (%d queries)", tc.name, asked())
		}
	}
}

// Identical questions of many reports at the same moment are one query,
// and a report that gives up waiting harms none of the others.
func TestSharedCacheMergesInFlight(t *testing.T) {
	srv, _, client := sharedClients(t, resolver.CacheOptions{})
	srv.SetDelay(200 * time.Millisecond)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	cached := make(chan bool, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client()
			ctx := context.Background()
			if i == 0 {
				// The first to ask gives up at once; the question must go
				// on for the others.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 20*time.Millisecond)
				defer cancel()
			}
			_, err := c.LookupIPAddr(ctx, "host.cached.example")
			if i == 0 {
				return
			}
			errs <- err
			for _, a := range c.Log() {
				if a.Type == "A" {
					cached <- a.Cached
				}
			}
		}()
		if i == 0 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	wg.Wait()
	close(errs)
	close(cached)
	for err := range errs {
		if err != nil {
			t.Errorf("a waiting report failed: %v", err)
		}
	}
	shared := 0
	for c := range cached {
		if c {
			shared++
		}
	}
	if shared != n-1 {
		t.Errorf("%d of %d waiting reports logged the A answer as cached", shared, n-1)
	}
	if a, aaaa := srv.QueriesFor("host.cached.example", dns.TypeA), srv.QueriesFor("host.cached.example", dns.TypeAAAA); a != 1 || aaaa != 1 {
		t.Errorf("%d A and %d AAAA queries for %d reports asking at once, want 1 each", a, aaaa, n)
	}
}

// A failure (here a timeout) is kept briefly, so that a dead server costs
// one wait per question rather than one per message.
func TestSharedCacheFailure(t *testing.T) {
	srv, clk, client := sharedClients(t, resolver.CacheOptions{FailureTTL: 10 * time.Second})
	srv.Hang("host.cached.example", dns.TypeA)
	ctx := context.Background()
	if _, err := client().Query(ctx, "host.cached.example", dns.TypeA); !dnsError(t, err).IsTimeout {
		t.Fatalf("want a timeout, got %v", err)
	}
	sent := srv.QueriesFor("host.cached.example", dns.TypeA)
	begin := time.Now()
	if _, err := client().Query(ctx, "host.cached.example", dns.TypeA); !dnsError(t, err).IsTimeout {
		t.Errorf("the kept failure is %v, want the timeout", err)
	}
	if srv.QueriesFor("host.cached.example", dns.TypeA) != sent || time.Since(begin) > 200*time.Millisecond {
		t.Errorf("the failure was not kept: asked again")
	}
	clk.Add(10 * time.Second)
	client().Query(ctx, "host.cached.example", dns.TypeA)
	if srv.QueriesFor("host.cached.example", dns.TypeA) == sent {
		t.Errorf("the failure was kept past its 10 s")
	}
}

// The cache keeps no more than its bound.
func TestSharedCacheBound(t *testing.T) {
	srv := dnstest.Start(t, "*.wild.example. 300 IN A 192.0.2.7")
	cache := resolver.NewCache(resolver.CacheOptions{MaxEntries: 40})
	ctx := context.Background()
	for i := 0; i < 200; i++ {
		c := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Cache: cache})
		if _, err := c.Query(ctx, strings.Repeat("x", i%50+1)+".wild.example", dns.TypeA); err != nil {
			t.Fatal(err)
		}
		if cache.Len() > 40 {
			t.Fatalf("the cache holds %d answers, bound 40", cache.Len())
		}
	}
}
