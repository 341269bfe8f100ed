package received

import "testing"

// The tests below read the shapes of Received field found in real mail
// that SpamAssassin's conformance suite showed this parser misread, one
// fixture file a shape (the addresses and names are the documentation
// ones).

// TestParseHELOLiteral: a client behind NAT names its private address as
// its HELO; the address that connected is the one outside the HELO.
func TestParseHELOLiteral(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		// CommuniGate: "(account user HELO [10.10.10.10])".
		{"helo-literal.txt", 0, Received{RDNSUnknown: true, FromHELO: "[10.10.10.10]", FromIP: ip("198.51.100.23"),
			By: "mail.example.edu", Software: "CommuniGate Pro SMTP 6.3.1", With: "ESMTPSA", ID: "88402416", For: "bob@example.org",
			Encrypted: true, Authenticated: true, AuthenticatedAs: "alice@example.edu", Time: date("2023-12-04T13:15:07-08:00")}, ""},
		// qmail: "from unknown (HELO [192.168.1.5]) (203.0.113.7)".
		{"helo-literal.txt", 1, Received{RDNSUnknown: true, FromHELO: "[192.168.1.5]", FromIP: ip("203.0.113.7"),
			By: "mx.example.org", With: "SMTP", Time: date("2021-03-02T09:15:32Z")}, ""},
		// qpsmtpd keeps the client's "?192.168.23.32?" as it was said.
		{"helo-literal.txt", 2, Received{FromHELO: "?192.168.23.32?", FromRDNS: "dsl-7.example.net", FromIP: ip("198.51.100.7"),
			By: "mx.example.org", Software: "qp 87263", With: "SMTP", Time: date("2021-03-02T09:15:33Z")}, ""},
		{"helo-literal.txt", 3, Received{RDNSUnknown: true, FromHELO: "laptop.example.com", FromIP: ip("203.0.113.50"),
			By: "mail.example.com", Software: "CommuniGate Pro SMTP 6.3.1", With: "ESMTPSA", ID: "9830625", For: "dave@example.org",
			Encrypted: true, Authenticated: true, AuthenticatedAs: "carol@example.com", Time: date("2021-03-02T08:42:48+07:00")}, ""},
	})
}

// TestParseHELOWords: the ways an MTA says what the client gave in HELO.
func TestParseHELOWords(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		// "(HELO )": an empty HELO, not the HELO "HELO".
		{"helo-words.txt", 0, Received{FromRDNS: "mx10.example.net", FromIP: ip("192.0.2.10"),
			By: "mx.example.org", With: "SMTP", Time: date("2021-03-03T20:34:38Z")}, ""},
		{"helo-words.txt", 1, Received{RDNSUnknown: true, FromIP: ip("192.0.2.11"),
			By: "mta.example.org", With: "SMTP", Time: date("2021-01-25T00:24:37-08:00")}, ""},
		// LMTP's LHLO (RFC 2033) in qmail's place for HELO.
		{"helo-words.txt", 2, Received{FromHELO: "backend2.example.com", FromRDNS: "backend1.example.com", FromIP: ip("10.2.2.20"),
			By: "store.example.com", With: "LMTP", Time: date("2021-06-18T16:50:56-07:00")}, ""},
		// TIS smap: "name(ip), claiming to be "helo"", and "by host, id".
		{"helo-words.txt", 3, Received{FromHELO: "laptop.example.com", FromRDNS: "dsl-9.example.net", FromIP: ip("198.51.100.9"),
			By: "gw.example.org", Via: "SMTP", ID: "smtpd1PBsZT", Time: date("2005-11-13T15:38:52Z")}, ""},
		{"helo-words.txt", 4, Received{FromRDNS: "dsl-10.example.net", FromIP: ip("198.51.100.10"),
			By: "gw.example.org", Via: "SMTP", ID: "smtpdEDUB8h", Time: date("2005-11-13T14:50:12Z")}, ""},
		// CommuniGate: "[ip] verified": the HELO name resolves to the address.
		{"helo-words.txt", 5, Received{FromHELO: "mail.example.net", FromRDNS: "mail.example.net", FromIP: ip("192.0.2.12"),
			By: "relay.example.org", Software: "CommuniGate Pro SMTP 6.3.1", With: "ESMTPS", ID: "9837783", For: "bob@example.org",
			Encrypted: true, Time: date("2021-04-08T13:14:35+07:00")}, ""},
	})
}

