package null_test

import (
	"runtime/metrics"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/audio"
	"gridbox/audio/null"
)

var format = audio.Format{SampleRate: 48000, Channels: 2}

// In virtual time the device renders exactly one block per period, with no
// drift and no late wakes.
func TestRealTimeCadence(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := null.New(format, 128) // 2.666666 ms
		var frames int
		start := time.Now()
		var last time.Time
		d.Start(audio.RendererFunc(func(out []float32) {
			frames += len(out) / 2
			last = time.Now()
		}))
		time.Sleep(10*time.Second + time.Millisecond)
		d.Close()
		s := d.Stats()
		// Block n is due at n·128/48000 s, so blocks 0…3750 fit in 10.001 s.
		if s.Blocks != 3751 || frames != 3751*128 || s.Played != 3751*128 {
			t.Errorf("rendered %d blocks (%d frames, %d played) in 10 s, want 3751", s.Blocks, frames, s.Played)
		}
		if want := start.Add(10 * time.Second); !last.Equal(want) {
			t.Errorf("last block rendered at %v, want %v", last.Sub(start), want.Sub(start))
		}
		if s.LateWakes != 0 || s.MaxInterval > 2666667 || s.Underruns != 0 {
			t.Errorf("stats %+v, want no late wakes and a 2.667 ms max interval", s)
		}
	})
}

// A render that overruns makes the next wakes late; the device catches up so
// the block count still matches the elapsed time. Block 9 is due at 90 ms and
// renders until 125 ms; blocks 10 (due 100 ms) and 11 (due 110 ms) wake more
// than a period late, block 12 (due 120 ms) only 5 ms late.
func TestLateRenderCatchesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := null.New(format, 480) // 10 ms
		n := 0
		d.Start(audio.RendererFunc(func(out []float32) {
			n++
			if n == 10 {
				time.Sleep(35 * time.Millisecond)
			}
		}))
		time.Sleep(time.Second + 5*time.Millisecond)
		d.Close()
		s := d.Stats()
		if s.Blocks != 101 {
			t.Errorf("Blocks = %d, want 101 (caught up)", s.Blocks)
		}
		if s.LateWakes != 2 {
			t.Errorf("LateWakes = %d, want 2", s.LateWakes)
		}
		if s.MaxInterval != 35*time.Millisecond {
			t.Errorf("MaxInterval = %v, want 35ms", s.MaxInterval)
		}
		if s.MaxLoad < 3.4 {
			t.Errorf("MaxLoad = %v, want ≥ 3.5 (35 ms render of a 10 ms block)", s.MaxLoad)
		}
	})
}

func TestStartTwiceAndCloseTwice(t *testing.T) {
	d := null.New(format, 128)
	if err := d.Start(audio.RendererFunc(func([]float32) {})); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(audio.RendererFunc(func([]float32) {})); err == nil {
		t.Error("second Start succeeded")
	}
	d.Close()
	if err := d.Close(); err != nil {
		t.Error(err)
	}
	if err := d.Start(audio.RendererFunc(func([]float32) {})); err == nil {
		t.Error("Start after Close succeeded")
	}
}

// TestSteadyStateDoesNotAllocate runs the device for a second of real time.
func TestSteadyStateDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test")
	}
	d := null.New(format, 128)
	d.Start(audio.RendererFunc(func(out []float32) { clear(out) }))
	time.Sleep(100 * time.Millisecond)
	before := allocs()
	time.Sleep(time.Second)
	after := allocs()
	d.Close()
	s := d.Stats()
	t.Logf("real time, 1.1 s: %+v", s)
	if after != before {
		t.Errorf("%d heap objects allocated in 1 s, want 0", after-before)
	}
	if s.Blocks < 400 || s.Blocks > 420 {
		t.Errorf("Blocks = %d after 1.1 s, want ≈ 413", s.Blocks)
	}
}

func allocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
