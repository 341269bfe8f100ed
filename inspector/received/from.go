package received

import (
	"net/netip"
	"strings"
)

// fromStyle is how a receiving MTA arranged the sending host's names in its
// from clause. RFC 5321 section 4.4 defines only "FROM Extended-Domain",
// the HELO argument with the TCP information in a comment after it; each
// MTA decides which name stands first, and what the comment says.
type fromStyle int

const (
	// styleHELOFirst: "from helo (rdns [ip])", as RFC 5321 section 4.4 has
	// it (Postfix, Sendmail, Gmail, Exchange, Haraka, XMail, NAVGW).
	styleHELOFirst fromStyle = iota
	// styleExim: "from rdns ([ip]:port helo=name)" (Exim 4), "from
	// ([ip:port] helo=name)" (ecelerity): the value is the verified
	// reverse-DNS name or the address; helo= is written only when the
	// HELO name differed from it.
	styleExim
	// styleExim3: "from rdns (helo) [ip.port] (ident)" (Exim 3).
	styleExim3
	// styleQmail: "from rdns (HELO name) (ip)" and "from rdns (user@ip)"
	// (qmail, qpsmtpd, and CommuniGate's "(account user HELO name)"): the
	// value is the reverse-DNS name, or "unknown"; "(HELO name)" is
	// written only when it differs.
	styleQmail
	// styleSmap: "from rdns(ip), claiming to be "helo"" (TIS smap).
	styleSmap
	// styleVerified: "from name ([ip] verified)" (CommuniGate Pro): the
	// HELO name resolves to the address, so it is the reverse-DNS name too.
	styleVerified
)

// fromInfo is what a from clause says about the sender besides its value,
// read from its comments and from the words after the value.
type fromInfo struct {
	helo      string
	heloStyle fromStyle // where helo was found: styleExim (helo=), styleQmail (HELO x), styleSmap (claiming to be), or 0
	rdns      string    // a host name written before the address in a comment
	rdnsSeen  bool      // a name (or "unknown") was written before the address
	ip        string
	bracketed bool // the address was a [literal]
	ident     bool // "(user@ip)": qmail's ident answer before the address
	outside   bool // the address stood outside any comment: "from name [ip]"
	// portInside is "[ip:port]" (ecelerity) where Exim writes "[ip]:port".
	portInside bool
	// lone is the first comment holding only a host name: Exim 3's
	// "(helo)".
	lone     string
	glued    bool   // "name(ip)" without a space (TIS smap)
	verified bool   // "[ip] verified" (CommuniGate)
	forged   bool   // "(may be forged)" (Sendmail)
	account  string // "(account user)" (CommuniGate): the client logged in
	badIP    string
}

// readFromInfo reads the comments of a from clause and the tokens after
// its value (at vi, or -1 when there is none).
func readFromInfo(c *clause, vi int) fromInfo {
	var fi fromInfo
	for _, cm := range c.comments() {
		fi.readComment(cm)
	}
	if vi >= 0 && vi+1 < len(c.toks) {
		v, next := c.toks[vi], c.toks[vi+1]
		fi.glued = v.kind == word && next.kind == comment && next.pos == v.pos+len(v.text)
	}
	fi.readOutside(c.toks[vi+1:])
	return fi
}

// readComment reads one comment of a from clause, in any of the forms
// "rdns [ip]", "rdns. [ip]", "unknown [ip]", "[ip]:port helo=name",
// "port=1234 helo=name", "HELO name", "user@rdns [ip]", "ip", "user@ip",
// "[ip] verified", "account user HELO [literal]".
func (fi *fromInfo) readComment(c string) {
	toks, _ := tokenize(c)
	if len(toks) == 1 && toks[0].kind == word && isHostName(toks[0].text) && fi.lone == "" {
		fi.lone = toks[0].text
	}
	var name string
	for i := 0; i < len(toks); i++ {
		switch t := toks[i]; t.kind {
		case literal:
			fi.address(t.text, true, name)
		case comment:
			fi.forged = fi.forged || strings.Contains(strings.ToLower(t.text), "forged")
		case word:
			i += fi.word(toks[i:], &name)
		}
	}
}

