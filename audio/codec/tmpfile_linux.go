package codec

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// errNoTmpfile says that the file system of a dir cannot make a file
// without a name.
var errNoTmpfile = errors.New("O_TMPFILE is not supported")

// openTmpfile makes a file without a name in dir (open(2) with O_TMPFILE:
// there is never a moment when a crash would leave it behind).
func openTmpfile(dir string) (*os.File, error) {
	f, err := os.OpenFile(dir, os.O_RDWR|unix.O_TMPFILE, 0o600)
	var pe *os.PathError
	if errors.As(err, &pe) && (pe.Err == unix.EOPNOTSUPP || pe.Err == unix.EISDIR || pe.Err == unix.EINVAL) {
		return nil, errNoTmpfile // EISDIR: a kernel older than 3.11
	}
	return f, err
}
