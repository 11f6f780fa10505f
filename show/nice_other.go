//go:build !linux

package show

// backgroundThread does nothing where thread priorities are not wired up.
func backgroundThread() {}
