package show

import (
	"math"
	"sync"

	"gridbox/sets"
)

// spares keeps zeroed take buffers ready, their pages touched, so that a
// take's start (NewTakes, on the session goroutine, a block or two ahead
// of the audio) takes one instead of making tens of megabytes then: a
// goroutine of its own makes them, as many of each channel count as the
// set has audio tracks recording that many, each long enough for a
// free-length take (max_take at the set's tempo, and a quarter more for
// tempo changes). A take longer than that, or one more than there are
// spares, is made on the spot.
type spares struct {
	mu     sync.Mutex
	frames int            // each spare's length
	want   [3]int         // by channels (1, 2): how many to keep
	ready  [3][][]float32 // by channels
	wake   chan struct{}
	stop   chan struct{}
	done   chan struct{}
}

// newSpares starts keeping spares for set at rate. Call stop when done.
func newSpares(set *sets.Set, rate int) *spares {
	sp := &spares{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
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
	if len(r) == 0 || n > sp.frames {
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
	for {
		for {
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

// close stops making spares and lets go of them.
func (sp *spares) close() {
	if sp == nil {
		return
	}
	close(sp.stop)
	<-sp.done
}
