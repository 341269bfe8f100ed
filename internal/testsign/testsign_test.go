package testsign_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"
	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/arc"
	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// base has what makes the canonicalisations differ: a folded field with
// runs of white space, and a body with trailing white space, tabs, UTF-8
// (a no-break space too, which is not white space) and trailing empty
// lines.
var base = testsign.CRLF(`From: Alice Example <alice@example.com>
To: Bob <bob@example.net>
Subject: Quarterly report,
	 folded  with   odd 	 spacing  
Date: Sun, 22 Nov 2026 06:00:00 +0000
Message-ID: <testsign@example.com>

Hello Bob,   
	Tabbed	line	
caf` + "\u00e9\u00a0" + `na` + "\u00ef" + `ve

`)

var (
	rsaKey = testsign.Key{Domain: "example.com", Selector: "rsa", Signer: testsign.RSA2048(0)}
	edKey  = testsign.Key{Domain: "example.com", Selector: "ed", Signer: testsign.Seed(1)}
)

// verifyBoth verifies the signatures of msg with go-msgauth and with
// package dkim, keys from DNS, and returns their results, top first.
func verifyBoth(t *testing.T, msg string, keys ...testsign.Key) (theirs []error, ours []*dkim.Result) {
	t.Helper()
	var records []string
	for _, k := range keys {
		records = append(records, k.TXT())
	}
	srv := dnstest.Start(t, strings.Join(records, "\n"))
	client := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second})
	verifs, err := msgauth.VerifyWithOptions(strings.NewReader(msg), &msgauth.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) { return client.LookupTXT(context.Background(), name) },
	})
	if err != nil {
		t.Fatalf("go-msgauth: %v", err)
	}
	for _, v := range verifs {
		theirs = append(theirs, v.Err)
	}
	m, err := message.Parse("signed.eml", []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	return theirs, dkim.Verify(context.Background(), client, m, dkim.Options{})
}