// word reads the word toks[0] of a from comment, and the word after it when
// the first one names it; it returns how many tokens it took beyond the
// first. name is the last host name seen, which an address after it makes
// the reverse-DNS name.
func (fi *fromInfo) word(toks []token, name *string) int {
	w := toks[0].text
	lw := strings.ToLower(w)
	hasNext := len(toks) > 1 && toks[1].kind != comment
	switch {
	case strings.HasPrefix(lw, "helo="):
		fi.helo, fi.heloStyle = w[5:], styleExim
		// "helo=[192.168.0.10]": the literal is the HELO name, not the
		// address that connected.
		if fi.helo == "" && hasNext && toks[1].kind == literal {
			fi.helo = toks[1].written()
			return 1
		}
	case lw == "helo" || lw == "ehlo" || lw == "lhlo":
		// "(HELO name)", "(HELO )" for an empty argument, LMTP's LHLO (RFC
		// 2033). The argument is a name even when it is an address
		// literal: a client behind NAT says "HELO [10.0.0.1]", which is
		// never the address that connected.
		fi.helo, fi.heloStyle = "", styleQmail
		*name = ""
		if hasNext {
			fi.helo = toks[1].written()
			return 1
		}
	case lw == "account" && hasNext:
		fi.account = toks[1].text
		return 1
	case lw == "verified":
		fi.verified = true
	case lw == "may" || lw == "be" || lw == "forged":
		fi.forged = fi.forged || lw == "forged"
	case strings.HasPrefix(w, ":") && fi.ip != "", strings.Contains(lw, "="):
		// ":port" after "[ip]", and port=, ident=, other key=value noise.
	default:
		if !fi.address(w, false, *name) && *name == "" {
			// "user@host" is an ident answer before the host.
			*name = afterAt(w)
		}
	}
	return 0
}

// address takes s as the address that connected, when it is an address
// and none was found before; name, the word before it, is then the
// reverse-DNS name. It reports whether s is an address at all.
func (fi *fromInfo) address(s string, bracketed bool, name string) bool {
	if _, ok := parseAddr(s); !ok {
		if bracketed && fi.ip == "" && fi.badIP == "" {
			fi.badIP = s
		}
		return false
	}
	if fi.ip == "" {
		fi.ip, fi.bracketed, fi.ident = s, bracketed, strings.Contains(s, "@")
		_, port := splitPort(s)
		fi.portInside = bracketed && port && strings.Contains(s, ":")
		if name != "" {
			fi.rdns, fi.rdnsSeen = name, true
		}
	}
	return true
}

// readOutside reads the from clause after its value, outside comments: an
// address written there ("from name [ip]": Exim 3, NAVGW, MDaemon; "from
// name 192.0.2.1" from broken writers), and TIS smap's `claiming to be
// "name"`, the HELO name it was given.
func (fi *fromInfo) readOutside(toks []token) {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == word && strings.EqualFold(t.text, "claiming") && i+3 < len(toks) &&
			strings.EqualFold(toks[i+1].text, "to") && strings.EqualFold(toks[i+2].text, "be"):
			fi.helo, fi.heloStyle = strings.Trim(toks[i+3].text, `"`), styleSmap
			i += 3
		case t.kind == literal || t.kind == word:
			if fi.ip == "" && fi.address(t.text, t.kind == literal, "") {
				fi.outside = true
			}
		}
	}
}

// style tells which name the value is, from what the clause says and the
// software that wrote it.
func (fi *fromInfo) style(software string) fromStyle {
	switch {
	case fi.outside && fi.lone != "":
		return styleExim3
	case fi.heloStyle == styleExim || fi.portInside || exim.MatchString(software):
		return styleExim
	case fi.heloStyle == styleQmail || fi.ident:
		return styleQmail
	case fi.glued || fi.heloStyle == styleSmap:
		return styleSmap
	case fi.verified:
		return styleVerified
	}
	return styleHELOFirst
}

