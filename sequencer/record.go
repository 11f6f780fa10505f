package sequencer

import (
	"cmp"
	"math"
	"slices"

	"gridbox/engine"
)

// RecState is what recording is doing, as its light shows it.
type RecState int

const (
	RecIdle      RecState = iota
	RecCountIn            // Record was pressed: waiting for the count-in's bar line, or counting in
	RecRecording          // notes played on the recording tracks are recorded
)

// minNoteLen is the shortest note recorded (a pad pressed and released at
// one frame).
const minNoteLen Beats = 1.0 / 64

// clickLen is how long the metronome's click note is held.
const clickLen Beats = 1.0 / 8

// A take is one press of Record: a count-in, then recording on every
// recording track from its start to its end (both bar lines), all one
// undo step (but see split).
type take struct {
	y      int   // the scene selected: new clips go to the first empty slot at or below it
	count  Beats // the count-in's first beat, a bar line
	start  Beats // where recording starts, a bar line
	end    Beats // where it ends, once planned (ending)
	ending bool
	// started: recording has begun (committed past start); done: it
	// ended (committed past end, or StopNow), and the take only takes
	// notes played before endF that reach the session late (a live
	// controller's, stamped behind Committed).
	started, done bool
	launch        bool // the new clips launch where recording ends (not after a stop)
	endF          engine.Frame
	tracks        []recTrack
	edit          edit // its undo step, once done
	// rs are the session's settings when Record was pressed: a take
	// keeps them (SetRecordSettings changes the next take's).
	rs RecordSettings
}

// recTrack is a track recording in a take.
type recTrack struct {
	x    int
	slot int // the new clip's slot, or the overdubbed one; -1 before start
	// overdub: notes merge into the note clip playing at the start, the
	// launch tag, on its grid (origin, length).
	overdub        bool
	tag            int32
	origin, length Beats
	before, clip   *Clip  // overdub: the clip at the start; both: the clip the take put last
	notes          []Note // new clip: At in beats from the take's start (length maybe: wraps)
	held           [128]heldNote
	// closed: the take is done and an edit changed the slot since (split):
	// no late note goes in.
	closed bool
	// audio: the track records audio (startAudio), its engine events
	// tagged recTag.
	audio  bool
	recTag int32
}

// heldNote is a key held on a recording track: played at beat on,
// snapped to q.
type heldNote struct {
	on, q Beats
	vel   uint8
	down  bool
}

// Record is the Record button, pressed at frame at with track x and scene
// y selected. The tracks recording are x and every armed one (Mix.Arm);
// a track with no instrument is left out (with none left, Record does
// nothing).
//
// Idle: a count-in starts at the next bar line and lasts
// Song.Record.CountIn (rounded up to a bar line); recording starts at the
// bar line after it (at the next bar line with no count-in). There, each
// recording track whose playing clip is a looping note clip overdubs it;
// each other one records a new clip into the first empty slot at or below
// y (a new scene row if there is none), and what it plays stops; one with
// no empty slot there when there are MaxScenes rows already is left out
// (at the press and at the start: with none left, no take). Notes
// played live (NoteOn, NoteOff) on a recording track sound live and are
// recorded: their starts snap to the nearest multiple of
// Song.Record.Quantize (counted from the recording's start; for an
// overdub, from the clip's origin), lengths are kept, a note still held
// at the end is cut there. A note pressed during the count-in is not
// recorded, unless it snaps to the start. Beats are stored, not frames:
// a tempo change while recording moves nothing.
//
// Recording ends after Song.Record.Length beats (fixed length) or, with
// free length (0) or to end a fixed length early, at the bar line at or
// after a second press (at least one bar). There each new clip (looping,
// of the whole bars recorded) launches from that bar line; an overdub's
// notes are merged into its clip as each is released, heard from the
// clip's next pass (not in the pass where it was played). Pressed again
// while counting in: cancelled. StopAll ends recording at the next bar
// line and StopNow at once, keeping what was recorded without launching
// it. A take is one undo step, every recording track's clip at once,
// unless an edit, an undo or a redo changes a slot it overdubs while it
// records: that cuts it there, the notes merged before it one undo step
// and those after it another (so that each Undo takes back one change).
//
// While counting in and recording the metronome clicks on every beat
// (SetMetronome).
func (s *Session) Record(x, y int, at engine.Frame) {
	at = s.clamp(at)
	t := s.rec
	switch {
	case t == nil:
		s.startTake(x, y, at)
	case at < s.clock.Frame(t.start):
		s.cancelTake()
	case !t.ending || s.clock.Frame(t.end) > at:
		end := max(s.clock.NextBeat(at, s.clock.BeatsPerBar()), t.start+s.clock.BeatsPerBar())
		if !t.ending || end < t.end {
			s.planEnd(end)
		}
	}
}

