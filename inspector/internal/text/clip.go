// Package text holds the small helpers for quoting message text in the
// sentences of a report.
package text

import "unicode/utf8"

// Clip shortens s to at most max bytes for quoting in a sentence, so that a
// 50 MB field does not become a 50 MB error, ending it with "…" when it was
// cut. It never cuts a UTF-8 sequence in two.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
