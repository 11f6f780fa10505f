// Package launchpadtest holds a simulated Launchpad for tests: the far end
// of the MIDI port a launchpad.Controller talks to. It speaks the real
// protocol bytes in both directions (protocols.md §0, §2), so a driver
// tested against it is tested against the wire format, not against a
// Go-level fake. Its LED interpreters are written from the protocol notes,
// not from the package's Encoder, so they double as the oracle of the
// encoder's round-trip test. Models that scroll text record the text they
// are sent (Text) and, where the real model reports the end of a text, send
// that report when the test finishes the text (FinishText) or a set time
// after it started (SetTextDuration).
//
// # Threads
//
// A Device is safe for concurrent use: the driver's reader goroutine blocks
// in Read while its LED goroutine calls Write and the test presses buttons.
// Its lock is private.
package launchpadtest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"gridbox/grid/gridtest"
	"gridbox/grid/launchpad"
)

// ErrUnplugged is what Write returns after Unplug, as a MIDI port whose
// device has gone returns ENODEV.
var ErrUnplugged = errors.New("launchpadtest: device unplugged")

// ErrWrite is what Write returns while FailWrites is in effect.
var ErrWrite = errors.New("launchpadtest: write failed")

// A Device is a simulated Launchpad on an in-memory, full-duplex MIDI port.
// It implements io.ReadWriteCloser. Bytes written to it are split into MIDI
// messages (running status, SysEx and interleaved realtime bytes included)
// and applied to its LEDs; bytes read from it are its button messages and
// whatever the test injects with Send.
type Device struct {
	// Wire carries device → host bytes and the port's life: Read, Close,
	// Send (raw bytes, for tests of a noisy or corrupt stream: a clock
	// flood, pressure, junk SysEx), Unplug (reads end in io.EOF, writes
	// fail with ErrUnplugged), SetMaxRead and Closed.
	*gridtest.Wire
	m launchpad.Model

	mu       sync.Mutex
	out      splitter // host → device, an incomplete message
	sim      sim
	writes   int // bytes the host has written
	clocks   int // F8 bytes the host has written
	messages int // complete messages the host has written
	fail     int // writes still to fail
	errs     []error
	text     textState
}

// New returns a simulated device of model m, all LEDs off. It panics on an
// invalid model: a programmer error in the test.
func New(m launchpad.Model) *Device {
	if !m.Valid() {
		panic("launchpadtest: New: invalid model " + m.String())
	}
	return &Device{Wire: gridtest.NewWire(), m: m, sim: newSim(m)}
}

// Model returns the device's model.
func (d *Device) Model() launchpad.Model { return d.m }

// Write takes host → device bytes. Each complete message is applied at
// once; a message split across writes is applied when its last byte
// arrives. Messages the model does not understand are recorded for Err, as
// a device would ignore them. Realtime bytes (F8 clock to time the blinking)
// are accepted anywhere and ignored. A scrolling-text message on a model
// that has them starts or stops the device's Text; LED messages sent while
// a text scrolls are applied to the LEDs under it, which the device shows
// again once the text is over.
func (d *Device) Write(b []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.WriteErr(ErrUnplugged); err != nil {
		return 0, err
	}
	if d.fail > 0 {
		d.fail--
		return 0, ErrWrite
	}
	d.writes += len(b)
	for _, c := range b {
		if c == 0xF8 {
			d.clocks++
		}
		msg, err := d.out.feed(c)
		if err != nil {
			d.errs = append(d.errs, err)
		}
		if msg == nil {
			continue
		}
		d.messages++
		if bytes.Equal(msg, launchpad.InquiryRequest()) {
			if fam, ok := inquiryFamily[d.m]; ok {
				d.Send([]byte{0xF0, 0x7E, 0x00, 0x06, 0x02, 0x00, 0x20, 0x29, byte(fam & 0x7F), byte(fam >> 8),
					0x00, 0x00, 0x00, 0x01, 0x03, 0x08, 0xF7})
			}
			continue
		}
		if ok, err := d.applyText(msg); ok {
			if err != nil {
				d.errs = append(d.errs, fmt.Errorf("%v: text % X: %w", d.m, msg, err))
			}
			continue
		}
		if err := d.sim.apply(msg); err != nil {
			d.errs = append(d.errs, fmt.Errorf("%v: % X: %w", d.m, msg, err))
		}
	}
	return len(b), nil
}

// inquiryFamily is what each model answers a Universal Device Inquiry
// with (protocols.md §1.3); the original Launchpad and the Mini MK1/MK2 do
// not answer. Replies carry member 0 and firmware 138.
var inquiryFamily = map[launchpad.Model]uint16{
	launchpad.LaunchpadS:       0x0020,
	launchpad.LaunchpadMK2:     0x0069,
	launchpad.LaunchpadPro:     0x0051,
	launchpad.LaunchpadX:       0x0103,
	launchpad.LaunchpadMiniMK3: 0x0113,
	launchpad.LaunchpadProMK3:  0x0123,
}

// Press makes the device report b going down with velocity 127. It does
// nothing for a position that is no button of the model (the logo LED) and
// once the device is unplugged.
func (d *Device) Press(b launchpad.Button) { d.PressVelocity(b, 127) }

