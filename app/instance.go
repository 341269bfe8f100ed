package app

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// One window for all: a second launch (double-clicking another .eml
// while the app runs) hands its files to the running window, which opens
// them as new tabs, instead of starting a second app that would share, and
// race on, the same preferences file. The running app listens on a Unix
// socket in the user's runtime directory (XDG_RUNTIME_DIR, else the
// config directory); a launch that can connect sends its files, one
// absolute path a line, and exits.

// SocketDir is where the instance socket lives for this user: the
// runtime directory, else the config directory; "" when neither is known.
func SocketDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return d
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "mailinspector")
	}
	return ""
}

// socketPath is the socket of the app that uses this configuration (the
// preferences two apps would race on) on this display: a launch with
// another HOME, XDG_CONFIG_HOME or DISPLAY (a test, another session) is
// an app of its own.
func socketPath(dir string) string {
	conf, _ := os.UserConfigDir()
	sum := sha256.Sum256([]byte(conf + "\x00" + os.Getenv("DISPLAY") + "\x00" + os.Getenv("WAYLAND_DISPLAY")))
	return filepath.Join(dir, fmt.Sprintf("%s-%x.sock", ID, sum[:6]))
}

// HandOff gives files to the app already running with its socket in dir,
// and says whether one took them. With no files, the running window is
// only brought forward.
func HandOff(dir string, files []string) bool {
	if dir == "" {
		return false
	}
	c, err := net.DialTimeout("unix", socketPath(dir), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		if strings.ContainsAny(f, "\r\n") {
			continue // not a path a line can carry
		}
		b.WriteString(f + "\n")
	}
	b.WriteString("\n") // the end of the list
	if _, err := c.Write([]byte(b.String())); err != nil {
		return false
	}
	// The running app answers once it has the list.
	ok, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && ok == "ok\n"
}

// ServeInstance makes a the app that later launches hand their files to,
// listening in dir until stop. A socket left by an app that is gone is
// replaced.
func (a *App) ServeInstance(dir string) (stop func(), err error) {
	if dir == "" {
		return func() {}, errors.New("no directory for the instance socket")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return func() {}, err
	}
	path := socketPath(dir)
	l, err := net.Listen("unix", path)
	if err != nil {
		// Nobody answers there (HandOff failed before): a stale socket.
		os.Remove(path)
		if l, err = net.Listen("unix", path); err != nil {
			return func() {}, fmt.Errorf("instance socket %s: %v", path, err)
		}
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go a.takeHandOff(c)
		}
	}()
	return func() { l.Close() }, nil
}

// takeHandOff reads one launch's files and opens them.
func (a *App) takeHandOff(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	var files []string
	for len(files) < 1000 {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			break
		}
		files = append(files, line)
	}
	c.Write([]byte("ok\n"))
	// Not a.uiAsync: OpenFiles takes the test driver's lock itself.
	fyne.Do(func() {
		a.win.RequestFocus()
		if len(files) > 0 {
			a.OpenFiles(files)
		}
	})
}
