package plaintext

import (
	"bytes"
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
