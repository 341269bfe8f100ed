package inspector

import (
	"net/mail"
	"strings"
	"time"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/received"
)

// describe fills the parts of the report that identify the message.
func describe(r *Report, m *message.Message) {
	if f := m.First("Subject"); f != nil {
		r.Subject = f.Value
	}
	if f := m.First("Date"); f != nil {
		r.Date = f.Value
	}
	if f := m.First("Message-ID"); f != nil {
		r.MessageID = f.Value
	}
	if from := m.Get("From"); len(from) > 0 {
		r.From = author(from[0].Value)
	}
	if t, ok := receivedTime(m); ok {
		r.Received = &t
	}
}

// author returns the first address of a From value; when it cannot be
// parsed the raw text is kept so that the reader still sees it.
func author(value string) Address {
	list, err := mail.ParseAddressList(value)
	if err != nil || len(list) == 0 {
		return Address{Address: strings.TrimSpace(value), Domain: domain.OfAddress(value)}
	}
	return Address{Name: list[0].Name, Address: list[0].Address, Domain: domain.OfAddress(list[0].Address)}
}

// receivedTime is when the message reached its recipient: the date stamped
// by the topmost Received field, else the Date field. Both are read with the
// Received parser, so that this time and the route's are the same.
func receivedTime(m *message.Message) (time.Time, bool) {
	if f := m.First("Received"); f != nil {
		if r, _ := received.Parse(f.RawValue()); !r.Time.IsZero() {
			return r.Time, true
		}
	}
	if f := m.First("Date"); f != nil {
		return received.ParseDate(f.Value)
	}
	return time.Time{}, false
}
