package testsign

import (
	"crypto"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ARCOptions describe the ARC set an intermediary adds (RFC 8617).
type ARCOptions struct {
	// AuthServID names the intermediary in its ARC-Authentication-Results,
	// and Results are what it found, after the authserv-id and folded as
	// given ("spf=pass smtp.mailfrom=...;\r\n\tdkim=pass ..."); "none"
	// when empty.
	AuthServID, Results string
	// CV is the seal's cv=: "none", "pass" or "fail". Empty means none
	// for the first set and pass for later ones.
	CV string
	// Headers are the names of the ARC-Message-Signature's h=; nil means
	// DefaultHeaders.
	Headers []string
	// Time is t= of the ARC-Message-Signature and the ARC-Seal; none when
	// zero.
	Time time.Time
	// Instance is i=; 0 means one more than the highest instance of the
	// ARC fields already in the message.
	Instance int
}

// arcNames are the fields of an ARC set, in the order the seal signs them.
var arcNames = []string{"ARC-Authentication-Results", "ARC-Message-Signature", "ARC-Seal"}

// Seal adds an ARC set by k at the top of m: an ARC-Authentication-Results,
// an ARC-Message-Signature (relaxed/relaxed, tags ordered as Sign's, i=
// first) and an ARC-Seal (i=, a=, t=, cv=, d=, s=) over every set up to
// the new one. It panics if an earlier set lacks a field.
func (m *Message) Seal(k Key, o ARCOptions) {
	i := o.Instance
	if i == 0 {
		i = m.highestInstance() + 1
	}
	cv := o.CV
	if cv == "" {
		cv = "pass"
		if i == 1 {
			cv = "none"
		}
	}
	results := o.Results
	if results == "" {
		results = "none"
	}
	m.Prepend(arcNames[0], fmt.Sprintf("i=%d; %s;\r\n\t%s", i, o.AuthServID, results))
	instance := "i=" + strconv.Itoa(i)
	ams, _, err := m.signature(arcNames[1], instance, k, Options{Headers: o.Headers, Time: o.Time}, strings.NewReader(m.Body))
	if err != nil {
		panic("testsign: " + err.Error())
	}
	m.Fields = append([]string{ams}, m.Fields...)

	tags := appendTime([]string{instance, "a=" + k.algorithm(crypto.SHA256)}, "t=", o.Time)
	tags = append(tags, "cv="+cv, "d="+k.Domain, "s="+k.Selector)
	var sets []string
	for n := 1; n <= i; n++ {
		for _, name := range arcNames {
			if n == i && name == "ARC-Seal" {
				break
			}
			f := m.arcField(name, n)
			if f == "" {
				panic(fmt.Sprintf("testsign: sealing instance %d, the message has no %s i=%d", i, name, n))
			}
			sets = append(sets, f)
		}
	}
	m.Prepend("ARC-Seal", fold(tags, k.sign(crypto.SHA256, signedInput(true, sets, "ARC-Seal", tags))))
}

// Seal returns msg (a message with CRLF line endings) with an ARC set by k
// at the top.
func Seal(msg string, k Key, o ARCOptions) string {
	m := Parse(msg)
	m.Seal(k, o)
	return m.String()
}

var instanceTag = regexp.MustCompile(`^\s*i\s*=\s*(\d+)`)

// arcFields calls f with the instance of every ARC field of m, top first,
// until f returns true.
func (m *Message) arcFields(f func(field, name string, instance int) bool) {
	for _, field := range m.Fields {
		name, value, _ := strings.Cut(field, ":")
		name = strings.TrimSpace(name)
		for _, arc := range arcNames {
			if !strings.EqualFold(name, arc) {
				continue
			}
			if sub := instanceTag.FindStringSubmatch(value); sub != nil {
				n, _ := strconv.Atoi(sub[1])
				if f(field, arc, n) {
					return
				}
			}
		}
	}
}

// arcField is the topmost field of m named name with instance i, or "".
func (m *Message) arcField(name string, i int) (found string) {
	m.arcFields(func(field, n string, instance int) bool {
		if n == name && instance == i {
			found = field
		}
		return found != ""
	})
	return found
}

func (m *Message) highestInstance() (highest int) {
	m.arcFields(func(_, _ string, instance int) bool {
		highest = max(highest, instance)
		return false
	})
	return highest
}
