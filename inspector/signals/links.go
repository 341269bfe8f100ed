package signals

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/deliver"
	"github.com/mailinspector/mailinspector/inspector/internal/domain"
	"github.com/mailinspector/mailinspector/inspector/internal/text"
	"github.com/mailinspector/mailinspector/inspector/shortener"
)

// links raises the link signals: link_text_mismatch (HTML links only:
// their text is what the reader sees), link_shortener, link_ip_literal,
// and lookalike_domain and idn_mixed_script for the link's host.
func (j *judge) links(links []deliver.Link) {
	for _, lk := range links {
		href := strings.TrimSpace(lk.URL)
		host, mailto := linkHost(href)
		if host == "" {
			continue
		}
		ev := "link " + text.Clip(href, 200)
		if lk.HTML && lk.Text != "" {
			ev = fmt.Sprintf("link %q to %s", text.Clip(lk.Text, 80), text.Clip(href, 200))
		}
		if ip, ok := ipLiteral(host); ok {
			j.l.add(LinkIPLiteral, fmt.Sprintf("A link goes to the bare address %s, not to a named site: genuine senders link to their own domain.", ip), ev)
			continue
		}
		if entry, ok := shortener.Match(host); ok && !mailto {
			j.l.add(LinkShortener, fmt.Sprintf("A link goes through the URL shortener %s, which hides where it leads until it is clicked.", entry), ev)
		}
		if p, how, weak := j.imitates(host); how != "" {
			j.lookalike("A link's domain", domain.Normalize(host), p, how, weak, ev)
		}
		j.idn("A link's domain", host, ev)
		if lk.HTML {
			j.mismatch(lk.Text, host, mailto, ev)
		}
	}
}

// linkHost is the host a link goes to, lower case: a web link's host, or
// a mailto link's domain (mailto true); "" for other links and relative
// ones.
func linkHost(href string) (host string, mailto bool) {
	u, err := url.Parse(href)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), false
	case "mailto":
		addr := u.Opaque
		if addr == "" {
			addr = u.Path
		}
		if i := strings.IndexAny(addr, "?,"); i >= 0 {
			addr = addr[:i]
		}
		if a, err := url.PathUnescape(addr); err == nil {
			addr = a
		}
		return domain.OfAddress(addr), true
	}
	return "", false
}

// ipLiteral says whether a link's host is an IP address, in any form a
// browser takes for one: dotted or bracketed, or a single decimal or
// hexadecimal number (http://3232235777/).
func ipLiteral(host string) (string, bool) {
	h := strings.Trim(host, "[]")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.String(), true
	}
	base := 10
	digits := h
	if strings.HasPrefix(h, "0x") {
		base, digits = 16, h[2:]
	}
	if digits == "" || strings.Contains(digits, ".") {
		return "", false
	}
	if n, err := strconv.ParseUint(digits, base, 32); err == nil {
		return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).String() + " (written " + host + ")", true
	}
	return "", false
}

// mismatch raises link_text_mismatch for an HTML link whose visible text
// shows another host (or, for mailto, another domain) than where it goes.
// Hosts compare in lower case and ASCII form, a leading "www." ignored.
func (j *judge) mismatch(visible, host string, mailto bool, ev string) {
	shown, _ := shownDomain(visible)
	if shown == "" || sameHost(shown, host) {
		return
	}
	kind, goes := "a link shows", "goes to"
	if mailto {
		kind, goes = "an e-mail link shows", "writes to an address at"
	}
	msg := fmt.Sprintf("%s %s but %s %s.", capital(kind), unicodeForm(shown), goes, unicodeForm(host))
	switch {
	case domain.SameOrg(shown, host):
		j.l.lowered(LinkTextMismatch, Low, msg, "Both belong to the same organisation, so this is probably only another of its addresses.", ev)
	case j.passedDMARC() && (domain.SameOrg(host, j.fromDomain) || contains(orgs(j.in.DKIMPass), domain.OrgOrSelf(host))):
		j.l.lowered(LinkTextMismatch, Low, msg, "The link goes through the authenticated sender's own domain first (a click-tracking redirect, as newsletters use); "+
			"where it leads after that cannot be seen without following it.", ev)
	default:
		j.l.add(LinkTextMismatch, msg+" A link that shows one address and opens another is how phishing gets a click.", ev)
	}
}

// sameHost compares two host names as a reader would.
func sameHost(a, b string) bool {
	na := strings.TrimPrefix(domain.Normalize(a), "www.")
	nb := strings.TrimPrefix(domain.Normalize(b), "www.")
	return na == nb
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
