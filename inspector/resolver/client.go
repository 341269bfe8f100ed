package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// DefaultTimeout is how long one query waits for an answer before it is
// tried once more.
const DefaultTimeout = 2 * time.Second

// maxCNAMEs bounds the alias chain followed for one name; a longer chain is
// reported as a loop.
const maxCNAMEs = 8

// Config says where a Client sends its queries.
type Config struct {
	// Servers are "host:port" addresses of recursive resolvers, tried in
	// order. Empty means the system's resolvers (see SystemServers).
	Servers []string
	// Timeout bounds each query; zero means DefaultTimeout. Every query is
	// tried once more (on the next server, if there is one) after a timeout.
	Timeout time.Duration
	// Replay, when set, answers every query from this snapshot and sends
	// nothing to the network. A name missing from it is reported as "not in
	// snapshot", never as NXDOMAIN.
	Replay *Snapshot
	// Cache, when set, is shared with the other Clients of a run: a
	// question asked by one report is answered from it for the next, as
	// long as the answer's TTL allows (see Cache). Each Client still logs
	// every lookup its report used, those answered from the Cache marked
	// Cached.
	Cache *Cache
}

// Client is the DNS layer of one report: it caches every answer for its
// lifetime, logs every query, and remembers every answer for a snapshot. It
// is safe for concurrent use.
type Client struct {
	servers []string
	source  string // how servers were chosen, for the report
	timeout time.Duration
	replay  *Snapshot
	shared  *Cache

	mu    sync.Mutex
	cache map[cacheKey]*cacheEntry
	log   []Answer
}

type cacheKey struct {
	name  string
	qtype uint16
}

// cacheEntry is filled once; concurrent askers of the same question wait on
// done instead of sending a second query.
type cacheEntry struct {
	done chan struct{}
	ans  *Answer
	err  error
}

// New returns a Client for one report. With no servers and no replay
// snapshot it reads the system's resolver configuration.
func New(cfg Config) *Client {
	c := &Client{
		servers: cfg.Servers,
		source:  "configured",
		timeout: cfg.Timeout,
		replay:  cfg.Replay,
		shared:  cfg.Cache,
		cache:   make(map[cacheKey]*cacheEntry),
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.replay != nil:
		c.servers, c.source = nil, "snapshot"
	case len(c.servers) == 0:
		c.servers, c.source = SystemServers()
	}
	return c
}

// Source says where answers come from: "snapshot", "configured", or how the
// system resolvers were found.
func (c *Client) Source() string { return c.source }

// Log returns every query made so far, in the order they were sent. Cached
// answers are not repeated.
func (c *Client) Log() []Answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Answer(nil), c.log...)
}

// Query asks for one name and type, following CNAMEs, and returns the whole
// answer. Answers are cached for the life of the Client. An error is a
// *net.DNSError; the Answer is returned with it whenever a response came.
func (c *Client) Query(ctx context.Context, name string, qtype uint16) (*Answer, error) {
	return c.query(ctx, name, qtype, nil)
}

func (c *Client) query(ctx context.Context, name string, qtype uint16, seen []string) (*Answer, error) {
	fqdn := dns.Fqdn(strings.ToLower(name))
	if _, ok := dns.IsDomainName(fqdn); !ok || len(fqdn) > 255 || hasLongLabel(fqdn) {
		return nil, &net.DNSError{Err: "invalid domain name", Name: name, IsNotFound: true}
	}
	ans, err := c.cached(ctx, fqdn, qtype)
	if ans == nil || len(ans.RRs) > 0 || len(ans.CNAMEs) == 0 || ans.Rcode != "NOERROR" {
		return ans, err
	}
	// The server gave an alias without the records at its end (an
	// authoritative server does this, and so do some forwarders): follow it.
	target := ans.CNAMEs[len(ans.CNAMEs)-1]
	seen = append(seen, ans.CNAMEs...)
	for _, s := range append([]string{fqdn}, seen[:len(seen)-1]...) {
		if s == target {
			return ans, cnameLoop(name, ans)
		}
	}
	if len(seen) > maxCNAMEs {
		return ans, cnameLoop(name, ans)
	}
	next, err := c.query(ctx, target, qtype, seen)
	if next == nil {
		return ans, err
	}
	joined := *next
	joined.Name = ans.Name
	joined.CNAMEs = append(append([]string(nil), ans.CNAMEs...), next.CNAMEs...)
	return &joined, err
}

func cnameLoop(name string, ans *Answer) error {
	return &net.DNSError{Err: "CNAME loop or chain too long: " + strings.Join(ans.CNAMEs, " -> "), Name: name, Server: ans.Server}
}

func hasLongLabel(fqdn string) bool {
	for _, l := range dns.SplitDomainName(fqdn) {
		if len(l) > 63 {
			return true
		}
	}
	return false
}

// cached returns the answer for one exact question, asking at most once.
func (c *Client) cached(ctx context.Context, fqdn string, qtype uint16) (*Answer, error) {
	key := cacheKey{fqdn, qtype}
	c.mu.Lock()
	e, ok := c.cache[key]
	if !ok {
		e = &cacheEntry{done: make(chan struct{})}
		c.cache[key] = e
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-e.done:
			return e.ans, e.err
		case <-ctx.Done():
			return nil, ctxError(ctx, fqdn)
		}
	}
	e.ans, e.err = c.fetch(ctx, fqdn, qtype)
	if e.ans != nil {
		c.mu.Lock()
		c.log = append(c.log, *e.ans)
		c.mu.Unlock()
	}
	if isContextErr(e.err) {
		// A cancelled caller must not poison the cache for the next one.
		c.mu.Lock()
		delete(c.cache, key)
		c.mu.Unlock()
	}
	close(e.done)
	return e.ans, e.err
}

