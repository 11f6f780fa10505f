package gridtest

import (
	"os"
	"sync"
	"time"

	"io"
)

// Wire is the device's end of an in-memory, full-duplex port, shared by the
// simulated controllers (launchpadtest, monometest): it carries the device →
// host bytes and the port's life (closed by the host, unplugged by the test).
// A simulator embeds it and adds Write, which decodes host → device bytes.
//
// For the host it behaves like an *os.File for a tty or a raw MIDI port:
// Read blocks until bytes arrive, the read deadline passes
// (os.ErrDeadlineExceeded), the host closes the port (os.ErrClosed), or the
// device is unplugged and everything it sent before has been read (io.EOF).
// It is safe for concurrent use; its lock is private. A simulator may call
// Wire's methods while holding its own lock; Wire never calls back.
type Wire struct {
	mu        sync.Mutex
	wake      chan struct{} // closed and replaced when a Read may proceed
	in        []byte        // device → host, not yet read
	maxRead   int
	deadline  time.Time
	unplugged bool
	closed    bool
}

// NewWire returns an open, connected wire.
func NewWire() *Wire { return &Wire{wake: make(chan struct{})} }

// signal wakes a blocked Read; call with w.mu held.
func (w *Wire) signal() {
	close(w.wake)
	w.wake = make(chan struct{})
}

// Read returns the bytes the device has sent and the host not yet read,
// blocking as the type's documentation says. Deadlines are on the real
// clock.
func (w *Wire) Read(p []byte) (int, error) {
	for {
		w.mu.Lock()
		switch {
		case w.closed:
			w.mu.Unlock()
			return 0, os.ErrClosed
		case len(w.in) > 0:
			if w.maxRead > 0 && len(p) > w.maxRead {
				p = p[:w.maxRead]
			}
			n := copy(p, w.in)
			w.in = w.in[n:]
			w.mu.Unlock()
			return n, nil
		case w.unplugged:
			w.mu.Unlock()
			return 0, io.EOF
		case !w.deadline.IsZero() && !time.Now().Before(w.deadline):
			w.mu.Unlock()
			return 0, os.ErrDeadlineExceeded
		}
		wake, dl := w.wake, w.deadline
		w.mu.Unlock()
		if dl.IsZero() {
			<-wake
			continue
		}
		t := time.NewTimer(time.Until(dl))
		select {
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// SetReadDeadline sets when a blocked Read gives up; the zero time means
// never.
func (w *Wire) SetReadDeadline(t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.deadline = t
	w.signal()
	return nil
}

// Close closes the host's end: a blocked Read returns os.ErrClosed. A second
// Close returns os.ErrClosed, as an *os.File does.
func (w *Wire) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return os.ErrClosed
	}
	w.closed = true
	w.signal()
	return nil
}

// Send makes the device send b to the host; nothing once the port is closed
// or the device unplugged.
func (w *Wire) Send(b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.unplugged || w.closed {
		return
	}
	w.in = append(w.in, b...)
	w.signal()
}

// Unplug makes the device go away: once the host has read what was already
// sent, Read returns io.EOF.
func (w *Wire) Unplug() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.unplugged = true
	w.signal()
}

// SetMaxRead caps the bytes one Read returns (0: no cap), so messages arrive
// split the way a slow port splits them.
func (w *Wire) SetMaxRead(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.maxRead = n
}

// Closed reports whether the host closed the port.
func (w *Wire) Closed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

// WriteErr returns what a Write from the host must fail with: os.ErrClosed
// after Close, unplugged after Unplug, nil otherwise.
func (w *Wire) WriteErr(unplugged error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.closed:
		return os.ErrClosed
	case w.unplugged:
		return unplugged
	}
	return nil
}
