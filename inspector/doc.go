// Package inspector turns a saved e-mail message into a Report: whether it
// is really from who it claims, mechanism by mechanism (DKIM, SPF, DMARC,
// ARC), each result with an RFC 8601 result word and a reason a person can
// act on, beside what the receiving server recorded at delivery. It never
// imports a GUI toolkit: the desktop app and the CLI only render Reports.
//
// The flow of one check (check.go), and the package that owns each step:
//
//  1. message: the file is loaded (line endings, an mbox From line, a BOM);
//     the header is kept as raw bytes for DKIM and decoded for display,
//     and the body is streamed, never held in memory.
//  2. recorded: what the servers on the way recorded (Authentication-Results,
//     ARC-Authentication-Results, Received-SPF) is parsed once, from the raw
//     bytes.
//  3. route: the Received fields give the hops; the boundary hop, where the
//     message entered the recipient's servers, gives the client IP, HELO and
//     MAIL FROM that SPF must be judged against, with the receiver's record
//     as evidence.
//  4. The checks, at the same time where they do not depend on each other:
//     dkim (every signature, RFC 6376), arc (the chain, RFC 8617), spf
//     (RFC 7208, for the boundary's client), then dmarc (RFC 7489, from the
//     SPF and DKIM results). All DNS goes through resolver, which logs,
//     caches and snapshots every answer.
//  5. recorded again: the receiving server's own verdict at delivery, chosen
//     by its authserv-id and position, is set beside ours and every
//     difference explained.
//  6. verdict.go: the rows of the verdict panel and the overall verdict
//     (pass, warn, fail, or none when the message could not be checked),
//     with a one-sentence headline.
//
// Shared vocabularies have one home each: result (the RFC 8601 words),
// internal/domain (domain names, organisational domains), internal/text
// (quoting message text in sentences), message (header fields).
//
// The JSON form of a Report (`mailinspector check --json`) is a public
// interface: fields are added, never renamed.
package inspector
