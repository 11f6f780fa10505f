// Package show runs a set: it is gridbox's application, which the command
// (cmd/gridbox) only parses flags for.
//
// A Show is a running set: its samples (decoded whole, or streamed from
// disk when long), the engine that plays them, the sequencer's session, the
// session view on its controllers (scripted ones, and those plugged in
// live), and the performance script whose events it plays at their exact
// frames. One goroutine owns it.
//
// One loop (run) advances a show: it waits for its clock's next turn,
// stops at the script's end, the time limit or silence, commits the
// session and the script ahead of the sound, and lets the clock do its
// turn. Play (the live command) drives it by the audio device's position,
// rendered on the device's own thread; its turn shows the lights, the
// status line and status LED, saves the state and the takes
// (takesave.go) and pings systemd's watchdog. Render drives it by a virtual clock, the frames written; its
// turn renders the next block on an offline device and writes it, so a
// render is sample-exact and deterministic.
//
// A show's set can be replaced while it plays (reload.go): play loads each
// saved version of the set file off the session goroutine and swaps it in
// at the next block; a script's load line does the same, sample-exactly,
// in render.
//
// MIDI (midiports.go, midi.go, clocksync.go) runs on the show's goroutine
// too: the engine's MIDI messages (drained every turn) and the MIDI
// clock's ticks (as the session commits them) go to the port manager,
// which logs them (--midi-log) and, in play, hands each to its port's
// sender goroutine, which writes it when its frame is heard (outclock.go);
// a watcher goroutine finds the ports by name and again after an unplug; the clock-in port's bytes
// steer the session's grid (a jump at a Start or Continue, a pause at a
// Stop, the tempo every Advance).
//
// Messages go to Env's Stderr (the journal under systemd); Env's Hooks let
// tests replace the controller scans, the audio backend, play's signals,
// the sample memory budget and the disk, and edit through the session.
package show
