//go:build !linux

package oto

// captureStderr only redirects stderr on Linux; elsewhere it just runs fn.
func captureStderr(fn func()) string {
	fn()
	return ""
}
