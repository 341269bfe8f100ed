package plaintext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector"
)

func report() *inspector.Report {
	return &inspector.Report{
		File:     "invoice.eml",
		From:     inspector.Address{Name: "Billing", Address: "billing@shop.example", Domain: "shop.example"},
		Verdict:  inspector.VerdictFail,
		Headline: "Not genuine: this message is not from shop.example as it claims.",
		Summary: []inspector.Row{
			{Mechanism: "SPF", Result: "softfail", Status: inspector.VerdictWarn, Reason: strings.Repeat("the domain says this server is probably not allowed to send for it ", 4)},
			{Mechanism: "DMARC", Result: "fail", Status: inspector.VerdictFail, Reason: "DMARC failed."},
		},
		Reasons: []string{"DMARC failed.", "SPF softfail."},
	}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name  string
		color bool
		want  []string
		not   []string
	}{
		{"plain", false, []string{"invoice.eml", "Billing <billing@shop.example>", "✘ FAIL", "! softfail", "✘ fail", "Why:"}, []string{"\x1b["}},
		{"colour", true, []string{"\x1b[31m✘ FAIL", "\x1b[33m! softfail"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, report(), Options{Color: tc.color, Width: 80}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			for _, line := range strings.Split(out, "\n") {
				if visibleLen(line) > 80 && strings.Contains(line, " ") && !strings.Contains(line, "billing@") {
					t.Errorf("line wider than 80 columns: %q", line)
				}
			}
		})
	}
}

// TestWriteControlCharacters renders reports whose text, taken from a
// message, holds control characters (NUL, CR, escape sequences, C1
// controls, DEL): none may reach the terminal, and each must stay visible.
func TestWriteControlCharacters(t *testing.T) {
	tests := []struct {
		fixture string
		color   bool
		want    []string
	}{
		{"control-report.json", false, []string{"nul␀name.eml", "an old␀mailer␍␛[32m✔ PASS␛[0m \\u009b31m C1 ␡ DEL", "Bank␀␛[2J␛]0;title␇", "line break and ␀ NUL", "| ␀␛[5m", "mx␛[Ahidden", "evil␀host", "a snapshot␀"}},
		{"control-report.json", true, []string{"\x1b[1mnul␀name.eml\x1b[0m", "an old␀mailer␍", "\x1b[32m✔ PASS", "Bank␀␛[2J␛]0;title␇"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s, colour %v", tc.fixture, tc.color), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			var r inspector.Report
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := Write(&b, &r, Options{Color: tc.color, Width: 80}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for i, c := range out {
				if c == '\x1b' && tc.color && isANSICode(out[i:]) {
					continue
				}
				if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c < 0xa0 {
					t.Fatalf("control character %U at byte %d of the output:\n%q", c, i, out)
				}
			}
		})
	}
}
