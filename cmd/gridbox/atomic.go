package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileAtomic creates name through a temporary file in the same folder:
// write, fsync, rename over name, fsync the folder. A crash or an error at
// any point leaves either the old file or the complete new one, never a
// half-written file.
func writeFileAtomic[T any](name string, write func(w io.WriteSeeker) (T, error)) (T, error) {
	var zero T
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return zero, err
	}
	tmp := f.Name()
	defer func() {
		if tmp != "" {
			f.Close()
			os.Remove(tmp)
		}
	}()
	v, err := write(f)
	if err != nil {
		return zero, err
	}
	// CreateTemp makes the file private; the result is an ordinary file.
	if err := f.Chmod(0o644); err != nil {
		return zero, err
	}
	if err := f.Sync(); err != nil {
		return zero, err
	}
	if err := f.Close(); err != nil {
		return zero, err
	}
	if err := os.Rename(tmp, name); err != nil {
		return zero, err
	}
	tmp = ""
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return v, fmt.Errorf("sync %s: %w", dir, err)
		}
	}
	return v, nil
}
