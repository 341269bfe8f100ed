package arc

import (
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/internal/testsign"
)

// sealer is an intermediary of these tests: its key and where it is
// published, the authserv-id of the results it records, and the fields its
// ARC-Message-Signature signs. It seals with internal/testsign, which
// shares no code with Validate.
type sealer struct {
	testsign.Key
	authservID string
	signed     []string
}

// seal returns raw (a CRLF message) with a new ARC set on top: an AAR
// carrying results, an ARC-Message-Signature over s.signed and the body,
// and an ARC-Seal with the given cv over every set, all signed at when.
func (s *sealer) seal(t testing.TB, raw []byte, results, cv string, when int64) []byte {
	return []byte(testsign.Seal(string(raw), s.Key, testsign.ARCOptions{
		AuthServID: s.authservID, Results: results, CV: cv, Headers: s.signed, Time: time.Unix(when, 0)}))
}

// crlf turns a fixture written with LF into CRLF.
func crlf(s string) []byte { return []byte(testsign.CRLF(s)) }