func TestSign(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	tests := []struct {
		name string
		key  testsign.Key
		opts testsign.Options
		// edit changes the message after signing, in a way the signature
		// must still cover.
		edit func(string) string
		// tags must stand in the field, in this order.
		tags []string
		// refused is a part of go-msgauth's error where it refuses what
		// the signer made on purpose (any l=, rsa-sha1); code is package
		// dkim's result code where it is not a pass.
		refused string
		code    dkim.Code
	}{
		{name: "rsa, defaults", key: rsaKey,
			tags: []string{"v=1;", "a=rsa-sha256;", "c=relaxed/relaxed;", "d=example.com;", "s=rsa;", "h=From:To:Subject:Date:Message-ID;", "bh="}},
		{name: "ed25519, simple/simple", key: edKey, opts: testsign.Options{Canon: "simple/simple"},
			tags: []string{"a=ed25519-sha256;", "c=simple/simple;"}},
		{name: "relaxed/simple", key: rsaKey, opts: testsign.Options{Canon: "relaxed/simple"}},
		{name: "simple/relaxed", key: edKey, opts: testsign.Options{Canon: "simple/relaxed"}},
		{name: "From oversigned, lower-case names", key: rsaKey, opts: testsign.Options{Headers: []string{"from", "subject", "from"}},
			tags: []string{"h=from:subject:from;"}},
		{name: "i=, t= and x=", key: edKey, opts: testsign.Options{Identity: "alice@mail.example.com", Time: now, Expires: now.Add(time.Hour)},
			tags: []string{"s=ed;", "i=alice@mail.example.com;", "t=" + strconv.FormatInt(now.Unix(), 10) + ";", "x=" + strconv.FormatInt(now.Add(time.Hour).Unix(), 10) + ";", "h="}},
		{name: "l= of the whole body, text appended", key: rsaKey, opts: testsign.Options{BodyLength: testsign.WholeBody},
			edit: func(m string) string { return m + "PS: appended\r\n" },
			tags: []string{"h=From:To:Subject:Date:Message-ID;", "l=41;", "bh="}, refused: "insecure body length"},
		{name: "l= shorter than the body", key: rsaKey, opts: testsign.Options{BodyLength: 10, Canon: "simple/simple"},
			edit: func(m string) string { return strings.Replace(m, "Tabbed", "Tapped", 1) },
			tags: []string{"l=10;"}, refused: "insecure body length"},
		{name: "rsa-sha1", key: rsaKey, opts: testsign.Options{Hash: crypto.SHA1}, tags: []string{"a=rsa-sha1;"}, refused: "too weak", code: dkim.CodeSHA1},
		{name: "an unknown tag", key: edKey, opts: testsign.Options{Extra: []string{"foo=bar"}}, tags: []string{"foo=bar;", "bh="}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			signed := testsign.Sign(base, tc.key, tc.opts)
			if !strings.HasSuffix(signed, base) || !strings.HasPrefix(signed, "DKIM-Signature: ") {
				t.Fatalf("the signature is not a field added on top:\n%s", signed)
			}
			field := strings.ReplaceAll(signed[:len(signed)-len(base)], "\r\n\t", " ")
			at := 0
			for _, tag := range tc.tags {
				i := strings.Index(field[at:], tag)
				if i < 0 {
					t.Fatalf("no %q after byte %d of %q", tag, at, field)
				}
				at += i + len(tag)
			}
			if tc.edit != nil {
				signed = tc.edit(signed)
			}
			theirs, ours := verifyBoth(t, signed, tc.key)
			if len(theirs) != 1 || (theirs[0] == nil) != (tc.refused == "") || theirs[0] != nil && !strings.Contains(theirs[0].Error(), tc.refused) {
				t.Errorf("go-msgauth: %v, want an error saying %q", theirs, tc.refused)
			}
			if len(ours) != 1 || (tc.code == "") != (ours[0].Result == result.Pass) || ours[0].Code != tc.code && tc.code != "" {
				t.Errorf("package dkim: %s (%s) %s, want pass or code %q", ours[0].Result, ours[0].Code, ours[0].Reason, tc.code)
			}
			if tc.code != "" && (ours[0].SignatureValid == nil || !*ours[0].SignatureValid) {
				t.Errorf("package dkim: the signature itself does not verify")
			}
		})
	}
}

// tag returns the value of a tag of the topmost signature field of msg.
func tag(t *testing.T, msg, name string) string {
	t.Helper()
	field := strings.ReplaceAll(msg[:strings.Index(msg, "\r\n\r\n")], "\r\n\t", "")
	for _, tv := range strings.Split(field[strings.Index(field, ":")+1:], ";") {
		if n, v, _ := strings.Cut(strings.TrimSpace(tv), "="); n == name {
			return strings.ReplaceAll(v, " ", "")
		}
	}
	t.Fatalf("no %s= in %q", name, field)
	return ""
}

// The body hash and l= agree with package dkim's canonicalisation, at the
// edges of both: no final CRLF, white space at the end, lone CR and LF,
// blank lines of white space, an empty body.
func TestBodyHash(t *testing.T) {
	bodies := []string{
		"", "\r\n", "\r\n\r\n\r\n", " \t \r\n", "a", "a  ", "a\r\n\r\n", "a \t b\t\r\n  c  \r\n \r\n\t\r\n",
		"a\rb\r\n", "a\nb\n", "a \r", "a\r", "\r", " \r\n\r\nb", "\u00a0x\u00a0 \r\n",
	}
	for _, canon := range []dkim.Canonicalization{dkim.Simple, dkim.Relaxed} {
		for _, body := range bodies {
			signed := testsign.Sign("From: a@example.com\r\n\r\n"+body, edKey,
				testsign.Options{Canon: "relaxed/" + string(canon), BodyLength: testsign.WholeBody})
			h, err := dkim.NewBodyHasher(canon, crypto.SHA256, -1)
			if err != nil {
				t.Fatal(err)
			}
			h.Write([]byte(body))
			want := base64.StdEncoding.EncodeToString(h.Sum())
			if got, l := tag(t, signed, "bh"), tag(t, signed, "l"); got != want || l != strconv.FormatInt(h.Length(), 10) {
				t.Errorf("%s %q: bh=%s l=%s, package dkim says %s, length %d", canon, body, got, l, want, h.Length())
			}
		}
	}
}

