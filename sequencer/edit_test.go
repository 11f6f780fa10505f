package sequencer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gridbox/audio"
	"gridbox/engine"
)

// keyBank has one instrument (0) whose every key plays a one-frame click
// of key/256 (a hit's level tells its key), and nothing else. The last
// instrument (1) clicks 0.75 on key 1 and 0.5 on key 2 (a metronome).
func keyBank() *engine.Bank {
	b := &engine.Bank{Instruments: make([]engine.Instrument, 2)}
	for k := range 128 {
		b.Samples = append(b.Samples, &audio.Buffer{Rate: rate, Channels: 1, Data: []float32{float32(k) / 256}})
		b.Instruments[0].Zones = append(b.Instruments[0].Zones, engine.Zone{Low: uint8(k), High: uint8(k), Root: uint8(k), Sample: int32(k), Gain: 1})
	}
	for i, v := range []float32{0.75, 0.5} {
		b.Samples = append(b.Samples, &audio.Buffer{Rate: rate, Channels: 1, Data: []float32{v}})
		b.Instruments[1].Zones = append(b.Instruments[1].Zones, engine.Zone{Low: uint8(i + 1), High: uint8(i + 1), Root: uint8(i + 1), Sample: int32(128 + i), Gain: 1})
	}
	return b
}

// hit is a click heard: its frame and what played it (a key of keyBank's
// instrument 0, or -1 and -2 for the metronome's accent and beat).
type hit struct {
	at  engine.Frame
	key int
}

func (h hit) String() string { return fmt.Sprintf("%d@%d", h.key, h.at) }

// hits returns the clicks in out, in order (one sound per frame: the
// tests keep hits apart).
func hits(out []float32) []hit {
	var hs []hit
	for f := range len(out) / 2 {
		if out[2*f] == 0 {
			continue
		}
		switch k := int(math.Round(float64(out[2*f]) * 256)); k {
		case 192:
			hs = append(hs, hit{engine.Frame(f), -1})
		case 128:
			hs = append(hs, hit{engine.Frame(f), -2})
		default:
			hs = append(hs, hit{engine.Frame(f), k})
		}
	}
	return hs
}

// keyed returns the hits of key on the beats given.
func keyed(key int, bs ...float64) []hit {
	var hs []hit
	for _, b := range bs {
		hs = append(hs, hit{beats(b), key})
	}
	return hs
}

// sortHits orders hits by frame (then key).
func sortHits(hs []hit) []hit {
	slices.SortFunc(hs, func(a, b hit) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return a.key - b.key
	})
	return hs
}

// keySong has two tracks on keyBank's instrument 0 and three scenes:
// track 0's slot 0 loops a 1-bar clip playing keys 60, 62, 64 and 65 on
// beats 0 to 3; everything else is empty. Track 2 has no instrument. The
// engine has a bus more than the tracks (the metronome's).
func keySong() *Song {
	return &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: make([]Scene, 3), Buses: 4, Tracks: []Track{
		{Gain: 1, Instrument: 0, Clips: []*Clip{notes(4, 60, 0, 62, 1, 64, 2, 65, 3), nil, nil}},
		{Gain: 1, Instrument: 0, Clips: make([]*Clip, 3)},
		{Gain: 1, Instrument: -1, Clips: make([]*Clip, 3)},
	}, Metronome: Metronome{Instrument: 1, Accent: 1, Beat: 2, Gain: 1}}
}

// notes returns a looping note clip of length beats playing key, beat
// pairs, each note a quarter beat long at velocity 127.
func notes(length Beats, kb ...float64) *Clip {
	c := &Clip{Sample: -1, Loop: true, Length: length}
	for i := 0; i < len(kb); i += 2 {
		c.Notes = append(c.Notes, Note{At: Beats(kb[i+1]), Len: 0.25, Key: uint8(kb[i]), Vel: 127})
	}
	return c
}

func checkHits(t *testing.T, what string, block int, got, want []hit) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("block %d: %s: heard\n%v\nwant\n%v", block, what, got, want)
	}
}

