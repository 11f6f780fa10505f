// Package perfscript parses performance scripts (--events FILE, *.perf):
// plain-text lists of timed button presses that play a set without a
// controller, for offline renders, demos and tests. It imports no layer of
// gridbox, not even the sequencer whose commands it describes; the caller
// resolves times to frames and routes each event to the sequencer or a
// controller fake.
//
// # Format
//
// One event per line. A '#' starts a comment anywhere on a line; blank lines
// are ignored. Every line starts with a time and a command word:
//
//	<time> press <x> <y>      # pad of the session grid: x = track column (0 = left), y = scene row (0 = top)
//	<time> release <x> <y>    # the same pad let go (gate clips stop, others ignore it)
//	<time> scene <row>        # the scene-launch button of that row
//	<time> stop <track>       # the track's stop button
//	<time> stopall            # stop every track
//	<time> end                # render (or play) ends here
//	<time> midi <model> <hex bytes...>    # raw bytes from a MIDI controller, e.g. "midi launchpad-mini-mk3 90 0b 7f"
//	<time> serial <model> <hex bytes...>  # raw bytes from a serial controller, e.g. "serial monome-128 21 03 04"
//	<time> load <set file>    # the set in that file replaces the running one, as when its file is saved (hot reload)
//	<time> pad <col> <row> [velocity]  # a pad of the virtual controller pressed, as the surface shows it now
//	<time> padup <col> <row>  # that pad let go
//	<time> button <name>      # a named button of the virtual controller pressed and released, e.g. "button record"
//	<time> buttondown <name>  # a named button pressed and held (a modifier: shift, clear, duplicate…)
//	<time> buttonup <name>    # the held button let go
//	<time> midi-in <port> <hex bytes...>  # bytes arriving on a MIDI input of the set, e.g. "midi-in MPC f8" (a clock tick)
//
// A time is seconds or beats from the start of the transport, which runs from
// time 0 at the set's tempo: "1.5s", "0s", "6b", "6.25b" (digits with an
// optional fraction, then the unit; no sign, no exponent). Beats are converted
// to frames by the sequencer's tempo map, so a script written in beats stays on
// the grid when the tempo changes. Without an end line the render stops after
// the command line's --seconds, or else when nothing plays any more.
//
// A load's path is relative to the script's folder and holds no spaces; the
// set it names is checked when it is loaded, as a reload is: a set with
// errors is reported and the running one plays on. Events after a load
// play the set it loaded.
//
// The pad and button lines play the virtual controller (package
// grid/virtual), one 8×8 controller with named buttons that acts on the
// surface exactly as a real one would, whatever its mode: it is plugged in
// at time 0 when a script has any such line. A pad's col and row count on
// its 8×8 pads, 0 to 7, col 0 on the left and row 0 at the top, whatever
// they show in the surface's current mode (clips, notes, drums, steps); its
// velocity is 1 to 127, 100 when not given. A button is named by its
// function (ButtonNames): up down left right session mixer volume stopall
// note drum step record undo redo metronome shift clear duplicate quantize
// length. A "button" line presses and releases it on the same frame; hold
// one with buttondown, let it go with buttonup. A pad or button pressed
// again while held is let go first (a second hit).
//
// Numbers (x, y, row, track) are whole decimal numbers from 0 to 4095. They
// count in the set, not on a controller: x is the track (0 = the leftmost),
// y the scene row (0 = the top), whatever part of the set a controller shows.
// Whether they exist in the set is checked by ParseFor (or Validate), which
// is given the set's size as Bounds, with the controller models there are;
// Parse alone checks only the syntax. A model
// name starts with a letter and holds lower-case letters, digits, '-', '_' and
// '.'. Bytes are two hex digits each (00 to ff, either case), at least one.
//
// A midi-in line's port is a MIDI input as the set names it ([midi]
// clock_in, a part of the port's name), or a full port name holding it: a
// word, or a name in double quotes when it holds spaces ("Akai MPC One").
// Its bytes arrive on that port at the line's time, as from a device: a
// MIDI clock source is scripted as F8 every 1/24 beat, FA, FC, FB and F2
// (Song Position Pointer) lines. A port name holds no '"' or '#'. Whether
// the set has such an input is checked by ParseFor (Bounds.Port).
//
// # Order
//
// Events are kept in file order. Times may go backwards, and seconds and beats
// may be mixed in one script, because which of "10s" and "16b" comes first
// depends on the tempo map. The caller resolves each time to a frame and sorts
// with a stable sort (Script.Sort does this), so events on the same frame keep
// their file order: a "release 0 0" written before a "press 0 0" at the same
// time stays a re-press.
//
// # Errors and limits
//
// Parse and ParseFor report every bad line at once, joined with errors.Join,
// each as a *LineError that prints as "FILE:LINE: message" (after 50 bad lines
// they stop and say how many more lines they skipped); ParseFor's events
// outside the set are among them, in line order: "PERF.txt:2: scene 99: there
// is no scene row 99; the set has 1 scene (row 0)". A script may hold at most one end
// line. Files over 1 MiB (MaxSize) are refused with ErrTooLarge before any
// parsing, and lines over 4096 bytes (MaxLine) are errors.
//
// # Threading
//
// Everything here is plain data and pure functions, safe from any goroutine.
// A Script is not modified by the package after Parse returns, except by Sort.
package perfscript
