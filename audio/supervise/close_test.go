package supervise_test

import (
	"sync/atomic"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/null"
	"gridbox/audio/supervise"
)

// countSink counts the input frames it takes.
type countSink struct{ frames atomic.Uint64 }

func (c *countSink) WriteInput(frames []float32) int {
	c.frames.Add(uint64(len(frames)))
	return len(frames)
}

// InputStats after Close still counts the closed device's input: play
// reports the input's figures once the stream is closed.
func TestInputStatsSurviveClose(t *testing.T) {
	s, err := supervise.New(supervise.Config{Format: format, Block: block, Open: func() (audio.Device, error) {
		return null.New(format, block).WithInput(1), nil
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
	if st, got := s.InputStats(), sink.frames.Load(); st.Captured == 0 || st.Captured != got {
		t.Errorf("InputStats after Close: %+v; the sink took %d frames", st, got)
	}
}
