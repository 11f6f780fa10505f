package null

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"gridbox/audio"
	"gridbox/audio/ring"
)

// maxBehind is how far the schedule may fall behind before it is restarted
// rather than caught up.
const maxBehind = time.Second

// Device renders in real time and discards the audio.
type Device struct {
	format audio.Format
	block  int
	period time.Duration // duration of one block (rounded down to the ns)
	buf    []float32     // the block Render fills; owned by the render goroutine

	r       audio.Renderer // set by Start
	closed  bool           // control side only
	stop    atomic.Bool
	done    chan struct{}
	started chan struct{} // closed once the render goroutine runs

	// The input (WithInput): its channels, the sink it feeds (Capture)
	// and the silence it captures, owned by the render goroutine.
	inCh     int
	sink     audio.InputSink
	silence  []float32
	captured atomic.Uint64

	blocks      atomic.Uint64
	lateWakes   atomic.Uint64
	maxInterval atomic.Int64 // ns between two wakes
	meter       ring.LoadMeter
}

var (
	_ audio.Device   = (*Device)(nil)
	_ audio.Capturer = (*Device)(nil)
)

// New returns a null device for f that renders blocks of block frames. It
// panics if block or the format is not positive.
func New(f audio.Format, block int) *Device {
	if block <= 0 || f.SampleRate <= 0 || f.Channels <= 0 {
		panic(fmt.Sprintf("null: New(%+v, %d): bad format or block", f, block))
	}
	return &Device{
		format:  f,
		block:   block,
		period:  f.Duration(int64(block)),
		buf:     make([]float32, block*f.Channels),
		done:    make(chan struct{}),
		started: make(chan struct{}),
	}
}

// WithInput gives d an input of channels channels that captures silence,
// a block before each Render: a stand-in for a sound card's inputs where
// there is none (audio tracks record silence, in step with the output).
// Call it before Start.
func (d *Device) WithInput(channels int) *Device {
	d.inCh = channels
	d.silence = make([]float32, d.block*channels)
	return d
}

// InputChannels returns the input's channels (0: none).
func (d *Device) InputChannels() int { return d.inCh }

// Capture hands the input to sink. Call it before Start.
func (d *Device) Capture(sink audio.InputSink) { d.sink = sink }

// Latency returns zero both ways: nothing is converted.
func (d *Device) Latency() (in, out time.Duration) { return 0, 0 }

// InputStats returns the frames captured.
func (d *Device) InputStats() audio.InputStats { return audio.InputStats{Captured: d.captured.Load()} }

// Format returns the device's format.
func (d *Device) Format() audio.Format { return d.format }

// Start launches the render goroutine; the first block is rendered at once.
// Control side; it fails if the device was already started or is closed.
func (d *Device) Start(r audio.Renderer) error {
	switch {
	case d.closed:
		return errors.New("null: Start after Close")
	case d.r != nil:
		return errors.New("null: already started")
	case r == nil:
		return errors.New("null: nil Renderer")
	}
	d.r = r
	go d.run()
	<-d.started
	return nil
}

// Close stops the render goroutine and waits for it (at most about one
// period). Render is not called after Close returns.
func (d *Device) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	if d.r != nil {
		d.stop.Store(true)
		<-d.done
	}
	return nil
}

// Stats returns the counters. Underruns stays zero: there is no hardware to
// starve, and a late render shows up as LateWakes instead. Safe from any
// goroutine.
func (d *Device) Stats() audio.DeviceStats {
	return audio.DeviceStats{
		Blocks:      d.blocks.Load(),
		Played:      d.blocks.Load() * uint64(d.block),
		LateWakes:   d.lateWakes.Load(),
		MaxInterval: time.Duration(d.maxInterval.Load()),
		Load:        d.meter.Load(),
		MaxLoad:     d.meter.Max(),
	}
}

// run is the render goroutine.
func (d *Device) run() {
	defer close(d.done)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread() // an ordinary thread: safe to hand back
	close(d.started)

	start := time.Now()
	prev := start
	for n := int64(0); ; n++ {
		// Block n is due at start + n·block frames, computed exactly each
		// time so rounding never accumulates.
		deadline := start.Add(d.format.Duration(n * int64(d.block)))
		if wait := time.Until(deadline); wait > 0 {
			time.Sleep(wait)
		}
		if d.stop.Load() {
			return
		}
		now := time.Now()
		if gap := now.Sub(prev); n > 0 && int64(gap) > d.maxInterval.Load() {
			d.maxInterval.Store(int64(gap))
		}
		prev = now
		if behind := now.Sub(deadline); behind > d.period {
			d.lateWakes.Add(1)
			if behind > maxBehind { // restart the schedule: block n is due now
				start = now.Add(-d.format.Duration(n * int64(d.block)))
			}
		}

		if d.sink != nil && d.inCh > 0 {
			d.sink.WriteInput(d.silence)
			d.captured.Add(uint64(d.block))
		}
		d.r.Render(d.buf)
		d.publish(float64(time.Since(now)) / float64(d.period))
	}
}

// publish counts a block and its load; only the render goroutine calls it.
func (d *Device) publish(load float64) {
	d.blocks.Add(1)
	d.meter.Add(load)
}
