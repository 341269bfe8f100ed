package spamfilter

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// checkFilter holds what every decoded filter must: a known verdict,
// finite numbers, items of bounded size.
func checkFilter(t *testing.T, f Filter) {
	t.Helper()
	switch f.Verdict {
	case VerdictSpam, VerdictNotSpam, VerdictBulk, VerdictPhish, VerdictUnknown:
	default:
		t.Fatalf("verdict %q", f.Verdict)
	}
	for _, n := range []*float64{f.Score, f.Threshold} {
		if n != nil && (*n != *n || *n > 1e9 || *n < -1e9) {
			t.Fatalf("number %v", *n)
		}
	}
	if len(f.Items) > 1000 {
		t.Fatalf("%d items", len(f.Items))
	}
	for _, it := range f.Items {
		if len(it.Value) > 210 {
			t.Fatalf("value of %d bytes", len(it.Value))
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add("Yes, score=7.3 required=5.0 tests=BAYES_99,\r\n\tHTML_MESSAGE autolearn=no version=3.4.6")
	f.Add("No, score=2.483 tagged_above=-999 required=6.31 tests=[BAYES_50=0.8, DKIM_SIGNED=0.1] autolearn=no")
	f.Add("No, hits=NaN required=1e400 tests=")
	f.Fuzz(func(t *testing.T, raw string) {
		s := ParseStatus(raw)
		if s.Spam && !s.Flagged {
			t.Fatal("spam without a flag")
		}
		ff := Filter{Items: []Item{}}
		decodeSpamAssassin(&ff, map[string]string{"X-Spam-Status": raw, "X-Spam-Report": raw, "X-Spam-Score": raw})
		checkFilter(t, ff)
	})
}

func FuzzParseSpamdResult(f *testing.F) {
	f.Add("default: False [7.14 / 15.00];\r\n\tBAYES_SPAM(4.79)[97.88%];\r\n\tR_SPF_ALLOW(-0.20)[+ip4:192.0.2.0/24]")
	f.Add("default: True [16.2/15]; X((((; Y)]]][[; Z(1)[a;b]")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		r := ParseSpamdResult(raw)
		for _, s := range r.Symbols {
			if strings.ContainsRune(s.Name, '(') {
				t.Fatalf("symbol name %q", s.Name)
			}
		}
		ff := Filter{Items: []Item{}}
		decodeRspamd(&ff, map[string]string{"X-Spamd-Result": raw, "X-Rspamd-Score": raw, "X-Rspamd-Action": raw})
		checkFilter(t, ff)
	})
}

func FuzzMicrosoft(f *testing.F) {
	f.Add("CIP:192.0.2.25;CTRY:US;LANG:en;SCL:5;SRV:BULK;IPV:NLI;SFV:SPM;H:out1.example;PTR:out1.example;CAT:BULK;SFS:(13230040)(2066899003);DIR:INB;", "BCL:7;ARA:1|2;")
	f.Add("CIP:2001:db8::1;SCL:-1;SFV:SKN;SFTY:9.19", "BCL:x")
	f.Fuzz(func(t *testing.T, report, antispam string) {
		ff := Filter{Items: []Item{}}
		decodeMicrosoft(&ff, map[string]string{"X-Forefront-Antispam-Report": report, "X-Microsoft-Antispam": antispam,
			"X-MS-Exchange-Organization-SCL": antispam, "X-MS-Exchange-Organization-AuthAs": report})
		checkFilter(t, ff)
		if utf8.ValidString(report) && utf8.ValidString(antispam) {
			for _, it := range ff.Items {
				if !utf8.ValidString(it.Value) {
					t.Fatalf("item %q not UTF-8", it.Value)
				}
			}
		}
	})
}
