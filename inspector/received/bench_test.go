package received

import (
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkParse compares the throughput of Parse on the fixtures with its
// throughput on 1 MiB hostile fields (long runs of comments, words,
// brackets), measured in the same run: a huge field must cost about what
// the same bytes of ordinary fields cost, never more than linearly.
func BenchmarkParse(b *testing.B) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		b.Fatal("no fixtures")
	}
	var fields []string
	size := 0
	for _, f := range files {
		for _, v := range fixtureFields(b, f) {
			fields = append(fields, v)
			size += len(v)
		}
	}
	b.Run("fixtures", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, v := range fields {
				Parse(v)
			}
		}
	})
	const mib = 1 << 20
	hostile := map[string]string{
		"comments": "from x " + strings.Repeat("(version=TLS1_2 cipher=x) [192.0.2.1] ", mib/38),
		"keywords": strings.Repeat("from by with id for via ", mib/24),
		"brackets": "from " + strings.Repeat("[", mib),
		"parens":   "from " + strings.Repeat("(a [1.2.3.4] ", mib/14),
	}
	for name, v := range hostile {
		b.Run("1MiB-"+name, func(b *testing.B) {
			b.SetBytes(int64(len(v)))
			for b.Loop() {
				Parse(v)
			}
		})
	}
}
