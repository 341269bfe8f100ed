package dmarc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	msgdmarc "github.com/emersion/go-msgauth/dmarc"

	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// versionTag matches the start of a DMARC record: RFC 7489 section 6.4 says
// v=DMARC1 comes first, spelt exactly so, and that TXT records at _dmarc
// names that do not start with it are someone else's and are ignored.
var versionTag = regexp.MustCompile(`^[ \t]*v[ \t]*=[ \t]*DMARC1[ \t]*(;|$)`)

// isRecord says whether a TXT string is meant as a DMARC record.
func isRecord(txt string) bool { return versionTag.MatchString(txt) }

// Record is a parsed DMARC record with the DMARCbis np tag, which
// go-msgauth does not know.
type Record struct {
	*msgdmarc.Record
	// NP is the policy for non-existent subdomains ("" when absent).
	NP msgdmarc.Policy
	// Notes say what was tolerated while parsing (an invalid np ignored, an
	// invalid p read as none because rua is present).
	Notes []string
}

// ParseRecord parses the text of a DMARC TXT record. Errors say which tag
// is wrong, for a permerror reason.
func ParseRecord(txt string) (*Record, error) {
	if !isRecord(txt) {
		return nil, errors.New("it does not start with v=DMARC1")
	}
	tags, err := splitTags(txt)
	if err != nil {
		return nil, err
	}
	out := &Record{}
	rec, err := msgdmarc.Parse(txt)
	if err != nil {
		// RFC 7489 section 6.6.3: a record whose p or sp is missing or
		// invalid but that has a reporting address is read as p=none, so
		// the owner still gets reports.
		policyErr := strings.Contains(err.Error(), "'p'") || strings.Contains(err.Error(), "'sp'")
		if !policyErr || !hasURI(tags["rua"]) {
			return nil, errors.New(strings.TrimPrefix(err.Error(), "dmarc: "))
		}
		var kept []string
		for _, kv := range strings.Split(txt, ";") {
			k, _, _ := strings.Cut(kv, "=")
			if k = strings.TrimSpace(k); k != "p" && k != "sp" {
				kept = append(kept, kv)
			}
		}
		rec, err = msgdmarc.Parse(strings.Join(append(kept, " p=none"), ";"))
		if err != nil {
			return nil, errors.New(strings.TrimPrefix(err.Error(), "dmarc: "))
		}
		out.Notes = append(out.Notes, fmt.Sprintf("the record's p or sp tag is missing or invalid (p=%q, sp=%q); as RFC 7489 section 6.6.3 says, "+
			"a record with a reporting address (rua) is then read as p=none", tags["p"], tags["sp"]))
	}
	out.Record = rec
	if np, ok := tags["np"]; ok {
		switch np {
		case "none", "quarantine", "reject":
			out.NP = msgdmarc.Policy(np)
		default:
			out.Notes = append(out.Notes, fmt.Sprintf("the np tag %q is not none, quarantine or reject, so it is ignored", np))
		}
	}
	return out, nil
}

// splitTags splits a tag list into a map, for the tags go-msgauth does not
// expose. A later duplicate wins, as in go-msgauth.
func splitTags(txt string) (map[string]string, error) {
	tags := make(map[string]string)
	for _, kv := range strings.Split(txt, ";") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not a tag=value pair", strings.TrimSpace(kv))
		}
		tags[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return tags, nil
}

// hasURI says whether a rua value holds at least one URI.
func hasURI(v string) bool {
	for _, u := range strings.Split(v, ",") {
		if strings.Contains(u, ":") {
			return true
		}
	}
	return false
}

// lookup is the outcome of asking for the DMARC record of one domain.
type lookup struct {
	name    string   // the name queried, _dmarc.<domain>
	records []string // TXT strings that are DMARC records
	others  int      // TXT strings at the name that are not
	notes   []string
	// temp is set when DNS gave no usable answer (timeout, SERVFAIL).
	temp error
}

// fetch asks DNS for the DMARC records of domain (an ASCII name).
func fetch(ctx context.Context, r resolver.Resolver, domain string) lookup {
	l := lookup{name: "_dmarc." + domain}
	txts, err := r.LookupTXT(ctx, l.name)
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return l
		}
		l.temp = err
		return l
	}
	for _, t := range txts {
		if isRecord(t) {
			l.records = append(l.records, t)
		} else {
			l.others++
		}
	}
	return l
}

// exists says whether domain exists as RFC 9091 section 2.7 defines it for
// np: some A, AAAA or MX record, or an answer that is neither NXDOMAIN nor
// empty. A DNS failure counts as existing, with a note, so that np (usually
// the strictest policy) is never applied on a guess.
func exists(ctx context.Context, r resolver.Resolver, domain string) (bool, string) {
	var failed []string
	_, err := r.LookupIPAddr(ctx, domain)
	if err == nil {
		return true, ""
	}
	if !notFound(err) {
		failed = append(failed, "A/AAAA")
	}
	_, err = r.LookupMX(ctx, domain)
	if err == nil {
		return true, ""
	}
	if !notFound(err) {
		failed = append(failed, "MX")
	}
	if len(failed) > 0 {
		return true, fmt.Sprintf("could not tell whether %s exists (the %s lookup failed), so it is treated as existing and np is not applied",
			domain, strings.Join(failed, " and "))
	}
	return false, ""
}

func notFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}