// RecordState returns what recording is doing as heard at frame now.
func (s *Session) RecordState(now engine.Frame) RecState {
	if t := s.rec; t != nil {
		if now < s.clock.Frame(t.start) {
			return RecCountIn
		}
		return RecRecording
	}
	if t := s.last; t != nil && now < t.endF {
		return RecRecording
	}
	return RecIdle
}

// Recording returns the slot track x records into while a take counts in
// or records (for the lights): the slot it overdubs or its new clip's.
// During the count-in the new clip's slot is where it would go now, which
// may be Scenes() (a row not added yet).
func (s *Session) Recording(x int) (slot int, ok bool) {
	t := s.rec
	if t == nil {
		return -1, false
	}
	for _, rt := range t.tracks {
		switch {
		case rt.x != x:
		case rt.slot >= 0:
			return rt.slot, true
		case s.overdubs(x):
			return s.tracks[x].slot, true
		default:
			return s.target(x, t.y), true
		}
	}
	return -1, false
}

// SetMetronome turns the metronome on or off (from the next click).
func (s *Session) SetMetronome(on bool) { s.metroOn = on }

// MetronomeOn reports whether the metronome is on.
func (s *Session) MetronomeOn() bool { return s.metroOn }

// RecordSettings returns how Record records now: Song.Record, as changed
// by SetRecordSettings.
func (s *Session) RecordSettings() RecordSettings { return s.record }

// SetRecordSettings changes how the next takes record (the grid's
// Quantize and Length buttons); a take in progress keeps its own. A
// reload whose song records otherwise (its set's keys changed) sets
// them again.
func (s *Session) SetRecordSettings(r RecordSettings) { s.record = r }

// startTake starts a take for track x (and the armed tracks) with scene y
// selected.
func (s *Session) startTake(x, y int, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) {
		return
	}
	var tracks []recTrack
	for i := range s.tracks {
		if (i == x || s.mix[i].Arm) && s.records(i) && s.room(i, y) {
			tracks = append(tracks, recTrack{x: i, slot: -1})
		}
	}
	if len(tracks) == 0 {
		return
	}
	rs := s.record
	bar := s.clock.BeatsPerBar()
	count := s.clock.NextBeat(at, bar)
	start := count
	if rs.CountIn > 0 {
		start = s.clock.NextBeat(s.clock.Frame(count+rs.CountIn), bar)
	}
	t := &take{rs: rs, y: max(0, min(y, len(s.song.Scenes))), count: count, start: start, launch: true, tracks: tracks}
	s.rec = t
	s.schedule(s.onBeat(start).on(actRecStart, -1, 0))
	if rs.Length > 0 {
		s.planEnd(start + rs.Length)
	}
	s.schedule(s.onBeat(count).on(actClick, -1, 0))
	s.monitor(at)
}

// planEnd makes the take in progress end at beat end.
func (s *Session) planEnd(end Beats) {
	s.filter(func(a *action) bool { return a.kind != actRecEnd })
	s.rec.end, s.rec.ending = end, true
	s.schedule(s.onBeat(end).on(actRecEnd, -1, 0))
}

// cancelTake drops the take in progress (counting in).
func (s *Session) cancelTake() {
	s.filter(func(a *action) bool { return a.kind != actRecStart && a.kind != actRecEnd && a.kind != actClick })
	s.rec = nil
	s.monitor(s.committed)
}

// overdubs reports whether track x's playing clip is one a take would
// overdub: a looping note clip, or on an audio track a looping audio
// clip.
func (s *Session) overdubs(x int) bool {
	ts := &s.tracks[x]
	if ts.clip == nil || ts.slot < 0 || !ts.clip.Loop || ts.clip.Broken {
		return false
	}
	if s.recordsAudio(x) {
		// The clip the voice plays, still in its slot: not one a Clear
		// left playing to its stop, nor one a reload replaced.
		return !ts.clip.IsNotes() && ts.loop > 0 && !ts.stale && s.clip(x, ts.slot) == ts.clip && s.buffers.Overdubbable(ts.clip.Sample)
	}
	return ts.clip.IsNotes() && ts.clip.Length > 0
}