// PressVelocity makes the device report b going down, hit with velocity v
// (clamped to 1–127). As on the hardware, only the pads of
// velocity-sensitive models send v; every other button sends 127.
func (d *Device) PressVelocity(b launchpad.Button, v uint8) {
	v = min(max(v, 1), 127)
	if !d.m.VelocitySensitive() || !b.Pad() {
		v = 127
	}
	d.button(b, v)
}

// Release makes the device report b going up: 90 n 00 for a note, B0 n 00
// for a CC (protocols.md §2).
func (d *Device) Release(b launchpad.Button) { d.button(b, 0) }

func (d *Device) button(b launchpad.Button, v uint8) {
	st, n, ok := Address(d.m, b)
	if !ok || b == launchpad.Logo {
		return
	}
	d.Send([]byte{st, n, v})
}

// PressBytes returns the bytes the device sends for a press of b with
// velocity v (no clamping), or nil if b is no button of the model.
func PressBytes(m launchpad.Model, b launchpad.Button, v uint8) []byte {
	st, n, ok := Address(m, b)
	if !ok || b == launchpad.Logo {
		return nil
	}
	return []byte{st, n, v}
}

// FailWrites makes the next n writes fail with ErrWrite, applying nothing.
func (d *Device) FailWrites(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.fail = n
}

// State returns what the LED at b shows, in device units: the zero State
// (off) where the model has no LED.
func (d *Device) State(b launchpad.Button) State {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.m.HasLED(b) {
		return State{}
	}
	return d.sim.state(b)
}

// Light returns what the LED at b shows as a Light: red/green levels
// scaled to 0–255 (0, 85, 170, 255), RGB components scaled back from the
// model's range, and a flashing or pulsing LED's palette colour. A State
// the protocol cannot produce (State.Bad) shows as flashing white.
func (d *Device) Light(b launchpad.Button) launchpad.Light {
	return d.State(b).Light(d.m)
}

// Clocks returns how many MIDI clock ticks (F8) the host has sent.
func (d *Device) Clocks() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.clocks
}

// Writes returns how many bytes the host has written.
func (d *Device) Writes() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.writes
}

// Messages returns how many complete messages the host has written.
func (d *Device) Messages() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.messages
}

// Err returns every protocol error in what the host wrote (a message the
// model does not understand, a SysEx cut short, a stray data byte, an
// incomplete message at the end), joined; nil if there was none. Tests
// check it is nil.
func (d *Device) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	errs := d.errs
	if p := d.out.pending(); len(p) > 0 {
		errs = append(errs[:len(errs):len(errs)], fmt.Errorf("launchpadtest: incomplete message % X", p))
	}
	return errors.Join(errs...)
}

// splitter splits a host → device byte stream into MIDI messages.
type splitter struct {
	msg     []byte // the message in progress, from its status byte
	running byte   // running status for channel messages; 0 for none
	sysex   bool
}

// feed takes the next byte; it returns a complete message (valid until the
// next call), or nil, and an error for a byte that cannot be placed.
func (s *splitter) feed(c byte) ([]byte, error) {
	switch {
	case c >= 0xF8: // realtime: anywhere, no effect
		return nil, nil
	case s.sysex && c < 0x80:
		s.msg = append(s.msg, c)
		return nil, nil
	case s.sysex && c == 0xF7:
		s.sysex = false
		msg := append(s.msg, c)
		s.msg = s.msg[:0]
		return msg, nil
	}
	var err error
	if s.sysex { // a status byte cuts the SysEx short
		err = fmt.Errorf("launchpadtest: SysEx cut short by %02X: % X", c, s.msg)
		s.sysex, s.msg = false, s.msg[:0]
	}
	switch {
	case c == 0xF0:
		if len(s.msg) > 0 {
			err = errors.Join(err, fmt.Errorf("launchpadtest: message cut short: % X", s.msg))
		}
		s.sysex, s.running, s.msg = true, 0, append(s.msg[:0], c)
		return nil, err
	case c >= 0xF0:
		s.running, s.msg = 0, s.msg[:0]
		return nil, errors.Join(err, fmt.Errorf("launchpadtest: unexpected system message %02X", c))
	case c >= 0x80:
		if len(s.msg) > 0 {
			err = errors.Join(err, fmt.Errorf("launchpadtest: message cut short: % X", s.msg))
		}
		s.running, s.msg = c, append(s.msg[:0], c)
		return nil, err
	}
	if len(s.msg) == 0 {
		if s.running == 0 {
			return nil, errors.Join(err, fmt.Errorf("launchpadtest: stray data byte %02X", c))
		}
		s.msg = append(s.msg, s.running)
	}
	s.msg = append(s.msg, c)
	need := 3
	if k := s.msg[0] & 0xF0; k == 0xC0 || k == 0xD0 {
		need = 2
	}
	if len(s.msg) < need {
		return nil, err
	}
	msg := s.msg
	s.msg = s.msg[:0] // msg stays intact until the next call
	return msg, err
}

// pending returns the bytes of an unfinished message.
func (s *splitter) pending() []byte { return bytes.Clone(s.msg) }
