package null_test

import (
	"runtime/metrics"
	"slices"
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

// TestSteadyStateDoesNotAllocate runs the device in real time, on the
// machine's own clock and scheduler, and proves two things that virtual time
// cannot: the render goroutine's steady state allocates nothing (read from
// the process-wide counter, which does not stop the world, over three
// 400 ms windows: an allocation per block would show ~150 times in each,
// while the runtime itself may allocate once when it starts an OS thread
// for a preempted locked thread, so one clean window is required), and the
// device keeps up with the wall clock: the blocks it rendered are the
// elapsed time measured around Start and Close divided by the period
// (a block is rendered as its period begins), however late the goroutine
// was woken on a loaded machine, since late blocks are caught up. At Close
// it may still owe the blocks of its current wake, at most its longest gap
// between wakes; a device that dropped late blocks would owe one for every
// late wake (hundreds on a busy machine). Only a stall of more than a second
// (a suspended machine) restarts the schedule and drops the backlog; then
// the count is reported, not checked.
func TestSteadyStateDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	d := null.New(format, 128)
	period := format.Duration(128)
	t0 := time.Now()
	d.Start(audio.RendererFunc(func(out []float32) { clear(out) }))
	t1 := time.Now() // the first block has been rendered by now, or soon after
	time.Sleep(100 * time.Millisecond)
	var windows []uint64
	for range 3 {
		before := allocs()
		time.Sleep(400 * time.Millisecond)
		windows = append(windows, allocs()-before)
	}
	t2 := time.Now()
	d.Close()
	t3 := time.Now()
	s := d.Stats()
	// Blocks 0…n are due by n·period after the goroutine's own start,
	// which lies between t0 and t1; Close stops it between t2 and t3.
	least := int64((t2.Sub(t1)-s.MaxInterval)/period) + 1
	most := int64(t3.Sub(t0)/period) + 1
	t.Logf("real time, %v: %+v; heap objects allocated in three 400 ms windows: %v; blocks expected from the elapsed time: %d…%d",
		t3.Sub(t0).Round(time.Millisecond), s, windows, least, most)
	if slices.Min(windows) != 0 {
		t.Errorf("heap objects allocated in every 400 ms window of steady state: %v, want a window with 0", windows)
	}
	switch b := int64(s.Blocks); {
	case b > most:
		t.Errorf("Blocks = %d, more than the %d due in the %v from Start to Close: the device runs fast", b, most, t3.Sub(t0))
	case b < least && s.MaxInterval < time.Second:
		t.Errorf("Blocks = %d, fewer than the %d due between Start and Close less the longest gap between wakes (%v): late blocks were dropped, not caught up", b, least, s.MaxInterval)
	}
}

func allocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// countSink counts the frames it is given and checks they are silence.
type countSink struct {
	frames, nonzero int
	behind          bool // a block came before the input of its frames
}

func (s *countSink) WriteInput(frames []float32) int {
	for _, v := range frames {
		if v != 0 {
			s.nonzero++
		}
	}
	s.frames += len(frames) / 2
	return len(frames) / 2
}

// With an input, a block of silence reaches the sink before each Render:
// the input's frame k goes with the output's frame k.
func TestInputIsSilenceInStep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := null.New(format, 128).WithInput(2)
		sink := &countSink{}
		d.Capture(sink)
		rendered := 0
		d.Start(audio.RendererFunc(func(out []float32) {
			if sink.frames != rendered+128 {
				sink.behind = true
			}
			rendered += len(out) / 2
		}))
		time.Sleep(time.Second)
		d.Close()
		if sink.behind || sink.frames != rendered || sink.nonzero != 0 || d.InputStats().Captured != uint64(rendered) {
			t.Errorf("input: %+v, %d frames rendered, stats %+v; want each block's silence before it", sink, rendered, d.InputStats())
		}
		if in, out := d.Latency(); in != 0 || out != 0 {
			t.Errorf("latency %v %v, want 0", in, out)
		}
	})
}
