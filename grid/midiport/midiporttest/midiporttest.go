// Package midiporttest holds a fake MIDI device as gomidi's drivers see
// one: a driver listing one duplex port, whose input delivers what the test
// sends as the device and whose output takes what the host writes. Unlike
// gomidi's testdrv loopback, the host's own output never comes back as
// input (a Launchpad's LED messages are the same notes as its presses), and
// it is safe for concurrent use.
//
// It stands in for rtmidi on machines without an ALSA sequencer: the host
// code above the driver (midiport's Stream, the Launchpad driver, hot plug)
// is the real one.
package midiporttest

import (
	"sync"

	"gitlab.com/gomidi/midi/v2/drivers"
)

// A Device is one MIDI device on a fake port. Its methods are safe from any
// goroutine.
type Device struct {
	name string

	mu       sync.Mutex
	inOpen   bool
	outOpen  bool
	listener func(msg []byte, ms int32) // the host's, while it listens
	written  int                        // messages the host wrote
	msgs     [][]byte                   // and their bytes
	onWrite  func(msg []byte)
	gone     bool // unplugged: the driver lists no port
}

// New returns a device whose input and output are both called name, as
// rtmidi names the two halves of a duplex ALSA port.
func New(name string) *Device { return &Device{name: name} }

// Driver returns a driver listing the device's input and output, for
// midiport.List and scan.Launchpads.
func (d *Device) Driver() drivers.Driver { return driver{d} }

// Send makes the device send msg, one complete MIDI message: when the host
// listens, its listener runs on the calling goroutine with msg, and has
// returned when Send does, as rtmidi's input thread calls it on arrival.
// It reports whether the host was listening. Send holds the device's lock
// while the listener runs, so a host that stops listening waits for it.
func (d *Device) Send(msg []byte) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.listener == nil || !d.inOpen || d.gone {
		return false
	}
	d.listener(msg, 0)
	return true
}

// Listening reports whether the host listens to the device's input.
func (d *Device) Listening() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.listener != nil && d.inOpen
}

// Written returns how many messages the host has written to the device.
func (d *Device) Written() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.written
}

// Messages returns copies of the messages the host has written, oldest
// first.
func (d *Device) Messages() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([][]byte, len(d.msgs))
	for i, m := range d.msgs {
		out[i] = append([]byte(nil), m...)
	}
	return out
}

// OnWrite makes f see every message the host writes from now on, as it
// arrives, on the writing goroutine and under the device's lock (f must
// not call the device); f must not retain msg. nil stops it.
func (d *Device) OnWrite(f func(msg []byte)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.onWrite = f
}

// Unplug takes the device away: the driver lists no port, and the host's
// writes and opens fail, until Plug. The host's open ports stay open (as
// rtmidi's do: the host finds out by listing).
func (d *Device) Unplug() { d.plug(true) }

// Plug brings the device back after Unplug.
func (d *Device) Plug() { d.plug(false) }

func (d *Device) plug(gone bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gone = gone
}

func (d *Device) present() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.gone
}

type driver struct{ d *Device }

func (v driver) Ins() ([]drivers.In, error) {
	if !v.d.present() {
		return nil, nil
	}
	return []drivers.In{in(v)}, nil
}

func (v driver) Outs() ([]drivers.Out, error) {
	if !v.d.present() {
		return nil, nil
	}
	return []drivers.Out{out(v)}, nil
}
func (v driver) String() string { return "midiporttest" }
func (v driver) Close() error   { return nil }

type in struct{ d *Device }

func (p in) Open() error {
	if !p.d.present() {
		return drivers.ErrPortClosed
	}
	p.set(&p.d.inOpen, true)
	return nil
}

func (p in) Close() error            { p.set(&p.d.inOpen, false); return nil }
func (p in) IsOpen() bool            { return p.get(&p.d.inOpen) }
func (p in) Number() int             { return 0 }
func (p in) String() string          { return p.d.name }
func (p in) Underlying() interface{} { return nil }

func (p in) set(b *bool, v bool) {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	*b = v
}

func (p in) get(b *bool) bool {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	return *b
}

// Listen starts delivering the device's messages to onMsg; the returned
// function stops it, waiting for a delivery in progress.
func (p in) Listen(onMsg func(msg []byte, ms int32), _ drivers.ListenConfig) (func(), error) {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	if !p.d.inOpen {
		return nil, drivers.ErrPortClosed
	}
	p.d.listener = onMsg
	return func() {
		p.d.mu.Lock()
		defer p.d.mu.Unlock()
		p.d.listener = nil
	}, nil
}

type out struct{ d *Device }

func (p out) Open() error {
	if !p.d.present() {
		return drivers.ErrPortClosed
	}
	in(p).set(&p.d.outOpen, true)
	return nil
}

func (p out) Close() error            { in(p).set(&p.d.outOpen, false); return nil }
func (p out) IsOpen() bool            { return in(p).get(&p.d.outOpen) }
func (p out) Number() int             { return 0 }
func (p out) String() string          { return p.d.name }
func (p out) Underlying() interface{} { return nil }

// Send takes a message the host writes to the device and counts it.
func (p out) Send(msg []byte) error {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	if !p.d.outOpen || p.d.gone {
		return drivers.ErrPortClosed
	}
	p.d.written++
	p.d.msgs = append(p.d.msgs, append([]byte(nil), msg...))
	if p.d.onWrite != nil {
		p.d.onWrite(msg)
	}
	return nil
}
