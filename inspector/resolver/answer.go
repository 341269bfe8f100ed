package resolver

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/miekg/dns"
)

// Answer is the outcome of one query: what was asked, what came back and
// from where. The query log of a report is a list of Answers.
type Answer struct {
	// Name is the name asked for, fully qualified and lower case.
	Name string `json:"name"`
	// Type is the query type, e.g. "TXT".
	Type string `json:"type"`
	// Rcode is the response code, e.g. "NOERROR", "NXDOMAIN", "SERVFAIL";
	// empty when no response arrived (see Error).
	Rcode string `json:"rcode"`
	// Records are the answers of the queried type, in presentation form
	// without owner and TTL: a TXT record's strings joined with no
	// separator, an address, "10 mx.example.".
	Records []string `json:"answers"`
	// CNAMEs is the chain of aliases followed from Name, in order.
	CNAMEs []string `json:"cnames,omitempty"`
	// AD is the DNSSEC Authenticated Data bit of the response: the resolver
	// validated the answer.
	AD bool `json:"ad"`
	// Server is the server that answered ("snapshot" when replayed).
	Server string `json:"server"`
	// TCP is true when the answer came over TCP (after truncation over UDP).
	TCP bool `json:"tcp,omitempty"`
	// Cached is true when this report did not send the query itself: the
	// answer came from the cache shared by the reports of one run (see
	// Cache), or from the same question another report had in flight.
	// Time, RTT and Server are then those of the query that got it.
	Cached bool `json:"cached"`
	// Time is when the query was sent.
	Time time.Time `json:"time"`
	// Error says why no usable answer came (timeout, refused, not in
	// snapshot); empty otherwise.
	Error string `json:"error,omitempty"`

	// RRs are the answer records of the queried type, owner being the last
	// name of the CNAME chain.
	RRs []dns.RR `json:"-"`
	// TXT holds, for a TXT answer, each record's character-strings as they
	// came, before joining.
	TXT [][]string `json:"txt_strings,omitempty"`
	// RTT is the round-trip time of the exchange that gave the answer.
	RTT Millis `json:"rtt_ms"`

	// raw is the whole answer section as received, for snapshots.
	raw []dns.RR
	// ttl is how many seconds the answer may be kept in a shared Cache,
	// -1 when it may not (see cacheTTL).
	ttl int64
}

// Millis is a duration that JSON writes as a number of milliseconds, to
// the microsecond ("rtt_ms": 12.345). (A MarshalJSON of the whole Answer
// did this before; encoding the DNS log went through reflection twice.)
type Millis time.Duration

// MarshalJSON writes m in milliseconds, as encoding/json writes a float64.
func (m Millis) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Duration(m).Microseconds())/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (m *Millis) UnmarshalJSON(b []byte) error {
	ms, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("rtt_ms: %v", err)
	}
	*m = Millis(time.Duration(math.Round(ms*1000)) * time.Microsecond)
	return nil
}
