package spamfilter

import (
	"strconv"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/message"
)

// The meanings below are those of Microsoft's "Anti-spam message headers
// in Microsoft 365" (learn.microsoft.com, defender-office-365,
// message-headers-eop-mdo), "Spam confidence level (SCL) in EOP" and
// "Bulk complaint level (BCL) in EOP", as published in 2024–2025.

// forefrontFields are the documented fields of X-Forefront-Antispam-Report.
var forefrontFields = map[string]string{
	"CIP":  "the connecting IP address: the server that handed the message to Microsoft",
	"CTRY": "the country or region of the connecting IP address",
	"LANG": "the language the message was written in, as a country code",
	"SCL":  "the spam confidence level",
	"SRV":  "bulk mail: BULK when the bulk complaint level reached the policy's threshold",
	"IPV":  "the connection filter's verdict on the connecting IP address",
	"SFV":  "the spam filtering verdict",
	"H":    "the HELO or EHLO name the connecting server gave",
	"PTR":  "the reverse-DNS (PTR) name of the connecting IP address",
	"CAT":  "the category of protection policy applied to the message",
	"SFTY": "a phishing safety tip was added (impersonation)",
	"SFS":  "the spam rules the message matched (Microsoft's own rule numbers, undocumented)",
	"DIR":  "the direction of the message",
}

var sclMeaning = map[int]string{
	-1: "spam filtering was skipped (a safe sender, a mail flow rule or an allow list): delivered to the Inbox",
	0:  "not spam: delivered to the Inbox",
	1:  "not spam: delivered to the Inbox",
	5:  "spam: delivered to the Junk Email folder (or quarantined, as the policy says)",
	6:  "spam: delivered to the Junk Email folder (or quarantined, as the policy says)",
	9:  "high confidence spam: Junk Email folder or quarantine",
}

var sfvMeaning = map[string]string{
	"BLK":  "filtering was skipped and the message blocked: the sender is on a user's Blocked Senders list",
	"NSPM": "spam filtering found the message not to be spam",
	"SFE":  "filtering was skipped and the message allowed: the sender is on a user's Safe Senders list",
	"SKA":  "spam filtering was skipped: the sender is on the allowed senders or domains of an anti-spam policy",
	"SKB":  "marked as spam: the sender is on the blocked senders or domains of an anti-spam policy",
	"SKI":  "spam filtering was skipped for another reason (for example mail inside the organisation)",
	"SKN":  "marked as not spam before spam filtering (a mail flow rule set SCL -1 or bypassed filtering)",
	"SKQ":  "the message was released from quarantine",
	"SKS":  "marked as spam before spam filtering (a mail flow rule set SCL 5 to 9)",
	"SPM":  "spam filtering marked the message as spam",
}

var catMeaning = map[string]string{
	"AMP":    "anti-malware",
	"BIMP":   "brand impersonation",
	"BULK":   "bulk mail",
	"DIMP":   "domain impersonation",
	"FTBP":   "anti-malware: a blocked file type",
	"GIMP":   "mailbox-intelligence impersonation",
	"HPHSH":  "high confidence phishing",
	"HPHISH": "high confidence phishing",
	"HSPM":   "high confidence spam",
	"INTOS":  "intra-organisation phishing",
	"MALW":   "malware",
	"OSPM":   "outbound spam",
	"PHSH":   "phishing",
	"SAP":    "Safe Attachments",
	"SPM":    "spam",
	"SPOOF":  "spoofing: the From domain failed authentication",
	"UIMP":   "user impersonation",
	"NONE":   "no category: nothing was found",
}

var ipvMeaning = map[string]string{
	"CAL": "the connecting IP address is on the connection filter's allow list: spam filtering was skipped",
	"NLI": "the connecting IP address is not on any reputation list",
}

var dirMeaning = map[string]string{
	"INB": "inbound: from outside the organisation",
	"OUT": "outbound: sent by the organisation to outside",
	"INT": "internal: within the organisation",
}

var sftyMeaning = map[string]string{
	"9.19": "domain impersonation: the sending domain tries to pass for a protected domain",
	"9.20": "user impersonation: the sender tries to pass for a protected user",
}

var authAsMeaning = map[string]string{
	"anonymous": "the sending server did not authenticate: mail from the internet",
	"internal":  "the sender authenticated as a member of the organisation",
	"external":  "the sender authenticated as an outside party",
	"partner":   "the sender authenticated as a partner over a secured connector",
}

// bclMeaning says what a bulk complaint level means.
func bclMeaning(n int) string {
	switch {
	case n == 0:
		return "not from a bulk sender"
	case n >= 1 && n <= 3:
		return "from a bulk sender whose mail draws few complaints"
	case n >= 4 && n <= 7:
		return "from a bulk sender whose mail draws a mixed number of complaints (the default policy marks BCL 7 and above as spam; the Standard and Strict presets 6 and 5)"
	case n >= 8 && n <= 9:
		return "from a bulk sender whose mail draws many complaints"
	}
	return "outside the documented range 0 to 9"
}

