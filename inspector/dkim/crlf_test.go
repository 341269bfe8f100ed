package dkim

import (
	"bytes"
	"io"
	"testing"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// crlfMessage returns a message file with CRLF line endings, as message
// normalises it, for signing (with internal/testsign) and for go-msgauth.
func crlfMessage(t testing.TB, data []byte) []byte {
	t.Helper()
	m, err := message.Parse("msg", data)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range m.Header {
		b.Write(f.Raw)
	}
	b.WriteString("\r\n")
	io.Copy(&b, m.Body())
	return b.Bytes()
}
