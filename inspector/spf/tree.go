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
// on which the library returns from a record close it.
func buildTree(events []event) tree {
	var t tree
	var stack []*Node
	top := func() *Node {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	pop := func(result blitispf.Result) *Node {
		n := top()
		if n == nil {
			t.unbalanced = true
			return nil
		}
		n.Result = string(result)
		stack = stack[:len(stack)-1]
		return n
	}
	str := func(a []any, i int) string {
		if i < len(a) {
			if s, ok := a[i].(string); ok {
				return s
			}
			return fmt.Sprint(a[i])
		}
		return ""
	}
	result := func(a []any, i int) blitispf.Result {
		if i < len(a) {
			if r, ok := a[i].(blitispf.Result); ok {
				return r
			}
		}
		return ""
	}
	errOf := func(a []any, i int) error {
		if i < len(a) {
			if e, ok := a[i].(error); ok {
				return e
			}
		}
		return nil
	}
	var lastTXT []string
	for _, ev := range events {
		a := ev.args
		switch ev.format {
		case lookupTXT:
			lastTXT = nil
			if len(a) > 1 {
				lastTXT, _ = a[1].([]string)
			}
		case "check %q %d %d":
			n := &Node{Domain: str(a, 0)}
			if p := top(); p != nil {
				p.Children = append(p.Children, n)
			} else if t.root == nil {
				t.root = n
			} else {
				t.unbalanced = true
			}
			stack = append(stack, n)
		case "dns record %q":
			if n := top(); n != nil {
				n.Record = str(a, 0)
				if n.Record == "" {
					n.Error = "no SPF record"
					pop(blitispf.None)
				}
			}
		case "dns domain not found: %v":
			if n := pop(blitispf.None); n != nil {
				n.Error = "no SPF record: " + str(a, 0)
			}
		case "dns temp error: %v":
			if n := pop(blitispf.TempError); n != nil {
				n.Error = "DNS lookup failed: " + str(a, 0)
			}
		case "multiple dns records":
			if n := pop(blitispf.PermError); n != nil {
				var spf []string
				for _, txt := range lastTXT {
					if l := strings.ToLower(txt); l == "v=spf1" || strings.HasPrefix(l, "v=spf1 ") {
						spf = append(spf, strconv.Quote(txt))
					}
				}
				n.Error = "more than one SPF record"
				if len(spf) > 0 {
					n.Error += ": " + strings.Join(spf, " and ")
				}
			}
		case "dns perm error: %v":
			if n := pop(blitispf.PermError); n != nil {
				n.Error = "DNS lookup failed: " + str(a, 0)
			}
		case "too many redirects":
			if n := pop(blitispf.PermError); n != nil {
				n.Error = "more than one redirect= modifier"
			}
		case "all: %v":
			if n := pop(result(a, 0)); n != nil {
				n.Mechanism = n.findTerm("all")
			}
		case "%q %v, %v":
			// A term decided the record: matched, or failed with an error.
			if n := pop(result(a, 1)); n != nil {
				field, err := str(a, 0), errOf(a, 2)
				if isMatch(err) {
					n.Mechanism = n.findTerm(field)
				} else {
					n.errTerm = field
					n.Mechanism = n.findTerm(field)
					if err != nil {
						n.Error = fmt.Sprintf("%s: %v", n.Mechanism, err)
					}
				}
			}
		case "%q: %v, %v":
			// The redirect= modifier gave the record's result.
			if n := pop(result(a, 1)); n != nil {
				n.Mechanism = str(a, 0)
			}
		case "unknown field, permerror":
			if n := pop(blitispf.PermError); n != nil {
				n.Error = "unknown mechanism"
			}
		case "fallback to neutral":
			pop(blitispf.Neutral)
		case "void lookup: no answers", "void lookup: nxdomain":
			t.voids++
		case "lookup limit reached":
			t.limitHit = true
		case "void lookup limit reached":
			t.voidHit = true
		}
	}
	if len(stack) > 0 {
		t.unbalanced = true
	}
	if t.root != nil {
		t.root.linkChildren()
	}
	return t
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
