package dkim

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// Throughput figures are only meaningful next to the SHA256Baseline
// sub-benchmark of the same run, which hashes the same bytes with nothing
// else: quote ratios, not MB/s.

const benchHeader = "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: a large message\r\n" +
	"Date: Sun, 22 Nov 2026 06:00:00 +0000\r\nMessage-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"

// benchMIME is what a large message usually is: a short text part and an
// attachment in base64 lines of 76 characters, size bytes in all.
func benchMIME(size int) []byte {
	var b bytes.Buffer
	b.WriteString("--b\r\nContent-Type: text/plain\r\n\r\n")
	b.Write(benchBody(4 << 10))
	b.WriteString("--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b.Write(benchBase64(size - b.Len() - 10))
	b.WriteString("--b--\r\n")
	return b.Bytes()
}

// benchBase64 is size bytes of random data in base64 lines of 76.
func benchBase64(size int) []byte {
	r := rand.New(rand.NewPCG(7, 8))
	raw := make([]byte, size*3/4)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	b.Grow(size + size/38)
	for len(enc) > 0 && b.Len() < size {
		k := min(76, len(enc))
		b.WriteString(enc[:k])
		b.WriteString("\r\n")
		enc = enc[k:]
	}
	return b.Bytes()
}

// benchBody is size bytes of text in CRLF lines of about 70 characters,
// with the double spaces and trailing whitespace real mail has.
func benchBody(size int) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	words := strings.Fields("the quick brown fox jumps over a lazy dog while DKIM canonicalisation hashes every byte of this body")
	var b bytes.Buffer
	b.Grow(size + 100)
	line := 0
	for b.Len() < size {
		w := words[r.IntN(len(words))]
		b.WriteString(w)
		line += len(w)
		switch {
		case line > 70:
			if r.IntN(8) == 0 {
				b.WriteString("  ")
			}
			b.WriteString("\r\n")
			line = 0
		case r.IntN(10) == 0:
			b.WriteString("  ")
			line += 2
		default:
			b.WriteByte(' ')
			line++
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// BenchmarkVerify verifies whole signed messages of 1 MiB and 25 MiB (a
// text part and a base64 attachment; one rsa-sha256 signature, key from a
// loopback DNS server, cached after the first round) next to SHA-256 over
// the same bytes.
func BenchmarkVerify(b *testing.B) {
	rk, _ := testKeys(b)
	key := testsign.Key{Domain: "example.com", Selector: "rsa2048", Signer: rk}
	srv := dnstest.Start(b, key.TXT())
	headers := []string{"from", "to", "subject", "date", "message-id"}
	for _, size := range []int{1 << 20, 25 << 20} {
		msg := append([]byte(benchHeader), benchMIME(size)...)
		for _, c := range []Canonicalization{Relaxed, Simple} {
			signed := []byte(testsign.Sign(string(msg), key, testsign.Options{Canon: string(c) + "/" + string(c), Headers: headers}))
			m, err := message.Parse("bench", signed)
			if err != nil {
				b.Fatal(err)
			}
			client := newClient(srv)
			b.Run(fmt.Sprintf("%dMiB/%s", size>>20, c), func(b *testing.B) {
				b.SetBytes(int64(len(signed)))
				for b.Loop() {
					if r := Verify(context.Background(), client, m, Options{}); r[0].Result != result.Pass {
						b.Fatalf("%s: %s", r[0].Result, r[0].Reason)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("%dMiB/SHA256Baseline", size>>20), func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				sha256.Sum256(msg)
			}
		})
	}
}

// hashInChunks feeds data to a BodyHasher 32 KiB at a time, as io.Copy from
// a file does.
func hashInChunks(b *testing.B, c Canonicalization, data []byte) {
	h, _ := NewBodyHasher(c, crypto.SHA256, -1)
	for p := data; len(p) > 0; {
		n := min(len(p), 32<<10)
		h.Write(p[:n])
		p = p[n:]
	}
	h.Sum()
}

func sha256InChunks(data []byte) {
	h := sha256.New()
	for p := data; len(p) > 0; {
		n := min(len(p), 32<<10)
		h.Write(p[:n])
		p = p[n:]
	}
	h.Sum(nil)
}

// BenchmarkBodyHasher measures the body canonicalisers alone on 8 MiB of
// base64 and of text (with the double spaces and trailing blanks that make
// relaxed work byte by byte), and relaxed on one line of spaces and tabs of
// 5 MB and 50 MB: the time per byte must not grow with the line (linear
// time).
func BenchmarkBodyHasher(b *testing.B) {
	for _, kind := range []struct {
		name string
		data []byte
	}{{"base64", benchBase64(8 << 20)}, {"text", benchBody(8 << 20)}} {
		for _, c := range []Canonicalization{Simple, Relaxed} {
			b.Run("8MiB-"+kind.name+"/"+string(c), func(b *testing.B) {
				b.SetBytes(int64(len(kind.data)))
				for b.Loop() {
					hashInChunks(b, c, kind.data)
				}
			})
		}
		b.Run("8MiB-"+kind.name+"/SHA256Baseline", func(b *testing.B) {
			b.SetBytes(int64(len(kind.data)))
			for b.Loop() {
				sha256InChunks(kind.data)
			}
		})
	}
	for _, size := range []int{5_000_000, 50_000_000} {
		ws := bytes.Repeat([]byte(" \t"), size/2)
		ws = append(ws, "x\r\n"...)
		b.Run(fmt.Sprintf("whitespace-%dMB/relaxed", size/1_000_000), func(b *testing.B) {
			b.SetBytes(int64(len(ws)))
			for b.Loop() {
				hashInChunks(b, Relaxed, ws)
			}
		})
		b.Run(fmt.Sprintf("whitespace-%dMB/SHA256Baseline", size/1_000_000), func(b *testing.B) {
			b.SetBytes(int64(len(ws)))
			for b.Loop() {
				sha256InChunks(ws)
			}
		})
	}
}
