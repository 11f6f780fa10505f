//go:build !linux

package codec

import (
	"errors"
	"os"
)

// errNoTmpfile says that this system cannot make a file without a name.
var errNoTmpfile = errors.New("O_TMPFILE is not supported")

func openTmpfile(string) (*os.File, error) { return nil, errNoTmpfile }
