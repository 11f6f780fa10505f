// Package atomicfile writes files so that a crash or a power cut at any
// moment leaves either the old file or the complete new one, never a
// half-written one (the team's reliability notes, §3.1): write a temporary
// file in the same folder, fsync it, rename it over the name, fsync the
// folder. gridbox writes every file it keeps this way: renders, the
// last-set record, the crash record, what install puts on the system.
//
// Everything here runs on the control side; it makes syscalls and may
// block on the disk.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Options shape Write. The zero value writes a 0644 file through a
// temporary file named "." + base + ".*.tmp", replacing any file there.
type Options struct {
	// Perm is the new file's permission bits; 0 means 0644. It is set
	// with chmod, so the umask does not apply.
	Perm fs.FileMode
	// Temp is the os.CreateTemp pattern of the temporary file, for a
	// caller that sweeps what a crash left by its own pattern.
	Temp string
	// Keep leaves an existing file alone: the temporary file is
	// hard-linked to the name, which fails if the name exists even when
	// it appeared after the caller looked, and Write then returns nil.
	Keep bool
}

// Write creates or replaces the file name with what fill writes into the
// temporary file (opened for reading and writing, so fill may read back
// what it wrote). If fill or any step fails, the temporary file is
// removed and name is untouched.
func Write(name string, o Options, fill func(f *os.File) error) (err error) {
	dir := filepath.Dir(name)
	pattern := o.Temp
	if pattern == "" {
		pattern = "." + filepath.Base(name) + ".*.tmp"
	}
	perm := o.Perm
	if perm == 0 {
		perm = 0o644
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if tmp != "" {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	// CreateTemp makes the file 0600.
	if err := f.Chmod(perm.Perm()); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if o.Keep {
		err = os.Link(tmp, name)
		os.Remove(tmp)
		tmp = ""
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
	} else if err = os.Rename(tmp, name); err == nil {
		tmp = ""
	}
	if err != nil {
		return err
	}
	return SyncDir(dir)
}

// Remove removes name and makes the removal durable; a missing name is not
// an error.
func Remove(name string) error {
	err := os.Remove(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return SyncDir(filepath.Dir(name))
}

// SyncDir fsyncs the folder dir, making the renames, creations and
// removals in it durable. File systems that cannot sync a folder (EINVAL,
// ENOTSUP from some FUSE and network ones) promise nothing either way;
// that is not an error a caller can act on, so it is not one.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	err = d.Sync()
	if errors.Is(err, errors.ErrUnsupported) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
