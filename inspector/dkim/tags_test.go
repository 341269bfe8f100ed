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

// TestDecodeQuotedPrintable covers dkim-quoted-printable (RFC 6376 section
// 2.11), as i= is written: the forms of the Mail::DKIM corpus among them.
func TestDecodeQuotedPrintable(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "jlong@messiah.edu", want: "jlong@messiah.edu"},
		{in: "=6Along@messiah.edu", want: "jlong@messiah.edu"},
		{in: "jlong@messiah=2Eedu", want: "jlong@messiah.edu"},
		{in: "jlong=40messiah.edu", want: "jlong@messiah.edu"},
		{in: "=6along@example.com", want: "jlong@example.com"}, // lower case, which RFC 2045 lets a decoder accept
		{in: "a=3Db=3B@example.com", want: "a=b;@example.com"},
		{in: "jlong=\r\n\t40messiah.edu", want: "jlong@messiah.edu"}, // FWS is not part of the value
		{in: "a b@example.com", want: "ab@example.com"},
		{in: "", want: ""},
		{in: "=", bad: true},
		{in: "a=4", bad: true},
		{in: "a=4@example.com", bad: true},
		{in: "a=G0@example.com", bad: true},
		{in: "a=\r\n 4", bad: true},
	}
	for _, tt := range tests {
		got, err := decodeQuotedPrintable(tt.in)
		if tt.bad {
			if err == nil || !strings.Contains(err.Error(), "dkim-quoted-printable") {
				t.Errorf("decodeQuotedPrintable(%q) = %q, %v; want an error naming dkim-quoted-printable", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("decodeQuotedPrintable(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
