package dkim

import (
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/internal/testsign"
)

// testKeys reads the fixture keys made by testdata/gen.
func testKeys(t testing.TB) (rsa2048 *rsa.PrivateKey, ed ed25519.PrivateKey) {
	t.Helper()
	rk, err := testsign.LoadKey("testdata/keys/rsa2048.pem")
	if err != nil {
		t.Fatal(err)
	}
	ek, err := testsign.LoadKey("testdata/keys/ed25519.seed")
	if err != nil {
		t.Fatal(err)
	}
	return rk.(*rsa.PrivateKey), ek.(ed25519.PrivateKey)
}

func TestParseKey(t *testing.T) {
	rk, ek := testKeys(t)
	b64 := base64.StdEncoding.EncodeToString
	spkiDER, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	spki := b64(spkiDER)
	pkcs1 := b64(x509.MarshalPKCS1PublicKey(&rk.PublicKey))
	edRaw := b64(ek.Public().(ed25519.PublicKey))
	edSPKIDER, _ := x509.MarshalPKIXPublicKey(ek.Public())
	edSPKI := b64(edSPKIDER)
	folded := spki[:40] + "\r\n\t" + spki[40:100] + " " + spki[100:]

	tests := []struct {
		name   string
		record string
		want   Key    // fields compared: Type, Bits, Encoding, Hashes, Services, Flags, Testing, Strict, Revoked, Notes
		warn   string // a warning must contain this
		code   Code   // expected error code
		tag    string // tag named by the error
	}{
		{name: "rsa spki", record: "v=DKIM1; k=rsa; p=" + spki, want: Key{Type: "rsa", Bits: 2048, Encoding: "spki"}},
		{name: "rsa pkcs1, no k=", record: "v=DKIM1; p=" + pkcs1, want: Key{Type: "rsa", Bits: 2048, Encoding: "pkcs1"}},
		{name: "folded p=", record: "p=" + folded, want: Key{Type: "rsa", Bits: 2048, Encoding: "spki"}},
		{name: "ed25519", record: "v=DKIM1; k=ed25519; p=" + edRaw, want: Key{Type: "ed25519", Bits: 256, Encoding: "raw"}},
		{name: "ed25519 spki", record: "k=ed25519; p=" + edSPKI, want: Key{Type: "ed25519", Bits: 256, Encoding: "spki"}, warn: "SubjectPublicKeyInfo"},
		{name: "flags and restrictions", record: "v=DKIM1; h=sha256:sha1; s=email:tlsrpt; t=y:s:z; n=hello world; p=" + spki,
			want: Key{Type: "rsa", Bits: 2048, Encoding: "spki", Hashes: []string{"sha256", "sha1"}, Services: []string{"email", "tlsrpt"}, Flags: []string{"y", "s", "z"}, Testing: true, Strict: true, Notes: "hello world"}},
		{name: "revoked", record: "v=DKIM1; k=rsa; p=", want: Key{Type: "rsa", Revoked: true}},
		{name: "revoked with space", record: "v=DKIM1; p= ", want: Key{Type: "rsa", Revoked: true}},
		{name: "v= not first", record: "k=rsa; v=DKIM1; p=" + spki, want: Key{Type: "rsa", Bits: 2048, Encoding: "spki"}, warn: "not the first tag"},
		{name: "v=DKIM2", record: "v=DKIM2; p=" + spki, code: CodeKeyMalformed, tag: "v"},
		{name: "v=DKIM1: (dkimpy badversion)", record: "v=DKIM1: g=*; k=rsa; p=" + spki, code: CodeKeyMalformed, tag: "v"},
		{name: "unknown k=", record: "k=ed25519-sha256; p=" + spki, code: CodeUnsupportedKeyType, tag: "k"},
		{name: "missing p=", record: "v=DKIM1; k=rsa", code: CodeKeyMalformed, tag: "p"},
		{name: "p= not base64", record: "p=!!notbase64", code: CodeKeyMalformed, tag: "p"},
		{name: "p= truncated DER", record: "p=" + spki[:len(spki)-8], code: CodeKeyMalformed, tag: "p"},
		{name: "rsa record holding ed25519", record: "k=rsa; p=" + edRaw, code: CodeKeyMalformed, tag: "p"},
		{name: "rsa record holding ed25519 spki", record: "k=rsa; p=" + edSPKI, code: CodeKeyMalformed, tag: "p"},
		{name: "ed25519 record holding rsa", record: "k=ed25519; p=" + spki, code: CodeKeyMalformed, tag: "p"},
		{name: "ed25519 wrong length", record: "k=ed25519; p=AAAA", code: CodeKeyMalformed, tag: "p"},
		{name: "duplicate p=", record: "p=" + spki + "; p=" + spki, code: CodeKeyMalformed, tag: "p"},
		{name: "garbage", record: "this is not a key", code: CodeKeyMalformed},
		{name: "spf record", record: "v=spf1 -all", code: CodeKeyMalformed, tag: "v"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKey(tt.record)
			if tt.code != "" {
				e, ok := err.(*Error)
				if !ok || e.Code != tt.code || e.Tag != tt.tag {
					t.Fatalf("error = %#v, want code %s on tag %q", err, tt.code, tt.tag)
				}
				if tt.tag != "" && !strings.Contains(e.Reason, tt.tag+"=") {
					t.Errorf("reason %q does not name tag %s=", e.Reason, tt.tag)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := Key{Type: k.Type, Bits: k.Bits, Encoding: k.Encoding, Hashes: k.Hashes, Services: k.Services, Flags: k.Flags,
				Testing: k.Testing, Strict: k.Strict, Revoked: k.Revoked, Notes: k.Notes}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if (k.Public == nil) != tt.want.Revoked {
				t.Errorf("Public = %T with Revoked %v", k.Public, k.Revoked)
			}
			if tt.warn == "" && len(k.Warnings) > 0 || tt.warn != "" && (len(k.Warnings) != 1 || !strings.Contains(k.Warnings[0], tt.warn)) {
				t.Errorf("warnings %q, want one containing %q", k.Warnings, tt.warn)
			}
		})
	}
}
