//go:build race

package sequencer

// The race detector slows the random sequence tests about tenfold and finds
// nothing in them (one goroutine), so under it they play fewer sequences;
// the plain `go test` run (make unit) plays them all.
func init() { raceEnabled = true }
