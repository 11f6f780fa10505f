package sequencer

import (
	"slices"

	"gridbox/engine"
)

// undoSteps is how many edits Undo can take back (issue 11 asks for
// at least 32); older ones are forgotten.
const undoSteps = 128

// An edit is one undo step: clip slots changed together (a SetClip, a
// Clear, a Duplicate, or a whole take of a recording, every recording
// track's clip at once; an overdub's part of one, split).
type edit []change

type change struct {
	x, y          int
	before, after *Clip
}

// Clip returns the clip in track x's slot y as the session has it now,
// edits included (nil: empty or out of range). Clips are immutable values:
// an edit replaces the pointer, never what it points to.
func (s *Session) Clip(x, y int) *Clip { return s.clip(x, y) }

// Version grows with every change of a clip or of the scene count: an edit,
// a recording's end, an overdub's merged note, an undo or redo, a new
// scene, a reload (Replace). The show saves the takes file when it changes.
func (s *Session) Version() uint64 { return s.version }

// CanUndo reports whether Undo has an edit to take back.
func (s *Session) CanUndo() bool { return len(s.undo) > 0 }

// CanRedo reports whether Redo has an undone edit to do again.
func (s *Session) CanRedo() bool { return len(s.redo) > 0 }

// SetClip puts c in track x's slot y (nil: empties it) at frame at, as one
// undo step. If the slot is playing a note clip and c is a note clip, c
// takes over at once: the notes not yet scheduled (from Committed on) come
// from c, on the same grid (the launch's origin), so an edit is heard at
// worst from the clip's next pass. Any other clip replacing a playing one
// takes over at its next loop start, as a reload's changed clip does
// (Replace); an emptied playing slot stops at the next boundary of the
// song's Quantize, unless it gets a clip back before (an Undo of the
// Clear: it plays on). A queued launch of the slot launches c.
func (s *Session) SetClip(x, y int, c *Clip, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) || y < 0 || y >= len(s.song.Scenes) || s.clip(x, y) == c {
		return
	}
	e := edit{{x: x, y: y, before: s.clip(x, y), after: c}}
	s.split(e)
	s.commit(e, at)
	s.rebase(e)
}

// Clear empties track x's slot y (one undo step).
func (s *Session) Clear(x, y int, at engine.Frame) { s.SetClip(x, y, nil, at) }

// Duplicate doubles the length of the note clip in track x's slot y, its
// notes copied into the second half (Ableton's Duplicate Loop), as one
// undo step. A playing clip plays on seamlessly. Empty slots, audio clips,
// clips of no length and clips that would outgrow the set format
// (MaxClipBeats, MaxClipNotes: the takes file could not hold them) are
// left alone.
func (s *Session) Duplicate(x, y int, at engine.Frame) {
	c := s.clip(x, y)
	if c == nil || !c.IsNotes() || c.Length <= 0 || 2*c.Length > MaxClipBeats || 2*len(c.Notes) > MaxClipNotes {
		return
	}
	d := *c
	d.Notes = make([]Note, 0, 2*len(c.Notes))
	d.Notes = append(d.Notes, c.Notes...)
	for _, n := range c.Notes {
		n.At += c.Length
		d.Notes = append(d.Notes, n)
	}
	d.Length = 2 * c.Length
	s.SetClip(x, y, &d, at)
}

// Undo takes back the latest edit at frame at (its slots get their clips
// back, playing ones as SetClip does) and reports whether there was one.
// A scene a recording added stays. Replace forgets every edit: a reloaded
// set's clips (and its bank's sample indices) are new.
//
// While a take overdubs a slot the latest edit changed, what the take
// merged since that edit is the latest edit (split): Undo takes back
// those notes, and the next Undo the edit.
func (s *Session) Undo(at engine.Frame) bool {
	if n := len(s.undo); n > 0 {
		s.split(s.undo[n-1])
	}
	n := len(s.undo)
	if n == 0 {
		return false
	}
	e := s.undo[n-1]
	s.undo = s.undo[:n-1]
	for i := len(e) - 1; i >= 0; i-- {
		s.put(e[i].x, e[i].y, e[i].before, at)
	}
	s.redo = append(s.redo, e)
	s.version++
	s.rebase(e)
	return true
}

