package supervise_test

import (
	"sync/atomic"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/null"
	"gridbox/audio/supervise"
)

// countSink counts the input samples it takes.
type countSink struct{ frames atomic.Uint64 }

func (c *countSink) WriteInput(frames []float32) int {
	c.frames.Add(uint64(len(frames)))
	return len(frames)
}

// underrunning is a null device with an input that says it underran
// three times.
type underrunning struct{ *null.Device }

func (u underrunning) Stats() audio.DeviceStats {
	st := u.Device.Stats()
	st.Underruns = 3
	return st
}

// Stats and InputStats after Close still count the closed device: play
// reports its underruns and its input's figures once the stream is
// closed.
func TestCountersSurviveClose(t *testing.T) {
	s, err := supervise.New(supervise.Config{Format: format, Block: block, Open: func() (audio.Device, error) {
		return underrunning{null.New(format, block).WithInput(1)}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	sink := &countSink{}
	s.Capture(sink, 1)
	if err := s.Start(audio.RendererFunc(func(out []float32) { clear(out) })); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "input frames", 5*time.Second, func() bool { return sink.frames.Load() >= 10*block })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Underruns != 3 || st.Played == 0 {
		t.Errorf("Stats after Close: %+v; want the device's 3 underruns and the frames it played", st)
	}
	// The device may capture a block before its gate opens (Captured
	// counts it, the sink does not get it).
	if st, got := s.InputStats(), sink.frames.Load(); st.Captured < got || st.Captured > got+block {
		t.Errorf("InputStats after Close: %+v; the sink took %d frames", st, got)
	}
}
