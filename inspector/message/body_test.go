package message

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// toCRLF is the obvious, slow translation that crlfReader must match.
func toCRLF(b []byte) []byte {
	var out []byte
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// smallReads reads into p at most n bytes at a time.
type smallReads struct {
	r io.Reader
	n int
}

func (s smallReads) Read(p []byte) (int, error) {
	if len(p) > s.n {
		p = p[:s.n]
	}
	return s.r.Read(p)
}

var crlfInputs = []string{
	"", "\n", "\r", "\r\n", "\n\n", "\r\r\n", "\n\r", "a\nb\r\nc\rd\n", "\r\n\r\n\n\n\r",
	"line one\nline two\r\nline three", "no line ending at all", strings.Repeat("ab\r\n\ncd\r", 50),
}

func TestCRLFReader(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	inputs := append([]string(nil), crlfInputs...)
	for i := 0; i < 200; i++ {
		b := make([]byte, rnd.Intn(40))
		for j := range b {
			b[j] = "ab\r\n"[rnd.Intn(4)]
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		want := toCRLF([]byte(in))
		// Every buffer size and read size, so that a CRLF falls across
		// every kind of boundary.
		for buf := 1; buf <= 5; buf++ {
			for src := 1; src <= 3; src++ {
				for dst := 1; dst <= 4; dst++ {
					r := newCRLFReader(smallReads{strings.NewReader(in), src}, buf)
					got, err := io.ReadAll(smallReads{r, dst})
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("%q buf %d src %d dst %d: got %q, %v; want %q", in, buf, src, dst, got, err, want)
					}
				}
			}
		}
		for dst := 1; dst <= 4; dst++ {
			got, err := io.ReadAll(smallReads{newCRLFBytesReader([]byte(in)), dst})
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%q bytes dst %d: got %q, %v; want %q", in, dst, got, err, want)
			}
		}
		if err := iotest.TestReader(newCRLFReader(strings.NewReader(in), 3), want); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if err := iotest.TestReader(newCRLFBytesReader([]byte(in)), want); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
	}
}

func TestCRLFReaderError(t *testing.T) {
	boom := fmt.Errorf("boom")
	r := newCRLFReader(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(boom)), 8)
	got, err := io.ReadAll(r)
	if string(got) != "a\r\nb" || err != boom {
		t.Fatalf("got %q, %v", got, err)
	}
}

// TestHugeMessage opens a 100 MiB message with LF line endings and reads its
// body, which is translated to CRLF on the way, and checks that memory use
// stays small: the body is never held in memory.
func TestHugeMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MiB file")
	}
	const size = 100 << 20
	path := filepath.Join(t.TempDir(), "huge.eml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "From: Alice <alice@example.com>\nTo: Bob <bob@example.net>\nSubject: a big one\n\n")
	line := strings.Repeat("0123456789abcdef", 4) + "\n" // 65 bytes
	n := 0
	for n < size {
		w.WriteString(line)
		n += len(line)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	lines := int64(n / len(line))

	var before, ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := before.HeapInuse
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}

	start := time.Now()
	m, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	loaded := time.Since(start)
	sample()
	if want := int64(n) + lines; m.BodySize != want {
		t.Errorf("BodySize %d, want %d", m.BodySize, want)
	}

	start = time.Now()
	r := m.Body()
	buf := make([]byte, 32<<10)
	var read, reads int64
	var last byte
	for {
		k, err := r.Read(buf)
		if k > 0 {
			read += int64(k)
			last = buf[k-1]
		}
		if reads++; reads%64 == 0 {
			sample()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	streamed := time.Since(start)
	sample()
	if read != m.BodySize || last != '\n' {
		t.Errorf("read %d bytes ending %q, want %d ending LF", read, last, m.BodySize)
	}
	grew := int64(peak) - int64(before.HeapInuse)
	alloc := ms.TotalAlloc - before.TotalAlloc
	t.Logf("100 MiB message: Open %v, body read %v; peak heap in use %.2f MiB above the start (%.2f MiB in all), %.2f MiB allocated in all",
		loaded, streamed, float64(grew)/(1<<20), float64(peak)/(1<<20), float64(alloc)/(1<<20))
	if grew > 16<<20 {
		t.Errorf("peak heap grew by %d bytes, want under 16 MiB", grew)
	}
	if alloc > 16<<20 {
		t.Errorf("%d bytes allocated, want under 16 MiB", alloc)
	}
}
