package recorded

import (
	"os"
	"reflect"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

func load(t testing.TB, name string) *message.Message {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := message.Parse(name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		name, value string
		id          string
		want        []Method
		err         string
	}{
		{
			name:  "gmail style with comments",
			value: " mx.google.example;\r\n dkim=pass header.i=@shop.example header.s=s1 header.b=AbCdEfGh;\r\n spf=pass (google.example: domain of bounce@shop.example designates 192.0.2.25 as permitted sender) smtp.mailfrom=bounce@shop.example;\r\n dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=shop.example\r\n",
			id:    "mx.google.example",
			want: []Method{
				{Method: "dkim", Result: "pass", Props: map[string]string{"header.i": "@shop.example", "header.s": "s1", "header.b": "AbCdEfGh"}},
				{Method: "spf", Result: "pass", Props: map[string]string{"smtp.mailfrom": "bounce@shop.example"},
					Comments: []string{"google.example: domain of bounce@shop.example designates 192.0.2.25 as permitted sender"}},
				{Method: "dmarc", Result: "pass", Props: map[string]string{"header.from": "shop.example"}, Comments: []string{"p=REJECT sp=REJECT dis=NONE"}},
			},
		},
		{
			name:  "version and quoted reason",
			value: "example.org 1; dkim=fail reason=\"bad signature; body changed\" header.d=example.org",
			id:    "example.org",
			want: []Method{
				{Method: "dkim", Result: "fail", Reason: "bad signature; body changed", Props: map[string]string{"header.d": "example.org"}},
			},
		},
		{
			name:  "comment with an equals sign and a semicolon",
			value: "mx.example.net; spf=fail (a=b; c) smtp.mailfrom=x@example.com",
			id:    "mx.example.net",
			want: []Method{
				{Method: "spf", Result: "fail", Props: map[string]string{"smtp.mailfrom": "x@example.com"}, Comments: []string{"a=b; c"}},
			},
		},
		{
			name:  "no results",
			value: "mx.example.net; none",
			id:    "mx.example.net",
		},
		{
			name:  "microsoft without authserv-id",
			value: "spf=pass (sender IP is 198.51.100.7)\r\n smtp.mailfrom=news.example; dkim=pass (signature was verified)\r\n header.d=news.example;dmarc=pass action=none header.from=news.example;compauth=pass\r\n reason=100",
			want: []Method{
				{Method: "spf", Result: "pass", Props: map[string]string{"smtp.mailfrom": "news.example"}, Comments: []string{"sender IP is 198.51.100.7"}},
				{Method: "dkim", Result: "pass", Props: map[string]string{"header.d": "news.example"}, Comments: []string{"signature was verified"}},
				{Method: "dmarc", Result: "pass", Props: map[string]string{"action": "none", "header.from": "news.example"}},
				{Method: "compauth", Result: "pass", Reason: "100", Props: map[string]string{}},
			},
		},
		{
			name:  "upper case method and result",
			value: "mx.example.net; DKIM=PASS Header.D=example.com",
			id:    "mx.example.net",
			want:  []Method{{Method: "dkim", Result: "pass", Props: map[string]string{"header.d": "example.com"}}},
		},
		{
			name:  "unclosed comment",
			value: "mx.example.net; spf=pass (oops smtp.mailfrom=a@b.example",
			id:    "mx.example.net",
			want:  []Method{{Method: "spf", Result: "pass", Props: map[string]string{}}},
			err:   "a comment is not closed: a ')' is missing",
		},
		{
			name:  "garbage after authserv-id",
			value: "mx.example.net junk; spf=pass",
			err:   "the authserv-id \"mx.example.net\" is followed by something other than the version 1",
		},
		{
			name:  "result without value",
			value: "mx.example.net; spf=pass; dkim",
			id:    "mx.example.net",
			want:  []Method{{Method: "spf", Result: "pass", Props: map[string]string{}}},
			err:   "malformed authentication method and value",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := ParseValue(tc.value)
			if h.AuthservID != tc.id {
				t.Errorf("authserv-id = %q, want %q", h.AuthservID, tc.id)
			}
			if h.Error != tc.err {
				t.Errorf("error = %q, want %q", h.Error, tc.err)
			}
			if len(h.Results) != len(tc.want) {
				t.Fatalf("results = %+v, want %+v", h.Results, tc.want)
			}
			for i := range tc.want {
				if !reflect.DeepEqual(h.Results[i], tc.want[i]) {
					t.Errorf("result %d = %+v, want %+v", i, h.Results[i], tc.want[i])
				}
			}
		})
	}
}

func TestMethodDomainAndIP(t *testing.T) {
	h := ParseValue("mx.example.net; spf=pass (domain of a@b.example designates 2001:db8::25 as permitted sender) smtp.mailfrom=<A@Shop.Example>; " +
		"dkim=pass header.i=@Mail.Shop.Example; dmarc=fail header.from=Shop.Example; iprev=pass policy.iprev=192.0.2.1")
	want := []struct{ domain, ip string }{
		{"shop.example", "2001:db8::25"},
		{"mail.shop.example", "invalid IP"},
		{"shop.example", "invalid IP"},
		{"", "192.0.2.1"},
	}
	for i, w := range want {
		m := h.Results[i]
		if m.Domain() != w.domain || m.IP().String() != w.ip {
			t.Errorf("%s: Domain() = %q, IP() = %s; want %q, %s", m.Method, m.Domain(), m.IP(), w.domain, w.ip)
		}
	}
}

func TestParseARCValue(t *testing.T) {
	h := ParseARCValue(" i=2; lists.example.org;\r\n spf=pass smtp.mailfrom=jqd@d1.example;\r\n dkim=pass header.d=d1.example;\r\n dmarc=pass header.from=d1.example")
	if h.Instance != 2 || h.AuthservID != "lists.example.org" || len(h.Results) != 3 || h.Error != "" {
		t.Errorf("got %+v", h)
	}
	for _, bad := range []string{"lists.example.org; spf=pass", "i=x; a.example; spf=pass", "i=0; a.example", "i=1000; a.example", "i=+1; a.example"} {
		if h := ParseARCValue(bad); h.Error == "" {
			t.Errorf("ParseARCValue(%q): no error", bad)
		}
	}
}

func TestParseMessage(t *testing.T) {
	hs := Read(load(t, "gmail.eml")).Results
	if len(hs) != 2 {
		t.Fatalf("got %d headers, want 2", len(hs))
	}
	if hs[0].Field != ARCAuthenticationResults || hs[0].Instance != 1 || hs[0].Index != 3 {
		t.Errorf("first = %s i=%d at %d", hs[0].Field, hs[0].Instance, hs[0].Index)
	}
	if hs[1].Field != AuthenticationResults || hs[1].AuthservID != "mx.google.example" || hs[1].Index != 7 || len(hs[1].Results) != 3 {
		t.Errorf("second = %+v", hs[1])
	}
}
