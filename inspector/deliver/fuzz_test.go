package deliver

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailinspector/mailinspector/inspector/message"
)

func FuzzWellFormedMessageID(f *testing.F) {
	for _, s := range []string{"<20260310.1@mail.shop.example>", "<a@[192.0.2.1]>", "<abc>", "<a@b@c>", "<\"q\"@x>", " <a.b@c> "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !WellFormedMessageID(id) {
			return
		}
		// RFC 5322 section 3.6.4: "<" id-left "@" id-right ">", id-left a
		// dot-atom-text, id-right a dot-atom-text or a no-fold-literal,
		// whose dtext may hold "<", ">" and "@" but no white space.
		v := strings.TrimSpace(id)
		if !strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">") || strings.ContainsAny(v[1:len(v)-1], " \t\r\n") {
			t.Fatalf("%q accepted", id)
		}
		left, right, _ := strings.Cut(v[1:len(v)-1], "@")
		literal := strings.HasPrefix(right, "[") && strings.HasSuffix(right, "]")
		if strings.ContainsAny(left, "<>@[]") || !literal && strings.ContainsAny(right, "<>@[]") {
			t.Fatalf("%q accepted", id)
		}
	})
}

func FuzzListUnsubscribe(f *testing.F) {
	f.Add("<mailto:u@shop.example?subject=r1>,\r\n <https://shop.example/u?id=r1>")
	f.Add("<https://a>, <<>>, <")
	f.Fuzz(func(t *testing.T, v string) {
		uris := listURIs(v)
		if len(uris) > 20 {
			t.Fatalf("%d URIs", len(uris))
		}
		for _, u := range uris {
			if strings.ContainsAny(u, "> \t\r\n") {
				t.Fatalf("URI %q", u)
			}
		}
	})
}

// FuzzScanBody feeds whole messages to the body scan: it must never fail,
// and what it keeps stays bounded.
func FuzzScanBody(f *testing.F) {
	f.Add([]byte(goodMsg))
	f.Add([]byte(personalMsg))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPGEgaHJlZj0iaHR0cHM6Ly9iaXQubHkveCI+dW5zdWJzY3JpYmU8L2E+\r\n--x--\r\n"))
	f.Add([]byte("Content-Type: text/html; charset=koi8-r\r\n\r\n<a href='javascript:x'>opt out</a><area href=https://t.co/x><a href="))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := message.Parse("fuzz", raw)
		if err != nil {
			return
		}
		b := ScanBody(context.Background(), m)
		if len(b.Links) > maxLinks {
			t.Fatalf("%d links", len(b.Links))
		}
		for _, l := range b.Links {
			if len(l.Text) > maxText+10 || len(l.URL) > 510 {
				t.Fatalf("link %q %q", l.URL, l.Text)
			}
			if !utf8.ValidString(l.Text) || !utf8.ValidString(l.URL) {
				t.Fatalf("text %q", l.Text)
			}
		}
		if b.Unsubscribe != nil && strings.HasPrefix(strings.ToLower(b.Unsubscribe.URL), "javascript:") {
			t.Fatalf("javascript: link taken for unsubscribe")
		}
		if b.HTMLBytes < 0 || b.HTMLBytes > int64(len(raw))*4+1024 {
			t.Fatalf("HTML of %d bytes from %d", b.HTMLBytes, len(raw))
		}
	})
}
