package dkim

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTags(t *testing.T) {
	tests := []struct {
		in      string
		want    Tags
		errTag  string // tag named in the error, when an error is expected
		wantErr string // text the error must contain
	}{
		{in: "", want: nil},
		{in: "v=1", want: Tags{{"v", "1"}}},
		{in: " v = 1 ; a=rsa-sha256; ", want: Tags{{"v", "1"}, {"a", "rsa-sha256"}}},
		{in: "v=1;;a=x", want: Tags{{"v", "1"}, {"a", "x"}}},
		{in: "b=abc\r\n\tdef ;\r\n bh=x", want: Tags{{"b", "abc\r\n\tdef"}, {"bh", "x"}}},
		{in: "n=free text with = signs: ok", want: Tags{{"n", "free text with = signs: ok"}}},
		{in: "p=", want: Tags{{"p", ""}}},
		{in: "x_1=2", want: Tags{{"x_1", "2"}}},
		{in: "V=1; v=2", want: Tags{{"V", "1"}, {"v", "2"}}}, // names are case-sensitive
		{in: "i=j\u00f6rg@example.com", want: Tags{{"i", "j\u00f6rg@example.com"}}},
		{in: "v=1; v=1", errTag: "v", wantErr: "more than once"},
		{in: "v=1; novalue", wantErr: "not of the form tag=value"},
		{in: "=1", wantErr: "not a valid tag name"},
		{in: "1a=1", wantErr: "not a valid tag name"},
		{in: "a-b=1", wantErr: "not a valid tag name"},
		{in: "a b=1", wantErr: "not a valid tag name"},
		{in: "a=x\x00y", errTag: "a", wantErr: "control character 0x00"},
		{in: "a=x\x7fy", errTag: "a", wantErr: "control character 0x7F"},
	}
	for _, tt := range tests {
		got, err := ParseTags(tt.in)
		if tt.wantErr != "" {
			te, ok := err.(*TagError)
			if !ok || !strings.Contains(err.Error(), tt.wantErr) || te.Tag != tt.errTag {
				t.Errorf("ParseTags(%q) error = %v, want *TagError on tag %q containing %q", tt.in, err, tt.errTag, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseTags(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSplitList(t *testing.T) {
	got := splitList(" From : to\r\n :subject ")
	want := []string{"From", "to", "subject"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitList = %q, want %q", got, want)
	}
	if got := splitList("  "); got != nil {
		t.Errorf("splitList(blank) = %q, want nil", got)
	}
}