// target returns the first empty slot of track x at or below scene y, or
// Scenes() if there is none.
func (s *Session) target(x, y int) int {
	for ; y < len(s.song.Scenes); y++ {
		if s.clip(x, y) == nil {
			return y
		}
	}
	return y
}

// room reports whether track x can record a take with scene y selected:
// it overdubs, or has an empty slot at or below y, or a scene can be
// added (MaxScenes).
func (s *Session) room(x, y int) bool {
	return s.overdubs(x) || s.target(x, y) < len(s.song.Scenes) || len(s.song.Scenes) < MaxScenes
}

// recStart begins recording at action a (the take's start). A track with
// no room for a new clip (room) is left out, and the take is cancelled
// if none is left.
func (s *Session) recStart(a action) {
	t := s.rec
	t.tracks = slices.DeleteFunc(t.tracks, func(rt recTrack) bool { return !s.room(rt.x, t.y) })
	if len(t.tracks) == 0 {
		s.cancelTake()
		return
	}
	t.started = true
	for i := range t.tracks {
		rt := &t.tracks[i]
		x := rt.x
		s.notes(x, a.at)
		if s.overdubs(x) {
			ts := &s.tracks[x]
			rt.overdub, rt.slot, rt.tag, rt.origin, rt.length = true, ts.slot, ts.tag, ts.origin, ts.clip.Length
			rt.before, rt.clip = s.clip(x, ts.slot), s.clip(x, ts.slot)
			continue
		}
		s.unqueue(x)
		s.stop(x, a.at, false)
	}
	// New clips' slots, after the overdubs took theirs: a new row is
	// added once, for every track that needs it.
	for i := range t.tracks {
		if rt := &t.tracks[i]; !rt.overdub {
			rt.slot = s.target(rt.x, t.y)
			if rt.slot == len(s.song.Scenes) {
				s.AddScene() // room: there is room for it
			}
		}
	}
	s.startAudio(t, a)
	// Keys held through the count-in that snapped to the start are in.
}

// recEnd ends the take at action a (its planned end).
func (s *Session) recEnd(a action) {
	s.finish(a.beat, a.at, s.rec.launch)
}

// finish ends the take in progress at beat end, frame at (end's frame,
// or earlier for StopNow, where held notes are cut): new clips of the
// bars from the start to end go to their slots, launched at at when
// launch, and the take becomes an undo step.
func (s *Session) finish(end Beats, at engine.Frame, launch bool) {
	t := s.rec
	s.filter(func(a *action) bool { return a.kind != actRecStart && a.kind != actRecEnd && a.kind != actClick })
	s.rec, s.last = nil, t
	t.done, t.end, t.ending, t.endF = true, end, true, at
	if !t.started {
		return // StopNow before the start: nothing recorded
	}
	cut := s.clock.Beat(at)
	var e edit
	for i := range t.tracks {
		rt := &t.tracks[i]
		if rt.audio {
			s.endAudio(rt, at, !launch && at != s.clock.Frame(end))
		}
		for k := range rt.held {
			if h := &rt.held[k]; h.down {
				h.down = false
				s.addNote(t, rt, Note{At: h.q, Len: max(cut-h.on, minNoteLen), Key: uint8(k), Vel: h.vel}, at)
			}
		}
		if rt.overdub {
			if rt.clip != rt.before {
				e = append(e, change{x: rt.x, y: rt.slot, before: rt.before, after: rt.clip})
			}
			continue
		}
		if rt.audio && rt.slot >= 0 && rt.slot < len(s.song.Scenes) && s.clip(rt.x, rt.slot) == rt.clip {
			// The clip put there at the start, to its length now.
			rt.clip = t.audioClip(rt)
			e = append(e, change{x: rt.x, y: rt.slot, after: rt.clip})
			continue
		}
		if rt.audio || rt.slot < 0 || rt.slot >= len(s.song.Scenes) || s.clip(rt.x, rt.slot) != nil {
			// Filled meanwhile, or its scene gone in a reload: the next empty one.
			from := t.y
			if rt.slot >= 0 {
				from = rt.slot
			}
			if rt.slot = s.target(rt.x, min(from, len(s.song.Scenes))); rt.slot == len(s.song.Scenes) && s.AddScene() < 0 {
				rt.slot = -1 // no room left (MaxScenes): the take is lost on this track
				continue
			}
		}
		if rt.audio {
			rt.clip = t.audioClip(rt)
		} else {
			rt.clip = t.build(rt)
		}
		e = append(e, change{x: rt.x, y: rt.slot, after: rt.clip})
	}
	s.monitor(at)
	if len(e) == 0 {
		return
	}
	s.commit(e, at)
	t.edit = e
	if !launch {
		return
	}
	for _, rt := range t.tracks {
		if !rt.overdub && rt.slot >= 0 {
			s.notes(rt.x, at)
			s.unqueue(rt.x)
			s.launch(s.onBeat(end).on(actLaunch, rt.x, rt.slot))
		}
	}
}

