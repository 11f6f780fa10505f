// Package surface is gridbox's session view: it lays a sequencer.Session
// out on grid controllers the way Ableton users know it from a Launchpad,
// turns presses into launches, scene launches, stops and mixer changes,
// and paints every light from what the session plays.
//
// # Layout
//
// A controller with a row of buttons above its grid and a column to its
// right (every Launchpad) uses its whole grid for clips:
//
//	 ↑   ↓   ←   →  Ses Mix Vol Stp      top row: scroll the window,
//	┌───┬───┬───┬───┬───┬───┬───┬───┐    session / mixer / volume modes,
//	│t0 │t1 │t2 │t3 │t4 │t5 │t6 │t7 │ ▶  stop all
//	│s0 │   │   │   │   │   │   │   │ ▶
//	├───┼───┼─ clip pads: ─┼───┼───┤ ▶  right column: launch the scene
//	│   │ column = track,   │   │   │ ▶  of that row
//	│   │ row = scene       │   │   │ ▶
//	│   │   │   │   │   │   │   │   │ ▶
//	│   │   │   │   │   │   │   │   │ ▶
//	│   │   │   │   │   │   │   │s7 │ ▶
//	└───┴───┴───┴───┴───┴───┴───┴───┘
//
// A bare grid (a monome) keeps its rightmost column for scene launches and
// its bottom row for the same eight controls, so a monome 64 shows 7×7
// clips, a 128 15×7 and a 256 15×15.
//
// The window starts at the set's first track and scene and scrolls one
// track or scene per arrow press, never past the set's end. Several
// controllers sit side by side in the order they were attached: two
// Launchpads show 16 tracks, and every arrow, scene button and mode button
// acts on the whole window. When one is unplugged the others keep their
// tracks, and a controller of the same size plugged in takes its place.
//
// # Modes
//
//   - Session: pads launch clips (an empty slot stops its track) and select
//     their track and scene; scene buttons launch scenes.
//   - Mixer: the top rows still show clips; the bottom four rows are, per
//     track, stop, mute, solo and arm (armed tracks record with the
//     selected one).
//   - Volume: each column is a fader from 0 dB (top pad) down to silence
//     (bottom pad); pads light up to the track's level.
//   - Note: the pads play the selected track's instrument in its key, in
//     fourths from the root in C3's octave (music.InKey), or chromatically.
//   - Drum: a 4×4 rack from 36 at the bottom left (music.Drum), the buttons
//     beside its top row move it by 16, and the rows above it are 16 steps
//     of the pad last played.
//   - Step: the selected clip as steps, rows its notes, the bottom row
//     velocities.
//
// Pressing a lit mode button again returns to Session.
//
// # Controls
//
// A controller that prints its buttons' functions (grid.Info.Labels: a
// Launchpad Pro, a Pro MK3, the virtual controller) is laid out by them,
// with the functions it prints for Shift (grid.Info.ShiftLabels). Any
// other keeps the row of eight above (a monome: its bottom row), and
// holding its Session button is Shift: Shift + Mixer, Volume, Stop All are
// Note, Drum, Step; Shift + the arrows are Undo, Redo, Metronome, Record
// in Session, Mixer and Volume mode (in the note modes they change the
// scale and the layout); the Session button let go with nothing pressed
// meanwhile is Session mode. With Shift held, and in Note, Drum and Step
// mode, the scene column is the function column: Record, Undo, Redo,
// Metronome, Clear, Duplicate, Quantize, Length. The README draws each
// model's layout.
//
// # Lights
//
// Empty slot: off (the selected one: dim white). A clip: its track's
// colour, dim (the selected one: full, steady). Queued to start:
// flashing. Playing: pulsing, full colour. Queued to stop (or about to be
// replaced): flashing. A clip whose sample is missing: red. A scene button:
// green while a clip of its row plays, flashing green while one is queued,
// dim white when the row has clips. Arrows light where the window can move;
// the current mode's button is bright.
//
// Lights show what is heard: states come from Session.SlotAt at the
// engine's position, so a launch committed ahead of the audio flashes until
// its first frame plays. Flash and Pulse keep the tempo where a controller
// is a grid.Follower; the caller feeds it the beat.
//
// # Threads
//
// A Surface belongs to the goroutine that owns the Session (it reads the
// session's state and sends it inputs). Paint hands each controller's
// lights to a callback; the caller decides which goroutine Sets and
// Flushes them (grid's rule: Set and Flush on one goroutine).
package surface
