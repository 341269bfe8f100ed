// Package spf re-evaluates SPF (RFC 7208) for the address that really
// handed a message to its recipient's servers, and explains the result.
//
// The evaluation is done by blitiri.com.ar/go/spf, through the project's DNS
// layer (so every query is logged, cached, bounded in time and can be
// replayed from a snapshot). Around it, this package does what the library
// leaves to its caller: it rejects malformed domains before any lookup
// (result none, section 4.3), checks the syntax of every record visited
// (a syntax error anywhere gives permerror, section 4.6, even after a
// mechanism matched), evaluates the exp= explanation on fail (section
// 6.2), and rebuilds the tree of records visited from the library's trace.
package spf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	blitispf "blitiri.com.ar/go/spf"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// Limits of RFC 7208 section 4.6.4, which the library applies.
const (
	LookupLimit = 10
	VoidLimit   = 2
)

// Result is the SPF verdict for one client address and sender, with
// everything needed to explain it.
type Result struct {
	// Result is the RFC 8601 word: pass, fail, softfail, neutral, none,
	// temperror or permerror.
	Result result.Result `json:"result"`
	// Reason says what the result means for this message, for people.
	Reason string `json:"reason"`

	// ClientIP is the address checked: the one that connected to the
	// recipient's servers.
	ClientIP netip.Addr `json:"client_ip"`
	// HELO is the name the client gave in HELO/EHLO.
	HELO string `json:"helo"`
	// MailFrom is the envelope sender as given; "" for the null sender
	// ("<>"), in which case the HELO identity is checked.
	MailFrom string `json:"mail_from"`
	// Identity is which identity was checked: "mailfrom", or "helo" for
	// the null sender.
	Identity string `json:"identity"`
	// Domain is the domain whose policy was checked.
	Domain string `json:"domain"`

	// Mechanism is the term that decided, as written in the record that
	// holds it (after following redirect=), e.g. "-all",
	// "include:_spf.example.net"; empty when no term matched.
	Mechanism string `json:"mechanism,omitempty"`
	// MechanismDomain is the domain of the record holding Mechanism.
	MechanismDomain string `json:"mechanism_domain,omitempty"`

	// Lookups is how many terms caused DNS lookups, against LookupLimit.
	Lookups     int `json:"lookups"`
	LookupLimit int `json:"lookup_limit"`
	// VoidLookups is how many lookups found nothing, against VoidLimit.
	VoidLookups int `json:"void_lookups"`
	VoidLimit   int `json:"void_limit"`

	// Tree is every record visited, from the sender's domain down through
	// include and redirect; nil when no record was looked up.
	Tree *Node `json:"tree,omitempty"`
	// Explanation is the domain's own explanation (exp=) of a fail.
	Explanation string `json:"explanation,omitempty"`
	// Error names what went wrong for temperror and permerror (too many
	// lookups, a syntax error at a given term, a DNS failure).
	Error string `json:"error,omitempty"`
	// Trace is the library's trace of the evaluation, line by line.
	Trace []string `json:"trace"`

	// library is the library's own answer, before this package's checks
	// (domain syntax, record syntax) changed it; "" when it was not run.
	library string
	// events are the trace lines and lookups of the evaluation, for tests.
	events []event
}

