// Package result holds the result words of RFC 8601 section 2.7, the one
// vocabulary in which every check of Mail Inspector states its outcome and
// in which receivers record theirs in Authentication-Results.
package result

import "strings"

// Result is an RFC 8601 result word, in lower case as it appears in an
// Authentication-Results field and in the JSON report.
type Result string

// The result words of RFC 8601 section 2.7. Not every method uses every
// word: softfail is SPF's (RFC 7208 section 2.6), policy is DKIM's and
// DMARC's.
const (
	Pass      Result = "pass"
	Fail      Result = "fail"
	SoftFail  Result = "softfail"
	Neutral   Result = "neutral"
	None      Result = "none"
	Policy    Result = "policy"
	TempError Result = "temperror"
	PermError Result = "permerror"
)

// words are the results RFC 8601 registers, with the obsolete forms a
// receiver may still write (RFC 8601 section 2.7.1: "hardfail" is fail).
var words = map[string]Result{
	"pass": Pass, "fail": Fail, "hardfail": Fail, "softfail": SoftFail,
	"neutral": Neutral, "none": None, "policy": Policy,
	"temperror": TempError, "permerror": PermError,
}

// Parse reads a result word as a server wrote it, in any case. ok is false
// for a word RFC 8601 does not register; the word is then returned lower-cased
// and as it is, so that a reader still sees what was written.
func Parse(word string) (r Result, ok bool) {
	w := strings.ToLower(strings.TrimSpace(word))
	if r, ok := words[w]; ok {
		return r, true
	}
	return Result(w), false
}

// Known says whether r is one of the words of RFC 8601.
func (r Result) Known() bool {
	_, ok := words[string(r)]
	return ok && r != "hardfail"
}

// Error says whether r reports that the check could not be completed
// (temperror or permerror), rather than a judgement on the message.
func (r Result) Error() bool { return r == TempError || r == PermError }

func (r Result) String() string { return string(r) }
