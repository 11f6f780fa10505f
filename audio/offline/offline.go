package offline

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"gridbox/audio"
)

// Device is an audio.Device that renders only when pulled.
type Device struct {
	format audio.Format
	block  int // frames per Render call

	r       audio.Renderer
	blk     []float32 // the block Render fills; owned by the pulling goroutine
	surplus int       // frames at the end of blk not yet handed out
	out     []float32 // what Pull returns; reused, so valid until the next Pull
	closed  bool

	blocks atomic.Uint64
	frames atomic.Int64

	// The input (Feed), all owned by the pulling goroutine but the counters.
	src      audio.Source
	sink     audio.InputSink
	in       []float32 // one block of the source's frames
	inAt     int64     // the source frame the next block starts at
	inEnded  bool      // the source has no more frames: the input is silence
	inErr    error     // the source's first error other than io.EOF
	captured atomic.Uint64
	dropped  atomic.Uint64
}

var (
	_ audio.Device   = (*Device)(nil)
	_ audio.Capturer = (*Device)(nil)
)

// New returns an offline device rendering f in blocks of block frames. It
// panics if block or the format is not positive.
func New(f audio.Format, block int) *Device {
	if block <= 0 || f.SampleRate <= 0 || f.Channels <= 0 {
		panic(fmt.Sprintf("offline: New(%+v, %d): bad format or block", f, block))
	}
	return &Device{format: f, block: block, blk: make([]float32, block*f.Channels)}
}

// Format returns the device's format.
func (d *Device) Format() audio.Format { return d.format }

// Block returns the number of frames per Render call.
func (d *Device) Block() int { return d.block }

// Start stores r; Pull will call r.Render. It fails if the device was already
// started or is closed.
func (d *Device) Start(r audio.Renderer) error {
	switch {
	case d.closed:
		return errors.New("offline: Start after Close")
	case d.r != nil:
		return errors.New("offline: already started")
	case r == nil:
		return errors.New("offline: nil Renderer")
	}
	d.r = r
	return nil
}

// Pull renders and returns exactly frames frames of interleaved audio. It
// calls Render as many times as needed, always with Block frames, and keeps
// any frames of the last block beyond the request for the next Pull. The
// returned slice belongs to the Device and is valid until the next Pull.
// Pull before Start or after Close returns silence (and counts nothing).
//
// Pull allocates only when it must return more frames than any Pull before.
func (d *Device) Pull(frames int) []float32 {
	ch := d.format.Channels
	if cap(d.out) < frames*ch {
		d.out = make([]float32, frames*ch)
	}
	out := d.out[:frames*ch]
	if d.r == nil || d.closed {
		clear(out)
		return out
	}
	n := 0 // frames written to out
	for n < frames {
		if d.surplus == 0 {
			d.feed()
			d.r.Render(d.blk)
			d.blocks.Add(1)
			d.surplus = d.block
		}
		k := min(d.surplus, frames-n)
		from := (d.block - d.surplus) * ch
		copy(out[n*ch:(n+k)*ch], d.blk[from:from+k*ch])
		d.surplus -= k
		n += k
	}
	d.frames.Add(int64(frames))
	return out
}

// Frames returns the number of frames pulled so far: the device's clock.
// Safe from any goroutine.
func (d *Device) Frames() int64 { return d.frames.Load() }

// Stats reports the blocks rendered and the frames pulled. An offline device never underruns and
// has no wall clock, so the other counters stay zero. Safe from any goroutine.
func (d *Device) Stats() audio.DeviceStats {
	return audio.DeviceStats{Blocks: d.blocks.Load(), Played: uint64(d.frames.Load())}
}

// Close ends the device; later Pulls return silence. Render is not called
// after Close returns.
func (d *Device) Close() error {
	d.closed = true
	d.r = nil
	return nil
}

// Feed makes src the device's audio input and hands it to sink: before
// each Render, the block's frames of src go to sink.WriteInput, so input
// frame k (counting from the first Render) is frame k of src, exactly, and
// is captured while frame k is rendered. Channel 1 of src is the input's
// first channel; the input has src.Channels() channels. Past src's end, or
// after a read error (see InputErr), the input is silence. A nil sink
// reads src and throws it away.
//
// Call Feed once, before Start, on the goroutine that pulls. src is read
// on that goroutine, inside Pull; the device allocates its input block
// here, so Pull stays allocation-free if src.ReadFrames is.
func (d *Device) Feed(src audio.Source, sink audio.InputSink) {
	d.src, d.sink = src, sink
	d.in = make([]float32, d.block*src.Channels())
}

// feed hands the next block of the source to the sink (see Feed).
func (d *Device) feed() {
	if d.src == nil {
		return
	}
	n := 0
	if !d.inEnded {
		var err error
		n, err = d.src.ReadFrames(d.in, d.inAt)
		n = max(0, min(n, d.block))
		d.inAt += int64(n)
		if err != nil || n < d.block {
			d.inEnded = true
			if err != nil && !errors.Is(err, io.EOF) {
				d.inErr = err
			}
		}
	}
	clear(d.in[n*d.src.Channels():])
	if d.sink == nil {
		return
	}
	took := d.sink.WriteInput(d.in)
	took = max(0, min(took, d.block))
	d.captured.Add(uint64(d.block))
	d.dropped.Add(uint64(d.block - took))
}

// InputErr returns the error that ended the input early: the source's
// first read error other than io.EOF, or nil. Call it on the goroutine
// that pulls.
func (d *Device) InputErr() error { return d.inErr }

// InputChannels returns how many channels the input has: those of the
// source given to Feed, or 0 for none (audio.Capturer).
func (d *Device) InputChannels() int {
	if d.src == nil {
		return 0
	}
	return d.src.Channels()
}

// Capture hands the input to sink from now on (audio.Capturer); the
// source is Feed's. Without one there is no input and sink gets nothing.
// Call it before Start, on the goroutine that pulls.
func (d *Device) Capture(sink audio.InputSink) { d.sink = sink }

// Latency returns zero both ways: on a virtual clock, input frame k is
// rendered frame k (audio.Capturer). `gridbox render` simulates a
// latency with its own setting.
func (d *Device) Latency() (in, out time.Duration) { return 0, 0 }

// InputStats returns the frames handed to the sink and those it did not
// take, since Start (audio.Capturer); an offline input never overruns.
// Safe from any goroutine.
func (d *Device) InputStats() audio.InputStats {
	return audio.InputStats{Captured: d.captured.Load(), Dropped: d.dropped.Load()}
}
