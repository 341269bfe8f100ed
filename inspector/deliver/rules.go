package deliver

import (
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/dkim"
	"github.com/mailinspector/mailinspector/inspector/dmarc"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/internal/text"
	"github.com/mailinspector/mailinspector/inspector/message"
	"github.com/mailinspector/mailinspector/inspector/result"
)

// ruleFuncs evaluate each rule id.
var ruleFuncs = map[string]func(*eval) Rule{
	"spf_pass":                (*eval).spfPass,
	"dkim_pass":               (*eval).dkimPass,
	"spf_and_dkim_pass":       (*eval).spfAndDKIM,
	"dmarc_record":            (*eval).dmarcRecord,
	"dmarc_aligned":           (*eval).dmarcAligned,
	"dmarc_pass":              (*eval).dmarcPass,
	"ptr_fcrdns":              (*eval).ptr,
	"tls":                     (*eval).tls,
	"one_click_unsubscribe":   (*eval).oneClick,
	"unsubscribe_link":        (*eval).unsubscribeLink,
	"single_header_instances": (*eval).singleInstances,
	"message_id":              (*eval).messageID,
	"key_size":                (*eval).keySize,
	"no_gmail_from":           (*eval).noGmailFrom,
}

// undetermined is true for results that say a check could not be made.
func undetermined(r result.Result) bool {
	return r == result.TempError || r == "" || r == result.None
}

func (e *eval) spfPass() Rule {
	s := e.in.SPF
	if s == nil {
		return Rule{Result: Unknown, Reason: "SPF was not evaluated."}
	}
	ev := spfEvidence(s.Result, s.Domain, s.ClientIP.String(), s.Mechanism, s.MechanismDomain)
	if s.Tree != nil && s.Tree.Record != "" {
		ev += "; TXT " + s.Tree.Domain + ": " + text.Clip(s.Tree.Record, 300)
	}
	switch {
	case s.Result == result.Pass:
		return Rule{Result: Pass, Evidence: ev, Reason: fmt.Sprintf("SPF passes: %s allows %s to send its mail.", s.Domain, s.ClientIP)}
	case !s.ClientIP.IsValid() || s.Result == result.TempError:
		return Rule{Result: Unknown, Evidence: ev, Reason: s.Reason}
	case s.Result == result.None:
		return Rule{Result: Fail, Evidence: ev, Reason: s.Reason,
			Fix: fmt.Sprintf("Publish an SPF record at %s (the domain of the Return-Path) that lists your sending servers, e.g. \"v=spf1 include:<your ESP's SPF domain> -all\".", orUnknown(s.Domain))}
	}
	return Rule{Result: Fail, Evidence: ev, Reason: s.Reason,
		Fix: fmt.Sprintf("Add the server %s (or your ESP's SPF include) to the SPF record of %s, or send through a server it already lists.", s.ClientIP, orUnknown(s.Domain))}
}

func spfEvidence(r result.Result, dom, ip, mech, mechDomain string) string {
	ev := fmt.Sprintf("SPF %s for %s from %s", r, orUnknown(dom), ip)
	if mech != "" {
		ev += fmt.Sprintf(", decided by %q in the record of %s", mech, mechDomain)
	}
	return ev
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown domain"
	}
	return s
}

// passing returns the passing DKIM signatures.
func (e *eval) passing() []*dkim.Result {
	var out []*dkim.Result
	for _, d := range e.in.DKIM {
		if d.Result == result.Pass {
			out = append(out, d)
		}
	}
	return out
}

func dkimEvidence(d *dkim.Result) string {
	ev := fmt.Sprintf("DKIM-Signature d=%s s=%s: %s", d.Domain, d.Selector, d.Result)
	if d.KeyBits > 0 {
		ev += fmt.Sprintf(" (%d-bit key)", d.KeyBits)
	}
	return ev
}

