package received

import (
	"os"
	"strings"
	"testing"
)

// fixtureFields reads a fixture file of Received header fields, as they
// stand in a message (folded, "Received:" names included), and returns the
// field values in order.
func fixtureFields(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		switch {
		case line == "":
		case line[0] == ' ' || line[0] == '\t':
			if len(out) == 0 {
				t.Fatalf("%s: continuation line before any field: %q", path, line)
			}
			out[len(out)-1] += "\r\n" + line
		default:
			name, value, ok := strings.Cut(line, ":")
			if !ok || !strings.EqualFold(name, "Received") {
				t.Fatalf("%s: not a Received field: %q", path, line)
			}
			out = append(out, value)
		}
	}
	return out
}
