package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/mailinspector/mailinspector/inspector/senders"
)

// historyPath says where the memory of senders is; tests give a
// temporary one.
var historyPath = senders.DefaultPath

func addHistoryFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("no-history", false, "neither read nor write the memory of senders (the From addresses and domains checked before, "+
		"kept on this computer to tell a first message or a look-alike of a known sender)")
}

// openHistory opens the memory of senders, unless off; with offline it is
// read, never written. A memory that cannot be opened is said on stderr,
// and the messages are checked without it.
func openHistory(off, offline bool, stderr io.Writer) *senders.Store {
	if off {
		return nil
	}
	path, err := historyPath()
	if err == nil {
		var s *senders.Store
		if s, err = senders.Open(path); err == nil {
			if offline {
				s = s.ReadOnly()
			}
			return s
		}
	}
	if !errors.Is(err, senders.ErrNoDefault) {
		fmt.Fprintf(stderr, "mailinspector: checking without the memory of senders: %v\n", err)
	}
	return nil
}

// flushHistory saves what the memory of senders has not saved yet.
func flushHistory(s *senders.Store, stderr io.Writer) {
	if s == nil {
		return
	}
	if err := s.Flush(); err != nil {
		fmt.Fprintf(stderr, "mailinspector: %v\n", err)
	}
}
