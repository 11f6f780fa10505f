//go:build linux

package serialport_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gridbox/grid/serialport"
)

// wait bounds every wait for something that should happen at once; it is a
// timeout for a failing test, never a delay the tests rely on.
const wait = 5 * time.Second

// newPTY opens a pseudo-terminal pair (environment.md §6.4): the test plays
// the device on the returned master, and Open opens the slave path
// /dev/pts/N. The master is closed at the end of the test. It stays
// non-blocking (Fd is never called) so its deadlines work and its Close
// ends a Read in progress.
func newPTY(t *testing.T) (master *os.File, slave string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	var n int
	err = control(m, func(fd int) error {
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return fmt.Errorf("unlockpt: %w", err)
		}
		n, err = unix.IoctlGetInt(fd, unix.TIOCGPTN)
		return err
	})
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	return m, fmt.Sprintf("/dev/pts/%d", n)
}

// control runs f on f's file descriptor without putting it in blocking mode.
func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// open opens path with serialport.Open and closes it at the end of the test.
func open(t *testing.T, path string) io.ReadWriteCloser {
	t.Helper()
	p, err := serialport.Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// readMaster reads exactly n bytes the port wrote, within wait.
func readMaster(t *testing.T, master *os.File, n int) []byte {
	t.Helper()
	master.SetReadDeadline(time.Now().Add(wait))
	defer master.SetReadDeadline(time.Time{})
	b := make([]byte, n)
	if got, err := io.ReadFull(master, b); err != nil {
		t.Fatalf("device side: read %d of %d bytes: %v (so far % X)", got, n, err, b[:got])
	}
	return b
}

type result struct {
	b   []byte
	err error
}

// readPort reads exactly n bytes from the port on a goroutine of its own,
// since a port's Read has no deadline, and fails the test if they have not
// arrived within wait. A reader left blocked ends when the test closes the
// port.
func readPort(t *testing.T, p io.Reader, n int) []byte {
	t.Helper()
	done := make(chan result, 1)
	go func() {
		b := make([]byte, n)
		got, err := io.ReadFull(p, b)
		done <- result{b[:got], err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("port: read %d of %d bytes: %v", len(r.b), n, r.err)
		}
		return r.b
	case <-time.After(wait):
		t.Fatalf("port: %d bytes did not arrive within %v", n, wait)
		return nil
	}
}

// startRead starts one Read of the port, whose result arrives on the
// returned channel.
func startRead(p io.Reader) <-chan result {
	done := make(chan result, 1)
	go func() {
		b := make([]byte, 64)
		n, err := p.Read(b)
		done <- result{b[:n], err}
	}()
	return done
}

// settle gives a Read just started time to block in the kernel before the
// test acts on it, and fails if it did not block. The test's assertions do
// not depend on how long this waits.
func settle(t *testing.T, reading <-chan result) {
	t.Helper()
	time.Sleep(50 * time.Millisecond)
	select {
	case r := <-reading:
		t.Fatalf("Read returned (% X, %v) with no data sent: it must block", r.b, r.err)
	default:
	}
}

// await returns the result of a Read started by startRead, failing the test
// if it is still blocked after wait.
func await(t *testing.T, reading <-chan result, what string) result {
	t.Helper()
	select {
	case r := <-reading:
		return r
	case <-time.After(wait):
		t.Fatalf("Read still blocked %v after %s", wait, what)
		return result{}
	}
}

// everyByte is the raw-mode probe: the bytes a cooked tty would eat or
// change (LF, CR, XON, XOFF, ^C), then every byte value.
func everyByte() []byte {
	b := []byte{0x0A, 0x0D, 0x11, 0x13, 0x03}
	for i := range 256 {
		b = append(b, byte(i))
	}
	return b
}

func TestOpen_RawRoundTrip(t *testing.T) {
	master, path := newPTY(t)
	p := open(t, path)
	want := everyByte()

	// Device → host goes through the tty's input processing: ICRNL,
	// IXON, ISIG and ICANON would each change or hold these bytes.
	if _, err := master.Write(want); err != nil {
		t.Fatal(err)
	}
	if got := readPort(t, p, len(want)); !bytes.Equal(got, want) {
		t.Errorf("device → host:\n got % X\nwant % X", got, want)
	}

	// Host → device goes through output processing (OPOST, ONLCR). The
	// bytes go in reverse order: with ECHO on, the master would first read
	// the echo of the bytes above, and the echo must not pass for them.
	slices.Reverse(want)
	if n, err := p.Write(want); n != len(want) || err != nil {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(want))
	}
	if got := readMaster(t, master, len(want)); !bytes.Equal(got, want) {
		t.Errorf("host → device:\n got % X\nwant % X", got, want)
	}
}

