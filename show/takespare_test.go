package show

import (
	"sync/atomic"
	"testing"
	"time"

	"gridbox/sets"
)

// Spares are made ahead for each audio track, as long as a free take at
// the set's tempo and a quarter more, zeroed, once no take has recorded
// for a second; a take longer than that, shorter than half of it, or one
// more than there are is made on the spot (take gives nil).
func TestSpares(t *testing.T) {
	set := &sets.Set{Tempo: 120, Record: sets.Record{MaxTake: 2}, Tracks: []sets.Track{
		{Input: sets.Input{First: 0, Channels: 1}}, {Input: sets.Input{First: 1, Channels: 1}}, {Input: sets.Input{First: 2, Channels: 2}}, {}}}
	set.TimeSignature = sets.TimeSignature{Num: 4, Den: 4}
	var recording atomic.Bool
	recording.Store(true)
	sp := newSpares(set, 48000, recording.Load)
	defer sp.close()
	time.Sleep(1500 * time.Millisecond)
	sp.mu.Lock()
	made := len(sp.ready[1]) + len(sp.ready[2])
	sp.mu.Unlock()
	if made != 0 {
		t.Errorf("%d spares made while a take records", made)
	}
	recording.Store(false)
	// 2 bars of 4 beats at 120 BPM, a quarter more, and the crossfade's
	// 5 ms: what the session asks for a free take.
	frames := int(1.25*8*0.5*48000+0.005*48000) + 1
	ready := func() bool {
		sp.mu.Lock()
		defer sp.mu.Unlock()
		return len(sp.ready[1]) == 2 && len(sp.ready[2]) == 1
	}
	for deadline := time.Now().Add(10 * time.Second); !ready(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("spares %d mono, %d stereo after 10 s; want 2 and 1", len(sp.ready[1]), len(sp.ready[2]))
		}
	}
	if sp.frames != frames {
		t.Errorf("spares of %d frames, want %d", sp.frames, frames)
	}
	recording.Store(true) // from here no spare is made again: a take records
	if d := sp.take(frames+1, 1); d != nil {
		t.Errorf("a take longer than the spares got one")
	}
	if d := sp.take(frames, 1); len(d) != frames {
		t.Errorf("a free take of %d frames got %d samples, want a spare", frames, len(d))
	}
	if d := sp.take(1000, 2); d != nil {
		t.Errorf("a take of 1000 frames got a spare of %d", frames)
	}
	d := sp.take((frames+1)/2, 2)
	if len(d) != 2*((frames+1)/2) {
		t.Fatalf("a stereo take of %d frames got %d samples", (frames+1)/2, len(d))
	}
	for _, v := range d {
		if v != 0 {
			t.Fatal("a spare is not silence")
		}
	}
	if d := sp.take((frames+1)/2, 2); d != nil {
		t.Errorf("a second stereo take got a spare while the one spare is being made again")
	}
}
