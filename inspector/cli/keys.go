package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mailinspector/mailinspector/inspector/keyarchive"
)

// keyFlags are the flags of the key archive.
type keyFlags struct {
	off                  *bool
	path, from, exportTo *string
}

func addKeyFlags(fs *flag.FlagSet) *keyFlags {
	return &keyFlags{
		off: fs.Bool("no-archive", false, "neither read nor write the key archive (the DKIM and ARC keys fetched before, kept to explain signatures that fail after a key was replaced)"),
		path: fs.String("key-archive", "", "the key archive `FILE` (default: keys.json in the mailinspector folder of your configuration folder); "+
			"with --offline it is read, never written"),
		from:     fs.String("import-keys", "", "before checking, add the DKIM and ARC keys of `FILE`, a DNS snapshot (--record) or an export, to the key archive"),
		exportTo: fs.String("export-keys", "", "after checking, write the key archive to `FILE` (- for standard output)"),
	}
}

// alone says whether the flags ask for work without messages to check.
func (k *keyFlags) alone() bool { return *k.from != "" || *k.exportTo != "" }

// keyConfig is the key archive of a run and what to do with it.
type keyConfig struct {
	archive        *keyarchive.Archive
	from, exportTo string
}

// open opens the archive the flags ask for: none with --no-archive,
// read-only with --offline. An archive that cannot be opened is an error
// when it is to be imported into or exported, else it is said on stderr
// and the messages are checked without it.
func (k *keyFlags) open(offline bool, stderr io.Writer) (keyConfig, error) {
	cfg := keyConfig{from: *k.from, exportTo: *k.exportTo}
	switch {
	case *k.off && (*k.path != "" || k.alone()):
		return cfg, errors.New("--no-archive excludes --key-archive, --import-keys and --export-keys")
	case *k.off:
		return cfg, nil
	case offline && cfg.from != "":
		return cfg, errors.New("--offline never writes the key archive, so it excludes --import-keys")
	}
	path := *k.path
	if path == "" {
		var err error
		if path, err = keyarchive.DefaultPath(); err != nil {
			if k.alone() {
				return cfg, fmt.Errorf("no key archive (%v): give --key-archive FILE", err)
			}
			if !errors.Is(err, keyarchive.ErrNoDefault) {
				fmt.Fprintf(stderr, "mailinspector: checking without the key archive: %v\n", err)
			}
			return cfg, nil
		}
	}
	a, err := keyarchive.Open(path, offline)
	if err != nil {
		if k.alone() {
			return cfg, err
		}
		fmt.Fprintf(stderr, "mailinspector: checking without the key archive: %v\n", err)
		return cfg, nil
	}
	cfg.archive = a
	return cfg, nil
}

// start imports the keys asked for.
func (k keyConfig) start(stderr io.Writer) int {
	if k.from == "" {
		return ExitOK
	}
	n, err := k.archive.ImportFile(k.from)
	if err != nil {
		fmt.Fprintf(stderr, "mailinspector: importing keys: %v\n", err)
		return ExitBadInput
	}
	fmt.Fprintf(stderr, "mailinspector: %d new %s from %s in the key archive %s\n", n, plural(n, "key", "keys"), k.from, k.archive.Path())
	return ExitOK
}

// finish exports the archive when asked, and returns the run's status.
func (k keyConfig) finish(status int, stdout, stderr io.Writer) int {
	if k.exportTo == "" {
		return status
	}
	var err error
	if k.exportTo == "-" {
		err = k.archive.Export(stdout)
	} else if f, ferr := os.Create(k.exportTo); ferr != nil {
		err = ferr
	} else {
		err = errors.Join(k.archive.Export(f), f.Close())
	}
	if err != nil {
		fmt.Fprintf(stderr, "mailinspector: exporting keys: %v\n", err)
		return ExitBadInput
	}
	return status
}
