package dkim

import (
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// conformanceDir holds the public DKIM test data (see its README.md,
// section 3). It is not part of the repository.
const conformanceDir = "../../../shared/conformance/dkim"

// txtValue is a record in cases.yml: a string, or {file: path} to read it
// from a fixture (final newline stripped).
type txtValue struct {
	Text string
	File string `yaml:"file"`
}

func (v *txtValue) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&v.Text)
	}
	type plain txtValue
	return n.Decode((*plain)(v))
}

func (v txtValue) read(t *testing.T) string {
	if v.File == "" {
		return v.Text
	}
	b, err := os.ReadFile(filepath.Join(conformanceDir, v.File))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// verifyCase is one message of cases.yml with the records it needs.
type verifyCase struct {
	ID        string              `yaml:"id"`
	Message   string              `yaml:"message"`
	Signature int                 `yaml:"signature"`
	DNS       map[string]txtValue `yaml:"dns"`
	Expect    string              `yaml:"expect"`
	Why       string              `yaml:"why"`
}

// load serves the case's records on a loopback DNS server and loads its
// message; data is the file as it is.
func (tc verifyCase) load(t *testing.T) (srv *dnstest.Server, m *message.Message, data []byte) {
	t.Helper()
	srv = dnstest.Start(t, "")
	for name, v := range tc.DNS {
		srv.Add(txtRecord(name, v.read(t)))
	}
	data, err := os.ReadFile(filepath.Join(conformanceDir, tc.Message))
	if err != nil {
		t.Fatal(err)
	}
	if m, err = message.Parse(tc.Message, data); err != nil {
		t.Fatal(err)
	}
	return srv, m, data
}

type conformanceCases struct {
	Verify    []verifyCase `yaml:"verify"`
	Roundtrip []struct {
		ID         string `yaml:"id"`
		Message    string `yaml:"message"`
		PrivateKey string `yaml:"private_key"`
		Selector   string `yaml:"selector"`
		Domain     string `yaml:"domain"`
		Records    []struct {
			TXT    txtValue `yaml:"txt"`
			Expect string   `yaml:"expect"`
		} `yaml:"records"`
		Pairs []struct {
			PrivateKey string   `yaml:"private_key"`
			Selector   string   `yaml:"selector"`
			TXT        txtValue `yaml:"txt"`
			Expect     string   `yaml:"expect"`
		} `yaml:"pairs"`
	} `yaml:"roundtrip"`
	Bodyhash []struct {
		Message         string  `yaml:"message"`
		BodyLiteral     *string `yaml:"body_literal"`
		SimpleSHA256    string  `yaml:"simple_sha256"`
		SimpleSHA1      string  `yaml:"simple_sha1"`
		RelaxedSHA256   string  `yaml:"relaxed_sha256"`
		RelaxedSHA1     string  `yaml:"relaxed_sha1"`
		RelaxedSHA256L0 string  `yaml:"relaxed_sha256_l0"`
	} `yaml:"bodyhash"`
}

func loadConformance(t *testing.T) *conformanceCases {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, "cases.yml"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("public conformance data not found at %s (it lives outside the repository, in shared/conformance); skipping", conformanceDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var c conformanceCases
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s/cases.yml: %v", conformanceDir, err)
	}
	return &c
}

// txtRecord writes a TXT record in master format: the owner escaped (one
// conformance name holds a parenthesis) and the data split into quoted
// strings of at most 255 bytes.
func txtRecord(name, data string) string {
	var owner strings.Builder
	for _, r := range name {
		if strings.ContainsRune(`();"\ `, r) {
			owner.WriteByte('\\')
		}
		owner.WriteRune(r)
	}
	return owner.String() + ". 300 IN TXT " + testsign.Quote(data)
}

func TestConformanceVerify(t *testing.T) {
	c := loadConformance(t)
	passed := 0
	for _, tc := range c.Verify {
		t.Run(tc.ID, func(t *testing.T) {
			srv, m, _ := tc.load(t)
			results := Verify(context.Background(), newClient(srv), m, Options{})
			if tc.Signature >= len(results) {
				t.Fatalf("%d signatures found, want index %d", len(results), tc.Signature)
			}
			r := results[tc.Signature]
			checkWellFormed(t, r)
			got := "fail"
			if r.Result == result.Pass {
				got = "pass"
			}
			if got != tc.Expect {
				t.Errorf("%s: %s (%s): %s; want %s (%s)", tc.Message, r.Result, r.Code, r.Reason, tc.Expect, tc.Why)
				return
			}
			passed++
			t.Logf("%s: %s (%s): %s", tc.Message, r.Result, r.Code, r.Reason)
		})
	}
	t.Logf("conformance verify: %d of %d cases as expected", passed, len(c.Verify))
}

func TestConformanceBodyHash(t *testing.T) {
	c := loadConformance(t)
	checked := 0
	for _, tc := range c.Bodyhash {
		var body []byte
		if tc.BodyLiteral != nil {
			// Convert bare LF to CRLF first, as the README says and as
			// message.Body does.
			lit := strings.ReplaceAll(*tc.BodyLiteral, "\r\n", "\n")
			body = []byte(strings.ReplaceAll(lit, "\n", "\r\n"))
		} else {
			data, err := os.ReadFile(filepath.Join(conformanceDir, tc.Message))
			if err != nil {
				t.Fatal(err)
			}
			m, err := message.Parse(tc.Message, data)
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(m.Body()); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []struct {
			c     Canonicalization
			h     crypto.Hash
			limit int64
			want  string
		}{
			{Simple, crypto.SHA256, -1, tc.SimpleSHA256},
			{Simple, crypto.SHA1, -1, tc.SimpleSHA1},
			{Relaxed, crypto.SHA256, -1, tc.RelaxedSHA256},
			{Relaxed, crypto.SHA1, -1, tc.RelaxedSHA1},
			{Relaxed, crypto.SHA256, 0, tc.RelaxedSHA256L0},
		} {
			if v.want == "" {
				continue
			}
			h, _ := NewBodyHasher(v.c, v.h, v.limit)
			h.Write(body)
			if got := base64.StdEncoding.EncodeToString(h.Sum()); got != v.want {
				t.Errorf("%s %s %v l=%d: %s, want %s", tc.Message, v.c, v.h, v.limit, got, v.want)
			}
			checked++
		}
	}
	t.Logf("conformance body hashes: %d vectors checked", checked)
}

// TestConformanceRoundtrip signs the unsigned dkimpy messages with their
// published test keys and verifies them against each listed key record,
// through DNS. It exercises key-record parsing (SubjectPublicKeyInfo and
// PKCS#1, implicit k=, bad v=, unknown k=, s=tlsrpt) end to end.
func TestConformanceRoundtrip(t *testing.T) {
	c := loadConformance(t)
	passed, total := 0, 0
	run := func(t *testing.T, msgFile, keyFile, domain, selector, record, expect string) {
		total++
		data, err := os.ReadFile(filepath.Join(conformanceDir, msgFile))
		if err != nil {
			t.Fatal(err)
		}
		key, err := testsign.LoadKey(filepath.Join(conformanceDir, keyFile))
		if err != nil {
			t.Fatal(err)
		}
		signed := []byte(testsign.Sign(string(crlfMessage(t, data)), testsign.Key{Domain: domain, Selector: selector, Signer: key},
			testsign.Options{Canon: "relaxed/simple", Headers: []string{"from", "to", "subject"}}))
		srv := dnstest.Start(t, "")
		srv.Add(txtRecord(selector+"._domainkey."+domain, record))
		m, err := message.Parse(msgFile, signed)
		if err != nil {
			t.Fatal(err)
		}
		r := Verify(context.Background(), newClient(srv), m, Options{})[0]
		checkWellFormed(t, r)
		got := "fail"
		if r.Result == result.Pass {
			got = "pass"
		}
		if got != expect {
			t.Errorf("%s signed with %s, record %q: %s (%s) %s; want %s", msgFile, keyFile, clip(record), r.Result, r.Code, r.Reason, expect)
			return
		}
		passed++
	}
	for _, g := range c.Roundtrip {
		for i, rec := range g.Records {
			t.Run(fmt.Sprintf("%s/%d", g.ID, i), func(t *testing.T) {
				run(t, g.Message, g.PrivateKey, g.Domain, g.Selector, rec.TXT.read(t), rec.Expect)
			})
		}
		for _, p := range g.Pairs {
			t.Run(g.ID+"/"+p.Selector, func(t *testing.T) {
				run(t, g.Message, p.PrivateKey, g.Domain, p.Selector, p.TXT.read(t), p.Expect)
			})
		}
	}
	t.Logf("conformance roundtrip: %d of %d key checks as expected", passed, total)
}

// TestConformanceOther covers the "other" notes of cases.yml that apply to
// a verifier.
func TestConformanceOther(t *testing.T) {
	loadConformance(t)
	bad, err := os.ReadFile(filepath.Join(conformanceDir, "dkimpy/test_bad.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseKey(strings.TrimSuffix(string(bad), "\n")); err == nil || err.(*Error).Code != CodeKeyMalformed || err.(*Error).Tag != "p" {
		t.Errorf("dkimpy/test_bad.txt: %v, want key_malformed on p=", err)
	}
	// Files that must not crash a verifier: non-UTF-8 bytes, and a real
	// message whose key is not available (it must fail cleanly).
	srv := dnstest.Start(t, "")
	for _, f := range []string{"dkimpy/rfc6376.w1258.msg", "dkimpy/message.mbox", "dkimpy/test_nofrom.message", "dkimpy/test_extra.message"} {
		data, err := os.ReadFile(filepath.Join(conformanceDir, f))
		if err != nil {
			t.Fatal(err)
		}
		m, err := message.Parse(f, data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range Verify(context.Background(), newClient(srv), m, Options{}) {
			checkWellFormed(t, r)
			if r.Result == result.Pass {
				t.Errorf("%s: pass without a key: %s", f, r.Reason)
			}
			t.Logf("%s: %s (%s)", f, r.Result, r.Code)
		}
	}
}

// TestConformanceRFC8463 checks the RFC 8463 Appendix A ed25519 vector in
// detail: the signature verifies and the body hash is the published one.
func TestConformanceRFC8463(t *testing.T) {
	loadConformance(t)
	data, err := os.ReadFile(filepath.Join(conformanceDir, "mailauth-rfc8463/signed.eml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse("signed.eml", data)
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.Start(t, "")
	srv.Add(txtRecord("brisbane._domainkey.football.example.com", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="))
	// Judged at the moment of signing: the vector's t= is 2018-06-10.
	signed := time.Unix(1528637909, 0)
	r := Verify(context.Background(), newClient(srv), m, Options{Now: signed, Received: signed.Add(time.Second)})
	if len(r) != 2 {
		t.Fatalf("%d signatures", len(r))
	}
	ed := r[0]
	if ed.Result != result.Pass || ed.Algorithm != "ed25519-sha256" || ed.KeyBits != 256 || !ed.BodyHashMatches ||
		ed.BodyHashComputed != "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=" || ed.SignatureValid == nil || !*ed.SignatureValid {
		t.Errorf("RFC 8463 ed25519: %+v", ed)
	}
	if r[1].Result != result.PermError || r[1].Code != CodeKeyNotFound {
		t.Errorf("RSA signature without its key: %s (%s)", r[1].Result, r[1].Code)
	}
}
