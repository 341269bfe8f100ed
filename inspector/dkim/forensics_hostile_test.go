package dkim

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

// hostileSuspects signs a small message, then gives its header and a body
// of the caller's making: a failing signature for every canonicalisation,
// with a valid key, so that every part of forensics runs.
func hostileSuspects(t testing.TB, body []byte) ([]message.Field, func() io.Reader, []*Suspect) {
	t.Helper()
	var header []message.Field
	var suspects []*Suspect
	for _, canon := range []string{"simple/simple", "relaxed/relaxed"} {
		m := draft()
		m.Sign(signer, testsign.Options{Canon: canon, Headers: allHeaders})
		parsed, err := message.Parse("hostile.eml", []byte(m.String()))
		if err != nil {
			t.Fatal(err)
		}
		f := parsed.Header[0]
		header = append(header, f)
		_, v, _ := strings.Cut(string(f.Raw), ":")
		sig, err := ParseSignature(v)
		if err != nil {
			t.Fatal(err)
		}
		key, err := ParseKey(signer.Record())
		if err != nil {
			t.Fatal(err)
		}
		suspects = append(suspects, &Suspect{Name: "dkim-signature", Algorithm: sig.Algorithm, Signature: sig.Signature, BodyHash: sig.BodyHash,
			HeaderCanon: sig.HeaderCanon, BodyCanon: sig.BodyCanon, Headers: sig.Headers, Length: -1, KeyName: sig.LookupName, Key: key.Public,
			BodyFailed: true, HeaderFailed: true})
	}
	parsed, _ := message.Parse("hostile.eml", []byte(draft().String()))
	for i := range suspects {
		suspects[i].Field = i
	}
	// An unsigned Subject with many tags above the signed one.
	header = append(header, message.Field{Name: "Subject", Raw: []byte("Subject: " + strings.Repeat("[x] ", 10_000) + "\r\n")})
	header = append(header, parsed.Header...)
	return header, func() io.Reader { return bytes.NewReader(body) }, suspects
}

// checkBound holds the work of one investigation to its fixed bounds:
// two reads of the body, a fixed number of hashed bodies, footer cuts and
// header signatures, whatever the body.
func checkBound(t *testing.T, name string, s *workStats, suspects int) {
	t.Helper()
	groups := suspects
	if s.passes > 2 || s.bodyHashers > groups+maxBodyHashers || s.footerCuts > groups*maxFooterEnds*maxFooterCuts ||
		s.verifications > suspects*(MaxHeaderCandidates+MaxArchivedKeys) {
		t.Errorf("%s: %+v exceeds the bounds (2 passes, %d hashed bodies, %d footer cuts, %d verifications)", name, *s,
			groups+maxBodyHashers, groups*maxFooterEnds*maxFooterCuts, suspects*(MaxHeaderCandidates+MaxArchivedKeys))
	}
}

func TestForensicsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB bodies: skipped with -short")
	}
	bodies := map[string]func() []byte{
		// The known attack on relaxed canonicalisation, on a failing
		// signature: every transform sees one 50 MB line.
		"50 MB white space line": func() []byte {
			b := make([]byte, 0, 50_000_010)
			b = append(b, 'a')
			for len(b) < 50_000_000 {
				b = append(b, " \t\t  \t "...)
			}
			return append(b, "b\r\n"...)
		},
		// Every line is evidence for a transform, and a cut for a footer.
		"2 million >From lines": func() []byte {
			return bytes.Repeat([]byte(">From a \r\r\n"), 2_000_000)
		},
		// Deep MIME with parts in every encoding.
		"deep MIME": func() []byte {
			var b strings.Builder
			for i := 0; i < 10_000; i++ {
				b.WriteString("--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=41=\r\n\r\n")
			}
			b.WriteString("--b--\r\n")
			return []byte(b.String())
		},
	}
	for name, make := range bodies {
		body := make()
		header, open, suspects := hostileSuspects(t, body)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		found, stats := investigate(context.Background(), header, open, suspects, history{})
		runtime.ReadMemStats(&after)
		checkBound(t, name, stats, len(suspects))
		t.Logf("%s: %+v, %d KiB allocated", name, *stats, (after.TotalAlloc-before.TotalAlloc)>>10)
		if stats.passes != 2 {
			t.Errorf("%s: %d passes over the body, want 2", name, stats.passes)
		}
		for _, f := range found {
			if f.Confirmed() {
				t.Errorf("%s: a change confirmed on a forged body: %s", name, lines(f))
			}
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 24<<20 {
			t.Errorf("%s: forensics allocated %d MiB: the body must be streamed, not copied", name, n>>20)
		}
	}
}

// BenchmarkForensicsWhitespaceLine measures forensics on a failing
// signature over a 50 MB line of white space: its time per byte (MB/s)
// must not fall as the line grows, as the work is linear.
func BenchmarkForensicsWhitespaceLine(b *testing.B) {
	for _, size := range []int{5_000_000, 50_000_000} {
		b.Run(strings.Repeat("I", size/5_000_000), func(b *testing.B) {
			body := append(append([]byte{'a'}, bytes.Repeat([]byte(" \t"), size/2)...), "b\r\n"...)
			header, open, suspects := hostileSuspects(b, body)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				investigate(context.Background(), header, open, suspects, nil)
			}
		})
	}
}
