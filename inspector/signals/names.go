package signals

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"

	"github.com/mailinspector/mailinspector/inspector/internal/domain"
)

// displayName raises display_name_address and display_name_brand.
func (j *judge) displayName() {
	name := j.from.DisplayName()
	if name == "" || j.fromDomain == "" {
		return
	}
	evidence := "From: " + name + " <" + j.from.Address + ">"
	// A mailing list that rewrites the From (for DMARC) often names the
	// author's address in the display name ("alice@example.org via
	// Team"): the list, not an impostor, wrote it.
	viaList := j.in.Message.First("List-Id") != nil && strings.Contains(strings.ToLower(name), " via ")
	var named []string // organisations the name shows
	for _, tok := range strings.FieldsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`<>()[]"',;`, r)
	}) {
		d, isAddr := shownDomain(tok)
		if d == "" || domain.SameOrg(d, j.fromDomain) {
			continue
		}
		named = append(named, domain.OrgOrSelf(d))
		what := "the domain " + d
		if isAddr {
			what = "the address " + strings.Trim(tok, ".:!?")
		}
		text := fmt.Sprintf("The sender's name shows %s, but the message is from %s, another organisation: "+
			"a mail program that shows only the name hides the real sender.", what, j.from.Address)
		if viaList {
			j.l.lowered(DisplayNameAddress, Low, text, "The message came through a mailing list that names the original author this way.", evidence)
			continue
		}
		j.l.add(DisplayNameAddress, text, evidence)
	}
	nameKey := key(name)
	for _, b := range Brands {
		if !b.namedIn(nameKey) || b.owns(j.fromDomain) || b.ownsAny(named) {
			continue
		}
		text := fmt.Sprintf("The sender's name says %s, but the message is from %s, which is not one of %s's domains (%s sends from %s).",
			quote(name), j.from.Address, b.Name, b.Name, strings.Join(b.Domains[:min(3, len(b.Domains))], ", "))
		if signer := b.ownerOf(j.in.DKIMPass); signer != "" && j.passedDMARC() {
			j.l.lowered(DisplayNameBrand, Medium, text, "It is signed by "+signer+", a domain of "+b.Name+", so it may come from a service "+b.Name+" uses.", evidence)
			continue
		}
		j.l.add(DisplayNameBrand, text, evidence)
	}
}

// namedIn says whether a display name (as its key) names the brand, by
// one of its words standing as a word of its own.
func (b Brand) namedIn(nameKey string) bool {
	keys := brandWordKeys()
	for _, w := range b.Words {
		k, ok := keys[w]
		if !ok {
			k = key(w)
		}
		if hasWord(nameKey, k) {
			return true
		}
	}
	return false
}

// brandWordKeys are the keys of the brands' words, made once per process:
// every message's display name is compared with all of them.
var brandWordKeys = sync.OnceValue(func() map[string]string {
	keys := map[string]string{}
	for _, b := range Brands {
		for _, w := range b.Words {
			keys[w] = key(w)
		}
	}
	return keys
})

// owns says whether d belongs to one of the brand's organisations.
func (b Brand) owns(d string) bool {
	org := domain.OrgOrSelf(d)
	for _, bd := range b.Domains {
		if org != "" && domain.OrgOrSelf(bd) == org {
			return true
		}
	}
	return false
}

func (b Brand) ownsAny(ds []string) bool {
	for _, d := range ds {
		if b.owns(d) {
			return true
		}
	}
	return false
}

// ownerOf returns the first of ds that the brand owns, or "".
func (b Brand) ownerOf(ds []string) string {
	for _, d := range ds {
		if b.owns(d) {
			return d
		}
	}
	return ""
}

