// Package serialport opens the serial ports monome grids sit on and finds
// them: [Open] turns a device node into the byte stream package monome's
// driver reads and writes, and [Scan] lists the devices that may be grids.
// It is the only package that imports go.bug.st/serial, which does the
// termios work (raw mode, 115200 8N1, TIOCEXCL) and whose Close wakes a
// blocked Read through a pipe it selects on together with the tty. Scan
// uses none of it: it reads /dev/serial/by-id and sysfs, and never opens a
// device node, so a serial console on one of the Pi's UARTs is left alone.
//
//	Scan() ──> Candidate{Path, Vendor, Model, Serial}
//	                 │ monome.SerialProtocol(Serial): protocol, series size
//	Open(Path) ──> port ──> monome.Open(port, Path, cfg) ──> grid.Controller
//
// # Threading
//
// A port from Open has one reader at a time (the driver's reader goroutine;
// the handshake before it). Write may run concurrently with Read, and two
// Writes never interleave their bytes. Close and SetReadDeadline may be
// called from any goroutine. Scan is safe anywhere and keeps no state.
//
// # Errors
//
// Read returns io.EOF when the device hung up (an unplug), an error wrapping
// os.ErrClosed once Close was called, an error wrapping
// os.ErrDeadlineExceeded when a read deadline passed, and other errors
// (EIO from a tty whose other end went away) wrapped with the device path.
// The monome driver treats every one of them as the grid being gone.
package serialport
