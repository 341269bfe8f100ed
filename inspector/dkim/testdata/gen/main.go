//go:debug rsa1024min=0

// Command gen writes the DKIM test fixtures of package dkim: test keys
// (made once, then reused), signed messages (.eml, CRLF) and the zone that
// publishes the keys (dkim.zone). Run it from the package folder:
//
//	go run ./testdata/gen
//
// Messages are signed with github.com/emersion/go-msgauth's dkim.Sign, an
// independent signer. The few fixtures it cannot make (rsa-sha1, l=, a
// signature that does not cover From) are signed by internal/testsign,
// the project's test signer, which shares no code with package dkim.
package main

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/mailinspector/mailinspector/internal/testsign"
)

const dir = "testdata"

// base is the message every fixture starts from. Its header has folding,
// runs of spaces and tabs and trailing whitespace, and its body has trailing
// whitespace, tabs, UTF-8 and empty lines at the end, so that simple and
// relaxed canonicalisation give different results.
const base = "From: Alice Example <alice@example.com>\r\n" +
	"To: Bob Example <bob@example.net>\r\n" +
	"Subject: Quarterly report,\r\n\t folded  with   odd \t spacing  \r\n" +
	"Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n" +
	"Message-ID: <fixture@example.com>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Hello Bob,\r\n" +
	"\r\n" +
	"Here is the report.   Trailing spaces follow:   \r\n" +
	"\tTabbed line\twith\ttabs\t\r\n" +
	"Unicode: caf\u00e9, na\u00efve, \u65e5\u672c\u8a9e\r\n" +
	"\r\n" +
	"-- \r\n" +
	"Alice\r\n" +
	"\r\n" +
	"\r\n"

var signed = []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}

type keys struct {
	rsa2048, rsa1024, rsa512, ed crypto.Signer
}

