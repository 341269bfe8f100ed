package deliver

// providerRule is a rule as one provider lists it.
type providerRule struct {
	id, level, note string
}

type provider struct {
	name, source string
	rules        []providerRule
}

const (
	orNote   = "Every sender needs SPF or DKIM to pass; bulk senders need both (spf_and_dkim_pass)."
	bothNote = "Required of domains sending more than 5,000 messages a day to Outlook.com, Hotmail and Live addresses; " +
		"non-compliant mail goes to Junk, and may later be rejected (550 5.7.515)."
)

// providers are the requirements as published, newest wording read in
// 2025. Gmail: "Email sender guidelines" (support.google.com/a/answer/81126)
// and its FAQ, in force from 1 February 2024, TLS added December 2023, the
// DKIM key length from the same guidelines. Yahoo: "Sender Best Practices"
// (senders.yahooinc.com/best-practices), in force from February 2024.
// Outlook.com: "Strengthening Email Ecosystem: Outlook's New Requirements
// for High-Volume Senders" (Microsoft Defender for Office 365 blog, Tech
// Community, 2 April 2025), enforced from 5 May 2025.
var providers = []provider{
	{name: "gmail",
		source: "Google, Email sender guidelines (support.google.com/a/answer/81126) and its FAQ: in force since 1 February 2024; TLS added December 2023",
		rules: []providerRule{
			{"spf_pass", AllSenders, orNote},
			{"dkim_pass", AllSenders, orNote},
			{"spf_and_dkim_pass", BulkSenders, ""},
			{"dmarc_record", BulkSenders, "Any policy will do, p=none included."},
			{"dmarc_aligned", BulkSenders, "For direct mail; forwarded and mailing-list mail needs ARC instead."},
			{"dmarc_pass", BulkSenders, ""},
			{"ptr_fcrdns", AllSenders, ""},
			{"tls", AllSenders, ""},
			{"one_click_unsubscribe", BulkSenders, "Marketing and subscribed messages."},
			{"unsubscribe_link", BulkSenders, "A clearly visible link in the body, besides the one-click header."},
			{"single_header_instances", AllSenders, "Format messages according to RFC 5322."},
			{"message_id", AllSenders, "Format messages according to RFC 5322."},
			{"key_size", AllSenders, "Gmail treats mail signed with a shorter key as unsigned; it recommends 2048 bits."},
			{"no_gmail_from", AllSenders, "Gmail applies a DMARC quarantine policy to gmail.com From addresses."},
		}},
	{name: "yahoo",
		source: "Yahoo, Sender Best Practices (senders.yahooinc.com/best-practices): in force since February 2024",
		rules: []providerRule{
			{"spf_pass", AllSenders, orNote},
			{"dkim_pass", AllSenders, orNote},
			{"spf_and_dkim_pass", BulkSenders, ""},
			{"dmarc_record", BulkSenders, "At least p=none."},
			{"dmarc_aligned", BulkSenders, "Relaxed alignment is enough."},
			{"dmarc_pass", BulkSenders, ""},
			{"ptr_fcrdns", AllSenders, "Valid forward and reverse DNS for the sending IPs."},
			{"one_click_unsubscribe", BulkSenders, "Marketing and subscribed messages; unsubscribes honoured within 2 days."},
			{"unsubscribe_link", BulkSenders, "A clearly visible link in the body."},
			{"single_header_instances", AllSenders, "Comply with RFC 5321 and RFC 5322."},
			{"message_id", AllSenders, "Comply with RFC 5321 and RFC 5322."},
		}},
	{name: "outlook",
		source: "Microsoft, Strengthening Email Ecosystem: Outlook's New Requirements for High-Volume Senders (Tech Community blog, 2 April 2025): enforced from 5 May 2025",
		rules: []providerRule{
			{"spf_pass", BulkSenders, bothNote},
			{"dkim_pass", BulkSenders, bothNote},
			{"spf_and_dkim_pass", BulkSenders, bothNote},
			{"dmarc_record", BulkSenders, "At least p=none; p=reject is recommended."},
			{"dmarc_aligned", BulkSenders, "Aligned with SPF or DKIM, preferably both."},
			{"dmarc_pass", BulkSenders, ""},
			{"unsubscribe_link", Recommended, "A functional unsubscribe link is among the recommended practices."},
		}},
}
