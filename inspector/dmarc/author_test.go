package dmarc

import (
	"reflect"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

func TestFromValues(t *testing.T) {
	raw := "From: =?utf-8?q?Doe=2C_John?= <jd@shop.example>\r\nTo: a@b.example\r\nfrom: x@evil.example\r\n\r\nbody\r\n"
	m, err := message.Parse("from.eml", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := FromValues(m)
	want := []string{" =?utf-8?q?Doe=2C_John?= <jd@shop.example>\r\n", " x@evil.example\r\n"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromValues = %q, want %q", got, want)
	}
	// The encoded comma in the display name must not split the address.
	d, addrs, err := AuthorDomain(got[:1])
	if err != nil || d != "shop.example" || len(addrs) != 1 {
		t.Errorf("AuthorDomain = %q, %q, %v", d, addrs, err)
	}
}
