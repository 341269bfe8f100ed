package received

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// otherLayouts are date forms seen in Received fields that are not RFC 5322
// dates: asctime (old Sendmail and some appliances), ISO-like stamps, and a
// zone name without a numeric offset.
var otherLayouts = []string{
	"Mon Jan _2 15:04:05 2006",
	"Mon Jan _2 15:04:05 MST 2006",
	"Mon Jan _2 15:04:05 -0700 2006",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02T15:04:05Z07:00",
	"Mon, 2 Jan 2006 15:04:05.999999999 -0700",
	"2 Jan 2006 15:04:05.999999999 -0700",
}

// usualLayout is how nearly every server writes a date (RFC 5322 section
// 3.3, with the day of the week and seconds; "2" takes one digit or two).
const usualLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// ParseDate reads the date that ends a Received field. It accepts what
// net/mail accepts (RFC 5322 and its obsolete forms, trailing comments such
// as "(CET)") and the few other layouts MTAs write.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(strings.Join(strings.Fields(s), " "))
	if s == "" {
		return time.Time{}, false
	}
	// The usual form first: net/mail tries its layouts one by one, and
	// each that fails costs an error value; a mailbox has many dates.
	if t, err := time.Parse(usualLayout, s); err == nil {
		return t, true
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	// Some writers put a comma after the day number or leave a dot after
	// the weekday; drop the comment for the layouts below.
	bare := s
	if i := strings.IndexByte(bare, '('); i > 0 {
		bare = strings.TrimSpace(bare[:i])
	}
	for _, l := range otherLayouts {
		if t, err := time.Parse(l, bare); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// trailingDate finds a date at the end of a field that has no ";" before
// it, as a few broken writers produce: "... id 123 Tue, 2 Mar 2021 10:00:00
// +0100".
var trailingDate = regexp.MustCompile(`(?i)(?:(?:mon|tue|wed|thu|fri|sat|sun),? +)?\d{1,2} +[a-z]{3} +\d{2,4} +\d{1,2}:\d{2}(?::\d{2})?(?: +(?:[+-]\d{4}|[a-z]{1,5}))?(?: *\([^()]*\))?$`)

// findTrailingDate returns where a date without ";" starts at the end of
// text, or -1. A date is short: only the end of the text is searched, so
// that a huge field costs no more than a small one.
func findTrailingDate(text string) int {
	const window = 200
	base := 0
	if len(text) > window {
		base = len(text) - window
	}
	loc := trailingDate.FindStringIndex(text[base:])
	if loc == nil {
		return -1
	}
	return base + loc[0]
}
