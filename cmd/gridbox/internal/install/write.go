package install

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// writeFile creates or replaces name with data through a temporary file in
// the same folder: write, chmod, fsync, rename over name, fsync the folder
// (realtime-and-reliability.md §3.1). A crash at any point leaves the old
// file or the complete new one. With keep, an existing name is left alone:
// the temporary file is hard-linked to name, which fails if name exists,
// even when it appeared after the caller looked. The temporary name starts
// with '.' and ends in ".tmp", which neither systemd nor udev reads.
func writeFile(name string, data []byte, mode fs.FileMode, keep bool) (err error) {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
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
	if _, err := f.Write(data); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; Chmod is not subject to the umask.
	if err := f.Chmod(mode.Perm()); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if keep {
		err = os.Link(tmp, name)
		os.Remove(tmp)
		tmp = ""
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
	} else {
		err = os.Rename(tmp, name)
		if err == nil {
			tmp = ""
		}
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}

// removeFile removes name and makes the removal durable; a missing name is
// not an error.
func removeFile(name string) error {
	err := os.Remove(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return syncDir(filepath.Dir(name))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// ExecRunner runs commands on this system with os/exec, looking the
// command up in $PATH. What a command prints goes to Output when it is not
// nil, and into the error when the command fails.
type ExecRunner struct {
	Output io.Writer
}

// Run runs name with args and waits for it.
func (e ExecRunner) Run(name string, args ...string) error {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if e.Output != nil {
		if _, werr := e.Output.Write(out.Bytes()); err == nil {
			err = werr
		}
	}
	if err != nil {
		if msg := strings.TrimSpace(out.String()); msg != "" {
			return fmt.Errorf("%w: %s", err, msg)
		}
		return err
	}
	return nil
}
