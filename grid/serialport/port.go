package serialport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.bug.st/serial"
)

// baud is the speed of every monome grid, series and mext alike (libmonome
// opens them all at 115200); CDC-ACM grids ignore it.
const baud = 115200

// Open opens the serial device at path for a monome grid: 115200 baud 8N1,
// raw mode (no echo, no CR/LF translation: 0x0A and 0x0D pass unchanged, no
// XON/XOFF, no signals from 0x03), exclusive where the OS allows
// (TIOCEXCL; root is exempt), reads that block until at least one byte
// arrives (VMIN 1, VTIME 0). Modem lines are left as the kernel sets them on
// open, as libmonome leaves them.
//
// Read, Write and Close follow the package documentation: Close unblocks a
// Read in progress (which then returns an error wrapping os.ErrClosed) and
// is idempotent; a Read on an unplugged device returns io.EOF or an error,
// never a run of (0, nil). Write writes all of p or returns an error; Close
// waits for a Write in progress to return.
//
// The port also has SetReadDeadline(t time.Time) error, as an *os.File
// does: monome.RunHandshake uses it to bound each round, so a device that
// never answers fails monome.Open with monome.ErrNoReply instead of
// blocking it forever. The zero time clears the deadline.
func Open(path string) (io.ReadWriteCloser, error) {
	// No InitialStatusBits: the library then makes no modem-control ioctl
	// (TIOCMGET/TIOCMSET), which a pty would refuse with ENOTTY.
	sp, err := serial.Open(path, &serial.Mode{
		BaudRate: baud,
		DataBits: 8,
		Parity:   serial.NoParity,
		StopBits: serial.OneStopBit,
	})
	if err != nil {
		return nil, fmt.Errorf("serialport: open %s: %w", path, err)
	}
	return &port{sp: sp, path: path}, nil
}

// port adapts a serial.Port to the contract monome.Open needs.
type port struct {
	sp     serial.Port
	path   string
	closed atomic.Bool

	// wmu makes each Write whole and keeps Close from closing the file
	// descriptor under a Write: the library's Write does not check that the
	// port is open, so it would write to a closed, or reused, descriptor.
	wmu sync.Mutex

	dmu      sync.Mutex
	deadline time.Time // zero: none
}

// Read implements io.Reader; see Open.
func (p *port) Read(b []byte) (int, error) {
	if len(b) == 0 {
		// The library would read 0 bytes and report that as a hang-up.
		return 0, nil
	}
	if p.closed.Load() {
		return 0, p.wrap("read", os.ErrClosed)
	}
	timeout := serial.NoTimeout
	p.dmu.Lock()
	dl := p.deadline
	p.dmu.Unlock()
	if !dl.IsZero() {
		timeout = time.Until(dl)
		if timeout <= 0 {
			return 0, p.wrap("read", os.ErrDeadlineExceeded)
		}
	}
	// Set here, on the reading goroutine, not in SetReadDeadline: the
	// library keeps the timeout in a plain field that its Read reads, so
	// setting it from another goroutine would race.
	if err := p.sp.SetReadTimeout(timeout); err != nil {
		return 0, p.wrap("read", err)
	}
	n, err := p.sp.Read(b)
	if n > 0 {
		return n, nil
	}
	var pe *serial.PortError
	switch {
	case p.closed.Load():
		return 0, p.wrap("read", os.ErrClosed)
	case err == nil && timeout != serial.NoTimeout:
		// The library's way of saying the timeout passed.
		return 0, p.wrap("read", os.ErrDeadlineExceeded)
	case err == nil:
		// Without a timeout the library never returns (0, nil); if it
		// did, it would be a hang-up, and a caller looping on it would
		// spin.
		return 0, io.EOF
	case errors.As(err, &pe) && pe.Code() == serial.PortClosed:
		// We did not close it, so this is the library's report of a
		// 0-byte read from the tty: the device hung up (an unplug).
		return 0, io.EOF
	}
	return 0, p.wrap("read", err)
}

// Write implements io.Writer: it writes all of b or returns an error.
func (p *port) Write(b []byte) (int, error) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if p.closed.Load() {
		return 0, p.wrap("write", os.ErrClosed)
	}
	n := 0
	for n < len(b) {
		m, err := p.sp.Write(b[n:])
		n += m
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return n, p.wrap("write", err)
		case m == 0:
			return n, p.wrap("write", io.ErrShortWrite)
		}
	}
	return n, nil
}

// Close implements io.Closer; see Open.
func (p *port) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	p.wmu.Lock()
	defer p.wmu.Unlock()
	// The library closes the descriptor, then wakes a Read blocked in
	// select through its pipe, and waits for it to return.
	if err := p.sp.Close(); err != nil {
		return p.wrap("close", err)
	}
	return nil
}

// SetReadDeadline makes Reads started from now on that have no data by t
// fail with an error wrapping os.ErrDeadlineExceeded; the zero time means
// no deadline. A Read already in progress keeps the deadline it started
// with (RunHandshake sets it between Reads, on the reading goroutine).
func (p *port) SetReadDeadline(t time.Time) error {
	p.dmu.Lock()
	p.deadline = t
	p.dmu.Unlock()
	return nil
}

func (p *port) wrap(op string, err error) error {
	return fmt.Errorf("serialport: %s %s: %w", op, p.path, err)
}
