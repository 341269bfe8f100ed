package recorded

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/result"
)

// trusted builds a Choice whose trusted field has the given value.
func trusted(value string) *Choice {
	h := ParseValue(value)
	return &Choice{Trusted: h, Why: "test"}
}

func dkimNow(word result.Result, code, d, s string) DKIMNow {
	return DKIMNow{Verdict: Verdict{Result: word, Code: code, Reason: "our reason"}, Domain: d, Selector: s}
}

func spfNow(word result.Result, ip, domain string) *SPFNow {
	return &SPFNow{Verdict: Verdict{Result: word}, IP: ip, Domain: domain}
}

func earliest(value string) *Header { return ParseARCValue(value) }

func above(c *Choice) *Choice {
	c.AboveReceived = true
	return c
}

func TestCompare(t *testing.T) {
	const rec = "mx.recipient.example; dkim=pass header.d=shop.example header.s=s1;" +
		" spf=pass (recipient.example: domain of b@shop.example designates 192.0.2.25 as permitted sender) smtp.mailfrom=b@shop.example;" +
		" dmarc=pass header.from=shop.example"
	okSPF := spfNow("pass", "192.0.2.25", "shop.example")
	okDMARC := &Verdict{Result: "pass"}
	tests := []struct {
		name      string
		choice    *Choice
		now       Now
		mechanism string
		code      string
		agree     bool
		has       string
		diffs     int
		forwarded bool
	}{
		{
			name:      "all agree",
			choice:    trusted(rec),
			now:       Now{SPF: okSPF, DKIM: []DKIMNow{dkimNow("pass", "ok", "shop.example", "s1")}, DMARC: okDMARC},
			mechanism: "dkim", agree: true, has: "Both give DKIM pass", diffs: 0,
		},
		{
			name:      "key removed since delivery",
			choice:    trusted(rec),
			now:       Now{SPF: okSPF, DKIM: []DKIMNow{dkimNow("permerror", "key_not_found", "shop.example", "s1")}, DMARC: &Verdict{Result: "pass"}},
			mechanism: "dkim", code: DiffKeyRemoved, has: "key at s1._domainkey.shop.example is no longer published", diffs: 1,
		},
		{
			name:      "key revoked since delivery",
			choice:    trusted(rec),
			now:       Now{DKIM: []DKIMNow{dkimNow("permerror", "key_revoked", "shop.example", "s1")}},
			mechanism: "dkim", code: DiffKeyRemoved, has: "rotated or removed", diffs: 1,
		},
		{
			name:      "message changed after delivery",
			choice:    trusted(rec),
			now:       Now{SPF: okSPF, DKIM: []DKIMNow{dkimNow("fail", "body_hash_mismatch", "shop.example", "s1")}, DMARC: &Verdict{Result: "fail"}},
			mechanism: "dkim", code: DiffMessageChanged, has: "changed after delivery: the receiver verified", diffs: 2,
		},
		{
			name:      "dmarc follows",
			choice:    trusted(rec),
			now:       Now{SPF: okSPF, DKIM: []DKIMNow{dkimNow("fail", "body_hash_mismatch", "shop.example", "s1")}, DMARC: &Verdict{Result: "fail"}},
			mechanism: "dmarc", code: DiffFollows, has: "follows from the difference in dkim d=shop.example s=s1", diffs: 2,
		},
		{
			name:      "header changed",
			choice:    trusted(rec),
			now:       Now{DKIM: []DKIMNow{dkimNow("fail", "signature_mismatch", "shop.example", "s1")}},
			mechanism: "dkim", code: DiffHeaderChanged, has: "signed header field was changed", diffs: 1,
		},
		{
			name:      "dns failure now",
			choice:    trusted(rec),
			now:       Now{DKIM: []DKIMNow{dkimNow("temperror", "dns_error", "shop.example", "s1")}},
			mechanism: "dkim", code: DiffDNSErrorNow, has: "Try again later", diffs: 1,
		},
		{
			name:      "failed at delivery, passes now",
			choice:    trusted("mx.recipient.example; dkim=fail header.d=shop.example"),
			now:       Now{DKIM: []DKIMNow{dkimNow("pass", "ok", "shop.example", "s1")}},
			mechanism: "dkim", code: DiffFailedThen, has: "verifies now", diffs: 1,
		},
		{
			name:      "signature removed after delivery",
			choice:    trusted("mx.recipient.example; dkim=pass header.d=gone.example"),
			now:       Now{DKIM: []DKIMNow{dkimNow("pass", "ok", "shop.example", "s1")}},
			mechanism: "dkim", code: DiffSignatureGone, has: "signature of gone.example that is not in the message now", diffs: 2,
		},
		{
			name:      "ip choice differs",
			choice:    trusted(rec),
			now:       Now{SPF: spfNow("fail", "198.51.100.1", "shop.example")},
			mechanism: "spf", code: DiffIPDiffers, has: "client IP 192.0.2.25, but we took 198.51.100.1", diffs: 2,
		},
		{
			name:      "ip differs but results agree",
			choice:    trusted(rec),
			now:       Now{SPF: spfNow("pass", "192.0.2.26", "shop.example")},
			mechanism: "spf", code: DiffIPDiffers, agree: true, diffs: 2,
		},
		{
			name:      "dns record changed since",
			choice:    trusted(rec),
			now:       Now{SPF: spfNow("softfail", "192.0.2.25", "shop.example")},
			mechanism: "spf", code: DiffDNSChanged, has: "The receiver recorded SPF pass for 192.0.2.25, we get softfail now. SPF depends on DNS at the moment the message arrived: either the SPF record of shop.example has changed since delivery, or this Authentication-Results field was not written by the receiver", diffs: 2,
		},
		{
			// Above the receiver's own Received field no sender writes:
			// one explanation, not two.
			name:      "dns record changed since, the field above the receiver's Received",
			choice:    above(trusted(rec)),
			now:       Now{SPF: spfNow("softfail", "192.0.2.25", "shop.example")},
			mechanism: "spf", code: DiffDNSChanged, has: "The SPF record of shop.example has changed since delivery: the receiver got pass for 192.0.2.25, we get softfail now", diffs: 2,
		},
		{
			name:      "key removed since delivery, the field above the receiver's Received",
			choice:    above(trusted(rec)),
			now:       Now{SPF: okSPF, DKIM: []DKIMNow{dkimNow("permerror", "key_not_found", "shop.example", "s1")}, DMARC: &Verdict{Result: "pass"}},
			mechanism: "dkim", code: DiffKeyRemoved, has: "key at s1._domainkey.shop.example is no longer published", diffs: 1,
		},
		{
			name:      "mail from domain differs",
			choice:    trusted(rec),
			now:       Now{SPF: spfNow("pass", "192.0.2.25", "other.example")},
			mechanism: "spf", code: DiffDomainDiffers, has: "checked SPF for shop.example, but we checked other.example", agree: true, diffs: 2,
		},
		{
			name:   "forwarded",
			choice: trusted("mx.recipient.example; spf=fail smtp.mailfrom=jqd@d1.example; arc=pass"),
			now: Now{SPF: spfNow("fail", "", "d1.example"), ARC: &ARCNow{Verdict: Verdict{Result: "pass"}, Sealer: "lists.example.org",
				Earliest: earliest("i=1; lists.example.org; spf=pass smtp.mailfrom=jqd@d1.example; dkim=pass header.d=d1.example")}},
			mechanism: "spf", code: DiffForwarded, agree: true, forwarded: true,
			has:   "The message was forwarded: SPF gave fail at the receiver because the forwarding server, not the sender's, connected to it; the first ARC intermediary (lists.example.org) recorded that SPF passed for d1.example",
			diffs: 1,
		},
		{
			name:   "forwarded claim with a broken chain",
			choice: trusted("mx.recipient.example; spf=softfail smtp.mailfrom=jqd@d1.example; arc=fail"),
			now: Now{SPF: spfNow("softfail", "", "d1.example"), ARC: &ARCNow{Verdict: Verdict{Result: "fail", Reason: "seal broken"}, Sealer: "lists.example.org",
				Earliest: earliest("i=1; lists.example.org; spf=pass smtp.mailfrom=jqd@d1.example")}},
			mechanism: "spf", code: DiffForwarded, agree: true, forwarded: true, has: "does not validate (fail), so that claim cannot be relied on", diffs: 1,
		},
		{
			name:      "arc differs",
			choice:    trusted("mx.recipient.example; arc=pass"),
			now:       Now{ARC: &ARCNow{Verdict: Verdict{Result: "fail", Reason: "the seal of instance 2 does not verify"}}},
			mechanism: "arc", code: DiffOther, has: "ARC field was changed after delivery", diffs: 1,
		},
		{
			name:      "not recorded",
			choice:    trusted("mx.recipient.example; spf=pass smtp.mailfrom=a@shop.example"),
			now:       Now{DKIM: []DKIMNow{dkimNow("pass", "ok", "shop.example", "s1")}},
			mechanism: "dkim", code: DiffNotRecorded, has: "recorded no result for the DKIM signature of shop.example", diffs: 1,
		},
		{
			name:      "nothing trusted",
			choice:    &Choice{Why: "no Authentication-Results field was written by the receiving server mx.example"},
			now:       Now{DMARC: &Verdict{Result: "fail"}},
			mechanism: "dmarc", code: DiffNotRecorded, diffs: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmp := Compare(tc.choice, tc.now)
			js, _ := json.MarshalIndent(cmp, "", "  ")
			var row *Row
			for i := range cmp.Mechanisms {
				if cmp.Mechanisms[i].Mechanism == tc.mechanism {
					row = &cmp.Mechanisms[i]
					break
				}
			}
			if row == nil {
				t.Fatalf("no %s row\n%s", tc.mechanism, js)
			}
			if row.Code != tc.code || row.Agree != tc.agree {
				t.Errorf("code, agree = %q, %v; want %q, %v\n%s", row.Code, row.Agree, tc.code, tc.agree, js)
			}
			if !strings.Contains(row.Explanation, tc.has) || row.Explanation == "" {
				t.Errorf("explanation %q lacks %q", row.Explanation, tc.has)
			}
			if tc.choice.AboveReceived && strings.Contains(row.Explanation, "not written by the receiver") {
				t.Errorf("a field above the receiver's Received field is said maybe not the receiver's: %q", row.Explanation)
			}
			if len(cmp.Differences) != tc.diffs {
				t.Errorf("%d differences, want %d: %q", len(cmp.Differences), tc.diffs, cmp.Differences)
			}
			if cmp.Forwarded != tc.forwarded {
				t.Errorf("forwarded = %v", cmp.Forwarded)
			}
			if cmp.Trusted != (tc.choice.Trusted != nil) {
				t.Errorf("trusted = %v", cmp.Trusted)
			}
		})
	}
}

