package arc

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

type history map[string][]dkim.ArchivedKey

func (h history) Keys(name string) []dkim.ArchivedKey { return h[name] }

// confirmed lists the confirmed changes of an instance.
func confirmed(in *Instance) []string {
	var out []string
	for _, f := range in.Forensics {
		if f.Confirmed {
			out = append(out, string(f.Change)+" "+f.Where)
		}
	}
	return out
}

// An ARC-Message-Signature broken after sealing gets the forensics of a
// DKIM signature: a gateway's banner in the body, a forwarder's tag in the
// Subject, each confirmed, and said in the instance's reason.
func TestAMSForensics(t *testing.T) {
	author, list, fwd := listSealers(t)
	srv := dnstest.Start(t, author.TXT()+"\n"+list.TXT()+"\n"+fwd.TXT())
	for _, tc := range []struct {
		name, from, to, want, reason string
	}{
		{"a gateway's banner", "\r\n\r\nHi all,", "\r\n\r\n[EXTERNAL] This message comes from outside.\r\nHi all,", "body_prepended body", "Broken by a security gateway"},
		{"a forwarder's Subject tag", "Subject: [arc] Meeting", "Subject: [fwd] [arc] Meeting", "subject_tag header:subject", "without the tag “[fwd]” in front of the Subject"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := bytes.Replace(forwardThroughList(t, author, list), []byte(tc.from), []byte(tc.to), 1)
			m, err := message.Parse("changed", msg)
			if err != nil {
				t.Fatal(err)
			}
			res := ValidateHistory(context.Background(), newResolver(srv), m, nil, nil)
			in := res.Instances[0]
			if in.AMSResult != "fail" || res.Result != "fail" {
				t.Fatalf("AMS %s, chain %s: a changed message must fail", in.AMSResult, res.Result)
			}
			if got := confirmed(in); len(got) != 1 || got[0] != tc.want {
				t.Errorf("confirmed %v, want [%s]", got, tc.want)
			}
			if !strings.Contains(in.AMSReason, tc.reason) || !strings.Contains(res.Reason, tc.reason) {
				t.Errorf("AMS reason %q, chain reason %q: want %q", in.AMSReason, res.Reason, tc.reason)
			}
		})
	}
}

// A sealer's key replaced since it sealed is confirmed with the key the
// archive kept; without the archive nothing is confirmed.
func TestAMSKeyRotated(t *testing.T) {
	author, list, _ := listSealers(t)
	msg := forwardThroughList(t, author, list)
	now := testsign.Key{Domain: list.Domain, Selector: list.Selector, Signer: testsign.RSA2048(3)}
	srv := dnstest.Start(t, author.TXT()+"\n"+now.TXT())
	m, err := message.Parse("rotated", msg)
	if err != nil {
		t.Fatal(err)
	}
	if res := Validate(context.Background(), newResolver(srv), m); len(confirmed(res.Instances[0])) != 0 {
		t.Errorf("no archive, yet confirmed %v", confirmed(res.Instances[0]))
	}
	seen := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	h := history{"arc._domainkey.lists.example.org": {{Record: list.Record(), FirstSeen: seen, LastSeen: seen}}}
	res := ValidateHistory(context.Background(), newResolver(srv), m, nil, h)
	in := res.Instances[0]
	if got := confirmed(in); len(got) != 1 || got[0] != "key_rotated header:arc-message-signature" || !strings.Contains(in.AMSReason, "published on 2024-01-02") {
		t.Errorf("confirmed %v, reason %q", got, in.AMSReason)
	}
	if in.AMSResult == "pass" {
		t.Errorf("a key from the archive made the AMS pass")
	}
}
