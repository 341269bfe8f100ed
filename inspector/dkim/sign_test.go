package dkim

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// testSign signs a CRLF message with this package's core, for tests that
// need a signature made at run time (round trips with published test keys,
// benchmarks on generated bodies). The fixtures in testdata are signed by
// go-msgauth instead, so that they do not depend on this code.
func testSign(t testing.TB, msg []byte, key crypto.Signer, algo Algorithm, domain, selector string, hc, bc Canonicalization, headers []string) []byte {
	t.Helper()
	m, err := message.Parse("sign", msg)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewBodyHasher(bc, algo.Hash(), -1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(h, m.Body()); err != nil {
		t.Fatal(err)
	}
	field := fmt.Sprintf("DKIM-Signature: v=1; a=%s; c=%s/%s; d=%s; s=%s;\r\n\th=%s;\r\n\tbh=%s;\r\n\tb=",
		algo, hc, bc, domain, selector, strings.Join(headers, ":"), base64.StdEncoding.EncodeToString(h.Sum()))
	withField := append([]byte(field+"\r\n"), msg...)
	m, err = message.Parse("sign", withField)
	if err != nil {
		t.Fatal(err)
	}
	input, err := HeaderHashInput(hc, m.Header, headers, 0)
	if err != nil {
		t.Fatal(err)
	}
	hh := algo.Hash().New()
	hh.Write(input)
	opts := crypto.SignerOpts(algo.Hash())
	if _, ok := key.(ed25519.PrivateKey); ok {
		opts = crypto.Hash(0)
	}
	sig, err := key.Sign(rand.Reader, hh.Sum(nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(field+base64.StdEncoding.EncodeToString(sig)+"\r\n"), msg...)
}

// crlfMessage returns a message file with CRLF line endings, as message
// normalises it, for signing.
func crlfMessage(t testing.TB, data []byte) []byte {
	t.Helper()
	m, err := message.Parse("msg", data)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range m.Header {
		b.Write(f.Raw)
	}
	b.WriteString("\r\n")
	io.Copy(&b, m.Body())
	return b.Bytes()
}