// readFrom reads the from clause: who connected, under which names.
func (r *Received) readFrom(c *clause) []string {
	vi := c.valueAt()
	fi := readFromInfo(c, vi)
	if vi < 0 && fi.ip == "" && fi.helo == "" {
		return []string{"The \"from\" clause is empty."}
	}
	var v token
	if vi >= 0 {
		v = c.toks[vi]
	}
	word := v.written()
	valueIP, valueIsIP := parseAddr(v.text)
	if fi.ip != "" {
		r.FromIP, _ = parseAddr(fi.ip)
	} else if valueIsIP {
		r.FromIP = valueIP
	}
	if fi.account != "" {
		r.Authenticated, r.AuthenticatedAs = true, fi.account
	}

	switch fi.style(r.Software) {
	case styleExim, styleQmail:
		// The value is the reverse-DNS name (or the address, or "unknown");
		// Exim's helo= and qmail's (HELO x) are written only when the HELO
		// name differed from it.
		r.FromHELO = fi.helo
		if r.setRDNS(word, valueIsIP) && fi.heloStyle == 0 {
			r.FromHELO = word
		}
	case styleExim3:
		r.FromHELO = fi.lone
		r.setRDNS(word, valueIsIP)
	case styleSmap:
		r.FromHELO = fi.helo
		r.setRDNS(word, valueIsIP)
	case styleVerified:
		r.FromHELO = word
		r.setRDNS(word, valueIsIP)
	default:
		r.FromHELO = r.heloName(v, valueIP, valueIsIP)
		if fi.rdnsSeen {
			r.setRDNS(fi.rdns, false)
		} else if fi.bracketed {
			// "([ip])", where Postfix and Sendmail put the name when they
			// have one.
			r.RDNSUnknown = true
		}
	}
	return r.fromNotes(&fi)
}

// heloName is the from-value v read as the HELO name, or "" when it cannot
// be one: "unknown"; a mailbox ("from user@example.com", a local
// submission); the connecting address itself written bare (RFC 5321
// section 4.1.3 puts an address argument in brackets); the address of a
// browser, for webmail over HTTP has no HELO.
func (r *Received) heloName(v token, valueIP netip.Addr, valueIsIP bool) string {
	w := v.written()
	switch {
	case strings.EqualFold(w, "unknown"):
		return ""
	case !valueIsIP && strings.Contains(w, "@"):
		return ""
	case valueIsIP && v.kind == word && (!r.FromIP.IsValid() || r.FromIP == valueIP):
		return ""
	case valueIsIP && r.webmail():
		return ""
	}
	return w
}

// setRDNS records name as the reverse-DNS name of the sending address, or,
// when it is an address, "unknown" or "softdnserr" (Courier's word for a
// failed lookup), that the receiving MTA found none. It reports whether it
// recorded a name.
func (r *Received) setRDNS(name string, isIP bool) bool {
	if isIP || !isHostName(name) || strings.EqualFold(name, "unknown") || strings.EqualFold(name, "softdnserr") {
		r.RDNSUnknown = true
		return false
	}
	r.FromRDNS = cleanHost(name)
	return true
}

// fromNotes says what looked wrong in the from clause.
func (r *Received) fromNotes(fi *fromInfo) []string {
	var notes []string
	if fi.forged {
		r.RDNSUnknown = true
		notes = append(notes, "The receiving server noted that the reverse-DNS name may be forged (it does not resolve back to the address).")
	}
	switch {
	case r.FromIP.IsValid():
	case fi.badIP != "":
		notes = append(notes, "The address \"["+fi.badIP+"]\" in the \"from\" clause is not a valid IP address.")
	default:
		notes = append(notes, "The \"from\" clause gives no IP address.")
	}
	return notes
}

// webmail reports a hop over HTTP: a browser gave the message to a webmail
// server ("with HTTP", "via HTTP", CommuniGate's "with HTTPU").
func (r *Received) webmail() bool {
	return strings.HasPrefix(strings.ToUpper(r.With), "HTTP") || strings.HasPrefix(strings.ToUpper(r.Via), "HTTP")
}

// afterAt drops an ident user ("user@host") from a host name.
func afterAt(w string) string {
	if at := strings.LastIndexByte(w, '@'); at >= 0 {
		return w[at+1:]
	}
	return w
}
