package domain

import (
	"fmt"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// MaxLength is the longest name DNS carries, in ASCII form (RFC 1035
// section 2.3.4, less the final root label).
const MaxLength = 253

// Check says what is wrong with name as a DNS domain name, or nil: it must
// not be empty nor an address literal, and in ASCII form it must have at
// most 253 characters in labels of 1 to 63 letters, digits, hyphens and
// underscores (underscores are not in RFC 5321's grammar but DNS carries
// them, as in selectors and _dmarc). A single label passes; the callers
// that need a fully qualified name say so themselves, and those that accept
// a trailing dot (the root) remove it first.
func Check(name string) error {
	d := name
	switch {
	case d == "":
		return fmt.Errorf("the domain is empty")
	case strings.HasPrefix(d, "["):
		return fmt.Errorf("%q is an address literal, not a domain name", text.Clip(d, 80))
	case len(d) > 4*MaxLength:
		return fmt.Errorf("the domain is longer than DNS allows (%d characters)", MaxLength)
	}
	ascii, ok := ToASCII(d)
	if !ok {
		return fmt.Errorf("%q is not a valid internationalised domain name", text.Clip(d, 80))
	}
	if len(ascii) > MaxLength {
		return fmt.Errorf("the domain is longer than DNS allows (%d characters)", MaxLength)
	}
	for label := range strings.SplitSeq(ascii, ".") {
		if label == "" {
			return fmt.Errorf("%q has an empty label", text.Clip(d, 80))
		}
		if len(label) > 63 {
			return fmt.Errorf("%q has a label longer than 63 characters", text.Clip(d, 80))
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("%q holds the character %q, which domain names cannot contain", text.Clip(d, 80), c)
			}
		}
	}
	return nil
}

// CheckHostname is Check with the rule of host names (RFC 1123 section
// 2.1) that no label starts or ends with a hyphen, as the d= of a DKIM
// signature requires (RFC 6376 section 3.5, sub-domain of RFC 5321).
func CheckHostname(name string) error {
	if err := Check(name); err != nil {
		return err
	}
	ascii, _ := ToASCII(name)
	for label := range strings.SplitSeq(ascii, ".") {
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q has a label that starts or ends with a hyphen", text.Clip(name, 80))
		}
	}
	return nil
}
