// Package atomicfile writes a file so that a reader, or a crash, sees
// either the old content or the new, never part of one: the data goes to
// a temporary file in the same folder, is synced, and is renamed over the
// file. The stores kept in the user's config folder (the memory of
// senders) save through it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically, creating its folder (readable
// by the user only) when needed. The file is readable by the user only.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if _, err = tmp.Write(data); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