// TestCompareForgedHeader: the sender's forged field is shown, marked
// untrusted, and its claims appear among the differences; the receiver's
// own failing verdict is the one compared.
func TestCompareForgedHeader(t *testing.T) {
	m := load(t, "forged.eml")
	c := Choose(m, Read(m).Results, Receiver{Host: "mx.recipient.example", Received: 1})
	cmp := Compare(c, Now{
		SPF:   spfNow("softfail", "203.0.113.9", "bank.example"),
		DKIM:  []DKIMNow{dkimNow("fail", "signature_mismatch", "bank.example", "s1")},
		DMARC: &Verdict{Result: "fail"},
	})
	if !cmp.Trusted || cmp.AuthservID != "mx.recipient.example" {
		t.Fatalf("trusted %v %q", cmp.Trusted, cmp.AuthservID)
	}
	for _, r := range cmp.Mechanisms {
		if !r.Agree {
			t.Errorf("%s: recorded %s, now %s: %s", r.Mechanism, r.Recorded, r.Now, r.Explanation)
		}
	}
	if len(cmp.Untrusted) != 3 {
		t.Errorf("%d untrusted", len(cmp.Untrusted))
	}
	joined := strings.Join(cmp.Differences, "\n")
	if !strings.Contains(joined, "An Authentication-Results field by bank.example claims dkim=pass, spf=pass, dmarc=pass, but it is not trusted") {
		t.Errorf("differences lack the forged claim:\n%s", joined)
	}
	js, err := json.Marshal(cmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"authserv_id"`, `"trusted"`, `"untrusted"`, `"mechanisms"`, `"recorded"`, `"now"`, `"agree"`, `"explanation"`, `"differences"`, `"why"`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}
