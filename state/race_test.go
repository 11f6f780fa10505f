//go:build race

package state

// A test binary built with -race takes about three times as long to start
// (69 ms against 25 ms on a loaded 2-core machine), and the kill tests start
// one per kill, so under the race detector they do fewer kills; the plain
// `go test` run (make unit) does them all.
func init() { raceEnabled = true }
