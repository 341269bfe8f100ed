//go:build unix

package app

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"fyne.io/fyne/v2"
)

// One window for all: a second launch (double-clicking another .eml
// while the app runs) hands its files to the running window, which opens
// them as new tabs, instead of starting a second app that would share, and
// race on, the same preferences file. The running app holds a lock file
// and reads a named pipe (FIFO) in the user's runtime directory
// (XDG_RUNTIME_DIR, else the config directory); a launch that finds the
// lock held writes its files there, one absolute path a line and an empty
// line after them, and exits. Nothing of this touches the network.

// SocketDir is where the instance's lock and pipe live for this user: the
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

// instanceBase is the path, less its suffix, of the lock and the pipe of
// the app that uses this configuration (the preferences two apps would
// race on) on this display: a launch with another HOME, XDG_CONFIG_HOME or
// DISPLAY (a test, another session) is an app of its own.
func instanceBase(dir string) string {
	conf, _ := os.UserConfigDir()
	sum := sha256.Sum256([]byte(conf + "\x00" + os.Getenv("DISPLAY") + "\x00" + os.Getenv("WAYLAND_DISPLAY")))
	return filepath.Join(dir, fmt.Sprintf("%s-%x", ID, sum[:6]))
}

// locked opens the lock file and tries to take it; held says another app
// has it. The file is returned open when this process took the lock.
func locked(dir string) (f *os.File, held bool, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	f, err = os.OpenFile(instanceBase(dir)+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, true, nil
		}
		return nil, false, err
	}
	return f, false, nil
}

// HandOff gives files to the app already running with its pipe in dir,
// and says whether one took them. With no files, the running window is
// only brought forward.
func HandOff(dir string, files []string) bool {
	if dir == "" {
		return false
	}
	f, held, err := locked(dir)
	if f != nil {
		f.Close() // nobody runs: this launch becomes the app
	}
	if err != nil || !held {
		return false
	}
	// Without a reader (the app is ending), opening fails at once.
	p, err := os.OpenFile(instanceBase(dir)+".fifo", os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer p.Close()
	var b strings.Builder
	for _, name := range files {
		if abs, err := filepath.Abs(name); err == nil {
			name = abs
		}
		if !strings.ContainsAny(name, "\r\n") { // a line cannot carry it
			b.WriteString(name + "\n")
		}
	}
	b.WriteString("\n") // the end of the list
	// One write: a pipe keeps it whole up to PIPE_BUF bytes.
	_, err = p.Write([]byte(b.String()))
	return err == nil
}

// ServeInstance makes a the app that later launches hand their files to,
// until stop. A pipe left by an app that is gone is replaced.
func (a *App) ServeInstance(dir string) (stop func(), err error) {
	if dir == "" {
		return func() {}, errors.New("no directory for the instance's pipe")
	}
	lock, held, err := locked(dir)
	if err != nil || held {
		return func() {}, fmt.Errorf("another Mail Inspector holds %s.lock (%v)", instanceBase(dir), err)
	}
	path := instanceBase(dir) + ".fifo"
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		lock.Close()
		return func() {}, fmt.Errorf("instance pipe %s: %v", path, err)
	}
	// Read and write, so that the pipe stays open between launches.
	p, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		lock.Close()
		return func() {}, err
	}
	go a.readHandOffs(p)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			os.Remove(path)
			p.Close()
			lock.Close()
		})
	}
	// From the moment the window closes the app is ending: a launch then
	// must start a window of its own, not hand its files to one that will
	// never show them.
	a.win.SetOnClosed(stop)
	return stop, nil
}

// readHandOffs opens the files of each launch, a list at a time.
func (a *App) readHandOffs(p *os.File) {
	r := bufio.NewReader(p)
	var files []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if line = strings.TrimSuffix(line, "\n"); line != "" {
			if len(files) < 1000 {
				files = append(files, line)
			}
			continue
		}
		list := files
		files = nil
		// Not a.uiAsync: OpenFiles takes the test driver's lock itself.
		fyne.Do(func() {
			a.win.RequestFocus()
			if len(list) > 0 {
				a.OpenFiles(list)
			}
		})
	}
}
