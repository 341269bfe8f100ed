package dkim

import (
	"crypto"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// signatureSeeds are the DKIM-Signature values of the fixtures (and of the
// conformance messages when present).
func signatureSeeds(f *testing.F) []string {
	var seeds []string
	files, _ := filepath.Glob("testdata/*.eml")
	more, _ := filepath.Glob(filepath.Join(conformanceDir, "*/*.m*"))
	more2, _ := filepath.Glob(filepath.Join(conformanceDir, "*/*.eml"))
	for _, path := range append(append(files, more...), more2...) {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		m, err := message.Parse(path, data)
		if err != nil {
			continue
		}
		for _, fl := range m.Header {
			if strings.EqualFold(fl.Name, "DKIM-Signature") {
				_, v, _ := strings.Cut(string(fl.Raw), ":")
				seeds = append(seeds, strings.TrimSuffix(v, "\r\n"))
			}
		}
	}
	return seeds
}

// keySeeds are the key records of the fixture zone and of the conformance
// data when present.
func keySeeds(f *testing.F) []string {
	seeds := []string{"v=DKIM1; p=", "k=ed25519; p=AAAA", "v=DKIM1; h=sha256; s=email; t=y:s; n=x; p=MIIB"}
	zone, err := os.ReadFile("testdata/dkim.zone")
	if err != nil {
		f.Fatal(err)
	}
	quoted := regexp.MustCompile(`"([^"]*)"`)
	for _, line := range strings.Split(string(zone), "\n") {
		if !strings.Contains(line, " TXT ") {
			continue
		}
		var rec strings.Builder
		for _, m := range quoted.FindAllStringSubmatch(line, -1) {
			rec.WriteString(m[1])
		}
		seeds = append(seeds, rec.String())
	}
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "dkimpy/*.txt"))
	dns, _ := filepath.Glob(filepath.Join(conformanceDir, "dkimpy/*.dns"))
	for _, path := range append(files, dns...) {
		if b, err := os.ReadFile(path); err == nil {
			seeds = append(seeds, strings.TrimSuffix(string(b), "\n"))
		}
	}
	return seeds
}

// FuzzParseTags checks that tag lists and DKIM-Signature values never make
// the parsers panic, that a parsed tag list survives being written out and
// read again, and that what ParseSignature accepts is complete.
func FuzzParseTags(f *testing.F) {
	for _, s := range signatureSeeds(f) {
		f.Add(s)
	}
	f.Add("v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=" + bh256 + "; b=AAAA; l=99999999999999999999999; t=1; x=0")
	// i= is dkim-quoted-printable (RFC 6376 section 2.11): the forms of
	// the Mail::DKIM corpus, folded, lower case and broken ones.
	for _, i := range []string{"=6Along@example.com", "jlong@example=2Ecom", "jlong=40example.com", "jlong=\r\n\t40example.com",
		"=6along@EXAMPLE=2ecom", "jlong=4", "jlong=", "=40=40=40", "a=00b@example.com"} {
		f.Add(sigValue("i=" + i))
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := ParseTags(s)
		if err == nil {
			var parts []string
			for _, tag := range tags {
				parts = append(parts, tag.Name+"="+tag.Value)
			}
			again, err := ParseTags(strings.Join(parts, "; "))
			if err != nil || !reflect.DeepEqual(again, tags) {
				t.Fatalf("round trip of %q: %q, %v; want %q", s, again, err, tags)
			}
		}
		sig, err := ParseSignature(s)
		if sig == nil {
			t.Fatal("no partial signature")
		}
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Code == "" || e.Reason == "" {
				t.Fatalf("error %#v is not a coded *Error", err)
			}
		} else {
			if sig.LookupName == "" || len(sig.Signature) == 0 || len(sig.BodyHash) != sig.Algorithm.Hash().Size() || len(sig.Headers) == 0 {
				t.Fatalf("accepted incomplete signature %+v", sig)
			}
			sig.Check()
			sig.IdentityAligned()
			if !strings.Contains(sig.Identity, "@") {
				t.Fatalf("accepted identity %q without @", sig.Identity)
			}
		}
		raw := []byte("DKIM-Signature:" + s + "\r\n")
		CanonicalizeHeader(Relaxed, raw)
		if stripped, err := StripSignature(raw); err == nil && len(stripped) > len(raw) {
			t.Fatal("StripSignature grew the field")
		}
	})
}

// FuzzParseKey checks that key records never make ParseKey panic and that
// an accepted key is usable.
func FuzzParseKey(f *testing.F) {
	for _, s := range keySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if k == nil {
			t.Fatal("no partial key")
		}
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Code == "" || e.Reason == "" {
				t.Fatalf("error %#v is not a coded *Error", err)
			}
			return
		}
		if !k.Revoked && (k.Public == nil || k.Bits <= 0 || (k.Type != "rsa" && k.Type != "ed25519")) {
			t.Fatalf("accepted unusable key %+v", k)
		}
		if k.Revoked && k.Public != nil {
			t.Fatal("revoked key with a public key")
		}
	})
}

// FuzzBodyCanonicalization compares the streaming canonicalisers, fed in
// two pieces, with a plain reference written from the RFC text.
func FuzzBodyCanonicalization(f *testing.F) {
	for _, s := range []string{"", "\r\n", " C \r\nD \t E\r\n\r\n\r\n", "a\rb \r", "a \r\r\n\r\n", "\t\r\n x"} {
		f.Add(s, uint16(1))
	}
	f.Fuzz(func(t *testing.T, body string, cut uint16) {
		k := int(cut) % (len(body) + 1)
		for _, c := range []Canonicalization{Simple, Relaxed} {
			h, _ := NewBodyHasher(c, crypto.SHA256, 0)
			h.Write([]byte(body[:k]))
			h.Write([]byte(body[k:]))
			h.Close()
			got, _ := h.UnsignedText()
			want := referenceBody(c, body)
			if len(want) <= MaxUnsignedText && string(got) != want {
				t.Fatalf("%s(%q | %q) = %q, want %q", c, body[:k], body[k:], got, want)
			}
			if h.Length() != int64(len(want)) {
				t.Fatalf("%s(%q): length %d, want %d", c, body, h.Length(), len(want))
			}
		}
	})
}

// referenceBody is RFC 6376 3.4.3 and 3.4.4 done the obvious way, on the
// whole body at once.
func referenceBody(c Canonicalization, body string) string {
	if c == Simple {
		for strings.HasSuffix(body, "\r\n") {
			body = strings.TrimSuffix(body, "\r\n")
		}
		return body + "\r\n"
	}
	wsp := regexp.MustCompile(`[ \t]+`)
	lines := strings.Split(body, "\r\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(wsp.ReplaceAllString(l, " "), " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}