func main() {
	log.SetFlags(0)
	k := loadKeys()
	writeZone(k)

	relaxed := sign(base, opts(k.rsa2048, "rsa2048", "relaxed/relaxed"))
	write("relaxed.eml", relaxed)
	write("simple.eml", sign(base, opts(k.rsa2048, "rsa2048", "simple/simple")))
	write("relaxed-simple.eml", sign(base, opts(k.rsa2048, "rsa2048", "relaxed/simple")))
	write("simple-relaxed.eml", sign(base, opts(k.rsa2048, "rsa2048", "simple/relaxed")))
	write("ed25519.eml", sign(base, opts(k.ed, "ed25519", "relaxed/relaxed")))
	write("ed25519-simple.eml", sign(base, opts(k.ed, "ed25519", "simple/simple")))
	// Two signatures of different algorithms and canonicalisations on one
	// message: verified in one pass over the body.
	write("two-signatures.eml", sign(sign(base, opts(k.ed, "ed25519", "simple/simple")), opts(k.rsa2048, "rsa2048", "relaxed/relaxed")))

	write("body-tampered.eml", strings.Replace(relaxed, "Here is the report.", "Here is the invoice.", 1))
	write("header-tampered.eml", strings.Replace(relaxed, "Subject: Quarterly report,", "Subject: Urgent payment,", 1))
	// Whitespace changes that relaxed tolerates and simple does not.
	reflow := func(m string) string {
		return strings.Replace(m, "Trailing spaces follow:   \r\n", "Trailing  spaces follow:\r\n", 1)
	}
	write("relaxed-reflowed.eml", reflow(relaxed))
	write("simple-reflowed.eml", reflow(sign(base, opts(k.rsa2048, "rsa2048", "simple/simple"))))

	write("weak1024.eml", sign(base, opts(k.rsa1024, "rsa1024", "relaxed/relaxed")))
	write("weak512.eml", sign(base, opts(k.rsa512, "rsa512", "relaxed/relaxed")))
	write("pkcs1.eml", sign(base, opts(k.rsa2048, "pkcs1", "relaxed/relaxed")))
	write("cname.eml", sign(base, opts(k.rsa2048, "alias", "relaxed/relaxed")))
	write("testing.eml", sign(base, opts(k.rsa2048, "testing", "relaxed/relaxed")))
	write("revoked.eml", sign(base, opts(k.rsa2048, "revoked", "relaxed/relaxed")))
	write("tlsrpt.eml", sign(base, opts(k.rsa2048, "tlsrpt", "relaxed/relaxed")))
	write("sha1only.eml", sign(base, opts(k.rsa2048, "sha1only", "relaxed/relaxed")))
	write("type-mismatch.eml", sign(base, opts(k.rsa2048, "edkey", "relaxed/relaxed")))
	write("bad-key.eml", sign(base, opts(k.rsa2048, "badkey", "relaxed/relaxed")))
	write("no-key.eml", sign(base, opts(k.rsa2048, "nokey", "relaxed/relaxed")))
	write("no-txt.eml", sign(base, opts(k.rsa2048, "notxt", "relaxed/relaxed")))
	write("two-keys.eml", sign(base, opts(k.rsa2048, "twokeys", "relaxed/relaxed")))
	write("hang.eml", sign(base, opts(k.rsa2048, "hang", "relaxed/relaxed")))
	write("servfail.eml", sign(base, opts(k.rsa2048, "servfail", "relaxed/relaxed")))

	o := opts(k.rsa2048, "rsa2048", "relaxed/relaxed")
	o.Identifier = "alice@other.example"
	write("identity-mismatch.eml", sign(base, o))
	o = opts(k.rsa2048, "rsa2048", "relaxed/relaxed")
	o.Identifier = "alice@mail.example.com"
	write("identity-subdomain.eml", sign(base, o))
	o = opts(k.rsa2048, "strict", "relaxed/relaxed")
	o.Identifier = "alice@mail.example.com"
	write("strict-subdomain.eml", sign(base, o))

	// x= one hour after signing; the tests choose the moments of receipt
	// and "now" around it.
	o = opts(k.rsa2048, "rsa2048", "relaxed/relaxed")
	o.Expiration = time.Now().Add(time.Hour)
	write("expiring.eml", sign(base, o))

	// A second From added on top after signing: the signature still
	// verifies (it covers the lower one) but the top one is not signed.
	write("from-added.eml", "From: Mallory <ceo@example.com>\r\n"+relaxed)
	// The same with From oversigned (h= lists it twice): now the added From
	// is selected and breaks the signature.
	o = opts(k.rsa2048, "rsa2048", "relaxed/relaxed")
	o.HeaderKeys = append([]string{"From"}, signed...)
	write("from-oversigned.eml", sign(base, o))
	write("from-oversigned-added.eml", "From: Mallory <ceo@example.com>\r\n"+sign(base, o))

	// Hand-edited signatures.
	sigRe := regexp.MustCompile(`bh=[^;]*;`)
	write("malformed.eml", sigRe.ReplaceAllString(relaxed, ""))
	write("unsupported-algorithm.eml", strings.Replace(relaxed, "a=rsa-sha256", "a=rsa-sha512", 1))
	write("bad-domain.eml", strings.Replace(relaxed, "d=example.com", "d=example.com(.attacker.example", 1))

	// Signed by internal/testsign: what go-msgauth will not make.
	write("sha1.eml", ownSign(base, k.rsa2048, testsign.Options{Hash: crypto.SHA1}))
	withL := ownSign(base, k.rsa2048, testsign.Options{BodyLength: testsign.WholeBody})
	write("length-exact.eml", withL)
	write("length-appended.eml", strings.TrimSuffix(withL, "\r\n\r\n")+"\r\n\r\nPS: click https://evil.example/pay to settle the invoice.\r\n")
	write("from-not-signed.eml", ownSign(base, k.rsa2048, testsign.Options{Headers: signed[1:]}))
}

