package show

import (
	"math"
	"runtime"
	"sync"
	"time"

	"gridbox/sets"
)

// spares keeps zeroed take buffers ready, their pages touched, so that a
// take's start (NewTakes, on the session goroutine, a block or two ahead
// of the audio) takes one instead of making tens of megabytes then: a
// goroutine of its own makes them, as many of each channel count as the
// set has audio tracks recording that many, each long enough for a
// free-length take (max_take at the set's tempo, and a quarter more for
// tempo changes). A take longer than that, or one more than there are
// spares, is made on the spot, and so is one less than half a spare's
// length (a fixed length of a bar or two: quick to make, and a spare would
// keep its whole length for the take's life).
//
// Making a spare (tens of megabytes written, page by page) must not
// compete with the audio while it records: the goroutine waits until no
// take has been recording for a second (busy), and runs on an OS thread
// of the lowest priority.
type spares struct {
	busy     func() bool // a take records, or its file is being written; any goroutine
	lastBusy time.Time   // when busy last said so; run's
	mu       sync.Mutex
	frames   int            // each spare's length
	want     [3]int         // by channels (1, 2): how many to keep
	ready    [3][][]float32 // by channels
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
}

// newSpares starts keeping spares for set at rate, made while busy
// reports false. Call close when done.
func newSpares(set *sets.Set, rate int, busy func() bool) *spares {
	sp := &spares{busy: busy, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	sp.fit(set, rate)
	go sp.run()
	return sp
}

// fit makes the spares fit set at rate: its audio tracks and its longest
// free take. Session goroutine.
func (sp *spares) fit(set *sets.Set, rate int) {
	if sp == nil {
		return
	}
	var want [3]int
	for _, t := range set.Tracks {
		if c := t.Input.Channels; c == 1 || c == 2 {
			want[c]++
		}
	}
	// As the session asks for a free take (sequencer.Session.startAudio):
	// a quarter more than max_take, and the 5 ms recorded past its end for
	// the loop's crossfade. Without them no spare fitted a free take: it
	// was made on the session goroutine after all (live looper test).
	bpb := float64(set.BeatsPerBar())
	frames := int(math.Ceil(1.25*float64(set.Record.MaxTake)*bpb*60/set.Tempo*float64(rate)+0.005*float64(rate))) + 1
	sp.mu.Lock()
	if frames != sp.frames {
		sp.ready = [3][][]float32{}
	}
	sp.frames, sp.want = frames, want
	sp.mu.Unlock()
	sp.poke()
}

// take returns a zeroed buffer of at least n frames of ch channels, cut
// to n, or nil when no spare fits. Session goroutine.
func (sp *spares) take(n, ch int) []float32 {
	if sp == nil || ch < 1 || ch > 2 {
		return nil
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	r := sp.ready[ch]
	if len(r) == 0 || n > sp.frames || 2*n < sp.frames {
		return nil
	}
	d := r[len(r)-1]
	sp.ready[ch] = r[:len(r)-1]
	sp.poke()
	return d[:n*ch]
}

func (sp *spares) poke() {
	select {
	case sp.wake <- struct{}{}:
	default:
	}
}

// run makes spares until there are as many as wanted, and again after
// each is taken, until stop.
func (sp *spares) run() {
	defer close(sp.done)
	runtime.LockOSThread() // never unlocked: the thread ends with the goroutine, its priority with it
	lowestPriority()
	for {
		for {
			if !sp.quiet() {
				return
			}
			sp.mu.Lock()
			ch, frames := 0, sp.frames
			for c := 1; c <= 2; c++ {
				if len(sp.ready[c]) < sp.want[c] {
					ch = c
				}
			}
			sp.mu.Unlock()
			if ch == 0 || frames <= 0 {
				break
			}
			d := make([]float32, frames*ch)
			touch(d)
			sp.mu.Lock()
			if sp.frames == frames && len(sp.ready[ch]) < sp.want[ch] {
				sp.ready[ch] = append(sp.ready[ch], d)
			}
			sp.mu.Unlock()
		}
		select {
		case <-sp.wake:
		case <-sp.stop:
			return
		}
	}
}

// quiet waits until no take has recorded for a second, and reports false
// if stop came meanwhile.
func (sp *spares) quiet() bool {
	for {
		if sp.busy != nil && sp.busy() {
			sp.lastBusy = time.Now()
		} else if time.Since(sp.lastBusy) >= time.Second { // at the start: at once
			return true
		}
		select {
		case <-sp.stop:
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// close stops making spares and lets go of them.
func (sp *spares) close() {
	if sp == nil {
		return
	}
	close(sp.stop)
	<-sp.done
}
