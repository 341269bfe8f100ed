//go:debug rsa1024min=0

// Command gen writes the DKIM test fixtures of package dkim: test keys
// (made once, then reused), signed messages (.eml, CRLF) and the zone that
// publishes the keys (dkim.zone). Run it from the package folder:
//
//	go run ./testdata/gen
//
// Messages are signed with github.com/emersion/go-msgauth's dkim.Sign, an
// independent signer. The few fixtures it cannot make (rsa-sha1, l=, a
// signature that does not cover From) are signed by a small signer below
// built on this package's exported core; those are marked in the output.
package main

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
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
	rsa2048, rsa1024, rsa512 *rsa.PrivateKey
	ed                       ed25519.PrivateKey
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

	// Signed by our own signer: what go-msgauth will not make.
	write("sha1.eml", ownSign(base, k.rsa2048, "rsa2048", dkim.RSASHA1, signed, -1))
	bodyLen := canonicalLength(base)
	withL := ownSign(base, k.rsa2048, "rsa2048", dkim.RSASHA256, signed, bodyLen)
	write("length-exact.eml", withL)
	write("length-appended.eml", strings.TrimSuffix(withL, "\r\n\r\n")+"\r\n\r\nPS: click https://evil.example/pay to settle the invoice.\r\n")
	write("from-not-signed.eml", ownSign(base, k.rsa2048, "rsa2048", dkim.RSASHA256, signed[1:], -1))
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

// ownSign signs msg with rsa key priv, relaxed/relaxed, for the cases
// go-msgauth refuses. length is l=, or -1 for none.
func ownSign(msg string, priv *rsa.PrivateKey, selector string, algo dkim.Algorithm, headers []string, length int64) string {
	bodyStart := strings.Index(msg, "\r\n\r\n") + 4
	hasher, err := dkim.NewBodyHasher(dkim.Relaxed, algo.Hash(), length)
	if err != nil {
		log.Fatal(err)
	}
	hasher.Write([]byte(msg[bodyStart:]))
	bh := base64.StdEncoding.EncodeToString(hasher.Sum())
	tags := fmt.Sprintf("v=1; a=%s; c=relaxed/relaxed; d=example.com; s=%s;\r\n\tt=%d; h=%s;", algo, selector, time.Now().Unix(), strings.Join(headers, ":"))
	if length >= 0 {
		tags += " l=" + strconv.FormatInt(length, 10) + ";"
	}
	field := "DKIM-Signature: " + tags + "\r\n\tbh=" + bh + ";\r\n\tb="
	m, err := message.Parse("sign", []byte(field+"\r\n"+msg))
	if err != nil {
		log.Fatal(err)
	}
	input, err := dkim.HeaderHashInput(dkim.Relaxed, m.Header, headers, 0)
	if err != nil {
		log.Fatal(err)
	}
	h := algo.Hash().New()
	h.Write(input)
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv, algo.Hash(), h.Sum(nil))
	if err != nil {
		log.Fatal(err)
	}
	b := base64.StdEncoding.EncodeToString(sig)
	var folded strings.Builder
	for len(b) > 72 {
		folded.WriteString(b[:72] + "\r\n\t ")
		b = b[72:]
	}
	folded.WriteString(b)
	return field + folded.String() + "\r\n" + msg
}

func canonicalLength(msg string) int64 {
	h, _ := dkim.NewBodyHasher(dkim.Relaxed, crypto.SHA256, -1)
	h.Write([]byte(msg[strings.Index(msg, "\r\n\r\n")+4:]))
	h.Close()
	return h.Length()
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
	os.MkdirAll(filepath.Join(dir, "keys"), 0o755)
	var k keys
	k.rsa2048 = rsaKey("rsa2048.pem", 2048)
	k.rsa1024 = rsaKey("rsa1024.pem", 1024)
	k.rsa512 = rsaKey("rsa512.pem", 512)
	path := filepath.Join(dir, "keys", "ed25519.seed")
	seed, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			log.Fatal(err)
		}
		seed = []byte(base64.StdEncoding.EncodeToString(priv.Seed()) + "\n")
		if err := os.WriteFile(path, seed, 0o644); err != nil {
			log.Fatal(err)
		}
	} else if err != nil {
		log.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(seed)))
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	k.ed = ed25519.NewKeyFromSeed(raw)
	return k
}

func rsaKey(name string, bits int) *rsa.PrivateKey {
	path := filepath.Join(dir, "keys", name)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		key, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			log.Fatal(err)
		}
		b = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		if err := os.WriteFile(path, b, 0o644); err != nil {
			log.Fatal(err)
		}
	} else if err != nil {
		log.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		log.Fatalf("%s: no PEM block", path)
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	return key
}

// writeZone publishes the keys under example.com, one selector per case.
func writeZone(k keys) {
	spki := func(pub any) string {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			log.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(der)
	}
	rsa2048 := spki(&k.rsa2048.PublicKey)
	ed := base64.StdEncoding.EncodeToString(k.ed.Public().(ed25519.PublicKey))
	var z strings.Builder
	z.WriteString("; Keys for the fixtures of package dkim, written by testdata/gen.\n$ORIGIN example.com.\n$TTL 300\n")
	txt := func(owner, record string) {
		fmt.Fprintf(&z, "%s IN TXT %s\n", owner, quote(record))
	}
	txt("rsa2048._domainkey", "v=DKIM1; k=rsa; p="+rsa2048)
	txt("rsa1024._domainkey", "v=DKIM1; k=rsa; p="+spki(&k.rsa1024.PublicKey))
	txt("rsa512._domainkey", "v=DKIM1; k=rsa; p="+spki(&k.rsa512.PublicKey))
	txt("ed25519._domainkey", "v=DKIM1; k=ed25519; p="+ed)
	txt("pkcs1._domainkey", "v=DKIM1; k=rsa; p="+base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(&k.rsa2048.PublicKey)))
	fmt.Fprintf(&z, "alias._domainkey IN CNAME keys.example.net.\n")
	txt("keys.example.net.", "v=DKIM1; k=rsa; p="+rsa2048)
	txt("testing._domainkey", "v=DKIM1; k=rsa; t=y; p="+rsa2048)
	txt("strict._domainkey", "v=DKIM1; k=rsa; t=s; p="+rsa2048)
	txt("revoked._domainkey", "v=DKIM1; k=rsa; p=")
	txt("tlsrpt._domainkey", "v=DKIM1; k=rsa; s=tlsrpt; p="+rsa2048)
	txt("sha1only._domainkey", "v=DKIM1; k=rsa; h=sha1; p="+rsa2048)
	txt("edkey._domainkey", "v=DKIM1; k=ed25519; p="+ed)
	txt("badkey._domainkey", "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")
	fmt.Fprintf(&z, "notxt._domainkey IN A 192.0.2.1\n")
	txt("twokeys._domainkey", "v=DKIM1; k=rsa; p="+rsa2048)
	txt("twokeys._domainkey", "v=DKIM1; k=ed25519; p="+ed)
	txt("hang._domainkey", "v=DKIM1; k=rsa; p="+rsa2048)
	txt("servfail._domainkey", "v=DKIM1; k=rsa; p="+rsa2048)
	if err := os.WriteFile(filepath.Join(dir, "dkim.zone"), []byte(z.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote dkim.zone")
}

// quote writes TXT data as quoted strings of at most 255 bytes each, as
// master format requires.
func quote(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	parts = append(parts, `"`+s+`"`)
	return strings.Join(parts, " ")
}
