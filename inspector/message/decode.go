package message

import (
	"bytes"
	"mime"
	"strings"

	"github.com/emersion/go-message/charset"
)

// wordDecoder decodes RFC 2047 encoded words. UTF-8, US-ASCII and
// ISO-8859-1 are built into package mime; go-message's charset package
// handles the other charsets it knows (Windows code pages, KOI8-R,
// ISO-2022-JP, GB18030 and so on).
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// fieldValue returns the value of a field for display: the text after the
// colon, unfolded (each CRLF that folds the field removed), trimmed of
// surrounding white space, with encoded words decoded. If decoding fails
// (an unknown charset, a malformed word) the undecoded text is kept. Bytes
// that are not UTF-8 (8-bit text in a legacy charset, invalid UTF-8) become
// U+FFFD, and NUL (obsolete syntax, RFC 5322 section 4.1) becomes U+2400
// SYMBOL FOR NULL: no display shows a NUL, and a C string or a terminal
// may cut the text there.
func fieldValue(raw []byte) string {
	colon := bytes.IndexByte(raw, ':')
	v := raw[colon+1 : len(raw)-2] // raw always ends in CRLF
	s := strings.ReplaceAll(string(v), "\r\n", "")
	s = strings.Trim(s, " \t")
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		}
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\u2400")
}
