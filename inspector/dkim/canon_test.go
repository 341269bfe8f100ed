package dkim

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// canonicalBody returns the canonical form of body, read back through the
// bytes a BodyHasher with limit 0 keeps as unsigned.
func canonicalBody(t *testing.T, c Canonicalization, chunks ...string) string {
	t.Helper()
	h, err := NewBodyHasher(c, crypto.SHA256, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range chunks {
		h.Write([]byte(p))
	}
	h.Close()
	text, trunc := h.UnsignedText()
	if trunc || int64(len(text)) != h.Length() || h.Unsigned() != h.Length() {
		t.Fatalf("kept %d bytes (truncated %v) of %d", len(text), trunc, h.Length())
	}
	return string(text)
}

func TestBodyCanonicalization(t *testing.T) {
	tests := []struct {
		in, simple, relaxed string
	}{
		// RFC 6376 section 3.4.5.
		{" C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n", " C\r\nD E\r\n"},
		{"", "\r\n", ""},
		{"\r\n", "\r\n", ""},
		{"\r\n\r\n\r\n", "\r\n", ""},
		{"a", "a\r\n", "a\r\n"},
		{"a\r\n", "a\r\n", "a\r\n"},
		{"a \r\n", "a \r\n", "a\r\n"},
		{"a  b\t\tc \t\r\n\r\n\r\n", "a  b\t\tc \t\r\n", "a b c\r\n"},
		{" a\r\n", " a\r\n", " a\r\n"},
		{"a\r\n \r\n\t\r\nb\r\n", "a\r\n \r\n\t\r\nb\r\n", "a\r\n\r\n\r\nb\r\n"},
		{"a\r\n \r\n\t\r\n", "a\r\n \r\n\t\r\n", "a\r\n"},
		{"  \r\n", "  \r\n", ""},
		{"   ", "   \r\n", ""},
		{"a\r\n\r\nb", "a\r\n\r\nb\r\n", "a\r\n\r\nb\r\n"},
		// A CR or LF on its own is data, not a line end.
		{"a\rb", "a\rb\r\n", "a\rb\r\n"},
		{"a\r", "a\r\r\n", "a\r\r\n"},
		{"\r", "\r\r\n", "\r\r\n"},
		{"a \r", "a \r\r\n", "a \r\r\n"},
		{"a\n", "a\n\r\n", "a\n\r\n"},
		{"a\r\r\n", "a\r\r\n", "a\r\r\n"},
		{"a \rb \r\n", "a \rb \r\n", "a \rb\r\n"},
		{"x\r\n\r\n \r\n", "x\r\n\r\n \r\n", "x\r\n"},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			canon Canonicalization
			want  string
		}{{Simple, tt.simple}, {Relaxed, tt.relaxed}} {
			if got := canonicalBody(t, c.canon, tt.in); got != c.want {
				t.Errorf("%s(%q) = %q, want %q", c.canon, tt.in, got, c.want)
			}
			// Any split of the input into writes must give the same bytes.
			for cut := 0; cut <= len(tt.in); cut++ {
				if got := canonicalBody(t, c.canon, tt.in[:cut], tt.in[cut:]); got != c.want {
					t.Errorf("%s(%q | %q) = %q, want %q", c.canon, tt.in[:cut], tt.in[cut:], got, c.want)
				}
			}
			bytewise := make([]string, len(tt.in))
			for i := range tt.in {
				bytewise[i] = tt.in[i : i+1]
			}
			if got := canonicalBody(t, c.canon, bytewise...); got != c.want {
				t.Errorf("%s(%q byte by byte) = %q, want %q", c.canon, tt.in, got, c.want)
			}
		}
	}
}

// TestBodyCanonicalizationChunks compares random splits of a random body
// with the body written at once.
func TestBodyCanonicalizationChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab \t\r\n\r\n")
	for n := 0; n < 300; n++ {
		body := make([]byte, r.IntN(200))
		for i := range body {
			body[i] = alphabet[r.IntN(len(alphabet))]
		}
		for _, c := range []Canonicalization{Simple, Relaxed} {
			want := canonicalBody(t, c, string(body))
			var chunks []string
			for rest := string(body); rest != ""; {
				k := min(r.IntN(7), len(rest))
				chunks = append(chunks, rest[:k])
				rest = rest[k:]
			}
			if got := canonicalBody(t, c, chunks...); got != want {
				t.Fatalf("%s(%q) in chunks %q = %q, want %q", c, body, chunks, got, want)
			}
		}
	}
}

func TestBodyHasherLimit(t *testing.T) {
	body := "Hello\r\nWorld\r\nMore text added later\r\n"
	canon := canonicalBody(t, Relaxed, body)
	for _, limit := range []int64{0, 1, 7, 14, int64(len(canon)), int64(len(canon)) + 10} {
		h, _ := NewBodyHasher(Relaxed, crypto.SHA256, limit)
		h.Write([]byte(body))
		signed := canon[:min(int(limit), len(canon))]
		want := sha256.Sum256([]byte(signed))
		if got := h.Sum(); string(got) != string(want[:]) {
			t.Errorf("limit %d: hash of %q expected", limit, signed)
		}
		wantUnsigned := max(int64(len(canon))-limit, 0)
		text, trunc := h.UnsignedText()
		if h.Unsigned() != wantUnsigned || string(text) != canon[len(signed):] || trunc {
			t.Errorf("limit %d: unsigned %d %q %v, want %d %q", limit, h.Unsigned(), text, trunc, wantUnsigned, canon[len(signed):])
		}
		if h.Length() != int64(len(canon)) {
			t.Errorf("limit %d: length %d, want %d", limit, h.Length(), len(canon))
		}
	}
}

