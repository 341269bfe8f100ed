// Package deliver tells a sender, per mailbox provider, which of the
// provider's published rules for senders one message meets and which it
// breaks: Gmail's and Yahoo's sender requirements (in force since February
// 2024) and Outlook.com's for high-volume senders (May 2025). Each rule
// gets pass, fail, unknown (the evidence is missing, e.g. a header pasted
// without its body) or n/a (it does not apply), the header field or DNS
// answer that decided it, the reason and the fix in plain words.
//
// It re-verifies nothing and looks nothing up: it reads the results the
// engine already has (SPF, DKIM, DMARC, the route with its boundary hop,
// reverse DNS and TLS) and the message itself. The body is read once, at
// most MaxBody bytes, for links; nothing is fetched.
//
// Bulk-looking. The unsubscribe rules apply to marketing and subscribed
// mail. A message looks bulk when its header has List-Unsubscribe, List-Id,
// Feedback-ID (the field ESPs add for Gmail's feedback loop) or Precedence:
// bulk, list or junk, or when its body has an unsubscribe link. For a
// message that does not, these rules are n/a; when only the header is
// available and it shows none of these, they are unknown. Whether a sender
// sends 5,000 messages a day cannot be told from one message: every rule is
// evaluated, and each says whether the provider asks it of all senders or
// of bulk senders (Rule.Level).
package deliver

import (
	"context"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/route"
	"github.com/mailinspector/mailinspector/inspector/spf"
)

// Rule results.
const (
	Pass    = "pass"
	Fail    = "fail"
	Unknown = "unknown"
	NA      = "n/a"
)

// Levels (Rule.Level): whom the provider asks it of.
const (
	AllSenders  = "all_senders"
	BulkSenders = "bulk_senders"
	Recommended = "recommended"
)

// Note is said once in every report: what one message cannot show.
const Note = "One message cannot show a sender's volume (whether it sends 5,000 or more messages a day to a provider, " +
	"which makes the bulk-sender rules apply), its spam-complaint rate (Gmail and Yahoo require it below 0.3%, " +
	"as their Postmaster Tools and Sender Hub report) or whether unsubscribes are honoured (within two days): watch those at the providers."

// Report is the deliverability section of a report.
type Report struct {
	Note string `json:"note"`
	// Bulk says whether the message looks like bulk mail, and why.
	Bulk Bulk `json:"bulk"`
	// Providers holds one entry per mailbox provider, with the rules its
	// published requirements contain.
	Providers []Provider `json:"providers"`
	// Sender holds checks from the sender's point of view that no provider
	// lists as a rule: links through URL shorteners, bounce handling, and
	// the size at which Gmail clips a message.
	Sender []Rule `json:"sender"`
}

// Bulk says whether a message looks like bulk mail.
type Bulk struct {
	// Looks is yes, no or unknown.
	Looks string `json:"looks"`
	Why   string `json:"why"`
}

// Provider is one mailbox provider's rules.
type Provider struct {
	Provider string `json:"provider"`
	// Source names the published requirements and their date.
	Source string `json:"source"`
	Rules  []Rule `json:"rules"`
}

// Rule is one rule and how the message fares.
type Rule struct {
	ID     string `json:"id"`
	Result string `json:"result"`
	// Level is all_senders, bulk_senders or recommended; empty for the
	// sender checks.
	Level string `json:"level,omitempty"`
	// Evidence is the header field or DNS answer that decides it.
	Evidence string `json:"evidence"`
	Reason   string `json:"reason"`
	// Fix says what to change, in plain words; empty on a pass.
	Fix string `json:"fix"`
	// Note is what this provider says about the rule beyond the common
	// wording.
	Note string `json:"note,omitempty"`
}

// Input is what the rules read: the message and the engine's results.
type Input struct {
	Message *message.Message
	// From is the author address and FromDomain its domain.
	From, FromDomain string
	SPF              *spf.Result
	DKIM             []*dkim.Result
	DMARC            *dmarc.Result
	// Hops and Delivery are the route: every Received field, and what was
	// concluded (the boundary hop, its reverse DNS).
	Hops     []route.Hop
	Delivery *route.Route
	// Body is the message body as ScanBody read it; nil reads it here.
	Body *Body
}

// NotEvaluated is the Report of a check that has not run.
func NotEvaluated() *Report {
	return &Report{Note: Note, Bulk: Bulk{Looks: Unknown, Why: "not evaluated"}, Providers: []Provider{}, Sender: []Rule{}}
}

// Check evaluates every rule once and lists them per provider.
func Check(ctx context.Context, in Input) *Report {
	body := in.Body
	if body == nil {
		body = ScanBody(ctx, in.Message)
	}
	e := &eval{in: in, body: body}
	e.bulk = looksBulk(in.Message, body)
	rules := map[string]Rule{}
	for id, f := range ruleFuncs {
		r := f(e)
		r.ID = id
		rules[id] = r
	}
	rep := &Report{Note: Note, Bulk: e.bulk, Providers: []Provider{}, Sender: e.senderChecks()}
	for _, p := range providers {
		out := Provider{Provider: p.name, Source: p.source, Rules: []Rule{}}
		for _, pr := range p.rules {
			r := rules[pr.id]
			r.Level, r.Note = pr.level, pr.note
			out.Rules = append(out.Rules, r)
		}
		rep.Providers = append(rep.Providers, out)
	}
	return rep
}

// eval holds what the rules share.
type eval struct {
	in   Input
	body *Body
	bulk Bulk
}

// looksBulk applies the test of the package comment.
func looksBulk(m *message.Message, body *Body) Bulk {
	for _, name := range []string{"List-Unsubscribe", "List-Id", "Feedback-ID"} {
		if m.First(name) != nil {
			return Bulk{Looks: "yes", Why: "it has a " + name + " field"}
		}
	}
	if f := m.First("Precedence"); f != nil {
		switch v := strings.ToLower(message.Unfold(f.RawValue())); v {
		case "bulk", "list", "junk":
			return Bulk{Looks: "yes", Why: "it has Precedence: " + v}
		}
	}
	if body.Unsubscribe != nil {
		return Bulk{Looks: "yes", Why: "its body has an unsubscribe link"}
	}
	if !body.Read {
		return Bulk{Looks: Unknown, Why: "its header has no List-Unsubscribe, List-Id, Feedback-ID or Precedence: bulk, and its body is not available"}
	}
	return Bulk{Looks: "no", Why: "it has no List-Unsubscribe, List-Id, Feedback-ID or Precedence: bulk field and no unsubscribe link: it looks like a personal or transactional message"}
}