// Check evaluates SPF for a message that came from ip, whose client said
// helo and whose envelope sender was mailFrom ("" or "<>" for the null
// sender, when the HELO identity postmaster@helo is checked instead).
// Every lookup goes through r. Check always returns a Result; a problem
// with the input (no address, a malformed domain) is a result with a
// reason, not an error.
func Check(ctx context.Context, r resolver.Resolver, ip netip.Addr, helo, mailFrom string) *Result {
	res := &Result{
		ClientIP:    ip.Unmap(),
		HELO:        helo,
		MailFrom:    strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(mailFrom), "<"), ">"),
		LookupLimit: LookupLimit,
		VoidLimit:   VoidLimit,
		Trace:       []string{},
	}
	ip = ip.Unmap()

	sender := res.MailFrom
	res.Identity = "mailfrom"
	if sender == "" {
		res.Identity = "helo"
		sender = "postmaster@" + helo
	}
	if strings.Count(sender, "@") > 1 {
		return res.none("", "The sender address \""+sender+"\" has more than one @, so its domain is unclear and SPF was not checked.")
	}
	local, domain := splitSender(sender)
	if !strings.Contains(sender, "@") {
		// A sender without a domain is checked against the HELO name.
		local, domain = sender, helo
	}
	if local == "" {
		local = "postmaster" // RFC 7208 section 4.3
	}
	res.Domain = domain
	ascii, why := checkDomain(domain)
	if why != "" {
		return res.none("", why)
	}
	if ascii != domain {
		res.Domain = ascii
	}
	sender = local + "@" + ascii

	if !ip.IsValid() {
		return res.none("", "The address of the server that sent the message is unknown, so SPF could not be checked.")
	}

	rec := &recorder{r: r}
	got, err := blitispf.CheckHostWithSender(ipOf(ip), helo, sender,
		blitispf.WithResolver(rec), blitispf.WithContext(ctx), blitispf.WithTraceFunc(rec.trace))
	for _, e := range rec.events {
		if !strings.HasPrefix(e.format, "\x00") {
			res.Trace = append(res.Trace, e.String())
		}
	}
	t := buildTree(rec.events)
	res.Tree = t.root
	res.Result = result.Result(got)
	res.library = string(got)
	res.VoidLookups = t.voids
	res.Lookups = countLookups(rec.events)
	res.events = rec.events
	if t.limitHit || errors.Is(err, blitispf.ErrLookupLimitReached) {
		res.Lookups = LookupLimit
	}

	// The decisive record: follow redirect= from the top.
	decider := t.root
	for decider != nil && strings.HasPrefix(strings.ToLower(decider.Mechanism), "redirect=") && len(decider.Children) > 0 {
		decider = decider.Children[len(decider.Children)-1]
	}
	if decider != nil && got != blitispf.TempError && got != blitispf.PermError && got != blitispf.None {
		res.Mechanism, res.MechanismDomain = decider.Mechanism, decider.Domain
	}

	// A syntax error anywhere in a record visited is a permerror, whatever
	// the library made of the terms before it (RFC 7208 section 4.6).
	var syntax *Node
	t.root.walk(func(n *Node) {
		n.parse()
		if syntax == nil && n.synErr != nil {
			syntax = n
		}
	})
	switch {
	case syntax != nil:
		res.Result = result.PermError
		res.Mechanism, res.MechanismDomain = "", ""
		res.Error = fmt.Sprintf("the SPF record of %s has a %v", syntax.Domain, syntax.synErr)
		if syntax.Error == "" {
			syntax.Error = syntax.synErr.Error()
		}
	case got == blitispf.PermError || got == blitispf.TempError:
		res.Error = describeError(err, t)
	}

	if res.Result == result.Fail && decider != nil {
		env := &macroEnv{ctx: ctx, r: r, ip: ip, sender: sender, helo: helo, domain: decider.Domain, now: time.Now()}
		res.Explanation = explanation(env, decider)
	}
	res.Reason = reason(res, t)
	return res
}

func (res *Result) none(errText, reason string) *Result {
	res.Result = result.None
	res.Error = errText
	res.Reason = reason
	return res
}

