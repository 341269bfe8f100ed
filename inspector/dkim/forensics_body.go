package dkim

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/subtle"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// Bounds of the body investigation. They hold whatever the message: a
// fixed number of transformed bodies, each hashed once in one shared pass.
const (
	// MaxBodyCandidates is how many transformed bodies are hashed in the
	// second pass over the body.
	MaxBodyCandidates = 12
	// maxBodyHashers bounds candidates times canonicalisations in use.
	maxBodyHashers = 24
	// maxBannerLines and maxBanner bound a banner: lines and bytes.
	maxBannerLines = 40
	maxBanner      = 8 << 10
	// maxHeld bounds what a transform holds back within a line (the white
	// space at its end, a part header): a longer one makes it give up.
	maxHeld = 64 << 10
)

// hashGroup is the failing signatures that hash the body alike.
type hashGroup struct {
	canon    Canonicalization
	hash     crypto.Hash
	limit    int64
	suspects []*Suspect
}

func groupSuspects(suspects []*Suspect) []*hashGroup {
	var groups []*hashGroup
next:
	for _, s := range suspects {
		for _, g := range groups {
			if g.canon == s.BodyCanon && g.hash == s.Algorithm.Hash() && g.limit == s.Length {
				g.suspects = append(g.suspects, s)
				continue next
			}
		}
		groups = append(groups, &hashGroup{canon: s.BodyCanon, hash: s.Algorithm.Hash(), limit: s.Length, suspects: []*Suspect{s}})
	}
	return groups
}

// investigateBodies finds what was done to the body of each suspect. The
// first pass reads the body with its MIME structure, gathers the evidence
// (">From " lines, doubled CRs, white space at line ends, encoded parts,
// the lines a banner would take) and keeps the end of each canonical body,
// where appended text is looked for; the second pass hashes the bodies
// that undo one change each.
func investigateBodies(ctx context.Context, body func() io.Reader, msg *messageFacts, suspects []*Suspect, stats *workStats) map[*Suspect]Findings {
	out := map[*Suspect]Findings{}
	if len(suspects) == 0 {
		return out
	}
	groups := groupSuspects(suspects)
	scan := &bodyScan{tracker: newMIMETracker(msg.top)}
	tails := make([]*tail, len(groups))
	var writers []io.Writer
	for i, g := range groups {
		tails[i] = newTail(g)
		writers = append(writers, tails[i].hasher)
	}
	w := io.MultiWriter(writers...)
	stats.passes++
	stats.bodyHashers += len(groups)
	err := eachLine(ctx, body(), func(p []byte, first, last bool) {
		scan.piece(p, first, last)
		w.Write(p)
	})
	if err != nil {
		return out
	}
	for i, g := range groups {
		tails[i].hasher.Close()
		for s, f := range tails[i].footer(g, scan.tracker.boundaries, msg, stats) {
			out[s] = append(out[s], f)
		}
	}

	cands := scan.candidates(msg, groups)
	if len(cands) > 0 {
		stats.passes++
		if !runCandidates(ctx, body(), msg, cands, stats) {
			return out
		}
	}
	for _, c := range cands {
		for s := range c.matched {
			if !out[s].has(true) {
				f := c.finding
				f.Confirmed = true
				out[s] = append(out[s], f)
			}
		}
	}
	for _, g := range groups {
		for _, s := range g.suspects {
			out[s] = append(out[s], scan.evidence(msg, out[s])...)
		}
	}
	return out
}

// bodyScan is the first pass's reading of the body.
type bodyScan struct {
	tracker *mimeTracker
	cur     *lineInfo
	// Lines beginning ">From " and ">>...From ", ending in CR CR LF, and
	// ending in white space.
	fromEscaped, fromDeep, doubleCR, trailingWS int
	// anchor is where a banner would be put: the top of the body, or of
	// its first text part; lines are its first maxBannerLines lines.
	anchor *part
	lines  []bannerLine
}

