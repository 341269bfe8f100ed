package arc

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/recorded"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
	"github.com/mailinspector/mailinspector/internal/testsign"
)

var update = flag.Bool("update", false, "regenerate testdata/list-forward.eml and .zone")

// original is the message as its author's server sent it.
const original = `From: John Q Doe <jqd@d1.example>
To: arc@lists.example.org
Subject: Meeting on Friday
Date: Tue, 02 Jan 2024 10:00:00 +0000
Message-ID: <20240102100000.1@d1.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hi all,
the meeting moves to Friday at 10.
John
`

// listResults is what the mailing list saw when the message reached it.
const listResults = "spf=pass smtp.mailfrom=jqd@d1.example;\r\n\tdkim=pass header.d=d1.example header.s=s2024;\r\n\tdmarc=pass header.from=d1.example"

// forwardThroughList signs original as d1.example, then does what a
// mailing list does: a tag in the Subject, a List-Id, a footer, a Received
// field, and an ARC set sealed by lists.example.org.
func forwardThroughList(t testing.TB, author, list *sealer) []byte {
	msg := testsign.Sign(testsign.CRLF(original), author.Key, testsign.Options{})
	msg = strings.Replace(msg, "Subject: Meeting", "Subject: [arc] Meeting", 1)
	msg = strings.Replace(msg, "\r\n\r\n", "\r\nList-Id: ARC discussion <arc.lists.example.org>\r\n\r\n", 1)
	msg += "-- \r\nARC mailing list\r\nhttps://lists.example.org/arc\r\n"
	msg = "Received: from mail.d1.example (mail.d1.example [192.0.2.10])\r\n\tby lists.example.org with ESMTPS id 4TQ;\r\n\tTue, 02 Jan 2024 10:00:02 +0000\r\n" + msg
	return list.seal(t, []byte(msg), listResults, "none", 1704189602)
}

func listSealers(t testing.TB) (author, list, fwd *sealer) {
	author = &sealer{Key: testsign.Key{Domain: "d1.example", Selector: "s2024", Signer: testsign.RSA2048(0)}}
	list = &sealer{Key: testsign.Key{Domain: "lists.example.org", Selector: "arc", Signer: testsign.RSA2048(1)}, authservID: "lists.example.org",
		signed: []string{"From", "To", "Subject", "Date", "Message-ID", "List-Id"}}
	fwd = &sealer{Key: testsign.Key{Domain: "forward.example", Selector: "arc1", Signer: testsign.RSA2048(2)}, authservID: "mx.forward.example",
		signed: []string{"From", "To", "Subject", "Date", "Message-ID"}}
	return
}

func TestGenerateListForward(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata/list-forward.eml and .zone")
	}
	author, list, _ := listSealers(t)
	msg := forwardThroughList(t, author, list)
	zone := "; Keys for testdata/list-forward.eml, made by TestGenerateListForward.\n" + author.TXT() + "\n" + list.TXT() + "\n"
	if err := os.WriteFile("testdata/list-forward.eml", bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/list-forward.zone", []byte(zone), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newResolver(srv *dnstest.Server) *resolver.Client {
	return resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: 300 * time.Millisecond})
}