func TestBodyHasherKeepsAtMost64KiB(t *testing.T) {
	h, _ := NewBodyHasher(Simple, crypto.SHA256, 10)
	big := strings.Repeat("0123456789abcdef", 10000) // 160000 bytes
	h.Write([]byte(big))
	h.Close()
	text, trunc := h.UnsignedText()
	if len(text) != MaxUnsignedText || !trunc || h.Unsigned() != int64(len(big))+2-10 {
		t.Errorf("kept %d (truncated %v), unsigned %d", len(text), trunc, h.Unsigned())
	}
	if string(text) != big[10:10+MaxUnsignedText] {
		t.Error("kept text is not the bytes after the limit")
	}
}

func TestBodyHasherErrors(t *testing.T) {
	if _, err := NewBodyHasher("nowsp", crypto.SHA256, -1); err == nil {
		t.Error("unknown canonicalisation accepted")
	}
	h, _ := NewBodyHasher(Simple, crypto.SHA256, -1)
	h.Close()
	if _, err := h.Write([]byte("x")); err == nil {
		t.Error("write after Close accepted")
	}
}

// TestEmptyBodyHashes checks the empty-body vectors of RFC 6376 (simple:
// the hash of CRLF; relaxed: the hash of nothing) for both hashes.
func TestEmptyBodyHashes(t *testing.T) {
	tests := []struct {
		c    Canonicalization
		h    crypto.Hash
		want string
	}{
		{Simple, crypto.SHA256, "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY="},
		{Simple, crypto.SHA1, "uoq1oCgLlTqpdDX/iUbLy7J1Wic="},
		{Relaxed, crypto.SHA256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{Relaxed, crypto.SHA1, "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
	}
	for _, tt := range tests {
		h, _ := NewBodyHasher(tt.c, tt.h, -1)
		if got := base64.StdEncoding.EncodeToString(h.Sum()); got != tt.want {
			t.Errorf("%s %v empty body: %s, want %s", tt.c, tt.h, got, tt.want)
		}
	}
}

func TestCanonicalizeHeader(t *testing.T) {
	tests := []struct {
		raw, simple, relaxed string
	}{
		// RFC 6376 section 3.4.5.
		{"A: X\r\n", "A: X\r\n", "a:X\r\n"},
		{"B : Y\t\r\n\tZ  \r\n", "B : Y\t\r\n\tZ  \r\n", "b:Y Z\r\n"},
		{"Subject:\r\n", "Subject:\r\n", "subject:\r\n"},
		{"Subject:   \r\n", "Subject:   \r\n", "subject:\r\n"},
		{"SUBJECT:  a \t b\r\n \r\n c\r\n", "SUBJECT:  a \t b\r\n \r\n c\r\n", "subject:a b c\r\n"},
		{"X-Long:\r\n folded\r\n\tvalue\r\n", "X-Long:\r\n folded\r\n\tvalue\r\n", "x-long:folded value\r\n"},
		{"To: a:b\r\n", "To: a:b\r\n", "to:a:b\r\n"},
		{"X: caf\xc3\xa9\r\n", "X: caf\xc3\xa9\r\n", "x:caf\xc3\xa9\r\n"},
	}
	for _, tt := range tests {
		if got := string(CanonicalizeHeader(Simple, []byte(tt.raw))); got != tt.simple {
			t.Errorf("simple(%q) = %q, want %q", tt.raw, got, tt.simple)
		}
		if got := string(CanonicalizeHeader(Relaxed, []byte(tt.raw))); got != tt.relaxed {
			t.Errorf("relaxed(%q) = %q, want %q", tt.raw, got, tt.relaxed)
		}
	}
}

// TestBodyCanonicalizationLarge compares the canonicalisers with the
// reference on bodies larger than their internal pieces and buffer, written
// in writes of random sizes, so that lines, whitespace runs and line ends
// fall across every boundary.
func TestBodyCanonicalizationLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"word", "x", " ", "  ", "\t", "\r\n", "\r\n\r\n\r\n", "\r", "\n", "line of clean text", " \r\n", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="}
	for n := 0; n < 20; n++ {
		var body strings.Builder
		for body.Len() < 100_000+r.IntN(100_000) {
			body.WriteString(pieces[r.IntN(len(pieces))])
		}
		if n%2 == 0 {
			// Long runs that cross pieces: blank lines, whitespace, one
			// long line.
			body.WriteString(strings.Repeat("\r\n", 40_000))
			body.WriteString(strings.Repeat(" \t", 30_000))
			body.WriteString("end" + strings.Repeat("y", 70_000))
		}
		in := body.String()
		for _, c := range []Canonicalization{Simple, Relaxed} {
			want := referenceBody(c, in)
			h, _ := NewBodyHasher(c, crypto.SHA256, -1)
			for rest := in; rest != ""; {
				k := min(1+r.IntN(50_000), len(rest))
				h.Write([]byte(rest[:k]))
				rest = rest[k:]
			}
			sum := sha256.Sum256([]byte(want))
			if got := h.Sum(); string(got) != string(sum[:]) || h.Length() != int64(len(want)) {
				t.Fatalf("%s body %d: length %d, want %d, or hash differs", c, n, h.Length(), len(want))
			}
		}
	}
}
