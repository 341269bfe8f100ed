// Package summary counts the reports of a mailbox: how many messages got
// each verdict, which problems were most common, and, per sending (From)
// domain, how many messages passed DMARC. It answers "why did 200 of
// yesterday's messages land in spam?" at a glance. The command line prints
// it with --summary; the types are JSON-serialisable for a front end.
package summary

import (
	"cmp"
	"slices"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// DefaultTop is how many problems and domains Summary lists when asked
// for zero.
const DefaultTop = 10

// NoDomain stands for the domain of messages whose From domain could not
// be read.
const NoDomain = "(no From domain)"

// Summary is the count of a run.
type Summary struct {
	// Messages is how many messages were checked (errors not included).
	Messages int `json:"messages"`
	// Errors is how many messages could not be read or loaded.
	Errors int `json:"errors"`
	// Skipped is how many files of folders were not taken for messages;
	// SkippedWhy says why, most common first.
	Skipped    int     `json:"skipped"`
	SkippedWhy []Count `json:"skipped_why,omitempty"`
	// Verdicts counts the messages of each verdict (pass, warn, fail,
	// none); every verdict is present, zero or not.
	Verdicts map[string]int `json:"verdicts"`
	// Problems are the most common results that were not good, one per
	// mechanism, result and code, most common first.
	Problems []Problem `json:"problems"`
	// Domains has one entry per From domain, most messages first.
	Domains []Domain `json:"domains"`
	// MoreProblems and MoreDomains count what was left out of the lists
	// above.
	MoreProblems int `json:"more_problems,omitempty"`
	MoreDomains  int `json:"more_domains,omitempty"`
}

// Count is a reason and how many times it was given.
type Count struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// Problem is one kind of result that was not good: a row of the verdict
// panel with status warn or fail.
type Problem struct {
	// Mechanism is the row: SPF, DKIM, DMARC, ARC, TLS, Recorded.
	Mechanism string `json:"mechanism"`
	// Result is the row's result word, e.g. "fail".
	Result result.Result `json:"result"`
	// Code is the machine-readable reason, where the check gives one
	// (DKIM's "body_hash_mismatch", DMARC's "not_aligned").
	Code string `json:"code,omitempty"`
	// Status is warn or fail.
	Status string `json:"status"`
	// Count is how many messages had it.
	Count int `json:"count"`
	// Example is the reason given for the first of them.
	Example string `json:"example"`
	// First names the first message that had it.
	First string `json:"first"`
}

// Domain counts the messages of one From domain.
type Domain struct {
	Domain    string `json:"domain"`
	Messages  int    `json:"messages"`
	DMARCPass int    `json:"dmarc_pass"`
	// Verdicts counts the messages of each verdict; absent ones are zero.
	Verdicts map[string]int `json:"verdicts"`
}

// Counter builds a Summary from reports given one at a time: it keeps
// counts, not reports, so its size grows with the number of distinct
// domains and problems, not of messages. It is not safe for concurrent use.
type Counter struct {
	s        Summary
	problems map[problemKey]*Problem
	domains  map[string]*Domain
	skipped  map[string]int
}

type problemKey struct{ mechanism, result, code, status string }

// New returns an empty Counter.
func New() *Counter {
	return &Counter{
		s:        Summary{Verdicts: verdicts()},
		problems: make(map[problemKey]*Problem),
		domains:  make(map[string]*Domain),
		skipped:  make(map[string]int),
	}
}

func verdicts() map[string]int {
	return map[string]int{inspector.VerdictPass: 0, inspector.VerdictWarn: 0, inspector.VerdictFail: 0, inspector.VerdictNone: 0}
}

// Add counts the report of one message; name names it in Problem.First.
func (c *Counter) Add(name string, r *inspector.Report) {
	c.s.Messages++
	c.s.Verdicts[r.Verdict]++

	d := cmp.Or(r.From.Domain, NoDomain)
	dom := c.domains[d]
	if dom == nil {
		dom = &Domain{Domain: d, Verdicts: map[string]int{}}
		c.domains[d] = dom
	}
	dom.Messages++
	dom.Verdicts[r.Verdict]++
	if r.DMARC != nil && r.DMARC.Result == result.Pass {
		dom.DMARCPass++
	}

	for _, row := range r.Summary {
		if row.Status != inspector.VerdictWarn && row.Status != inspector.VerdictFail {
			continue
		}
		k := problemKey{row.Mechanism, string(row.Result), code(r, row), row.Status}
		p := c.problems[k]
		if p == nil {
			p = &Problem{Mechanism: k.mechanism, Result: row.Result, Code: k.code, Status: k.status, Example: row.Reason, First: name}
			c.problems[k] = p
		}
		p.Count++
	}
}

// code is the machine-readable reason behind a row, where the check gives
// one.
func code(r *inspector.Report, row inspector.Row) string {
	switch row.Mechanism {
	case "DMARC":
		if r.DMARC != nil {
			return r.DMARC.Code
		}
	case "DKIM":
		for _, s := range r.DKIM {
			if s.Result == row.Result {
				return string(s.Code)
			}
		}
	}
	return ""
}

// AddError counts a message that could not be read.
func (c *Counter) AddError() { c.s.Errors++ }

// AddSkipped counts a file of a folder that was not taken for a message.
func (c *Counter) AddSkipped(why string) {
	c.s.Skipped++
	c.skipped[why]++
}

// Summary returns the counts so far, with at most top problems and top
// domains (zero means DefaultTop, a negative number all of them).
func (c *Counter) Summary(top int) *Summary {
	if top == 0 {
		top = DefaultTop
	}
	s := c.s
	s.Verdicts = verdicts()
	for k, v := range c.s.Verdicts {
		s.Verdicts[k] = v
	}
	s.SkippedWhy = nil
	for why, n := range c.skipped {
		s.SkippedWhy = append(s.SkippedWhy, Count{why, n})
	}
	slices.SortFunc(s.SkippedWhy, func(a, b Count) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Reason, b.Reason)) })

	s.Problems = make([]Problem, 0, len(c.problems))
	for _, p := range c.problems {
		s.Problems = append(s.Problems, *p)
	}
	slices.SortFunc(s.Problems, func(a, b Problem) int {
		return cmp.Or(b.Count-a.Count, cmp.Compare(a.Mechanism, b.Mechanism), cmp.Compare(a.Result, b.Result), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Status, b.Status))
	})
	s.Problems, s.MoreProblems = first(s.Problems, top)

	s.Domains = make([]Domain, 0, len(c.domains))
	for _, d := range c.domains {
		cp := *d
		cp.Verdicts = make(map[string]int, len(d.Verdicts))
		for k, v := range d.Verdicts {
			cp.Verdicts[k] = v
		}
		s.Domains = append(s.Domains, cp)
	}
	slices.SortFunc(s.Domains, func(a, b Domain) int { return cmp.Or(b.Messages-a.Messages, cmp.Compare(a.Domain, b.Domain)) })
	s.Domains, s.MoreDomains = first(s.Domains, top)
	return &s
}

// first keeps the first top elements of list and counts the others.
func first[T any](list []T, top int) ([]T, int) {
	if top < 0 || len(list) <= top {
		return list, 0
	}
	return list[:top], len(list) - top
}
