package arc

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// sealer adds ARC sets to messages, for tests only: go-msgauth has no ARC
// signer. It uses the dkim package's canonicalisation and this package's
// sealInput, so what it signs is exactly what Validate verifies; the
// suite's independently made messages guard against a shared mistake.
type sealer struct {
	domain, selector string
	key              *rsa.PrivateKey
	// authservID names the sealer in the AAR it writes.
	authservID string
	// signed are the fields its ARC-Message-Signature signs.
	signed []string
}

var (
	keysOnce sync.Once
	keys     [3]*rsa.PrivateKey
)

// testKey returns one of three RSA 2048 keys made once per test run.
func testKey(t testing.TB, n int) *rsa.PrivateKey {
	keysOnce.Do(func() {
		for i := range keys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[i] = k
		}
	})
	return keys[n]
}

// keyRecord is the DKIM key record of k, split into 255-byte strings for a
// zone file.
func keyRecord(k *rsa.PrivateKey) string {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	v := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	var parts []string
	for len(v) > 255 {
		parts = append(parts, `"`+v[:255]+`"`)
		v = v[255:]
	}
	return strings.Join(append(parts, `"`+v+`"`), " ")
}

// zoneLine is the TXT record that publishes the sealer's key.
func (s *sealer) zoneLine() string {
	return fmt.Sprintf("%s._domainkey.%s. 300 IN TXT %s", s.selector, s.domain, keyRecord(s.key))
}

// seal returns raw (a CRLF message) with a new ARC set on top: an AAR
// carrying results, an ARC-Message-Signature over s.signed and the body,
// and an ARC-Seal with the given cv over every set.
func (s *sealer) seal(t testing.TB, raw []byte, results, cv string, when int64) []byte {
	t.Helper()
	m, err := message.Parse("to-seal", raw)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := ParseSets(m)
	if err != nil {
		t.Fatalf("sealing a message whose chain is broken: %v", err)
	}
	i := len(sets) + 1

	aar := fmt.Sprintf("ARC-Authentication-Results: i=%d; %s;\r\n\t%s\r\n", i, s.authservID, results)

	bh, err := dkim.NewBodyHasher(dkim.Relaxed, crypto.SHA256, -1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(bh, m.Body()); err != nil {
		t.Fatal(err)
	}
	ams := fmt.Sprintf("ARC-Message-Signature: i=%d; a=rsa-sha256; c=relaxed/relaxed; d=%s;\r\n\ts=%s; t=%d; h=%s;\r\n\tbh=%s;\r\n\tb=",
		i, s.domain, s.selector, when, strings.Join(s.signed, ":"), base64.StdEncoding.EncodeToString(bh.Sum()))
	header := append([]message.Field{field(aar), field(ams + "\r\n")}, m.Header...)
	input, err := dkim.HeaderHashInput(dkim.Relaxed, header, s.signed, 1)
	if err != nil {
		t.Fatal(err)
	}
	ams += s.sign(t, input) + "\r\n"

	as := fmt.Sprintf("ARC-Seal: i=%d; a=rsa-sha256; cv=%s; d=%s; s=%s;\r\n\tt=%d; b=", i, cv, s.domain, s.selector, when)
	unsealed := append([]byte(as+"\r\n"+ams+aar), raw...)
	m2, err := message.Parse("to-seal", unsealed)
	if err != nil {
		t.Fatal(err)
	}
	sets2, err := ParseSets(m2)
	if err != nil {
		t.Fatal(err)
	}
	input, err = sealInput(m2.Header, sets2)
	if err != nil {
		t.Fatal(err)
	}
	as += s.sign(t, input) + "\r\n"
	return append([]byte(as+ams+aar), raw...)
}

// sign signs the SHA-256 hash of input and returns b= folded as signers do.
func (s *sealer) sign(t testing.TB, input []byte) string {
	sum := sha256.Sum256(input)
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	b := base64.StdEncoding.EncodeToString(sig)
	var lines []string
	for len(b) > 70 {
		lines = append(lines, b[:70])
		b = b[70:]
	}
	return strings.Join(append(lines, b), "\r\n\t")
}

// field makes a header field from its raw text (ending in CRLF).
func field(raw string) message.Field {
	name, _, _ := strings.Cut(raw, ":")
	return message.Field{Name: name, Raw: []byte(raw)}
}

// crlf turns a fixture written with LF into CRLF.
func crlf(s string) []byte {
	return bytes.ReplaceAll([]byte(strings.ReplaceAll(s, "\r\n", "\n")), []byte("\n"), []byte("\r\n"))
}
