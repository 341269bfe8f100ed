// Package dnstest runs a real DNS server on 127.0.0.1, over UDP and TCP on
// the same port, that serves zone fixtures written in RFC 1035 master
// format. Tests of every check use it instead of a stubbed lookup function,
// so that truncation, TCP fallback, timeouts and hostile answers are
// exercised as they happen on the wire.
package dnstest

import (
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// maxChain bounds the CNAME chain the server follows inside its zone, so a
// loop in a fixture ends.
const maxChain = 8

// Server is a loopback DNS server. Its zone can be changed while it runs.
type Server struct {
	// Addr is "127.0.0.1:port"; UDP and TCP listen on the same port.
	Addr string

	udp, tcp *dns.Server
	queries  atomic.Int64
	asked    sync.Map // question ("name type") -> *atomic.Int64

	mu       sync.Mutex
	records  map[string][]dns.RR // lower-case owner -> records
	hang     map[string][]uint16 // lower-case name -> types that never answer (nil: all)
	handlers map[string]dns.HandlerFunc
	delay    time.Duration
	maxUDP   int
	ad       bool
}

// Start serves zone (RFC 1035 master format; "$TTL 300" is assumed when no
// TTL is given) until the test ends.
func Start(t testing.TB, zone string) *Server {
	t.Helper()
	s, err := Serve(zone)
	if err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Serve is Start outside a test (a benchmark's loopback server): it serves
// zone on a free port of 127.0.0.1 until Close.
func Serve(zone string) (*Server, error) {
	s := &Server{
		records:  make(map[string][]dns.RR),
		hang:     make(map[string][]uint16),
		handlers: make(map[string]dns.HandlerFunc),
	}
	if err := s.AddZone(zone); err != nil {
		return nil, err
	}
	if err := s.listen(); err != nil {
		return nil, err
	}
	return s, nil
}

// StartFile serves the zone in the named fixture file.
func StartFile(t testing.TB, path string) *Server {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("dnstest: %v", err)
	}
	return Start(t, string(b))
}

// listen binds UDP on a free port and TCP on the same one, trying again if
// another process holds that TCP port.
func (s *Server) listen() error {
	var lastErr error
	for try := 0; try < 20; try++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := pc.LocalAddr().String()
		l, err := net.Listen("tcp", addr)
		if err != nil {
			pc.Close()
			lastErr = err
			continue
		}
		s.Addr = addr
		h := dns.HandlerFunc(s.serve)
		s.udp = &dns.Server{PacketConn: pc, Handler: h}
		s.tcp = &dns.Server{Listener: l, Handler: h}
		started := make(chan struct{}, 2)
		s.udp.NotifyStartedFunc = func() { started <- struct{}{} }
		s.tcp.NotifyStartedFunc = func() { started <- struct{}{} }
		go s.udp.ActivateAndServe()
		go s.tcp.ActivateAndServe()
		<-started
		<-started
		return nil
	}
	return fmt.Errorf("no free port for UDP and TCP: %v", lastErr)
}

// Close stops the server.
func (s *Server) Close() {
	if s.udp != nil {
		s.udp.Shutdown()
	}
	if s.tcp != nil {
		s.tcp.Shutdown()
	}
}

// AddZone adds every record of a zone in master format.
func (s *Server) AddZone(zone string) error {
	if !strings.Contains(zone, "$TTL") {
		zone = "$TTL 300\n" + zone
	}
	zp := dns.NewZoneParser(strings.NewReader(zone), ".", "zone")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("bad zone fixture: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rr := range rrs {
		name := strings.ToLower(rr.Header().Name)
		s.records[name] = append(s.records[name], rr)
	}
	return nil
}

// Add adds records given in master format, one per line; it panics on a bad
// record, which is a mistake in the test.
func (s *Server) Add(records ...string) {
	if err := s.AddZone(strings.Join(records, "\n")); err != nil {
		panic(err)
	}
}

// Remove deletes every record of name (and its hang and handler settings).
func (s *Server) Remove(name string) {
	name = key(name)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.records, name)
	delete(s.hang, name)
	delete(s.handlers, name)
}

// Hang makes queries for name never answered, for the given types or, with
// none given, for every type.
func (s *Server) Hang(name string, types ...uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang[key(name)] = types
}

// Handle lets a test answer queries for name itself (wrong IDs, garbage,
// late answers). The handler replaces the zone for that name.
func (s *Server) Handle(name string, h dns.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[key(name)] = h
}

// SetDelay delays every answer by d.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// SetMaxUDP caps the UDP answer size whatever the client advertises, so
// that answers above it are truncated and must be asked again over TCP.
func (s *Server) SetMaxUDP(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxUDP = n
}

// SetAD makes the server set the DNSSEC AD bit on answers to queries that
// set AD or DO, as a validating resolver does for a signed zone.
func (s *Server) SetAD(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ad = on
}