func TestOpen_Termios(t *testing.T) {
	master, path := newPTY(t)
	open(t, path)
	var tio *unix.Termios
	// On a pty master, TCGETS reads the slave's settings.
	err := control(master, func(fd int) (err error) {
		tio, err = unix.IoctlGetTermios(fd, unix.TCGETS)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"115200 baud", tio.Cflag&unix.CBAUD == unix.B115200},
		{"8 data bits", tio.Cflag&unix.CSIZE == unix.CS8},
		{"no parity", tio.Cflag&unix.PARENB == 0},
		{"1 stop bit", tio.Cflag&unix.CSTOPB == 0},
		{"no RTS/CTS", tio.Cflag&unix.CRTSCTS == 0},
		{"receiver on, modem lines ignored", tio.Cflag&(unix.CREAD|unix.CLOCAL) == unix.CREAD|unix.CLOCAL},
		{"no canonical mode, echo, signals", tio.Lflag&(unix.ICANON|unix.ECHO|unix.ECHONL|unix.ISIG|unix.IEXTEN) == 0},
		{"no XON/XOFF", tio.Iflag&(unix.IXON|unix.IXOFF|unix.IXANY) == 0},
		{"no CR/LF translation", tio.Iflag&(unix.ICRNL|unix.INLCR|unix.IGNCR) == 0},
		{"no stripping, no break or parity marks", tio.Iflag&(unix.ISTRIP|unix.BRKINT|unix.PARMRK|unix.INPCK) == 0},
		{"no output processing", tio.Oflag&unix.OPOST == 0},
		{"reads block for one byte", tio.Cc[unix.VMIN] == 1 && tio.Cc[unix.VTIME] == 0},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("termios: want %s (iflag %#o oflag %#o cflag %#o lflag %#o VMIN %d VTIME %d)",
				c.name, tio.Iflag, tio.Oflag, tio.Cflag, tio.Lflag, tio.Cc[unix.VMIN], tio.Cc[unix.VTIME])
		}
	}
}

func TestOpen_Exclusive(t *testing.T) {
	_, path := newPTY(t)
	open(t, path)
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if errors.Is(err, unix.EBUSY) {
		return // TIOCEXCL refused the second open
	}
	if err != nil {
		t.Fatalf("second open: %v; want EBUSY or success as root", err)
	}
	defer f.Close()
	// Root is exempt from TIOCEXCL, so ask the tty whether it is set.
	excl, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCGEXCL)
	if err != nil {
		t.Fatalf("TIOCGEXCL: %v", err)
	}
	if excl != 1 {
		t.Errorf("TIOCGEXCL = %d after Open, want 1", excl)
	}
}

func TestOpen_NotATerminal(t *testing.T) {
	for _, path := range []string{"/dev/null", "/dev/serial/by-id/no-such-device"} {
		p, err := serialport.Open(path)
		if err == nil {
			p.Close()
			t.Errorf("Open(%s) succeeded, want an error", path)
			continue
		}
		if !bytes.Contains([]byte(err.Error()), []byte(path)) {
			t.Errorf("Open(%s): error %q does not name the device", path, err)
		}
	}
}

