// Command mailinspector shows whether a saved e-mail message is really from
// who it claims. With no arguments, or with message files, it opens the
// desktop app; "mailinspector check FILE..." is the command line.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/mailinspector/mailinspector/app"
	_ "github.com/mailinspector/mailinspector/app/locale" // before Fyne reads the locale
	"github.com/mailinspector/mailinspector/inspector/cli"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "check":
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			code := cli.Run(ctx, os.Args[2:], os.Stdout, os.Stderr)
			stop()
			os.Exit(code)
		case "-h", "-help", "--help", "help":
			fmt.Print(`usage: mailinspector [FILE.eml...]      open the desktop app (with these messages)
       mailinspector check [flags] FILE... check messages on the command line (see: mailinspector check -h)
`)
			return
		}
	}
	app.New(fyneapp.NewWithID(app.ID)).Run(os.Args[1:])
}
