// Command mailbench makes the corpus of bench/mailbox.sh and serves its
// DNS zone on the loopback interface.
//
//	mailbench gen DIR        write DIR/zone.txt, DIR/msgs/0000.eml ... 0999.eml
//	                         (50 distinct messages from 40 senders, 20 copies
//	                         each, interleaved) and DIR/files.txt listing them
//	mailbench mbox DIR N OUT write an mbox of N messages, the 50 of DIR in turn
//	mailbench serve ZONE     serve ZONE on a free port of 127.0.0.1 until
//	                         stdin closes; the first line out is HOST:PORT
//
// Every sender signs with its own RSA-2048 key (relaxed/relaxed), publishes
// SPF with an include, DMARC p=reject and forward-confirmed reverse DNS for
// its server, and each zone has an SOA, as an authoritative server serves
// it. It is benchmark support, not part of Mail Inspector.
package main

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

const (
	senders  = 40
	distinct = 50
	copies   = 20
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: mailbench gen DIR | mbox DIR N OUT | serve ZONE")
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2])
	case "mbox":
		if len(os.Args) != 5 {
			fail("usage: mailbench mbox DIR N OUT")
		}
		n, perr := strconv.Atoi(os.Args[3])
		if perr != nil {
			fail("mbox: N: " + perr.Error())
		}
		err = mbox(os.Args[2], n, os.Args[4])
	case "serve":
		err = serve(os.Args[2])
	default:
		fail("unknown command " + os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "mailbench:", msg)
	os.Exit(2)
}

// sender is one sending domain and its server.
type sender struct {
	domain string
	ip     string // its outgoing server, 192.0.2.0/24 or 198.51.100.0/24
	key    testsign.Key
}

func gen(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "msgs"), 0o755); err != nil {
		return err
	}
	var zone strings.Builder
	zone.WriteString("$TTL 3600\n")
	soa := func(origin string) {
		fmt.Fprintf(&zone, "$ORIGIN %s.\n@ IN SOA ns1.%s. hostmaster.%s. 1 7200 900 1209600 300\n", origin, origin, origin)
	}
	soa("recipient.example")
	zone.WriteString("@ IN MX 10 mx\nmx IN A 203.0.113.10\n")
	for e := 0; e < 4; e++ {
		soa(fmt.Sprintf("esp%d.example", e))
		zone.WriteString("_spf IN TXT \"v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 -all\"\n")
	}
	soa("2.0.192.in-addr.arpa")
	soa("100.51.198.in-addr.arpa")
	var ss []sender
	for i := 0; i < senders; i++ {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return err
		}
		s := sender{domain: fmt.Sprintf("sender%02d.example", i), ip: fmt.Sprintf("192.0.2.%d", 10+i)}
		if i%2 == 1 {
			s.ip = fmt.Sprintf("198.51.100.%d", 10+i)
		}
		s.key = testsign.Key{Domain: s.domain, Selector: "s2026", Signer: key}
		ss = append(ss, s)
		soa(s.domain)
		fmt.Fprintf(&zone, "@ IN TXT \"v=spf1 include:_spf.esp%d.example -all\"\n", i%4)
		zone.WriteString("_dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@" + s.domain + "\"\n")
		fmt.Fprintf(&zone, "mail IN A %s\n", s.ip)
		zone.WriteString(s.key.TXT() + "\n")
		octets := strings.Split(s.ip, ".")
		fmt.Fprintf(&zone, "%s.%s.%s.%s.in-addr.arpa. IN PTR mail.%s.\n", octets[3], octets[2], octets[1], octets[0], s.domain)
	}
	if err := os.WriteFile(filepath.Join(dir, "zone.txt"), []byte(zone.String()), 0o644); err != nil {
		return err
	}

	paragraph := strings.Repeat("Thank you for your order. Your parcel leaves our warehouse today and should reach you within three days.\r\n", 36)
	when := time.Now().Add(-time.Hour).UTC()
	msgs := make([]string, distinct)
	for j := range msgs {
		s := ss[j%senders]
		date := when.Add(time.Duration(j) * time.Minute).Format(time.RFC1123Z)
		signed := testsign.CRLF(fmt.Sprintf(`From: Orders <orders@%[1]s>
To: alice@recipient.example
Subject: Your order %[2]d
Date: %[3]s
Message-ID: <order-%[2]d@%[1]s>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Order %[2]d

`, s.domain, j, date)) + paragraph
		signed = testsign.Sign(signed, s.key, testsign.Options{Time: when,
			Headers: []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}})
		trace := testsign.CRLF(fmt.Sprintf(`Return-Path: <bounce@%[1]s>
Received: from mail.%[1]s (mail.%[1]s [%[2]s])
	by mx.recipient.example (Postfix) with ESMTPS id 4A%[3]d
	(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384)
	for <alice@recipient.example>; %[4]s
`, s.domain, s.ip, j, date))
		msgs[j] = trace + signed
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("distinct-%02d.eml", j)), []byte(msgs[j]), 0o644); err != nil {
			return err
		}
	}
	var list strings.Builder
	for k := 0; k < distinct*copies; k++ {
		path := filepath.Join(dir, "msgs", fmt.Sprintf("%04d.eml", k))
		if err := os.WriteFile(path, []byte(msgs[k%distinct]), 0o644); err != nil {
			return err
		}
		list.WriteString(path + "\n")
	}
	return os.WriteFile(filepath.Join(dir, "files.txt"), []byte(list.String()), 0o644)
}

// mbox writes n messages, the distinct ones of dir in turn, as an mbox.
func mbox(dir string, n int, out string) error {
	var msgs [][]byte
	for j := 0; j < distinct; j++ {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("distinct-%02d.eml", j)))
		if err != nil {
			return err
		}
		msgs = append(msgs, []byte(strings.ReplaceAll(string(b), "\r\n", "\n")))
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for k := 0; k < n; k++ {
		fmt.Fprintf(w, "From orders@example Sat Jan  3 01:05:34 2026\n")
		w.Write(msgs[k%distinct])
		w.WriteString("\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func serve(zoneFile string) error {
	b, err := os.ReadFile(zoneFile)
	if err != nil {
		return err
	}
	srv, err := dnstest.Serve(string(b))
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Println(srv.Addr)
	io.Copy(io.Discard, os.Stdin)
	fmt.Fprintf(os.Stderr, "mailbench: served %d queries\n", srv.Queries())
	return nil
}
