package sequencer

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"gridbox/engine"
)

// ErrNoBus is what Replace returns (wrapped) when a reload adds more tracks
// than there are free engine buses. The session is then unchanged.
var ErrNoBus = errors.New("sequencer: no free engine bus")

// Replace swaps in song, a reload of the set, at frame at (the caller
// passes Committed()) while it plays. It runs on the session goroutine
// after the caller has staged song's bank (engine.Player.StageBank): the
// first command it sends is SwapBank, so every command after it plays the
// new bank. song must not change afterwards, nor the old song while its
// clips still play.
//
// Old and new are matched by name: the k-th track named N in the old song
// is the k-th track named N in song (unnamed tracks are matched the same
// way among the unnamed), and scenes likewise.
//
//   - A matched track keeps its engine bus, so whatever sounds on it goes
//     on, and it keeps its mixer strip (Mix). A new gain or pan is sent at
//     at.
//   - A track's playing clip is looked up in its slot's matched scene. If
//     it is the same clip (equal in every field but Sample, and for an
//     audio clip in Source), it plays on untouched and the session uses
//     the new one from now on. If it changed, the old clip plays on as it
//     was up to its next loop start on its grid (for an audio loop of the
//     sample's own length, its next restart), and from there the new
//     version plays from its top, as a launch there would. A one-shot plays
//     out instead. (An old note clip's notes play through the track's
//     instrument in song: the old bank's is gone.) A launch or stop queued
//     on the track wins over that switch. If the slot is gone, empty or
//     broken, the clip plays until
//     the next boundary of song.Quantize (at once if 0) and stops there as
//     a quantized stop does; its follow actions are dropped.
//   - A removed track stops at that boundary too: its clip voices fade out
//     up to it, and its sounding notes end no later than it. It plays no
//     new note (its instrument was in the old bank). No new track gets its
//     bus before that boundary has passed.
//   - A new track starts stopped, with a fresh mixer strip sent at at, on a
//     bus that no track uses and on which nothing sounds any more: a bus
//     never used if there is one, else the one freed longest ago. If there
//     are not enough such buses, Replace returns ErrNoBus (wrapped) before
//     sending anything, and nothing changes. song.Buses is ignored: the
//     bus count is the one NewSession was given.
//   - Queued launches, stops and repeats follow their tracks and slots to
//     their new places, or are dropped if the track or clip is gone. A
//     queued scene's tempo stays planned. Held pads of slots that are gone
//     are released without stopping anything.
//   - If song.Tempo differs from the old song's, the tempo ramps to it:
//     from at, it goes from the tempo there to song.Tempo in 16 equal
//     steps, one every 1/16 beat, the last (song.Tempo itself) one beat
//     after at. Each step changes the tempo as SetTempo does when the
//     session commits its frame: beats stay where they are, so queued
//     launches, note clips and follow actions land on their beats of the
//     ramped tempo map, and a playing audio loop restarts from its top at
//     each of its restarts on the beat grid. During the ramp it loops at
//     the length of the slower of the tempo there and song.Tempo, so it
//     never restarts on its own before the grid (the restart on the grid
//     ends it with a fade, as a retime does); its first restart on the
//     grid at or after the ramp's end gives it the loop length of
//     song.Tempo. A later reload with another tempo, a tap (SetTempo) or
//     a queued scene's tempo taking effect ends the ramp where it is: the
//     newer tempo wins. StopNow does not. A new song.BeatsPerBar takes
//     effect at the next bar line (Clock.SetMeter).
//     Quantization and scene tempos come from song from now on; song.Seed
//     is ignored (follow actions keep drawing from the same generator).
//   - The session's edits (SetClip, recordings…) are not carried over:
//     song's clips are what plays from now on (the show merges its takes
//     into song), Undo and Redo forget every edit (their clips' samples
//     index the old bank), and Version grows. Live notes held on a matched
//     track stay held; a removed track's end at at.
//   - A take (Record) goes on with the matched tracks, into the matched
//     slots; a new clip whose slot is gone goes to the first empty one
//     at or below it. An overdub whose clip is gone records a new clip
//     from there. The metronome keeps its bus and takes song's
//     instrument, keys and gain; song's Metronome.On when it differs from
//     the old song's (a set's key changed), else it stays as the grid set
//     it (SetMetronome).
func (s *Session) Replace(song *Song, at engine.Frame) error {
	at = s.clamp(at)
	old := s.song
	if song.Record != old.Record {
		s.record = song.Record
	}
	tracks := match(len(old.Tracks), len(song.Tracks),
		func(i int) string { return old.Tracks[i].Name }, func(j int) string { return song.Tracks[j].Name })
	scenes := match(len(old.Scenes), len(song.Scenes),
		func(i int) string { return old.Scenes[i].Name }, func(j int) string { return song.Scenes[j].Name })
	from := make([]int, len(song.Tracks)) // new track → old, -1 = new
	for j := range from {
		from[j] = -1
	}
	for i, j := range tracks {
		if j >= 0 {
			from[j] = i
		}
	}

	// Buses first, so that a reload that does not fit sends nothing. A
	// removed track's bus stays busy while anything of it may sound.
	busy := make([]bool, len(s.busUsed))
	free := slices.Clone(s.busFree)
	for i, j := range tracks {
		b, ts := s.bus[i], &s.tracks[i]
		busy[b] = j >= 0 || ts.clip != nil
		free[b] = max(free[b], ts.quiet)
	}
	var spare []int16
	for b := range busy {
		if !busy[b] && free[b] <= at && b != int(s.metroBus) {
			spare = append(spare, int16(b))
		}
	}
	// Never used first, then freed longest ago, then by number.
	slices.SortFunc(spare, func(a, b int16) int {
		if s.busUsed[a] != s.busUsed[b] {
			if s.busUsed[a] {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(free[a], free[b]), cmp.Compare(a, b))
	})
	need := 0
	for _, i := range from {
		if i < 0 {
			need++
		}
	}
	if need > len(spare) {
		return fmt.Errorf("sequencer: reload: %d new tracks, %d free engine buses: %w", need, len(spare), ErrNoBus)
	}

	s.send(engine.Command{Op: engine.SwapBank, At: at})
	if song.Tempo != old.Tempo {
		s.rampTempo(song.Tempo, at)
	}
	if song.BeatsPerBar != old.BeatsPerBar && song.BeatsPerBar > 0 {
		s.clock.SetMeter(at, song.BeatsPerBar)
	}
	end := s.next(at, song.Quantize) // where what is gone stops
	quiet := end.at
	if end.now {
		quiet += s.fade()
	}

	// Removed tracks: stopped on their buses at end. Their state goes, so
	// this is said now, for the bus, not the track.
	for i, j := range tracks {
		if j >= 0 {
			continue
		}
		ts, b := &s.tracks[i], s.bus[i]
		for k, f := range ts.off {
			if f != 0 {
				s.post(engine.Command{Op: engine.NoteOff, At: min(f, end.at), Track: b, Key: uint8(k)})
			}
		}
		for k, n := range s.live[i].held {
			if n > 0 {
				s.post(engine.Command{Op: engine.NoteOff, At: at, Live: true, Track: b, Key: uint8(k)})
			}
		}
		s.busFree[b] = max(s.busFree[b], ts.quiet)
		if ts.clip != nil {
			s.post(engine.Command{Op: engine.Stop, At: end.at, Track: b, Clip: -1, Now: end.now})
			s.busFree[b] = max(s.busFree[b], quiet)
		}
	}

	// The agenda, in the new song's places.
	s.filter(func(a *action) bool {
		if a.track < 0 { // a tempo ramp's step
			return true
		}
		j := tracks[a.track]
		if j < 0 || a.kind == actSwitch { // switches are decided afresh below
			return false
		}
		if a.kind == actLaunch || a.kind == actRepeat {
			y := slotIn(song, j, scenes, a.slot)
			if y < 0 {
				return false
			}
			a.slot = y
		}
		a.track = j
		return true
	})

	ts := make([]trackState, len(song.Tracks))
	mix := make([]Mix, len(song.Tracks))
	bus := make([]int16, len(song.Tracks))
	live := make([]liveTrack, len(song.Tracks))
	for j, i := range from {
		if i >= 0 {
			ts[j], mix[j], bus[j], live[j] = s.tracks[i], s.mix[i], s.bus[i], s.live[i]
			continue
		}
		b := spare[0]
		spare = spare[1:]
		ts[j] = trackState{slot: -1, held: -1, was: -1}
		mix[j] = Mix{Volume: 1}
		bus[j] = b
		s.busUsed[b] = true
	}
	soloed := s.soloed
	s.song, s.tracks, s.mix, s.bus, s.live = song, ts, mix, bus, live
	s.owned, s.undo, s.redo = false, nil, nil
	s.version++
	if s.metroBus >= 0 && song.Metronome.Gain != old.Metronome.Gain {
		s.post(engine.Command{Op: engine.SetTrack, At: at, Track: s.metroBus, Gain: song.Metronome.Gain})
	}
	if song.Metronome.On != old.Metronome.On {
		s.metroOn = song.Metronome.On
	}
	s.last = nil
	if t := s.rec; t != nil {
		if t.y < len(scenes) && scenes[t.y] >= 0 {
			t.y = scenes[t.y]
		} else {
			t.y = min(t.y, len(song.Scenes))
		}
		t.tracks = slices.DeleteFunc(t.tracks, func(rt recTrack) bool { return tracks[rt.x] < 0 })
		for i := range t.tracks {
			rt := &t.tracks[i]
			rt.x = tracks[rt.x]
			if rt.slot >= 0 {
				rt.slot = scenes[rt.slot] // a new clip's is found again at the end if gone (-1)
			}
			if rt.overdub && (rt.slot < 0 || s.tracks[rt.x].slot != rt.slot) {
				rt.overdub, rt.slot = false, -1 // its clip is gone: it records a new one
				rt.notes = rt.notes[:0]
			}
		}
	}
	s.soloed = 0
	for _, m := range mix {
		if m.Solo {
			s.soloed++
		}
	}
	if cap(s.filled) < len(song.Scenes) {
		s.filled = make([]int, 0, len(song.Scenes))
	}

	for j, i := range from {
		if i < 0 {
			s.sendMix(j, at)
			continue
		}
		g, p, m := strip(&old.Tracks[i], s.mix[j], soloed)
		if g2, p2, m2 := strip(&song.Tracks[j], s.mix[j], s.soloed); g != g2 || p != p2 || m != m2 {
			s.sendMix(j, at)
		}
		t := &s.tracks[j]
		if t.was >= 0 {
			t.was = scenes[t.was]
		}
		if t.held >= 0 {
			t.held = slotIn(song, j, scenes, t.held)
		}
		if t.clip == nil || t.slot < 0 {
			continue // stopped, or a clip a reload removed before, whose drop is queued
		}
		y := slotIn(song, j, scenes, t.slot)
		switch {
		case y < 0: // removed: it plays until end
			t.slot, t.stale = -1, true
			tag := t.tag
			s.filter(func(a *action) bool {
				return a.track != j || a.tag != tag || (a.kind != actFollow && a.kind != actRetime)
			})
			s.schedule(end.on(actDrop, j, -1).of(tag))
		case sameClip(t.clip, song.Tracks[j].Clips[y]):
			t.slot, t.clip, t.stale = y, song.Tracks[j].Clips[y], false
		default: // changed: the new version takes over at the loop start
			t.slot, t.stale = y, true
			s.remove(j, actRetime)
			if sw, ok := s.loopStart(t, at); ok && !s.queued(j, actLaunch, -1) && !s.queued(j, actStop, -1) && !s.queued(j, actRepeat, -1) {
				s.schedule(sw.on(actSwitch, j, y).of(t.tag))
			}
		}
	}
	s.monitor(at)
	return nil
}

// loopStart returns when track state t's clip next starts its loop, at or
// after frame at: on its grid of Length beats from its origin, or for an
// audio loop of its sample's own length, at its next restart. ok is false
// for a clip that does not loop (or plays nothing).
func (s *Session) loopStart(t *trackState, at engine.Frame) (a action, ok bool) {
	c := t.clip
	switch {
	case !c.Loop:
		return action{}, false
	case c.Length > 0:
		return s.gridStart(t, at), true
	case c.IsNotes() || c.SampleFrames <= 0 || t.loop == 0:
		return action{}, false
	}
	f := t.restart(at)
	return action{at: f, beat: s.clock.Beat(f)}, true
}

// slotIn returns where slot y of old track x's scene is in song, whose
// track j is x's match (scenes maps old scenes to new), or -1 if the scene
// is gone or its slot there is empty or broken.
func slotIn(song *Song, j int, scenes []int, y int) int {
	if y < 0 || y >= len(scenes) || scenes[y] < 0 {
		return -1
	}
	y = scenes[y]
	if y >= len(song.Tracks[j].Clips) {
		return -1
	}
	if c := song.Tracks[j].Clips[y]; c == nil || c.Broken {
		return -1
	}
	return y
}

// sameClip reports whether a and b sound and behave the same: every field
// is equal but Sample (an index into one bank), and audio clips play the
// same Source.
func sameClip(a, b *Clip) bool {
	if a.IsNotes() != b.IsNotes() || a.SampleFrames != b.SampleFrames || a.Loop != b.Loop ||
		a.Length != b.Length || a.Gain != b.Gain || a.Launch != b.Launch || a.Quantize != b.Quantize ||
		a.HasQuantize != b.HasQuantize || a.Legato != b.Legato || a.LoopFade != b.LoopFade || a.Broken != b.Broken {
		return false
	}
	if (a.Follow == nil) != (b.Follow == nil) || (a.Follow != nil && *a.Follow != *b.Follow) {
		return false
	}
	return slices.Equal(a.Notes, b.Notes) && (a.IsNotes() || a.Source == b.Source)
}

// MatchNames pairs the names of one version of a set's tracks (or scenes)
// with those of another, as Replace does: the k-th of a name in from with
// the k-th of that name in to. It returns each from's index in to, or -1.
func MatchNames(from, to []string) []int {
	return match(len(from), len(to), func(i int) string { return from[i] }, func(j int) string { return to[j] })
}

// match pairs n old names with m new ones: the k-th old named N with the
// k-th new named N. It returns each old one's new index, or -1.
func match(n, m int, oldName, newName func(int) string) []int {
	byName := make(map[string][]int, m)
	for j := range m {
		byName[newName(j)] = append(byName[newName(j)], j)
	}
	seen := make(map[string]int, n)
	out := make([]int, n)
	for i := range out {
		name := oldName(i)
		out[i] = -1
		if k := seen[name]; k < len(byName[name]) {
			out[i] = byName[name][k]
		}
		seen[name]++
	}
	return out
}