func (e *eval) dkimPass() Rule {
	if len(e.in.DKIM) == 0 {
		return Rule{Result: Fail, Evidence: "no DKIM-Signature field", Reason: "The message is not signed with DKIM.",
			Fix: fmt.Sprintf("Sign your mail with DKIM for your own domain (%s): set up DKIM at your ESP with d=%s and publish the key it gives you in DNS.",
				orUnknown(e.in.FromDomain), orUnknown(domain.OrgOrSelf(e.in.FromDomain)))}
	}
	if p := e.passing(); len(p) > 0 {
		return Rule{Result: Pass, Evidence: dkimEvidence(p[0]), Reason: fmt.Sprintf("The DKIM signature of %s verifies.", p[0].Domain)}
	}
	d := e.in.DKIM[0]
	for _, x := range e.in.DKIM {
		if !undetermined(x.Result) {
			d = x
			break
		}
	}
	if undetermined(d.Result) {
		return Rule{Result: Unknown, Evidence: dkimEvidence(d), Reason: d.Reason}
	}
	return Rule{Result: Fail, Evidence: dkimEvidence(d), Reason: d.Reason,
		Fix: "Make the DKIM signature verify: publish the key the signer uses at " + d.Selector + "._domainkey." + d.Domain +
			", and make sure nothing changes the message after signing."}
}

func (e *eval) spfAndDKIM() Rule {
	s, d := e.spfPass(), e.dkimPass()
	ev := s.Evidence + "; " + d.Evidence
	switch {
	case s.Result == Pass && d.Result == Pass:
		return Rule{Result: Pass, Evidence: ev, Reason: "Both SPF and DKIM pass."}
	case s.Result == Fail || d.Result == Fail:
		var broken []string
		var fixes []string
		for _, r := range []struct {
			name string
			r    Rule
		}{{"SPF", s}, {"DKIM", d}} {
			if r.r.Result == Fail {
				broken = append(broken, r.name)
				fixes = append(fixes, r.r.Fix)
			}
		}
		return Rule{Result: Fail, Evidence: ev, Reason: "Bulk senders need both SPF and DKIM to pass; " + strings.Join(broken, " and ") + " does not.",
			Fix: strings.Join(fixes, " ")}
	}
	return Rule{Result: Unknown, Evidence: ev, Reason: "Whether both SPF and DKIM pass could not be told: " + strings.TrimSuffix(s.Reason, ".") + "; " + d.Reason}
}

func (e *eval) dmarcRecord() Rule {
	d := e.in.DMARC
	switch {
	case d == nil:
		return Rule{Result: Unknown, Reason: "DMARC was not evaluated."}
	case d.Record != "":
		ev := "TXT " + d.RecordDomain + ": " + text.Clip(d.Record, 300)
		if d.Result == result.PermError {
			return Rule{Result: Fail, Evidence: ev, Reason: d.Reason, Fix: "Fix the DMARC record at " + d.RecordDomain + " so that it parses: v=DMARC1; p=none; rua=mailto:you@" + d.OrgDomain + "."}
		}
		return Rule{Result: Pass, Evidence: ev, Reason: fmt.Sprintf("%s publishes a DMARC record (p=%s).", strings.TrimPrefix(d.RecordDomain, "_dmarc."), d.P)}
	case d.Domain == "" || d.Result == result.TempError:
		return Rule{Result: Unknown, Reason: d.Reason}
	case d.Code == dmarc.CodeMultipleRecords:
		return Rule{Result: Fail, Evidence: d.RecordDomain, Reason: d.Reason, Fix: "Keep exactly one DMARC record at " + d.RecordDomain + "."}
	}
	org := domain.OrgOrSelf(d.Domain)
	return Rule{Result: Fail, Evidence: "no DMARC record at _dmarc." + d.Domain + orgName(d.Domain), Reason: d.Reason,
		Fix: fmt.Sprintf("Publish a DMARC record: TXT at _dmarc.%s with \"v=DMARC1; p=none; rua=mailto:dmarc-reports@%s\" (p=none is enough for these rules; move to quarantine or reject once reports show all your mail passes).", org, org)}
}

func orgName(d string) string {
	if org := domain.OrgOrSelf(d); org != d {
		return " or _dmarc." + org
	}
	return ""
}

