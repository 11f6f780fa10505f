package offline

import (
	"errors"
	"fmt"
	"sync/atomic"

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
}

var _ audio.Device = (*Device)(nil)

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
