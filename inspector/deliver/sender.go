package deliver

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/shortener"
)

// GmailClip is the size of HTML beyond which Gmail shows only the start of
// a message and a "[Message clipped] View entire message" link: 102 KB,
// counted here as 102 × 1024 bytes of decoded HTML.
const GmailClip = 102 * 1024

// senderChecks are the checks of the sender's point of view.
func (e *eval) senderChecks() []Rule {
	out := []Rule{e.shortenedLinks(), e.bounceHandling(), e.gmailClipping()}
	out[0].ID, out[1].ID, out[2].ID = "shortened_links", "bounce_handling", "gmail_clipping"
	return out
}

func (e *eval) shortenedLinks() Rule {
	b := e.body
	if !b.Read {
		return Rule{Result: Unknown, Reason: "Only the header is available: the body's links cannot be read."}
	}
	var found []string
	seen := map[string]bool{}
	for _, l := range b.Links {
		u, err := url.Parse(l.URL)
		if err != nil || u.Host == "" {
			continue
		}
		if entry, ok := shortener.Match(u.Host); ok && !seen[entry] {
			seen[entry] = true
			found = append(found, l.URL)
		}
	}
	if len(found) == 0 && b.Truncated {
		return Rule{Result: Unknown, Evidence: countLinks(len(b.Links)) + " in the part of the body read, none through a known URL shortener",
			Reason: "Only the start of the body was read, so a shortened link further on cannot be ruled out."}
	}
	if len(found) == 0 {
		return Rule{Result: Pass, Evidence: countLinks(len(b.Links)) + ", none through a known URL shortener",
			Reason: "No link goes through a public URL shortener (list: " + shortener.Source + ")."}
	}
	return Rule{Result: Fail, Evidence: strings.Join(found, ", "),
		Reason: "Links through public URL shorteners hide where they lead; spam filters count them against a message (SpamAssassin's URI_SHORTENER rules, for one), " +
			"and a shortener's domain shares the reputation of everyone who uses it.",
		Fix: "Link to your own domain, or to your ESP's tracking domain branded with your domain, instead of a public shortener."}
}

// espBounceDomains are the return-path domains of large ESPs, which
// handle bounces for their customers.
var espBounceDomains = []string{
	"amazonses.com", "sendgrid.net", "mailgun.org", "mcsv.net", "mcdlv.net", "rsgsv.net", "mandrillapp.com",
	"sparkpostmail.com", "mtasv.net", "mailjet.com", "cmail19.com", "cmail20.com", "mktomail.com", "bounces.google.com",
}

// bounceWords in a Return-Path's local part or first label show a bounce
// processor.
var bounceWords = []string{"bounce", "bnc", "return", "verp", "mailer", "msprvs", "prvs="}

func (e *eval) bounceHandling() Rule {
	rt := e.in.Delivery
	switch {
	case rt == nil:
		return Rule{Result: Unknown, Reason: "The route was not read."}
	case rt.NullSender:
		return Rule{Result: NA, Evidence: "Return-Path: <>", Reason: "The message has the null sender: it is itself a bounce or an automatic reply, which must not be bounced."}
	case rt.MailFrom == "":
		return Rule{Result: Unknown, Reason: "The envelope sender is unknown (the message has no Return-Path field)."}
	case e.bulk.Looks == "no":
		return Rule{Result: NA, Evidence: "Return-Path: <" + rt.MailFrom + ">", Reason: "It does not look like bulk mail; a person reads the bounces of their own mail."}
	}
	ev := "Return-Path: <" + rt.MailFrom + ">"
	local, dom, _ := strings.Cut(rt.MailFrom, "@")
	lower := strings.ToLower(local)
	firstLabel, _, _ := strings.Cut(strings.ToLower(dom), ".")
	for _, esp := range espBounceDomains {
		if domain.Within(dom, esp) {
			return Rule{Result: Pass, Evidence: ev, Reason: "Bounces go to " + esp + ", the bounce domain of an email service provider, which processes them."}
		}
	}
	switch {
	case strings.ContainsAny(local, "+="):
		return Rule{Result: Pass, Evidence: ev, Reason: "The Return-Path carries a per-message or per-recipient token (VERP): bounces are matched to the recipient automatically."}
	case containsAny(lower, bounceWords) || containsAny(firstLabel, bounceWords):
		return Rule{Result: Pass, Evidence: ev, Reason: "The Return-Path is a bounce address (" + rt.MailFrom + "): bounces go to a processor."}
	case len(local) >= 20 && strings.ContainsAny(local, "0123456789"):
		return Rule{Result: Pass, Evidence: ev, Reason: "The Return-Path's local part is a long unique token: bounces are matched to the message automatically."}
	}
	reason := "Bounces go to " + rt.MailFrom + ", an ordinary mailbox: nothing shows that they are processed, so addresses that no longer exist " +
		"stay on the list, and sending to them again and again harms the sender's reputation."
	if strings.EqualFold(rt.MailFrom, e.in.From) {
		reason = "Bounces go to the From address itself (" + rt.MailFrom + "): nothing shows that they are processed, so addresses that no longer exist " +
			"stay on the list, and sending to them again and again harms the sender's reputation."
	}
	return Rule{Result: Fail, Evidence: ev, Reason: reason,
		Fix: "Use your ESP's bounce handling: a Return-Path at a bounce subdomain of yours (e.g. bounces.your-domain) that the ESP processes, " +
			"with a per-recipient token, and remove addresses that bounce hard."}
}

func countLinks(n int) string {
	if n == 1 {
		return "1 link"
	}
	return fmt.Sprintf("%d links", n)
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func (e *eval) gmailClipping() Rule {
	b := e.body
	switch {
	case !b.Read:
		return Rule{Result: Unknown, Reason: "Only the header is available: the size of the HTML cannot be measured."}
	case !b.HasHTML && b.Truncated:
		return Rule{Result: Unknown, Reason: "No HTML part in the start of the body that was read."}
	case !b.HasHTML:
		return Rule{Result: NA, Reason: "The message has no HTML part."}
	}
	ev := fmt.Sprintf("HTML: %d bytes (%.1f KB) decoded; Gmail clips above 102 KB", b.HTMLBytes, float64(b.HTMLBytes)/1024)
	if b.HTMLBytes > GmailClip {
		return Rule{Result: Fail, Evidence: ev,
			Reason: "Gmail shows only the first 102 KB of the HTML and a \"[Message clipped] View entire message\" link: the rest, often the unsubscribe link and the footer, is hidden.",
			Fix:    "Make the HTML smaller: remove unused CSS and comments, inline less, move content to the web, and keep the unsubscribe link near the top of what Gmail shows."}
	}
	if b.Truncated {
		return Rule{Result: Unknown, Evidence: ev, Reason: "Only the start of the body was read (the first 8 MiB, or what could be read before the check ran out of time)."}
	}
	return Rule{Result: Pass, Evidence: ev, Reason: "The HTML is under the 102 KB at which Gmail clips a message."}
}
