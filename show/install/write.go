package install

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"gridbox/internal/atomicfile"
)

// writeFile creates or replaces name with data, making its folder first,
// through atomicfile: a crash at any point leaves the old file or the
// complete new one. With keep, an existing name is left alone. The
// temporary name starts with '.' and ends in ".tmp", which neither systemd
// nor udev reads.
func writeFile(name string, data []byte, mode fs.FileMode, keep bool) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(name, atomicfile.Options{Perm: mode, Keep: keep}, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// removeFile removes name and makes the removal durable; a missing name is
// not an error.
func removeFile(name string) error { return atomicfile.Remove(name) }

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
