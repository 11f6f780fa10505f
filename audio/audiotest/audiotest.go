// Package audiotest is a fake audio backend for tests of what happens when
// a sound card misbehaves: its devices play in real (or testing/synctest
// virtual) time like audio/null, and a test can make them fail the ways real
// ones do (PortAudio#930/#1074: callbacks stop silently; a USB card pulled
// out; PortAudio#535/#1037: a backend call that never returns).
//
// Everything blocks on channels or time.Sleep, never in a syscall, so a fake
// that hangs is "durably blocked" inside a synctest bubble and virtual time
// moves on around it.
//
// # Threading
//
// Backend methods are safe from any goroutine. Each Device runs one render
// goroutine, the only caller of its Renderer; Stats is safe anywhere.
package audiotest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gridbox/audio"
)

// A Backend opens fake devices; its Open has the shape of a supervisor's
// opener. Only one device is "plugged in" at a time.
type Backend struct {
	format audio.Format
	block  int

	mu        sync.Mutex
	name      string // the plugged-in device's name; "" when unplugged
	cur       *Device
	opens     []time.Time // when Open was called
	hangOpen  bool
	hangClose bool
	gone      bool          // Open fails with audio.ErrRestart
	burst     atomic.Int32  // blocks per callback burst (Burst)
	release   chan struct{} // closed by Release: hung calls return
}

// NewBackend returns a backend with one device called name plugged in,
// whose devices play f in blocks of block frames.
func NewBackend(f audio.Format, block int, name string) *Backend {
	return &Backend{format: f, block: block, name: name, release: make(chan struct{})}
}

// Open opens the plugged-in device, or fails with an error wrapping
// audio.ErrNoDevice when none is (audio.ErrRestart after Gone). After
// HangOpen it blocks until Release.
func (b *Backend) Open() (audio.Device, error) {
	b.mu.Lock()
	b.opens = append(b.opens, time.Now())
	hang, release := b.hangOpen, b.release
	b.mu.Unlock()
	if hang {
		<-release
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gone {
		return nil, fmt.Errorf("audiotest: the sound server is gone; %w", audio.ErrRestart)
	}
	if b.name == "" {
		return nil, fmt.Errorf("audiotest: %w (unplugged)", audio.ErrNoDevice)
	}
	d := &Device{b: b, format: b.format, block: b.block, name: b.name, hangClose: b.hangClose,
		quit: make(chan struct{}), done: make(chan struct{}), wake: make(chan struct{}, 1)}
	b.cur = d
	return d, nil
}

// Unplug pulls the device out: its callbacks stop (silently, as a USB card's
// do) and Open fails until Plug.
func (b *Backend) Unplug() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.name = ""
	if b.cur != nil {
		b.cur.Stall()
	}
}

// Plug plugs a device called name in (it may differ from the last one, as
// a replugged card's index or name does).
func (b *Backend) Plug(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.name = name
}

// Gone makes later Opens fail with an error wrapping audio.ErrRestart, as
// oto's do once its sound server has died.
func (b *Backend) Gone() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gone = true
}

// Burst makes the devices call back n blocks at once, back to back, every
// n periods, as PortAudio does on a JACK server whose period is n blocks.
func (b *Backend) Burst(n int) { b.burst.Store(int32(n)) }

// HangOpen makes later Opens block until Release.
func (b *Backend) HangOpen() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hangOpen = true
}

// HangClose makes later Closes, of devices opened from now on and of the
// current one, block until Release.
func (b *Backend) HangClose() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hangClose = true
	if b.cur != nil {
		b.cur.hangClose = true
	}
}

// Release lets every hung call return and ends the hanging.
func (b *Backend) Release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.hangOpen, b.hangClose = false, false
	close(b.release)
	b.release = make(chan struct{})
}

// Opens returns when Open was called, in order.
func (b *Backend) Opens() []time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Time(nil), b.opens...)
}

// Current returns the device opened last, or nil.
func (b *Backend) Current() *Device {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cur
}

// A Device renders one block per period on an absolute schedule, like
// audio/null, until it stalls or closes. Played counts the frames rendered;
// there is no lead, so the engine's position is exactly the frames played.
type Device struct {
	b         *Backend
	format    audio.Format
	block     int
	name      string
	hangClose bool // guarded by b.mu

	started, closed bool // control side
	stalled         atomic.Bool
	quit, done      chan struct{}
	wake            chan struct{} // Resume's signal to a stalled render goroutine
	blocks          atomic.Uint64
}

var _ audio.Device = (*Device)(nil)

// String returns the device's name as it was plugged in.
func (d *Device) String() string { return d.name }

// Format returns the device's format.
func (d *Device) Format() audio.Format { return d.format }

// Start launches the render goroutine; the first block renders at once.
func (d *Device) Start(r audio.Renderer) error {
	if d.started || d.closed {
		return errors.New("audiotest: Start twice or after Close")
	}
	d.started = true
	go d.run(r)
	return nil
}

func (d *Device) run(r audio.Renderer) {
	defer close(d.done)
	buf := make([]float32, d.block*d.format.Channels)
	start := time.Now()
	for n := int64(0); ; n++ {
		select {
		case <-d.quit:
			return
		case <-time.After(time.Until(start.Add(d.format.Duration(n * int64(d.block))))):
		}
		if d.stalled.Load() {
			select {
			case <-d.quit:
				return
			case <-d.wake: // and calls back for the periods it missed, back to back
			}
		}
		burst := max(int64(d.b.burst.Load()), 1)
		if (n+1)%burst != 0 {
			continue
		}
		for range burst {
			r.Render(buf)
			d.blocks.Add(1)
		}
	}
}

// Stall stops the callbacks silently from the next period on, as
// PortAudio's do when the stream dies without an error (PortAudio#930).
func (d *Device) Stall() { d.stalled.Store(true) }

// Resume makes a stalled device call back again, as a device that was only
// very late does: first once for each period it missed, back to back.
func (d *Device) Resume() {
	d.stalled.Store(false)
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Stats returns the blocks rendered and frames played.
func (d *Device) Stats() audio.DeviceStats {
	n := d.blocks.Load()
	return audio.DeviceStats{Blocks: n, Played: n * uint64(d.block)}
}

// Close stops the render goroutine and waits for it; after HangClose it
// first blocks until the Backend's Release.
func (d *Device) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	d.b.mu.Lock()
	hang, release := d.hangClose, d.b.release
	d.b.mu.Unlock()
	if hang {
		<-release
	}
	close(d.quit)
	if d.started {
		<-d.done
	}
	if d.stalled.Load() {
		return errors.New("audiotest: device gone")
	}
	return nil
}
