// Command mailinspector shows whether a saved e-mail message is really from
// who it claims. With no arguments, or with message files, it opens the
// desktop app; "mailinspector check FILE..." is the command line.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"

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
			fmt.Print(`usage: mailinspector [FILE|FOLDER...]          open the desktop app (with these messages or mailboxes)
       mailinspector check [flags] FILE|FOLDER... check them on the command line (see: mailinspector check -h)

FILE is a message (.eml, .emlx) or an mbox file; FOLDER a Maildir, an
Apple Mail export or any folder of messages.
`)
			return
		}
	}
	if msg := noDisplay(); msg != "" {
		windowFailed("cannot open a window", msg)
	}
	// A second launch hands its files to the window already open.
	files, dir := os.Args[1:], app.SocketDir()
	if app.HandOff(dir, files) {
		return
	}
	gl := &glfwLog{}
	log.SetOutput(gl)
	a := start(gl)
	if stop, err := a.ServeInstance(dir); err == nil {
		defer stop()
	}
	run(gl, a, files)
}

// start makes the app and its window. Fyne's GLFW driver logs why it could
// not start (the X display could not be opened) and then panics with a GLFW
// error; that becomes one line and exit status 1 instead of a goroutine
// dump.
func start(gl *glfwLog) *app.App {
	defer recoverGLFW(gl, "cannot open a window")
	return app.New(fyneapp.NewWithID(app.ID))
}

func run(gl *glfwLog, a *app.App, args []string) {
	defer recoverGLFW(gl, "the window failed")
	a.Run(args)
}

// recoverGLFW turns a panic with a GLFW error (go-gl/glfw panics with
// *glfw.Error) into one line and exit status 1; any other panic goes on.
func recoverGLFW(gl *glfwLog, what string) {
	r := recover()
	if r == nil {
		return
	}
	if fmt.Sprintf("%T", r) != "*glfw.Error" {
		panic(r)
	}
	cause := fmt.Sprint(r)
	if p := gl.platformError(); p != "" {
		cause = p + " (GLFW: " + cause + ")"
	}
	windowFailed(what, cause)
}

func windowFailed(what, cause string) {
	fmt.Fprintf(os.Stderr, "mailinspector: %s: %s\n", what, cause)
	os.Exit(1)
}

// noDisplay says why no window can open when there is no display to open
// it on; "" when there may be one.
func noDisplay() string {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return ""
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return `no display (DISPLAY is not set); "mailinspector check FILE..." checks messages without a window`
	}
	return ""
}

// glfwLog is the standard logger's output, where go-gl/glfw logs GLFW's
// platform errors and Fyne its own. It passes every line on to stderr,
// except those of a failure it reports itself in one line:
//   - "PlatformError: X11: Failed to open display …" (or no DISPLAY): GLFW
//     did not start, and Fyne panics next (see start);
//   - Fyne's "window creation error" with its Cause and At lines, which is
//     what GLFW's failure to get an OpenGL context gives: Fyne would go on
//     without a window and never return, so the app exits.
type glfwLog struct {
	mu       sync.Mutex
	platform string // the last GLFW platform error
	creation bool   // in Fyne's "window creation error" lines
}

func (g *glfwLog) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	line := strings.TrimRight(string(p), "\n") // after the log's date and time
	if i := strings.Index(line, "PlatformError: "); i >= 0 {
		g.platform = line[i+len("PlatformError: "):]
		if strings.Contains(line, "Failed to open display") || strings.Contains(line, "DISPLAY environment variable is missing") {
			return len(p), nil
		}
	} else if strings.Contains(line, "Fyne error:") && strings.HasSuffix(line, "window creation error") {
		g.creation = true
		return len(p), nil
	} else if g.creation {
		cause := ""
		if i := strings.Index(line, "Cause:"); i >= 0 {
			cause = strings.TrimSpace(line[i+len("Cause:"):])
		}
		for _, gl := range []string{"APIUnavailable", "VersionUnavailable", "FormatUnavailable"} {
			if strings.HasPrefix(cause, gl) {
				windowFailed("cannot open a window", "no OpenGL context ("+cause+")")
			}
		}
		if cause == "" {
			cause = "the window could not be created"
		}
		windowFailed("cannot open a window", cause)
	}
	return os.Stderr.Write(p)
}

// platformError is the last GLFW platform error logged.
func (g *glfwLog) platformError() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.platform
}
