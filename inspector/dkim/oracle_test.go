package dkim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// knownDifferences are fixtures on which this package deliberately
// disagrees with go-msgauth v0.7.0, and why.
var knownDifferences = map[string]string{
	"strict-subdomain.eml":          "go-msgauth ignores the key flag t=s, which forbids i= in a subdomain of d=",
	"dkimpy/test.message.baddomain": "go-msgauth does not check the syntax of d= (\"legitimate.com(.attacker.com\"); the conformance data expects a failure",
}

// TestOracle runs go-msgauth's verifier on every fixture that has no l= or
// x= (go-msgauth rejects l= outright and judges x= by the wall clock), with
// the same bytes and the same DNS server, and checks that both agree on
// pass versus not pass for every signature.
func TestOracle(t *testing.T) {
	srv, client := startDNS(t)
	files, _ := filepath.Glob("testdata/*.eml")
	compared, agreed := 0, 0
	for _, path := range files {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := message.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		if hasTag(m, "l") || hasTag(m, "x") {
			continue
		}
		ours := Verify(context.Background(), client, m, Options{})
		n, a := compareWithOracle(t, name, crlfMessage(t, data), ours, client)
		compared += n
		agreed += a
	}
	_ = srv
	// The conformance messages, each with its own records.
	if c := loadConformanceIfPresent(t); c != nil {
		for _, tc := range c.Verify {
			srv, m, data := tc.load(t)
			cl := newClient(srv)
			ours := Verify(context.Background(), cl, m, Options{})
			// Compare only the signature the case is about: the others have
			// no key in this case's DNS.
			n, a := compareOne(t, tc.Message, tc.Signature, crlfMessage(t, data), ours, cl)
			compared += n
			agreed += a
		}
	}
	t.Logf("oracle: %d signatures compared, %d agree with go-msgauth, %d known differences", compared, agreed, compared-agreed)
}

func hasTag(m *message.Message, tag string) bool {
	for _, f := range m.Header {
		if strings.EqualFold(f.Name, "DKIM-Signature") {
			_, v, _ := strings.Cut(string(f.Raw), ":")
			if tags, err := ParseTags(v); err == nil {
				if _, ok := tags.Get(tag); ok {
					return true
				}
			}
		}
	}
	return false
}

func oracle(t *testing.T, crlf []byte, client *resolver.Client) []*msgauth.Verification {
	t.Helper()
	verifs, err := msgauth.VerifyWithOptions(bytes.NewReader(crlf), &msgauth.VerifyOptions{
		LookupTXT: func(domain string) ([]string, error) { return client.LookupTXT(context.Background(), domain) },
	})
	if err != nil {
		t.Fatalf("go-msgauth: %v", err)
	}
	return verifs
}

func compareWithOracle(t *testing.T, name string, crlf []byte, ours []*Result, client *resolver.Client) (compared, agreed int) {
	theirs := oracle(t, crlf, client)
	if len(theirs) != len(ours) {
		t.Errorf("%s: go-msgauth found %d signatures, we found %d", name, len(theirs), len(ours))
		return 0, 0
	}
	for i := range ours {
		compared++
		if agree(t, name, i, ours[i], theirs[i]) {
			agreed++
		}
	}
	return compared, agreed
}

func compareOne(t *testing.T, name string, i int, crlf []byte, ours []*Result, client *resolver.Client) (compared, agreed int) {
	theirs := oracle(t, crlf, client)
	if i >= len(theirs) || i >= len(ours) {
		t.Errorf("%s: signature %d missing (go-msgauth %d, ours %d)", name, i, len(theirs), len(ours))
		return 0, 0
	}
	if agree(t, name, i, ours[i], theirs[i]) {
		return 1, 1
	}
	return 1, 0
}

func agree(t *testing.T, name string, i int, ours *Result, theirs *msgauth.Verification) bool {
	t.Helper()
	ourPass, theirPass := ours.Result == result.Pass, theirs.Err == nil
	if ourPass == theirPass {
		return true
	}
	if why, ok := knownDifferences[name]; ok {
		t.Logf("%s signature %d: known difference (%s): we say %s (%s), go-msgauth %v", name, i, why, ours.Result, ours.Code, theirs.Err)
		return false
	}
	t.Errorf("%s signature %d: we say %s (%s: %s), go-msgauth says %v", name, i, ours.Result, ours.Code, ours.Reason, theirs.Err)
	return false
}

func loadConformanceIfPresent(t *testing.T) *conformanceCases {
	if _, err := os.Stat(filepath.Join(conformanceDir, "cases.yml")); err != nil {
		t.Logf("conformance data absent; oracle compared on local fixtures only")
		return nil
	}
	return loadConformance(t)
}
