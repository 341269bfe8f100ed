package spf

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Term is one directive or modifier of an SPF record.
type Term struct {
	// Text is the term as written, qualifier included.
	Text string `json:"text"`
	// Qualifier is "+", "-", "~" or "?" as written, or "" when none was
	// written (which means "+").
	Qualifier string `json:"qualifier,omitempty"`
	// Name is the mechanism or modifier name in lower case: all, include,
	// a, mx, ptr, ip4, ip6, exists, redirect, exp, or another modifier.
	Name string `json:"name"`
	// Value is what follows the ":" or "=" (the domain-spec, network and
	// prefix lengths), or "" when nothing does.
	Value string `json:"value,omitempty"`
	// Modifier is true for name=value terms.
	Modifier bool `json:"modifier,omitempty"`
}

// Record is an SPF record read term by term.
type Record struct {
	Text  string `json:"text"`
	Terms []Term `json:"terms"`
}

// SyntaxError says which term of a record breaks RFC 7208 section 12, and
// why. Any syntax error anywhere in a record makes the result permerror,
// even after a mechanism that matched (section 4.6).
type SyntaxError struct {
	Term   string // the term as written; "" for the record as a whole
	Reason string
}

func (e *SyntaxError) Error() string {
	if e.Term == "" {
		return e.Reason
	}
	return fmt.Sprintf("syntax error at %q: %s", e.Term, e.Reason)
}

// Mechanisms that need a DNS lookup, and so count against the limit of
// 10 (RFC 7208 section 4.6.4), with the redirect modifier.
var lookupTerms = map[string]bool{"include": true, "a": true, "mx": true, "ptr": true, "exists": true, "redirect": true}

// ParseRecord reads an SPF record ("v=spf1 ...") strictly by the grammar of
// RFC 7208 section 12. The error, a *SyntaxError, names the first term at
// fault.
func ParseRecord(text string) (*Record, error) {
	rec := &Record{Text: text}
	fields := strings.Split(text, " ")
	if len(fields) == 0 || !strings.EqualFold(fields[0], "v=spf1") {
		return rec, &SyntaxError{Reason: "the record does not start with \"v=spf1\""}
	}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		if f == "" {
			continue // several spaces between terms are allowed
		}
		t, err := parseTerm(f)
		if err != nil {
			return rec, err
		}
		if t.Name == "redirect" || t.Name == "exp" {
			if seen[t.Name] {
				return rec, &SyntaxError{f, "the " + t.Name + "= modifier appears more than once"}
			}
			seen[t.Name] = true
		}
		rec.Terms = append(rec.Terms, t)
	}
	return rec, nil
}

// Modifier returns the first term with the given modifier name, or nil.
func (r *Record) Modifier(name string) *Term {
	for i := range r.Terms {
		if r.Terms[i].Modifier && r.Terms[i].Name == name {
			return &r.Terms[i]
		}
	}
	return nil
}

// parseTerm reads one term of a record, a modifier (name=value) or a
// directive ([qualifier] mechanism), by the grammar of RFC 7208 section
// 12. Any error is a *SyntaxError naming the term.
func parseTerm(f string) (Term, error) {
	if err := checkPrintable(f); err != nil {
		return Term{}, err
	}
	if eq := strings.IndexByte(f, '='); eq > 0 && isModifierName(f[:eq]) {
		return parseModifier(f, eq)
	}
	t, name, arg := splitDirective(f)
	check := mechanismChecks[t.Name]
	if check == nil {
		return t, &SyntaxError{f, "\"" + name + "\" is not an SPF mechanism"}
	}
	if err := check(t.Name, arg); err != nil {
		return t, &SyntaxError{f, err.Error()}
	}
	return t, nil
}

// checkPrintable rejects a term with a byte that is not printable ASCII:
// the grammar of RFC 7208 section 12 allows no other between the spaces
// that separate terms.
func checkPrintable(f string) error {
	for i := 0; i < len(f); i++ {
		if f[i] < 0x21 || f[i] > 0x7e {
			what := "a non-ASCII character"
			if f[i] < 0x80 {
				what = fmt.Sprintf("the control character 0x%02x", f[i])
			}
			return &SyntaxError{f, "it contains " + what + ", and SPF records are printable ASCII"}
		}
	}
	return nil
}

// parseModifier reads the modifier f, whose "=" is at eq. redirect= and
// exp= take a domain-spec (RFC 7208 sections 6.1 and 6.2); any other
// modifier is ignored in evaluation (section 6) but its value must still
// be a macro-string (section 12).
func parseModifier(f string, eq int) (Term, error) {
	t := Term{Text: f, Modifier: true, Name: strings.ToLower(f[:eq]), Value: f[eq+1:]}
	var err error
	switch t.Name {
	case "redirect", "exp":
		if t.Value == "" {
			return t, &SyntaxError{f, "the " + t.Name + "= modifier needs a domain"}
		}
		err = checkDomainSpec(t.Value, false)
	default:
		err = checkMacroString(t.Value, false)
	}
	if err != nil {
		return t, &SyntaxError{f, err.Error()}
	}
	return t, nil
}

