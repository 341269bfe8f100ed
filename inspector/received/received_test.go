package received

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestParseFixtures reads real-looking lines of each MTA, one fixture file
// per MTA, and checks every field Parse fills.
func TestParseFixtures(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		// Postfix: "from helo (rdns [ip])", TLS in a comment of its own.
		{"postfix.txt", 0, Received{FromHELO: "mail-wr1-f54.google.com", FromRDNS: "mail-wr1-f54.google.com", FromIP: ip("209.85.221.54"),
			By: "mx.example.org", Software: "Postfix", With: "ESMTPS", ID: "4F3Xd2r5yz9sT", For: "bob@example.org",
			TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384", Bits: "256/256"}, Encrypted: true,
			Time: date("2021-03-02T10:15:32+01:00")}, ""},
		{"postfix.txt", 1, Received{RDNSUnknown: true, FromHELO: "[192.168.1.23]", FromIP: ip("198.51.100.77"),
			By: "smtp.example.com", Software: "Postfix", With: "ESMTPSA", ID: "0C2A1C0F3A", For: "bob@example.org",
			Encrypted: true, Authenticated: true, AuthenticatedAs: "alice@example.com",
			Time: date("2021-03-02T10:15:29+01:00")}, ""},
		{"postfix.txt", 2, Received{FromHELO: "localhost", FromRDNS: "localhost", FromIP: ip("127.0.0.1"),
			By: "mail.example.org", Software: "Postfix", With: "ESMTP", ID: "8E1A33F9A2", For: "bob@example.org",
			Time: date("2021-03-02T09:15:33Z")}, ""},
		{"postfix.txt", 3, Received{FromHELO: "out.example.net", FromRDNS: "out.example.net", FromIP: ip("2001:db8:4::25"),
			By: "mx.example.org", Software: "Postfix", With: "ESMTPS", ID: "4F3Xd30000z9sV", For: "bob@example.org",
			TLS: &TLS{Version: "TLSv1.2", Cipher: "ECDHE-RSA-AES256-GCM-SHA384", Bits: "256/256"}, Encrypted: true,
			Time: date("2021-03-02T10:15:34+01:00")}, ""},
		{"postfix.txt", 4, Received{By: "mail.example.org", Software: "Postfix", ID: "3F1E2A0C4B",
			NotHop: "local submission", Time: date("2021-03-02T10:15:30+01:00")}, ""},

		// Exim: "from rdns ([ip]:port helo=name)"; TLS as "(TLS1.3) tls CIPHER".
		{"exim.txt", 0, Received{FromHELO: "smtp.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.example.org", Software: "Exim 4.96", With: "esmtps", ID: "1lH2Kq-0003Rb-Uu", For: "bob@example.org",
			EnvelopeFrom: "alice@example.com", TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384"}, Encrypted: true,
			Time: date("2021-03-02T10:15:32+01:00")}, ""},
		{"exim.txt", 1, Received{RDNSUnknown: true, FromHELO: "[192.168.0.10]", FromIP: ip("198.51.100.7"),
			By: "smtp.example.com", Software: "Exim 4.94.2", With: "esmtpsa", ID: "1lH2Kp-0003Ra-Ts",
			EnvelopeFrom: "alice@example.com", TLS: &TLS{Version: "TLSv1.2", Cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
			Encrypted: true, Authenticated: true, Time: date("2021-03-02T10:15:30+01:00")}, ""},
		{"exim.txt", 2, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.example.org", Software: "Exim 4.92", With: "esmtp", ID: "1lH2Kq-0003Rb-Uw", For: "bob@example.org",
			EnvelopeFrom: "<>", Time: date("2021-03-02T10:15:32+01:00")}, ""},
		{"exim.txt", 3, Received{FromHELO: "relay.example.net", FromRDNS: "relay.example.net", FromIP: ip("203.0.113.9"),
			By: "mx.example.org", Software: "Exim 4.89", With: "esmtps", ID: "1lH2Kr-0003Rc-Vx", For: "bob@example.org",
			EnvelopeFrom: "list-bounces@example.net", TLS: &TLS{Version: "TLSv1.2", Cipher: "ECDHE_RSA_AES_256_GCM_SHA384", Bits: "256"},
			Encrypted: true, Time: date("2021-03-02T10:15:33+01:00")}, ""},

		// Sendmail: "(version=... cipher=... bits=... verify=...)" after the id.
		{"sendmail.txt", 0, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.example.org", Software: "8.15.2/8.15.2", With: "ESMTPS", ID: "122AFWxQ012345", For: "bob@example.org",
			TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384", Bits: "256"}, Encrypted: true,
			Time: date("2021-03-02T10:15:32+01:00")}, ""},
		{"sendmail.txt", 1, Received{RDNSUnknown: true, FromHELO: "smtp.example.com", FromRDNS: "host-77.example.net", FromIP: ip("198.51.100.77"),
			By: "mx.example.org", Software: "8.14.7/8.14.7", With: "ESMTP", ID: "122AFW3a012346", For: "bob@example.org",
			Time: date("2021-03-02T10:15:33+01:00")}, "may be forged"},
		{"sendmail.txt", 2, Received{By: "ws.example.com", Software: "8.15.2/8.15.2/Submit", ID: "122AFTmX001234",
			NotHop: "local submission by the user alice@localhost", Time: date("2021-03-02T10:15:29+01:00")}, ""},
		{"sendmail.txt", 3, Received{FromHELO: "laptop.example.com", FromRDNS: "dsl-7.example.net", FromIP: ip("198.51.100.7"),
			By: "smtp.example.com", Software: "8.15.2/8.15.2", With: "ESMTPSA", ID: "122AFUkZ001235", For: "bob@example.org",
			TLS: &TLS{Version: "TLSv1.2", Cipher: "ECDHE-RSA-AES256-GCM-SHA384", Bits: "256"}, Encrypted: true, Authenticated: true,
			Time: date("2021-03-02T10:15:30+01:00")}, ""},

		// qmail: "from rdns (HELO name) (ip)", and local hand-offs.
		{"qmail.txt", 0, Received{Software: "qmail", NotHop: "qmail's record", Time: date("2021-03-02T09:15:32Z")}, ""},
		{"qmail.txt", 1, Received{RDNSUnknown: true, FromHELO: "mail.example.com", FromIP: ip("192.0.2.1"), By: "mx.example.org", With: "SMTP",
			Time: date("2021-03-02T09:15:32Z")}, ""},
		{"qmail.txt", 2, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.example.org", With: "ESMTPA", Authenticated: true, Time: date("2021-03-02T09:15:31Z")}, ""},
		{"qmail.txt", 3, Received{Software: "qmail", NotHop: "qmail's record", Time: date("2021-03-02T09:15:33Z")}, ""},
		{"qmail.txt", 4, Received{FromHELO: "host.example.net", FromRDNS: "host.example.net", FromIP: ip("2001:db8::5"),
			By: "mx.example.org", With: "ESMTPS", TLS: &TLS{Cipher: "ECDHE-RSA-AES256-GCM-SHA384"}, Encrypted: true,
			Time: date("2021-03-02T09:15:34Z")}, ""},

		// Exchange and Office 365: "from helo (ip) by host (ip) with
		// Microsoft SMTP Server (version=TLS1_2, cipher=...)".
		{"exchange.txt", 0, Received{FromHELO: "AM6PR08MB4712.eurprd08.prod.outlook.com", FromIP: ip("2603:10a6:20b:c4::18"),
			By: "VI1PR08MB3117.eurprd08.prod.outlook.com", With: "HTTPS", Encrypted: true,
			Time: date("2021-03-02T09:15:34Z")}, ""},
		{"exchange.txt", 1, Received{FromHELO: "AM6PR08MB4712.eurprd08.prod.outlook.com", FromIP: ip("2603:10a6:20b:c4::18"),
			By: "AM6PR08MB4712.eurprd08.prod.outlook.com", ByIP: ip("2603:10a6:20b:c4::18"), With: "Microsoft SMTP Server", ID: "15.20.3890.28",
			TLS: &TLS{Version: "TLSv1.2", Cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}, Encrypted: true,
			Time: date("2021-03-02T09:15:33Z")}, ""},
		{"exchange.txt", 2, Received{FromHELO: "VE1EUR03FT012.eop-EUR03.prod.protection.outlook.com", FromIP: ip("2603:10a6:208:4a::27"),
			By: "AM6PR08MB4712.eurprd08.prod.outlook.com", ByIP: ip("2603:10a6:20b:c4::18"), With: "Microsoft SMTP Server", ID: "15.20.3890.28",
			Via: "Frontend Transport", TLS: &TLS{Version: "TLSv1.2", Cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}, Encrypted: true,
			Time: date("2021-03-02T09:15:33Z")}, ""},
		{"exchange.txt", 3, Received{FromHELO: "mail-wr1-f54.google.com", FromIP: ip("209.85.221.54"),
			By: "VE1EUR03FT012.mail.protection.outlook.com", ByIP: ip("10.152.18.106"), With: "Microsoft SMTP Server", ID: "15.20.3890.19",
			Via: "Frontend Transport", TLS: &TLS{Version: "TLSv1.2", Cipher: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, Encrypted: true,
			Time: date("2021-03-02T09:15:32Z")}, ""},
		{"exchange.txt", 4, Received{RDNSUnknown: true, FromHELO: "EXCH01.corp.example.com", FromIP: ip("fe80::a1b2:c3d4:e5f6:1234%12"),
			By: "EXCH02.corp.example.com", ByIP: ip("fe80::9f8e:7d6c:5b4a:3928%14"), With: "mapi", ID: "14.03.0487.000",
			Time: date("2021-03-02T10:15:30+01:00")}, ""},

		// Gmail: "from helo (rdns. [ip]) by mx.google.com with ESMTPS id ...
		// for <x> (version=TLS1_3 cipher=... bits=256/256)".
		{"gmail.txt", 0, Received{By: "2002:a05:6402:1c6b:0:0:0:0", ByIP: ip("2002:a05:6402:1c6b::"), With: "SMTP", ID: "x11csp1234567edb",
			Time: date("2021-03-02T01:15:33-08:00")}, ""},
		{"gmail.txt", 1, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.google.com", With: "ESMTPS", ID: "s12si1234567wrt.123.2021.03.02.01.15.32", For: "bob@gmail.com",
			TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384", Bits: "256/256"}, Encrypted: true,
			Time: date("2021-03-02T01:15:32-08:00")}, ""},
		{"gmail.txt", 2, Received{FromHELO: "mail-sor-f41.google.com", FromRDNS: "mail-sor-f41.google.com", FromIP: ip("209.85.220.41"),
			By: "mx.google.com", With: "SMTPS", ID: "a1sor1234567wrx.12.2021.03.02.01.15.31", For: "bob@gmail.com",
			TLS: &TLS{}, Encrypted: true, Time: date("2021-03-02T01:15:31-08:00")}, ""},
		{"gmail.txt", 3, Received{FromHELO: "mail-pj1-x1030.google.com", FromRDNS: "mail-pj1-x1030.google.com", FromIP: ip("2607:f8b0:4864:20::1030"),
			By: "mx.google.com", With: "ESMTPS", ID: "13si2345678pgz.321.2021.03.02.01.15.31", For: "bob@gmail.com",
			TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384", Bits: "256/256"}, Encrypted: true,
			Time: date("2021-03-02T01:15:31-08:00")}, ""},
		{"gmail.txt", 4, Received{RDNSUnknown: true, FromHELO: "[192.168.1.20]", FromIP: ip("198.51.100.7"),
			By: "smtp.gmail.com", With: "ESMTPSA", ID: "k5sm1234567wrx.12.2021.03.02.01.15.30", For: "bob@example.org",
			TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384", Bits: "256/256"}, Encrypted: true, Authenticated: true,
			Time: date("2021-03-02T01:15:30-08:00")}, ""},

		// Fastmail: Postfix at the edge, then internal hops to Cyrus (LMTPA).
		{"fastmail.txt", 0, Received{FromHELO: "mailauth.nyi.internal", FromRDNS: "compute3.internal", FromIP: ip("10.202.2.43"),
			By: "sloti12n01", Software: "Cyrus 3.5.0-alpha0-1234-g12345678-fm-20210301.001-g12345678", With: "LMTPA", Authenticated: true,
			Time: date("2021-03-02T04:15:33-05:00")}, ""},
		{"fastmail.txt", 1, Received{RDNSUnknown: true, FromHELO: "mx6.messagingengine.com", FromIP: ip("10.202.2.205"),
			By: "compute2.internal", Software: "LMTPProxy", Time: date("2021-03-02T04:15:33-05:00")}, ""},
		{"fastmail.txt", 2, Received{FromHELO: "mx6.messagingengine.com", FromRDNS: "localhost", FromIP: ip("127.0.0.1"),
			By: "mailmx.nyi.internal", Software: "Postfix", With: "ESMTP", ID: "4A1B2C3D4E", For: "bob@fastmail.com",
			Time: date("2021-03-02T04:15:33-05:00")}, ""},
		{"fastmail.txt", 3, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx6.messagingengine.com", Software: "Postfix", With: "ESMTPS", For: "bob@fastmail.com",
			TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384", Bits: "256/256"}, Encrypted: true,
			Time: date("2021-03-02T04:15:32-05:00")}, ""},

		// Haraka: "envelope-from <x>" after the id, TLS last.
		{"haraka.txt", 0, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "haraka.example.org", Software: "Haraka/3.0.3", With: "ESMTPS", ID: "1A2B3C4D-5E6F-4A8B-9C0D-1E2F3A4B5C6D.1",
			EnvelopeFrom: "alice@example.com", TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384"}, Encrypted: true,
			Time: date("2021-03-02T09:15:32Z")}, ""},
		{"haraka.txt", 1, Received{FromHELO: "laptop", FromRDNS: "dsl-7.example.net", FromIP: ip("198.51.100.7"),
			By: "haraka.example.org", Software: "Haraka/3.0.3", With: "ESMTPSA", ID: "6E7F8A9B-0C1D-4E2F-8A3B-4C5D6E7F8A9B.1",
			EnvelopeFrom: "alice@example.com", TLS: &TLS{Version: "TLSv1.2", Cipher: "ECDHE-RSA-AES128-GCM-SHA256"}, Encrypted: true,
			Authenticated: true, Time: date("2021-03-02T09:15:30Z")}, ""},

		// OpenSMTPD: "(TLSv1.3:CIPHER:256:NO)".
		{"opensmtpd.txt", 0, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.example.org", Software: "OpenSMTPD", With: "ESMTPS", ID: "3f6a9c21", For: "bob@example.org",
			TLS: &TLS{Version: "TLSv1.3", Cipher: "TLS_AES_256_GCM_SHA384", Bits: "256"}, Encrypted: true,
			Time: date("2021-03-02T10:15:32+01:00")}, ""},

		// Broken fields: read what can be read, say what could not.
		{"broken.txt", 0, Received{FromHELO: "mail.example.com", FromRDNS: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.example.org", With: "ESMTP", ID: "abc", Time: date("2021-03-02T10:15:32+01:00")}, "parenthesis is not closed"},
		{"broken.txt", 1, Received{RDNSUnknown: true, FromHELO: "mail.example.com", FromIP: ip("192.0.2.1"),
			By: "mx.example.org", With: "SMTP", ID: "42", Time: date("2021-03-02T10:15:32+01:00")}, `no ";" before the date`},
		{"broken.txt", 3, Received{RDNSUnknown: true, FromHELO: "mail.example.com", FromIP: ip("192.0.2.1"), By: "mx.example.org"},
			`"yesterday at noon" could not be read`},
		{"broken.txt", 4, Received{FromHELO: "mail.example.com", By: "mx.example.org", With: "SMTP",
			Time: date("2021-03-02T10:15:32+01:00")}, `"[300.1.2.3]" in the "from" clause is not a valid IP address`},
		{"broken.txt", 5, Received{RDNSUnknown: true, FromHELO: "from.example.com", FromIP: ip("192.0.2.1"), By: "by.example.org", With: "with",
			Time: date("2021-03-02T10:15:32+01:00")}, ""},
	})
}

