package spf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	blitispf "blitiri.com.ar/go/spf"
)

// Node is one SPF record visited during an evaluation: the domain, its
// record, what it evaluated to and the include and redirect records it
// led to, in the order they were visited.
type Node struct {
	// Domain is the domain whose record this is.
	Domain string `json:"domain"`
	// Via is the term of the parent record that led here
	// ("include:_spf.example.net", "redirect=_spf.example.net"); empty for
	// the first record.
	Via string `json:"via,omitempty"`
	// Record is the SPF record found, "" when none was.
	Record string `json:"record"`
	// Result is what this record evaluated to. For an include that did
	// not match, it is the included record's own result (fail, softfail
	// or neutral), which RFC 7208 section 5.2 turns into "no match".
	Result string `json:"result,omitempty"`
	// Mechanism is the term that decided this record's result, as written
	// (e.g. "-all", "ip4:192.0.2.0/24", "include:_spf.example.net");
	// empty when none matched.
	Mechanism string `json:"mechanism,omitempty"`
	// Error says what went wrong in this record, if anything.
	Error string `json:"error,omitempty"`
	// Children are the records of include and redirect terms evaluated.
	Children []*Node `json:"children,omitempty"`

	parsed  *Record // nil until parsed
	synErr  error   // the record's syntax error, if any
	errTerm string  // the term (qualifier removed) that gave Error
}

// event is one call of the library's trace function.
type event struct {
	format string
	args   []any
}

func (e event) String() string { return fmt.Sprintf(e.format, e.args...) }

// tree is what the trace of one evaluation says.
type tree struct {
	root       *Node
	voids      int
	limitHit   bool // the lookup limit stopped the evaluation
	voidHit    bool // the void lookup limit stopped it
	unbalanced bool // the trace did not nest as expected
}

// buildTree rebuilds the records visited from the trace of
// blitiri.com.ar/go/spf v1.6.0. It keys on the library's format strings,
// not on the formatted text: each "check" starts a record, and the lines
// on which the library returns from a record close it. traceSteps says
// what each line does; trace_test.go fails if the library stops writing
// one of them.
func buildTree(events []event) tree {
	var b treeBuilder
	for _, ev := range events {
		if step := traceSteps[ev.format]; step != nil {
			step(&b, ev.args)
		}
	}
	return b.finish()
}

// treeBuilder is buildTree's state: the tree so far, the records being
// evaluated (each include or redirect opens one inside the current one),
// and the TXT strings of the last lookup, which show the records of a
// domain that publishes more than one.
type treeBuilder struct {
	t       tree
	stack   []*Node
	lastTXT []string
}

// traceStep is what one trace line does to the tree; a are its arguments.
type traceStep func(b *treeBuilder, a []any)

// traceSteps maps the trace formats that buildTree reads to their steps,
// in the order of the evaluation of RFC 7208 section 4 (check_host()).
// Other lines (macro expansion, matches inside a term, "exp= ignored")
// say nothing about which record is open.
var traceSteps = map[string]traceStep{
	lookupTXT:        (*treeBuilder).sawTXT,
	"check %q %d %d": (*treeBuilder).open,
	"dns record %q":  (*treeBuilder).sawRecord,
	// Section 4.3: a domain that does not exist has no policy.
	"dns domain not found: %v": closeAs(blitispf.None, "no SPF record: "),
	// Section 4.4: a DNS failure ends the evaluation.
	"dns temp error: %v": closeAs(blitispf.TempError, "DNS lookup failed: "),
	"dns perm error: %v": closeAs(blitispf.PermError, "DNS lookup failed: "),
	// Section 4.5: more than one record is a permerror.
	"multiple dns records": (*treeBuilder).multipleRecords,
	// Section 6: redirect= may appear only once.
	"too many redirects": closeAs(blitispf.PermError, "more than one redirect= modifier"),
	"all: %v":            (*treeBuilder).matchedAll,
	"%q %v, %v":          (*treeBuilder).termDecided,
	"%q: %v, %v":         (*treeBuilder).redirected,
	// Section 4.6.1: a term that is neither a known mechanism nor a
	// modifier is a syntax error.
	"unknown field, permerror": closeAs(blitispf.PermError, "unknown mechanism"),
	// Section 4.7: no term matched.
	"fallback to neutral": closeAs(blitispf.Neutral, ""),
	// Section 4.6.4: the lookup limits.
	"void lookup: no answers":   (*treeBuilder).voidLookup,
	"void lookup: nxdomain":     (*treeBuilder).voidLookup,
	"lookup limit reached":      func(b *treeBuilder, _ []any) { b.t.limitHit = true },
	"void lookup limit reached": func(b *treeBuilder, _ []any) { b.t.voidHit = true },
}

