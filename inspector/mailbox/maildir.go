package mailbox

import (
	"os"
	"path/filepath"
	"strings"
)

// isMaildir reports a folder with a cur/ or new/ folder.
func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// readMaildir reads the messages of cur/ and new/, then the Maildir++
// subfolders. Every file there is meant to be a message: one that is not
// is an error, not a skip, except hidden files.
func readMaildir(dir string, opts Options, yield func(*Item) bool) bool {
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			if !yield(&Item{Name: filepath.Join(dir, sub), Path: filepath.Join(dir, sub), Kind: KindMaildir, Err: err}) {
				return false
			}
			continue
		}
		for _, e := range entries {
			path := filepath.Join(dir, sub, e.Name())
			var it *Item
			switch fi, err := os.Stat(path); {
			case strings.HasPrefix(e.Name(), "."):
				it = skipped(path, "hidden file", path+" is hidden (its name starts with a dot)")
			case err != nil:
				it = &Item{Name: path, Path: path, Kind: KindMaildir, Err: err}
			case !fi.Mode().IsRegular():
				it = skipped(path, "not a regular file", path+" is not a regular file")
			default:
				it = openFile(path, KindMaildir, fi.Size())
			}
			if !yield(it) {
				return false
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return yield(&Item{Name: dir, Path: dir, Kind: KindMaildir, Err: err})
	}
	for _, e := range entries {
		sub := filepath.Join(dir, e.Name())
		if e.IsDir() && strings.HasPrefix(e.Name(), ".") && isMaildir(sub) {
			if !readMaildir(sub, opts, yield) {
				return false
			}
		}
	}
	return true
}
