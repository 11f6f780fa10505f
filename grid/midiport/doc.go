// Package midiport turns a USB-MIDI device's ports, as gomidi's drivers
// see them, into the byte stream that package launchpad drives: a Stream is
// an io.ReadWriteCloser whose Read yields the raw MIDI bytes the device sent
// and whose Write sends one message. It is the package under grid that
// imports gomidi (gitlab.com/gomidi/midi/v2), so the drivers stay free of
// it. System
// returns the real driver, rtmidi over the ALSA sequencer, in builds with
// -tags rtmidi (cgo, g++, libasound2-dev); tests use gomidi's drivers/testdrv
// loopback.
//
//	drv := System()  ──List──▶ []Port{Name, In, Out}  ──Open──▶ *Stream ──▶ launchpad.Open(m, stream, p.Name)
//
// # Threading
//
//	device ──driver's input goroutine: listener ──▶ ring (BufferSize; full: drop whole message, count)
//	ring ──Read (one reader goroutine; blocks while empty)──▶ launchpad's Parser
//	Write (any goroutine, one at a time) ──Out.Send──▶ device
//
// gomidi calls the listener on the driver's own goroutine: rtmidi's ALSA
// input thread, or, with testdrv, inside Out.Send on the goroutine that is
// writing. So the listener never waits for the reader (with testdrv the
// reader may be the writer): it takes the Stream's lock just long enough to
// copy one message, or drops the message whole when the ring is full and
// counts it in Stats. Read belongs to one reader goroutine. gomidi ports are
// not safe for concurrent use (drivers.Port), so Write and Close hold one
// lock around every call into the ports. Gone and Stats may be called from
// any goroutine.
//
// # Port names and hot plug
//
// rtmidi on ALSA names a port "client:port client#:port#" ("Launchpad
// X:Launchpad X LPX MIDI 28:1") and gives the input and the output of a
// duplex port the same name, which is how List pairs them; launchpad.Detect
// and launchpad.IsControlPort read that form. rtmididrv opens a port by its
// index in the driver's list, and indexes shift when devices come and go:
// Open a Port soon after List returned it. rtmidi does not report an unplug
// either: a hot-plug watcher polls List and calls Stream.Gone when a
// stream's port name has disappeared.
//
// # gomidi v2.3.24, as found
//
//   - Every message reaches the listener whole: running status is expanded,
//     a SysEx arrives from F0 to F7 as one message, and realtime bytes
//     (F8 clock, FA/FB/FC, FE) arrive as one-byte messages of their own,
//     ahead of a message they interrupted. Clock and active sensing pass only
//     when ListenConfig asks for them; Open asks, and launchpad's Parser
//     counts and drops them.
//   - A SysEx longer than ListenConfig.SysExBufferSize is not dropped, as
//     the field's comment says: the reader indexes past its buffer and
//     panics, on rtmidi's input thread, which ends the program. Open sets
//     the buffer to MaxSysEx (the default is 1024). The reader also
//     allocates a fresh buffer of that size for every incoming SysEx; a
//     Launchpad sends few (inquiry replies, mode echoes).
//   - testdrv has exactly one input and one output, named "<name>-in" and
//     "<name>-out", so List pairs nothing unless a test renames them; its
//     Send runs the listener synchronously and panics before Listen, and
//     after the stop function it drops everything for good.
package midiport
