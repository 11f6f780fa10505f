// Package atomicfile writes files so that a crash or a power cut at any
// moment leaves either the old file or the complete new one, never a
// half-written one (the team's reliability notes, §3.1): write a temporary
// file in the same folder, fsync it, rename it over the name, fsync the
// folder. gridbox writes every file it keeps this way: renders, the
// last-set record, the crash record, what install puts on the system.
//
// Only regular files are ever replaced. A symbolic link (or a chain of
// them) is written through: the file it leads to is replaced, beside
// itself, and the link stays. Anything else at the name (a folder, a FIFO,
// a device, a socket) is an error wrapping ErrNotRegular, and nothing is
// written (issue 9: renders as root turned /dev/stdout into a file).
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

// ErrNotRegular is what Create and Write's errors wrap when the name, after
// symbolic links, is something other than a regular file.
var ErrNotRegular = errors.New("not a regular file")

// A NotRegularError says what is at a name that Create will not replace.
type NotRegularError struct {
	Name string      // the name as given
	Path string      // where the symbolic links led (Name without links)
	Mode fs.FileMode // what is there
}

func (e *NotRegularError) Error() string {
	if e.Path != e.Name {
		return fmt.Sprintf("%s leads to %s, which is %s, not a regular file", e.Name, e.Path, Describe(e.Mode))
	}
	return fmt.Sprintf("%s is %s, not a regular file", e.Name, Describe(e.Mode))
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// Describe names the kind of file mode m is for a message: "a folder",
// "a FIFO (named pipe)", "a character device", "a block device", "a
// socket", "a symbolic link", "a regular file".
func Describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "not a regular file"
}

// maxLinks is how many symbolic links Resolve follows in a row: Linux's
// own limit (ELOOP).
const maxLinks = 40

// Resolve returns the name that name leads to: name itself unless it is a
// symbolic link; for a link, or a chain of them, the name the last one
// points to, which need not exist (a dangling link). A relative link is
// taken relative to the link's own folder. More than 40 links in a row
// give an error wrapping syscall.ELOOP. Only the last element is followed:
// links among the folders are left to the kernel.
func Resolve(name string) (string, error) {
	p := name
	for range maxLinks + 1 {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		t, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(p), t)
		}
		p = t
	}
	return "", &fs.PathError{Op: "resolve", Path: name, Err: syscall.ELOOP}
}

// Options shape Create and Write. The zero value writes a 0644 file
// through a temporary file named "." + base + ".*.tmp", replacing any
// regular file there.
type Options struct {
	// Perm is the new file's permission bits; 0 means 0644. It is set
	// with chmod, so the umask does not apply.
	Perm fs.FileMode
	// Temp is the os.CreateTemp pattern of the temporary file, for a
	// caller that sweeps what a crash left by its own pattern.
	Temp string
	// Keep leaves an existing file alone: the temporary file is
	// hard-linked to the name, which fails if the name exists even when
	// it appeared after the caller looked, and Commit then returns nil.
	Keep bool
}

// A File is a temporary file that becomes its name on Commit. It is
// opened for reading and writing, so the writer may read back or seek.
// Abort removes it; call it deferred, as it does nothing after Commit.
// A File is used by one goroutine.
type File struct {
	*os.File
	name   string // as given
	target string // name after symbolic links: what Commit replaces
	tmp    string // "" once committed or aborted
	o      Options
}

// Create makes the temporary file that Commit turns into name (or, when
// name is a symbolic link, into the file it leads to). It fails, creating
// nothing, when something other than a regular file is there.
func Create(name string, o Options) (*File, error) {
	target, err := Resolve(name)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(name, target); err != nil {
		return nil, err
	}
	pattern := o.Temp
	if pattern == "" {
		pattern = "." + filepath.Base(target) + ".*.tmp"
	}
	f, err := os.CreateTemp(filepath.Dir(target), pattern)
	if err != nil {
		return nil, err
	}
	return &File{File: f, name: name, target: target, tmp: f.Name(), o: o}, nil
}

// Target returns the name Commit replaces: the name given to Create, or
// the file its symbolic links lead to.
func (f *File) Target() string { return f.target }

// checkRegular fails unless target (name after its links) is missing or
// a regular file.
func checkRegular(name, target string) error {
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return &NotRegularError{Name: name, Path: target, Mode: fi.Mode()}
	}
	return nil
}

// Commit sets the permissions, fsyncs and closes the temporary file,
// renames it over the target (or, with Keep, links it there unless the
// target exists) and fsyncs the folder. The target is checked again just
// before the rename, so that what appeared there meanwhile and is not a
// regular file is not replaced either. On any failure the temporary file
// is removed and the target is as it was.
func (f *File) Commit() (err error) {
	if f.tmp == "" {
		return errors.New("atomicfile: Commit after Commit or Abort")
	}
	defer func() {
		if err != nil {
			f.Abort()
		}
	}()
	perm := f.o.Perm
	if perm == 0 {
		perm = 0o644
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
	if err := checkRegular(f.name, f.target); err != nil {
		return err
	}
	if f.o.Keep {
		err = os.Link(f.tmp, f.target)
		os.Remove(f.tmp)
		f.tmp = ""
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
	} else if err = os.Rename(f.tmp, f.target); err == nil {
		f.tmp = ""
	}
	if err != nil {
		return err
	}
	return SyncDir(filepath.Dir(f.target))
}

// Abort closes and removes the temporary file, leaving the target as it
// was. After Commit, or a second time, it does nothing.
func (f *File) Abort() {
	if f.tmp == "" {
		return
	}
	f.Close()
	os.Remove(f.tmp)
	f.tmp = ""
}

// Write creates or replaces the file name with what fill writes into the
// temporary file (Create, then Commit). If fill or any step fails, the
// temporary file is removed and name is untouched.
func Write(name string, o Options, fill func(f *os.File) error) error {
	f, err := Create(name, o)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f.File); err != nil {
		return err
	}
	return f.Commit()
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
