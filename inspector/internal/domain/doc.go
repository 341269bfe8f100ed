// Package domain is the one home of the domain-name helpers every check
// needs: the ASCII (A-label) form of a name, its syntax, its
// organisational domain from the public suffix list (RFC 7489 section 3.2)
// and whether two names belong to one organisation or one sits below
// another. Names are compared in lower case, without a trailing dot, and
// with Unicode labels in their "xn--" form.
package domain
