package dmarc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// newResolver serves testdata/dmarc.zone on a loopback DNS server.
func newResolver(t *testing.T) (*dnstest.Server, resolver.Resolver) {
	t.Helper()
	srv := dnstest.StartFile(t, "testdata/dmarc.zone")
	return srv, resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond})
}

func spf(word result.Result, domain string) *SPFInput { return &SPFInput{Result: word, Domain: domain} }

func dkim(word result.Result, domain string) []DKIMInput {
	return []DKIMInput{{Domain: domain, Selector: "s1", Result: word}}
}

func TestCheck(t *testing.T) {
	srv, r := newResolver(t)
	srv.Hang("_dmarc.slow.example")

	tests := []struct {
		name string
		in   Input

		result         result.Result
		code           string
		policy, tag    string
		disposition    string
		org, recordAt  string
		spfOK, dkimOK  bool
		enforced       bool
		reasonHas      []string
		explanationHas string
		noteHas        string
		// With several author domains: the one the policy comes from,
		// and how many were checked.
		policyDomain string
		authors      int
	}{
		{
			name:   "dkim relaxed pass",
			in:     Input{From: []string{"Shop <orders@shop.example>"}, SPF: spf("softfail", "bounce.esp.example"), DKIM: dkim("pass", "mail.shop.example")},
			result: result.Pass, code: CodeAligned, policy: "reject", tag: "p", disposition: "none",
			org: "shop.example", recordAt: "_dmarc.shop.example", dkimOK: true,
			reasonHas: []string{"DKIM s=s1 for mail.shop.example"},
		},
		{
			name:   "spf aligned only",
			in:     Input{From: []string{"orders@shop.example"}, SPF: spf("pass", "shop.example")},
			result: result.Pass, code: CodeAligned, policy: "reject", tag: "p", disposition: "none",
			org: "shop.example", recordAt: "_dmarc.shop.example", spfOK: true,
		},
		{
			name: "dkim passed for the esp only",
			in: Input{From: []string{"orders@shop.example"}, SPF: spf("pass", "bounce.esp.example"),
				DKIM: dkim("pass", "esp.example")},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "p", disposition: "reject",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true,
			reasonHas:      []string{"reject"},
			explanationHas: "SPF passed for the MAIL FROM domain bounce.esp.example and DKIM passed for esp.example, but none of them is for the From domain shop.example",
		},
		{
			name:   "one dkim pass elsewhere",
			in:     Input{From: []string{"orders@shop.example"}, SPF: spf("fail", "shop.example"), DKIM: dkim("pass", "esp.example")},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "p", disposition: "reject",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true,
			explanationHas: "DKIM passed, but for esp.example, not for the From domain shop.example",
		},
		{
			name: "failed signature of the from domain does not count",
			in: Input{From: []string{"orders@shop.example"}, SPF: spf("none", ""),
				DKIM: dkim("fail", "shop.example")},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "p", disposition: "reject",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true,
			explanationHas: "nothing authenticated the From domain shop.example (SPF gave none; the DKIM signature of shop.example gave fail)",
		},
		{
			name:   "subdomain that exists gets sp",
			in:     Input{From: []string{"a@news.shop.example"}, DKIM: dkim("pass", "other.example")},
			result: result.Fail, code: CodeNotAligned, policy: "quarantine", tag: "sp", disposition: "quarantine",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true,
		},
		{
			name:   "non-existent subdomain gets np",
			in:     Input{From: []string{"a@ghost.shop.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "np", disposition: "reject",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true,
		},
		{
			name:   "subdomain with its own record gets its p",
			in:     Input{From: []string{"a@own.shop.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "none", tag: "p", disposition: "none",
			org: "shop.example", recordAt: "_dmarc.own.shop.example",
		},
		{
			name:   "non-dmarc txt at the subdomain is ignored",
			in:     Input{From: []string{"a@mail.shop.example"}, DKIM: dkim("pass", "shop.example")},
			result: result.Pass, code: CodeAligned, policy: "quarantine", tag: "sp", disposition: "none",
			org: "shop.example", recordAt: "_dmarc.shop.example", dkimOK: true,
		},
		{
			name:   "non-existent subdomain without np gets sp",
			in:     Input{From: []string{"a@ghost.nonp.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "sp", disposition: "reject",
			org: "nonp.example", recordAt: "_dmarc.nonp.example", enforced: true,
		},
		{
			name: "org domain under co.uk",
			in: Input{From: []string{"News <hello@news.brand.co.uk>"}, SPF: spf("pass", "bounce.brand.co.uk"),
				DKIM: dkim("pass", "brand.co.uk")},
			result: result.Pass, code: CodeAligned, policy: "none", tag: "sp", disposition: "none",
			org: "brand.co.uk", recordAt: "_dmarc.brand.co.uk", spfOK: true, dkimOK: true,
		},
		{
			name:   "co.uk sibling is another organisation",
			in:     Input{From: []string{"hello@news.brand.co.uk"}, DKIM: dkim("pass", "other.co.uk")},
			result: result.Fail, code: CodeNotAligned, policy: "none", tag: "sp", disposition: "none",
			org: "brand.co.uk", recordAt: "_dmarc.brand.co.uk",
			explanationHas: "DKIM s=s1: other.co.uk (organisational domain other.co.uk) and the From domain news.brand.co.uk (organisational domain brand.co.uk) belong to different organisations",
		},
		{
			name:   "strict dkim refuses a subdomain",
			in:     Input{From: []string{"a@strict.example"}, SPF: spf("pass", "mail.strict.example"), DKIM: dkim("pass", "mail.strict.example")},
			result: result.Fail, code: CodeNotAligned, policy: "quarantine", tag: "p", disposition: "quarantine",
			org: "strict.example", recordAt: "_dmarc.strict.example", enforced: true,
			explanationHas: "the record asks for strict alignment (adkim=s)",
		},
		{
			name:   "strict exact match",
			in:     Input{From: []string{"a@STRICT.Example"}, DKIM: dkim("pass", "strict.example")},
			result: result.Pass, code: CodeAligned, policy: "quarantine", tag: "p", disposition: "none",
			org: "strict.example", recordAt: "_dmarc.strict.example", dkimOK: true,
		},
		{
			name:   "pct 20",
			in:     Input{From: []string{"a@pct.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "quarantine", tag: "p", disposition: "quarantine",
			org: "pct.example", recordAt: "_dmarc.pct.example", enforced: true,
			reasonHas: []string{"pct=20", "20% of the messages that fail DMARC", "and none to the rest"},
		},
		{
			name:   "pct 0 reject still quarantines",
			in:     Input{From: []string{"a@pct0.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "p", disposition: "reject",
			org: "pct0.example", recordAt: "_dmarc.pct0.example", enforced: true,
			reasonHas: []string{"and quarantine to the rest"},
		},
		{
			name:   "no record",
			in:     Input{From: []string{"a@nodmarc.example"}, SPF: spf("pass", "nodmarc.example")},
			result: result.None, code: CodeNoRecord, disposition: "none", org: "nodmarc.example", spfOK: true,
			reasonHas: []string{"publishes no DMARC record"},
		},
		{
			name:   "no record at subdomain nor org",
			in:     Input{From: []string{"a@x.nodmarc.example"}},
			result: result.None, code: CodeNoRecord, disposition: "none", org: "nodmarc.example",
			reasonHas: []string{"none at _dmarc.x.nodmarc.example nor at _dmarc.nodmarc.example"},
		},
		{
			name:   "from domain is a public suffix",
			in:     Input{From: []string{"a@co.uk"}},
			result: result.None, code: CodeNoOrgDomain, disposition: "none", org: "co.uk",
		},
		{
			name:   "invalid policy",
			in:     Input{From: []string{"a@bad.example"}},
			result: result.PermError, code: CodeInvalidRecord, disposition: "none", org: "bad.example", recordAt: "_dmarc.bad.example",
			reasonHas: []string{"invalid policy for parameter 'p'"},
		},
		{
			name:   "invalid policy with rua is read as none",
			in:     Input{From: []string{"a@badrua.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "none", tag: "p", disposition: "none",
			org: "badrua.example", recordAt: "_dmarc.badrua.example",
		},
		{
			name:   "missing p with rua is read as none",
			in:     Input{From: []string{"a@nop.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "none", tag: "p", disposition: "none",
			org: "nop.example", recordAt: "_dmarc.nop.example",
		},
		{
			name:   "garbage in tag list",
			in:     Input{From: []string{"a@garbage.example"}},
			result: result.PermError, code: CodeInvalidRecord, disposition: "none", org: "garbage.example", recordAt: "_dmarc.garbage.example",
			reasonHas: []string{"is not a tag=value pair"},
		},
		{
			name:   "invalid np is ignored",
			in:     Input{From: []string{"a@badnp.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "none", tag: "p", disposition: "none",
			org: "badnp.example", recordAt: "_dmarc.badnp.example",
		},
		{
			name:   "two records",
			in:     Input{From: []string{"a@two.example"}},
			result: result.PermError, code: CodeMultipleRecords, disposition: "none", org: "two.example", recordAt: "_dmarc.two.example",
			reasonHas: []string{"2 DMARC records"},
		},
		{
			name:   "version not first",
			in:     Input{From: []string{"a@late.example"}},
			result: result.None, code: CodeNoRecord, disposition: "none", org: "late.example",
		},
		{
			name:   "record in several strings",
			in:     Input{From: []string{"a@split.example"}},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "p", disposition: "reject",
			org: "split.example", recordAt: "_dmarc.split.example", enforced: true,
		},
		{
			name:   "dns failure",
			in:     Input{From: []string{"a@slow.example"}},
			result: result.TempError, code: CodeDNSError, disposition: "none", org: "slow.example",
			reasonHas: []string{"_dmarc.slow.example"},
		},
		{
			name:   "internationalised domain",
			in:     Input{From: []string{"=?utf-8?q?B=C3=BCcher?= <info@bücher.example>"}, DKIM: dkim("pass", "xn--bcher-kva.example")},
			result: result.Pass, code: CodeAligned, policy: "reject", tag: "p", disposition: "none",
			org: "bücher.example", recordAt: "_dmarc.xn--bcher-kva.example", dkimOK: true,
		},
		{
			name:   "no from",
			in:     Input{DKIM: dkim("pass", "shop.example")},
			result: result.PermError, code: CodeNoFrom, disposition: "none",
			reasonHas: []string{"no From field"},
		},
		{
			name:   "two from fields",
			in:     Input{From: []string{"a@shop.example", "Boss <boss@evil.example>"}, DKIM: dkim("pass", "evil.example")},
			result: result.PermError, code: CodeMultipleFrom, disposition: "none",
			reasonHas: []string{"2 From fields (a@shop.example, boss@evil.example)", "spoofing"},
		},
		{
			name:   "two authors in different domains: the one that fails under reject counts",
			in:     Input{From: []string{"a@shop.example, b@evil.example"}},
			result: result.Fail, code: CodeMultipleAuthors, policy: "reject", tag: "p", disposition: "reject",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true, policyDomain: "shop.example", authors: 2,
			reasonHas: []string{"a@shop.example, b@evil.example", "RFC 7489 section 6.6.1", "shop.example fail under p=reject, evil.example none"},
		},
		{
			name: "two authors that both pass: the stricter policy is reported",
			in: Input{From: []string{"a@strict.example, Shop <b@shop.example>"},
				DKIM: []DKIMInput{{Domain: "strict.example", Selector: "s1", Result: "pass"}, {Domain: "shop.example", Selector: "s1", Result: "pass"}}},
			result: result.Pass, code: CodeMultipleAuthors, policy: "reject", tag: "p", disposition: "none",
			org: "shop.example", recordAt: "_dmarc.shop.example", dkimOK: true, policyDomain: "shop.example", authors: 2,
			reasonHas: []string{"strict.example pass under p=quarantine, shop.example pass under p=reject"},
		},
		{
			name:   "two authors, one passes: the result does not pass",
			in:     Input{From: []string{"b@shop.example, a@strict.example"}, DKIM: dkim("pass", "shop.example")},
			result: result.Fail, code: CodeMultipleAuthors, policy: "quarantine", tag: "p", disposition: "quarantine",
			org: "strict.example", recordAt: "_dmarc.strict.example", enforced: true, policyDomain: "strict.example", authors: 2,
		},
		{
			name:   "the strictest policy among those that fail",
			in:     Input{From: []string{"a@own.shop.example, b@pct.example, c@shop.example, d@own.shop.example"}},
			result: result.Fail, code: CodeMultipleAuthors, policy: "reject", tag: "p", disposition: "reject",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true, policyDomain: "shop.example", authors: 3,
		},
		{
			name:   "too many author domains",
			in:     Input{From: []string{"a@d1.example, a@d2.example, a@d3.example, a@d4.example, a@d5.example, a@d6.example, a@d7.example, a@d8.example, a@d9.example, a@d10.example, a@d11.example"}},
			result: result.PermError, code: CodeMultipleAuthors, disposition: "none",
			reasonHas: []string{"11 domains"},
		},
		{
			name:   "an encoded-word name followed by a comment",
			in:     Input{From: []string{"=?UTF-8?B?w4lsb2RpZQ==?= (=?UTF-8?Q?Service_client?=) <elodie@shop.example>"}, DKIM: dkim("pass", "shop.example")},
			result: result.Pass, code: CodeAligned, policy: "reject", tag: "p", disposition: "none",
			org: "shop.example", recordAt: "_dmarc.shop.example", dkimOK: true,
		},
		{
			name:   "an unclosed angle bracket is read as mail programs read it",
			in:     Input{From: []string{"Shop orders@shop.example <"}},
			result: result.Fail, code: CodeNotAligned, policy: "reject", tag: "p", disposition: "reject",
			org: "shop.example", recordAt: "_dmarc.shop.example", enforced: true, noteHas: "orders@shop.example was read from it",
		},
		{
			name:   "two authors in one domain",
			in:     Input{From: []string{"a@shop.example,\r\n b@Shop.Example"}, DKIM: dkim("pass", "shop.example")},
			result: result.Pass, code: CodeAligned, policy: "reject", tag: "p", disposition: "none",
			org: "shop.example", recordAt: "_dmarc.shop.example", dkimOK: true,
		},
		{
			name:   "no address at all",
			in:     Input{From: []string{"Shop <orders at shop.example>"}},
			result: result.PermError, code: CodeBadFrom, disposition: "none",
			reasonHas: []string{"is not a valid address"},
		},
		{
			name:   "empty group",
			in:     Input{From: []string{"undisclosed-recipients:;"}},
			result: result.PermError, code: CodeBadFrom, disposition: "none",
			reasonHas: []string{"holds no address"},
		},
		{
			name:   "address literal",
			in:     Input{From: []string{"a@[192.0.2.1]"}},
			result: result.PermError, code: CodeBadDomain, disposition: "none",
			reasonHas: []string{"address literal"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			got := Check(ctx, r, tc.in)
			js, _ := json.MarshalIndent(got, "", "  ")
			check := func(field, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q\n%s", field, got, want, js)
				}
			}
			check("result", string(got.Result), string(tc.result))
			check("code", got.Code, tc.code)
			check("policy", got.Policy, tc.policy)
			check("policy_tag", got.PolicyTag, tc.tag)
			check("disposition", got.Disposition, tc.disposition)
			check("org_domain", got.OrgDomain, tc.org)
			check("record_domain", got.RecordDomain, tc.recordAt)
			check("policy_domain", got.PolicyDomain, tc.policyDomain)
			if len(got.Authors) != tc.authors {
				t.Errorf("%d results in authors, want %d\n%s", len(got.Authors), tc.authors, js)
			}
			if !strings.Contains(strings.Join(got.Notes, "\n"), tc.noteHas) {
				t.Errorf("notes %q lack %q", got.Notes, tc.noteHas)
			}
			if got.SPFAligned != tc.spfOK || got.DKIMAligned != tc.dkimOK {
				t.Errorf("spf_aligned, dkim_aligned = %v, %v, want %v, %v\n%s", got.SPFAligned, got.DKIMAligned, tc.spfOK, tc.dkimOK, js)
			}
			if got.Enforced() != tc.enforced {
				t.Errorf("Enforced() = %v, want %v", got.Enforced(), tc.enforced)
			}
			if got.Reason == "" {
				t.Errorf("no reason\n%s", js)
			}
			for _, s := range tc.reasonHas {
				if !strings.Contains(got.Reason, s) {
					t.Errorf("reason %q lacks %q", got.Reason, s)
				}
			}
			if tc.explanationHas != "" && !strings.Contains(strings.Join(got.Explanation, "\n"), tc.explanationHas) {
				t.Errorf("explanation %q lacks %q", got.Explanation, tc.explanationHas)
			}
		})
	}
}

// TestCheckReportsTags checks the record's tags as the result shows them.
func TestCheckReportsTags(t *testing.T) {
	_, r := newResolver(t)
	got := Check(context.Background(), r, Input{From: []string{"a@shop.example"}})
	if got.P != "reject" || got.SubdomainPolicy != "quarantine" || got.NP != "reject" || got.Pct != 100 ||
		got.ADKIM != "relaxed" || got.ASPF != "relaxed" {
		t.Errorf("tags: p=%q sp=%q np=%q pct=%d adkim=%q aspf=%q", got.P, got.SubdomainPolicy, got.NP, got.Pct, got.ADKIM, got.ASPF)
	}
	if len(got.RUA) != 1 || got.RUA[0] != "mailto:dmarc@shop.example" || len(got.RUF) != 1 || got.RUF[0] != "mailto:forensic@shop.example" {
		t.Errorf("rua=%q ruf=%q", got.RUA, got.RUF)
	}
	if got.Record == "" || !strings.HasPrefix(got.Record, "v=DMARC1") {
		t.Errorf("record = %q", got.Record)
	}
	js, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"result"`, `"policy"`, `"domain"`, `"org_domain"`, `"spf_aligned"`, `"dkim_aligned"`, `"disposition"`, `"alignment"`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("JSON lacks %s: %s", key, js)
		}
	}
}

// TestNPNotAppliedOnDNSFailure: when the existence check fails, the
// subdomain is treated as existing, so np (the strictest policy here) is not
// applied on a guess.
func TestNPNotAppliedOnDNSFailure(t *testing.T) {
	srv, r := newResolver(t)
	srv.Hang("ghost.shop.example")
	got := Check(context.Background(), r, Input{From: []string{"a@ghost.shop.example"}})
	if got.PolicyTag != "sp" || len(got.Notes) == 0 {
		t.Errorf("policy_tag = %q, notes = %q; want sp with a note", got.PolicyTag, got.Notes)
	}
}

// TestLookupsMade checks the discovery order: the author domain first, the
// organisational domain only when the first has no record.
func TestLookupsMade(t *testing.T) {
	srv := dnstest.StartFile(t, "testdata/dmarc.zone")
	c := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond})
	Check(context.Background(), c, Input{From: []string{"a@news.brand.co.uk"}})
	var names []string
	for _, a := range c.Log() {
		names = append(names, a.Name+"/"+a.Type)
	}
	want := []string{"_dmarc.news.brand.co.uk./TXT", "_dmarc.brand.co.uk./TXT"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("queries = %q, want %q", names, want)
	}
}
