package bimi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// record is a BIMI assertion record (draft section 4.2): v=BIMI1; l=...;
// a=...
type record struct {
	location, authority string
	hasL, hasA          bool
	err                 error
}

// isRecord says whether a TXT record is a BIMI record: it starts with
// v=BIMI1.
func isRecord(txt string) bool {
	v, _, _ := strings.Cut(txt, ";")
	k, val, ok := strings.Cut(v, "=")
	return ok && strings.TrimSpace(k) == "v" && strings.EqualFold(strings.TrimSpace(val), "BIMI1")
}

// parseRecord reads a BIMI record. An unknown tag is ignored, as the draft
// asks; l= and a= may hold several comma-separated URIs in older drafts,
// of which the first is kept.
func parseRecord(txt string) *record {
	if !isRecord(txt) {
		return &record{err: errors.New("it does not start with v=BIMI1")}
	}
	tags, err := parseTags(txt)
	if err != nil {
		return &record{err: err}
	}
	r := &record{}
	r.location, r.hasL = first(tags, "l")
	r.authority, r.hasA = first(tags, "a")
	if !r.hasL && !r.hasA {
		return &record{err: errors.New("it has neither l= (the logo) nor a= (the certificate)")}
	}
	return r
}

func first(tags map[string]string, k string) (string, bool) {
	v, ok := tags[k]
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v), ok
}

// declined says whether the record declines BIMI: l= empty, no a=.
func (r *record) declined() bool { return r.location == "" && r.authority == "" }

// parseTags splits a tag list "k=v; k=v" (the syntax of DKIM's, RFC 6376
// section 3.2: tag names are case-sensitive). A repeated tag or a part
// without "=" is an error.
func parseTags(s string) (map[string]string, error) {
	tags := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not a tag=value pair", text.Clip(part, 60))
		}
		if _, dup := tags[k]; dup {
			return nil, fmt.Errorf("the tag %s= stands twice", text.Clip(k, 60))
		}
		tags[k] = strings.TrimSpace(v)
		if len(tags) > 50 {
			return nil, errors.New("it has too many tags")
		}
	}
	return tags, nil
}
