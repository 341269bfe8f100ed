package message

import "testing"

func TestRawValue(t *testing.T) {
	tests := []struct {
		f    Field
		want string
	}{
		{Field{Name: "Subject", Raw: []byte("Subject: =?UTF-8?Q?caf=C3=A9?=\r\n"), Value: "café"}, " =?UTF-8?Q?caf=C3=A9?="},
		{Field{Name: "X", Raw: []byte("X:a;\r\n\tb=c\r\n")}, "a;\r\n\tb=c"},
		{Field{Name: "Y", Raw: []byte("Y:\r\n")}, ""},
		{Field{Name: "Z", Value: "no raw bytes"}, "no raw bytes"},
	}
	for _, tc := range tests {
		if got := tc.f.RawValue(); got != tc.want {
			t.Errorf("RawValue of %q = %q, want %q", tc.f.Raw, got, tc.want)
		}
	}
}

func TestUnfold(t *testing.T) {
	tests := map[string]string{
		" mx.example;\r\n\tspf=pass\r\n":   "mx.example; spf=pass",
		"a\r\n   b\r\n\r\n c":              "a b c",
		"bare\nlf\rcr":                     "bare lf cr",
		"  no folds  ":                     "no folds",
		"keeps  inner   spaces\r\n there ": "keeps  inner   spaces there",
	}
	for in, want := range tests {
		if got := Unfold(in); got != want {
			t.Errorf("Unfold(%q) = %q, want %q", in, got, want)
		}
	}
}
