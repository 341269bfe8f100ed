package dkim

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// Hashes of an empty body (RFC 6376 errata 1376): simple makes it one CRLF,
// relaxed leaves it empty.
const (
	emptySimpleSHA256  = "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY="
	emptyRelaxedSHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
)

// shapeCase is a message of testdata/shapes, signed with opts, then changed
// by change (nil: left as signed), and what verifying it must give.
type shapeCase struct {
	name   string
	file   string
	opts   testsign.Options
	change func(signed string) string
	result result.Result
	code   Code
	check  func(t *testing.T, m *message.Message, r *Result)
}

// withoutSeparator drops the blank line that the signer writes after a
// header without a body, giving the file back its shape.
func withoutSeparator(signed string) string { return strings.TrimSuffix(signed, "\r\n") }

// headerAlone keeps the header of a signed message and nothing after it, as
// a header saved without its body.
func headerAlone(signed string) string { return signed[:strings.Index(signed, "\r\n\r\n")+2] }

func bodyHashIs(want string) func(*testing.T, *message.Message, *Result) {
	return func(t *testing.T, m *message.Message, r *Result) {
		if !m.HasBody || !m.NoSeparator || !r.BodyChecked || !r.BodyHashMatches || r.BodyHashComputed != want {
			t.Errorf("has body %v, no separator %v; body checked %v, matches %v, hash %s, want %s",
				m.HasBody, m.NoSeparator, r.BodyChecked, r.BodyHashMatches, r.BodyHashComputed, want)
		}
	}
}

func identityIs(want string) func(*testing.T, *message.Message, *Result) {
	return func(t *testing.T, _ *message.Message, r *Result) {
		if r.Identity != want || !r.IdentityAligned {
			t.Errorf("identity %q (aligned %v), want %q", r.Identity, r.IdentityAligned, want)
		}
	}
}

func reasonSays(parts ...string) func(*testing.T, *message.Message, *Result) {
	return func(t *testing.T, _ *message.Message, r *Result) {
		for _, p := range parts {
			if !strings.Contains(r.Reason, p) {
				t.Errorf("reason %q does not say %q", r.Reason, p)
			}
		}
	}
}

var nulFields = []string{"From", "To", "Subject", "X-Obsolete", "Date"}

