package show

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"gridbox/grid"
	"gridbox/grid/launchpad"
	"gridbox/grid/monome"
	"gridbox/perfscript"
)

// A scripted controller is a performance script's "midi MODEL …" or
// "serial MODEL …" device: the real driver of that model over a virtual
// port whose far end is the script. It is plugged in at time 0.
type scripted struct {
	id    string // "midi launchpad-x", "serial monome-128"
	model string
	port  *vport
	c     grid.Controller
}

// scriptedID names the scripted controller of an event.
func scriptedID(e perfscript.Event) string { return e.Kind.String() + " " + e.Model }

// openScripted opens the controllers a script's midi and serial lines
// play, in the order they first appear, logging their traffic to l.
func openScripted(events []perfscript.Event, l *ctrlLog) ([]*scripted, error) {
	var out []*scripted
	seen := map[string]bool{}
	for _, e := range events {
		if e.Kind != perfscript.MIDI && e.Kind != perfscript.Serial || seen[scriptedID(e)] {
			continue
		}
		seen[scriptedID(e)] = true
		s, err := openOneScripted(e, l)
		if err != nil {
			for _, o := range out {
				o.c.Close()
			}
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func openOneScripted(e perfscript.Event, l *ctrlLog) (*scripted, error) {
	s := &scripted{id: scriptedID(e), model: e.Model, port: newVport()}
	port := &logged{ReadWriteCloser: s.port, l: l, model: e.Model}
	var err error
	switch e.Kind {
	case perfscript.MIDI:
		var m launchpad.Model
		if m, err = launchpad.ParseModel(e.Model); err == nil {
			s.c, err = launchpad.Open(m, port, "script")
		}
	case perfscript.Serial:
		var m monome.Model
		if m, err = monome.ParseModel(e.Model); err == nil {
			// The virtual grid answers the mext handshake at once.
			cols, rows := m.Size()
			reply := fmt.Appendf(nil, "\x01%-32s", "script") // the ID, space-padded
			s.port.preload(append(reply, 0x03, byte(cols), byte(rows)))
			s.c, err = monome.Open(port, "script", monome.Config{})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("script line %d: %s %s: %w", e.Line, e.Kind, e.Model, err)
	}
	return s, nil
}

// feed sends the script's bytes to the driver and returns the pads they
// made, once the driver has handled them all (it asks for more). The pads
// are collected even when feeding fails; gone reports that the driver
// closed its Pads (it judged the device gone, e.g. a phantom flood).
func (s *scripted) feed(b []byte) (pads []grid.Pad, gone bool, err error) {
	err = s.port.feed(b)
	// The driver closed its port: it releases what was held and closes
	// Pads (grid's rule 2), so wait for all of it.
	wait := errors.Is(err, io.ErrClosedPipe)
	if wait {
		err = nil
	}
	for {
		var p grid.Pad
		var ok bool
		if wait {
			p, ok = <-s.c.Pads()
		} else {
			select {
			case p, ok = <-s.c.Pads():
			default:
				return pads, false, err
			}
		}
		if !ok {
			return pads, true, err
		}
		pads = append(pads, p)
	}
}

// vport is a virtual device port: Read hands the driver what feed gives
// it, and feed returns when the driver's reader has come back for more,
// so every byte fed has been parsed and its pads are on the Pads channel.
// Chunks are numbered so that a late acknowledgement (after a feed gave up
// waiting) is never taken for the next chunk's. Writes (the driver's LED
// output) go nowhere.
type vport struct {
	in     chan chunk
	ack    chan int
	closed chan struct{}
	once   sync.Once
	sent   int // chunks fed; the feeding goroutine's

	// Owned by the driver's reading goroutine (one at a time).
	pending []byte
	owed    int // the chunk to acknowledge on the next Read; 0 = none
}

type chunk struct {
	n int
	b []byte
}

func newVport() *vport {
	return &vport{in: make(chan chunk), ack: make(chan int, 1), closed: make(chan struct{})}
}

// preload queues bytes for the first Reads, without acknowledgement (a
// grid's handshake replies).
func (p *vport) preload(b []byte) { p.pending = append(p.pending, b...) }

// errStuck means a driver stopped reading its port.
var errStuck = errors.New("controller driver stopped reading")

func (p *vport) feed(b []byte) error {
	p.sent++
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case p.in <- chunk{p.sent, b}:
	case <-p.closed:
		return io.ErrClosedPipe
	case <-t.C:
		return errStuck
	}
	for {
		select {
		case n := <-p.ack:
			if n == p.sent {
				return nil
			}
		case <-p.closed:
			return io.ErrClosedPipe
		case <-t.C:
			return errStuck
		}
	}
}

func (p *vport) Read(b []byte) (int, error) {
	if len(p.pending) == 0 {
		if p.owed != 0 {
			select {
			case p.ack <- p.owed:
			case <-p.closed:
				return 0, io.EOF
			}
			p.owed = 0
		}
		select {
		case c := <-p.in:
			p.pending, p.owed = c.b, c.n
		case <-p.closed:
			return 0, io.EOF
		}
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}
func (p *vport) Write(b []byte) (int, error) {
	select {
	case <-p.closed:
		return 0, io.ErrClosedPipe
	default:
		return len(b), nil
	}
}

func (p *vport) Close() error {
	p.once.Do(func() { close(p.closed) })
	return nil
}
