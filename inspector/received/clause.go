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
}

var keywords = map[string]bool{"from": true, "by": true, "via": true, "with": true, "id": true, "for": true}

// splitClauses groups tokens by keyword. The word right after a keyword is
// always that keyword's value, even if it looks like a keyword itself
// ("from for.example.net").
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
			if _, dup := cs.byName[name]; dup {
				cs.repeated = append(cs.repeated, "\""+name+"\"")
			} else {
				cs.byName[name] = cur
			}
			expectValue = true
			continue
		}
		if t.kind != comment {
			expectValue = false
		}
		cur.toks = append(cur.toks, t)
	}
	return cs
}

// value is the first non-comment token of the clause.
func (c *clause) value() (token, bool) {
	for _, t := range c.toks {
		if t.kind != comment {
			return t, true
		}
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
	authSender   = regexp.MustCompile(`(?i)^authenticated sender:\s*(\S+)`)
	authAs       = regexp.MustCompile(`(?i)^authenticated(?:\s+as\s+(\S+)|\s+bits=\d+|\s+user\s+(\S+))?$`)
	envelopeFrom = regexp.MustCompile(`(?i)^envelope-from\s*<([^>]*)>`)
	exim         = regexp.MustCompile(`(?i)^exim\s+\d`)
)

// readComment takes what any comment can say wherever it sits: TLS
// details, authentication, the envelope sender and the MTA's name. MTAs
// disagree on which clause these follow.
func (r *Received) readComment(c string) {
	c = strings.TrimSpace(c)
	if t := parseTLS(c); t != nil {
		if r.TLS == nil {
			r.TLS = t
		} else {
			r.TLS.merge(t)
		}
		r.Encrypted = true
		return
	}
	if m := authSender.FindStringSubmatch(c); m != nil {
		r.Authenticated, r.AuthenticatedAs = true, m[1]
		return
	}
	if m := authAs.FindStringSubmatch(c); m != nil {
		r.Authenticated = true
		if m[1] != "" {
			r.AuthenticatedAs = m[1]
		} else if m[2] != "" {
			r.AuthenticatedAs = m[2]
		}
		return
	}
	if m := envelopeFrom.FindStringSubmatch(c); m != nil {
		r.EnvelopeFrom = envelope(m[1])
		return
	}
	if exim.MatchString(c) && r.Software == "" {
		r.Software = c
	}
}

// fromComment is what the comments of a from clause say about the sender.
type fromComment struct {
	helo      string // helo= (Exim) or "HELO x" (qmail)
	heloStyle string // "exim" or "qmail"
	rdns      string // a host name written before the address
	rdnsSeen  bool   // a name (or "unknown") was written before the address
	ip        string
	port      bool // "[ip]:port" (Exim)
	forged    bool // "(may be forged)" (Sendmail)
	badIP     string
	bracketed bool // the address was a [literal]
}

// readFromComment reads one comment of a from clause, in any of the forms
// "rdns [ip]", "rdns. [ip]", "unknown [ip]", "[ip]:port helo=name",
// "port=1234 helo=name", "HELO name", "user@rdns [ip]", "ip", "user@ip".
func readFromComment(c string, fc *fromComment) {
	toks, _ := tokenize(c)
	var name string
	skip := -1
	for i, t := range toks {
		if i == skip {
			continue
		}
		switch t.kind {
		case literal:
			if fc.ip == "" {
				if _, ok := parseAddr(t.text); ok {
					fc.ip, fc.bracketed = t.text, true
					if name != "" {
						fc.rdns, fc.rdnsSeen = name, true
					}
				} else if fc.badIP == "" {
					fc.badIP = t.text
				}
			}
		case comment:
			if strings.Contains(strings.ToLower(t.text), "forged") {
				fc.forged = true
			}
		case word:
			w := t.text
			lw := strings.ToLower(w)
			switch {
			case strings.HasPrefix(lw, "helo="):
				fc.helo, fc.heloStyle = w[5:], "exim"
				if fc.helo == "" && i+1 < len(toks) && toks[i+1].kind == literal {
					// "helo=[192.168.0.10]": the literal is the HELO
					// name, not the address that connected.
					fc.helo = "[" + toks[i+1].text + "]"
					skip = i + 1
				}
			case (lw == "helo" || lw == "ehlo") && i+1 < len(toks):
				next := toks[i+1]
				fc.helo, fc.heloStyle = next.text, "qmail"
				if next.kind == literal {
					fc.helo = "[" + next.text + "]"
				}
				name = "" // the name is the HELO, not an rDNS name
			case strings.HasPrefix(w, ":") && fc.ip != "":
				fc.port = true
			case strings.Contains(lw, "="):
				// port=, ident=, other key=value noise
			case lw == "may" || lw == "be" || lw == "forged":
				fc.forged = fc.forged || lw == "forged"
			default:
				if _, ok := parseAddr(w); ok && fc.ip == "" {
					fc.ip = w
					if name != "" {
						fc.rdns, fc.rdnsSeen = name, true
					}
					continue
				}
				if i > 0 && toks[i-1].kind == word && (strings.EqualFold(toks[i-1].text, "helo") || strings.EqualFold(toks[i-1].text, "ehlo")) {
					continue
				}
				if name == "" {
					// "user@host" is an ident answer before the host.
					if at := strings.LastIndexByte(w, '@'); at >= 0 {
						w = w[at+1:]
					}
					name = w
				}
			}
		}
	}
}

// readFrom reads the from clause: who connected, under which names.
func (r *Received) readFrom(c *clause) []string {
	var notes []string
	v, ok := c.value()
	if !ok {
		return []string{"The \"from\" clause is empty."}
	}
	var fc fromComment
	for _, cm := range c.comments() {
		readFromComment(cm, &fc)
	}
	// A word after the value (not a comment) is unusual but happens:
	// "from mail.example.com 192.0.2.1 by ...".
	for _, t := range c.toks[1:] {
		if t.kind == literal || t.kind == word {
			if _, ok := parseAddr(t.text); ok && fc.ip == "" {
				fc.ip = t.text
			}
		}
	}

	word := v.text
	valueIP, valueIsIP := parseAddr(word)
	if v.kind == literal {
		word = "[" + v.text + "]"
	}
	if fc.ip != "" {
		r.FromIP, _ = parseAddr(fc.ip)
	} else if valueIsIP {
		r.FromIP = valueIP
	}
	isExim := fc.heloStyle == "exim" || fc.port || exim.MatchString(r.Software)

	switch {
	case fc.heloStyle == "exim":
		// Exim: "from rdns ([ip] helo=name)"; the value is the verified
		// reverse-DNS name, or the address when there is none.
		r.FromHELO = fc.helo
		if !valueIsIP && isHostName(word) {
			r.FromRDNS = cleanHost(word)
		} else {
			r.RDNSUnknown = true
		}
	case fc.heloStyle == "qmail":
		// qmail: "from rdns (HELO name) (ip)", rdns "unknown" when none.
		r.FromHELO = fc.helo
		if !strings.EqualFold(word, "unknown") && isHostName(word) {
			r.FromRDNS = cleanHost(word)
		} else {
			r.RDNSUnknown = true
		}
	case isExim && !valueIsIP && isHostName(word):
		// Exim without helo=: the HELO name was the verified rDNS name.
		r.FromHELO = word
		r.FromRDNS = cleanHost(word)
	default:
		// Postfix, Sendmail, Gmail, Exchange, Haraka: "from helo (rdns [ip])".
		if !strings.EqualFold(word, "unknown") {
			r.FromHELO = word
		}
		if fc.rdnsSeen && !strings.EqualFold(fc.rdns, "unknown") && isHostName(fc.rdns) {
			r.FromRDNS = cleanHost(fc.rdns)
		} else if fc.rdnsSeen || fc.bracketed {
			// "(unknown [ip])", or "([ip])" where Postfix and Sendmail put
			// the name when they have one.
			r.RDNSUnknown = true
		}
	}
	if fc.forged {
		r.RDNSUnknown = true
		notes = append(notes, "The receiving server noted that the reverse-DNS name may be forged (it does not resolve back to the address).")
	}
	switch {
	case r.FromIP.IsValid():
	case fc.badIP != "":
		notes = append(notes, "The address \"["+fc.badIP+"]\" in the \"from\" clause is not a valid IP address.")
	default:
		notes = append(notes, "The \"from\" clause gives no IP address.")
	}
	return notes
}

// readBy reads the by clause: the receiving host and its software.
func (r *Received) readBy(c *clause) {
	v, ok := c.value()
	if !ok {
		return
	}
	if v.kind == literal {
		r.By = "[" + v.text + "]"
	} else {
		r.By = v.text
	}
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
		if parseTLS(cm) != nil || r.Software != "" {
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
