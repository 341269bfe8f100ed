package bimi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
)

func client(t *testing.T) *resolver.Client {
	t.Helper()
	srv := dnstest.StartFile(t, "testdata/bimi.zone")
	return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 500 * time.Millisecond})
}

// judge runs DMARC (SPF passing and aligned, or failing) and BIMI for a
// message from addr.
func judge(t *testing.T, r *resolver.Client, msg, addr string, spfPass bool, sigs []*dkim.Result) *Result {
	t.Helper()
	ctx := context.Background()
	dom := addr[strings.IndexByte(addr, '@')+1:]
	spf := &dmarc.SPFInput{Result: result.Fail, Domain: dom}
	if spfPass {
		spf.Result = result.Pass
	}
	d := dmarc.Check(ctx, r, dmarc.Input{From: []string{" <" + addr + ">"}, SPF: spf})
	m, err := message.Parse("test", []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	rcv := recorded.Receiver{Host: "mx.inbox.example", Received: -1}
	for i, f := range m.Header {
		if strings.EqualFold(f.Name, "Received") {
			rcv.Received = i
			break
		}
	}
	return Evaluate(ctx, r, m, Input{Domain: dom, DMARC: d, DKIM: sigs, Receiver: rcv})
}

const plain = "Received: from out.sender.example (out.sender.example [192.0.2.25]) by mx.inbox.example with ESMTPS; Tue, 10 Mar 2026 09:15:04 +0000\r\n" +
	"From: x@y\r\nSubject: s\r\n\r\nbody\r\n"

func check(res *Result, id string) Check {
	for _, c := range res.Checks {
		if c.ID == id {
			return c
		}
	}
	return Check{}
}

func TestResults(t *testing.T) {
	r := client(t)
	for _, tc := range []struct {
		name, from string
		spfPass    bool
		result     string
		checks     map[string]string // id -> result
		reason     string
	}{
		{"pass", "news@brand.example", true, Pass,
			map[string]string{"record": CheckPass, "location": CheckPass, "authority": CheckPass, "dmarc_pass": CheckPass,
				"dmarc_policy": CheckPass, "dmarc_pct": CheckPass, "dmarc_sp": CheckPass, "selector": CheckNA, "indicator": CheckNA}, "at enforcement"},
		{"no record", "news@nobimi.example", true, None, nil, "publishes no BIMI record"},
		{"DMARC failed", "news@brand.example", false, Skipped, map[string]string{"dmarc_pass": CheckFail}, "did not pass DMARC"},
		{"p=none", "news@monitor.example", true, Fail, map[string]string{"dmarc_policy": CheckFail, "dmarc_sp": CheckFail, "authority": CheckFail}, "p=none"},
		{"pct=50", "news@sample.example", true, Fail, map[string]string{"dmarc_policy": CheckPass, "dmarc_pct": CheckFail}, "pct=50"},
		{"sp=none at the organisational domain itself", "news@spnone.example", true, Fail, map[string]string{"dmarc_policy": CheckPass, "dmarc_sp": CheckFail}, "sp=none"},
		{"subdomain under the organisation's records", "shop@news.org.example", true, Pass,
			map[string]string{"dmarc_policy": CheckPass, "dmarc_sp": CheckPass}, "at enforcement"},
		{"declined", "news@declined.example", true, None, map[string]string{"record": CheckPass}, "declination"},
		{"two records", "news@two.example", true, Fail, map[string]string{"record": CheckFail}, "2 BIMI records"},
		{"repeated tag", "news@broken.example", true, Fail, map[string]string{"record": CheckFail}, "stands twice"},
		{"http logo", "news@plainhttp.example", true, Pass, map[string]string{"location": CheckFail}, "Gmail and Apple Mail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := judge(t, r, plain, tc.from, tc.spfPass, nil)
			if res.Result != tc.result || !strings.Contains(res.Reason, tc.reason) {
				b, _ := json.MarshalIndent(res, "", "  ")
				t.Fatalf("result %s, want %s with %q:\n%s", res.Result, tc.result, tc.reason, b)
			}
			for id, want := range tc.checks {
				if got := check(res, id); got.Result != want {
					t.Errorf("check %s = %q (%s), want %s", id, got.Result, got.Reason, want)
				}
			}
			if res.Checks == nil {
				t.Error("checks is nil")
			}
		})
	}
}

func TestRecordFoundAtOrgDomain(t *testing.T) {
	res := judge(t, client(t), plain, "shop@news.org.example", true, nil)
	if res.RecordDomain != "default._bimi.org.example" || res.Location != "https://org.example/logo.svg" || res.Authority != "https://org.example/vmc.pem" {
		t.Errorf("%+v", res)
	}
}

