package midiport

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"gitlab.com/gomidi/midi/v2/drivers"
)

const (
	// BufferSize is how many bytes of received messages a Stream holds for
	// Read. A message that does not fit is dropped whole and counted in
	// Stats; a Launchpad sends a few bytes per press, so only a reader that
	// has stopped reading fills it.
	BufferSize = 64 << 10

	// MaxSysEx is the longest SysEx, F0 and F7 included, a Stream can
	// receive: it is the SysEx buffer Open gives gomidi's listener. gomidi
	// panics on a longer one (see the package documentation); the
	// Launchpads' replies are under 100 bytes.
	MaxSysEx = 64 << 10
)

// Errors of a Stream's Write.
var (
	// ErrMessage: Write was given something other than one complete MIDI
	// message. Nothing was sent.
	ErrMessage = errors.New("midiport: not one complete MIDI message")
	// ErrClosed: the Stream is closed.
	ErrClosed = errors.New("midiport: stream closed")
	// ErrGone: Gone has marked the device as unplugged.
	ErrGone = errors.New("midiport: device gone")
)

// Stats counts what a Stream's listener did with the device's messages.
type Stats struct {
	Messages uint64 // messages buffered for Read
	Dropped  uint64 // messages dropped whole because the buffer was full
}

// state is a Stream's life: open, then gone (unplugged) or closed.
type state uint8

const (
	stOpen state = iota
	stGone
	stClosed
)

// A Stream is an opened Port as one byte stream: Read yields the device's
// messages as raw MIDI bytes, Write sends one message, Close ends both. It
// implements io.ReadWriteCloser with the contract launchpad.Open asks of
// its port: Read blocks until bytes arrive and returns io.EOF once the
// stream is closed or the device is gone.
//
// Threads: the driver's input goroutine runs the listener, which only
// copies into the ring; one reader goroutine calls Read; Write, Close, Gone
// and Stats may be called from any goroutine.
type Stream struct {
	in   drivers.In
	out  drivers.Out
	stop func() // stops the listener

	// wmu serialises every call into in and out after Open (Out.Send, the
	// stop function, In.Close, Out.Close): gomidi ports are not safe for
	// concurrent use. It is taken before mu, never after.
	wmu sync.Mutex

	mu    sync.Mutex
	cond  sync.Cond // on mu: signalled when bytes arrive or state changes
	st    state
	ring  []byte // BufferSize bytes; n bytes from head, wrapping
	head  int
	n     int
	stats Stats
}

// Open opens p's input and output and returns them as one Stream, listening
// already: the device's messages are buffered from now on, whether or not
// anyone reads. It asks gomidi for everything: SysEx up to MaxSysEx bytes,
// MIDI clock, time code and active sensing (launchpad's Parser drops what it
// does not use). The Stream owns p's ports from then on; when Open fails it
// closes what it opened.
func Open(p Port) (*Stream, error) {
	if p.In == nil || p.Out == nil {
		return nil, fmt.Errorf("midiport: open %q: want both an input and an output", p.Name)
	}
	if err := p.In.Open(); err != nil {
		return nil, fmt.Errorf("midiport: open %q: input: %w", p.Name, err)
	}
	if err := p.Out.Open(); err != nil {
		p.In.Close()
		return nil, fmt.Errorf("midiport: open %q: output: %w", p.Name, err)
	}
	s := &Stream{in: p.In, out: p.Out, ring: make([]byte, BufferSize)}
	s.cond.L = &s.mu
	stop, err := p.In.Listen(s.receive, drivers.ListenConfig{
		TimeCode:        true,
		ActiveSense:     true,
		SysEx:           true,
		SysExBufferSize: MaxSysEx,
	})
	if err != nil {
		p.In.Close()
		p.Out.Close()
		return nil, fmt.Errorf("midiport: open %q: listen: %w", p.Name, err)
	}
	s.stop = stop
	return s, nil
}

// receive is the listener. gomidi calls it on the driver's input goroutine
// with one complete message, which it may reuse after receive returns. It
// must not block, so it copies msg into the ring or, when msg does not fit
// whole, drops it: a partial message would corrupt the stream.
func (s *Stream) receive(msg []byte, _ int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st != stOpen {
		return
	}
	if len(msg) > len(s.ring)-s.n {
		s.stats.Dropped++
		return
	}
	tail := (s.head + s.n) % len(s.ring)
	c := copy(s.ring[tail:], msg)
	copy(s.ring, msg[c:])
	s.n += len(msg)
	s.stats.Messages++
	s.cond.Broadcast()
}