// finish checks that every record opened was closed and names the term
// that led to each record.
func (b *treeBuilder) finish() tree {
	if len(b.stack) > 0 {
		b.t.unbalanced = true
	}
	if b.t.root != nil {
		b.t.root.linkChildren()
	}
	return b.t
}

// top is the record being evaluated, nil when none is.
func (b *treeBuilder) top() *Node {
	if len(b.stack) == 0 {
		return nil
	}
	return b.stack[len(b.stack)-1]
}

// pop closes the record being evaluated with its result and returns it;
// nil, and the tree marked unbalanced, when no record is open.
func (b *treeBuilder) pop(result blitispf.Result) *Node {
	n := b.top()
	if n == nil {
		b.t.unbalanced = true
		return nil
	}
	n.Result = string(result)
	b.stack = b.stack[:len(b.stack)-1]
	return n
}

// closeAs is the step of a line on which the library gives up on a
// record: it closes the record with result and, unless why is empty, the
// error why followed by the line's argument (the DNS error), if any.
func closeAs(result blitispf.Result, why string) traceStep {
	return func(b *treeBuilder, a []any) {
		if n := b.pop(result); n != nil && why != "" {
			n.Error = why + argString(a, 0)
		}
	}
}

// sawTXT keeps the strings of a TXT lookup, for multipleRecords.
func (b *treeBuilder) sawTXT(a []any) {
	b.lastTXT = nil
	if len(a) > 1 {
		b.lastTXT, _ = a[1].([]string)
	}
}

// open starts the record of a domain: the first one, or one that an
// include or redirect of the record being evaluated leads to.
func (b *treeBuilder) open(a []any) {
	n := &Node{Domain: argString(a, 0)}
	if p := b.top(); p != nil {
		p.Children = append(p.Children, n)
	} else if b.t.root == nil {
		b.t.root = n
	} else {
		b.t.unbalanced = true
	}
	b.stack = append(b.stack, n)
}

// sawRecord keeps the record found; a domain without one gives none
// (section 4.5).
func (b *treeBuilder) sawRecord(a []any) {
	n := b.top()
	if n == nil {
		return
	}
	n.Record = argString(a, 0)
	if n.Record == "" {
		n.Error = "no SPF record"
		b.pop(blitispf.None)
	}
}

// multipleRecords closes a record that is one of several (section 4.5),
// quoting them from the TXT lookup just made.
func (b *treeBuilder) multipleRecords(_ []any) {
	n := b.pop(blitispf.PermError)
	if n == nil {
		return
	}
	var spf []string
	for _, txt := range b.lastTXT {
		if l := strings.ToLower(txt); l == "v=spf1" || strings.HasPrefix(l, "v=spf1 ") {
			spf = append(spf, strconv.Quote(txt))
		}
	}
	n.Error = "more than one SPF record"
	if len(spf) > 0 {
		n.Error += ": " + strings.Join(spf, " and ")
	}
}

// matchedAll closes a record with the qualifier of its "all" (section
// 5.1).
func (b *treeBuilder) matchedAll(a []any) {
	if n := b.pop(argResult(a, 0)); n != nil {
		n.Mechanism = n.findTerm("all")
	}
}

