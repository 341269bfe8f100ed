// Package shortener knows the public URL shortening services: a link
// through one hides where it leads, so filters count it against a message
// and a reader cannot see the destination before clicking. The
// deliverability checks report such links to the sender; the phishing
// checks can use the same list.
//
// The list is a short, hand-picked part of the url_shortener entries of
// Apache SpamAssassin's rules/25_url_shortener.cf ("generic list of likely
// active services", cleaned up by its maintainers on 2022-05-25, with the
// additions of 2023), Apache License 2.0: the general-purpose services a
// marketing tool or a person is likely to use. Services of one brand for
// its own pages (youtu.be, amzn.to, doi.org) are left out: they say where
// they lead. Nothing is ever looked up or fetched.
package shortener

import "strings"

// Source names where the list comes from, for a report or a README.
const Source = "Apache SpamAssassin rules/25_url_shortener.cf (list cleaned up 2022-05-25, additions of 2023)"

// hosts are shorteners matched by name exactly (a "www." in front is
// allowed); suffixes match any name under them (a shortener that gives
// each customer a subdomain).
var (
	hosts = []string{
		"bit.do", "bit.ly", "bitly.com", "bitly.ws", "clck.ru", "cli.re", "cutt.ly",
		"dlvr.it", "eepurl.com", "goo.gl", "gplinks.in", "grabify.link", "han.gl", "hyperurl.co",
		"is.gd", "j.mp", "lnkd.in", "ouo.io", "ow.ly", "owl.li", "qrcd.org", "rb.gy", "s.id",
		"shar.es", "shorturl.asia", "shorturl.at", "smarturl.it", "snip.ly", "t.co", "t.ly",
		"tiny.cc", "tiny.one", "tinylink.in", "tinyurl.com", "trib.al", "u.to", "urlz.at",
		"v.gd", "x.co",
	}
	suffixes = []string{"app.link", "page.link", "short.gy"}
)

// Match says whether host (a URL's host name, any case, with or without
// a port or a final dot) is a known shortener, and which entry matched.
func Match(host string) (entry string, ok bool) {
	h := strings.ToLower(strings.TrimSuffix(stripPort(host), "."))
	h = strings.TrimPrefix(h, "www.")
	for _, s := range hosts {
		if h == s {
			return s, true
		}
	}
	for _, s := range suffixes {
		if strings.HasSuffix(h, "."+s) {
			return "*." + s, true
		}
	}
	return "", false
}

// Hosts lists the entries, suffix entries written "*.name", for showing
// the list.
func Hosts() []string {
	out := make([]string, 0, len(hosts)+len(suffixes))
	out = append(out, hosts...)
	for _, s := range suffixes {
		out = append(out, "*."+s)
	}
	return out
}

func stripPort(host string) string {
	if strings.HasPrefix(host, "[") {
		return host
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.Count(host, ":") == 1 {
		return host[:i]
	}
	return host
}
