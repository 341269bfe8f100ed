package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/dkim"
)

// bodyNotAvailable is what the DKIM tab says of a header-only message.
const bodyNotAvailable = "body not available: header signature checked only"

// maxUnsignedShown bounds the unsigned text (l=) shown in a card.
const maxUnsignedShown = 4000

// dkimTab shows every DKIM signature (dkim.Result) as a card: domain,
// selector, algorithm, key, times, body hashes, the text an l= tag leaves
// unsigned.
type dkimTab struct {
	root       *fyne.Container
	headerOnly *noticeList
	absent     *absentView
	// head is the summary row's word and reason when there is no
	// signature.
	head  *statusHead
	cards *list[dkimItem]
}

// dkimItem is what a card shows: a signature, and whether the message
// had no body.
type dkimItem struct {
	res        *dkim.Result
	headerOnly bool
	status     inspector.Status
}

func newDKIMTab() *dkimTab {
	t := &dkimTab{headerOnly: newNoticeList(inspector.VerdictWarn), absent: newAbsentView(), head: newStatusHead(),
		cards: newList(newDKIMCard)}
	t.root = vbox(t.headerOnly.root, t.absent.root, t.head.root, t.cards.root)
	return t
}

func (t *dkimTab) object() fyne.CanvasObject { return t.root }
func (t *dkimTab) stop()                     { t.absent.spin.stop() }

func (t *dkimTab) update(r *inspector.Report, running bool) {
	if r.HeaderOnly {
		t.headerOnly.set("Only the header was given: " + bodyNotAvailable +
			". No body hash was verified, so a changed body would not show here.")
	} else {
		t.headerOnly.set()
	}
	items := make([]dkimItem, 0, len(r.DKIM))
	for _, s := range r.DKIM {
		if s != nil {
			items = append(items, dkimItem{s, r.HeaderOnly, r.SignatureStatus(s)})
		}
	}
	t.cards.set(items)
	setShown(t.head.root, false)
	row := summaryRow(r, "DKIM")
	switch {
	case len(items) > 0:
		t.absent.hide()
	case r.DKIM == nil && running:
		t.absent.set("DKIM signatures", true, "")
	case row == nil || row.Reason == inspector.NotEvaluated || rowPending(*row):
		t.absent.set("DKIM signatures", false, "")
	default:
		t.absent.hide()
		t.head.set("DKIM", string(row.Result), inspector.StatusOf(row.Status), row.Reason)
		setShown(t.head.root, true)
	}
}

// dkimCard is one signature.
type dkimCard struct {
	root     fyne.CanvasObject
	head     *statusHead
	warnings *noticeList
	facts    *form
	body     *bodyHashView
	unsigned *unsignedView
	field    *folded
	key      *folded
	more     *moreView

	// forensics says why it broke, and that its key changed.
	forensics *forensicsView
}

func newDKIMCard() item[dkimItem] {
	c := &dkimCard{
		head:     newStatusHead(),
		warnings: newNoticeList(inspector.VerdictWarn),
		facts: textForm("Algorithm", "Key", "Comparison\n(canonicalization)", "Identity (i=)", "Signed headers", "Not signed",
			"Times", "Header signature"),
		body:     newBodyHashView(),
		unsigned: newUnsignedView(),
		field:    newFolded(),
		key:      newFolded(),
		more:     newMoreView(),
	}
	c.forensics = newForensicsView()
	c.root = card(c.head.root, c.warnings.root, c.forensics.root, c.facts.root, c.body.f.root, c.unsigned.root, c.field.acc, c.key.acc, c.more.acc)
	return c
}

func (c *dkimCard) object() fyne.CanvasObject { return c.root }

