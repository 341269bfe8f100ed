package app

import (
	"strings"
	"testing"
	"time"
)

// TestSecondLaunchHandsOff: a second launch gives its files to the
// running window, which opens them as tabs; with no app running, it
// starts on its own; a pipe left behind is taken over.
func TestSecondLaunchHandsOff(t *testing.T) {
	dir := t.TempDir()
	if HandOff(dir, []string{"x.eml"}) {
		t.Fatal("a hand-off succeeded with no app running")
	}
	srv := startZone(t)
	a := newTestApp(t, srv)
	stop, err := a.ServeInstance(dir)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{sample(t, "newsletter.eml"), sample(t, "spoof.eml")}
	if !HandOff(dir, paths) {
		t.Fatal("the running app did not take the files")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := 0
		a.serially(func() { n = len(a.entries) })
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tabs after the hand-off, want 2", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, e := range a.entries {
		wait(t, e)
		if e.path != paths[i] {
			t.Errorf("tab %d is %s, want %s", i, e.path, paths[i])
		}
	}
	stop()

	if HandOff(dir, paths) {
		t.Error("a hand-off succeeded after the app stopped")
	}

	// The pipe of an app that is gone is replaced.
	b := newTestApp(t, srv)
	stop2, err := b.ServeInstance(dir)
	if err != nil {
		t.Fatalf("a stale pipe is not taken over: %v", err)
	}
	defer stop2()
	if _, err := a.ServeInstance(dir); err == nil {
		t.Error("two apps serve the same configuration")
	}
	if !HandOff(dir, nil) {
		t.Error("the new app does not answer")
	}

	// A window closing is an app ending: the next launch starts its own.
	b.serially(func() { b.win.Close() })
	if HandOff(dir, paths) {
		t.Error("a hand-off went to an app whose window was closed")
	}
}

// TestQuietLog: Fyne's favourite-locations noise is dropped with its
// Cause and At lines; other lines pass.
func TestQuietLog(t *testing.T) {
	var b strings.Builder
	q := &quietWriter{w: &b}
	for _, l := range []string{
		"2026/01/01 Fyne error:  Getting favorite locations\n", "2026/01/01   Cause: VIDEOS folder\n", "2026/01/01   At: x.go:1\n",
		"2026/01/01 Fyne error:  something else\n", "2026/01/01   Cause: real\n",
	} {
		q.Write([]byte(l))
	}
	if got := b.String(); got != "2026/01/01 Fyne error:  something else\n2026/01/01   Cause: real\n" {
		t.Errorf("kept %q", got)
	}
}
