//go:build race

package browsertest

// Race is true in a test binary built with the race detector, which makes
// this process's goroutines several times slower: tests log the latencies
// they measure there without judging them.
const Race = true