func (c *dkimCard) update(it dkimItem) {
	s := it.res
	sh := track(s)
	// Machine words: the reason and the warnings say them in words.
	sh.mark(&s.Code, &s.Index)
	title := "d=" + use(sh, &s.Domain) + "  s=" + use(sh, &s.Selector)
	c.head.set(title, string(use(sh, &s.Result)), it.status, use(sh, &s.Reason))
	var warnings []string
	for _, w := range use(sh, &s.Warnings) {
		warnings = append(warnings, w.Text)
	}
	c.warnings.set(warnings...)
	c.forensics.update(use(sh, &s.Forensics), use(sh, &s.KeyChanged), s.Domain)

	key := use(sh, &s.Key)
	keyText := ""
	if bits := use(sh, &s.KeyBits); bits != 0 {
		keyText = strconv.Itoa(bits) + "-bit"
	}
	var keyName, keyRecord string
	if key != nil {
		if key.Type != "" {
			keyText = strings.TrimSpace(keyText + " " + strings.ToUpper(key.Type))
		}
		if key.Name != "" {
			keyText = strings.TrimSpace(keyText + " key at " + key.Name)
		}
		if key.DNSSEC {
			keyText += " (DNSSEC-validated)"
		}
		keyName, keyRecord = key.Name, key.Record
	}
	times := ""
	if ts := use(sh, &s.Timestamp); ts != nil {
		times = "signed " + timeText(*ts)
	}
	if x := use(sh, &s.Expiration); x != nil {
		times += "; expires " + timeText(*x)
	}
	if j := use(sh, &s.JudgedAt); j != "" && times != "" {
		times += " (judged at " + j + ")"
	}
	sigValid := ""
	if v := use(sh, &s.SignatureValid); v != nil {
		sigValid = "invalid: the signed header fields were changed"
		if *v {
			sigValid = "valid: the signed header fields are unchanged"
		}
	} else if s.Result != "" {
		sigValid = "could not be checked"
	}
	c.facts.setAll(
		use(sh, &s.Algorithm),
		keyText,
		use(sh, &s.Canonicalization),
		use(sh, &s.Identity),
		strings.Join(use(sh, &s.SignedHeaders), ", "),
		unsignedDuplicates(use(sh, &s.UnsignedDuplicates)),
		times,
		sigValid,
	)
	c.body.update(it.headerOnly, it.status, use(sh, &s.BodyChecked), use(sh, &s.BodyHashMatches),
		use(sh, &s.BodyHashExpected), use(sh, &s.BodyHashComputed))
	c.unsigned.update(use(sh, &s.BodyLength), use(sh, &s.CanonicalBodyBytes), use(sh, &s.UnsignedBytes),
		use(sh, &s.UnsignedText), use(sh, &s.UnsignedTruncated))
	c.field.set("DKIM-Signature field as received", use(sh, &s.Field))
	c.key.set("Key record ("+keyName+")", keyRecord)
	c.more.set(s, sh)
}

func unsignedDuplicates(d []string) string {
	if len(d) == 0 {
		return ""
	}
	return "extra instances of " + strings.Join(d, ", ") + " (they could have been added after signing)"
}

// bodyHashView says whether the body is as signed: expected and computed
// hash side by side on a mismatch; never a pass for a body not checked.
type bodyHashView struct {
	f                  *form
	status             *badge
	expected, computed int
}

func newBodyHashView() *bodyHashView {
	b := &bodyHashView{f: newForm(), status: newBadge()}
	b.f.addObject("Body hash", b.status.root)
	b.expected = b.f.addMono("bh=")
	b.computed = b.f.addMono("Computed")
	return b
}

func (b *bodyHashView) update(headerOnly bool, sig inspector.Status, checked, matches bool, expected, computed string) {
	switch {
	case headerOnly || !checked:
		why := "not checked"
		if headerOnly {
			why = "not verified: " + bodyNotAvailable
		}
		b.status.set(inspector.StatusNotChecked, why)
		expected, computed = "", ""
	case matches:
		b.status.set(inspector.StatusGood, "matches: the body is as signed")
		b.f.setKey(b.expected, "bh=")
		computed = ""
	default:
		// As red as the signature it breaks: a third party's is amber.
		b.status.set(inspector.Worst(sig, inspector.StatusCaution), "does not match: the body was changed after signing")
		b.f.setKey(b.expected, "Expected (bh=)")
	}
	b.f.set(b.expected, expected)
	b.f.set(b.computed, computed)
}

// unsignedView shows what an l= tag leaves outside the signature.
type unsignedView struct {
	root   *fyne.Container
	length *form
	warn   *noticeList
	text   *widget.Label
}

func newUnsignedView() *unsignedView {
	u := &unsignedView{length: textForm("Signed body length (l=)"), warn: newNoticeList(inspector.VerdictWarn)}
	u.text = mono("")
	u.root = vbox(u.length.root, u.warn.root, u.text)
	return u
}

func (u *unsignedView) update(length *int64, canonical, unsigned int64, text string, truncated bool) {
	if length == nil {
		setShown(u.root, false)
		return
	}
	setShown(u.root, true)
	canon := ""
	if canonical != 0 {
		canon = strconv.FormatInt(canonical, 10)
	}
	u.length.set(0, fmt.Sprintf("%d of %s bytes", *length, orDash(canon)))
	if unsigned == 0 {
		u.warn.set()
		setShown(u.text, false)
		return
	}
	u.warn.set(fmt.Sprintf("%d bytes of the body are not covered by the signature: anyone could have appended them. They are:", unsigned))
	if len(text) > maxUnsignedShown {
		text = text[:maxUnsignedShown] + "\n…"
	} else if truncated {
		text += "\n…"
	}
	setText(u.text, text)
	setShown(u.text, true)
}

func orDash(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