// TestListForward is the classic case ARC exists for: the mailing list's
// footer broke the author's DKIM signature, and the list's ARC set vouches
// that DKIM, SPF and DMARC passed when the message reached it.
func TestListForward(t *testing.T) {
	data, err := os.ReadFile("testdata/list-forward.eml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse("testdata/list-forward.eml", data)
	if err != nil {
		t.Fatal(err)
	}
	srv := dnstest.StartFile(t, "testdata/list-forward.zone")
	r := newResolver(srv)

	sigs := dkim.Verify(context.Background(), r, m, dkim.Options{})
	if len(sigs) != 1 || sigs[0].Result != result.Fail || sigs[0].Code != dkim.CodeBodyHashMismatch {
		js, _ := json.MarshalIndent(sigs, "", "  ")
		t.Errorf("the author's signature should fail on the footer:\n%s", js)
	}

	res := Validate(context.Background(), r, m)
	js, _ := json.MarshalIndent(res, "", "  ")
	if res.Result != result.Pass || res.Code != CodeValid || len(res.Instances) != 1 || res.OldestPass != 1 {
		t.Fatalf("got %s (%s), want pass:\n%s", res.Result, res.Code, js)
	}
	in := res.Instances[0]
	if in.Domain != "lists.example.org" || in.Selector != "arc" || in.CV != "none" || in.SealResult != "pass" || in.AMSResult != "pass" {
		t.Errorf("instance 1:\n%s", js)
	}
	if in.Saw != "lists.example.org saw SPF pass for d1.example, DKIM pass for d1.example, DMARC pass for d1.example" {
		t.Errorf("saw = %q", in.Saw)
	}
	now := res.Now()
	if now.Result != result.Pass || now.Sealer != "lists.example.org" || now.Earliest == nil || len(now.Earliest.Results) != 3 {
		t.Errorf("Now() = %+v", now)
	}
	// The receiver saw the list's server connect, so SPF failed for
	// d1.example; ARC shows the earlier pass.
	cmp := recorded.Compare(&recorded.Choice{Trusted: recorded.ParseValue("mx.recipient.example; spf=fail smtp.mailfrom=jqd@d1.example; " +
		"dkim=fail header.d=d1.example; arc=pass")}, recorded.Now{
		SPF:  &recorded.SPFNow{Verdict: recorded.Verdict{Result: "fail"}, Domain: "d1.example"},
		DKIM: []recorded.DKIMNow{{Verdict: recorded.Verdict{Result: sigs[0].Result, Code: string(sigs[0].Code)}, Domain: "d1.example", Selector: "s2024"}},
		ARC:  now,
	})
	if !cmp.Forwarded || len(cmp.Differences) != 1 || !strings.Contains(cmp.Differences[0], "The message was forwarded") {
		t.Errorf("comparison: forwarded %v, differences %q", cmp.Forwarded, cmp.Differences)
	}
	for _, key := range []string{`"result"`, `"instances"`, `"instance"`, `"domain"`, `"selector"`, `"cv"`, `"seal_result"`, `"ams_result"`, `"aar"`, `"raw"`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// chainCase builds a message and a zone for one validation case.
type chainCase struct {
	name string
	// build returns the message and edits the zone.
	build func(t *testing.T, author, list, fwd *sealer) []byte
	// dns may change the server before the check (hang a name, remove a
	// key).
	dns        func(srv *dnstest.Server)
	headerOnly bool

	result     result.Result
	code       string
	failedAt   int
	oldestPass int
	reasonHas  string
}

func TestValidate(t *testing.T) {
	author, list, fwd := listSealers(t)
	zone := author.TXT() + "\n" + list.TXT() + "\n" + fwd.TXT() + "\n"
	twoHops := func(t *testing.T, author, list, fwd *sealer) []byte {
		msg := forwardThroughList(t, author, list)
		// The forwarder rewrites the Subject, which breaks the list's AMS,
		// then seals: the chain still holds.
		msg = bytes.Replace(msg, []byte("Subject: [arc] Meeting"), []byte("Subject: [fwd] [arc] Meeting"), 1)
		return fwd.seal(t, msg, "spf=fail smtp.mailfrom=jqd@d1.example; dkim=fail header.d=d1.example; arc=pass", "pass", 1704189700)
	}
	tests := []chainCase{
		{
			name:   "no arc",
			build:  func(t *testing.T, _, _, _ *sealer) []byte { return crlf(original) },
			result: result.None, code: CodeNoChain,
		},
		{
			name:   "one set",
			build:  func(t *testing.T, a, l, f *sealer) []byte { return forwardThroughList(t, a, l) },
			result: result.Pass, code: CodeValid, oldestPass: 1,
		},
		{
			name:   "two sets, message changed between them",
			build:  twoHops,
			result: result.Pass, code: CodeValid, oldestPass: 2,
		},
		{
			name: "body changed after the newest seal",
			build: func(t *testing.T, a, l, f *sealer) []byte {
				return bytes.Replace(twoHops(t, a, l, f), []byte("moves to Friday"), []byte("moves to Monday"), 1)
			},
			result: result.Fail, code: CodeAMSFailed, failedAt: 2, reasonHas: "body hash mismatch",
		},
		{
			name: "intermediary's results edited after sealing",
			build: func(t *testing.T, a, l, f *sealer) []byte {
				return bytes.Replace(twoHops(t, a, l, f), []byte("i=1; lists.example.org;\r\n\tspf=pass"), []byte("i=1; lists.example.org;\r\n\tspf=softfail"), 1)
			},
			result: result.Fail, code: CodeSealFailed, failedAt: 2, reasonHas: "instances 1 to 2 was changed",
		},
		{
			name: "first set removed",
			build: func(t *testing.T, a, l, f *sealer) []byte {
				msg := string(twoHops(t, a, l, f))
				for _, name := range []string{"ARC-Seal: i=1;", "ARC-Message-Signature: i=1;", "ARC-Authentication-Results: i=1;"} {
					msg = removeField(msg, name)
				}
				return []byte(msg)
			},
			result: result.Fail, code: CodeStructure, failedAt: 1, reasonHas: "instance 1 is missing",
		},
		{
			name:   "sealer's key removed",
			build:  twoHops,
			dns:    func(srv *dnstest.Server) { srv.Remove("arc1._domainkey.forward.example") },
			result: result.Fail, code: CodeKeyProblem, failedAt: 2, reasonHas: "no key is published at arc1._domainkey.forward.example",
		},
		{
			name:   "dns does not answer",
			build:  twoHops,
			dns:    func(srv *dnstest.Server) { srv.Hang("arc._domainkey.lists.example.org") },
			result: result.TempError, code: CodeDNSError, reasonHas: "Try again later",
		},
		{
			name:       "header only",
			build:      twoHops,
			headerOnly: true,
			result:     result.Pass, code: CodeBodyNotChecked, reasonHas: "the body was not available",
		},
		{
			name: "header saved without its body",
			build: func(t *testing.T, a, l, f *sealer) []byte {
				head, _, _ := bytes.Cut(twoHops(t, a, l, f), []byte("\r\n\r\n"))
				return append(head, "\r\n"...)
			},
			result: result.Pass, code: CodeBodyNotChecked, reasonHas: "not available",
		},
		{
			name: "newest seal says fail",
			build: func(t *testing.T, a, l, f *sealer) []byte {
				return f.seal(t, forwardThroughList(t, a, l), "arc=fail", "fail", 1704189700)
			},
			result: result.Fail, code: CodeSealedFail, failedAt: 2,
		},
		{
			name: "first seal says pass",
			build: func(t *testing.T, a, l, f *sealer) []byte {
				return l.seal(t, crlf(original), listResults, "pass", 1704189602)
			},
			result: result.Fail, code: CodeBadCV, failedAt: 1, reasonHas: "must say cv=none",
		},
		{
			name: "too many sets",
			build: func(t *testing.T, a, l, f *sealer) []byte {
				return append([]byte("ARC-Seal: i=51; a=rsa-sha256; cv=pass; d=x.example; s=s; b=AAAA\r\n"), forwardThroughList(t, a, l)...)
			},
			result: result.Fail, code: CodeStructure, failedAt: 51, reasonHas: "at most 50",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := dnstest.Start(t, zone)
			if tc.dns != nil {
				tc.dns(srv)
			}
			raw := tc.build(t, author, list, fwd)
			var m *message.Message
			var err error
			if tc.headerOnly {
				head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
				m, err = message.ParseHeaderOnly(tc.name, append(head, "\r\n"...))
			} else {
				m, err = message.Parse(tc.name, raw)
			}
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res := Validate(ctx, newResolver(srv), m)
			js, _ := json.MarshalIndent(res, "", "  ")
			if res.Result != tc.result || res.Code != tc.code || res.FailedInstance != tc.failedAt {
				t.Errorf("got %s/%s at %d, want %s/%s at %d:\n%s", res.Result, res.Code, res.FailedInstance, tc.result, tc.code, tc.failedAt, js)
			}
			if tc.oldestPass != 0 && res.OldestPass != tc.oldestPass {
				t.Errorf("oldest_pass = %d, want %d", res.OldestPass, tc.oldestPass)
			}
			if !strings.Contains(res.Reason, tc.reasonHas) || res.Reason == "" {
				t.Errorf("reason %q lacks %q", res.Reason, tc.reasonHas)
			}
			for _, in := range res.Instances {
				if in.Reason == "" && res.Result != result.None {
					t.Errorf("instance %d has no reason", in.Instance)
				}
			}
		})
	}
}

// TestTwoHopsDetails checks what each instance shows when the message was
// changed between two intermediaries.
func TestTwoHopsDetails(t *testing.T) {
	author, list, fwd := listSealers(t)
	srv := dnstest.Start(t, author.TXT()+"\n"+list.TXT()+"\n"+fwd.TXT())
	msg := forwardThroughList(t, author, list)
	msg = bytes.Replace(msg, []byte("Subject: [arc] Meeting"), []byte("Subject: [fwd] [arc] Meeting"), 1)
	msg = fwd.seal(t, msg, "spf=fail smtp.mailfrom=jqd@d1.example; arc=pass", "pass", 1704189700)
	m, err := message.Parse("two-hops", msg)
	if err != nil {
		t.Fatal(err)
	}
	res := Validate(context.Background(), newResolver(srv), m)
	if len(res.Instances) != 2 {
		t.Fatalf("%d instances", len(res.Instances))
	}
	first, second := res.Instances[0], res.Instances[1]
	if first.SealResult != "pass" || first.AMSResult != "fail" || !strings.Contains(first.Reason, "the message was changed after it") {
		t.Errorf("instance 1: seal %s, ams %s, reason %q", first.SealResult, first.AMSResult, first.Reason)
	}
	if second.SealResult != "pass" || second.AMSResult != "pass" || second.CV != "pass" || second.Domain != "forward.example" {
		t.Errorf("instance 2: %+v", second)
	}
	if second.Saw != "mx.forward.example saw SPF fail for d1.example, ARC pass" {
		t.Errorf("saw = %q", second.Saw)
	}
	if e := res.Earliest(); e == nil || e.Domain != "lists.example.org" {
		t.Errorf("Earliest() = %+v", e)
	}
}

// removeField deletes the field that starts with prefix, with its folded
// lines.
func removeField(msg, prefix string) string {
	i := strings.Index(msg, prefix)
	if i < 0 {
		return msg
	}
	end := i
	for {
		nl := strings.Index(msg[end:], "\r\n")
		end += nl + 2
		if end >= len(msg) || (msg[end] != ' ' && msg[end] != '\t') {
			break
		}
	}
	return msg[:i] + msg[end:]
}
