package oto

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	eoto "github.com/ebitengine/oto/v3"

	"gridbox/audio"
	"gridbox/audio/internal/quiet"
	"gridbox/audio/ring"
)

const (
	lead       = 2                     // blocks the render goroutine keeps ahead of oto
	bufferTime = 20 * time.Millisecond // oto's device buffer and its player buffer
	priority   = 1                     // SCHED_FIFO priority asked for the render thread
	readyWait  = 10 * time.Second      // longest wait for oto to reach PulseAudio or ALSA
)

// The process's one oto context (oto refuses a second NewContext, even after
// a failure). Guarded by ctxMu; control side only.
var (
	ctxMu     sync.Mutex
	ctx       *eoto.Context
	ctxErr    error
	ctxFormat audio.Format
	ctxInUse  bool
	ctxLog    string // what libasound printed while oto started
)

// Log returns what oto's backends printed to stderr while the context
// started (normally hidden), for a --verbose diagnostic.
func Log() string {
	ctxMu.Lock()
	defer ctxMu.Unlock()
	return ctxLog
}

// noDeviceError is audio.ErrNoDevice with a sentence the user can act on; the
// cause stays reachable through errors.Is/As.
type noDeviceError struct {
	msg   string
	cause error
}

func (e *noDeviceError) Error() string   { return e.msg }
func (e *noDeviceError) Unwrap() []error { return []error{audio.ErrNoDevice, e.cause} }

const noDeviceText = "no audio output found for oto (no PulseAudio server and no usable ALSA device); use --audio null to run without sound"

// context returns the process's oto context for f, creating it on first use.
// Callers hold ctxMu.
func context(f audio.Format) (*eoto.Context, error) {
	if ctx == nil && ctxErr == nil {
		c, ready, err := eoto.NewContext(&eoto.NewContextOptions{
			SampleRate:   f.SampleRate,
			ChannelCount: f.Channels,
			Format:       eoto.FormatFloat32LE,
			BufferSize:   bufferTime,
		})
		if err == nil {
			ctxLog = quiet.Stderr("GRIDBOX_OTO_STDERR", func() {
				select {
				case <-ready:
					err = c.Err()
				case <-time.After(readyWait):
					err = fmt.Errorf("oto: no audio backend after %v", readyWait)
				}
			})
		}
		if err != nil {
			ctxErr = &noDeviceError{noDeviceText, err}
		} else {
			ctx, ctxFormat = c, f
		}
	}
	if ctxErr != nil {
		return nil, ctxErr
	}
	if f != ctxFormat {
		return nil, fmt.Errorf("oto: the process's audio context runs at %d Hz × %d channels, not %d × %d (oto allows one context per process)",
			ctxFormat.SampleRate, ctxFormat.Channels, f.SampleRate, f.Channels)
	}
	return ctx, nil
}

// Device is an audio.Device that plays through oto.
type Device struct {
	format audio.Format
	block  int
	rd     *reader
	filler *ring.Filler

	mu       sync.Mutex // control side: guards the fields below
	player   *eoto.Player
	warnings []string
	started  bool
	closed   bool
}

var _ audio.Device = (*Device)(nil)

// Open prepares an oto output for f with blocks of block frames (128 at
// 48 kHz is 2.667 ms). The first Open in a process starts oto's backend and
// waits for it; if neither PulseAudio nor ALSA is usable the error wraps
// audio.ErrNoDevice and reads as one sentence. Only one Device may be open at
// a time. Control side.
func Open(f audio.Format, block int) (*Device, error) {
	if block <= 0 || f.SampleRate <= 0 || f.Channels <= 0 {
		return nil, fmt.Errorf("oto: bad format %+v or block %d", f, block)
	}
	ctxMu.Lock()
	defer ctxMu.Unlock()
	if ctxInUse {
		return nil, errors.New("oto: a Device is already open; close it first")
	}
	c, err := context(f)
	if err != nil {
		return nil, err
	}
	if err := c.Resume(); err != nil {
		// The context's connection to the sound server is gone, and oto
		// allows no second context.
		return nil, fmt.Errorf("oto: resume: %w; %w", err, audio.ErrRestart)
	}
	cfg := ring.Config{Format: f, Block: block, Lead: lead, Priority: priority}
	r := ring.New(cfg.Frames(), f.Channels)
	rd := newReader(r, block)
	d := &Device{format: f, block: block, rd: rd, filler: ring.NewFiller(r, cfg)}
	d.player = c.NewPlayer(rd)
	d.player.SetBufferSize(int(f.Frames(bufferTime)) * f.Channels * 4)
	rd.player.Store(d.player)
	ctxInUse = true
	return d, nil
}

