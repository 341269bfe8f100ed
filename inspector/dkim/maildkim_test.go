package dkim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// mailDKIMDir holds the verifier corpus of Mail::DKIM (see its README.md):
// messages, a zone with every key record, and expected.json. It lives in
// shared/ beside the repository, not in it.
const mailDKIMDir = "../../../shared/conformance/dkim/mail-dkim"

// mailDKIMMessage is one message of expected.json.
type mailDKIMMessage struct {
	File  string              `json:"file"`
	DKIM  []mailDKIMSignature `json:"dkim"`
	Notes string              `json:"notes"`
}

// mailDKIMSignature is what one signature of a message must get: Result, or
// one of Accept, the other words RFC 6376/8301 defend for material that
// predates them. Index is set where several signatures share domain and
// selector; Identity is the decoded i= where the case is about its
// quoted-printable form. Field is "DomainKey-Signature" for the RFC 4870
// signatures that a DKIM verifier does not read (Result "none").
type mailDKIMSignature struct {
	Domain   string   `json:"domain"`
	Selector string   `json:"selector"`
	Index    *int     `json:"index"`
	Result   string   `json:"result"`
	Accept   []string `json:"accept"`
	Identity string   `json:"identity"`
	Field    string   `json:"field"`
	MailDKIM string   `json:"mail_dkim"`
}

// mailDKIMDivergences are the signatures where this verifier deliberately
// gives a word that expected.json neither expects nor accepts, keyed by
// "file#n" (n counts the file's entries in expected.json), each with the
// RFC section that justifies it. Every other disagreement fails the test.
var mailDKIMDivergences = map[string]string{}

func loadMailDKIM(t *testing.T) []mailDKIMMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(mailDKIMDir, "expected.json"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("Mail::DKIM corpus not found at %s (it lives outside the repository, in shared/conformance); skipping", mailDKIMDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var msgs []mailDKIMMessage
	if err := json.Unmarshal(b, &msgs); err != nil {
		t.Fatalf("%s/expected.json: %v", mailDKIMDir, err)
	}
	return msgs
}

// startMailDKIMDNS serves the corpus's zone as its README asks: the
// blackhole name never answers, and the name outside every zone is
// REFUSED, as an authoritative server that does not hold it answers.
func startMailDKIMDNS(t *testing.T) *dnstest.Server {
	t.Helper()
	srv := dnstest.StartFile(t, filepath.Join(mailDKIMDir, "zone"))
	srv.Hang("test3._domainkey.blackhole.messiah.edu")
	srv.Handle("test3._domainkey.blackhole2.messiah.edu", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeRefused)
		w.WriteMsg(m)
	})
	return srv
}

// TestMailDKIMCorpus runs every message of Mail::DKIM's test corpus through
// the real DNS path and compares each signature's result with
// expected.json.
func TestMailDKIMCorpus(t *testing.T) {
	msgs := loadMailDKIM(t)
	client := newClient(startMailDKIMDNS(t))
	agree, total := 0, 0
	for _, em := range msgs {
		t.Run(strings.TrimSuffix(em.File, ".eml"), func(t *testing.T) {
			got := verifyMailDKIM(t, client, em)
			for n, want := range em.DKIM {
				total++
				key := fmt.Sprintf("%s#%d", em.File, n)
				problem := got[n]
				if problem == "" {
					agree++
					continue
				}
				if rfc, ok := mailDKIMDivergences[key]; ok {
					t.Logf("%s: deliberate divergence (%s): %s", key, rfc, problem)
					continue
				}
				t.Errorf("%s d=%s s=%s: %s; want %s (accepted: %s; Mail::DKIM: %s)\nnotes: %s",
					key, want.Domain, want.Selector, problem, want.Result, strings.Join(want.Accept, ", "), want.MailDKIM, em.Notes)
			}
		})
	}
	t.Logf("Mail::DKIM corpus: %d of %d signatures agree", agree, total)
	for key := range mailDKIMDivergences {
		if !strings.Contains(key, "#") {
			t.Errorf("divergence key %q is not file#n", key)
		}
	}
}

