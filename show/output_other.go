//go:build !linux

package show

import (
	"errors"
	"os"
)

// Elsewhere than Linux render does not check free space (gridbox runs on
// Linux; this keeps other builds working), and standard output is always a
// stream: whether it was opened for appending is not asked.

func freeSpace(string) (int64, error)     { return 0, errors.ErrUnsupported }
func freeSpaceOf(*os.File) (int64, error) { return 0, errors.ErrUnsupported }
func mountPoint(dir string) string        { return dir }
func appending(*os.File) bool             { return true }