var shapeCases = []shapeCase{
	// NUL bytes in signed header fields (RFC 5322 section 4.1, obs-utext).
	{name: "NUL in signed fields, relaxed", file: "nul-header.eml", opts: testsign.Options{Headers: nulFields},
		result: result.Pass, code: CodeOK},
	{name: "NUL in signed fields, simple", file: "nul-header.eml", opts: testsign.Options{Canon: "simple/simple", Headers: nulFields},
		result: result.Pass, code: CodeOK},
	{name: "NUL removed after signing", file: "nul-header.eml", opts: testsign.Options{Headers: nulFields},
		change: func(s string) string { return strings.Replace(s, "old\x00mailer", "oldmailer", 1) },
		result: result.Fail, code: CodeSignatureMismatch},

	// No body: the empty body is hashed and checked (RFC 6376 3.4.3, 3.4.4).
	{name: "no body, relaxed", file: "no-body.eml", change: withoutSeparator,
		result: result.Pass, code: CodeOK, check: bodyHashIs(emptyRelaxedSHA256)},
	{name: "no body, simple", file: "no-body.eml", opts: testsign.Options{Canon: "simple/simple"}, change: withoutSeparator,
		result: result.Pass, code: CodeOK, check: bodyHashIs(emptySimpleSHA256)},
	{name: "no body, body added after signing", file: "no-body.eml",
		change: func(s string) string { return s + "Pay to account 666.\r\n" },
		result: result.Fail, code: CodeBodyHashMismatch},
	{name: "a header saved without its body", file: "plain.eml", change: headerAlone,
		result: result.Pass, code: CodeBodyNotChecked, check: func(t *testing.T, m *message.Message, r *Result) {
			if !m.NoSeparator || r.BodyChecked || r.BodyHashComputed != "" || r.SignatureValid == nil || !*r.SignatureValid ||
				len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Text, "probably only the header") {
				t.Errorf("body checked %v (%q), signature valid %v, warnings %q", r.BodyChecked, r.BodyHashComputed, r.SignatureValid, r.Warnings)
			}
		}},

	// l= larger than the body (RFC 6376 section 3.5).
	{name: "l= larger than the body", file: "plain.eml", opts: testsign.Options{BodyLength: 1000},
		result: result.PermError, code: CodeLengthExceedsBody, check: func(t *testing.T, m *message.Message, r *Result) {
			reasonSays("l=1000", "section 3.5", "The signature itself is intact")(t, m, r)
			if r.HasWarning(CodeBodyTruncated) || !r.BodyHashMatches {
				t.Errorf("warnings %q, body hash matches %v", r.Warnings, r.BodyHashMatches)
			}
		}},
	{name: "l= the whole body, body cut after signing", file: "plain.eml", opts: testsign.Options{BodyLength: testsign.WholeBody},
		change: func(s string) string { return strings.TrimSuffix(s, "Alice\r\n") },
		result: result.Fail, code: CodeBodyHashMismatch, check: func(t *testing.T, _ *message.Message, r *Result) {
			if !r.HasWarning(CodeBodyTruncated) {
				t.Errorf("warnings %q lack %s", r.Warnings, CodeBodyTruncated)
			}
		}},
	{name: "l= the whole body", file: "plain.eml", opts: testsign.Options{BodyLength: testsign.WholeBody},
		result: result.Pass, code: CodeOK},

	// i= is dkim-quoted-printable (RFC 6376 sections 2.11 and 3.5).
	{name: "i= with =40 for @", file: "plain.eml", opts: testsign.Options{Identity: "alice=40example.com"},
		result: result.Pass, code: CodeOK, check: identityIs("alice@example.com")},
	{name: "i= with =2E in the domain", file: "plain.eml", opts: testsign.Options{Identity: "alice@mail=2Eexample.com"},
		result: result.Pass, code: CodeOK, check: identityIs("alice@mail.example.com")},
	{name: "i= with lower-case hex", file: "plain.eml", opts: testsign.Options{Identity: "=61lice@example.com"},
		result: result.Pass, code: CodeOK, check: identityIs("alice@example.com")},
	{name: "i= encoded outside d=", file: "plain.eml", opts: testsign.Options{Identity: "alice=40example=2Enet"},
		result: result.PermError, code: CodeIdentityMismatch},
	{name: "i= with a broken escape", file: "plain.eml", opts: testsign.Options{Identity: "alice=4@example.com"},
		result: result.Neutral, code: CodeMalformed, check: reasonSays("i=", "dkim-quoted-printable")},
}

// TestVerifyShapes signs the messages of testdata/shapes, shapes that are
// unusual but lawful (see its README.md), changes them as each case says,
// loads them as a file would be and verifies them.
func TestVerifyShapes(t *testing.T) {
	_, client := startDNS(t)
	signer, err := testsign.LoadKey("testdata/keys/rsa2048.pem")
	if err != nil {
		t.Fatal(err)
	}
	key := testsign.Key{Domain: "example.com", Selector: "rsa2048", Signer: signer}
	for _, tc := range shapeCases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/shapes", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			signed := testsign.Sign(string(data), key, tc.opts)
			if tc.change != nil {
				signed = tc.change(signed)
			}
			m, err := message.Parse(tc.file, []byte(signed))
			if err != nil {
				t.Fatal(err)
			}
			results := Verify(context.Background(), client, m, Options{})
			if len(results) != 1 {
				t.Fatalf("%d results", len(results))
			}
			r := results[0]
			checkWellFormed(t, r)
			if r.Result != tc.result || r.Code != tc.code {
				t.Errorf("%s (%s), want %s (%s)\nreason: %s\nwarnings: %q", r.Result, r.Code, tc.result, tc.code, r.Reason, r.Warnings)
			}
			if tc.check != nil {
				tc.check(t, m, r)
			}
		})
	}
}