// fixtureCase is one field of a fixture file, by its place in the file,
// and everything Parse must read from it.
type fixtureCase struct {
	file  string
	index int
	want  Received
	note  string // a substring of Note, or "" for no note
}

// checkFixtures parses each case's field and compares every field of the
// result; a fixture's fields must all be readable.
func checkFixtures(t *testing.T, tests []fixtureCase) {
	t.Helper()
	cache := map[string][]string{}
	for _, tt := range tests {
		fields, ok := cache[tt.file]
		if !ok {
			fields = fixtureFields(t, "testdata/"+tt.file)
			cache[tt.file] = fields
		}
		if tt.index >= len(fields) {
			t.Fatalf("%s has %d fields, no field %d", tt.file, len(fields), tt.index)
		}
		raw := fields[tt.index]
		got, err := Parse(raw)
		if err != nil {
			t.Errorf("%s[%d]: unexpected error %v", tt.file, tt.index, err)
			continue
		}
		checkReceived(t, tt.file, tt.index, got, tt.want, tt.note)
		if got.Raw != squeezeSpace(raw) {
			t.Errorf("%s[%d]: Raw = %q, want the unfolded field", tt.file, tt.index, got.Raw)
		}
	}
}

func checkReceived(t *testing.T, file string, index int, got *Received, want Received, note string) {
	t.Helper()
	g := *got
	if !g.Time.Equal(want.Time) {
		t.Errorf("%s[%d]: Time = %v, want %v", file, index, g.Time, want.Time)
	}
	g.Time, want.Time = time.Time{}, time.Time{}
	gotNote := g.Note
	if !strings.Contains(g.NotHop, want.NotHop) || (g.NotHop == "") != (want.NotHop == "") {
		t.Errorf("%s[%d]: NotHop = %q, want one that says %q", file, index, g.NotHop, want.NotHop)
	}
	g.Raw, g.Note, g.NotHop, want.NotHop = "", "", "", ""
	if !reflect.DeepEqual(g, want) {
		t.Errorf("%s[%d]:\n got %+v\nwant %+v", file, index, g, want)
		if !reflect.DeepEqual(g.TLS, want.TLS) {
			t.Errorf("  TLS got %+v want %+v", g.TLS, want.TLS)
		}
	}
	switch {
	case note == "" && gotNote != "":
		t.Errorf("%s[%d]: unexpected note %q", file, index, gotNote)
	case note != "" && !strings.Contains(gotNote, note):
		t.Errorf("%s[%d]: note %q does not say %q", file, index, gotNote, note)
	}
}