type bannerLine struct {
	no    int64
	size  int
	text  []byte // the start of the line, within maxBanner in all
	blank bool
}

func (b *bodyScan) piece(p []byte, first, last bool) {
	if first {
		b.cur = b.tracker.line(p, last)
		if len(p) > 1 && p[0] == '>' {
			j := 1
			for j < len(p) && p[j] == '>' {
				j++
			}
			if bytes.HasPrefix(p[j:], []byte("From ")) {
				if j == 1 {
					b.fromEscaped++
				} else {
					b.fromDeep++
				}
			}
		}
	}
	if last && bytes.HasSuffix(p, crlf) {
		switch content := p[:len(p)-2]; {
		case bytes.HasSuffix(content, []byte("\r")):
			b.doubleCR++
		case bytes.HasSuffix(content, []byte(" ")) || bytes.HasSuffix(content, []byte("\t")):
			b.trailingWS++
		}
	}
	b.bannerPiece(p, first)
}

// bannerPiece keeps the first lines of the anchor part.
func (b *bodyScan) bannerPiece(p []byte, first bool) {
	l := b.cur
	if l.kind != lineContent || l.part == nil {
		return
	}
	if b.anchor == nil && first && l.part.text() && l.part.cte != "base64" {
		b.anchor = l.part
	}
	if l.part != b.anchor || l.no-b.anchor.start >= maxBannerLines {
		return
	}
	if first {
		b.lines = append(b.lines, bannerLine{no: l.no, blank: len(bytes.Trim(p, " \t\r\n")) == 0})
	}
	bl := &b.lines[len(b.lines)-1]
	bl.size += len(p)
	if keep := min(len(p), maxBanner/maxBannerLines*4-len(bl.text)); keep > 0 {
		bl.text = append(bl.text, p[:keep]...)
	}
}

// candidate is one transformed body: a change undone.
type candidate struct {
	t       transform
	finding Forensic
	// only, when set, is the one body canonicalisation under which the
	// change matters.
	only    Canonicalization
	out     *bufio.Writer
	hashers map[*hashGroup]*BodyHasher
	failed  bool
	matched map[*Suspect]bool
}

// transform writes the body with one change undone, a piece of a line at a
// time. It returns false when it cannot (what it must hold back would
// exceed maxHeld): the candidate is then dropped.
type transform interface {
	piece(w *bufio.Writer, l *lineInfo, p []byte, first, last bool) bool
	end(w *bufio.Writer) bool
}