// Redo does the latest undone edit again at frame at and reports whether
// there was one. A new edit forgets what was undone, and so do the notes
// a take merged into a slot it changes since (there is then none).
func (s *Session) Redo(at engine.Frame) bool {
	if n := len(s.redo); n > 0 {
		s.split(s.redo[n-1])
	}
	n := len(s.redo)
	if n == 0 {
		return false
	}
	e := s.redo[n-1]
	s.redo = s.redo[:n-1]
	for _, c := range e {
		s.put(c.x, c.y, c.after, at)
	}
	s.undo = append(s.undo, e)
	s.version++
	s.rebase(e)
	return true
}

// MaxScenes is the most scenes a session has: AddScene adds none past
// it. It is the set format's limit (sets.MaxScenes, which the sequencer
// does not import; a test in show checks they agree), so that every
// scene a recording adds can be saved in a takes file.
const MaxScenes = 1024

// MaxClipBeats and MaxClipNotes are the longest note clip and the most
// notes in one that Duplicate makes: the set format's limits (sets.MaxBeats,
// sets.MaxNotes; show checks they agree), so that a takes file holds them.
const (
	MaxClipBeats = 40000
	MaxClipNotes = 100_000
)

// AddScene adds an empty scene row at the bottom and returns its index,
// or -1 when there are MaxScenes already (no room: nothing changes). It
// is no undo step (Undo leaves the row, as Ableton does).
func (s *Session) AddScene() int {
	if len(s.song.Scenes) >= MaxScenes {
		return -1
	}
	s.own()
	s.song.Scenes = append(s.song.Scenes, Scene{})
	for x := range s.song.Tracks {
		s.song.Tracks[x].Clips = append(s.song.Tracks[x].Clips, nil)
	}
	if cap(s.filled) < len(s.song.Scenes) {
		s.filled = make([]int, 0, 2*len(s.song.Scenes))
	}
	s.version++
	return len(s.song.Scenes) - 1
}

// commit applies e at frame at as one new undo step.
func (s *Session) commit(e edit, at engine.Frame) {
	for _, c := range e {
		s.put(c.x, c.y, c.after, at)
	}
	s.push(e)
	s.version++
}

// push adds e, already applied, to the undo steps as the latest, and
// forgets what was undone.
func (s *Session) push(e edit) {
	if len(s.undo) == undoSteps {
		s.undo = s.undo[:copy(s.undo, s.undo[1:])]
	}
	s.undo = append(s.undo, e)
	s.redo = s.redo[:0]
}

// touches reports whether e changes track x's slot y.
func (e edit) touches(x, y int) bool {
	for _, c := range e {
		if c.x == x && c.y == y {
			return true
		}
	}
	return false
}

// split is called before e (an edit, an undo or a redo) changes slots.
// A take overdubbing a slot e changes gets its undo step cut there: the
// notes its overdubs merged so far become an undo step of their own (one
// for all its tracks), so that each Undo takes back one change; the rest
// of the take starts from the clips e leaves (rebase) and is its last
// step. The finished take's tracks whose slots e changes take no more
// late notes (they would change a clip e replaced).
func (s *Session) split(e edit) {
	if t := s.last; t != nil {
		for i := range t.tracks {
			if rt := &t.tracks[i]; e.touches(rt.x, rt.slot) {
				rt.closed = true
			}
		}
	}
	t := s.rec
	if t == nil || !slices.ContainsFunc(t.tracks, func(rt recTrack) bool { return rt.overdub && e.touches(rt.x, rt.slot) }) {
		return
	}
	var seg edit
	for i := range t.tracks {
		if rt := &t.tracks[i]; rt.overdub && rt.clip != rt.before {
			seg = append(seg, change{x: rt.x, y: rt.slot, before: rt.before, after: rt.clip})
			rt.before = rt.clip
		}
	}
	if len(seg) > 0 {
		s.push(seg)
	}
}