// verifyMailDKIM verifies one message of the corpus and returns, for each
// of its entries in expected.json, why the result disagrees ("" when it
// agrees). Signatures the file does not list must not pass either.
func verifyMailDKIM(t *testing.T, client *resolver.Client, em mailDKIMMessage) []string {
	t.Helper()
	problems := make([]string, len(em.DKIM))
	data, err := os.ReadFile(filepath.Join(mailDKIMDir, "msgs", em.File))
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse(em.File, data)
	if err != nil {
		for n := range problems {
			problems[n] = "the message was not loaded: " + err.Error()
		}
		return problems
	}
	results := Verify(context.Background(), client, m, Options{})
	used := map[int]bool{}
	for n, want := range em.DKIM {
		i := findMailDKIMResult(results, want)
		if want.Field == "DomainKey-Signature" {
			if i >= 0 {
				problems[n] = fmt.Sprintf("a DKIM result (%s) for a DomainKey-Signature", results[i].Result)
			}
			continue
		}
		if i < 0 {
			problems[n] = fmt.Sprintf("no result among %d for this signature", len(results))
			continue
		}
		used[i] = true
		problems[n] = mailDKIMProblem(t, results[i], want)
		if problems[n] == "" && want.Result == "pass" {
			problems[n] = bodyHashProblem(t, m, results[i])
		}
	}
	for i, r := range results {
		if !used[i] && r.Result == result.Pass {
			t.Errorf("%s: signature %d (d=%s), not scored, passes: %s", em.File, i, r.Domain, r.Reason)
		}
	}
	return problems
}

// findMailDKIMResult finds the result for want: by index where given,
// else the one result with its domain and selector; -1 if there is none.
func findMailDKIMResult(results []*Result, want mailDKIMSignature) int {
	if want.Index != nil {
		if *want.Index < len(results) {
			return *want.Index
		}
		return -1
	}
	for i, r := range results {
		if strings.EqualFold(r.Domain, want.Domain) && strings.EqualFold(r.Selector, want.Selector) {
			return i
		}
	}
	return -1
}

// mailDKIMProblem says how r disagrees with want, or "".
func mailDKIMProblem(t *testing.T, r *Result, want mailDKIMSignature) string {
	t.Helper()
	checkWellFormed(t, r)
	word := string(r.Result)
	if word != want.Result && !slices.Contains(want.Accept, word) {
		return fmt.Sprintf("%s (%s): %s", word, r.Code, r.Reason)
	}
	if want.Identity != "" && r.Identity != want.Identity {
		return fmt.Sprintf("identity %q, want %q (%s, %s)", r.Identity, want.Identity, word, r.Code)
	}
	t.Logf("d=%s s=%s: %s (%s)", r.Domain, r.Selector, word, r.Code)
	return ""
}

// bodyHashProblem checks that the body as loaded hashes to the bh= of a
// signature that Mail::DKIM passes, whatever is judged of its other tags
// (many predate RFC 6376, so Verify does not get as far as the body): the
// loader must give the body exactly as it was signed, in a file of LF
// lines or one that has no body at all. It returns "" when it does.
func bodyHashProblem(t *testing.T, m *message.Message, r *Result) string {
	t.Helper()
	_, value, _ := strings.Cut(r.Field, ":")
	tags, err := ParseTags(strings.TrimSuffix(value, "\r\n"))
	if err != nil {
		return "tags: " + err.Error()
	}
	canon := Simple
	if c, ok := tags.Get("c"); ok {
		if _, body, slash := strings.Cut(c, "/"); slash {
			canon = Canonicalization(body)
		}
	}
	a, _ := tags.Get("a")
	limit := int64(-1)
	if l, ok := tags.Get("l"); ok {
		if limit, err = parseDigits(l, 76); err != nil {
			return "l=: " + err.Error()
		}
	}
	h, err := NewBodyHasher(canon, Algorithm(a).Hash(), limit)
	if err != nil {
		return err.Error()
	}
	if _, err := io.Copy(h, m.Body()); err != nil {
		return err.Error()
	}
	want, _ := tags.Get("bh")
	if got := base64.StdEncoding.EncodeToString(h.Sum()); got != stripFWS(want) {
		return fmt.Sprintf("the body as loaded hashes (%s) to %s, not to bh=%s", canon, got, stripFWS(want))
	}
	return ""
}
