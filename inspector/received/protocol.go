package received

import (
	"regexp"
	"strings"
)

// Protocol is what a "with" clause says about the hand-off: the protocol
// as written, and the two flags RFC 3848 (and RFC 6531 for UTF8SMTP)
// encode in its name: S for a TLS session, A for an authenticated client.
type Protocol struct {
	// Name is the protocol as written: "ESMTPSA", "esmtps", "LMTP",
	// "Microsoft SMTP Server", "HTTP".
	Name string
	// TLS is true when the name says the session was encrypted.
	TLS bool
	// Auth is true when the name says the client authenticated.
	Auth bool
	// Known is false for a name not in the RFC 3848 registry and not a
	// common vendor spelling (e.g. "mapi", "local", "LMTPProxy").
	Known bool
}

// rfc3848 matches the registered names: SMTP and LMTP, extended (E),
// internationalised (UTF8), with the S and A suffixes. "SMTPS" and
// "SMTPSA" are not registered but Gmail writes them with the same meaning.
var rfc3848 = regexp.MustCompile(`^(?i)(UTF8)?(E?SMTP|LMTP|UTF8SMTP|UTF8LMTP)(S)?(A)?$`)

// ParseProtocol explains the protocol named in a "with" clause.
func ParseProtocol(name string) Protocol {
	p := Protocol{Name: name}
	if m := rfc3848.FindStringSubmatch(name); m != nil {
		p.TLS = m[3] != ""
		p.Auth = m[4] != ""
		p.Known = true
		return p
	}
	switch strings.ToUpper(name) {
	case "HTTP", "HTTPU", "MICROSOFT SMTP SERVER", "LOCAL", "MAPI":
		p.Known = true
	case "HTTPS":
		p.Known, p.TLS = true, true
	case "ASMTP":
		// Exim before 4.50 and Earthlink wrote "asmtp" for what RFC 3848
		// later named ESMTPA.
		p.Known, p.Auth = true, true
	}
	return p
}
