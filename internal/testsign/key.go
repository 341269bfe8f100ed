// Package testsign signs messages for the tests of Mail Inspector: DKIM
// signatures (RFC 6376, RFC 8463) with the tags a test chooses, and ARC sets
// (RFC 8617). It also loads and makes the keys, and writes the DNS records
// that publish them for the loopback DNS server of the tests
// (inspector/resolver/dnstest).
//
// It is test support code: it shares no code with the verifiers it tests
// (its canonicalisation is its own, and its tests check its signatures
// with go-msgauth and with the project's verifiers), and it panics on a
// misuse (a key it cannot sign with, a bad option) rather than returning
// an error. Its signatures are deterministic (RSA PKCS #1 v1.5 and
// Ed25519): the same key, tags and message give the same bytes, which the
// committed sample messages in assets/samples rely on.
package testsign

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Key is a signing key and where its public half is published: at
// Selector._domainkey.Domain. Copy it to publish the same key under
// another selector.
type Key struct {
	Domain, Selector string
	// Signer is an *rsa.PrivateKey or an ed25519.PrivateKey.
	Signer crypto.Signer
}

// algorithm is the a= value for signing with k and hash h.
func (k Key) algorithm(h crypto.Hash) string {
	switch k.Signer.(type) {
	case ed25519.PrivateKey:
		return "ed25519-sha256"
	case *rsa.PrivateKey:
		if h == crypto.SHA1 {
			return "rsa-sha1"
		}
		return "rsa-sha256"
	}
	panic(fmt.Sprintf("testsign: cannot sign with a %T", k.Signer))
}

// sign signs data's hash h and returns the signature in base64. Ed25519
// signs the SHA-256 digest as its message (RFC 8463).
func (k Key) sign(h crypto.Hash, data string) string {
	var opts crypto.SignerOpts = h
	if _, ok := k.Signer.(ed25519.PrivateKey); ok {
		h, opts = crypto.SHA256, crypto.Hash(0)
	}
	d := h.New()
	d.Write([]byte(data))
	sig, err := k.Signer.Sign(rand.Reader, d.Sum(nil), opts)
	if err != nil {
		panic("testsign: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// Record is the DKIM key record of k's public half (RFC 6376 section
// 3.6.1): "v=DKIM1; k=rsa; p=..." with tags (each "name=value", such as
// "t=y") between k= and p=.
func (k Key) Record(tags ...string) string {
	var kt string
	var pub []byte
	switch key := k.Signer.Public().(type) {
	case ed25519.PublicKey:
		kt, pub = "ed25519", key
	default:
		der, err := x509.MarshalPKIXPublicKey(key)
		if err != nil {
			panic("testsign: " + err.Error())
		}
		kt, pub = "rsa", der
	}
	all := append(append([]string{"v=DKIM1", "k=" + kt}, tags...), "p="+base64.StdEncoding.EncodeToString(pub))
	return strings.Join(all, "; ")
}

// TXT is the zone-file line that publishes k.Record(tags...):
// "selector._domainkey.domain. IN TXT "..."", with no TTL (the zone's
// $TTL, or dnstest's default, applies).
func (k Key) TXT(tags ...string) string {
	return fmt.Sprintf("%s._domainkey.%s. IN TXT %s", k.Selector, k.Domain, Quote(k.Record(tags...)))
}

// Quote writes text as the data of a TXT record in zone-file form: quoted
// strings of at most 255 bytes each, with " and \ escaped.
func Quote(text string) string {
	var parts []string
	for {
		n := min(len(text), 255)
		chunk := strings.ReplaceAll(strings.ReplaceAll(text[:n], `\`, `\\`), `"`, `\"`)
		parts = append(parts, `"`+chunk+`"`)
		text = text[n:]
		if text == "" {
			return strings.Join(parts, " ")
		}
	}
}

// Seed returns the Ed25519 key whose seed is 32 bytes of b: a fixed key,
// the same in every run, for tests that need no key file.
func Seed(b byte) ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = b
	}
	return ed25519.NewKeyFromSeed(seed)
}

var shared struct {
	sync.Mutex
	keys []*rsa.PrivateKey
}

// RSA2048 returns the n-th (from 0) of a set of RSA keys of 2048 bits made
// on first use and shared by the whole test binary: distinct keys for
// tests that publish them at run time, without paying for a new key in
// every test.
func RSA2048(n int) *rsa.PrivateKey {
	shared.Lock()
	defer shared.Unlock()
	for len(shared.keys) <= n {
		shared.keys = append(shared.keys, generate("rsa2048").(*rsa.PrivateKey))
	}
	return shared.keys[n]
}

// generate makes a key of a kind: "ed25519", or "rsa" and a size in bits
// ("rsa2048").
func generate(kind string) crypto.Signer {
	if kind == "ed25519" {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic("testsign: " + err.Error())
		}
		return key
	}
	bits, err := strconv.Atoi(strings.TrimPrefix(kind, "rsa"))
	if !strings.HasPrefix(kind, "rsa") || err != nil {
		panic(fmt.Sprintf("testsign: unknown kind of key %q", kind))
	}
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic("testsign: " + err.Error())
	}
	return key
}

// LoadKey reads a private key file: PEM (PKCS #1 "RSA PRIVATE KEY" or
// PKCS #8 "PRIVATE KEY"), or an Ed25519 seed in base64.
func LoadKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if block, _ := pem.Decode(b); block != nil {
		if block.Type == "RSA PRIVATE KEY" {
			key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			return key, nil
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("%s: a %T cannot sign", path, key)
		}
		return signer, nil
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%s: neither PEM nor a base64 Ed25519 seed", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// LoadOrCreateKey reads the key at path (as LoadKey does), first making it
// when there is no such file: a key of kind ("ed25519", "rsa2048",
// "rsa1024", ...) written as PKCS #8 PEM. Such keys sign test messages
// only; they protect nothing.
func LoadOrCreateKey(path, kind string) (crypto.Signer, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		der, err := x509.MarshalPKCS8PrivateKey(generate(kind))
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o644); err != nil {
			return nil, err
		}
	}
	return LoadKey(path)
}
