package dkim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/resolver"
)

// LookupKey fetches and parses the key published at name (as made by
// Signature.LookupName: selector._domainkey.domain). The Key it returns
// always says what was asked and what DNS answered (record, CNAME chain, AD
// bit), even when the error is not nil. Errors are *Error:
//   - key_not_found (permerror): NXDOMAIN or no TXT record, or an answer
//     that cannot lead to one (a CNAME loop);
//   - dns_error (temperror): timeout, SERVFAIL or any other failure to get
//     an answer;
//   - multiple_keys (permerror): more than one TXT record, which RFC 6376
//     section 3.6.2.2 leaves undefined;
//   - key_malformed or unsupported_key_type (permerror), from ParseKey.
func LookupKey(ctx context.Context, r resolver.Resolver, name string) (*Key, error) {
	info := &Key{Name: name}
	if r == nil {
		return info, &Error{Code: CodeDNSError, Reason: fmt.Sprintf("the key at %s could not be looked up: no DNS resolver is configured", name)}
	}
	ans, err := r.Query(ctx, name, dns.TypeTXT)
	if ans != nil {
		info.CNAME = ans.CNAMEs
		info.ViaCNAME = len(ans.CNAMEs) > 0
		info.DNSSEC = ans.AD
	}
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			what := "the name does not exist"
			if ans != nil && ans.Rcode == "NOERROR" {
				what = "the name exists but has no TXT record"
			}
			return info, &Error{Code: CodeKeyNotFound, Reason: fmt.Sprintf("no key is published at %s (%s), so the signature cannot be checked; the domain may have removed the key since the message was sent", name, what)}
		}
		if errors.As(err, &de) && !de.IsTemporary && !de.IsTimeout {
			// An answer came, and it cannot lead to a key however often it
			// is asked again: an alias chain that loops or never ends.
			return info, &Error{Code: CodeKeyNotFound, Reason: fmt.Sprintf("no key can be found at %s: %s; the domain's DNS is misconfigured, so the signature cannot be checked", name, de.Err)}
		}
		return info, &Error{Code: CodeDNSError, Reason: fmt.Sprintf("the DNS lookup of the key at %s failed (%v); this is usually temporary: try again later", name, err)}
	}
	if ans == nil {
		return info, &Error{Code: CodeDNSError, Reason: fmt.Sprintf("the DNS lookup of the key at %s gave no answer", name)}
	}
	switch len(ans.Records) {
	case 0:
		return info, &Error{Code: CodeKeyNotFound, Reason: fmt.Sprintf("no key is published at %s (the name has no TXT record), so the signature cannot be checked", name)}
	case 1:
	default:
		info.Record = strings.Join(ans.Records, "\n")
		return info, &Error{Code: CodeMultipleKeys, Reason: fmt.Sprintf("%d TXT records are published at %s; a verifier cannot tell which one is the key (RFC 6376 section 3.6.2.2), so the domain must publish exactly one", len(ans.Records), name)}
	}
	key, err := ParseKey(ans.Records[0])
	key.Name, key.Record, key.CNAME, key.ViaCNAME, key.DNSSEC = info.Name, ans.Records[0], info.CNAME, info.ViaCNAME, info.DNSSEC
	if err != nil {
		e := err.(*Error)
		what := "is malformed"
		if e.Code == CodeUnsupportedKeyType {
			what = "cannot be used"
		}
		e.Reason = fmt.Sprintf("the key record at %s %s: %s", name, what, e.Reason)
		return key, e
	}
	return key, nil
}
