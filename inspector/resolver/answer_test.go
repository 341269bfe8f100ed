package resolver

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAnswerJSON keeps the JSON form of an answer as it always was: the
// round-trip time last, as "rtt_ms" in milliseconds to the microsecond,
// and read back the same.
func TestAnswerJSON(t *testing.T) {
	for rtt, want := range map[time.Duration]string{
		0:                                    `"rtt_ms":0}`,
		time.Microsecond:                     `"rtt_ms":0.001}`,
		12*time.Millisecond + 345678:         `"rtt_ms":12.345}`,
		3*time.Second + 250*time.Millisecond: `"rtt_ms":3250}`,
	} {
		a := Answer{Name: "example.org.", Type: "TXT", Rcode: "NOERROR", Records: []string{"v=spf1 -all"}, RTT: Millis(rtt)}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(string(b), want) || !strings.HasPrefix(string(b), `{"name":"example.org.","type":"TXT","rcode":"NOERROR","answers":["v=spf1 -all"]`) {
			t.Errorf("RTT %v: %s, want …%s", rtt, b, want)
		}
		var back Answer
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if time.Duration(back.RTT) != rtt.Truncate(time.Microsecond) {
			t.Errorf("RTT %v read back as %v", rtt, time.Duration(back.RTT))
		}
	}
}
