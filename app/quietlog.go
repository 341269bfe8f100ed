package app

import (
	"bytes"
	"io"
	"log"
	"strings"
	"sync"
)

// quietNoise are Fyne's log messages that say nothing a user can act on:
// its file dialog logs "Getting favorite locations: VIDEOS folder" (and
// its Cause and At lines) on every open on a system without XDG user
// folders.
var quietNoise = []string{"Getting favorite locations"}

// quietLog drops quietNoise from the standard logger's output, keeping
// every other line.
func quietLog() {
	if _, ok := log.Writer().(*quietWriter); !ok {
		log.SetOutput(&quietWriter{w: log.Writer()})
	}
}

type quietWriter struct {
	mu sync.Mutex
	w  io.Writer
	// dropping is set after a dropped "Fyne error:" line, whose Cause
	// and At lines follow.
	dropping bool
}

func (q *quietWriter) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	line := string(bytes.TrimRight(p, "\n"))
	for _, n := range quietNoise {
		if strings.Contains(line, n) {
			q.dropping = true
			return len(p), nil
		}
	}
	if q.dropping && (strings.Contains(line, "  Cause:") || strings.Contains(line, "  At:")) {
		return len(p), nil
	}
	q.dropping = false
	return q.w.Write(p)
}