// splitDirective splits the directive f (RFC 7208 section 4.6.2) into its
// qualifier, its mechanism's name as written, and the argument after the
// name: "", ":" domain-spec, a "/" prefix length, or both.
func splitDirective(f string) (t Term, name, arg string) {
	t = Term{Text: f}
	rest := f
	if strings.ContainsRune("+-~?", rune(f[0])) {
		t.Qualifier, rest = f[:1], f[1:]
	}
	name = rest
	if i := strings.IndexAny(rest, ":/"); i >= 0 {
		name = rest[:i]
	}
	t.Name = strings.ToLower(name)
	arg = rest[len(name):]
	t.Value = strings.TrimPrefix(arg, ":")
	return t, name, arg
}

// mechanismChecks check the argument of each mechanism of RFC 7208
// section 5, given the mechanism's name in lower case and the argument.
var mechanismChecks = map[string]func(name, arg string) error{
	"all":     checkNoArg,      // section 5.1
	"include": checkDomainArg,  // section 5.2
	"a":       checkHostArg,    // section 5.3
	"mx":      checkHostArg,    // section 5.4
	"ptr":     checkPTRArg,     // section 5.5
	"ip4":     checkNetworkArg, // section 5.6
	"ip6":     checkNetworkArg, // section 5.6
	"exists":  checkDomainArg,  // section 5.7
}

// checkNoArg checks that "all" has nothing after its name.
func checkNoArg(name, arg string) error {
	if arg != "" {
		return errors.New("\"" + name + "\" takes no argument")
	}
	return nil
}

// checkDomainArg checks the ":" domain-spec that include and exists
// require.
func checkDomainArg(name, arg string) error {
	return checkColonDomain(arg, "\""+name+"\" needs a domain after a colon")
}

// checkPTRArg checks the optional ":" domain-spec of ptr.
func checkPTRArg(_, arg string) error {
	if arg == "" {
		return nil
	}
	return checkColonDomain(arg, "\"ptr\" takes only a domain after a colon")
}

// checkColonDomain checks ":" domain-spec; missing is the reason given
// when arg is not a colon followed by something.
func checkColonDomain(arg, missing string) error {
	if !strings.HasPrefix(arg, ":") || len(arg) == 1 {
		return errors.New(missing)
	}
	return checkDomainSpec(arg[1:], false)
}

// checkHostArg checks the argument of a and mx: [ ":" domain-spec ]
// [ dual-cidr-length ].
func checkHostArg(name, arg string) error {
	domain, cidr := splitCIDR(arg)
	switch {
	case strings.HasPrefix(domain, ":"):
		if err := checkColonDomain(domain, "a colon must be followed by a domain"); err != nil {
			return err
		}
	case domain != "":
		return errors.New("unexpected text after \"" + name + "\"")
	}
	return checkDualCIDR(cidr)
}

// checkNetworkArg checks the argument of ip4 and ip6: ":" and an address
// of the mechanism's family, with an optional prefix length.
func checkNetworkArg(name, arg string) error {
	if !strings.HasPrefix(arg, ":") {
		return errors.New("\"" + name + "\" needs an address after a colon")
	}
	family, max, valid := "IPv4", 32, isDottedQuad
	if name == "ip6" {
		family, max, valid = "IPv6", 128, isIPv6Network
	}
	addr, prefix, hasPrefix := strings.Cut(arg[1:], "/")
	if !valid(addr) {
		return errors.New("\"" + addr + "\" is not an " + family + " address")
	}
	if !hasPrefix {
		return nil
	}
	return checkPrefix(prefix, max)
}

// isIPv6Network checks ip6-network: an IPv6 address in text form, with
// colons and without a zone.
func isIPv6Network(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == "" && strings.Contains(s, ":")
}

// isModifierName checks name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
func isModifierName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// dualCIDR matches the dual-cidr-length at the end of an "a" or "mx"
// argument: "/24", "//64", "/24//64" (digits checked later, so that "/"
// or "/033" is reported as a bad prefix rather than a bad domain).
var dualCIDR = regexp.MustCompile(`(/[0-9]*)?(//[0-9]*)?$`)

// splitCIDR splits the argument of "a" or "mx" into ":domain" and the
// dual-cidr-length. A "/" before the prefix lengths belongs to the
// domain-spec, whose grammar allows it.
func splitCIDR(arg string) (domain, cidr string) {
	loc := dualCIDR.FindStringIndex(arg)
	return arg[:loc[0]], arg[loc[0]:]
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkDualCIDR checks dual-cidr-length = [ "/" ip4-cidr ] [ "//" ip6-cidr ].
func checkDualCIDR(s string) error {
	if s == "" {
		return nil
	}
	v4, v6, both := strings.Cut(s, "//")
	if v4 != "" {
		if !strings.HasPrefix(v4, "/") {
			return fmt.Errorf("bad prefix length %q", s)
		}
		if err := checkPrefix(v4[1:], 32); err != nil {
			return err
		}
	}
	if both {
		if err := checkPrefix(v6, 128); err != nil {
			return err
		}
	}
	return nil
}

// checkPrefix checks a prefix length: digits without a leading zero, at
// most max.
func checkPrefix(s string, max int) error {
	n, err := strconv.Atoi(s)
	if err != nil || !allDigits(s) || s == "" || (len(s) > 1 && s[0] == '0') || n > max {
		return fmt.Errorf("the prefix length %q must be a number from 0 to %d", "/"+s, max)
	}
	return nil
}

// isDottedQuad checks ip4-network: four decimal numbers 0-255 without
// leading zeros.
func isDottedQuad(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || !allDigits(p) || p == "" || (len(p) > 1 && p[0] == '0') || n > 255 {
			return false
		}
	}
	return true
}