// Format returns the device's format.
func (d *Device) Format() audio.Format { return d.format }

// String names the output.
func (d *Device) String() string { return "the system's default output (oto)" }

// Start launches the render goroutine, waits until the ring holds the lead,
// and starts the player. Control side.
func (d *Device) Start(r audio.Renderer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.closed:
		return errors.New("oto: Start after Close")
	case d.started:
		return errors.New("oto: already started")
	case r == nil:
		return errors.New("oto: nil Renderer")
	}
	if w := d.filler.Start(r); w != "" {
		d.warnings = append(d.warnings, w)
	}
	d.player.Play()
	d.started = true
	return nil
}

// Warnings returns notes such as a refused SCHED_FIFO priority.
func (d *Device) Warnings() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.warnings...)
}

// Stats returns the counters (see the package doc for what Underruns,
// LateWakes and MaxInterval mean with oto). Safe from any goroutine.
func (d *Device) Stats() audio.DeviceStats {
	fs := d.filler.Stats()
	return audio.DeviceStats{
		Blocks:      fs.Blocks,
		Played:      d.rd.played.Load(),
		Underruns:   d.rd.underruns.Load(),
		LateWakes:   fs.LateWakes,
		MaxInterval: time.Duration(d.rd.maxGap.Load()),
		Load:        fs.Load,
		MaxLoad:     fs.MaxLoad,
	}
}

// Close stops the player, then the render goroutine, and suspends oto's
// context. Render is not called after Close returns. Control side.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	// Waits for a Read in flight; oto never reads rd again (oto #288).
	d.player.PauseAndStopReading()
	d.filler.Stop()
	ctxMu.Lock()
	defer ctxMu.Unlock()
	ctxInUse = false
	return ctx.Suspend()
}

// reader is the io.Reader oto pulls from: the ring's consumer. Read runs on
// oto's mux goroutine and never blocks or allocates.
type reader struct {
	ring    *ring.Ring
	block   int                         // frames
	scratch []float32                   // Read's staging area; owned by oto's mux goroutine
	player  atomic.Pointer[eoto.Player] // to ask oto how much it still holds

	last      time.Time // latest Read that returned audio; mux goroutine only
	underruns atomic.Uint64
	maxGap    atomic.Int64
	played    atomic.Uint64 // frames Read has returned
}

func newReader(r *ring.Ring, block int) *reader {
	return &reader{ring: r, block: block, scratch: make([]float32, r.Cap()*r.Channels())}
}

// Read fills p with as many whole frames from the ring as fit, as
// little-endian float32, and returns 0, nil when the ring is empty (oto then
// retries a millisecond later). Only when the ring is empty does it ask oto
// how much it still buffers, which takes the player's lock; that is oto's
// goroutine, never the render goroutine.
func (r *reader) Read(p []byte) (int, error) {
	ch := r.ring.Channels()
	frames := min(len(p)/(4*ch), r.ring.Cap())
	n := r.ring.Read(r.scratch[:frames*ch])
	now := time.Now()
	if n == 0 {
		if pl := r.player.Load(); pl != nil && pl.BufferedSize() < r.block*ch*4 {
			r.underruns.Add(1)
		}
		return 0, nil
	}
	if !r.last.IsZero() {
		if gap := int64(now.Sub(r.last)); gap > r.maxGap.Load() {
			r.maxGap.Store(gap)
		}
	}
	r.last = now
	r.played.Add(uint64(n))
	for i, v := range r.scratch[:n*ch] {
		b := math.Float32bits(v)
		p[4*i] = byte(b)
		p[4*i+1] = byte(b >> 8)
		p[4*i+2] = byte(b >> 16)
		p[4*i+3] = byte(b >> 24)
	}
	return n * ch * 4, nil
}