// candidates lists the changes worth undoing, most telling first, within
// the bounds: only those the first pass found evidence for, besides the
// banners and the line ends, which leave none.
func (b *bodyScan) candidates(msg *messageFacts, groups []*hashGroup) []*candidate {
	var out []*candidate
	add := func(t transform, f Forensic, only Canonicalization) {
		out = append(out, &candidate{t: t, finding: f, only: only})
	}
	b.bannerCandidates(add)
	if b.fromEscaped+b.fromDeep > 0 {
		f := Forensic{Change: MboxFromEscaped, Where: "body", kind: "mail store",
			Detail: fmt.Sprintf("%s beginning \"From \" %s turned into \">From \" after signing, as mail stores in mbox format do", plural(b.fromEscaped+b.fromDeep, "body line"), wasWere(b.fromEscaped+b.fromDeep)),
			undo:   "with the \">From \" lines of the body turned back into \"From \""}
		add(&unescapeFrom{deep: true}, f, "")
		if b.fromDeep > 0 && b.fromEscaped > 0 {
			add(&unescapeFrom{}, f, "")
		}
	}
	if b.doubleCR > 0 {
		add(dropCR{}, Forensic{Change: LineEndings, Where: "body", kind: "server on the way",
			Detail: fmt.Sprintf("%s end%s in a doubled carriage return (CR CR LF): a program turned line ends that were already CRLF into CRLF again", plural(b.doubleCR, "line"), map[bool]string{true: "s"}[b.doubleCR == 1]),
			undo:   "without the doubled carriage returns at line ends"}, "")
	}
	if b.trailingWS > 0 {
		add(&stripTrailing{}, Forensic{Change: TrailingWhitespace, Where: "body", kind: "server on the way",
			Detail: fmt.Sprintf("white space was added at the end of %s after signing; the signature's simple body canonicalisation counts it", plural(b.trailingWS, "line")),
			undo:   "without the white space at the end of lines"}, Simple)
	}
	for _, enc := range []string{"quoted-printable", "base64"} {
		b.decodeCandidates(enc, add)
	}
	add(lfEndings{}, Forensic{Change: LineEndings, Where: "body", kind: "server on the way",
		Detail: "the body was signed with bare LF line ends, as a Unix program writes text, and converted to CRLF for sending after it was signed",
		undo:   "with the line ends of the body as bare LF, as it was signed"}, "")

	limit := min(MaxBodyCandidates, maxBodyHashers/len(groups))
	if len(out) > limit {
		out = out[:limit]
	}
	for _, c := range out {
		c.hashers = map[*hashGroup]*BodyHasher{}
		c.matched = map[*Suspect]bool{}
		var ws []io.Writer
		for _, g := range groups {
			if c.only != "" && g.canon != c.only {
				continue
			}
			if h, err := NewBodyHasher(g.canon, g.hash, g.limit); err == nil {
				c.hashers[g] = h
				ws = append(ws, h)
			}
		}
		c.out = bufio.NewWriterSize(io.MultiWriter(ws...), 32<<10)
	}
	return out
}

// bannerCandidates proposes removing the first lines of the anchor part,
// up to its first, second or third empty line, or only its first line.
func (b *bodyScan) bannerCandidates(add func(transform, Forensic, Canonicalization)) {
	if len(b.lines) < 2 || b.lines[0].blank {
		return
	}
	var cuts []int
	if !b.lines[1].blank {
		cuts = append(cuts, 1)
	}
	for i, l := range b.lines {
		if l.blank && i+1 < len(b.lines) && len(cuts) < 4 && (len(cuts) == 0 || cuts[len(cuts)-1] != i+1) {
			cuts = append(cuts, i+1)
		}
	}
	where := "body"
	if b.anchor.inMultipart {
		where = "first text part"
	}
	for _, k := range cuts {
		size, text := 0, []byte{}
		for _, l := range b.lines[:k] {
			size += l.size
			text = append(text, l.text...)
		}
		if size > maxBanner {
			break
		}
		q := quoteStart(string(text))
		add(&dropLines{from: b.lines[0].no, to: b.lines[0].no + int64(k)}, Forensic{Change: BodyPrepended, Where: "body", kind: "security gateway",
			Detail: fmt.Sprintf("a %d-byte banner was put at the top of the %s after signing: %s", size, where, q),
			undo:   fmt.Sprintf("without the %d-byte banner %s at the top of the %s", size, q, where),
			Text:   clipText(string(text)), Bytes: int64(size)}, "")
	}
}

// decodeCandidates proposes decoding the parts in transfer encoding enc
// back to 8bit: those an X-MIME-Autoconverted field says were converted,
// and all of them. base64 is decoded only in text parts.
func (b *bodyScan) decodeCandidates(enc string, add func(transform, Forensic, Canonicalization)) {
	var all, converted []*part
	for _, p := range b.tracker.parts {
		if p.cte == enc && (enc != "base64" || p.text()) {
			all = append(all, p)
			if p.converted != "" {
				converted = append(converted, p)
			}
		}
	}
	var sets [][]*part
	if len(converted) > 0 {
		sets = append(sets, converted)
	}
	if len(all) > len(converted) {
		sets = append(sets, all)
	}
	for _, set := range sets {
		which := map[int]bool{}
		for _, p := range set {
			which[p.index] = true
		}
		what := "body"
		if set[0].inMultipart {
			what = plural(len(set), "part")
		}
		from := "8bit"
		if set[0].converted != "" {
			from = set[0].converted
		}
		add(&decodeParts{enc: enc, which: which}, Forensic{Change: TransferReencoded, Where: "body", kind: "server on the way",
			Detail: fmt.Sprintf("the %s %s re-encoded from %s to %s after signing", what, wasWere(len(set)), from, enc),
			undo:   fmt.Sprintf("with the %s decoded from %s back to %s", what, enc, from)}, "")
	}
}

