package received

import (
	"regexp"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// RFC 5321 section 4.4 has every SMTP server add a Received field when it
// takes a message from another host. Programs that are not SMTP servers
// write fields of the same form: a mail retriever, the local submission
// program, a content filter that hands the message back to its server, a
// list server reading its spool. Such a field (Received.NotHop) names no
// host that connected, so it can never be where a message entered; some of
// them name an address all the same (fetchmail writes the POP server's).

// notHopRules are tried in order; the first that recognises the field says
// why it is not a hop.
var notHopRules = []func(cl *clauses, from *clause, r *Received) string{
	qmailQueue, retrieval, filterPass, localProgram, localUser, pickupDirectory, internalChannel,
}

// notHop says why the field, read into r, records no hand-off between two
// hosts, or "" when it does or may.
func notHop(cl *clauses, from *clause, r *Received) string {
	for _, rule := range notHopRules {
		if why := rule(cl, from, r); why != "" {
			return why
		}
	}
	return ""
}

// qmailQueue: "(qmail 1234 invoked by uid 89)", "(qmail 1234 invoked from
// network)": qmail-queue's record of taking the message, after its SMTP
// server or from a local program.
func qmailQueue(cl *clauses, _ *clause, _ *Received) string {
	if pre := cl.byName[""]; cl.byName["from"] == nil && cl.byName["by"] == nil && pre != nil && isQmailLocal(pre) {
		return "qmail's record of putting the message in its queue (\"invoked from network\" after its SMTP server, \"invoked by uid\" for a local program): no host is named."
	}
	return ""
}

var (
	// retrievalProtocols are those of a client fetching a mailbox, as
	// fetchmail names them in "with".
	retrievalProtocols = regexp.MustCompile(`^(?i)(POP[23]?|APOP|RPOP|KPOP|SDPS|IMAP4?|IMAPS)$`)
	// filterNames are the "with" words of content filters that give the
	// message back to their server: "qmail-scanner-1.24", "scanned-ok"
	// (amavis), "ctyme-spam-scanned", "SpamAssassin".
	filterNames = regexp.MustCompile(`(?i)scan|spamassassin|amavis`)
	// localProtocols are Exim's for a message from a local program: "with
	// local", "with local-esmtp", and batch SMTP read from a file.
	localProtocols = regexp.MustCompile(`^(?i)(local(-[a-z]+)?|BSMTP)$`)
)

// retrieval: "from pop.example.com [192.0.2.1] by localhost with POP3
// (fetchmail-6.4.0)": fetchmail collected the message from a mailbox; the
// address is the server it connected to, not a client.
func retrieval(cl *clauses, _ *clause, r *Received) string {
	if retrievalProtocols.MatchString(r.With) || anyComment(cl, "fetchmail") {
		return "A mailbox retrieval (with " + clip(r.With) + "): a program such as fetchmail collected the message from a mail server; the address it names is that server's, and nothing connected from it."
	}
	return ""
}

// filterPass: "from amavis by mx.example.org with scanned-ok", "by host by
// uid 502 with qmail-scanner-1.20".
func filterPass(_ *clauses, _ *clause, r *Received) string {
	if filterNames.MatchString(r.With) {
		return "A content filter's pass (with " + clip(r.With) + "): a scanner on the receiving system handed the message back to its mail server."
	}
	return ""
}

// localProgram: Exim's "with local" and Postfix's "(Postfix, from userid
// 1000)": a program on the receiving host submitted the message.
func localProgram(cl *clauses, _ *clause, r *Received) string {
	switch {
	case localProtocols.MatchString(r.With):
		return "A local submission (with " + clip(r.With) + "): a program on the receiving system gave the message to its mail server; no host connected."
	case anyComment(cl, "from userid"):
		return "A local submission (from a user id): a program on the receiving system gave the message to its mail server; no host connected."
	}
	return ""
}

// localUser: Sendmail's "(from alice@localhost) by host", AOL's "from
// alice@aol.com by host": the from clause names a mailbox, not a host.
func localUser(_ *clauses, from *clause, r *Received) string {
	if from == nil || r.FromIP.IsValid() {
		return ""
	}
	if v, ok := from.value(); ok && v.kind == word && strings.Contains(v.text, "@") {
		return "A local submission by the user " + clip(v.text) + ": the \"from\" clause names a mailbox, not a host."
	}
	return ""
}

// pickupDirectory: "from mail pickup service by host with Microsoft
// SMTPSVC": Microsoft's servers read a message a program left in a folder.
func pickupDirectory(_ *clauses, from *clause, _ *Received) string {
	if from != nil && strings.EqualFold(strings.Join(from.words(), " "), "mail pickup service") {
		return "Microsoft's pickup directory: a program on the server left the message in a folder; no host connected."
	}
	return ""
}

// internalChannel: a list server's spool ("with spool id", LISTSERV;
// "from spooler", Mercury) and the channels of Sun's and Oracle's
// messaging server ("from conversion-daemon.host", "autoreply-daemon",
// "pmxchannel-daemon"): the message passed between processes of one
// system.
func internalChannel(_ *clauses, from *clause, r *Received) string {
	name := ""
	if from != nil {
		if v, ok := from.value(); ok {
			name = strings.ToLower(v.text)
		}
	}
	label, _, _ := strings.Cut(name, ".")
	if strings.EqualFold(r.With, "spool") || name == "spooler" || strings.HasSuffix(label, "-daemon") {
		return "A hand-off between processes of one mail system (a list server's spool, or an internal channel): no host connected."
	}
	return ""
}

// anyComment reports whether a comment of the field contains s, in any
// case.
func anyComment(cl *clauses, s string) bool {
	for _, c := range cl.all {
		for _, cm := range c.comments() {
			if strings.Contains(strings.ToLower(cm), s) {
				return true
			}
		}
	}
	return false
}

// clip shortens what a field wrote for quoting in a sentence.
func clip(s string) string {
	return text.Clip(s, 60)
}
