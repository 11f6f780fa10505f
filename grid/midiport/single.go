package midiport

import (
	"fmt"
	"sync"

	"gitlab.com/gomidi/midi/v2/drivers"
)

// Driver is gomidi's driver interface, named here so that the packages
// above midiport (show's MIDI port manager) need not import gomidi.
type Driver = drivers.Driver

// An Output is one MIDI output port opened alone, for a synthesizer that
// gridbox plays (a Launchpad, which is both an input and an output, is a
// Stream). Write may be called from any goroutine, one call at a time
// into the port (it holds a lock); Close too.
type Output struct {
	name   string
	mu     sync.Mutex
	out    drivers.Out
	closed bool
}

// OpenOutput opens the first of drv's outputs named name. Call it from
// the goroutine that lists drv's ports (Names): gomidi drivers are not
// safe for concurrent use.
func OpenOutput(drv Driver, name string) (*Output, error) {
	_, outs, err := ports(drv)
	if err != nil {
		return nil, err
	}
	for _, o := range outs {
		if o.String() != name {
			continue
		}
		if err := o.Open(); err != nil {
			return nil, fmt.Errorf("midiport: open output %q: %w", name, err)
		}
		return &Output{name: name, out: o}, nil
	}
	return nil, fmt.Errorf("midiport: no output %q", name)
}

// Name returns the driver's name of the port.
func (o *Output) Name() string { return o.name }

// Write sends msg, exactly one complete MIDI message (as Stream.Write
// checks it); it does not retain msg. Errors: ErrMessage (wrapped),
// ErrClosed, or the driver's, after which take the port as gone.
func (o *Output) Write(msg []byte) error {
	if err := validate(msg); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return ErrClosed
	}
	if err := o.out.Send(msg); err != nil {
		return fmt.Errorf("midiport: send to %q: %w", o.name, err)
	}
	return nil
}

// Close closes the port; a second Close does nothing.
func (o *Output) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil
	}
	o.closed = true
	return o.out.Close()
}

// An Input is one MIDI input port opened alone: it calls its deliver
// function with every complete message the port receives (running status
// expanded, SysEx whole, clock and other realtime bytes as messages of
// their own), on the driver's input goroutine, which deliver must not
// hold up. Close may be called from any goroutine.
type Input struct {
	name   string
	mu     sync.Mutex
	in     drivers.In
	stop   func()
	closed bool
}

// OpenInput opens the first of drv's inputs named name and listens to it
// with deliver, which may reuse nothing of msg after it returns. Call it
// from the goroutine that lists drv's ports.
func OpenInput(drv Driver, name string, deliver func(msg []byte)) (*Input, error) {
	ins, _, err := ports(drv)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if in.String() != name {
			continue
		}
		if err := in.Open(); err != nil {
			return nil, fmt.Errorf("midiport: open input %q: %w", name, err)
		}
		stop, err := in.Listen(func(msg []byte, _ int32) { deliver(msg) }, drivers.ListenConfig{
			TimeCode: true, ActiveSense: true, SysEx: true, SysExBufferSize: MaxSysEx,
		})
		if err != nil {
			in.Close()
			return nil, fmt.Errorf("midiport: listen to %q: %w", name, err)
		}
		return &Input{name: name, in: in, stop: stop}, nil
	}
	return nil, fmt.Errorf("midiport: no input %q", name)
}

// Name returns the driver's name of the port.
func (i *Input) Name() string { return i.name }

// Close stops listening and closes the port; a second Close does nothing.
func (i *Input) Close() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.closed {
		return nil
	}
	i.closed = true
	i.stop()
	return i.in.Close()
}
