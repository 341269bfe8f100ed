package deliver

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"

	gomessage "github.com/emersion/go-message"
	"golang.org/x/net/html"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
	"github.com/mailinspector/mailinspector/inspector/message"
)

// Bounds of the body scan: a message is read up to MaxBody bytes (after the
// header), and at most maxLinks links are kept.
const (
	MaxBody  = 8 << 20
	maxLinks = 2000
	maxText  = 200
)

// Link is a link found in the body: its URL and, in HTML, its text; in a
// text/plain part, the line it stands on.
type Link struct {
	URL  string `json:"url"`
	Text string `json:"text,omitempty"`
	// HTML is true for a link of an HTML part, false for a URL in a
	// text/plain part.
	HTML bool `json:"html"`
}

// Body is what the scan of the body found.
type Body struct {
	// Read is false when there was no body to read (pasted headers).
	Read bool
	// Truncated says only the start of the body was read: it is larger
	// than MaxBody, or the check ran out of time.
	Truncated bool
	// HTMLBytes is the decoded size of the text/html parts; HasHTML says
	// there is one.
	HTMLBytes int64
	HasHTML   bool
	Links     []Link
	// Unsubscribe is the first link whose text or URL says unsubscribe.
	Unsubscribe *Link
}

// ScanBody reads the text parts of m's body (at most MaxBody bytes) for
// links, and measures its HTML. It never fetches anything.
func ScanBody(ctx context.Context, m *message.Message) *Body {
	b := &Body{}
	if !m.HasBody {
		return b
	}
	b.Read = true
	b.Truncated = m.BodySize > MaxBody
	var h gomessage.Header
	for _, name := range []string{"Content-Type", "Content-Transfer-Encoding"} {
		if f := m.First(name); f != nil {
			h.Set(name, message.Unfold(f.RawValue()))
		}
	}
	body := io.LimitReader(message.ContextReader(ctx, m.Body()), MaxBody)
	// An unknown charset or transfer encoding is an error with a readable
	// entity: read what can be read.
	e, _ := gomessage.New(h, body)
	if e == nil {
		return b
	}
	_ = e.Walk(func(_ []int, part *gomessage.Entity, err error) error {
		if part == nil || ctx.Err() != nil {
			return ctx.Err()
		}
		if disp, _, _ := part.Header.ContentDisposition(); disp == "attachment" {
			return nil
		}
		mt, _, _ := part.Header.ContentType()
		switch mt {
		case "text/html":
			b.HasHTML = true
			n := &counter{r: part.Body}
			b.scanHTML(n)
			_, _ = io.Copy(io.Discard, n)
			b.HTMLBytes += n.n
		case "text/plain", "":
			b.scanText(part.Body)
		}
		return nil
	})
	// Out of time: what was not read may hold what the rules look for.
	if ctx.Err() != nil {
		b.Truncated = true
	}
	return b
}

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// scanHTML collects the links (a and area elements with href) and their
// text.
func (b *Body) scanHTML(r io.Reader) {
	z := html.NewTokenizer(r)
	z.SetMaxBuf(1 << 20)
	var cur *Link
	var txt strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			if cur != nil {
				b.add(*cur, txt.String())
			}
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if tag != "a" && tag != "area" || !hasAttr {
				continue
			}
			href := ""
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" {
					href = strings.TrimSpace(string(v))
				}
				if !more {
					break
				}
			}
			if cur != nil {
				b.add(*cur, txt.String())
				cur = nil
			}
			if href == "" {
				continue
			}
			txt.Reset()
			l := Link{URL: href, HTML: true}
			if tag == "area" {
				b.add(l, "")
				continue
			}
			cur = &l
		case html.TextToken:
			if cur != nil && txt.Len() < 4*maxText {
				txt.Write(z.Text())
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && cur != nil {
				b.add(*cur, txt.String())
				cur = nil
			}
		}
	}
}

// plainURL finds URLs in plain text.
var plainURL = regexp.MustCompile(`(?i)\b(?:https?://|mailto:)[^\s<>"'()\[\]]+`)

// maxLine is the longest piece of a text line scanned at once: a longer
// line is scanned in pieces, so that a body of one huge line is streamed,
// never held.
const maxLine = 64 << 10

