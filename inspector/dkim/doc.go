// Package dkim verifies DKIM signatures (RFC 6376, with the ed25519-sha256
// algorithm of RFC 8463 and the RFC 8301 rules on weak algorithms) the way an
// inspector needs it: every signature gets a result word, a stable code and
// a reason a reader can act on, and the facts behind the verdict (the body
// hash expected and computed, the key record as found in DNS, the times
// judged, the body bytes an l= tag leaves unsigned) are kept for display.
//
// Unlike a mail filter, this package does not stop at the first problem: an
// expired signature, one using rsa-sha1 or one whose From is not signed still
// has its body hash and signature checked, so the report can say whether the
// signature itself is intact.
//
// Result words follow RFC 8601 section 2.7.1: a field that cannot be parsed
// or uses an unknown algorithm is neutral ("contained syntax errors or were
// not otherwise able to be processed"); a missing, revoked, ambiguous or
// unusable key, an unsigned From, an i= outside d=, an l= larger than the
// body (RFC 6376 section 3.5) and an expired signature are permerror; DNS failures are temperror; a changed body or header, an
// RSA key under 1024 bits and rsa-sha1 (RFC 8301) are fail; a signature
// dated after the message was received is neutral (RFC 6376 lets verifiers
// ignore it). x= and t= are judged at the time of receipt when the caller
// knows it, else now; both moments are reported. A pass can carry warnings
// (l= leaving content unsigned, an unsigned extra From, a 1024-bit key, a
// testing key, a body not available, expiry since delivery); its Code is
// then the most important warning's code instead of "ok".
//
// A message without a body (a file that ends in its header) has its body
// hashed as an empty one (RFC 6376 sections 3.4.3 and 3.4.4). When the
// signature is not of an empty body, the file is taken for a header saved
// without its body: the body is reported as not checked, never as changed,
// as nothing in the file can tell the two apart.
//
// A signature that does not pass gets forensics (forensics.go): the common
// changes of mailing lists, security gateways, servers and mail stores (a
// footer, a banner, a Subject tag, re-folded or added fields, re-encoded
// parts, escaped "From " lines, converted line ends) are undone one at a
// time on the message as it is, and a change is confirmed when undoing it
// alone makes the body hash equal bh= or b= verify; with a key archive
// (Options.History), the keys seen earlier are tried too. A confirmed
// change is evidence, never a pass: the result word stays, and the reason
// says what would make the signature verify. The work is bounded: at most
// two more reads of the body, a fixed number of hashed candidates.
//
// The canonicalisation and signature core (CanonicalizeHeader, NewBodyHasher,
// HeaderHashInput, StripSignature, VerifySignature, LookupKey) is exported so
// that ARC (RFC 8617) can reuse it.
package dkim

//go:generate go run ./testdata/gen
