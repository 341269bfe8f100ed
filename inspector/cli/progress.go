package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/mailinspector/mailinspector/inspector/mailbox"
)

// progressDelay is how long a run goes before it shows a progress bar: a
// short run stays silent. Tests change it.
var progressDelay = time.Second

// progress shows, on stderr when it is a terminal and the run is long, how
// much of the input has been checked: bytes of the files given (a bar when
// their size is known, that is when no folder was given) and messages.
type progress struct {
	w     io.Writer
	on    bool // stderr is a terminal
	clean bool // clear the bar before each report: stdout is the same terminal
	start time.Time
	total int64 // bytes of the input, -1 when a folder makes it unknown
	bytes int64
	n     int
	bar   *progressbar.ProgressBar
}

// forceProgress shows the bar whatever stderr is (for tests).
var forceProgress = false

func newProgress(stderr io.Writer, inputs []string) *progress {
	p := &progress{w: stderr, on: isTerminal(stderr) || forceProgress, clean: isTerminal(os.Stdout), start: time.Now()}
	if !p.on {
		return p
	}
	for _, in := range inputs {
		fi, err := os.Stat(in)
		switch {
		case err != nil:
		case fi.IsDir():
			p.total = -1
		case p.total >= 0:
			p.total += fi.Size()
		}
	}
	return p
}

// done counts a message read (checked, or not).
func (p *progress) done(it *mailbox.Item) {
	if !p.on {
		return
	}
	p.n++
	p.bytes += it.Size
	if p.bar == nil {
		if time.Since(p.start) < progressDelay {
			return
		}
		max := p.total
		if max <= 0 {
			max = -1
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(max > 0),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish())
	}
	p.bar.Describe(fmt.Sprintf("%d %s", p.n, plural(p.n, "message", "messages")))
	p.bar.Set64(p.bytes)
}

// clear takes the bar off the terminal line before a line is written to
// stderr, or a report to stdout when that is the same terminal; the bar
// comes back at the next message.
func (p *progress) clear(stderr bool) {
	if p.bar != nil && (stderr || p.clean) {
		p.bar.Clear()
	}
}

// finish takes the bar away at the end of the run.
func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Clear()
		p.bar.Exit()
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
