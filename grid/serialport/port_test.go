package serialport

import (
	"bytes"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"go.bug.st/serial"
)

// scripted is a serial.Port whose Read and Write answer as a test says,
// for the library behaviours a tty does not produce on demand. Methods it
// does not define panic (the embedded Port is nil).
type scripted struct {
	serial.Port
	read     func(timeout time.Duration) (int, error) // one Read's answer
	timeout  time.Duration                            // from SetReadTimeout
	chunk    int                                      // bytes a Write takes, at most
	eintr    int                                      // Writes that fail with EINTR first
	stall    bool                                     // Write takes nothing and says nothing
	written  []byte
	writeOps int
}

func (s *scripted) SetReadTimeout(t time.Duration) error { s.timeout = t; return nil }
func (s *scripted) Read(b []byte) (int, error)           { return s.read(s.timeout) }

func (s *scripted) Write(b []byte) (int, error) {
	s.writeOps++
	switch {
	case s.eintr > 0:
		s.eintr--
		return 0, syscall.EINTR
	case s.stall:
		return 0, nil
	}
	n := min(len(b), s.chunk)
	s.written = append(s.written, b[:n]...)
	return n, nil
}

func TestRead_LibraryResults(t *testing.T) {
	eio := func(time.Duration) (int, error) { return 0, syscall.EIO }
	nothing := func(time.Duration) (int, error) { return 0, nil }
	tests := []struct {
		name     string
		deadline time.Time
		read     func(time.Duration) (int, error)
		want     error
	}{
		// (0, nil) without a timeout would be a hang-up: a reader looping
		// on it would spin, so it ends the stream.
		{"(0, nil) without deadline", time.Time{}, nothing, io.EOF},
		// With a timeout, (0, nil) is the library's "timed out".
		{"(0, nil) with deadline", time.Now().Add(time.Hour), nothing, os.ErrDeadlineExceeded},
		{"EIO", time.Time{}, eio, syscall.EIO},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &port{sp: &scripted{read: tt.read}, path: "/dev/ttyACM0"}
			p.SetReadDeadline(tt.deadline)
			n, err := p.Read(make([]byte, 8))
			if n != 0 || !errors.Is(err, tt.want) {
				t.Errorf("Read = %d, %v; want 0, %v", n, err, tt.want)
			}
			if tt.want == io.EOF && err != io.EOF {
				t.Errorf("Read = %v; want io.EOF itself, as io.Reader callers compare it", err)
			}
		})
	}
}

func TestRead_TimeoutFollowsDeadline(t *testing.T) {
	sp := &scripted{read: func(time.Duration) (int, error) { return 1, nil }}
	p := &port{sp: sp, path: "/dev/ttyACM0"}
	p.Read(make([]byte, 1))
	if sp.timeout != serial.NoTimeout {
		t.Errorf("timeout without deadline = %v, want serial.NoTimeout", sp.timeout)
	}
	p.SetReadDeadline(time.Now().Add(time.Minute))
	p.Read(make([]byte, 1))
	if sp.timeout <= 0 || sp.timeout > time.Minute {
		t.Errorf("timeout with a deadline a minute away = %v, want (0, 1m]", sp.timeout)
	}
	p.SetReadDeadline(time.Time{})
	p.Read(make([]byte, 1))
	if sp.timeout != serial.NoTimeout {
		t.Errorf("timeout after clearing the deadline = %v, want serial.NoTimeout", sp.timeout)
	}
}

func TestWrite_PartialWrites(t *testing.T) {
	sp := &scripted{chunk: 3, eintr: 1}
	p := &port{sp: sp, path: "/dev/ttyACM0"}
	want := []byte{0x1A, 0x00, 0x00, 0x0A, 0x0D, 0x11, 0x13, 0x03, 0xFF, 0xF0}
	if n, err := p.Write(want); n != len(want) || err != nil {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(want))
	}
	if !bytes.Equal(sp.written, want) {
		t.Errorf("port got % X, want % X", sp.written, want)
	}

	stalled := &port{sp: &scripted{stall: true}, path: "/dev/ttyACM0"}
	if n, err := stalled.Write(want); n != 0 || !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("Write to a port taking nothing = %d, %v; want 0, io.ErrShortWrite", n, err)
	}
}