func TestSelector(t *testing.T) {
	r := client(t)
	msg := strings.Replace(plain, "Subject: s\r\n", "Subject: s\r\nBIMI-Selector: v=BIMI1; s=spring;\r\n", 1)
	signed := []*dkim.Result{{Domain: "brand.example", Result: result.Pass, SignedHeaders: []string{"from", "subject", "bimi-selector"}}}
	res := judge(t, r, msg, "news@brand.example", true, signed)
	if res.Selector != "spring" || res.Location != "https://brand.example/bimi/spring.svg" || check(res, "selector").Result != CheckPass {
		t.Errorf("signed selector: %+v", res)
	}
	unsigned := []*dkim.Result{{Domain: "brand.example", Result: result.Pass, SignedHeaders: []string{"from", "subject"}}}
	res = judge(t, r, msg, "news@brand.example", true, unsigned)
	if res.Selector != "default" || check(res, "selector").Result != CheckFail {
		t.Errorf("unsigned selector: %+v", res)
	}
}

func TestNoDomain(t *testing.T) {
	m, _ := message.Parse("t", []byte("From: nobody\r\n\r\n"))
	res := Evaluate(context.Background(), client(t), m, Input{Receiver: recorded.Receiver{Received: -1}})
	if res.Result != None || res.Checks == nil {
		t.Errorf("%+v", res)
	}
}

func TestTempError(t *testing.T) {
	srv := dnstest.StartFile(t, "testdata/bimi.zone")
	srv.Hang("default._bimi.brand.example")
	r := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 100 * time.Millisecond})
	m, _ := message.Parse("t", []byte(plain))
	res := Evaluate(context.Background(), r, m, Input{Domain: "brand.example", Receiver: recorded.Receiver{Received: -1}})
	if res.Result != TempError {
		t.Errorf("%+v", res)
	}
}

// TestIndicator checks the logo of a BIMI-Indicator field the receiver
// added, and ignores one the sender wrote.
func TestIndicator(t *testing.T) {
	r := client(t)
	for _, tc := range []struct {
		file, where string
		want        map[string]string
	}{
		{"logo-tiny-ps.svg", "receiver", map[string]string{"svg_tiny_ps": CheckPass, "svg_title": CheckPass, "svg_no_scripts": CheckPass,
			"svg_no_external_refs": CheckPass, "svg_size": CheckPass}},
		{"logo-unsafe.svg", "receiver", map[string]string{"svg_tiny_ps": CheckFail, "svg_title": CheckFail, "svg_no_scripts": CheckFail,
			"svg_no_external_refs": CheckFail}},
		{"logo-tiny-ps.svg", "sender", map[string]string{"indicator": CheckNA, "svg_tiny_ps": ""}},
	} {
		svg, err := os.ReadFile("testdata/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		enc := base64.StdEncoding.EncodeToString(svg)
		var folded strings.Builder
		for len(enc) > 70 {
			folded.WriteString(enc[:70] + "\r\n\t")
			enc = enc[70:]
		}
		folded.WriteString(enc)
		field := "BIMI-Indicator: " + folded.String() + "\r\n"
		msg := field + plain
		if tc.where == "sender" {
			msg = strings.Replace(plain, "Subject: s\r\n", "Subject: s\r\n"+field, 1)
		}
		res := judge(t, r, msg, "news@brand.example", true, nil)
		for id, want := range tc.want {
			if got := check(res, id); got.Result != want {
				t.Errorf("%s from the %s: check %s = %q (%s), want %q", tc.file, tc.where, id, got.Result, got.Reason, want)
			}
		}
	}
	if c := CheckIndicator("not base64!"); len(c) != 1 || c[0].Result != CheckFail {
		t.Errorf("%+v", c)
	}
}

func TestSVGDetails(t *testing.T) {
	svg, _ := os.ReadFile("testdata/logo-unsafe.svg")
	var got string
	for _, c := range CheckSVG(svg) {
		got += c.ID + ": " + c.Reason + "\n"
	}
	for _, want := range []string{"a script", "an event handler (onload=)", "animation", "an embedded image", `"https://cdn.example/logo.png"`, "url() reference in style="} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	big := "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.2\" baseProfile=\"tiny-ps\"><title>t</title>" + strings.Repeat("<g/>", 9000) + "</svg>"
	if c := CheckSVG([]byte(big)); c[0].ID != "svg_size" || c[0].Result != CheckFail {
		t.Errorf("%+v", c[0])
	}
	if c := CheckSVG([]byte("<svg><unclosed></svg>")); c[len(c)-1].ID != "svg" || c[len(c)-1].Result != CheckFail {
		t.Errorf("%+v", c)
	}
	entity := `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps"><title>t</title></svg>`
	if c := CheckSVG([]byte(entity)); check(&Result{Checks: c}, "svg_no_external_refs").Result != CheckFail {
		t.Errorf("%+v", c)
	}
}