// rebase is called after e changed slots: the take in progress overdubs
// the clips e left in its slots from now on, what its undo step (split)
// starts from.
func (s *Session) rebase(e edit) {
	if t := s.rec; t != nil {
		for i := range t.tracks {
			if rt := &t.tracks[i]; rt.overdub && e.touches(rt.x, rt.slot) {
				rt.before, rt.clip = s.clip(rt.x, rt.slot), s.clip(rt.x, rt.slot)
			}
		}
	}
}

// own makes the song the session's to edit: the first edit copies the
// given Song's scenes and clip slots (copy on write), which stay as they
// were for whoever else holds it.
func (s *Session) own() {
	if s.owned {
		return
	}
	sg := *s.song
	sg.Scenes = slices.Clone(sg.Scenes)
	sg.Tracks = slices.Clone(sg.Tracks)
	for x := range sg.Tracks {
		cl := make([]*Clip, len(sg.Scenes), len(sg.Scenes)+8)
		copy(cl, sg.Tracks[x].Clips)
		sg.Tracks[x].Clips = cl
	}
	s.song, s.owned = &sg, true
}

// put puts c in track x's slot y at frame at; a playing slot hands over
// to it as SetClip says.
func (s *Session) put(x, y int, c *Clip, at engine.Frame) {
	s.own()
	s.song.Tracks[x].Clips[y] = c
	at = s.clamp(at)
	ts := &s.tracks[x]
	if ts.clip == nil || ts.slot != y {
		return
	}
	if c != nil && !c.Broken {
		// The slot has a clip again (an undo of a Clear, a new one): the
		// stop the edit that emptied it queued is off.
		s.filter(func(a *action) bool { return a.track != x || a.kind != actStop || !a.edit })
	}
	switch {
	case ts.clip == c:
	case c == nil || c.Broken:
		if !s.queued(x, actLaunch, -1) && !s.queued(x, actStop, -1) {
			st := s.next(at, s.song.Quantize).on(actStop, x, -1)
			st.edit = true
			s.schedule(st)
		}
	case c.IsNotes() && ts.clip.IsNotes() && !ts.stale:
		s.retarget(x, c)
	default: // it takes over at the loop start, as a reload's changed clip does
		ts.stale = true
		s.remove(x, actRetime)
		s.remove(x, actSwitch)
		if sw, ok := s.loopStart(ts, at); ok && !s.queued(x, actLaunch, -1) && !s.queued(x, actStop, -1) && !s.queued(x, actRepeat, -1) {
			s.schedule(sw.on(actSwitch, x, y).of(ts.tag))
		}
	}
}

// retarget makes note clip c what track x's launch plays from Committed
// on: the notes scheduled so far stay (and end as planned), the next one
// is c's first note at or after Committed on the launch's grid.
func (s *Session) retarget(x int, c *Clip) {
	ts := &s.tracks[x]
	ts.clip = c
	ts.iter, ts.ni = 0, 0
	if c.Loop && c.Length > 0 {
		k := int((s.clock.Beat(s.committed) - ts.origin) / c.Length)
		ts.iter = max(0, k-1)
	}
	if len(c.Notes) > 0 && c.Length > 0 {
		for {
			if _, _, _, ok := s.nextNote(ts, s.committed); !ok {
				break
			}
		}
	}
	s.remove(x, actEnd)
	if !c.Loop {
		end := s.onBeat(ts.origin + c.Length)
		if end.at < s.committed {
			end = action{at: s.committed, beat: s.clock.Beat(s.committed), now: true}
		}
		s.schedule(end.on(actEnd, x, -1).of(ts.tag))
	}
}
