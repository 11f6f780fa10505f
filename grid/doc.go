// Package grid is gridbox's controller seam: grids of pads with lights
// (Novation Launchpads, monome grids), pad events in, LED frames out. It
// imports nothing of ours: grid does not know what a clip is, and the
// sequencer does not know what a Launchpad is.
//
//	device bytes ──driver──▶ Controller.Pads() ──▶ session view (cmd)
//	session view ──Set(button, light)…Flush()──▶ driver ──▶ device bytes
//
// Subpackages: launchpad and monome are the byte-level codecs and drivers
// for every Launchpad model and for monome grids; midiport and serialport
// open their real ports (ALSA MIDI through gomidi, serial ttys); hotplug
// finds controllers, opens them and notices when they go; gridtest holds a
// fake Controller and the conformance suite (Run) that every driver passes;
// virtual is a controller without a device, an 8×8 grid with named buttons
// that performance scripts (and later a browser) press.
// A Controller whose lights can blink in tempo is also a Follower; one that
// can scroll a line of text across its pads is a TextScroller.
//
// # Threads and owners
//
// One goroutine reads a controller's Pads channel (the session goroutine).
// One goroutine calls Set and Flush (the LED goroutine, about 30 times a
// second), and also Beat, ScrollText and StopText where a controller has
// them. Close may be called from any goroutine. Drivers do their I/O on
// their own goroutines; nothing here ever runs on the audio thread.
//
// # The contract (gridtest.Run checks each rule by its number)
//
//  1. Info is fixed for the controller's life; Info().Buttons lists every
//     button and light it has, the main grid included.
//  2. Pads returns the same channel on every call. It delivers presses and
//     releases in the order they happened, and is closed when the device goes
//     away or Close is called; a driver releases every held button (a
//     Pad with Down false) before closing it, so nothing stays pressed.
//  3. Set only writes the controller's local frame: no I/O, it never
//     blocks. Setting a button the controller does not have does nothing.
//  4. Flush sends the device what changed since the last Flush, and nothing
//     when nothing changed. A colour other than black lights an LED; black
//     turns it off.
//  5. After the device comes back (a replug), the first Flush sends the
//     whole frame, not just the changes.
//  6. Close restores the device's normal mode and closes Pads; a second
//     Close returns nil. Flush after Close returns ErrClosed, Set does
//     nothing.
package grid