// Queries is how many queries the server has received, answered or not.
func (s *Server) Queries() int { return int(s.queries.Load()) }

// QueriesFor is how many queries for name and qtype the server has
// received, answered or not.
func (s *Server) QueriesFor(name string, qtype uint16) int {
	if n, ok := s.asked.Load(key(name) + " " + dns.TypeToString[qtype]); ok {
		return int(n.(*atomic.Int64).Load())
	}
	return 0
}

func key(name string) string { return dns.Fqdn(strings.ToLower(name)) }

func (s *Server) serve(w dns.ResponseWriter, r *dns.Msg) {
	s.queries.Add(1)
	if len(r.Question) != 1 {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	q := r.Question[0]
	name := key(q.Name)
	n, _ := s.asked.LoadOrStore(name+" "+dns.TypeToString[q.Qtype], new(atomic.Int64))
	n.(*atomic.Int64).Add(1)

	s.mu.Lock()
	h := s.handlers[name]
	types, hang := s.hang[name]
	delay, maxUDP, ad := s.delay, s.maxUDP, s.ad
	s.mu.Unlock()

	if h != nil {
		h(w, r)
		return
	}
	if hang && (len(types) == 0 || hasType(types, q.Qtype)) {
		return
	}
	if delay > 0 {
		time.Sleep(delay)
	}
	m := s.answer(r)
	m.AuthenticatedData = ad && (r.AuthenticatedData || (r.IsEdns0() != nil && r.IsEdns0().Do()))
	if w.LocalAddr().Network() == "udp" {
		size := dns.MinMsgSize
		if opt := r.IsEdns0(); opt != nil {
			size = int(opt.UDPSize())
		}
		if maxUDP > 0 && maxUDP < size {
			size = maxUDP
		}
		m.Truncate(size)
	}
	w.WriteMsg(m)
}

func hasType(types []uint16, t uint16) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// answer builds the response a recursive resolver would give from the zone:
// the CNAME chain and the records at its end, NODATA for a name that exists
// without records of the type, NXDOMAIN otherwise. A negative answer
// carries, in its authority section, the SOA record of the closest zone
// that has one (RFC 2308 section 3), for the negative caching of clients.
func (s *Server) answer(r *dns.Msg) *dns.Msg {
	q := r.Question[0]
	m := new(dns.Msg)
	m.SetReply(r)
	m.RecursionAvailable = true
	if opt := r.IsEdns0(); opt != nil {
		m.SetEdns0(opt.UDPSize(), false)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := key(q.Name)
	for i := 0; i <= maxChain; i++ {
		rrs, exists := s.lookup(name)
		if !exists {
			m.Rcode = dns.RcodeNameError
			s.addSOA(m, name)
			return m
		}
		var cname *dns.CNAME
		found := false
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, withName(rr, name))
				found = true
			} else if c, ok := rr.(*dns.CNAME); ok && q.Qtype != dns.TypeCNAME {
				cname = c
			}
		}
		if found || cname == nil {
			if !found {
				s.addSOA(m, name)
			}
			return m
		}
		m.Answer = append(m.Answer, withName(cname, name))
		name = key(cname.Target)
		if _, hang := s.hang[name]; hang {
			// The alias points at a name that does not answer: give the
			// alias alone and let the client ask for the target.
			return m
		}
	}
	return m
}

// addSOA puts the SOA record of the zone closest to name, if the fixture
// has one, in the authority section of a negative answer. s.mu is held.
func (s *Server) addSOA(m *dns.Msg, name string) {
	labels := dns.SplitDomainName(name)
	for i := 0; i <= len(labels); i++ {
		for _, rr := range s.records[dns.Fqdn(strings.Join(labels[i:], "."))] {
			if soa, ok := rr.(*dns.SOA); ok {
				m.Ns = append(m.Ns, soa)
				return
			}
		}
	}
}

// lookup finds the records of name, or of a wildcard that covers it. A name
// with records below it exists even when it has none itself.
func (s *Server) lookup(name string) ([]dns.RR, bool) {
	if rrs, ok := s.records[name]; ok {
		return rrs, true
	}
	for owner := range s.records {
		if strings.HasSuffix(owner, "."+name) {
			return nil, true
		}
	}
	labels := dns.SplitDomainName(name)
	for i := 1; i < len(labels); i++ {
		wild := "*." + strings.Join(labels[i:], ".") + "."
		if rrs, ok := s.records[wild]; ok {
			return rrs, true
		}
	}
	return nil, false
}

// withName returns rr with its owner set to name (for wildcard answers).
func withName(rr dns.RR, name string) dns.RR {
	if strings.EqualFold(rr.Header().Name, name) {
		return rr
	}
	c := dns.Copy(rr)
	c.Header().Name = name
	return c
}