func opts(signer crypto.Signer, selector, canon string) *msgauth.SignOptions {
	h, b, _ := strings.Cut(canon, "/")
	return &msgauth.SignOptions{
		Domain:                 "example.com",
		Selector:               selector,
		Signer:                 signer,
		HeaderCanonicalization: msgauth.Canonicalization(h),
		BodyCanonicalization:   msgauth.Canonicalization(b),
		HeaderKeys:             signed,
	}
}

func sign(msg string, o *msgauth.SignOptions) string {
	var out bytes.Buffer
	if err := msgauth.Sign(&out, strings.NewReader(msg), o); err != nil {
		log.Fatalf("go-msgauth sign (s=%s): %v", o.Selector, err)
	}
	return out.String()
}

// ownSign signs msg with the rsa2048 selector, relaxed/relaxed, signed
// now, for the cases go-msgauth refuses; o gives the rest.
func ownSign(msg string, key crypto.Signer, o testsign.Options) string {
	if o.Headers == nil {
		o.Headers = signed
	}
	o.Time = time.Now()
	return testsign.Sign(msg, testsign.Key{Domain: "example.com", Selector: "rsa2048", Signer: key}, o)
}

func write(name, content string) {
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", name)
}

// loadKeys reads the test keys from testdata/keys, making any that are
// missing.
func loadKeys() keys {
	load := func(name, kind string) crypto.Signer {
		key, err := testsign.LoadOrCreateKey(filepath.Join(dir, "keys", name), kind)
		if err != nil {
			log.Fatal(err)
		}
		return key
	}
	return keys{rsa2048: load("rsa2048.pem", "rsa2048"), rsa1024: load("rsa1024.pem", "rsa1024"),
		rsa512: load("rsa512.pem", "rsa512"), ed: load("ed25519.seed", "ed25519")}
}

// writeZone publishes the keys under example.com, one selector per case.
func writeZone(k keys) {
	record := func(key crypto.Signer, tags ...string) string {
		return testsign.Key{Signer: key}.Record(tags...)
	}
	var z strings.Builder
	z.WriteString("; Keys for the fixtures of package dkim, written by testdata/gen.\n$ORIGIN example.com.\n$TTL 300\n")
	txt := func(owner, record string) {
		fmt.Fprintf(&z, "%s IN TXT %s\n", owner, testsign.Quote(record))
	}
	txt("rsa2048._domainkey", record(k.rsa2048))
	txt("rsa1024._domainkey", record(k.rsa1024))
	txt("rsa512._domainkey", record(k.rsa512))
	txt("ed25519._domainkey", record(k.ed))
	txt("pkcs1._domainkey", "v=DKIM1; k=rsa; p="+base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&k.rsa2048.(*rsa.PrivateKey).PublicKey)))
	fmt.Fprintf(&z, "alias._domainkey IN CNAME keys.example.net.\n")
	txt("keys.example.net.", record(k.rsa2048))
	txt("testing._domainkey", record(k.rsa2048, "t=y"))
	txt("strict._domainkey", record(k.rsa2048, "t=s"))
	txt("revoked._domainkey", "v=DKIM1; k=rsa; p=")
	txt("tlsrpt._domainkey", record(k.rsa2048, "s=tlsrpt"))
	txt("sha1only._domainkey", record(k.rsa2048, "h=sha1"))
	txt("edkey._domainkey", record(k.ed))
	txt("badkey._domainkey", "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")
	fmt.Fprintf(&z, "notxt._domainkey IN A 192.0.2.1\n")
	txt("twokeys._domainkey", record(k.rsa2048))
	txt("twokeys._domainkey", record(k.ed))
	txt("hang._domainkey", record(k.rsa2048))
	txt("servfail._domainkey", record(k.rsa2048))
	if err := os.WriteFile(filepath.Join(dir, "dkim.zone"), []byte(z.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote dkim.zone")
}