// checkDomain applies RFC 7208 section 4.3: a domain that is malformed or
// not multi-label gives none before any lookup. A non-ASCII (IDN) domain
// is turned into its ASCII form. It returns the domain to check, or a
// reason it cannot be checked. It is looser than domain.Check on purpose:
// RFC 7208 calls malformed only what cannot be a DNS name at all (empty or
// over-long labels, white space), and the RFC 7208 test suite expects other
// characters to be looked up.
func checkDomain(d string) (string, string) {
	if d == "" {
		return "", "There is no domain to check: the sender address and the HELO name are both empty."
	}
	if strings.HasPrefix(d, "[") {
		return "", "The domain \"" + d + "\" is an address literal, not a domain name, so it has no SPF policy."
	}
	ascii, ok := domain.ToASCII(d)
	if !ok {
		return "", "The domain \"" + d + "\" is not a valid internationalised domain name, so SPF cannot be checked."
	}
	name := strings.TrimSuffix(ascii, ".")
	labels := strings.Split(name, ".")
	switch {
	case len(name) > 253:
		return "", "The domain \"" + d + "\" is longer than 253 characters, so it is not a valid domain name."
	case len(labels) < 2:
		return "", "The domain \"" + d + "\" is a single label, not a fully qualified domain name, so it has no SPF policy."
	}
	for _, l := range labels {
		if l == "" {
			return "", "The domain \"" + d + "\" has an empty label (two dots in a row, or a leading dot), so it is not a valid domain name."
		}
		if len(l) > 63 {
			return "", "The domain \"" + d + "\" has a label longer than 63 characters, so it is not a valid domain name."
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; c <= ' ' || c == 0x7f {
				return "", "The domain \"" + d + "\" contains spaces or control characters, so it is not a valid domain name."
			}
		}
	}
	return ascii, ""
}

// describeError names the error behind a temperror or permerror.
func describeError(err error, t tree) string {
	var de *net.DNSError
	switch {
	case t.limitHit || errors.Is(err, blitispf.ErrLookupLimitReached):
		return fmt.Sprintf("too many DNS lookups: the record needs more than %d, the most allowed", LookupLimit)
	case t.voidHit || errors.Is(err, blitispf.ErrVoidLookupLimitReached):
		return fmt.Sprintf("too many lookups that found nothing: more than %d, the most allowed", VoidLimit)
	case errors.Is(err, blitispf.ErrMultipleRecords):
		var multi *Node
		t.root.walk(func(n *Node) {
			if multi == nil && strings.HasPrefix(n.Error, "more than one SPF record") {
				multi = n
			}
		})
		switch {
		case multi == t.root && multi != nil:
			return "the domain publishes " + multi.Error
		case multi != nil:
			return fmt.Sprintf("%s names %s, which publishes %s", multi.Via, multi.Domain, multi.Error)
		}
		return "a domain publishes more than one SPF record"
	case errors.Is(err, blitispf.ErrTooManyMXRecords):
		return "an mx mechanism names a domain with more than 10 MX records"
	case errors.Is(err, blitispf.ErrNoResult):
		missing := ""
		t.root.walk(func(n *Node) {
			if missing == "" && n != t.root && n.Result == string(blitispf.None) {
				missing = n.Via
			}
		})
		if missing != "" {
			return missing + " names a domain that has no SPF record"
		}
		return "an include or redirect names a domain that has no SPF record"
	case errors.As(err, &de):
		if de.IsNotFound {
			// Only include and redirect turn "not found" into an error.
			return fmt.Sprintf("an include or redirect names %s, which has no SPF record (%s)", strings.TrimSuffix(de.Name, "."), de.Err)
		}
		if de.IsTimeout {
			return fmt.Sprintf("the DNS lookup of %s timed out", de.Name)
		}
		return fmt.Sprintf("the DNS lookup of %s failed: %s", de.Name, de.Err)
	}
	// The error of the deepest record that has one says most.
	msg := ""
	t.root.walk(func(n *Node) {
		if n.Error != "" && (n.Result == string(blitispf.PermError) || n.Result == string(blitispf.TempError)) {
			msg = fmt.Sprintf("in the SPF record of %s: %s", n.Domain, n.Error)
		}
	})
	if msg != "" {
		return msg
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