func (e *eval) dmarcAligned() Rule {
	d := e.in.DMARC
	if d == nil || d.Domain == "" {
		return Rule{Result: Unknown, Reason: "The From domain is unknown, so alignment cannot be judged."}
	}
	for _, a := range d.Alignment {
		if a.Aligned {
			return Rule{Result: Pass, Evidence: fmt.Sprintf("%s %s: %s, aligned with From %s", a.Identifier, a.Domain, a.Result, d.Domain), Reason: a.Why + "."}
		}
	}
	var rows []string
	undecided := true
	for _, a := range d.Alignment {
		rows = append(rows, fmt.Sprintf("%s %s: %s", a.Identifier, orUnknown(a.Domain), a.Result))
		if !undetermined(a.Result) {
			undecided = false
		}
	}
	ev := strings.Join(rows, "; ")
	if undecided && len(rows) > 0 {
		return Rule{Result: Unknown, Evidence: ev, Reason: "No SPF or DKIM result could be had, so alignment cannot be judged."}
	}
	org := domain.OrgOrSelf(d.Domain)
	return Rule{Result: Fail, Evidence: ev, Reason: fmt.Sprintf("No passing SPF or DKIM identifier belongs to %s's organisation (%s), so DMARC cannot pass.", d.Domain, org),
		Fix: fmt.Sprintf("Sign with DKIM as d=%s (a custom signing domain at your ESP), or use a Return-Path (bounce) domain under %s so that SPF aligns.", org, org)}
}

func (e *eval) dmarcPass() Rule {
	d := e.in.DMARC
	switch {
	case d == nil:
		return Rule{Result: Unknown, Reason: "DMARC was not evaluated."}
	case d.Result == result.Pass:
		return Rule{Result: Pass, Evidence: "DMARC pass for " + d.Domain, Reason: d.Reason}
	case d.Result == result.TempError || d.Domain == "":
		return Rule{Result: Unknown, Evidence: "DMARC " + string(d.Result), Reason: d.Reason}
	}
	rec, al := e.dmarcRecord(), e.dmarcAligned()
	return Rule{Result: Fail, Evidence: "DMARC " + string(d.Result) + " for " + d.Domain, Reason: d.Reason, Fix: strings.TrimSpace(rec.Fix + " " + al.Fix)}
}