// checkDomainSpec checks domain-spec = macro-string domain-end, where
// domain-end is "." toplabel [ "." ] or a macro-expand. exp says whether
// the c, r and t macros are allowed (only in explanation text).
func checkDomainSpec(s string, exp bool) error {
	if err := checkMacroString(s, exp); err != nil {
		return err
	}
	if endsWithMacro(s) {
		return nil
	}
	d := strings.TrimSuffix(s, ".")
	dot := strings.LastIndexByte(d, '.')
	if dot < 0 {
		return fmt.Errorf("%q is not a domain name with at least two labels", s)
	}
	if !isTopLabel(d[dot+1:]) {
		return fmt.Errorf("%q does not end in a valid top-level label", s)
	}
	return nil
}

// endsWithMacro reports whether s ends with a macro-expand: "%{...}",
// "%%", "%_" or "%-".
func endsWithMacro(s string) bool {
	if strings.HasSuffix(s, "}") {
		return strings.LastIndex(s, "%{") >= 0
	}
	if len(s) >= 2 && s[len(s)-2] == '%' && strings.ContainsRune("%_-", rune(s[len(s)-1])) {
		// Make sure the "%" is not itself the second half of "%%".
		n := 0
		for i := len(s) - 2; i >= 0 && s[i] == '%'; i-- {
			n++
		}
		return n%2 == 1
	}
	return false
}

// isTopLabel checks toplabel = ( *alphanum ALPHA *alphanum ) /
// ( 1*alphanum "-" *( alphanum / "-" ) alphanum ): not all digits, and a
// hyphen neither first nor last.
func isTopLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	letter, hyphen := false, false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			letter = true
		case c >= '0' && c <= '9':
		case c == '-':
			hyphen = true
		default:
			return false
		}
	}
	return letter || hyphen
}

// checkMacroString checks macro-string = *( macro-expand / macro-literal ).
func checkMacroString(s string, exp bool) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if c < 0x21 || c > 0x7e {
				return fmt.Errorf("character 0x%02x is not allowed", c)
			}
			continue
		}
		if i+1 >= len(s) {
			return fmt.Errorf("a \"%%\" at the end is not a macro (write \"%%%%\" for a percent sign)")
		}
		switch s[i+1] {
		case '%', '_', '-':
			i++
			continue
		case '{':
		default:
			return fmt.Errorf("%q is not a macro (write \"%%%%\" for a percent sign)", s[i:i+2])
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return fmt.Errorf("the macro %q is not closed with \"}\"", s[i:])
		}
		if _, err := parseMacro(s[i+2:i+end], exp); err != nil {
			return err
		}
		i += end
	}
	return nil
}

// macro is one %{...} expansion: letter, how many right-hand parts to
// keep (0: all), whether to reverse, and the delimiters to split on.
type macro struct {
	letter  byte // lower case
	escape  bool // upper-case letter: URL-escape the result
	digits  int
	reverse bool
	delims  string
}

// parseMacro reads the inside of "%{...}": macro-letter transformers
// *delimiter, with transformers = *DIGIT [ "r" ].
func parseMacro(body string, exp bool) (macro, error) {
	var m macro
	if body == "" {
		return m, fmt.Errorf("the macro \"%%{}\" has no letter")
	}
	l := body[0]
	m.letter = l | 0x20
	m.escape = l >= 'A' && l <= 'Z'
	letters := "slodiphv"
	if exp {
		letters += "crt"
	}
	if !strings.ContainsRune(letters, rune(m.letter)) || !(l|0x20 >= 'a' && l|0x20 <= 'z') {
		where := "here"
		if strings.ContainsRune("crt", rune(m.letter)) {
			where = "outside explanation text"
		}
		return m, fmt.Errorf("%%{%s} is not a macro allowed %s", body, where)
	}
	rest := body[1:]
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i > 0 {
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n == 0 {
			return m, fmt.Errorf("%%{%s}: the number of parts must be 1 or more", body)
		}
		if n > 128 {
			n = 128 // more parts than a name can have: keep them all
		}
		m.digits = n
	}
	rest = rest[i:]
	if rest != "" && (rest[0] == 'r' || rest[0] == 'R') {
		m.reverse = true
		rest = rest[1:]
	}
	for j := 0; j < len(rest); j++ {
		if !strings.ContainsRune(".-+,/_=", rune(rest[j])) {
			return m, fmt.Errorf("%%{%s}: %q is not a delimiter", body, rest[j:j+1])
		}
	}
	m.delims = rest
	if m.delims == "" {
		m.delims = "."
	}
	return m, nil
}
