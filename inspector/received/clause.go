package received

import (
	"regexp"
	"strings"
)

// clause is one keyword of a Received field (from, by, via, with, id, for)
// with the tokens that follow it up to the next keyword. The tokens before
// the first keyword form a clause named "".
type clause struct {
	name string
	toks []token
}

type clauses struct {
	all      []*clause
	byName   map[string]*clause
	repeated []string
	// mailFrom is XMail's "from <sender>" after the for clause: a second
	// from whose value is an <address> names the envelope sender.
	mailFrom *clause
}

var keywords = map[string]bool{"from": true, "by": true, "via": true, "with": true, "id": true, "for": true}

// splitClauses groups tokens by keyword. The word right after a keyword is
// always that keyword's value, even if it looks like a keyword itself
// ("from for.example.net"). A comment right after a keyword means the
// value is missing: RFC 5321 section 4.4 puts the TCP information after
// the name, and "from ([192.0.2.1] helo=x) by mx" has no name.
func splitClauses(toks []token) clauses {
	cs := clauses{byName: make(map[string]*clause)}
	cur := &clause{}
	cs.all = append(cs.all, cur)
	cs.byName[""] = cur
	expectValue := false
	for _, t := range toks {
		if t.kind == word && !expectValue && keywords[strings.ToLower(t.text)] {
			name := strings.ToLower(t.text)
			cur = &clause{name: name}
			cs.all = append(cs.all, cur)
			if _, dup := cs.byName[name]; !dup {
				cs.byName[name] = cur
			}
			expectValue = true
			continue
		}
		expectValue = false
		cur.toks = append(cur.toks, t)
	}
	for _, c := range cs.all[1:] {
		switch v, ok := c.value(); {
		case cs.byName[c.name] == c:
		case c.name == "from" && ok && v.kind == angle && cs.mailFrom == nil:
			cs.mailFrom = c
		default:
			cs.repeated = append(cs.repeated, "\""+c.name+"\"")
		}
	}
	return cs
}

// valueAt is the index of the clause's first non-comment token, or -1.
func (c *clause) valueAt() int {
	for i, t := range c.toks {
		if t.kind != comment {
			return i
		}
	}
	return -1
}

// value is the first non-comment token of the clause.
func (c *clause) value() (token, bool) {
	if i := c.valueAt(); i >= 0 {
		return c.toks[i], true
	}
	return token{}, false
}

// words returns the clause's plain words, in order.
func (c *clause) words() []string {
	var out []string
	for _, t := range c.toks {
		if t.kind == word {
			out = append(out, t.text)
		}
	}
	return out
}

// comments returns the texts of the clause's comments, in order.
func (c *clause) comments() []string {
	var out []string
	for _, t := range c.toks {
		if t.kind == comment {
			out = append(out, t.text)
		}
	}
	return out
}

// firstAddress returns the clause's first <address> or word, brackets
// removed.
func (c *clause) firstAddress() string {
	for _, t := range c.toks {
		if t.kind == angle || t.kind == word {
			return strings.TrimSpace(t.text)
		}
	}
	return ""
}

var (
	// authComments are the comments that say the client logged in, each
	// with the user as its first non-empty group when it names one.
	authComments = []*regexp.Regexp{
		// Postfix: "Authenticated sender: alice@example.com".
		regexp.MustCompile(`(?i)^authenticated sender:\s*(\S+)`),
		// Sendmail "authenticated bits=0" and "authenticated (0 bits)",
		// Critical Path "authenticated as alice", "authenticated user x".
		regexp.MustCompile(`(?i)^authenticated(?:\s+as\s+(\S+)|\s+bits=\d+|\s+user\s+(\S+)|\s*\(\d+\s+bits\))?$`),
		// Webmail: "SquirrelMail authenticated user alice".
		regexp.MustCompile(`(?i)^\S+\s+authenticated\s+user\s+(\S+)$`),
		// Courier: "AUTH: LOGIN alice@example.com", the mechanism first.
		regexp.MustCompile(`(?i)^AUTH:\s*\S+\s+([^\s,]+)`),
	}
	// "envelope-from <a@example.com>" (Exim, Postfix set-ups, qmail-scanner),
	// "envelope-from a@example.com", "envelope-sender <a@example.com>"
	// (qmail-ldap).
	envelopeFrom = regexp.MustCompile(`(?i)^envelope-(?:from|sender)(?:\s*<([^<>]*)>|\s+([^\s,<>]+))`)
	exim         = regexp.MustCompile(`(?i)^exim\s+\d`)
)

