package sequencer

import "gridbox/engine"

// An external clock (MIDI clock in, issue 12) drives the session through
// three calls, all on the session goroutine. gridbox's grid never stops:
// without a source it runs at the set's tempo; with one, the follower
// steers it every turn (Steer), the source's Start, Continue and Song
// Position make it jump (Locate), its Stop stops the clips (Pause), and
// when the source goes quiet the grid runs on at the last tempo (nothing
// to call).
//
// What a musician expects of a slave, as Ableton Live does it with
// external sync: Stop silences every clip at once and remembers what was
// playing; Start plays it again from the top on the master's downbeat,
// together with whatever was launched in between; Continue does the same
// from the song position (loops where they would be had they run since
// the song's start). The musician's live notes are never cut.

// Locate makes the beat grid jump as an external clock's Start (beat 0)
// or Continue (its song position) says: from frame at on, the grid is at
// beat with tempo bpm (Clock.Locate). What comes before at is committed
// first, on the old grid. at is no earlier than Committed (a later frame
// is clamped to it); the caller gives the source's beat at that frame.
//
// The jump is a boundary for everything waiting for one: at frame at,
// queued launches start and queued stops stop; every track still playing
// a clip, or whose clip a Pause stopped, starts it again. Each starts as
// if launched at beat 0 of the new grid: a loop where the new grid puts it
// (beat modulo its length: from its top on a Start), a one-shot clip from
// its top. A take in progress ends at at (kept, not launched) and a
// count-in is cancelled; a tempo ramp (Replace) ends.
func (s *Session) Locate(at engine.Frame, beat Beats, bpm float64) {
	if !(bpm > 0) {
		return
	}
	if at > s.committed {
		s.Advance(at)
	}
	at = s.clamp(at)
	s.endRamp()
	s.stopTake(at, true)
	// What waits for a boundary, per track: a slot to launch, or -2 to
	// stop; -1: nothing.
	want := make([]int, len(s.tracks))
	for x := range want {
		want[x] = -1
	}
	for _, a := range s.agenda {
		switch {
		case a.track < 0:
		case a.kind == actLaunch:
			want[a.track] = a.slot
		case a.kind == actStop && want[a.track] == -1:
			want[a.track] = -2
		}
	}
	for x := range s.tracks {
		s.notes(x, at)
		s.unqueue(x)
	}
	s.clock.Locate(at, beat, bpm)
	for x := range s.tracks {
		ts := &s.tracks[x]
		y := want[x]
		switch {
		case y >= 0 || y == -2:
		case ts.clip != nil && ts.slot >= 0:
			y = ts.slot
		case ts.clip == nil && ts.hasPaused:
			y = ts.paused
		}
		ts.hasPaused = false
		if y < 0 {
			s.stop(x, at, true)
			continue
		}
		s.launch(action{at: at, beat: beat, now: true, resume: true}.on(actLaunch, x, y))
		if c := s.clip(x, y); c != nil && c.Launch == Repeat && ts.held == y {
			if q := s.quantum(c); q > 0 {
				s.schedule(s.onBeat(beat+q).on(actRepeat, x, y))
			}
		}
	}
}

// Pause stops every clip at frame at, at once, as an external clock's
// Stop does (no earlier than Committed; what comes before a later at is
// committed first): each fades out from at and its notes end; queued
// launches and stops are cancelled; a take in progress ends at at (kept,
// not launched). Each track remembers the clip it was playing (or was
// about to launch) for the next Locate, unless the musician stops the
// track (StopTrack, StopAll) or everything (StopNow) in between. Live
// notes go on, and the grid runs on at its tempo.
func (s *Session) Pause(at engine.Frame) {
	if at > s.committed {
		s.Advance(at)
	}
	at = s.clamp(at)
	s.stopTake(at, true)
	for x := range s.tracks {
		ts := &s.tracks[x]
		y := ts.slot
		if l, ok := s.find(x, actLaunch, -1); ok {
			y = l.slot
		}
		s.unqueue(x)
		s.notes(x, at)
		s.stop(x, at, true)
		if y >= 0 {
			ts.paused, ts.hasPaused = y, true
		}
	}
}

// Steer sets the tempo to bpm from frame at (no earlier than Committed),
// as a follower of an external clock does every turn: as SetTempo does
// (what is planned in beats keeps its beat), except that the tempo
// changes planned after at (a queued scene's tempo) are dropped and a
// tempo ramp (Replace) ends: the source rules the tempo; and that an audio
// loop whose own restarts are still within steerDrift of its restarts on
// the grid loops on by itself: restarted on the grid (SetTempo's retime),
// it would fade out and start again at every pass, as the follower moves
// the tempo by a hair every turn. Once it drifts further, it is restarted
// on the grid at its next pass, with the loop length of the tempo there
// (checked at every call, the tempo changed or not). The tempo map more than steerMemory
// before at is forgotten (Clock.Forget), so that a clock steered every
// turn stays small; nothing asks about frames that old.
func (s *Session) Steer(bpm float64, at engine.Frame) {
	if !(bpm > 0) {
		return
	}
	s.endRamp()
	at = s.clamp(at)
	s.clock.Unplan(at)
	s.clock.Forget(at - engine.Frame(steerMemory*s.clock.rate))
	drift := engine.Frame(steerDrift * s.clock.rate)
	if s.clock.Tempo(at) != bpm {
		s.setTempo(bpm, at, drift)
		return
	}
	for x := range s.tracks { // the loops drift on at a steady tempo too
		s.regrid(x, at, drift)
	}
}

// steerDrift is how far, in seconds, an audio loop's own restarts may be
// from the grid's before Steer restarts it on the grid: half a
// millisecond, the follower's phase error.
const steerDrift = 0.0005

// steerMemory is how much of the tempo map Steer keeps, in seconds: far
// more than the heard frames lag behind the committed ones.
const steerMemory = 10

// Active reports whether a clip plays as committed (up to Committed), and
// since when: the earliest start of the clips playing, or, when none
// plays, the frame the last one stopped (0 if none ever played). The
// MIDI clock's master calls it every turn: gridbox has no play button,
// so its transport runs while clips play.
func (s *Session) Active() (playing bool, since engine.Frame) {
	for i := range s.tracks {
		ts := &s.tracks[i]
		switch {
		case ts.clip != nil && (!playing || ts.start < since):
			playing, since = true, ts.start
		case !playing && ts.clip == nil:
			since = max(since, ts.changed)
		}
	}
	return playing, since
}