// hasWord says whether w stands in s with no letter or digit right before
// or after it.
func hasWord(s, w string) bool {
	if w == "" {
		return false
	}
	for i := 0; ; {
		k := strings.Index(s[i:], w)
		if k < 0 {
			return false
		}
		k += i
		before, _ := utf8.DecodeLastRuneInString(s[:k])
		after, _ := utf8.DecodeRuneInString(s[k+len(w):])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = k + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// shownDomain reads the domain that a piece of text shows: an address
// ("service@paypal.com", isAddr true), a URL or a bare host with an
// optional path ("www.paypal.com/login"). It gives "" for text that shows
// none, such as "Click here" or "Mr.Smith" (no real public suffix).
func shownDomain(s string) (d string, isAddr bool) {
	s = strings.TrimRight(strings.TrimSpace(s), ".,;:!?")
	s = strings.TrimPrefix(strings.TrimSuffix(s, ">"), "<")
	if s == "" || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "", false
	}
	if strings.HasPrefix(strings.ToLower(s), "mailto:") {
		s = s[len("mailto:"):]
	}
	if at := strings.LastIndexByte(s, '@'); at > 0 && !strings.Contains(s, "/") {
		d = domain.OfAddress(s)
		if realDomain(d) {
			return d, true
		}
		return "", false
	}
	host := s
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", false
		}
		host = u.Hostname()
	} else {
		if i := strings.IndexAny(host, "/?#"); i >= 0 {
			host = host[:i]
		}
		if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host, "]") {
			host = host[:i]
		}
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if realDomain(host) {
		return host, false
	}
	return "", false
}

// realDomain says whether d is a domain name with at least two labels
// under a listed public suffix (or the reserved "example" names of RFC
// 2606), not an IP address.
func realDomain(d string) bool {
	if !strings.Contains(d, ".") || domain.Check(d) != nil {
		return false
	}
	ascii, _ := domain.ToASCII(d)
	if _, ok := domain.Org(ascii); !ok {
		return false
	}
	suffix, icann := publicsuffix.PublicSuffix(ascii)
	return icann || strings.Contains(suffix, ".") || suffix == "example"
}

// domains raises lookalike_domain and idn_mixed_script for the From and
// Reply-To domains.
func (j *judge) domains() {
	if j.fromDomain != "" {
		ev := "From: " + j.from.Address
		if p, how, weak := j.imitates(j.fromDomain); how != "" {
			j.lookalike("The sender's domain", j.fromDomain, p, how, weak, ev)
			if p.known && !weak {
				j.lookalikeFrom = p.org
			}
		}
		j.idn("The sender's domain", j.fromDomain, ev)
	}
	if f := j.in.Message.First("Reply-To"); f != nil {
		mb := firstMailbox(j.in.Message, "Reply-To")
		if d := domain.Normalize(domain.OfAddress(mb.Address)); d != "" {
			ev := "Reply-To: " + mb.Address
			if p, how, weak := j.imitates(d); how != "" {
				j.lookalike("The reply address's domain", d, p, how, weak, ev)
			}
			j.idn("The reply address's domain", d, ev)
		}
	}
}

// lookalike raises lookalike_domain for d, which imitates p; lowered to
// medium when the resemblance is weak.
func (j *judge) lookalike(what, d string, p protected, how string, weak bool, evidence string) {
	text := fmt.Sprintf("%s %s imitates %s (%s): %s.", what, unicodeForm(d), p.org, p.why, how)
	if weak {
		j.l.lowered(LookalikeDomain, Medium, text, p.label+" is also a common word, so this may be an unrelated organisation.", evidence)
		return
	}
	j.l.add(LookalikeDomain, text, evidence)
}

// idn raises idn_mixed_script for a label of d that mixes scripts beyond
// UTS #39's Highly Restrictive level, or that is written in another
// script or with accents and looks like a protected name.
func (j *judge) idn(what, d, evidence string) {
	ascii, ok := domain.ToASCII(d)
	if !ok {
		return
	}
	shown := unicodeForm(ascii)
	if shown == ascii {
		return // no label is internationalised
	}
	for _, label := range strings.Split(shown, ".") {
		if strings.IndexFunc(label, func(r rune) bool { return r >= utf8.RuneSelf }) < 0 {
			continue
		}
		scs := scripts(label)
		if !highlyRestrictive(scs) {
			j.l.add(IDNMixedScript, fmt.Sprintf("%s %s mixes %s letters in the name %s, as look-alike domains do; its ASCII form is %s.",
				what, shown, strings.Join(scs, " and "), label, ascii), evidence+" ("+shown+" = "+ascii+")")
			return
		}
		k := key(label)
		for _, p := range j.protected {
			if k == p.key && label != p.label {
				j.l.add(IDNMixedScript, fmt.Sprintf("%s %s is written with look-alike letters (%s) and shows like %s (%s); its ASCII form is %s.",
					what, shown, strings.Join(scs, ", "), p.label, p.org, ascii), evidence+" ("+shown+" = "+ascii+")")
				return
			}
		}
	}
}
