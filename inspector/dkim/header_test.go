package dkim

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// fields builds header fields from raw text, one field per entry.
func fields(raws ...string) []message.Field {
	var out []message.Field
	for _, r := range raws {
		name, _, _ := strings.Cut(r, ":")
		out = append(out, message.Field{Name: strings.TrimRight(name, " \t"), Raw: []byte(r)})
	}
	return out
}

func TestSelectHeaders(t *testing.T) {
	h := fields(
		"DKIM-Signature: v=1; b=\r\n",  // 0
		"From: top@example.com\r\n",    // 1
		"To: x\r\n",                    // 2
		"from: bottom@example.com\r\n", // 3
		"Subject: s\r\n",               // 4
	)
	tests := []struct {
		names []string
		self  int
		want  []int
	}{
		{[]string{"from"}, 0, []int{3}},
		{[]string{"From", "FROM"}, 0, []int{3, 1}},
		{[]string{"from", "from", "from"}, 0, []int{3, 1, -1}},
		{[]string{"subject", "to", "from", "x-missing"}, 0, []int{4, 2, 3, -1}},
		{[]string{"dkim-signature"}, 0, []int{-1}}, // never the signature itself
		{[]string{"dkim-signature"}, -1, []int{0}},
		{nil, 0, []int{}},
	}
	for _, tt := range tests {
		if got := SelectHeaders(h, tt.names, tt.self); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SelectHeaders(%q, self %d) = %v, want %v", tt.names, tt.self, got, tt.want)
		}
	}
}

func TestStripSignature(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"DKIM-Signature: v=1; b=abc; bh=xyz\r\n", "DKIM-Signature: v=1; b=; bh=xyz\r\n"},
		{"DKIM-Signature: v=1; bh=xyz; b=ab\r\n\tcd\r\n", "DKIM-Signature: v=1; bh=xyz; b=\r\n"},
		{"DKIM-Signature: v=1; bh=xyz; b = ab cd ;\r\n", "DKIM-Signature: v=1; bh=xyz; b =;\r\n"},
		{"DKIM-Signature:b=abc\r\n", "DKIM-Signature:b=\r\n"},
		// "b=" inside another value is not the b= tag.
		{"DKIM-Signature: z=Subject:sub=3Db=; b=sig; h=from\r\n", "DKIM-Signature: z=Subject:sub=3Db=; b=; h=from\r\n"},
		{"ARC-Seal: i=1; a=rsa-sha256; cv=none; b=xx\r\n", "ARC-Seal: i=1; a=rsa-sha256; cv=none; b=\r\n"},
	}
	for _, tt := range tests {
		got, err := StripSignature([]byte(tt.raw))
		if err != nil || string(got) != tt.want {
			t.Errorf("StripSignature(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
	for _, bad := range []string{"DKIM-Signature v=1\r\n", "DKIM-Signature: v=1; bh=x\r\n"} {
		if _, err := StripSignature([]byte(bad)); err == nil {
			t.Errorf("StripSignature(%q) did not fail", bad)
		}
	}
}

func TestHeaderHashInput(t *testing.T) {
	h := fields(
		"DKIM-Signature: v=1; h=from:subject:x;\r\n b=abc\r\n def\r\n",
		"From: A <a@example.com>\r\n",
		"Subject:  Hello\r\n   World \r\n",
	)
	names := []string{"from", "subject", "x"}
	got, err := HeaderHashInput(Relaxed, h, names, 0)
	want := "from:A <a@example.com>\r\nsubject:Hello World\r\ndkim-signature:v=1; h=from:subject:x; b="
	if err != nil || string(got) != want {
		t.Errorf("relaxed = %q, %v\nwant %q", got, err, want)
	}
	got, err = HeaderHashInput(Simple, h, names, 0)
	want = "From: A <a@example.com>\r\nSubject:  Hello\r\n   World \r\nDKIM-Signature: v=1; h=from:subject:x;\r\n b="
	if err != nil || string(got) != want {
		t.Errorf("simple = %q, %v\nwant %q", got, err, want)
	}
	if _, err := HeaderHashInput(Simple, h, names, 5); err == nil {
		t.Error("index out of range accepted")
	}
}
