package signals

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// bigHTML is a message with an HTML part of about size bytes: links that
// show one site and go to a shortener, an IP address and a look-alike,
// between deep nesting and long text.
func bigHTML(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Shop <news@shop.example>\r\nTo: reader@inbox.example\r\nSubject: big\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>")
	for i := 0; b.Len() < size; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "<a href=\"https://bit.ly/x%d\">https://www.paypal.com/%d</a>\r\n", i, i)
		case 1:
			fmt.Fprintf(&b, "<a href=\"http://203.0.113.%d/\">see</a>\r\n", i%250)
		case 2:
			fmt.Fprintf(&b, "<div><div><span><a href=\"https://paypa1-%d.example/\">paypal.com</a></span></div></div>\r\n", i)
		default:
			b.WriteString("<p>" + strings.Repeat("lorem ipsum ", 40) + "</p>\r\n")
		}
	}
	b.WriteString("</body></html>\r\n")
	return b.Bytes()
}

// TestTenMegabyteHTML counts the work of judging a 10 MB HTML part: the
// links read are bounded by the link reader, each link's domain is
// compared with each protected domain at most once, and the signals of
// each code are bounded.
func TestTenMegabyteHTML(t *testing.T) {
	raw := bigHTML(10 << 20)
	m, err := message.Parse("big.eml", raw)
	if err != nil {
		t.Fatal(err)
	}
	c := Scan(context.Background(), m)
	if n := len(c.Links); n == 0 || n > 2000 {
		t.Fatalf("%d links read from a 10 MB part; the link reader keeps at most 2000", n)
	}
	j := find(Input{Message: m, Content: c, DMARC: result.None, RecipientDomain: "inbox.example"})
	if max := (len(c.Links) + 3) * len(j.protected); j.compared > max {
		t.Errorf("%d comparisons of domains for %d links and %d protected domains; want at most %d", j.compared, len(c.Links), len(j.protected), max)
	}
	sigs := j.l.done()
	per := map[string]int{}
	for _, s := range sigs {
		per[s.Code]++
		if per[s.Code] > maxPerCode {
			t.Errorf("more than %d signals of %s", maxPerCode, s.Code)
		}
	}
	for _, code := range []string{LinkShortener, LinkIPLiteral, LinkTextMismatch, LookalikeDomain} {
		if per[code] == 0 {
			t.Errorf("no %s in the big part: %v", code, sigs)
		}
	}
	t.Logf("10 MB HTML: %d links, %d domain comparisons, %d signals", len(c.Links), j.compared, len(sigs))
}

func BenchmarkTenMegabyteHTML(b *testing.B) {
	raw := bigHTML(10 << 20)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		m, err := message.Parse("big.eml", raw)
		if err != nil {
			b.Fatal(err)
		}
		Find(Input{Message: m, Content: Scan(context.Background(), m)})
	}
}

// zipOf makes a zip archive of the named files, each holding data.
func zipOf(t testing.TB, names []string, data []byte) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, n := range names {
		w, err := z.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestZipNamesBounded reads the names of archives from their central
// directory only, keeping a bounded end of them.
func TestZipNamesBounded(t *testing.T) {
	// A large archive (8 MB of content) with a small directory: read.
	names := []string{"a.txt", "docs/invoice.pdf.exe", "b.txt"}
	size, got, unread := zipNames(bytes.NewReader(zipOf(t, names, bytes.Repeat([]byte("x"), 3<<20))))
	if unread != "" || strings.Join(got, ",") != strings.Join(names, ",") || size < 9<<20 {
		t.Errorf("zipNames = %d, %v, %q", size, got, unread)
	}
	// A directory larger than what is kept: not read, and said so.
	var many []string
	for i := range 60000 {
		many = append(many, fmt.Sprintf("folder-%05d/%s.txt", i, strings.Repeat("n", 40)))
	}
	_, got, unread = zipNames(bytes.NewReader(zipOf(t, many, nil)))
	if len(got) != 0 || !strings.Contains(unread, "larger than") {
		t.Errorf("a huge directory: %d names, %q", len(got), unread)
	}
	// More names than are kept.
	_, got, _ = zipNames(bytes.NewReader(zipOf(t, many[:3000], nil)))
	if len(got) != maxInside {
		t.Errorf("%d names kept, want %d", len(got), maxInside)
	}
	// Not a zip at all.
	if _, _, unread = zipNames(strings.NewReader("PK not really")); unread == "" {
		t.Error("garbage read as a zip archive")
	}
}