// TestSetClipIsHeardFromTheNextNote: an edit of the playing note clip
// (mid-bar 2) is heard from its first note not yet scheduled, on the
// launch's grid; an undo (mid-bar 3) brings the old notes back the same
// way, and a clear (mid-bar 4) stops the clip at the next bar line.
func TestSetClipIsHeardFromTheNextNote(t *testing.T) {
	edited := notes(4, 70, 0, 71, 1, 72, 2.5, 73, 3)
	for _, block := range blocks {
		g := newBusRig(t, keySong(), keyBank(), rate, block)
		g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
		g.at(beats(5.5), func(s *Session, at engine.Frame) { s.SetClip(0, 0, edited, at) })
		g.at(beats(9.5), func(s *Session, at engine.Frame) {
			if !s.Undo(at) {
				t.Error("nothing to undo")
			}
		})
		g.at(beats(13.5), func(s *Session, at engine.Frame) { s.Clear(0, 0, at) })
		got := hits(g.run(6 * bar))
		want := sortHits(slices.Concat(keyed(60, 0, 4), keyed(62, 1, 5), keyed(64, 2), keyed(65, 3),
			keyed(72, 6.5), keyed(73, 7), keyed(70, 8), keyed(71, 9), // the edit
			keyed(64, 10, 14), keyed(65, 11, 15), keyed(60, 12), keyed(62, 13))) // undone; cleared at bar 5
		checkHits(t, "edit, undo, clear", block, got, want)
		if g.s.Playing(0) != -1 || g.s.Clip(0, 0) != nil || !g.s.CanUndo() || g.s.CanRedo() {
			t.Fatalf("block %d: after the clear: playing %d, clip %v, can undo %v, redo %v", block, g.s.Playing(0), g.s.Clip(0, 0), g.s.CanUndo(), g.s.CanRedo())
		}
	}
}

// TestDuplicatePlaysOnSeamlessly: duplicating the playing clip (mid-bar
// 2) doubles its length with its notes copied, and what is heard does not
// change; its undo gives the very clip back.
func TestDuplicatePlaysOnSeamlessly(t *testing.T) {
	for _, block := range blocks {
		g := newBusRig(t, keySong(), keyBank(), rate, block)
		orig := g.s.Clip(0, 0)
		g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
		g.at(beats(6.3), func(s *Session, at engine.Frame) { s.Duplicate(0, 0, at) })
		got := hits(g.run(5 * bar))
		var want []hit
		for b := 0; b < 20; b++ {
			want = append(want, hit{beats(float64(b)), []int{60, 62, 64, 65}[b%4]})
		}
		checkHits(t, "duplicated", block, got, want)
		d := g.s.Clip(0, 0)
		if d.Length != 8 || len(d.Notes) != 8 || d.Notes[4] != (Note{At: 4, Len: 0.25, Key: 60, Vel: 127}) {
			t.Fatalf("block %d: duplicated clip: length %v, notes %v", block, d.Length, d.Notes)
		}
		if !g.s.Undo(g.s.Committed()) || g.s.Clip(0, 0) != orig {
			t.Fatalf("block %d: undo did not give the original clip back", block)
		}
	}
}