// build returns the new clip rt recorded in take t: a loop of the whole
// take, its notes sorted (a note that snapped to the end wraps to the
// start), one per key and start (the last played).
func (t *take) build(rt *recTrack) *Clip {
	length := t.end - t.start
	ns := make([]Note, 0, len(rt.notes))
	for _, n := range rt.notes {
		if n.At >= length {
			n.At -= length
		}
		if n.At < 0 || n.At >= length {
			continue
		}
		ns = slices.DeleteFunc(ns, func(m Note) bool { return m.At == n.At && m.Key == n.Key })
		ns = append(ns, n)
	}
	slices.SortStableFunc(ns, func(a, b Note) int { return cmp.Compare(a.At, b.At) })
	return &Clip{Sample: -1, Loop: true, Length: length, Gain: 1, Notes: ns}
}

// recordOn notes a live note-on of key on track x at frame at for the
// take in progress, if x records and it falls in the take.
func (s *Session) recordOn(x int, key, vel uint8, at engine.Frame) {
	t, rt := s.recTrackOf(x, at)
	if rt == nil {
		return
	}
	b := s.clock.Beat(at)
	q := s.snap(t, rt, b)
	if q < t.start {
		return // counting in
	}
	if t.done { // late: it is cut at the end
		s.addNote(t, rt, Note{At: q, Len: max(t.end-b, minNoteLen), Key: key, Vel: vel}, at)
		return
	}
	rt.held[key] = heldNote{on: b, q: q, vel: vel, down: true}
}

// recordOff notes a live note-off of key on track x at frame at.
func (s *Session) recordOff(x int, key uint8, at engine.Frame) {
	t, rt := s.recTrackOf(x, at)
	if rt == nil || !rt.held[key].down {
		return
	}
	h := &rt.held[key]
	h.down = false
	end := s.clock.Beat(at)
	if t.ending {
		end = min(end, t.end)
	}
	s.addNote(t, rt, Note{At: h.q, Len: max(end-h.on, minNoteLen), Key: key, Vel: h.vel}, at)
}

// recTrackOf returns the take recording track x at frame at: the one in
// progress, or one that ended after at (a late note), and x's part in
// it.
func (s *Session) recTrackOf(x int, at engine.Frame) (*take, *recTrack) {
	t := s.rec
	if t == nil || (t.ending && at >= s.clock.Frame(t.end)) {
		if t = s.last; t == nil || at >= t.endF {
			return nil, nil
		}
	}
	for i := range t.tracks {
		if rt := &t.tracks[i]; rt.x == x && !rt.closed {
			return t, rt
		}
	}
	return nil, nil
}

// snap returns beat b snapped to the take's quantization grid: from its
// start, or for an overdub from its clip's origin (both bar lines when
// launches are quantized to bars).
func (s *Session) snap(t *take, rt *recTrack, b Beats) Beats {
	q := t.rs.Quantize
	if q <= 0 {
		return b
	}
	ref := t.start
	if rt.overdub {
		ref = rt.origin
	}
	return ref + Beats(math.Round(float64((b-ref)/q)))*q
}

