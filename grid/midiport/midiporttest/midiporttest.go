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
	if d.listener == nil || !d.inOpen {
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

type driver struct{ d *Device }

func (v driver) Ins() ([]drivers.In, error)   { return []drivers.In{in(v)}, nil }
func (v driver) Outs() ([]drivers.Out, error) { return []drivers.Out{out(v)}, nil }
func (v driver) String() string               { return "midiporttest" }
func (v driver) Close() error                 { return nil }

type in struct{ d *Device }

func (p in) Open() error             { p.set(&p.d.inOpen, true); return nil }
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

func (p out) Open() error             { in(p).set(&p.d.outOpen, true); return nil }
func (p out) Close() error            { in(p).set(&p.d.outOpen, false); return nil }
func (p out) IsOpen() bool            { return in(p).get(&p.d.outOpen) }
func (p out) Number() int             { return 0 }
func (p out) String() string          { return p.d.name }
func (p out) Underlying() interface{} { return nil }

// Send takes a message the host writes to the device and counts it.
func (p out) Send(msg []byte) error {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	if !p.d.outOpen {
		return drivers.ErrPortClosed
	}
	p.d.written++
	return nil
}
