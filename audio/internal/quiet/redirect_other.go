//go:build !linux

package quiet

import (
	"os"
	"time"
)

// redirect only redirects stderr on Linux; elsewhere it just runs fn.
func redirect(f *os.File, fn func(), _ time.Duration) bool {
	fn()
	return false
}