// evidence lists what the body shows without a confirmation: parts that
// an X-MIME-Autoconverted field says were converted, and a banner of the
// words security gateways use.
func (b *bodyScan) evidence(msg *messageFacts, found Findings) Findings {
	var out Findings
	if !found.hasChange(TransferReencoded) {
		for _, p := range b.tracker.parts {
			if p.converted != "" && p.inMultipart {
				out = append(out, Forensic{Change: TransferReencoded, Where: "body", kind: "server on the way",
					Detail: fmt.Sprintf("part %d was converted after signing, as its X-MIME-Autoconverted field says (%s); decoding it back does not restore the signed body", p.index+1, p.convertedField)})
				break
			}
		}
	}
	if !found.hasChange(BodyPrepended) && len(b.lines) > 0 {
		if t := string(b.lines[0].text); gatewayBanner(t) {
			out = append(out, Forensic{Change: BodyPrepended, Where: "body", kind: "security gateway",
				Detail: fmt.Sprintf("the body starts with a banner of the kind security gateways add (%s), but removing it does not restore the signed body", quoteStart(t))})
		}
	}
	return out
}

func (f Findings) hasChange(c Change) bool {
	for _, x := range f {
		if x.Change == c {
			return true
		}
	}
	return false
}

// gatewayBanner says whether a line starts the way the banners of security
// gateways do.
func gatewayBanner(line string) bool {
	l := strings.ToLower(strings.TrimSpace(line))
	for _, w := range []string{"caution:", "[external]", "external email", "external:", "warning: this email", "this email originated from outside", "this message originated from outside", "[ext]", "**external**"} {
		if strings.HasPrefix(l, w) {
			return true
		}
	}
	return strings.Contains(l, "originated from outside")
}

// runCandidates hashes every candidate in one pass over the body, and
// notes which suspects each matches. It returns false when the body could
// not be read.
func runCandidates(ctx context.Context, body io.Reader, msg *messageFacts, cands []*candidate, stats *workStats) bool {
	tracker := newMIMETracker(msg.top)
	var l *lineInfo
	err := eachLine(ctx, body, func(p []byte, first, last bool) {
		if first {
			l = tracker.line(p, last)
		}
		for _, c := range cands {
			if !c.failed && !c.t.piece(c.out, l, p, first, last) {
				c.failed = true
			}
		}
	})
	if err != nil {
		return false
	}
	for _, c := range cands {
		if c.failed || !c.t.end(c.out) {
			continue
		}
		c.out.Flush()
		for g, h := range c.hashers {
			stats.bodyHashers++
			sum := h.Sum()
			for _, s := range g.suspects {
				if subtle.ConstantTimeCompare(sum, s.BodyHash) == 1 {
					c.matched[s] = true
				}
			}
		}
	}
	return true
}

// quoteStart quotes the first line of text that is not empty and not MIME
// structure, shortened, for a sentence.
func quoteStart(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		if !strings.ContainsFunc(line, unicode.IsLetter) || strings.HasPrefix(line, "--") || strings.HasPrefix(strings.ToLower(line), "content-") {
			continue
		}
		return quote(line)
	}
	return quote(strings.TrimSpace(s))
}

// quote puts message text in quotation marks for a sentence, shortened.
func quote(s string) string { return "“" + text.Clip(strings.ToValidUTF8(s, "\uFFFD"), 40) + "”" }

func clipText(s string) string { return text.Clip(strings.ToValidUTF8(s, "\uFFFD"), MaxForensicText) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}
