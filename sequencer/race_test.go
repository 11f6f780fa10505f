//go:build race

package sequencer

// The race detector slows the random sequence tests about tenfold and finds
// nothing in them (one goroutine), so under it they play fewer sequences;
// the plain `go test` run (make unit) plays them all. The reload and ramp
// tests render at one block size, not three: a race does not depend on it,
// and frame exactness at every size is make unit's to check.
func init() {
	raceEnabled = true
	blocks = []int{333}
}