// TestParseOldFormats: Exim 3's "[ip.port]", NAVGW's "(from NAME [ip])",
// XMail's "([ip]:port)" and its envelope sender after "for".
func TestParseOldFormats(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		{"old-formats.txt", 0, Received{RDNSUnknown: true, FromHELO: "mail.example.net", FromIP: ip("192.0.2.13"),
			By: "mx.example.org", With: "esmtp", ID: "1GNrLz-000295-00", Time: date("2006-09-14T09:34:07-04:00")}, ""},
		// Exim 3: "from rdns (helo) [ip.port] (ident)".
		{"old-formats.txt", 1, Received{FromHELO: "helo.example.com", FromRDNS: "rdns.example.net", FromIP: ip("10.0.8.6"),
			By: "mx.example.org", Software: "Exim 3.35 #1 (Debian)", With: "esmtp", ID: "1CO5y7-0001vC-00", Time: date("2004-10-31T04:01:23+01:00")}, ""},
		{"old-formats.txt", 2, Received{RDNSUnknown: true, FromHELO: "WORKSTATION", FromIP: ip("198.51.100.14"),
			By: "gw.example.org", Software: "NAVGW 2.5.2.12", With: "SMTP", ID: "M2006040415284308595", For: "bob@example.org",
			Time: date("2006-04-04T15:28:45+01:00")}, ""},
		{"old-formats.txt", 3, Received{RDNSUnknown: true, FromHELO: "list.example.net", FromIP: ip("192.0.2.15"),
			By: "mx.example.org", ID: "S72E", For: "bob@example.org", EnvelopeFrom: "bounce-42@list.example.net",
			Time: date("2004-09-18T23:17:54-05:00")}, ""},
		{"old-formats.txt", 4, Received{FromHELO: "list.example.net", FromIP: ip("192.0.2.16"),
			By: "mx.example.org", ID: "S72F", For: "bob@example.org", EnvelopeFrom: "bounce-43@list.example.net",
			Time: date("2004-09-18T23:17:55-05:00")}, ""},
	})
}

// TestParseEmptyFrom: "from ([ip]) by host": the comment after "from" does
// not make "by" the sender's name.
func TestParseEmptyFrom(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		// ecelerity writes "[ip:port]" where Exim writes "[ip]:port".
		{"empty-from.txt", 0, Received{RDNSUnknown: true, FromHELO: "app1.example.com", FromIP: ip("192.168.1.205"),
			By: "mta.example.com", Software: "ecelerity 2.1.1.3 r(11743)", With: "ESMTP", ID: "80/0A-02454-4DCB6054", For: "bob@example.org",
			Time: date("2006-09-12T09:57:40-04:00")}, ""},
		{"empty-from.txt", 1, Received{RDNSUnknown: true, FromIP: ip("127.0.0.1"),
			By: "mta.example.com", Software: "ecelerity 2.1.1.8 r(12431)", With: "ECSTREAM", ID: "10/BD-03444-F4DB6054", For: "bob@example.org",
			Time: date("2006-09-12T09:59:43-04:00")}, ""},
		{"empty-from.txt", 2, Received{RDNSUnknown: true, FromIP: ip("172.16.1.78"),
			By: "mail.example.com", With: "Microsoft", Time: date("2006-09-06T21:14:29-04:00")}, ""},
		{"empty-from.txt", 3, Received{FromIP: ip("198.51.100.18"),
			By: "gw.example.org", Via: "smtp", ID: "021b_7e19a55a", Time: date("2006-05-23T13:06:35-04:00")}, ""},
	})
}

