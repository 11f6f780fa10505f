package supervise_test

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/audio/audiotest"
	"gridbox/audio/supervise"
)

// inputEngine is an engine with an input: it checks that the input's
// frames reach it before each block they go with.
type inputEngine struct {
	engine
	in     atomic.Int64 // input frames given
	behind atomic.Int32 // blocks rendered before their input came
}

func (e *inputEngine) WriteInput(frames []float32) int {
	e.in.Add(int64(len(frames) / 2))
	return len(frames) / 2
}

func (e *inputEngine) Render(out []float32) {
	if e.in.Load() != e.frames.Load()+int64(len(out)/2) {
		e.behind.Add(1)
	}
	e.engine.Render(out)
}

// A device that captures nothing (no input, or the fallback clock while
// none plays) gives the sink silence for every block rendered, so that
// the input keeps step with the frames rendered through a loss: a take
// recording then goes on, in silence, and ends.
func TestInputKeepsStepWithoutACapturingDevice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		be := audiotest.NewBackend(format, block, "card A")
		s, err := supervise.New(supervise.Config{Format: format, Block: block, Open: be.Open})
		if err != nil {
			t.Fatal(err)
		}
		e := &inputEngine{}
		s.Capture(e, 2)
		if err := s.Start(e); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		be.Current().Stall()
		waitFor(t, "loss detected", time.Second, func() bool { return s.Health().Losses == 1 })
		waitFor(t, "reopened", time.Second, func() bool { return s.Health().State == supervise.Playing })
		time.Sleep(time.Second)
		s.Close()
		if in, out := e.in.Load(), e.frames.Load(); in != out || e.behind.Load() != 0 {
			t.Errorf("input frames %d for %d rendered, %d blocks before their input; want as many, each before its block", in, out, e.behind.Load())
		}
	})
}
