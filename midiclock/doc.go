// Package midiclock is MIDI beat clock as pure logic (issue 12, "MIDI out
// and clock"): Out says which clock and transport messages are due in a
// range of engine frames, following the transport's beat grid; Follower
// takes the bytes a clock source sends, stamped with the frames they took
// effect at, and estimates the source's tempo and song position. Neither
// does any port I/O, reads the wall clock or starts a goroutine: time is
// engine frames (int64, frames rendered, at the sample rate given to
// NewFollower or implied by the Grid), so tests and renders are exact.
//
// It imports no layer of gridbox. The session adapts its clock with
// GridOf (a *sequencer.Clock satisfies Grid[engine.Frame, sequencer.Beats]).
//
// Threads: an Out or a Follower belongs to one goroutine (the session's);
// nothing here locks.
//
// Sending: each turn the session asks Out.Due for the frames it commits
// and writes the messages to the clock-out ports at their frames; it calls
// Start, Stop and Continue when its transport does.
//
// Following: the session feeds every byte from the clock-in port to
// Follower.Feed with its frame, and calls Poll each turn. On Started and
// Continued it starts its transport at the event's frame from the event's
// beat, on Stopped it stops, on Lost it keeps playing at the last tempo
// (and may say so). While running it sets the tempo of its own grid, from
// the frame it commits next, to Steer(frame, grid beat at frame): the
// estimated tempo, corrected so the grid meets the source's beat (Beat)
// within a beat. Launches quantized on that grid stay sample-accurate
// against it, and the grid stays within the follower's phase error of the
// source.
//
// Messages (protocols.md, section 4): F8 Timing Clock 24 per quarter note;
// FA Start (position 0 at the next F8); FB Continue (from the song position
// at the next F8); FC Stop (at once, the position kept); F2 lsb msb Song
// Position Pointer, in MIDI beats (sixteenth notes, 6 clocks).
package midiclock

// Status bytes of the messages this package sends and follows.
const (
	Clock    byte = 0xF8
	Start    byte = 0xFA
	Continue byte = 0xFB
	Stop     byte = 0xFC
	SongPos  byte = 0xF2
)

// TicksPerBeat is MIDI clock's resolution: 24 F8 per quarter note.
const TicksPerBeat = 24
