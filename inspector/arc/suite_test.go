package arc

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/resolver"
	"github.com/mailinspector/mailinspector/inspector/resolver/dnstest"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// suiteFile is ValiMail's ARC validation suite (MIT), kept outside the
// repository with the other conformance data.
const suiteFile = "../../../shared/conformance/arc/arc-draft-validation-tests.yml"

// suiteExceptions are the cases where this package deliberately answers
// otherwise than the suite, which follows draft-ietf-dmarc-arc-protocol-18
// and dkimpy rather than RFC 8617. Each says why. The test fails if an
// exception starts to agree with the suite, so the list stays true.
var suiteExceptions = map[string]string{
	"ams_fields_c_na": "the ARC-Message-Signature has no c= tag and was made with relaxed/relaxed. RFC 8617 section 4.1.2 gives the AMS " +
		"the semantics of a DKIM-Signature, whose c= defaults to simple/simple (RFC 6376 section 3.5), and under simple the signed " +
		"fields do not verify. dkimpy, which produced the expectations, assumes relaxed/relaxed when c= is absent.",
	"ams_fields_h_empty": "the ARC-Message-Signature has an empty h= tag. RFC 6376 section 3.5 (whose syntax the AMS takes) requires " +
		"at least one field name in h=, so the field is malformed; dkimpy reads the empty list as one empty name that matches nothing.",
	"ams_fields_h_mis_hdr": "the ARC-Message-Signature's h= is \"from:to::date:...\", with an empty name between two colons, which " +
		"the h= grammar of RFC 6376 section 3.5 does not allow; dkimpy reads it as a name that matches no field. The dkim package " +
		"rejects the same list in a DKIM-Signature.",
}

// suiteCase is one entry of the suite.
type suiteCase struct {
	scenario, name string
	n              int // position among entries of the same name (duplicates)
	message, cv    string
	records        map[string]string
}

// loadSuite decodes every entry of the suite with yaml.Node, keeping the
// four names that appear twice (a map would keep one of each).
func loadSuite(t testing.TB) []suiteCase {
	f, err := os.Open(suiteFile)
	if err != nil {
		t.Skipf("ARC conformance suite not available (%v); it lives in the shared conformance folder", err)
	}
	defer f.Close()
	var cases []suiteCase
	seen := map[string]int{}
	dec := yaml.NewDecoder(f)
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("%s: %v", suiteFile, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		scenario := doc.Content[0]
		var desc string
		var tests *yaml.Node
		records := map[string]string{}
		for i := 0; i+1 < len(scenario.Content); i += 2 {
			k, v := scenario.Content[i].Value, scenario.Content[i+1]
			switch k {
			case "description":
				desc = strings.TrimSpace(v.Value)
			case "tests":
				tests = v
			case "txt-records":
				for j := 0; j+1 < len(v.Content); j += 2 {
					records[v.Content[j].Value] = v.Content[j+1].Value
				}
			}
		}
		if tests == nil {
			t.Fatalf("%s: scenario %q has no tests", suiteFile, desc)
		}
		for i := 0; i+1 < len(tests.Content); i += 2 {
			c := suiteCase{scenario: desc, name: tests.Content[i].Value, records: records}
			body := tests.Content[i+1]
			for j := 0; j+1 < len(body.Content); j += 2 {
				switch body.Content[j].Value {
				case "message":
					c.message = body.Content[j+1].Value
				case "cv":
					c.cv = body.Content[j+1].Value
				}
			}
			seen[c.name]++
			c.n = seen[c.name]
			cases = append(cases, c)
		}
	}
	return cases
}

// zoneOf writes the suite's TXT records as a zone, each value split into
// character-strings of at most 255 bytes, as the reference runner serves
// them.
func zoneOf(records map[string]string) string {
	var b strings.Builder
	names := make([]string, 0, len(records))
	for n := range records {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := records[n]
		fmt.Fprintf(&b, "%s. 300 IN TXT", n)
		for len(v) > 0 {
			chunk := v
			if len(chunk) > 255 {
				chunk = chunk[:255]
			}
			v = v[len(chunk):]
			chunk = strings.ReplaceAll(strings.ReplaceAll(chunk, `\`, `\\`), `"`, `\"`)
			fmt.Fprintf(&b, " \"%s\"", chunk)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// expected maps the suite's cv to a result word: ” is fail (RFC 8617
// section 5.2 step 2; the reference runner printed nothing when dkimpy
// gave no status for a chain whose newest seal says cv=fail).
func expected(cv string) result.Result {
	switch strings.ToLower(strings.TrimSpace(cv)) {
	case "pass":
		return result.Pass
	case "none":
		return result.None
	default:
		return result.Fail
	}
}

func TestValidationSuite(t *testing.T) {
	cases := loadSuite(t)
	if len(cases) != 175 {
		t.Errorf("read %d entries, want the 175 of the README", len(cases))
	}
	servers := map[string]*dnstest.Server{} // by scenario
	var agree, excepted int
	byScenario := map[string][2]int{}
	for _, c := range cases {
		label := c.name
		if c.n > 1 {
			label = fmt.Sprintf("%s#%d", c.name, c.n)
		}
		srv := servers[c.scenario]
		if srv == nil {
			srv = dnstest.Start(t, zoneOf(c.records))
			servers[c.scenario] = srv
		}
		want := expected(c.cv)
		got, res := runCase(t, srv, c)
		counts := byScenario[c.scenario]
		counts[1]++
		why, isException := suiteExceptions[label]
		switch {
		case got == want && isException:
			t.Errorf("%s: now gives %s as the suite expects; remove it from suiteExceptions", label, got)
		case got == want:
			agree++
			counts[0]++
		case isException:
			excepted++
			t.Logf("%s (%s): exception: suite expects %s, we give %s: %s", label, c.scenario, want, got, why)
		default:
			t.Errorf("%s (%s): got %s, suite expects %s (cv %q): %s", label, c.scenario, got, want, c.cv, res)
		}
		byScenario[c.scenario] = counts
	}
	for s, n := range byScenario {
		t.Logf("%-30s %3d of %3d agree", s, n[0], n[1])
	}
	t.Logf("ARC validation suite: %d of %d entries agree, %d listed exceptions", agree, len(cases), excepted)
}

func runCase(t *testing.T, srv *dnstest.Server, c suiteCase) (result.Result, string) {
	r := resolver.New(resolver.Config{Servers: []string{srv.Addr}, Timeout: time.Second})
	m, err := message.Parse(c.name, []byte(c.message))
	if err != nil {
		// cv_empty: an empty file is no message, so it has no chain.
		return result.None, "not a message: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := Validate(ctx, r, m)
	return res.Result, fmt.Sprintf("%s (%s) at instance %d", res.Reason, res.Code, res.FailedInstance)
}
