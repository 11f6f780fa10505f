//go:build portaudio

package portaudio

import (
	"sync/atomic"

	"gridbox/audio"
	"gridbox/audio/ring"
)

// inputFrames is the input ring's size for a stream with this output ring:
// four times the output ring (at least 4096 frames). Between two drains the
// callback captures at most what it plays, and it plays at most the output
// ring's content, so the input ring is at most about a quarter full.
func inputFrames(cfg ring.Config) int { return max(4*cfg.Frames(), 4096) }

// A drain is the Renderer the Filler calls on a stream with an input: before
// each Render it empties the input ring into the sink, so the sink has every
// frame captured so far, in order, when the block is rendered. It runs on
// the render goroutine (the input ring's consumer) and does not allocate.
type drain struct {
	in        *ring.Ring
	buf       []float32       // one block of input frames; the render goroutine's
	sink      audio.InputSink // nil: the frames are read and discarded
	r         audio.Renderer
	delivered atomic.Uint64 // frames read from the ring; written by the render goroutine
}

// newDrain allocates a drain; control side.
func newDrain(in *ring.Ring, block int, sink audio.InputSink, r audio.Renderer) *drain {
	return &drain{in: in, buf: make([]float32, block*in.Channels()), sink: sink, r: r}
}

func (d *drain) Render(out []float32) {
	d.flush()
	d.r.Render(out)
}

// flush hands the sink what the ring holds. The callback may add frames
// meanwhile; the loop stops at the first short read, so it runs a bounded
// number of times (the ring holds a few blocks at most, see inputFrames).
func (d *drain) flush() {
	frames := len(d.buf) / d.in.Channels()
	for {
		n := d.in.Read(d.buf)
		if n > 0 {
			if d.sink != nil {
				d.sink.WriteInput(d.buf[:n*d.in.Channels()])
			}
			d.delivered.Add(uint64(n))
		}
		if n < frames {
			return
		}
	}
}

// InputChannels returns how many input channels the stream captures: 0
// without input.
func (d *Device) InputChannels() int { return d.inChannels }

// Input returns the input device (meaningful when InputChannels > 0).
func (d *Device) Input() Info { return d.input }

// Capture hands the captured input to sink from Start on: the render
// goroutine calls sink.WriteInput before each Render with every frame the
// callback captured since the last, in order. Without a Capture call the
// captured frames are read and discarded. Call it at most once, before
// Start, from the control side; it does nothing on a stream without input.
func (d *Device) Capture(sink audio.InputSink) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sink = sink
}

// InputStats returns the input's counters (see InputCounters): Captured is
// the frames PortAudio captured, Dropped the frames lost to a full ring plus
// those skipped to keep in step with underrun silence, Overruns the
// callbacks flagged paInputOverflow. Safe from any goroutine.
func (d *Device) InputStats() audio.InputStats {
	c := d.Counters().Input
	return audio.InputStats{Captured: c.Frames, Dropped: c.Lost + c.Skipped, Overruns: c.Overflows}
}
