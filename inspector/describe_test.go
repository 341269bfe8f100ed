package inspector

import (
	"testing"
	"time"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// TestReceivedTimeIsTheRoutes checks that the time of receipt (against which
// DKIM's x= is judged "at receipt") is read from the topmost Received field
// by the same parser as the route's hops: an asctime date, which net/mail
// cannot read, once made the report fall back to the Date field, days
// earlier.
func TestReceivedTimeIsTheRoutes(t *testing.T) {
	tests := []struct {
		name, msg string
		want      time.Time
	}{
		{"asctime in Received", "Received: from a.example (a.example [192.0.2.1]) by mx.example; Tue Mar 10 09:15:04 2026\r\n" +
			"Date: Sat, 7 Mar 2026 08:00:00 +0000\r\nFrom: a@a.example\r\n\r\nbody\r\n",
			time.Date(2026, 3, 10, 9, 15, 4, 0, time.UTC)},
		{"RFC 5322 date in Received", "Received: from a.example by mx.example; Tue, 10 Mar 2026 10:15:04 +0100\r\n" +
			"Date: Sat, 7 Mar 2026 08:00:00 +0000\r\nFrom: a@a.example\r\n\r\nbody\r\n",
			time.Date(2026, 3, 10, 9, 15, 4, 0, time.UTC)},
		{"no Received: the Date field", "Date: Sat, 7 Mar 2026 08:00:00 +0000\r\nFrom: a@a.example\r\n\r\nbody\r\n",
			time.Date(2026, 3, 7, 8, 0, 0, 0, time.UTC)},
		{"unreadable Received date: the Date field", "Received: from a.example by mx.example; yesterday\r\n" +
			"Date: Sat, 7 Mar 2026 08:00:00 +0000\r\nFrom: a@a.example\r\n\r\nbody\r\n",
			time.Date(2026, 3, 7, 8, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := message.Parse("t.eml", []byte(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := receivedTime(m)
			if !ok || !got.Equal(tc.want) {
				t.Errorf("receivedTime = %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
}

// TestAuthor checks the report's From: read by package address from the
// raw value, the first mailbox, the text kept when there is no address.
func TestAuthor(t *testing.T) {
	tests := []struct {
		raw  string
		want Address
	}{
		{"From: =?utf-8?q?Doe=2C_John?= (sales) <JD@Shop.Example.>\r\n",
			Address{Name: "Doe, John", Address: "JD@Shop.Example.", Domain: "shop.example"}},
		{"From: jdoe@example.org (John Doe), other@example.net\r\n",
			Address{Name: "John Doe", Address: "jdoe@example.org", Domain: "example.org"}},
		{"From: undisclosed-recipients:;\r\n", Address{Address: "undisclosed-recipients:;"}},
		{"From: Bob Smith\r\n", Address{Address: "Bob Smith"}},
	}
	for _, tc := range tests {
		m, err := message.Parse("t.eml", []byte(tc.raw+"\r\nbody\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := author(m.Get("From")[0]); got != tc.want {
			t.Errorf("author(%q) = %+v, want %+v", tc.raw, got, tc.want)
		}
	}
}