// lineReaders keep the readers of scanText, each with its maxLine buffer,
// for the next part: a mailbox of many messages would otherwise allocate
// one per text part.
var lineReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, maxLine) }}

// scanText collects the URLs of a text/plain part, each with its line and
// the line before it ("To unsubscribe, visit:" above the URL). It reads
// line by line and copies only what it keeps.
func (b *Body) scanText(r io.Reader) {
	br := lineReaders.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		lineReaders.Put(br)
	}()
	prev := ""
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			trimmed := bytes.TrimSpace(line)
			for _, loc := range findURLs(trimmed) {
				u := strings.TrimRight(string(trimmed[loc[0]:loc[1]]), ".,;:!?")
				b.add(Link{URL: u}, prev+" "+clipBytes(trimmed))
			}
			if len(trimmed) > 0 {
				prev = clipBytes(trimmed)
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// findURLs finds at most 20 URLs in a line of text. Most lines hold none:
// the regular expression runs only on a line with "://" or "mailto:".
func findURLs(line []byte) [][]int {
	if !bytes.Contains(line, []byte("://")) && !hasMailto(line) {
		return nil
	}
	return plainURL.FindAllIndex(line, 20)
}

// hasMailto says whether line holds "mailto:" in any case.
func hasMailto(line []byte) bool {
	for i := bytes.IndexByte(line, ':'); i >= 0; {
		if i >= 6 && bytes.EqualFold(line[i-6:i], []byte("mailto")) {
			return true
		}
		j := bytes.IndexByte(line[i+1:], ':')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// clipBytes is the start of b as a string of at most maxText bytes, copying
// no more than that.
func clipBytes(b []byte) string {
	if len(b) > maxText+4 {
		b = b[:maxText+4]
	}
	return text.Clip(string(b), maxText)
}

// add keeps a link, and the first that says unsubscribe.
func (b *Body) add(l Link, txt string) {
	if len(b.Links) >= maxLinks {
		return
	}
	// Made valid before it is clipped: each invalid byte becomes a
	// three-byte U+FFFD, which must not take the text past its bound.
	l.Text = text.Clip(strings.ToValidUTF8(strings.Join(strings.Fields(txt), " "), "\uFFFD"), maxText)
	l.URL = text.Clip(strings.ToValidUTF8(l.URL, "\uFFFD"), 500)
	b.Links = append(b.Links, l)
	if b.Unsubscribe == nil && (saysUnsubscribe(l.Text) || saysUnsubscribe(l.URL)) && !strings.HasPrefix(strings.ToLower(l.URL), "javascript:") {
		u := b.Links[len(b.Links)-1]
		b.Unsubscribe = &u
	}
}

// unsubscribeWords say "unsubscribe" or "opt out" in the common languages
// of marketing mail: English, German, French, Spanish, Italian, Dutch,
// Portuguese, Swedish, Danish, Norwegian, Finnish, Polish, Czech, Russian,
// Turkish, Japanese and Chinese. They are matched in lower case, anywhere
// in a link's text or URL.
var unsubscribeWords = []string{
	"unsubscribe", "unsub", "opt out", "opt-out", "optout", "opt_out",
	"abmelden", "abbestellen", "austragen",
	"désabonner", "desabonner", "désinscri", "desinscri", "désabonnement",
	"darse de baja", "dar de baja", "date de baja", "cancelar suscripción", "cancelar la suscripción", "desuscrib",
	"disiscriv", "annulla iscrizione", "cancella iscrizione",
	"afmelden", "uitschrijven",
	"descadastr", "cancelar inscrição", "cancelar subscrição",
	"avregistrera", "avsluta prenumeration", "avprenumerera",
	"afmeld", "frameld", "meld av", "avmeld",
	"peruuta tilaus", "peru tilaus",
	"wypisz", "rezygnuj z subskrypcji",
	"odhlásit", "odhlasit",
	"отписаться", "отписка",
	"abonelikten çık", "aboneliği iptal",
	"配信停止", "登録解除", "退订", "取消订阅",
}

func saysUnsubscribe(s string) bool {
	s = strings.ToLower(s)
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	for _, w := range unsubscribeWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
