package gpio

import "time"

// Tap tempo limits.
const (
	TapIntervals = 4               // the tempo is the average of up to this many recent intervals
	TapTimeout   = 2 * time.Second // a tap this long after the previous one starts a new series
	MinBPM       = 40.0
	MaxBPM       = 300.0
)

// A Tapper turns tap times (footswitch presses, Event.Time) into a tempo.
// It is plain arithmetic on the times given: no clock, no goroutine. The
// zero value is ready to use; it is not safe for concurrent use.
type Tapper struct {
	taps [TapIntervals + 1]time.Time // the series' most recent taps, oldest first
	n    int                         // how many of taps are in use
}

// Tap records a tap at t and returns the tempo in beats per minute: one
// minute divided by the average of the last TapIntervals intervals (fewer
// while the series is shorter), clamped to [MinBPM, MaxBPM]. ok is false
// for the first tap of a series, which has no interval yet. A series starts
// with the first tap, after a gap of TapTimeout or more, and after a tap
// earlier than the one before (the clock went backwards).
func (tp *Tapper) Tap(t time.Time) (bpm float64, ok bool) {
	if tp.n > 0 {
		gap := t.Sub(tp.taps[tp.n-1])
		if gap < 0 || gap >= TapTimeout {
			tp.n = 0
		}
	}
	if tp.n == len(tp.taps) {
		copy(tp.taps[:], tp.taps[1:])
		tp.n--
	}
	tp.taps[tp.n] = t
	tp.n++
	if tp.n < 2 {
		return 0, false
	}
	avg := tp.taps[tp.n-1].Sub(tp.taps[0]).Seconds() / float64(tp.n-1)
	if avg <= 0 {
		return MaxBPM, true // taps at the same instant: as fast as allowed
	}
	return min(max(60/avg, MinBPM), MaxBPM), true
}

// Reset forgets the series; the next tap starts a new one.
func (tp *Tapper) Reset() { tp.n = 0 }