// Read copies buffered bytes into p, oldest first, and returns how many. It
// blocks while nothing is buffered. Messages come in the order the device
// sent them, never interleaved; a message longer than p continues in the
// next Read. Once Gone has been called Read returns what is still buffered
// (real input: a release just before the unplug, say), then 0, io.EOF; once
// the Stream is closed it returns 0, io.EOF at once, having discarded the
// buffer, since its owner wants nothing more. Read does not retain p. Call
// it from one goroutine, the reader.
func (s *Stream) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.n == 0 && s.st == stOpen {
		s.cond.Wait()
	}
	if s.n == 0 {
		return 0, io.EOF
	}
	m := min(len(p), s.n)
	k := copy(p[:m], s.ring[s.head:])
	copy(p[k:m], s.ring) // the part that wrapped, if any
	s.head = (s.head + m) % len(s.ring)
	s.n -= m
	return m, nil
}

// Write sends p, which must be exactly one complete MIDI message: a status
// byte and the data bytes its status calls for, or a SysEx from F0 to its
// F7. It returns len(p), nil once Out.Send has accepted p, and does not
// retain p. Writes are serialised with each other and with Close, so any
// goroutine may call it. Errors: ErrMessage (wrapped) for a malformed p,
// sending nothing; ErrClosed after Close; ErrGone after Gone; any error from
// Out.Send, wrapped, after which treat the device as gone.
func (s *Stream) Write(p []byte) (int, error) {
	if err := validate(p); err != nil {
		return 0, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	st := s.st
	s.mu.Unlock()
	switch st {
	case stClosed:
		return 0, ErrClosed
	case stGone:
		return 0, ErrGone
	}
	if err := s.out.Send(p); err != nil {
		return 0, fmt.Errorf("midiport: send: %w", err)
	}
	return len(p), nil
}

// Close stops the listener, closes the input and the output, and wakes a
// blocked Read, which returns io.EOF; what was buffered is discarded. It
// returns the ports' Close errors. It may be called from any goroutine, also
// after Gone; a second Close does nothing and returns nil.
func (s *Stream) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if s.st == stClosed {
		s.mu.Unlock()
		return nil
	}
	s.st = stClosed
	s.n = 0
	s.cond.Broadcast()
	s.mu.Unlock()

	// Outside mu: rtmidi's input thread may be in the listener, waiting
	// for mu, and closing the input waits for that thread. gomidi wants
	// listening stopped before the port closes.
	s.stop()
	var errs []error
	if err := s.in.Close(); err != nil {
		errs = append(errs, fmt.Errorf("midiport: close input: %w", err))
	}
	if err := s.out.Close(); err != nil {
		errs = append(errs, fmt.Errorf("midiport: close output: %w", err))
	}
	return errors.Join(errs...)
}

// Gone marks the device as unplugged, for a hot-plug watcher: rtmidi does
// not report an unplug, so the watcher polls List and calls Gone when the
// stream's port name has disappeared. Read then returns what is still
// buffered, then io.EOF (launchpad's reader takes that as the unplug and
// closes the stream); Write returns ErrGone; messages still arriving are
// discarded. Gone leaves the ports open until Close. It may be called from
// any goroutine, any number of times; after Close it does nothing.
func (s *Stream) Gone() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == stOpen {
		s.st = stGone
		s.cond.Broadcast()
	}
}

// Stats returns the listener's counters. It may be called from any
// goroutine.
func (s *Stream) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// validate reports whether msg is exactly one complete MIDI message, as
// Write promises the driver (rtmidi hands each Send to ALSA as one event).
func validate(msg []byte) error {
	if len(msg) == 0 {
		return fmt.Errorf("%w: empty", ErrMessage)
	}
	data := msg[1:]
	switch n := msgLen(msg[0]); {
	case n < 0:
		return fmt.Errorf("%w: % X… does not start with a status byte that starts a message", ErrMessage, msg[:min(len(msg), 3)])
	case n == 0:
		if msg[len(msg)-1] != 0xF7 {
			return fmt.Errorf("%w: SysEx of %d bytes without its closing F7", ErrMessage, len(msg))
		}
		data = msg[1 : len(msg)-1]
	case len(msg) != n:
		return fmt.Errorf("%w: status %02X takes %d bytes, got %d", ErrMessage, msg[0], n, len(msg))
	}
	for i, b := range data {
		if b >= 0x80 {
			return fmt.Errorf("%w: status byte %02X inside the message at offset %d", ErrMessage, b, i+1)
		}
	}
	return nil
}

// msgLen returns the length of the message that status byte st starts: 3
// or 2 for channel messages, 1–3 for system common and realtime ones, 0 for
// a SysEx (its F7 ends it), and −1 for a byte that starts no message: a data
// byte, the undefined F4, F5, F9 and FD, or F7 on its own.
func msgLen(st byte) int {
	switch {
	case st < 0x80:
		return -1
	case st < 0xC0, st >= 0xE0 && st < 0xF0: // note off/on, poly pressure, CC; pitch bend
		return 3
	case st < 0xE0: // program change, channel pressure
		return 2
	}
	switch st {
	case 0xF0:
		return 0
	case 0xF1, 0xF3: // time code quarter frame, song select
		return 2
	case 0xF2: // song position
		return 3
	case 0xF6, 0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF: // tune request, realtime
		return 1
	}
	return -1
}
