package dkim

import (
	"strings"
	"testing"
	"time"
)

const (
	bh256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" // 32 bytes
	bh1   = "2jmj7l5rSw0yVb/vlWAYkK/YBwk="                 // 20 bytes
)

// sigValue builds a DKIM-Signature value from a valid base, with tags
// replaced (value "-" removes the tag).
func sigValue(changes ...string) string {
	tags := []string{"v=1", "a=rsa-sha256", "d=example.com", "s=sel", "h=from:to", "bh=" + bh256, "b=AAAA"}
	for _, ch := range changes {
		name, _, _ := strings.Cut(ch, "=")
		found := false
		for i, t := range tags {
			if strings.HasPrefix(t, name+"=") {
				tags[i], found = ch, true
			}
		}
		if !found {
			tags = append(tags, ch)
		}
	}
	var out []string
	for _, t := range tags {
		if !strings.HasSuffix(t, "=-") {
			out = append(out, t)
		}
	}
	return strings.Join(out, "; ")
}

func TestParseSignature(t *testing.T) {
	s, err := ParseSignature(" v=1; a=rsa-sha256; c=relaxed/simple; d=Example.COM; s=sel;\r\n\th=From : To:subject; i=joe@mail.example.com; l=120; q=dns/txt;\r\n\tt=1700000000; x=1700003600; z=From:a|To:b;\r\n\tbh=" + bh256 + ";\r\n\tb=AA\r\n\t AA")
	if err != nil {
		t.Fatal(err)
	}
	if s.Algorithm != RSASHA256 || s.HeaderCanon != Relaxed || s.BodyCanon != Simple || s.Domain != "Example.COM" || s.Selector != "sel" ||
		s.LookupName != "sel._domainkey.example.com" || strings.Join(s.Headers, ",") != "From,To,subject" || s.Identity != "joe@mail.example.com" ||
		s.Length != 120 || !s.Timestamp.Equal(time.Unix(1700000000, 0)) || !s.Expiration.Equal(time.Unix(1700003600, 0)) ||
		len(s.Signature) != 3 || len(s.BodyHash) != 32 || len(s.CopiedHeaders) != 2 {
		t.Errorf("parsed %+v", s)
	}
	if err := s.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}

	s, err = ParseSignature(sigValue())
	if err != nil || s.HeaderCanon != Simple || s.BodyCanon != Simple || s.Identity != "@example.com" || s.Length != -1 || !s.Timestamp.IsZero() {
		t.Errorf("defaults: %+v, %v", s, err)
	}
	if s, err := ParseSignature(sigValue("c=relaxed")); err != nil || s.HeaderCanon != Relaxed || s.BodyCanon != Simple {
		t.Errorf("c=relaxed alone: %+v, %v", s, err)
	}
}