// addNote records n (At: its snapped beat) on rt: for a new clip, into its
// notes (and into its clip if the take is done: a late note); for an
// overdub, merged into the clip at once, heard from the clip's next pass.
func (s *Session) addNote(t *take, rt *recTrack, n Note, at engine.Frame) {
	if !rt.overdub {
		n.At -= t.start
		rt.notes = append(rt.notes, n)
		if t.done && rt.clip != nil && s.clip(rt.x, rt.slot) == rt.clip {
			c := t.build(rt)
			s.put(rt.x, rt.slot, c, at)
			s.version++
			s.relabel(t, rt, c)
		}
		return
	}
	ts := &s.tracks[rt.x]
	cur := s.clip(rt.x, rt.slot)
	if cur == nil || !cur.IsNotes() || cur.Length <= 0 {
		return // cleared or replaced meanwhile: the overdub is over on this track
	}
	pass := math.Floor(float64((n.At - rt.origin) / rt.length))
	n.At -= rt.origin + Beats(pass)*rt.length
	if n.At >= cur.Length {
		return // the clip got shorter meanwhile
	}
	c := *cur
	c.Notes = slices.DeleteFunc(slices.Clone(cur.Notes), func(m Note) bool { return m.At == n.At && m.Key == n.Key })
	i, _ := slices.BinarySearchFunc(c.Notes, n.At, func(m Note, b Beats) int {
		if m.At <= b {
			return -1
		}
		return 1
	})
	c.Notes = slices.Insert(c.Notes, i, n)
	if ts.tag == rt.tag { // heard from the pass after the one it was played in, not in it
		ts.fresh = append(ts.fresh, fresh{at: n.At, key: n.Key, from: int(pass) + 1})
	}
	s.put(rt.x, rt.slot, &c, at)
	s.version++
	rt.clip = &c
	if t.done {
		s.relabel(t, rt, &c)
	}
}

// relabel makes c what the done take t's undo step puts in rt's slot.
func (s *Session) relabel(t *take, rt *recTrack, c *Clip) {
	rt.clip = c
	for i := range t.edit {
		if t.edit[i].x == rt.x && t.edit[i].y == rt.slot {
			t.edit[i].after = c
		}
	}
}

// click sounds the metronome at action a (a beat of the count-in or the
// recording) and plans the next one.
func (s *Session) click(a action) {
	t := s.rec
	if t == nil || (t.ending && a.beat >= t.end) {
		return
	}
	m := s.song.Metronome
	if s.metroOn && s.metroBus >= 0 && m.Instrument >= 0 {
		key := m.Beat
		if s.clock.onBar(a.beat) {
			key = m.Accent
		}
		s.post(engine.Command{Op: engine.NoteOn, At: a.at, Track: s.metroBus, Instrument: m.Instrument, Key: key, Vel: 127})
		s.post(engine.Command{Op: engine.NoteOff, At: s.clock.Frame(a.beat + clickLen), Track: s.metroBus, Key: key})
	}
	s.schedule(s.onBeat(a.beat+1).on(actClick, -1, 0))
}

// stopTake handles StopAll (now false: recording ends at the next bar line
// at or after at) and StopNow (now: at once) for the take in progress:
// a count-in is cancelled; what was recorded is kept, not launched.
func (s *Session) stopTake(at engine.Frame, now bool) {
	t := s.rec
	if t == nil {
		return
	}
	if at < s.clock.Frame(t.start) {
		s.cancelTake()
		return
	}
	bar := s.clock.BeatsPerBar()
	if now {
		b := s.clock.Beat(at)
		bars := max(1, math.Ceil(float64((b-t.start)/bar)))
		s.finish(t.start+Beats(bars)*bar, at, false)
		return
	}
	t.launch = false
	end := max(s.clock.NextBeat(at, bar), t.start+bar)
	if !t.ending || end < t.end {
		s.planEnd(end)
	}
}

// fresh is a note an overdub merged into a playing clip: it is heard from
// pass from of the launch on.
type fresh struct {
	at   Beats
	key  uint8
	from int
}

// prune forgets t's fresh notes whose first pass heard has begun by
// Committed: the passes before it are behind, and no note of them is
// scheduled again (retarget seeks from Committed on).
func (s *Session) prune(t *trackState) {
	t.fresh = slices.DeleteFunc(t.fresh, func(f fresh) bool {
		return s.clock.Frame(t.origin+Beats(f.from)*t.clip.Length) <= s.committed
	})
}

// skips reports whether note n of pass iter is one not heard yet.
func (t *trackState) skips(n Note, iter int) bool {
	for _, f := range t.fresh {
		if iter < f.from && f.at == n.At && f.key == n.Key {
			return true
		}
	}
	return false
}
