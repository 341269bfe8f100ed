// Package locale mends one environment setting before Fyne reads it. It has
// no code to call: main imports it for its init function.
//
// Fyne's translations look up the user's language at init time from
// LC_ALL, LC_MESSAGES or LANG. The common "C.UTF-8" (Debian's default in
// containers and on CI) is read as the language "C", which Fyne then logs as
// an error on every start, even for the command line. GNU gettext consults
// LANGUAGE in that case, and so does Fyne's locale lookup: setting it to
// English, when it is unset, silences the false error without touching
// LC_CTYPE, which the X input method needs as it is.
//
// Go initialises packages in import-path order once their imports are
// ready, and this path sorts before Fyne's i18n dependency
// (github.com/nicksnyder/go-i18n), so this runs before Fyne's lang package.
package locale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(env)
		if v == "" {
			continue
		}
		if lang, _, _ := strings.Cut(v, "."); lang == "C" || lang == "POSIX" {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
