package supervise

import (
	"time"

	"gridbox/audio"
)

// Input. A supervised device records from each device it opens that is
// an audio.Capturer (Capture before Start): the devices' captured frames
// reach the sink through a gate per device, like their Renders, so that
// only the device that renders writes to the sink. Frame k of what the
// sink gets is still the one captured while frame k rendered: a device
// taking over starts its input at the frame it starts rendering at, so
// its gate pads the frames no device captured (while the fallback clock
// kept time) with silence, or drops those captured past it.

// Capture hands the input of every device opened from now on to sink
// (with channels channels; a device with another count records nothing).
// Call it before Start, from the control side.
func (s *Device) Capture(sink audio.InputSink, channels int) {
	s.sink, s.inChannels = sink, channels
	s.zeros = make([]float32, 1024*channels)
}

// InputChannels returns the channels given to Capture.
func (s *Device) InputChannels() int { return s.inChannels }

// Latency returns the current device's latencies (0 with no device, or
// one that does not report them).
func (s *Device) Latency() (in, out time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cur.(audio.Capturer); ok {
		return c.Latency()
	}
	return 0, 0
}

// InputStats returns the current device's input counters plus those of
// the devices before it (after Close: of every device, the last one's
// final).
func (s *Device) InputStats() audio.InputStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.pastIn
	if c, ok := s.cur.(audio.Capturer); ok {
		n := c.InputStats()
		st.Captured += n.Captured
		st.Dropped += n.Dropped
		st.Overruns += n.Overruns
	}
	return st
}

// retireInput adds dev's input counters to the past ones. Call with s.mu held.
func (s *Device) retireInput(dev audio.Device) {
	if c, ok := dev.(audio.Capturer); ok {
		n := c.InputStats()
		s.pastIn.Captured += n.Captured
		s.pastIn.Dropped += n.Dropped
		s.pastIn.Overruns += n.Overruns
	}
}

// capture gives dev, the device of generation gen about to start
// rendering at frame base, its input gate. Supervisor goroutine (or Start).
func (s *Device) capture(dev audio.Device, gen uint32, base uint64) {
	c, ok := dev.(audio.Capturer)
	if s.sink == nil || !ok || c.InputChannels() != s.inChannels {
		return
	}
	c.Capture(&inputGate{s: s, gen: gen, base: base})
	s.inGen.Store(gen)
}

// silence gives the sink n frames of silence for a block that generation
// gen renders when its device captures nothing (a device without the
// input, the fallback clock): the input keeps step with the frames
// rendered, so that a take recording meanwhile goes on (in silence) and
// ends, and a device that captures again later starts in step. The
// owner's render goroutine calls it, before Render.
func (s *Device) silence(gen uint32, n int) {
	if s.sink == nil || s.inGen.Load() == gen {
		return
	}
	ch := s.inChannels
	for k := n; k > 0; {
		m := min(k, len(s.zeros)/ch)
		s.sink.WriteInput(s.zeros[:m*ch])
		k -= m
	}
	s.inWritten.Add(uint64(n))
}

// inputGate is one device's way to the sink.
type inputGate struct {
	s       *Device
	gen     uint32
	base    uint64 // the frame its first captured frame goes with
	started bool
}

// WriteInput passes frames on when its device is the owner, first
// bringing the sink to the device's first frame. The device's render
// goroutine calls it.
func (g *inputGate) WriteInput(frames []float32) int {
	s, ch := g.s, uint64(g.s.inChannels)
	n := uint64(len(frames)) / ch
	// As gate.Render: only the owner writes, never two devices' render
	// goroutines at once across a hand-over.
	if s.owner.Load() != g.gen || !s.busy.CompareAndSwap(false, true) {
		return int(n)
	}
	defer s.busy.Store(false)
	if s.owner.Load() != g.gen {
		return int(n)
	}
	if !g.started {
		g.started = true
		for w := s.inWritten.Load(); w < g.base; w = s.inWritten.Load() {
			k := min(g.base-w, uint64(len(s.zeros))/ch)
			s.sink.WriteInput(s.zeros[:k*ch])
			s.inWritten.Add(k)
		}
		if over := s.inWritten.Load() - g.base; over > 0 {
			k := min(over, n) // captured past the first frame: not this device's
			frames, n = frames[k*ch:], n-k
			g.base += k
		}
	}
	s.inWritten.Add(n)
	return s.sink.WriteInput(frames)
}