// fetch answers one question for this Client's cache: through the shared
// Cache when there is one, else by asking.
func (c *Client) fetch(ctx context.Context, fqdn string, qtype uint16) (*Answer, error) {
	if c.shared == nil {
		return c.ask(ctx, fqdn, qtype)
	}
	start := time.Now()
	ans, err, shared := c.shared.get(ctx, cacheKey{fqdn, qtype}, func(ctx context.Context) (*Answer, error) {
		return c.ask(ctx, fqdn, qtype)
	})
	switch {
	case ans == nil:
		// This report gave up waiting: log it as an unanswered query, as
		// a query of its own would have been.
		ans = &Answer{Name: fqdn, Type: dns.TypeToString[qtype], Time: start, Error: err.Error()}
	case shared:
		cp := *ans
		cp.Cached = true
		ans = &cp
	}
	return ans, err
}

// ask sends one question (or reads it from the replay snapshot) and turns
// the response into an Answer and an error.
func (c *Client) ask(ctx context.Context, fqdn string, qtype uint16) (*Answer, error) {
	ans := &Answer{Name: fqdn, Type: dns.TypeToString[qtype], Time: time.Now()}
	var resp *dns.Msg
	var err error
	if c.replay != nil {
		ans.Server = "snapshot"
		resp, err = c.replay.lookup(fqdn, qtype)
	} else {
		resp, err = c.exchange(ctx, fqdn, qtype, ans)
	}
	if err != nil {
		ans.Error = err.Error()
		return ans, err
	}
	fill(ans, resp)
	ans.ttl = cacheTTL(resp, ans)
	return ans, answerError(ans, fqdn)
}

// fill copies the parts of a response that the report shows into ans.
func fill(ans *Answer, resp *dns.Msg) {
	ans.Rcode = dns.RcodeToString[resp.Rcode]
	ans.AD = resp.AuthenticatedData
	ans.raw = resp.Answer
	owner := ans.Name
	// Follow the alias chain inside the answer section, as a recursive
	// resolver returns it.
	for i := 0; i <= maxCNAMEs; i++ {
		next := ""
		for _, rr := range resp.Answer {
			if cn, ok := rr.(*dns.CNAME); ok && sameName(cn.Hdr.Name, owner) {
				next = strings.ToLower(cn.Target)
				break
			}
		}
		if next == "" || contains(ans.CNAMEs, next) || next == ans.Name {
			if next != "" {
				ans.CNAMEs = append(ans.CNAMEs, next)
			}
			break
		}
		ans.CNAMEs = append(ans.CNAMEs, next)
		owner = next
	}
	want := dns.StringToType[ans.Type]
	for _, rr := range resp.Answer {
		if rr.Header().Rrtype != want || !sameName(rr.Header().Name, owner) {
			continue
		}
		ans.RRs = append(ans.RRs, rr)
		ans.Records = append(ans.Records, rdata(rr))
		if t, ok := rr.(*dns.TXT); ok {
			ans.TXT = append(ans.TXT, txtStrings(t.Txt))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rdata is a record's data in presentation form; a TXT record's strings are
// joined with no separator, as DKIM and SPF read them, and unescaped to the
// bytes published.
func rdata(rr dns.RR) string {
	switch v := rr.(type) {
	case *dns.TXT:
		return strings.Join(txtStrings(v.Txt), "")
	case *dns.A:
		return v.A.String()
	case *dns.AAAA:
		return v.AAAA.String()
	case *dns.MX:
		return fmt.Sprintf("%d %s", v.Preference, v.Mx)
	case *dns.PTR:
		return v.Ptr
	case *dns.CNAME:
		return v.Target
	}
	s := rr.String()
	h := rr.Header().String()
	return strings.TrimPrefix(s, h)
}

// answerError turns an unsuccessful response into the *net.DNSError that
// net.Resolver would give, so that libraries written against it (the SPF
// evaluator) tell "does not exist" from "try again later".
func answerError(ans *Answer, name string) error {
	switch ans.Rcode {
	case "NOERROR":
		if len(ans.RRs) == 0 && ans.Error == "" {
			return &net.DNSError{Err: "no " + ans.Type + " record", Name: name, Server: ans.Server, IsNotFound: true}
		}
		return nil
	case "NXDOMAIN":
		return &net.DNSError{Err: "no such domain (NXDOMAIN)", Name: name, Server: ans.Server, IsNotFound: true}
	case "SERVFAIL":
		return &net.DNSError{Err: "server failure (SERVFAIL)", Name: name, Server: ans.Server, IsTemporary: true}
	default:
		return &net.DNSError{Err: "server answered " + ans.Rcode, Name: name, Server: ans.Server, IsTemporary: true}
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func ctxError(ctx context.Context, name string) error {
	return &net.DNSError{Err: "lookup abandoned: " + context.Cause(ctx).Error(), Name: name,
		IsTimeout: errors.Is(ctx.Err(), context.DeadlineExceeded), IsTemporary: true, UnwrapErr: ctx.Err()}
}