// readComment takes what any comment can say wherever it sits: TLS
// details, authentication, the envelope sender and the MTA's name. MTAs
// disagree on which clause these follow.
func (r *Received) readComment(c string) {
	c = strings.TrimSpace(c)
	// Courier says both in one comment: "AUTH: LOGIN a, SSL: TLSv1,...".
	tls := r.readTLS(c)
	if r.readAuth(c) || tls {
		return
	}
	if m := envelopeFrom.FindStringSubmatch(c); m != nil {
		r.EnvelopeFrom = envelope(m[1] + m[2])
		return
	}
	if exim.MatchString(c) && r.Software == "" {
		r.Software = c
	}
}

// saysMore reports a comment that readComment reads for what it says of
// the hand-off (TLS, a login, the envelope sender), not a software name.
func saysMore(c string) bool {
	if parseTLS(c) != nil || envelopeFrom.MatchString(c) {
		return true
	}
	for _, re := range authComments {
		if re.MatchString(c) {
			return true
		}
	}
	return false
}

// readTLS takes the TLS details of comment c, if it gives any.
func (r *Received) readTLS(c string) bool {
	t := parseTLS(c)
	if t == nil {
		return false
	}
	if r.TLS == nil {
		r.TLS = t
	} else {
		r.TLS.merge(t)
	}
	r.Encrypted = true
	return true
}

// readAuth takes what comment c says about the client's login.
func (r *Received) readAuth(c string) bool {
	for _, re := range authComments {
		m := re.FindStringSubmatch(c)
		if m == nil {
			continue
		}
		r.Authenticated = true
		for _, user := range m[1:] {
			if user != "" {
				r.AuthenticatedAs = user
				break
			}
		}
		return true
	}
	return false
}

// readBy reads the by clause: the receiving host and its software.
func (r *Received) readBy(c *clause) {
	v, ok := c.value()
	if !ok {
		return
	}
	// TIS smap: "by host, id x".
	r.By = strings.TrimSuffix(v.written(), ",")
	if a, ok := parseAddr(v.text); ok {
		r.ByIP = a
	}
	for _, cm := range c.comments() {
		cm = strings.TrimSpace(cm)
		if a, ok := parseAddr(cm); ok {
			if !r.ByIP.IsValid() {
				r.ByIP = a
			}
			continue
		}
		// web.de: "by host (via HTTP)" names the link type in a comment.
		if via, ok := strings.CutPrefix(cm, "via "); ok && r.Via == "" {
			r.Via = via
			continue
		}
		if r.Software != "" || saysMore(cm) {
			continue
		}
		// "Postfix, from userid 1000" names Postfix.
		if i := strings.Index(cm, ","); i > 0 {
			cm = cm[:i]
		}
		r.Software = cm
	}
}

// readWith reads the protocol, and Exim's "tls CIPHER" words after it.
func (r *Received) readWith(c *clause) {
	ws := c.words()
	if len(ws) == 0 {
		return
	}
	r.With = ws[0]
	if len(ws) >= 3 && strings.EqualFold(strings.Join(ws[:3], " "), "Microsoft SMTP Server") {
		r.With = strings.Join(ws[:3], " ")
		ws = ws[3:]
	} else {
		ws = ws[1:]
	}
	for i := 0; i+1 < len(ws); i++ {
		if strings.EqualFold(ws[i], "tls") {
			if r.TLS == nil {
				r.TLS = &TLS{}
			}
			if r.TLS.Cipher == "" {
				r.TLS.Cipher = ws[i+1]
			}
			r.Encrypted = true
		}
	}
	p := ParseProtocol(r.With)
	r.Encrypted = r.Encrypted || p.TLS
	r.Authenticated = r.Authenticated || p.Auth
}

// readID reads the id, and Haraka's "envelope-from <addr>" after it.
func (r *Received) readID(c *clause) {
	toks := c.toks
	for i, t := range toks {
		if t.kind == word && r.ID == "" && i == 0 {
			r.ID = t.text
			continue
		}
		if t.kind == word && strings.EqualFold(t.text, "envelope-from") && i+1 < len(toks) && toks[i+1].kind == angle {
			r.EnvelopeFrom = envelope(toks[i+1].text)
		}
	}
	if r.ID == "" {
		if v, ok := c.value(); ok {
			r.ID = v.text
		}
	}
}

// envelope gives an envelope sender as the report shows it: the address, or
// "<>" for the null sender of bounces.
func envelope(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "<>"
	}
	return addr
}