// A chain of two ARC sets made by Seal validates with package arc, and the
// second one passes although the message changed between them: each seal
// covers the sets below it, each AMS the message as it then was.
func TestSeal(t *testing.T) {
	list := testsign.Key{Domain: "lists.example.org", Selector: "arc", Signer: testsign.RSA2048(1)}
	fwd := testsign.Key{Domain: "forward.example", Selector: "arc", Signer: testsign.Seed(2)}
	when := time.Date(2026, 11, 22, 6, 0, 1, 0, time.UTC)
	m := testsign.Parse(testsign.Sign(base, rsaKey, testsign.Options{Time: when}))
	m.Seal(list, testsign.ARCOptions{AuthServID: "lists.example.org", Results: "dkim=pass header.d=example.com", Time: when,
		Headers: []string{"from", "to", "subject", "dkim-signature"}})
	m.Fields = append(m.Fields, "List-Id: <team.lists.example.org>\r\n")
	m.Body += "-- \r\nthe list's footer\r\n"
	m.Seal(fwd, testsign.ARCOptions{AuthServID: "mx.forward.example", Results: "arc=pass", Time: when.Add(time.Minute)})
	sealed := m.String()

	for _, want := range []string{"ARC-Seal: i=2; a=ed25519-sha256; t=", "; cv=pass; d=forward.example; s=arc;",
		"ARC-Authentication-Results: i=2; mx.forward.example;\r\n\tarc=pass\r\n", "ARC-Seal: i=1; a=rsa-sha256; t=", "; cv=none; d=lists.example.org;",
		"ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=lists.example.org; s=arc;"} {
		if !strings.Contains(sealed, want) {
			t.Errorf("no %q in\n%s", want, sealed)
		}
	}
	srv := dnstest.Start(t, list.TXT()+"\n"+fwd.TXT())
	parsed, err := message.Parse("sealed.eml", []byte(sealed))
	if err != nil {
		t.Fatal(err)
	}
	r := arc.Validate(context.Background(), resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second}), parsed)
	if r.Result != result.Pass || len(r.Instances) != 2 || r.OldestPass != 2 {
		t.Fatalf("%s (%s) %s, %d instances, oldest pass %d", r.Result, r.Code, r.Reason, len(r.Instances), r.OldestPass)
	}
	if first := r.Instances[0]; first.SealResult != result.Pass || first.AMSResult != result.Fail {
		t.Errorf("instance 1: seal %s, AMS %s (the footer came after it)", first.SealResult, first.AMSResult)
	}
	if second := r.Instances[1]; second.SealResult != result.Pass || second.AMSResult != result.Pass || second.CV != "pass" {
		t.Errorf("instance 2: seal %s, AMS %s, cv %s", second.SealResult, second.AMSResult, second.CV)
	}
}