// decodeMicrosoft reads the Microsoft family. SCL 5 is the score at which
// EOP calls a message spam.
func decodeMicrosoft(f *Filter, fields map[string]string) {
	var v verdicts
	if raw, ok := fields["X-Forefront-Antispam-Report"]; ok {
		for _, kv := range pairs(raw, ';', ':') {
			meaning, documented := forefrontFields[kv[0]]
			if !documented {
				continue
			}
			key, val := kv[0], kv[1]
			switch key {
			case "SCL":
				f.Score = scl(val, &v)
				meaning += ": " + describeSCL(val)
			case "SFV":
				if m, ok := sfvMeaning[val]; ok {
					meaning += ": " + m
				}
				switch val {
				case "SPM", "SKS", "SKB", "BLK":
					v.spam = true
				case "NSPM", "SKN", "SKI", "SKA", "SFE", "SKQ":
					v.clean = true
				}
			case "CAT":
				if m, ok := catMeaning[val]; ok {
					meaning += ": " + m
				}
				switch val {
				case "PHSH", "HPHSH", "HPHISH", "SPOOF", "DIMP", "UIMP", "GIMP", "BIMP", "INTOS", "MALW", "AMP", "FTBP", "SAP":
					v.category = VerdictPhish
				case "SPM", "HSPM", "OSPM":
					v.category = VerdictSpam
				case "BULK":
					v.category = VerdictBulk
				}
			case "SRV":
				if val == "BULK" {
					v.bulk = true
					meaning += ": identified as bulk mail"
				}
			case "IPV":
				if m, ok := ipvMeaning[val]; ok {
					meaning += ": " + m
				}
			case "DIR":
				if m, ok := dirMeaning[val]; ok {
					meaning += ": " + m
				}
			case "SFTY":
				if m, ok := sftyMeaning[val]; ok {
					meaning += ": " + m
				}
				if val != "" {
					v.phish = true
				}
			}
			if val == "" && key != "SCL" {
				continue
			}
			f.item(key, val, meaning)
		}
	}
	if raw, ok := fields["X-Microsoft-Antispam"]; ok {
		for _, kv := range pairs(raw, ';', ':') {
			if kv[0] != "BCL" {
				continue
			}
			n, err := strconv.Atoi(kv[1])
			if err != nil {
				f.item("BCL", kv[1], "the bulk complaint level, unreadable")
				continue
			}
			f.item("BCL", kv[1], "the bulk complaint level: "+bclMeaning(n))
		}
	}
	if raw, ok := fields["X-MS-Exchange-Organization-SCL"]; ok {
		val := message.Unfold(raw)
		if s := scl(val, &v); f.Score == nil {
			f.Score = s
		}
		f.item("X-MS-Exchange-Organization-SCL", val, "the spam confidence level Exchange acted on: "+describeSCL(val))
	}
	if raw, ok := fields["X-MS-Exchange-Organization-AuthAs"]; ok {
		val := message.Unfold(raw)
		meaning := "how the sending server authenticated to Exchange"
		if m, ok := authAsMeaning[strings.ToLower(val)]; ok {
			meaning += ": " + m
		}
		f.item("X-MS-Exchange-Organization-AuthAs", val, meaning)
	}
	if f.Score != nil {
		f.Threshold = number(5)
	}
	f.Verdict = v.word()
}

// scl reads a spam confidence level and notes what it says.
func scl(val string, v *verdicts) *float64 {
	n, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil || n < -1 || n > 9 {
		return nil
	}
	switch {
	case n >= 5:
		v.spam = true
	default:
		v.clean = true
	}
	return number(float64(n))
}

func describeSCL(val string) string {
	n, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil {
		return "unreadable"
	}
	if m, ok := sclMeaning[n]; ok {
		return m
	}
	if n >= 2 && n <= 8 {
		return "a level the service does not use (2 to 4 and 7 to 8 are unused): treated as spam from 5 up"
	}
	return "outside the documented range -1 to 9"
}

// verdicts collects what the fields say. The category (CAT) decides when
// there is one: a bulk message junked for its bulk complaint level is
// "bulk", not just "spam". Otherwise the most serious signal wins.
type verdicts struct {
	category                 string
	phish, spam, bulk, clean bool
}

func (v verdicts) word() string {
	switch {
	case v.category != "":
		return v.category
	case v.phish:
		return VerdictPhish
	case v.spam:
		return VerdictSpam
	case v.bulk:
		return VerdictBulk
	case v.clean:
		return VerdictNotSpam
	}
	return VerdictUnknown
}

// pairs splits an unfolded "KEY:value;KEY:value;" list. Keys are upper
// case; a value may itself hold the separator (an IPv6 CIP), so only the
// first one splits. Empty parts are skipped.
func pairs(raw string, sep, kv byte) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(message.Unfold(raw), string(sep)) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, string(kv))
		out = append(out, [2]string{strings.ToUpper(strings.TrimSpace(k)), strings.TrimSpace(v)})
		if len(out) >= 100 {
			break
		}
	}
	return out
}