func (e *eval) ptr() Rule {
	rt := e.in.Delivery
	if rt == nil || !rt.ClientIP.IsValid() {
		return Rule{Result: Unknown, Reason: "The address of the server that handed the message to the recipient is unknown."}
	}
	f := rt.FCrDNS
	if f == nil {
		return Rule{Result: Unknown, Evidence: "client " + rt.ClientIP.String(), Reason: "The reverse DNS of " + rt.ClientIP.String() + " was not checked."}
	}
	ev := "PTR " + f.IP.String() + ": " + orNone(strings.Join(f.Names, ", "))
	if len(f.Confirmed) > 0 {
		ev += "; " + f.Confirmed[0] + " resolves back to " + f.IP.String()
	}
	switch f.Result {
	case result.Pass:
		return Rule{Result: Pass, Evidence: ev, Reason: f.Reason}
	case result.TempError:
		return Rule{Result: Unknown, Evidence: ev, Reason: f.Reason}
	}
	return Rule{Result: Fail, Evidence: ev, Reason: f.Reason,
		Fix: fmt.Sprintf("Ask whoever runs the sending server %s (your ESP or host) for a PTR record naming a host whose A or AAAA record points back to %s.", f.IP, f.IP)}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func (e *eval) tls() Rule {
	rt := e.in.Delivery
	if rt == nil || rt.Boundary < 0 || rt.Boundary >= len(e.in.Hops) {
		return Rule{Result: Unknown, Reason: "The hop at which the message entered the recipient's servers is unknown."}
	}
	h := e.in.Hops[rt.Boundary]
	ev := "Received: " + text.Clip(h.Raw, 300)
	switch {
	case h.Encrypted:
		how := "with TLS"
		if h.TLS != nil && h.TLS.Version != "" {
			how = "with " + h.TLS.Version
		}
		return Rule{Result: Pass, Evidence: ev, Reason: fmt.Sprintf("The hand-off from %s to %s was encrypted (%s).", h.From, h.By, how)}
	case h.With == "":
		return Rule{Result: Unknown, Evidence: ev, Reason: "The receiver's Received field does not say whether the hand-off was encrypted."}
	}
	return Rule{Result: Fail, Evidence: ev, Reason: fmt.Sprintf("The hand-off from %s to %s was not encrypted (%s, not ESMTPS).", h.From, h.By, h.With),
		Fix: "Make your sending server use STARTTLS when the receiving server offers it (your ESP's or MTA's TLS setting)."}
}

// oneClick is RFC 8058 section 3: an https URI in List-Unsubscribe,
// List-Unsubscribe-Post: List-Unsubscribe=One-Click, and a passing DKIM
// signature whose h= covers both (alignment is not needed).
func (e *eval) oneClick() Rule {
	m := e.in.Message
	lu, lup := m.First("List-Unsubscribe"), m.First("List-Unsubscribe-Post")
	var ev, missing, fixes []string
	gap := func(miss, fix string) { missing, fixes = append(missing, miss), append(fixes, fix) }
	https := false
	if lu != nil {
		v := message.Unfold(lu.RawValue())
		ev = append(ev, "List-Unsubscribe: "+text.Clip(v, 200))
		for _, u := range listURIs(v) {
			https = https || strings.HasPrefix(strings.ToLower(u), "https://")
		}
	}
	var post string
	if lup != nil {
		post = message.Unfold(lup.RawValue())
		ev = append(ev, "List-Unsubscribe-Post: "+text.Clip(post, 100))
	}
	switch {
	case lu == nil:
		gap("the message has no List-Unsubscribe field",
			"Add List-Unsubscribe: <https://your-domain/unsubscribe?id=…> (a URL that unsubscribes on a POST, without login).")
	case !https:
		gap("List-Unsubscribe has no https URI (a mailto: or http: one does not count)", "Put an https URI in List-Unsubscribe, in angle brackets.")
	}
	switch {
	case lup == nil:
		gap("List-Unsubscribe-Post is missing", "Add List-Unsubscribe-Post: List-Unsubscribe=One-Click.")
	case !strings.EqualFold(post, "List-Unsubscribe=One-Click"):
		gap(fmt.Sprintf("List-Unsubscribe-Post is %q, not List-Unsubscribe=One-Click", text.Clip(post, 60)),
			"Set List-Unsubscribe-Post to exactly List-Unsubscribe=One-Click.")
	}
	signed, undecided := "", false
	for _, d := range e.in.DKIM {
		if d.Result == result.Pass && covers(d, "List-Unsubscribe") && covers(d, "List-Unsubscribe-Post") {
			signed = d.Domain
			break
		}
		undecided = undecided || d.Result == result.TempError
	}
	if signed != "" {
		ev = append(ev, "signed by the DKIM signature of "+signed)
	} else if lu != nil || lup != nil {
		gap("no passing DKIM signature covers both List-Unsubscribe and List-Unsubscribe-Post in h=",
			"Sign both fields with DKIM: add list-unsubscribe:list-unsubscribe-post to the signature's h= (your ESP's DKIM setting).")
	}
	r := Rule{Evidence: strings.Join(ev, "; ")}
	switch {
	case len(missing) == 0:
		r.Result, r.Reason = Pass, "One-click unsubscribe works as RFC 8058 asks: an https List-Unsubscribe URI, List-Unsubscribe-Post: List-Unsubscribe=One-Click, both signed with DKIM."
		return r
	case e.bulk.Looks == "no":
		r.Result, r.Reason = NA, "It does not look like bulk mail ("+e.bulk.Why+"): one-click unsubscribe is asked of marketing and subscribed messages."
		return r
	case e.bulk.Looks == Unknown:
		r.Result, r.Reason = Unknown, "Whether this is marketing mail cannot be told: "+e.bulk.Why+"."
		return r
	case undecided && len(missing) == 1 && signed == "" && lu != nil && lup != nil && https:
		r.Result, r.Reason = Unknown, "The DKIM signatures could not be verified for now, so whether the fields are signed cannot be told."
		return r
	}
	r.Result = Fail
	r.Reason = "One-click unsubscribe (RFC 8058) is incomplete: " + strings.Join(missing, "; ") + "."
	r.Fix = strings.Join(fixes, " ")
	return r
}

// listURIs reads the <URI> list of a List-Unsubscribe field (RFC 2369).
func listURIs(v string) []string {
	var out []string
	for len(out) < 20 {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		out = append(out, strings.Join(strings.Fields(v[i+1:i+j]), ""))
		v = v[i+j+1:]
	}
	return out
}

// covers says whether the signature's h= names field.
func covers(d *dkim.Result, field string) bool {
	for _, h := range d.SignedHeaders {
		if strings.EqualFold(strings.TrimSpace(h), field) {
			return true
		}
	}
	return false
}

func (e *eval) unsubscribeLink() Rule {
	b := e.body
	switch {
	case b.Unsubscribe != nil:
		l := b.Unsubscribe
		where := "a URL in the text part"
		if l.HTML {
			where = "an HTML link"
		}
		return Rule{Result: Pass, Evidence: fmt.Sprintf("%s: %s (%q)", where, l.URL, l.Text), Reason: "The body has an unsubscribe link."}
	case e.bulk.Looks == "no":
		return Rule{Result: NA, Reason: "It does not look like bulk mail (" + e.bulk.Why + ")."}
	case !b.Read:
		return Rule{Result: Unknown, Reason: "Only the header is available: the body cannot be searched for an unsubscribe link."}
	}
	r := Rule{Result: Fail, Evidence: countLinks(len(b.Links)) + " in the body, none says unsubscribe or opt out",
		Reason: "The body has no visible unsubscribe link (a link whose text or URL says unsubscribe or opt out, in the common languages of marketing mail).",
		Fix:    "Put a clearly visible unsubscribe link in the body, e.g. at the foot: <a href=\"https://your-domain/unsubscribe?id=…\">Unsubscribe</a>."}
	if b.Truncated {
		r.Result = Unknown
		r.Reason = "No unsubscribe link in the part of the body read (the first 8 MiB, or what could be read before the check ran out of time)."
		r.Fix = ""
	}
	return r
}

// singleFields may stand at most once (RFC 5322 section 3.6).
var singleFields = []string{"From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "In-Reply-To", "References"}

func (e *eval) singleInstances() Rule {
	var twice []string
	for _, name := range singleFields {
		if n := len(e.in.Message.Get(name)); n > 1 {
			twice = append(twice, fmt.Sprintf("%s ×%d", name, n))
		}
	}
	if len(twice) == 0 {
		return Rule{Result: Pass, Evidence: "From, Sender, Reply-To, To, Cc, Bcc, Subject, Date, Message-ID, In-Reply-To, References: each at most once",
			Reason: "No field that RFC 5322 allows once stands twice."}
	}
	return Rule{Result: Fail, Evidence: strings.Join(twice, ", "),
		Reason: "RFC 5322 section 3.6 allows these fields once; " + strings.Join(twice, ", ") + ". Providers reject or distrust such messages (Gmail answers 5.7.1 or marks them).",
		Fix:    "Make the sending software write each of these fields once."}
}

func (e *eval) messageID() Rule {
	fs := e.in.Message.Get("Message-ID")
	if len(fs) == 0 {
		return Rule{Result: Fail, Evidence: "no Message-ID field", Reason: "The message has no Message-ID.",
			Fix: "Make the sending software add a Message-ID: <unique-id@your-domain>."}
	}
	v := message.Unfold(fs[0].RawValue())
	ev := "Message-ID: " + text.Clip(v, 200)
	if !WellFormedMessageID(v) {
		return Rule{Result: Fail, Evidence: ev, Reason: "The Message-ID is not of the form <left@right> of RFC 5322 section 3.6.4.",
			Fix: "Write the Message-ID as <unique-id@your-domain>, with no spaces, no second @ and nothing outside the angle brackets."}
	}
	return Rule{Result: Pass, Evidence: ev, Reason: "The message has a well-formed Message-ID."}
}

// WellFormedMessageID says whether v is a msg-id of RFC 5322 section
// 3.6.4: "<" id-left "@" id-right ">", id-left a dot-atom-text, id-right a
// dot-atom-text or a no-fold-literal ("[...]"), with optional white space
// around it (the obsolete forms are not accepted).
func WellFormedMessageID(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 5 || v[0] != '<' || v[len(v)-1] != '>' {
		return false
	}
	left, right, ok := strings.Cut(v[1:len(v)-1], "@")
	if !ok || !dotAtom(left) {
		return false
	}
	if strings.HasPrefix(right, "[") && strings.HasSuffix(right, "]") && len(right) >= 2 {
		for _, c := range []byte(right[1 : len(right)-1]) {
			if c < 33 || c > 126 || c == '[' || c == ']' || c == '\\' {
				return false
			}
		}
		return true
	}
	return dotAtom(right)
}

// dotAtom says whether s is a dot-atom-text (RFC 5322 section 3.2.3).
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

func (e *eval) keySize() Rule {
	for _, d := range e.in.DKIM {
		if d.Code == dkim.CodeKeyTooWeak {
			return Rule{Result: Fail, Evidence: dkimEvidence(d), Reason: fmt.Sprintf("The DKIM key of %s is %d bits: Gmail treats mail signed with a key under 1024 bits as unsigned.", d.Domain, d.KeyBits),
				Fix: "Publish a new 2048-bit RSA key under a new selector and sign with it."}
		}
	}
	p := e.passing()
	if len(p) == 0 {
		return Rule{Result: NA, Reason: "No DKIM signature passes, so no key is judged."}
	}
	var ev []string
	for _, d := range p {
		ev = append(ev, dkimEvidence(d))
		if d.Key != nil && d.Key.Type != "ed25519" && d.KeyBits > 0 && d.KeyBits < 1024 {
			return Rule{Result: Fail, Evidence: dkimEvidence(d), Reason: fmt.Sprintf("The DKIM key of %s is %d bits, under 1024.", d.Domain, d.KeyBits),
				Fix: "Publish a new 2048-bit RSA key under a new selector and sign with it."}
		}
	}
	return Rule{Result: Pass, Evidence: strings.Join(ev, "; "), Reason: "Every passing DKIM signature uses a key of at least 1024 bits (or Ed25519)."}
}

// gmailDomains are Gmail's own From domains.
var gmailDomains = []string{"gmail.com", "googlemail.com"}

func (e *eval) noGmailFrom() Rule {
	from := domain.Normalize(e.in.FromDomain)
	if from == "" {
		return Rule{Result: Unknown, Reason: "The From address could not be read."}
	}
	isGmail := false
	for _, g := range gmailDomains {
		isGmail = isGmail || from == g
	}
	if !isGmail {
		return Rule{Result: Pass, Evidence: "From: " + e.in.From, Reason: "The From address is not a gmail.com address."}
	}
	for _, d := range e.passing() {
		for _, g := range gmailDomains {
			if domain.Equal(d.Domain, g) {
				return Rule{Result: Pass, Evidence: dkimEvidence(d), Reason: "The From address is a Gmail address and the message was sent through Gmail (signed by " + d.Domain + ")."}
			}
		}
	}
	return Rule{Result: Fail, Evidence: "From: " + e.in.From + "; no passing DKIM signature of gmail.com",
		Reason: "The From address is a gmail.com address, but the message was not sent through Gmail: Gmail quarantines such mail under its DMARC policy.",
		Fix:    "Send from an address at your own domain (with SPF, DKIM and DMARC set up), not from a gmail.com address through another service."}
}
