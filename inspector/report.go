package inspector

import (
	"time"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/bimi"
	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/inspector/route"
	"github.com/mailinspector/mailinspector/inspector/senders"
	"github.com/mailinspector/mailinspector/inspector/signals"
	"github.com/mailinspector/mailinspector/inspector/spamfilter"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// Overall verdicts.
const (
	VerdictPass = "pass"
	VerdictWarn = "warn"
	VerdictFail = "fail"
	// VerdictNone is for a report in which nothing could be evaluated, and
	// for a row whose check did not run.
	VerdictNone = "none"
	// StatusPending is the status of a row whose check is still running
	// (only in the partial reports given to Options.Progress).
	StatusPending = "pending"
)

// Report is everything Mail Inspector found out about one message.
type Report struct {
	// File names the message checked.
	File string `json:"file"`
	// From is the author address of the (first) From field.
	From Address `json:"from"`
	// Subject, Date and MessageID are shown to help a person recognise the
	// message; decoded for display.
	Subject   string `json:"subject,omitempty"`
	Date      string `json:"date,omitempty"`
	MessageID string `json:"message_id,omitempty"`
	// Received is when the message reached its recipient: the date of the
	// topmost Received field, else the Date field. Zero when unknown.
	Received *time.Time `json:"received,omitempty"`
	// HeaderOnly is true when only the header was available (pasted
	// headers): body hashes could not be verified.
	HeaderOnly bool `json:"header_only,omitempty"`
	// Notes say what was repaired while loading the message.
	Notes []string `json:"notes,omitempty"`

	// The checks, one section each. A check that did not run has result
	// "none" and reason "not evaluated".
	DKIM  []*dkim.Result `json:"dkim"`
	SPF   *spf.Result    `json:"spf"`
	DMARC *dmarc.Result  `json:"dmarc"`
	ARC   *arc.Result    `json:"arc"`
	// Route is the delivery route, one hop per Received field, topmost
	// first; Delivery is what was concluded from it (the boundary hop, the
	// client IP, HELO and MAIL FROM, reverse DNS).
	Route    []route.Hop  `json:"route"`
	Delivery *route.Route `json:"delivery"`
	// Recorded sets what the receiving server recorded at delivery beside
	// our re-verification.
	Recorded *recorded.Comparison `json:"recorded"`

	// What a sender wants to know. Deliverability holds, per mailbox
	// provider, the provider's published rules for senders and how the
	// message fares; SpamFilters what the receiving spam filters wrote in
	// the header (an empty list when none did); BIMI whether a provider
	// would show the brand's logo. Always present, never null.
	Deliverability *deliver.Report     `json:"deliverability"`
	SpamFilters    []spamfilter.Filter `json:"spam_filters"`
	BIMI           *bimi.Result        `json:"bimi"`

	// Is it a trap. Signals are the marks of phishing that authentication
	// cannot see (a display name naming another address, a look-alike
	// domain, a link whose text shows another site, a dangerous
	// attachment), most serious first; always present, [] when none was
	// found. They never change the results above. Sender is what the
	// memory of senders knew of the sender before this message; null when
	// the memory is off.
	Signals []signals.Signal `json:"signals"`
	Sender  *senders.History `json:"sender,omitempty"`

	// Summary has one row per mechanism, for the verdict panel.
	Summary []Row `json:"summary"`
	// Verdict is pass, warn or fail; Headline says it in one sentence.
	Verdict  string `json:"verdict"`
	Headline string `json:"headline"`
	// Reasons lists what led to the verdict, most serious first.
	Reasons []string `json:"reasons,omitempty"`

	// DNS is every query made for this report, in order.
	DNS []resolver.Answer `json:"dns"`
	// DNSSource says where answers came from (system resolvers, a server,
	// a snapshot).
	DNSSource string `json:"dns_source"`
	// Checked is when the checks ran.
	Checked time.Time `json:"checked"`

	snapshot func() *resolver.Snapshot
}

// Address is an author address.
type Address struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
	Domain  string `json:"domain"`
}

// Row is one line of the verdict panel: a mechanism, its result word, the
// status it contributes to the overall verdict, and a one-line reason.
type Row struct {
	Mechanism string        `json:"mechanism"`
	Result    result.Result `json:"result"`
	// Status is pass, warn, fail or none (not evaluated): what colour and
	// icon the row gets.
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// NotEvaluated is the reason given for a check that did not run.
const NotEvaluated = "not evaluated"

// Snapshot returns every DNS answer the report's checks received, for
// saving and replaying offline; nil for a report not made by Check. It is
// made when first asked for: most reports of a mailbox never are.
func (r *Report) Snapshot() *resolver.Snapshot {
	if r.snapshot == nil {
		return nil
	}
	return r.snapshot()
}