// Sign and Seal make the same bytes every time: the committed samples
// depend on it.
func TestDeterministic(t *testing.T) {
	when := time.Unix(1796364000, 0)
	for _, k := range []testsign.Key{rsaKey, edKey} {
		sign := func() string {
			return testsign.Seal(testsign.Sign(base, k, testsign.Options{Time: when}), k, testsign.ARCOptions{AuthServID: "x.example", Time: when})
		}
		if a, b := sign(), sign(); a != b {
			t.Errorf("%s: two runs differ:\n%s\n%s", k.Selector, a, b)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		raw, string string
		fields      int
		body        string
	}{
		{raw: base, fields: 5, body: base[strings.Index(base, "\r\n\r\n")+4:]},
		{raw: "A: 1\r\n\tfolded\r\nB: 2\r\n\r\n", fields: 2},
		{raw: "\r\nbody only\r\n", body: "body only\r\n"},
		{raw: "A: 1\r\nB: 2\r\n", string: "A: 1\r\nB: 2\r\n\r\n", fields: 2},
		{raw: "A: 1", string: "A: 1\r\n\r\n", fields: 1},
	} {
		m := testsign.Parse(tc.raw)
		want := tc.string
		if want == "" {
			want = tc.raw
		}
		if len(m.Fields) != tc.fields || m.Body != tc.body || m.String() != want {
			t.Errorf("Parse(%q): %d fields %q, body %q, String %q", tc.raw, len(m.Fields), m.Fields, m.Body, m.String())
		}
	}
}

// TXT is a zone-file line whose strings (at most 255 bytes each) make up
// Record; Quote escapes what needs it.
func TestTXT(t *testing.T) {
	for _, k := range []testsign.Key{rsaKey, edKey} {
		rr, err := dns.NewRR(k.TXT("t=y"))
		if err != nil {
			t.Fatalf("%s: %v", k.TXT("t=y"), err)
		}
		txt := rr.(*dns.TXT)
		if rr.Header().Name != k.Selector+"._domainkey.example.com." || strings.Join(txt.Txt, "") != k.Record("t=y") {
			t.Errorf("%s: %s %q, want %q", k.Selector, rr.Header().Name, txt.Txt, k.Record("t=y"))
		}
		for _, s := range txt.Txt {
			if len(s) > 255 {
				t.Errorf("%s: a string of %d bytes", k.Selector, len(s))
			}
		}
		if !strings.HasPrefix(k.Record("t=y"), "v=DKIM1; k=") || !strings.Contains(k.Record("t=y"), "; t=y; p=") {
			t.Errorf("record %q", k.Record("t=y"))
		}
	}
	if got := testsign.Quote(`a "b" \c`); got != `"a \"b\" \\c"` {
		t.Errorf("Quote: %s", got)
	}
	if got := testsign.Quote(""); got != `""` {
		t.Errorf("Quote of nothing: %s", got)
	}
}

// LoadOrCreateKey makes a missing key once and reads it back after;
// LoadKey reads the PKCS #1 and seed files of the older fixtures too.
func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []string{"ed25519", "rsa1024"} {
		path := filepath.Join(dir, "new", kind+".pem")
		made, err := testsign.LoadOrCreateKey(path, kind)
		if err != nil {
			t.Fatal(err)
		}
		again, err := testsign.LoadOrCreateKey(path, kind)
		if err != nil {
			t.Fatal(err)
		}
		if !made.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(again.Public()) {
			t.Errorf("%s: a second call made another key", kind)
		}
	}
	pkcs1 := filepath.Join(dir, "rsa.pem")
	der := x509.MarshalPKCS1PrivateKey(testsign.RSA2048(0))
	os.WriteFile(pkcs1, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o644)
	seed := filepath.Join(dir, "ed25519.seed")
	os.WriteFile(seed, []byte(base64.StdEncoding.EncodeToString(testsign.Seed(3).Seed())+"\n"), 0o644)
	garbage := filepath.Join(dir, "garbage")
	os.WriteFile(garbage, []byte("not a key"), 0o644)
	if k, err := testsign.LoadKey(pkcs1); err != nil || !k.(*rsa.PrivateKey).Equal(testsign.RSA2048(0)) {
		t.Errorf("PKCS #1: %v", err)
	}
	if k, err := testsign.LoadKey(seed); err != nil || !bytes.Equal(k.Public().(ed25519.PublicKey), testsign.Seed(3).Public().(ed25519.PublicKey)) {
		t.Errorf("seed: %v", err)
	}
	if _, err := testsign.LoadKey(garbage); err == nil {
		t.Error("a file that holds no key loads")
	}
}
