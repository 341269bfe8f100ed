package resolver

import (
	"encoding/json"
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
	// RTT is the round-trip time of the exchange that gave the answer.
	RTT time.Duration `json:"-"`
	// Error says why no usable answer came (timeout, refused, not in
	// snapshot); empty otherwise.
	Error string `json:"error,omitempty"`

	// RRs are the answer records of the queried type, owner being the last
	// name of the CNAME chain.
	RRs []dns.RR `json:"-"`
	// TXT holds, for a TXT answer, each record's character-strings as they
	// came, before joining.
	TXT [][]string `json:"txt_strings,omitempty"`

	// raw is the whole answer section as received, for snapshots.
	raw []dns.RR
	// ttl is how many seconds the answer may be kept in a shared Cache,
	// -1 when it may not (see cacheTTL).
	ttl int64
}

// MarshalJSON adds the round-trip time in milliseconds.
func (a Answer) MarshalJSON() ([]byte, error) {
	type plain Answer
	return json.Marshal(struct {
		plain
		RTTms float64 `json:"rtt_ms"`
	}{plain(a), float64(a.RTT.Microseconds()) / 1000})
}