// TestUndoRedoRestoresEveryStep: 40 random edits (set, clear, duplicate,
// on random slots, with a scene added midway) undo step by step back to
// the start and redo forward, each step giving back exactly the clips it
// had (the same pointers), Version growing all along; an edit after an
// undo forgets what was undone; 200 edits keep the latest undoSteps.
func TestUndoRedoRestoresEveryStep(t *testing.T) {
	sg := keySong()
	r := &recorder{}
	s := NewSession(sg, r, rate)
	given := slices.Clone(sg.Tracks[0].Clips)
	snap := func() [][]*Clip {
		var all [][]*Clip
		for x := range s.Tracks() {
			var col []*Clip
			for y := range s.Scenes() {
				col = append(col, s.Clip(x, y))
			}
			all = append(all, col)
		}
		return all
	}
	same := func(a, b [][]*Clip) bool {
		return slices.EqualFunc(a, b, func(x, y []*Clip) bool {
			// a scene added later is an empty slot before it
			for i := range max(len(x), len(y)) {
				var p, q *Clip
				if i < len(x) {
					p = x[i]
				}
				if i < len(y) {
					q = y[i]
				}
				if p != q {
					return false
				}
			}
			return true
		})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	states := [][][]*Clip{snap()}
	v := s.Version()
	at := engine.Frame(0)
	s.Press(0, 0, 0)
	for i := range 40 {
		at += engine.Frame(rng.IntN(bar))
		s.Advance(at)
		x, y := rng.IntN(s.Tracks()), rng.IntN(s.Scenes())
		if i == 20 {
			s.AddScene()
		}
		switch rng.IntN(3) {
		case 0:
			s.SetClip(x, y, notes(4, float64(40+i), float64(rng.IntN(4))), at)
		case 1:
			if s.Clip(x, y) == nil {
				s.SetClip(x, y, notes(2, float64(40+i), 1), at)
			} else {
				s.Clear(x, y, at)
			}
		default:
			if c := s.Clip(x, y); c == nil || !c.IsNotes() {
				s.SetClip(x, y, notes(1, float64(40+i), 0.5), at)
			} else {
				s.Duplicate(x, y, at)
			}
		}
		if s.Version() <= v {
			t.Fatalf("edit %d: version %d, was %d", i, s.Version(), v)
		}
		v = s.Version()
		states = append(states, snap())
	}
	if s.Scenes() != 4 {
		t.Fatalf("%d scenes, want 4", s.Scenes())
	}
	for i := 40; i > 0; i-- {
		if !s.CanUndo() || !s.Undo(at) {
			t.Fatalf("undo %d: nothing to undo", 41-i)
		}
		if !same(snap(), states[i-1]) {
			t.Fatalf("undo to step %d: clips %v, want %v", i-1, snap(), states[i-1])
		}
		if s.Version() <= v {
			t.Fatalf("undo %d: version did not grow", 41-i)
		}
		v = s.Version()
	}
	if s.CanUndo() || s.Undo(at) {
		t.Fatal("undo past the first edit")
	}
	if !slices.Equal(sg.Tracks[0].Clips, given) || sg.Tracks[1].Clips[0] != nil || len(sg.Scenes) != 3 {
		t.Fatal("the session's edits wrote to the Song it was given")
	}
	for i := 1; i <= 40; i++ {
		if !s.Redo(at) {
			t.Fatalf("redo %d: nothing to redo", i)
		}
		if !same(snap(), states[i]) {
			t.Fatalf("redo to step %d: clips %v, want %v", i, snap(), states[i])
		}
	}
	if s.CanRedo() || s.Redo(at) {
		t.Fatal("redo past the last edit")
	}
	s.Undo(at)
	s.SetClip(1, 1, notes(4, 99, 0), at)
	if s.CanRedo() {
		t.Fatal("an edit after an undo kept the redo")
	}
	for i := range 200 {
		s.SetClip(1, 2, notes(4, float64(i%100), 0), at)
	}
	n := 0
	for s.Undo(at) {
		n++
	}
	if n != undoSteps {
		t.Fatalf("%d undo steps kept, want %d", n, undoSteps)
	}
	s.Advance(at + 4*bar)
	s.StopAll(at + 4*bar)
	s.Advance(at + 8*bar)
	if !s.Idle() {
		t.Fatal("not idle after stop-all")
	}
}

// TestReplaceForgetsEdits: a reload plays the reloaded song's clips, not
// the session's edits, forgets the undo history, and grows Version.
func TestReplaceForgetsEdits(t *testing.T) {
	sg := keySong()
	s := NewSession(sg, &recorder{}, rate)
	s.SetClip(1, 0, notes(4, 50, 0), 0)
	s.AddScene()
	v := s.Version()
	next := reload(sg)
	if err := s.Replace(next, 0); err != nil {
		t.Fatal(err)
	}
	if s.CanUndo() || s.CanRedo() || s.Clip(1, 0) != nil || s.Scenes() != 3 || s.Version() <= v {
		t.Fatalf("after a reload: can undo %v, redo %v, clip %v, %d scenes, version %d (was %d)",
			s.CanUndo(), s.CanRedo(), s.Clip(1, 0), s.Scenes(), s.Version(), v)
	}
	s.SetClip(1, 0, notes(4, 50, 0), 0)
	if next.Tracks[1].Clips[0] != nil {
		t.Fatal("an edit after a reload wrote to the reloaded Song")
	}
}

// TestUndoOfAClearKeepsTheClipPlaying: a Clear of the playing clip
// (mid-bar 2) queues its stop at bar 3; an Undo before it (beat 6.5)
// gives the slot its clip back, and it plays on through the bar line. A
// clip put in the emptied slot before the stop plays on too, its own
// notes from the next one not yet scheduled.
func TestUndoOfAClearKeepsTheClipPlaying(t *testing.T) {
	edited := notes(4, 70, 0, 71, 1, 72, 2, 73, 3)
	for _, block := range blocks {
		for _, undo := range []bool{true, false} {
			g := newBusRig(t, keySong(), keyBank(), rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			g.at(beats(5.5), func(s *Session, at engine.Frame) { s.Clear(0, 0, at) })
			g.at(beats(6.5), func(s *Session, at engine.Frame) {
				if undo {
					s.Undo(at)
				} else {
					s.SetClip(0, 0, edited, at)
				}
			})
			got := hits(g.run(4 * bar))
			var want []hit
			for b := range 16 {
				key := []int{60, 62, 64, 65}[b%4]
				if !undo && b >= 7 {
					key = 70 + b%4
				}
				want = append(want, hit{beats(float64(b)), key})
			}
			checkHits(t, fmt.Sprintf("undo %v", undo), block, got, want)
			if st := g.s.Slot(0, 0); st != SlotPlaying {
				t.Fatalf("block %d, undo %v: slot %v, want playing", block, undo, st)
			}
		}
	}
}

// TestScenesStopAtMaxScenes: AddScene adds no row past MaxScenes, and
// Record leaves out a track that would need one: with only it, no take
// (no count-in, no row); armed with an overdubbing track, that one
// records alone.
func TestScenesStopAtMaxScenes(t *testing.T) {
	sg := keySong()
	s := NewSession(sg, &recorder{}, rate)
	for s.Scenes() < MaxScenes {
		if y := s.AddScene(); y != s.Scenes()-1 {
			t.Fatalf("AddScene = %d with %d scenes", y, s.Scenes())
		}
	}
	v := s.Version()
	if y := s.AddScene(); y != -1 || s.Scenes() != MaxScenes || s.Version() != v {
		t.Fatalf("AddScene past MaxScenes = %d, %d scenes, version %d (was %d)", y, s.Scenes(), s.Version(), v)
	}
	for y := range MaxScenes {
		s.SetClip(1, y, notes(4, 40, 0), 0)
	}
	s.Record(1, 0, 0)
	if st := s.RecordState(0); st != RecIdle || !s.Idle() {
		t.Fatalf("Record with no room: %v, idle %v; want no take", st, s.Idle())
	}
	s.SetMix(1, Mix{Volume: 1, Arm: true}, 0)
	s.Press(0, 0, 0)
	s.Record(0, 0, 10) // overdubs track 0 from beat 4; track 1 has no room
	if _, ok := s.Recording(1); ok {
		t.Fatal("the track with no room records")
	}
	s.Advance(beats(5))
	s.NoteOn(0, 70, 100, beats(5))
	s.NoteOn(1, 71, 100, beats(5))
	s.NoteOff(0, 70, beats(5.1))
	s.NoteOff(1, 71, beats(5.1))
	s.Record(0, 0, beats(5.5))
	s.Advance(beats(9))
	if s.Scenes() != MaxScenes || len(s.Clip(0, 0).Notes) != 5 || len(s.Clip(1, 0).Notes) != 1 {
		t.Fatalf("%d scenes, %d notes overdubbed, %d in track 1's clip", s.Scenes(), len(s.Clip(0, 0).Notes), len(s.Clip(1, 0).Notes))
	}
}

// TestDuplicateStaysWithinTheSetFormat: Duplicate makes no clip longer
// than MaxClipBeats or with more than MaxClipNotes notes, which a takes
// file could not hold.
func TestDuplicateStaysWithinTheSetFormat(t *testing.T) {
	s, _ := recSession(RecordSettings{})
	note := []Note{{At: 0, Len: 1, Key: 60, Vel: 100}}
	long := &Clip{Sample: -1, Loop: true, Length: MaxClipBeats/2 + 1, Gain: 1, Notes: note}
	s.SetClip(0, 0, long, 0)
	v := s.Version()
	s.Duplicate(0, 0, 0)
	if s.Version() != v || s.Clip(0, 0) != long {
		t.Errorf("a clip of %v beats was duplicated past %v", long.Length, MaxClipBeats)
	}
	dense := &Clip{Sample: -1, Loop: true, Length: 4, Gain: 1, Notes: make([]Note, MaxClipNotes/2+1)}
	s.SetClip(0, 0, dense, 0)
	v = s.Version()
	s.Duplicate(0, 0, 0)
	if s.Version() != v {
		t.Errorf("a clip of %d notes was duplicated past %d", len(dense.Notes), MaxClipNotes)
	}
	fits := &Clip{Sample: -1, Loop: true, Length: MaxClipBeats / 2, Gain: 1, Notes: note}
	s.SetClip(0, 0, fits, 0)
	s.Duplicate(0, 0, 0)
	if c := s.Clip(0, 0); c.Length != MaxClipBeats || len(c.Notes) != 2 {
		t.Errorf("a clip of %v beats duplicated to %v beats, %d notes; want %v, 2", fits.Length, c.Length, len(c.Notes), MaxClipBeats)
	}
}