// TestParseAuth: the ways a field says the client logged in (RFC 3848's A,
// and comments).
func TestParseAuth(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		// Courier: "(AUTH: LOGIN user)", with TLS in the same comment, and
		// an id after the date.
		{"auth.txt", 0, Received{RDNSUnknown: true, FromHELO: "laptop", FromIP: ip("198.51.100.20"),
			By: "mail.example.com", With: "esmtp", Authenticated: true, AuthenticatedAs: "alice@example.com",
			Time: date("2004-01-06T23:56:09Z")}, ""},
		{"auth.txt", 1, Received{FromHELO: "laptop", FromRDNS: "dsl-21.example.net", FromIP: ip("198.51.100.21"),
			By: "mail.example.com", With: "esmtp", ID: "000000DB.43735815.00001E11",
			TLS: &TLS{Version: "TLSv1/SSLv3", Cipher: "RC4-MD5", Bits: "128"}, Encrypted: true,
			Authenticated: true, AuthenticatedAs: "alice@example.com", Time: date("2005-11-10T08:24:21-06:00")}, ""},
		// Sendmail 8.11: "(authenticated (0 bits))".
		{"auth.txt", 2, Received{FromHELO: "[10.0.0.253]", FromRDNS: "dsl-22.example.net", FromIP: ip("198.51.100.22"),
			By: "smtp.example.com", Software: "8.11.6/8.11.6", With: "ESMTP", ID: "i8TAFAI25021", For: "bob@example.org",
			Authenticated: true, Time: date("2004-09-29T10:15:10Z")}, ""},
		// Exim before RFC 3848: "with asmtp".
		{"auth.txt", 3, Received{FromHELO: "192.168.1.23", FromRDNS: "dsl-23.example.net", FromIP: ip("198.51.100.23"),
			By: "smtp.example.com", Software: "Exim 4.34", With: "asmtp", ID: "1CIoQP-0006SN-GV", For: "bob@example.org",
			Authenticated: true, Time: date("2004-10-16T15:16:47+02:00")}, ""},
		// Webmail: a browser's address is no HELO name.
		{"auth.txt", 4, Received{FromIP: ip("198.51.100.24"), By: "webmail.example.com", With: "HTTP",
			Authenticated: true, AuthenticatedAs: "alice", Time: date("2004-09-23T14:35:29-06:00")}, ""},
		{"auth.txt", 5, Received{FromIP: ip("198.51.100.25"), By: "webmail.example.com", Software: "CommuniGate Pro XIMSS 5.2.16",
			With: "HTTPU", ID: "87581547", For: "bob@example.org", Authenticated: true, AuthenticatedAs: "alice@example.com",
			Time: date("2009-11-19T20:08:10-05:00")}, ""},
	})
}

// TestParseEnvelope: the envelope sender where qmail-ldap, Postfix set-ups
// and Exim put it.
func TestParseEnvelope(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		{"envelope.txt", 0, Received{RDNSUnknown: true, FromHELO: "[198.51.100.30]", FromIP: ip("198.51.100.30"),
			By: "192.0.2.30", ByIP: ip("192.0.2.30"), Software: "qmail-ldap-1.03", With: "SMTP", For: "bob@example.org",
			EnvelopeFrom: "alice@example.com", Time: date("2003-11-28T20:44:45Z")}, ""},
		// "(envelope-from x)" after the date.
		{"envelope.txt", 1, Received{FromHELO: "relay.example.net", FromRDNS: "relay.example.net", FromIP: ip("192.0.2.31"),
			By: "mx.example.org", Software: "Postfix", With: "ESMTP", ID: "23587284EE", For: "bob@example.org",
			EnvelopeFrom: "list-bounces@example.net", TLS: &TLS{Version: "TLSv1", Cipher: "DHE-RSA-AES256-SHA", Bits: "256/256"},
			Encrypted: true, Time: date("2004-10-16T23:32:19Z")}, ""},
		{"envelope.txt", 2, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.32"),
			By: "mx.example.org", Software: "Exim 4.50", With: "esmtps", ID: "1H3KFP-0005pI-08", For: "bob@example.org",
			EnvelopeFrom: "alice@example.com", Encrypted: true, Time: date("2007-01-06T23:42:55+01:00")}, ""},
	})
}