func TestWrite_WritesAll(t *testing.T) {
	master, path := newPTY(t)
	p := open(t, path)
	// Far more than a tty's buffers hold, so the kernel takes it in parts.
	want := bytes.Repeat(everyByte(), 1000)
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, len(want))
		master.SetReadDeadline(time.Now().Add(wait))
		n, _ := io.ReadFull(master, b)
		got <- b[:n]
	}()
	if n, err := p.Write(want); n != len(want) || err != nil {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(want))
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Errorf("device got %d bytes, want the %d written, unchanged", len(b), len(want))
	}
}

func TestClose_UnblocksRead(t *testing.T) {
	_, path := newPTY(t)
	p, err := serialport.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	reading := startRead(p)
	settle(t, reading)
	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	r := await(t, reading, "Close")
	if len(r.b) != 0 || !errors.Is(r.err, os.ErrClosed) {
		t.Errorf("Read during Close = (% X, %v), want no data and os.ErrClosed", r.b, r.err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close = %v", err)
		}
	case <-time.After(wait):
		t.Fatalf("Close did not return within %v", wait)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if n, err := p.Read(make([]byte, 8)); n != 0 || !errors.Is(err, os.ErrClosed) {
		t.Errorf("Read after Close = %d, %v; want 0, os.ErrClosed", n, err)
	}
	if n, err := p.Write([]byte{0x12}); n != 0 || !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Close = %d, %v; want 0, os.ErrClosed", n, err)
	}
}

// A hang-up (the master closing) is what a pty has for an unplug: the
// port's Read must end with an error, and go on failing at once rather than
// block or return (0, nil), which would make a reader spin.
func TestRead_HangUp(t *testing.T) {
	master, path := newPTY(t)
	p := open(t, path)
	reading := startRead(p)
	settle(t, reading)
	master.Close()
	r := await(t, reading, "the hang-up")
	// The kernel hangs the slave up (tty_vhangup, as cdc-acm does on an
	// unplug): a read(2) already waiting returns 0, which must come out as
	// io.EOF; one that starts after the hang-up gets EIO (which happens
	// when the reader has not reached read(2) yet on a loaded machine).
	// Neither may look like the port having been closed.
	if len(r.b) != 0 || (r.err != io.EOF && !errors.Is(r.err, syscall.EIO)) {
		t.Fatalf("Read at hang-up = (% X, %v), want no data and io.EOF (or EIO)", r.b, r.err)
	}
	for i := range 3 {
		r := await(t, startRead(p), "the hang-up")
		if len(r.b) != 0 || r.err == nil {
			t.Fatalf("Read %d after hang-up = (% X, %v), want no data and an error", i+2, r.b, r.err)
		}
	}
	if _, err := p.Write([]byte{0x12, 0x00}); err == nil {
		t.Error("Write after hang-up succeeded, want an error")
	}
}

func TestSetReadDeadline(t *testing.T) {
	master, path := newPTY(t)
	p := open(t, path)
	d, ok := p.(interface{ SetReadDeadline(time.Time) error })
	if !ok {
		t.Fatalf("%T has no SetReadDeadline: monome's handshake could block forever", p)
	}
	d.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	r := await(t, startRead(p), "its deadline")
	if len(r.b) != 0 || !errors.Is(r.err, os.ErrDeadlineExceeded) {
		t.Errorf("Read past the deadline = (% X, %v), want no data and os.ErrDeadlineExceeded", r.b, r.err)
	}
	// A past deadline fails at once; clearing it makes Read wait again.
	d.SetReadDeadline(time.Now().Add(-time.Second))
	if r := await(t, startRead(p), "a past deadline"); !errors.Is(r.err, os.ErrDeadlineExceeded) {
		t.Errorf("Read with a past deadline = %v, want os.ErrDeadlineExceeded", r.err)
	}
	d.SetReadDeadline(time.Time{})
	reading := startRead(p)
	settle(t, reading)
	master.Write([]byte{0x7E})
	if r := await(t, reading, "data arrived"); !bytes.Equal(r.b, []byte{0x7E}) || r.err != nil {
		t.Errorf("Read without deadline = (% X, %v), want (7E, nil)", r.b, r.err)
	}
}