// TestParseUnreadable checks that a field with nothing to read is kept raw
// with a note, and reported as ErrUnreadable, never dropped.
func TestParseUnreadable(t *testing.T) {
	for _, raw := range []string{"", "   ", "garbage that is no Received field at all", "(", ")]>", ";", "\"unterminated"} {
		got, err := Parse(raw)
		if got == nil {
			t.Fatalf("Parse(%q) returned nil", raw)
		}
		if !errors.Is(err, ErrUnreadable) {
			t.Errorf("Parse(%q) error = %v, want ErrUnreadable", raw, err)
		}
		if got.Note == "" {
			t.Errorf("Parse(%q) has no note", raw)
		}
		if got.Raw != squeezeSpace(raw) {
			t.Errorf("Parse(%q).Raw = %q", raw, got.Raw)
		}
	}
}

func TestParseProtocol(t *testing.T) {
	tests := []struct {
		name      string
		tls, auth bool
		known     bool
	}{
		{"SMTP", false, false, true},
		{"ESMTP", false, false, true},
		{"ESMTPA", false, true, true},
		{"ESMTPS", true, false, true},
		{"ESMTPSA", true, true, true},
		{"esmtpsa", true, true, true},
		{"LMTP", false, false, true},
		{"LMTPA", false, true, true},
		{"UTF8SMTPS", true, false, true},
		{"UTF8SMTPSA", true, true, true},
		{"SMTPS", true, false, true},
		{"HTTP", false, false, true},
		{"HTTPS", true, false, true},
		{"Microsoft SMTP Server", false, false, true},
		{"LMTPProxy", false, false, false},
		{"ESMTPX", false, false, false},
	}
	for _, tt := range tests {
		p := ParseProtocol(tt.name)
		if p.TLS != tt.tls || p.Auth != tt.auth || p.Known != tt.known || p.Name != tt.name {
			t.Errorf("ParseProtocol(%q) = %+v, want tls=%v auth=%v known=%v", tt.name, p, tt.tls, tt.auth, tt.known)
		}
	}
}

func TestParseAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"[192.0.2.1]", "192.0.2.1"},
		{"192.0.2.1:25", "192.0.2.1"},
		{"192.0.2.1.63559", "192.0.2.1"},
		{"192.0.2.1.65536", ""},
		{"192.0.2.1:50024", "192.0.2.1"},
		{"IPv6:2001:db8::1", "2001:db8::1"},
		{"[IPv6:2001:db8::1]", "2001:db8::1"},
		{"ipv6:2001:DB8::1", "2001:db8::1"},
		{"[2001:db8::1]", "2001:db8::1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"IPv6:::ffff:192.0.2.1", "192.0.2.1"},
		{"user@192.0.2.1", "192.0.2.1"},
		{"fe80::1%eth0", "fe80::1%eth0"},
		{"300.1.2.3", ""},
		{"mail.example.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		a, ok := parseAddr(tt.in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("parseAddr(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseTLS(t *testing.T) {
	tests := []struct {
		in   string
		want *TLS
	}{
		{"using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519", &TLS{"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256/256"}},
		{"version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", &TLS{"TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", ""}},
		{"version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128", &TLS{"TLSv1.3", "TLS_AES_128_GCM_SHA256", "128/128"}},
		{"TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256", &TLS{"TLSv1.2", "ECDHE_RSA_AES_256_GCM_SHA384", "256"}},
		{"TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO", &TLS{"TLSv1.3", "TLS_AES_256_GCM_SHA384", "256"}},
		{"TLS1.3", &TLS{Version: "TLSv1.3"}},
		{"SSLv3", &TLS{Version: "SSLv3"}},
		{"Google Transport Security", &TLS{}},
		{"Postfix", nil},
		{"version=1.0", nil},
		{"Exim 4.96", nil},
	}
	for _, tt := range tests {
		got := parseTLS(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseTLS(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
