//go:build !linux

package show

// lowestPriority does nothing where threads have no priority of their own
// to lower.
func lowestPriority() {}
