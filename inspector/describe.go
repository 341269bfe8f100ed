package inspector

import (
	"time"

	"github.com/mailinspector/mailinspector/inspector/address"
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
		r.From = author(from[0])
	}
	if t, ok := receivedTime(m); ok {
		r.Received = &t
	}
}

// author returns the first mailbox of a From field, read from its raw
// value by package address, as DMARC reads it; when the field holds no
// address its text is kept so that the reader still sees it.
func author(f message.Field) Address {
	list, err := address.ParseList(f.RawValue())
	if err != nil || len(list.Mailboxes) == 0 {
		return Address{Address: f.Value}
	}
	mb := list.Mailboxes[0]
	return Address{Name: mb.DisplayName(), Address: mb.Address, Domain: domain.OfAddress(mb.Address)}
}

// receivedTime is when the message reached its recipient: the date stamped
// by the topmost Received field, else the Date field. Both are read with the
// Received parser, so that this time and the route's are the same.
func receivedTime(m *message.Message) (time.Time, bool) {
	if f := m.First("Received"); f != nil {
		if t, ok := received.Time(f.RawValue()); ok {
			return t, true
		}
	}
	if f := m.First("Date"); f != nil {
		return received.ParseDate(f.Value)
	}
	return time.Time{}, false
}
