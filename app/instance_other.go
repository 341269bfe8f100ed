//go:build !unix

package app

import "errors"

// SocketDir is "" where no instance hand-off is made: every launch opens
// its own window.
func SocketDir() string { return "" }

// HandOff hands nothing off here.
func HandOff(string, []string) bool { return false }

// ServeInstance does nothing here.
func (a *App) ServeInstance(string) (func(), error) {
	return func() {}, errors.New("no instance hand-off on this system")
}
