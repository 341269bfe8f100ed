package spf

import (
	"fmt"
	"strings"

	blitispf "blitiri.com.ar/go/spf"
)

// explanation evaluates the exp= modifier of the record that decided a
// fail (RFC 7208 section 6.2): the domain-spec is expanded, its single TXT
// record fetched and macro-expanded. Any problem (DNS error, no record or
// several, a syntax error, text that is not ASCII) means no explanation,
// as the RFC says, and so does an exp= in a record reached by include.
// The lookup does not count against the limits.
func explanation(env *macroEnv, n *Node) string {
	n.parse()
	if n.parsed == nil || n.synErr != nil {
		return ""
	}
	exp := n.parsed.Modifier("exp")
	if exp == nil {
		return ""
	}
	name, err := env.expand(exp.Value, false)
	if err != nil || name == "" {
		return ""
	}
	name = truncateDomain(name)
	txts, err := env.r.LookupTXT(env.ctx, name)
	if err != nil || len(txts) != 1 {
		return ""
	}
	text := txts[0]
	for i := 0; i < len(text); i++ {
		if text[i] < 0x20 || text[i] > 0x7e {
			return ""
		}
	}
	// explain-string = *( macro-string / SP )
	for _, part := range strings.Split(text, " ") {
		if checkMacroString(part, true) != nil {
			return ""
		}
	}
	out, err := env.expand(text, true)
	if err != nil {
		return ""
	}
	return out
}

// reason says in one or two sentences what the result means.
func reason(res *Result, t tree) string {
	ip := res.ClientIP.String()
	d := res.Domain
	who := "The domain " + d
	if res.Identity == "helo" {
		who = "The HELO name " + d + " (checked because the message is a bounce, with an empty envelope sender)"
	}
	by := ""
	if res.Mechanism != "" {
		by = " (" + res.Mechanism
		if res.MechanismDomain != "" && !strings.EqualFold(res.MechanismDomain, d) {
			by += " in the record of " + res.MechanismDomain
		}
		if inner := innerMatch(t.root, res.MechanismDomain, res.Mechanism); inner != "" {
			by += ", matching " + inner
		}
		by += ")"
	}
	switch blitispf.Result(res.Result) {
	case blitispf.Pass:
		return fmt.Sprintf("%s allows %s to send its mail%s.", who, ip, by)
	case blitispf.Fail:
		s := fmt.Sprintf("%s says %s is not allowed to send its mail%s. Receivers may reject such mail.", who, ip, by)
		if res.Explanation != "" {
			s += " The domain explains: \"" + res.Explanation + "\""
		}
		return s
	case blitispf.SoftFail:
		return fmt.Sprintf("%s says %s is probably not allowed to send its mail%s. Receivers usually accept it but count it against the message.", who, ip, by)
	case blitispf.Neutral:
		if res.Mechanism == "" {
			return fmt.Sprintf("%s makes no statement about %s: no part of its SPF record matched.", who, ip)
		}
		return fmt.Sprintf("%s makes no statement about %s%s: the result is neither good nor bad.", who, ip, by)
	case blitispf.None:
		if t.root != nil && strings.Contains(t.root.Error, "NXDOMAIN") {
			return fmt.Sprintf("%s does not exist in DNS, so it has no SPF record to check.", who)
		}
		return fmt.Sprintf("%s publishes no SPF record, so there is nothing to check.", who)
	case blitispf.TempError:
		return fmt.Sprintf("SPF could not be checked because of a temporary DNS problem (%s). Checking again later may give a result.", res.Error)
	case blitispf.PermError:
		return fmt.Sprintf("The SPF policy of %s cannot be used: %s. Receivers treat this as an error in the domain's setup, which its owner must fix.", d, res.Error)
	}
	return "SPF gave no result."
}

// innerMatch follows a matched include down to the term that matched
// inside it, for the reason sentence: "ip4:192.0.2.0/24 in _spf.example.net".
func innerMatch(root *Node, domain, mech string) string {
	var n *Node
	root.walk(func(x *Node) {
		if n == nil && x.Domain == domain && x.Mechanism == mech {
			n = x
		}
	})
	inner := ""
	for n != nil && strings.HasPrefix(strings.ToLower(strings.TrimLeft(n.Mechanism, "+-~?")), "include:") {
		var next *Node
		for _, c := range n.Children {
			if c.Via == n.Mechanism {
				next = c
			}
		}
		if next == nil || next.Mechanism == "" {
			break
		}
		inner = next.Mechanism + " in " + next.Domain
		n = next
	}
	return inner
}