// termDecided closes a record on a mechanism that matched, whose
// qualifier gives the result (section 4.6.2), or that failed with an
// error (a permerror or temperror of section 5).
func (b *treeBuilder) termDecided(a []any) {
	n := b.pop(argResult(a, 1))
	if n == nil {
		return
	}
	field, err := argString(a, 0), argError(a, 2)
	n.Mechanism = n.findTerm(field)
	if isMatch(err) {
		return
	}
	n.errTerm = field
	if err != nil {
		n.Error = fmt.Sprintf("%s: %v", n.Mechanism, err)
	}
}

// redirected closes a record whose redirect= modifier gave its result
// (section 6.1).
func (b *treeBuilder) redirected(a []any) {
	if n := b.pop(argResult(a, 1)); n != nil {
		n.Mechanism = argString(a, 0)
	}
}

// voidLookup counts a lookup that found nothing (section 4.6.4).
func (b *treeBuilder) voidLookup(_ []any) { b.t.voids++ }

// argString is the i-th argument of a trace line as text, "" when the line
// has fewer.
func argString(a []any, i int) string {
	if i >= len(a) {
		return ""
	}
	if s, ok := a[i].(string); ok {
		return s
	}
	return fmt.Sprint(a[i])
}

// argResult is the i-th argument of a trace line as the library's result,
// "" when it is not one.
func argResult(a []any, i int) blitispf.Result {
	if i < len(a) {
		if r, ok := a[i].(blitispf.Result); ok {
			return r
		}
	}
	return ""
}

// argError is the i-th argument of a trace line as an error, nil when it
// is not one.
func argError(a []any, i int) error {
	if i < len(a) {
		if e, ok := a[i].(error); ok {
			return e
		}
	}
	return nil
}

// isMatch reports the library's "errors" that mean a mechanism matched.
func isMatch(err error) bool {
	for _, m := range []error{blitispf.ErrMatchedAll, blitispf.ErrMatchedA, blitispf.ErrMatchedIP,
		blitispf.ErrMatchedMX, blitispf.ErrMatchedPTR, blitispf.ErrMatchedExists} {
		if errors.Is(err, m) {
			return true
		}
	}
	return false
}

// findTerm returns the term of n's record whose text without qualifier is
// field (the library strips qualifiers before tracing), as written; or
// field itself when the record cannot be read.
func (n *Node) findTerm(field string) string {
	n.parse()
	if n.parsed != nil {
		for _, t := range n.parsed.Terms {
			if t.Modifier {
				continue
			}
			if strings.EqualFold(strings.TrimPrefix(t.Text, t.Qualifier), field) || (field == "all" && t.Name == "all") {
				return t.Text
			}
		}
	}
	return field
}

// parse reads the node's record once, leniently: terms are kept up to the
// first syntax error.
func (n *Node) parse() {
	if n.parsed != nil || n.Record == "" {
		return
	}
	n.parsed, n.synErr = ParseRecord(n.Record)
}

// linkChildren names, for each child, the include or redirect term of its
// parent that led to it: the first not yet used whose target is the
// child's domain, else (a target built with macros) the first not yet used.
func (n *Node) linkChildren() {
	n.parse()
	used := map[int]bool{}
	for _, c := range n.Children {
		if n.parsed != nil {
			pick := -1
			for i, t := range n.parsed.Terms {
				if used[i] || (t.Name != "include" && t.Name != "redirect") {
					continue
				}
				if strings.EqualFold(strings.TrimSuffix(t.Value, "."), strings.TrimSuffix(c.Domain, ".")) {
					pick = i
					break
				}
				if pick < 0 && strings.Contains(t.Value, "%") {
					pick = i
				}
			}
			if pick >= 0 {
				used[pick] = true
				c.Via = n.parsed.Terms[pick].Text
			}
		}
		c.linkChildren()
	}
}

// walk calls f on n and its descendants, parents first.
func (n *Node) walk(f func(*Node)) {
	if n == nil {
		return
	}
	f(n)
	for _, c := range n.Children {
		c.walk(f)
	}
}