func TestParseSignatureErrors(t *testing.T) {
	tests := []struct {
		value string
		code  Code
		tag   string
	}{
		{sigValue("v=-"), CodeMalformed, "v"},
		{sigValue("a=-"), CodeMalformed, "a"},
		{sigValue("b=-"), CodeMalformed, "b"},
		{sigValue("bh=-"), CodeMalformed, "bh"},
		{sigValue("d=-"), CodeMalformed, "d"},
		{sigValue("h=-"), CodeMalformed, "h"},
		{sigValue("s=-"), CodeMalformed, "s"},
		{sigValue("v=2"), CodeMalformed, "v"},
		{sigValue("a=rsa-sha512"), CodeUnsupportedAlgorithm, "a"},
		{sigValue("a=RSA-SHA256"), CodeUnsupportedAlgorithm, "a"},
		{sigValue("c=relaxed/nowsp"), CodeUnsupportedAlgorithm, "c"},
		{sigValue("c=fancy"), CodeUnsupportedAlgorithm, "c"},
		{sigValue("q=http/well-known"), CodeUnsupportedQueryMethod, "q"},
		{sigValue("d=legitimate.com(.attacker.com"), CodeMalformed, "d"},
		{sigValue("d=example..com"), CodeMalformed, "d"},
		{sigValue("d=-example.com"), CodeMalformed, "d"},
		{sigValue("d=" + strings.Repeat("a", 64) + ".com"), CodeMalformed, "d"},
		{sigValue("s=a b"), CodeMalformed, "s"},
		{sigValue("s=sel/x"), CodeMalformed, "s"},
		{sigValue("b=not base64!"), CodeMalformed, "b"},
		{sigValue("bh=" + bh1), CodeMalformed, "bh"}, // a sha1 hash for sha256
		{sigValue("bh="), CodeMalformed, "bh"},
		{sigValue("h="), CodeMalformed, "h"},
		{sigValue("h=from::to"), CodeMalformed, "h"},
		{sigValue("h=from:x y"), CodeMalformed, "h"},
		{sigValue("i=nobody"), CodeMalformed, "i"},
		{sigValue("i=a@bad..example.com"), CodeMalformed, "i"},
		{sigValue("i=jlong=4@example.com"), CodeMalformed, "i"},
		{sigValue("i=jlong=40"), CodeMalformed, "i"},
		{sigValue("i=jlong@example=2E=2Ecom"), CodeMalformed, "i"},
		{sigValue("l=-5"), CodeMalformed, "l"},
		{sigValue("l=12a"), CodeMalformed, "l"},
		{sigValue("t=1234567890123"), CodeMalformed, "t"},
		{sigValue("x=soon"), CodeMalformed, "x"},
		{sigValue() + "; d=other.example", CodeMalformed, "d"},
		{"garbage", CodeMalformed, ""},
	}
	for _, tt := range tests {
		s, err := ParseSignature(tt.value)
		e, ok := err.(*Error)
		if !ok || e.Code != tt.code || e.Tag != tt.tag {
			t.Errorf("ParseSignature(%q) error = %#v, want code %s on tag %q", tt.value, err, tt.code, tt.tag)
			continue
		}
		if tt.tag != "" && !strings.Contains(e.Reason, tt.tag+"=") {
			t.Errorf("ParseSignature(%q): reason %q does not name tag %s=", tt.value, e.Reason, tt.tag)
		}
		if s == nil {
			t.Errorf("ParseSignature(%q) returned no partial signature", tt.value)
		}
	}
}

func TestParseSignatureLongLength(t *testing.T) {
	s, err := ParseSignature(sigValue("l=" + strings.Repeat("9", 40)))
	if err != nil || s.Length <= 0 {
		t.Errorf("huge l=: %d, %v", s.Length, err)
	}
}

func TestSignatureCheck(t *testing.T) {
	tests := []struct {
		value string
		code  Code
	}{
		{sigValue(), ""},
		{sigValue("h=From"), ""},
		{sigValue("h=to:subject"), CodeFromNotSigned},
		{sigValue("i=@example.com"), ""},
		{sigValue("i=joe@sub.example.com"), ""},
		{sigValue("i=joe@EXAMPLE.com"), ""},
		{sigValue("i=joe@other.example"), CodeIdentityMismatch},
		{sigValue("i=joe@badexample.com"), CodeIdentityMismatch},
		{sigValue("i=joe@com"), CodeIdentityMismatch},
		{sigValue("i=joe=40sub=2Eexample.com"), ""},
		{sigValue("i=joe=40other=2Eexample"), CodeIdentityMismatch},
	}
	for _, tt := range tests {
		s, err := ParseSignature(tt.value)
		if err != nil {
			t.Fatalf("ParseSignature(%q): %v", tt.value, err)
		}
		err = s.Check()
		if tt.code == "" && err != nil || tt.code != "" && (err == nil || err.(*Error).Code != tt.code) {
			t.Errorf("Check(%q) = %v, want %q", tt.value, err, tt.code)
		}
	}
}

func TestAlgorithm(t *testing.T) {
	if RSASHA1.hashName() != "sha1" || Ed25519SHA256.KeyType() != "ed25519" || Algorithm("x").Hash() != 0 {
		t.Error("algorithm helpers")
	}
}