// TestParseNotHops: fields that record no hand-off from one host to
// another say so, and why; a hop that only lacks an address is still one.
func TestParseNotHops(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		// fetchmail: the address is the POP server's.
		{"not-hops.txt", 0, Received{RDNSUnknown: true, FromHELO: "pop.example.net", FromIP: ip("192.0.2.40"),
			By: "localhost", With: "POP3", For: "bob@localhost", NotHop: "mailbox retrieval (with POP3)",
			Time: date("2004-02-22T20:46:25-06:00")}, ""},
		{"not-hops.txt", 1, Received{RDNSUnknown: true, FromHELO: "localhost", FromIP: ip("127.0.0.1"),
			By: "localhost", With: "IMAP", For: "bob@localhost", NotHop: "mailbox retrieval (with IMAP)",
			Time: date("2004-03-08T16:13:23-08:00")}, ""},
		{"not-hops.txt", 2, Received{FromIP: ip("192.0.2.41"), By: "mx.example.org", With: "qmail-scanner-1.24",
			EnvelopeFrom: "list-bounces@example.net", NotHop: "content filter's pass", Time: date("2005-02-06T21:11:38Z")}, ""},
		{"not-hops.txt", 3, Received{FromHELO: "amavis", FromRDNS: "amavis", By: "mx.example.org", Software: "Exim 3.35 #1 (Debian)",
			With: "scanned-ok", ID: "1FiWc9-0007Du-00", For: "bob@example.org", NotHop: "content filter's pass",
			Time: date("2006-05-23T15:07:57+02:00")}, ""},
		{"not-hops.txt", 4, Received{FromHELO: "alice", FromRDNS: "alice", By: "host.example.com", Software: "Exim 4.92",
			With: "local", ID: "1lH2Kq-0003Rb-Uu", EnvelopeFrom: "alice@example.com", NotHop: "local submission (with local)",
			Time: date("2021-03-02T10:15:32+01:00")}, ""},
		{"not-hops.txt", 5, Received{FromHELO: "mail", By: "mail.example.com", With: "Microsoft", NotHop: "pickup directory",
			Time: date("2004-03-16T18:12:31-08:00")}, ""},
		{"not-hops.txt", 6, Received{By: "mail.example.com", Software: "mail_out_v36_r4.12.", ID: "m.b9.3bfe3305", For: "bob@example.org",
			NotHop: "local submission by the user alice@example.com", Time: date("2004-02-03T11:14:06-05:00")}, ""},
		{"not-hops.txt", 7, Received{FromHELO: "LISTS.EXAMPLE.ORG", By: "LISTS.EXAMPLE.ORG", Software: "LISTSERV-TCP/IP release 1.8d",
			With: "spool", ID: "35469828", For: "NEWS@LISTS.EXAMPLE.ORG", NotHop: "processes of one mail system",
			Time: date("2006-05-23T11:01:27-04:00")}, ""},
		{"not-hops.txt", 8, Received{FromHELO: "conversion-daemon.mail.example.com", By: "mail.example.com",
			Software: "Sun Java System Messaging Server 6.2-4.02 (built Sep 9 2005)", ID: "0IZO00701ISSIU00@mail.example.com",
			For: "bob@example.org", NotHop: "processes of one mail system", Time: date("2006-05-22T11:23:41-07:00")}, ""},
		{"not-hops.txt", 9, Received{FromHELO: "localhost", By: "mail.example.com", With: "SpamAssassin",
			NotHop: "content filter's pass", Time: date("2006-08-17T08:21:10+10:00")}, ""},
		// An SMTP hop whose server recorded no address: a hop all the same.
		{"not-hops.txt", 10, Received{FromHELO: "WORKSTATION7", By: "mail.example.com", Software: "Merak 8.0.3", With: "SMTP",
			ID: "ACM38534", For: "bob@example.org", Time: date("2006-05-19T14:50:48-07:00")}, "gives no IP address"},
	})
}
