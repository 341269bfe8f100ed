package dkim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// startDNS serves testdata/dkim.zone, with the "hang" selector never
// answering and the "servfail" selector answering SERVFAIL.
func startDNS(t testing.TB) (*dnstest.Server, *resolver.Client) {
	t.Helper()
	srv := dnstest.StartFile(t, "testdata/dkim.zone")
	srv.Hang("hang._domainkey.example.com")
	srv.Handle("servfail._domainkey.example.com", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeServerFailure)
		w.WriteMsg(m)
	})
	return srv, newClient(srv)
}

func newClient(srv *dnstest.Server) *resolver.Client {
	return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond})
}

func load(t testing.TB, name string) *message.Message {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// signedAt is the t= of the first signature of m, from which the tests set
// the moments of receipt and "now" (the fixtures carry the time they were
// generated).
func signedAt(t testing.TB, m *message.Message) time.Time {
	t.Helper()
	for _, f := range m.Header {
		if strings.EqualFold(f.Name, "DKIM-Signature") {
			_, v, _ := strings.Cut(string(f.Raw), ":")
			s, _ := ParseSignature(v)
			if s != nil && !s.Timestamp.IsZero() {
				return s.Timestamp
			}
		}
	}
	return time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
}

func expirationOf(t testing.TB, m *message.Message) time.Time {
	t.Helper()
	_, v, _ := strings.Cut(string(m.Header[0].Raw), ":")
	s, err := ParseSignature(v)
	if err != nil || s.Expiration.IsZero() {
		t.Fatalf("no x= in the first field: %v", err)
	}
	return s.Expiration
}

// expect is what one Result must show; empty fields are not checked.
type expect struct {
	result   result.Result
	code     Code
	warnings []Code // exactly these warning codes, in order (nil: none)
	bits     int
	check    func(t *testing.T, r *Result)
}

func TestVerifyFixtures(t *testing.T) {
	_, client := startDNS(t)
	const day = 24 * time.Hour
	// Default moments: received a minute after signing, judged a day later.
	normal := func(ts time.Time) Options { return Options{Received: ts.Add(time.Minute), Now: ts.Add(day)} }
	signatureOK := func(want bool) func(*testing.T, *Result) {
		return func(t *testing.T, r *Result) {
			if r.SignatureValid == nil || *r.SignatureValid != want {
				t.Errorf("signature_valid = %v, want %v", r.SignatureValid, want)
			}
		}
	}
	bodyOK := func(t *testing.T, r *Result) {
		if !r.BodyChecked || !r.BodyHashMatches || r.BodyHashComputed != r.BodyHashExpected {
			t.Errorf("body: checked %v, matches %v, %s vs %s", r.BodyChecked, r.BodyHashMatches, r.BodyHashComputed, r.BodyHashExpected)
		}
	}
	both := func(fs ...func(*testing.T, *Result)) func(*testing.T, *Result) {
		return func(t *testing.T, r *Result) {
			for _, f := range fs {
				f(t, r)
			}
		}
	}
	reasonHas := func(s string) func(*testing.T, *Result) {
		return func(t *testing.T, r *Result) {
			if !strings.Contains(r.Reason, s) {
				t.Errorf("reason %q does not contain %q", r.Reason, s)
			}
		}
	}
	pass := expect{result: result.Pass, code: CodeOK, bits: 2048, check: both(bodyOK, signatureOK(true))}

	tests := []struct {
		name       string
		file       string
		headerOnly bool
		opts       func(signed time.Time, m *message.Message) Options
		want       []expect
	}{
		{name: "relaxed", file: "relaxed.eml", want: []expect{pass}},
		{name: "simple", file: "simple.eml", want: []expect{pass}},
		{name: "relaxed/simple", file: "relaxed-simple.eml", want: []expect{pass}},
		{name: "simple/relaxed", file: "simple-relaxed.eml", want: []expect{pass}},
		{name: "ed25519", file: "ed25519.eml", want: []expect{{result: result.Pass, code: CodeOK, bits: 256, check: bodyOK}}},
		{name: "ed25519 simple", file: "ed25519-simple.eml", want: []expect{{result: result.Pass, code: CodeOK, bits: 256}}},
		{name: "two signatures", file: "two-signatures.eml", want: []expect{pass, {result: result.Pass, code: CodeOK, bits: 256, check: bodyOK}}},
		{name: "two signatures, limit 1", file: "two-signatures.eml",
			opts: func(ts time.Time, m *message.Message) Options { o := normal(ts); o.MaxSignatures = 1; return o },
			want: []expect{pass, {result: result.Neutral, code: CodeSkipped, check: reasonHas("at most 1")}}},
		{name: "relaxed survives whitespace changes", file: "relaxed-reflowed.eml", want: []expect{pass}},
		{name: "simple does not", file: "simple-reflowed.eml", want: []expect{{result: result.Fail, code: CodeBodyHashMismatch, check: signatureOK(true)}}},
		{name: "body changed", file: "body-tampered.eml", want: []expect{{result: result.Fail, code: CodeBodyHashMismatch, check: both(signatureOK(true), reasonHas("body was changed"))}}},
		{name: "header changed", file: "header-tampered.eml", want: []expect{{result: result.Fail, code: CodeSignatureMismatch, check: both(bodyOK, signatureOK(false), reasonHas("body itself is unchanged"))}}},
		{name: "1024-bit key", file: "weak1024.eml", want: []expect{{result: result.Pass, code: CodeWeakKey, warnings: []Code{CodeWeakKey}, bits: 1024}}},
		{name: "512-bit key", file: "weak512.eml", want: []expect{{result: result.Fail, code: CodeKeyTooWeak, bits: 512, check: reasonHas("512-bit")}}},
		{name: "PKCS#1 key", file: "pkcs1.eml", want: []expect{{result: result.Pass, code: CodeOK, bits: 2048, check: func(t *testing.T, r *Result) {
			if r.Key.Encoding != "pkcs1" {
				t.Errorf("encoding %q", r.Key.Encoding)
			}
		}}}},
		{name: "key via CNAME", file: "cname.eml", want: []expect{{result: result.Pass, code: CodeOK, bits: 2048, check: func(t *testing.T, r *Result) {
			if !r.Key.ViaCNAME || !slices.Equal(r.Key.CNAME, []string{"keys.example.net."}) || !strings.HasPrefix(r.Key.Record, "v=DKIM1; k=rsa; p=MII") || r.Key.Name != "alias._domainkey.example.com" {
				t.Errorf("key %+v", r.Key)
			}
		}}}},
		{name: "testing key", file: "testing.eml", want: []expect{{result: result.Pass, code: CodeTesting, warnings: []Code{CodeTesting}, bits: 2048}}},
		{name: "revoked key", file: "revoked.eml", want: []expect{{result: result.PermError, code: CodeKeyRevoked, check: reasonHas("revoked")}}},
		{name: "key for tlsrpt only", file: "tlsrpt.eml", want: []expect{{result: result.PermError, code: CodeServiceNotAllowed}}},
		{name: "key allows only sha1", file: "sha1only.eml", want: []expect{{result: result.PermError, code: CodeHashNotAllowed}}},
		{name: "ed25519 key for rsa signature", file: "type-mismatch.eml", want: []expect{{result: result.PermError, code: CodeKeyTypeMismatch}}},
		{name: "malformed key", file: "bad-key.eml", want: []expect{{result: result.PermError, code: CodeKeyMalformed, check: reasonHas("p=")}}},
		{name: "no key (NXDOMAIN)", file: "no-key.eml", want: []expect{{result: result.PermError, code: CodeKeyNotFound, check: reasonHas("No key is published at nokey._domainkey.example.com (the name does not exist)")}}},
		{name: "no key (NODATA)", file: "no-txt.eml", want: []expect{{result: result.PermError, code: CodeKeyNotFound, check: reasonHas("no TXT record")}}},
		{name: "two TXT records", file: "two-keys.eml", want: []expect{{result: result.PermError, code: CodeMultipleKeys}}},
		{name: "DNS timeout", file: "hang.eml", want: []expect{{result: result.TempError, code: CodeDNSError, check: reasonHas("try again later")}}},
		{name: "SERVFAIL", file: "servfail.eml", want: []expect{{result: result.TempError, code: CodeDNSError}}},
		{name: "i= outside d=", file: "identity-mismatch.eml", want: []expect{{result: result.PermError, code: CodeIdentityMismatch, check: both(signatureOK(true), func(t *testing.T, r *Result) {
			if r.IdentityAligned {
				t.Error("identity_aligned")
			}
		})}}},
		{name: "i= in a subdomain", file: "identity-subdomain.eml", want: []expect{{result: result.Pass, code: CodeOK, check: func(t *testing.T, r *Result) {
			if !r.IdentityAligned || r.Identity != "alice@mail.example.com" {
				t.Errorf("identity %q aligned %v", r.Identity, r.IdentityAligned)
			}
		}}}},
		{name: "i= in a subdomain with t=s", file: "strict-subdomain.eml", want: []expect{{result: result.PermError, code: CodeIdentityMismatch, check: reasonHas("t=s")}}},
		{name: "expired before receipt", file: "expiring.eml",
			opts: func(ts time.Time, m *message.Message) Options {
				x := expirationOf(t, m)
				return Options{Received: x.Add(time.Hour), Now: x.Add(day)}
			},
			want: []expect{{result: result.PermError, code: CodeExpired, check: both(signatureOK(true), reasonHas("before the message was received"), reasonHas("intact"), func(t *testing.T, r *Result) {
				if !r.ExpiredAtReceipt || !r.ExpiredNow || r.JudgedAt != "receipt" || r.Expiration == nil {
					t.Errorf("times %+v", r)
				}
			})}}},
		{name: "expired since delivery", file: "expiring.eml",
			opts: func(ts time.Time, m *message.Message) Options {
				return Options{Received: ts.Add(time.Minute), Now: expirationOf(t, m).Add(day)}
			},
			want: []expect{{result: result.Pass, code: CodeExpiredSinceDelivery, warnings: []Code{CodeExpiredSinceDelivery}, check: func(t *testing.T, r *Result) {
				if r.ExpiredAtReceipt || !r.ExpiredNow || !strings.Contains(r.Warnings[0].Text, "expired since delivery") {
					t.Errorf("times %+v", r)
				}
			}}}},
		{name: "expired, receipt unknown", file: "expiring.eml",
			opts: func(ts time.Time, m *message.Message) Options { return Options{Now: expirationOf(t, m).Add(day)} },
			want: []expect{{result: result.PermError, code: CodeExpired, check: both(reasonHas("unknown"), func(t *testing.T, r *Result) {
				if r.JudgedAt != "now" || !r.ExpiredNow || r.ExpiredAtReceipt {
					t.Errorf("times %+v", r)
				}
			})}}},
		{name: "not yet expired", file: "expiring.eml",
			opts: func(ts time.Time, m *message.Message) Options {
				return Options{Received: ts.Add(time.Minute), Now: ts.Add(10 * time.Minute)}
			},
			want: []expect{pass}},
		{name: "signed after receipt", file: "relaxed.eml",
			opts: func(ts time.Time, m *message.Message) Options {
				return Options{Received: ts.Add(-time.Hour), Now: ts.Add(day)}
			},
			want: []expect{{result: result.Neutral, code: CodeFuture, check: both(signatureOK(true), func(t *testing.T, r *Result) {
				if !r.FutureAtReceipt || r.FutureNow {
					t.Errorf("times %+v", r)
				}
			})}}},
		{name: "signed in the future, receipt unknown", file: "relaxed.eml",
			opts: func(ts time.Time, m *message.Message) Options { return Options{Now: ts.Add(-time.Hour)} },
			want: []expect{{result: result.Neutral, code: CodeFuture, check: reasonHas("unknown")}}},
		{name: "within clock skew", file: "relaxed.eml",
			opts: func(ts time.Time, m *message.Message) Options {
				return Options{Received: ts.Add(-4 * time.Minute), Now: ts.Add(-4 * time.Minute)}
			},
			want: []expect{pass}},
		{name: "From added after signing", file: "from-added.eml", want: []expect{{result: result.Pass, code: CodeExtraUnsignedInstance, warnings: []Code{CodeExtraUnsignedInstance}, check: func(t *testing.T, r *Result) {
			if !slices.Equal(r.UnsignedDuplicates, []string{"From"}) || !strings.Contains(r.Warnings[0].Text, "DANGER") || !strings.Contains(r.Reason, "do not trust the sender") {
				t.Errorf("duplicates %q, warnings %q, reason %q", r.UnsignedDuplicates, r.Warnings, r.Reason)
			}
		}}}},
		{name: "From oversigned", file: "from-oversigned.eml", want: []expect{pass}},
		{name: "From oversigned, then added", file: "from-oversigned-added.eml", want: []expect{{result: result.Fail, code: CodeSignatureMismatch}}},
		{name: "From not signed", file: "from-not-signed.eml", want: []expect{{result: result.PermError, code: CodeFromNotSigned, check: both(signatureOK(true), reasonHas("From"))}}},
		{name: "malformed signature", file: "malformed.eml", want: []expect{{result: result.Neutral, code: CodeMalformed, check: both(reasonHas("bh="), func(t *testing.T, r *Result) {
			if r.Domain != "example.com" || r.Selector != "rsa2048" {
				t.Errorf("malformed signature not named: %q %q", r.Domain, r.Selector)
			}
		})}}},
		{name: "unknown algorithm", file: "unsupported-algorithm.eml", want: []expect{{result: result.Neutral, code: CodeUnsupportedAlgorithm, check: reasonHas("rsa-sha512")}}},
		{name: "invalid d=", file: "bad-domain.eml", want: []expect{{result: result.Neutral, code: CodeMalformed, check: reasonHas("d=")}}},
		{name: "rsa-sha1", file: "sha1.eml", want: []expect{{result: result.Fail, code: CodeSHA1, check: both(bodyOK, signatureOK(true), reasonHas("intact"))}}},
		{name: "l= covering the whole body", file: "length-exact.eml", want: []expect{{result: result.Pass, code: CodeOK, check: func(t *testing.T, r *Result) {
			if r.BodyLength == nil || *r.BodyLength != r.CanonicalBodyBytes || r.UnsignedBytes != 0 {
				t.Errorf("l= %v, body %d, unsigned %d", r.BodyLength, r.CanonicalBodyBytes, r.UnsignedBytes)
			}
		}}}},
		{name: "l= with text appended", file: "length-appended.eml", want: []expect{{result: result.Pass, code: CodeUnsignedContent, warnings: []Code{CodeUnsignedContent}, check: both(bodyOK, func(t *testing.T, r *Result) {
			if r.UnsignedBytes != r.CanonicalBodyBytes-*r.BodyLength || r.UnsignedBytes != int64(len(r.UnsignedText)) ||
				!strings.Contains(r.UnsignedText, "https://evil.example/pay") || r.UnsignedTruncated {
				t.Errorf("unsigned %d of %d: %q", r.UnsignedBytes, r.CanonicalBodyBytes, r.UnsignedText)
			}
		})}}},
		{name: "header only", file: "relaxed.eml", headerOnly: true, want: []expect{{result: result.Pass, code: CodeBodyNotChecked, warnings: []Code{CodeBodyNotChecked}, check: both(signatureOK(true), reasonHas("body was not available"), func(t *testing.T, r *Result) {
			if r.BodyChecked || r.BodyHashComputed != "" || r.BodyHashMatches || r.BodyHashExpected == "" {
				t.Errorf("body: %+v", r)
			}
		})}}},
		{name: "header only, body changed", file: "body-tampered.eml", headerOnly: true, want: []expect{{result: result.Pass, code: CodeBodyNotChecked, warnings: []Code{CodeBodyNotChecked}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			parse := message.Parse
			if tt.headerOnly {
				parse = message.ParseHeaderOnly
			}
			m, err := parse(tt.file, data)
			if err != nil {
				t.Fatal(err)
			}
			ts := signedAt(t, m)
			opts := normal(ts)
			if tt.opts != nil {
				opts = tt.opts(ts, m)
			}
			results := Verify(context.Background(), client, m, opts)
			if len(results) != len(tt.want) {
				t.Fatalf("%d results, want %d", len(results), len(tt.want))
			}
			for i, r := range results {
				w := tt.want[i]
				if r.Result != w.result || r.Code != w.code {
					t.Errorf("result %d: %s (%s), want %s (%s)\nreason: %s\nwarnings: %q", i, r.Result, r.Code, w.result, w.code, r.Reason, r.Warnings)
				}
				if codes := warningCodes(r); !slices.Equal(codes, w.warnings) {
					t.Errorf("result %d: warning codes %q, want %q (%q)", i, codes, w.warnings, r.Warnings)
				}
				if w.bits != 0 && r.KeyBits != w.bits {
					t.Errorf("result %d: key_bits %d, want %d", i, r.KeyBits, w.bits)
				}
				if w.check != nil {
					w.check(t, r)
				}
				checkWellFormed(t, r)
			}
		})
	}
}

// checkWellFormed checks what every result must have, whatever it says.
func checkWellFormed(t *testing.T, r *Result) {
	t.Helper()
	if !r.Result.Known() || r.Result == result.SoftFail {
		t.Errorf("result word %q", r.Result)
	}
	if r.Code == "" || len(r.Reason) < 20 || strings.HasSuffix(r.Reason, "..") {
		t.Errorf("code %q reason %q", r.Code, r.Reason)
	}
	for _, w := range r.Warnings {
		if w.Code == "" || w.Text == "" {
			t.Errorf("warning %q without a code or a text", w)
		}
	}
	if r.Result == result.Pass && r.Code != CodeOK && (len(r.Warnings) == 0 || r.Warnings[0].Code != r.Code) {
		t.Errorf("pass with code %s but warnings %q", r.Code, r.Warnings)
	}
	if r.BodyChecked != (r.BodyHashComputed != "") {
		t.Errorf("body_checked %v with computed hash %q", r.BodyChecked, r.BodyHashComputed)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
}

// TestResultJSON pins the public JSON field names.
func TestResultJSON(t *testing.T) {
	_, client := startDNS(t)
	m := load(t, "relaxed.eml")
	ts := signedAt(t, m)
	r := Verify(context.Background(), client, m, Options{Now: ts.Add(time.Hour)})[0]
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	wantPrefix := `{"domain":"example.com","selector":"rsa2048","algorithm":"rsa-sha256","result":"pass","reason":"`
	if !bytes.HasPrefix(b, []byte(wantPrefix)) || !bytes.Contains(b, []byte(`"key_bits":2048,"code":"ok"`)) {
		t.Errorf("JSON starts %s", b[:min(len(b), 200)])
	}
	var back map[string]any
	json.Unmarshal(b, &back)
	for _, k := range []string{"canonicalization", "identity", "identity_aligned", "signed_headers", "timestamp", "key",
		"body_checked", "body_hash_expected", "body_hash_computed", "expired_now", "expired_at_receipt", "future_now", "future_at_receipt"} {
		if _, ok := back[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	key := back["key"].(map[string]any)
	for _, k := range []string{"name", "record", "type", "bits", "testing", "strict", "revoked", "via_cname", "dnssec_ad"} {
		if _, ok := key[k]; !ok {
			t.Errorf("JSON key lacks %q", k)
		}
	}
	if back["timestamp"] != ts.UTC().Format(time.RFC3339) {
		t.Errorf("timestamp %v", back["timestamp"])
	}
	if _, ok := back["expiration"]; ok {
		t.Error("expiration present without x=")
	}
}

func TestVerifyUnsigned(t *testing.T) {
	_, client := startDNS(t)
	m, err := message.Parse("plain", []byte("From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := Verify(context.Background(), client, m, Options{}); len(r) != 0 {
		t.Errorf("unsigned message gave %d results", len(r))
	}
}

// TestVerifyQueriesOnce checks that signatures sharing a key ask DNS once
// and that the body is read once for all of them.
func TestVerifyQueriesOnce(t *testing.T) {
	srv, client := startDNS(t)
	relaxed, _ := os.ReadFile("testdata/relaxed.eml")
	simple, _ := os.ReadFile("testdata/simple.eml")
	// Put the simple signature on top of the relaxed message: both use
	// s=rsa2048 over the same body.
	sigEnd := bytes.Index(simple, []byte("\r\nFrom:")) + 2
	data := append(append([]byte{}, simple[:sigEnd]...), relaxed...)
	m, err := message.Parse("both", data)
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	results := verifyFields(context.Background(), client, m.Header, func() io.Reader { reads++; return m.Body() }, false, Options{Now: signedAt(t, m).Add(time.Hour)})
	if len(results) != 2 || results[0].Result != result.Pass || results[1].Result != result.Pass {
		t.Fatalf("results %v", results)
	}
	if srv.Queries() != 1 || reads != 1 {
		t.Errorf("%d queries and %d body reads, want 1 and 1", srv.Queries(), reads)
	}
}

// TestVerifyCancelled checks that a cancelled context gives temperror, not a
// hang.
func TestVerifyCancelled(t *testing.T) {
	_, client := startDNS(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := load(t, "relaxed.eml")
	r := Verify(ctx, client, m, Options{})
	if r[0].Result != result.TempError {
		t.Errorf("cancelled: %s %s", r[0].Result, r[0].Reason)
	}
}

// TestVerifyBodyShorterThanL cuts the body of a signature with l= below l:
// the hash cannot match, and a warning says why.
func TestVerifyBodyShorterThanL(t *testing.T) {
	_, client := startDNS(t)
	data, _ := os.ReadFile("testdata/length-exact.eml")
	data = bytes.Replace(data, []byte("-- \r\nAlice\r\n"), nil, 1)
	m, err := message.Parse("cut", data)
	if err != nil {
		t.Fatal(err)
	}
	r := Verify(context.Background(), client, m, Options{Now: signedAt(t, m).Add(time.Hour)})[0]
	if r.Result != result.Fail || r.Code != CodeBodyHashMismatch || !r.HasWarning(CodeBodyTruncated) {
		t.Errorf("%s (%s) %q", r.Result, r.Code, r.Warnings)
	}
	checkWellFormed(t, r)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestVerifyBodyUnreadable(t *testing.T) {
	_, client := startDNS(t)
	m := load(t, "relaxed.eml")
	r := verifyFields(context.Background(), client, m.Header, func() io.Reader { return failingReader{} }, false, Options{Now: signedAt(t, m).Add(time.Hour)})[0]
	if r.Result != result.TempError || r.Code != CodeBodyUnreadable || r.BodyChecked {
		t.Errorf("%s (%s) body checked %v: %s", r.Result, r.Code, r.BodyChecked, r.Reason)
	}
	checkWellFormed(t, r)
}

func TestVerifyNil(t *testing.T) {
	if r := Verify(context.Background(), nil, nil, Options{}); r != nil {
		t.Errorf("nil message: %v", r)
	}
	m := load(t, "relaxed.eml")
	r := Verify(context.Background(), nil, m, Options{})[0]
	if r.Result != result.TempError || r.Code != CodeDNSError {
		t.Errorf("nil resolver: %s (%s)", r.Result, r.Code)
	}
}

func TestVerifyMultipleKeysShown(t *testing.T) {
	_, client := startDNS(t)
	m := load(t, "two-keys.eml")
	r := Verify(context.Background(), client, m, Options{})[0]
	if r.Key == nil || strings.Count(r.Key.Record, "v=DKIM1") != 2 {
		t.Errorf("key %+v", r.Key)
	}
}

// TestVerifyDNSSEC checks that the AD bit of the key's answer is reported.
func TestVerifyDNSSEC(t *testing.T) {
	srv, client := startDNS(t)
	srv.SetAD(true)
	m := load(t, "relaxed.eml")
	r := Verify(context.Background(), client, m, Options{})[0]
	if r.Key == nil || !r.Key.DNSSEC {
		t.Errorf("AD bit not reported: %+v", r.Key)
	}
}

// warningCodes lists the codes of r's warnings in order.
func warningCodes(r *Result) []Code {
	var codes []Code
	for _, w := range r.Warnings {
		codes = append(codes, w.Code)
	}
	return codes
}
