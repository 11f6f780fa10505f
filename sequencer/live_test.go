package sequencer

import (
	"fmt"
	"slices"
	"testing"

	"gridbox/audio"
	"gridbox/engine"
)

// TestLiveNotesSoundAtOnceOrOnTheirFrame: a note played at a frame at or
// after Committed (a script) sounds exactly there; one stamped with the
// player's position (a live pad, behind Committed) sounds at the first
// frame of the next block rendered, not after the commit horizon, and is
// not late. A track with no instrument plays nothing.
func TestLiveNotesSoundAtOnceOrOnTheirFrame(t *testing.T) {
	for _, block := range blocks {
		g := newBusRig(t, keySong(), keyBank(), rate, block)
		var live engine.Frame
		g.at(10007, func(s *Session, at engine.Frame) {
			s.NoteOn(1, 50, 127, at)
			s.NoteOn(2, 51, 127, at) // no instrument
		})
		g.at(10500, func(s *Session, at engine.Frame) { s.NoteOff(1, 50, at) })
		g.at(30000, func(s *Session, _ engine.Frame) {
			live = g.p.Position()
			if live >= s.Committed() {
				t.Errorf("block %d: the player's position %d is not behind Committed %d", block, live, s.Committed())
			}
			s.NoteOn(1, 52, 127, live)
		})
		got := hits(g.run(40000))
		checkHits(t, "live notes", block, got, []hit{{10007, 50}, {live, 52}})
		if l := g.p.Stats().Late; l != 0 {
			t.Fatalf("block %d: %d late commands", block, l)
		}
	}
}

// TestLiveNoteBookkeeping: a note-off for a key not held sends nothing, a
// key pressed again is released first, all 128 keys can be held at once,
// and StopNow releases every held live note.
func TestLiveNoteBookkeeping(t *testing.T) {
	r := &recorder{}
	s := NewSession(keySong(), r, rate)
	s.Advance(1000)
	s.NoteOff(1, 60, 1000)
	s.NoteOn(1, 60, 100, 1000)
	s.NoteOn(1, 60, 90, 1100)
	s.NoteOff(1, 60, 1200)
	s.NoteOff(1, 60, 1300)
	s.NoteOn(1, 200, 100, 1300) // not a key
	want := []engine.Op{engine.NoteOn, engine.NoteOff, engine.NoteOn, engine.NoteOff}
	var got []engine.Op
	for _, c := range r.cmds {
		if c.Op == engine.NoteOn || c.Op == engine.NoteOff {
			got = append(got, c.Op)
			if c.Now {
				t.Fatalf("a note at or after Committed was sent live: %+v", c)
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("ops %v, want %v", got, want)
	}
	for k := range 128 {
		s.NoteOn(1, uint8(k), 100, 2000)
	}
	if !s.Sounding(1, 0, 2000) || !s.Sounding(1, 127, 2000) || s.Sounding(1, 127, 1999) {
		t.Fatal("held keys not sounding")
	}
	n := len(r.cmds)
	s.StopNow(3000)
	offs := 0
	for _, c := range r.cmds[n:] {
		if c.Op == engine.NoteOff && c.At == 3000 && c.Track == 1 {
			offs++
		}
	}
	if offs != 128 {
		t.Fatalf("StopNow sent %d note-offs for 128 held keys", offs)
	}
	if s.Sounding(1, 5, 3000) || !s.Sounding(1, 5, 2999) {
		t.Fatal("a released key still sounds, or stopped sounding before its release")
	}
}

// TestSoundingAndClipPosition: what a track's pads light and where its
// playhead is, as heard at a frame behind Committed.
func TestSoundingAndClipPosition(t *testing.T) {
	s := NewSession(keySong(), &recorder{}, rate)
	s.Press(0, 0, beats(0.5)) // starts at bar 2
	s.Advance(beats(5))
	s.StopTrack(0, beats(5)) // stops at bar 3
	s.Advance(beats(9))
	cases := []struct {
		at    float64
		key   uint8
		sound bool
		slot  int
		pos   Beats
	}{
		{3.9, 60, false, -1, 0},
		{4, 60, true, 0, 0},
		{4.2, 60, true, 0, 0.2},
		{4.3, 60, false, 0, 0.3},
		{5.1, 62, true, 0, 1.1},
		{7.9, 65, false, 0, 3.9},
		{8, 60, false, -1, 0},
	}
	for _, c := range cases {
		if got := s.Sounding(0, c.key, beats(c.at)); got != c.sound {
			t.Errorf("beat %v: key %d sounding %v, want %v", c.at, c.key, got, c.sound)
		}
		slot, pos, ok := s.ClipPosition(0, beats(c.at))
		if slot != c.slot || ok != (c.slot >= 0) || (ok && (pos-c.pos > 1e-4 || c.pos-pos > 1e-4)) {
			t.Errorf("beat %v: position %d %v %v, want %d %v", c.at, slot, pos, ok, c.slot, c.pos)
		}
	}
}

// padSong has one track whose instrument (padBank) holds a gated 0.125
// on every key, and a 1-bar loop holding key 60 for the bar's first beat.
func padSong() (*Song, *engine.Bank) {
	bank := &engine.Bank{
		Samples:     []*audio.Buffer{constBuffer(rate, 16*24000, 0.125)},
		Instruments: []engine.Instrument{{Zones: []engine.Zone{{Low: 0, High: 127, Root: 60, Sample: 0, Gain: 1, Gate: true}}}},
	}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: make([]Scene, 2), Tracks: []Track{
		{Gain: 1, Instrument: 0, Clips: []*Clip{{Sample: -1, Loop: true, Length: 4, Notes: []Note{{At: 0, Len: 1, Key: 60, Vel: 127}}}, nil}},
	}}
	return sg, bank
}

// TestLiveAndClipNotesOnOneKeyKeepEachOther: a pad held on the key the
// track's clip plays: the clip's note-off (beat 1) does not cut the pad,
// the pad's release (beat 4.5) does not cut the clip's note, and the
// clip's stop (beat 8) does not cut a pad held through it. Heard through
// the engine, at block sizes 64, 128 and 333.
func TestLiveAndClipNotesOnOneKeyKeepEachOther(t *testing.T) {
	sg, bank := padSong()
	for _, block := range blocks {
		g := newBusRig(t, sg, bank, rate, block)
		g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
		g.play(0, 60, beats(0.5), beats(2))
		g.play(0, 60, beats(4.25), beats(4.5))
		g.at(beats(6), func(s *Session, at engine.Frame) { s.StopTrack(0, at) }) // at beat 8
		g.play(0, 60, beats(7.5), beats(9))
		out := g.run(beats(10))
		for _, w := range []struct {
			from, to float64
			level    float32
		}{
			{0.1, 0.5, 0.125}, {0.6, 1, 0.25}, {1.1, 2, 0.125}, {2.1, 4, 0}, // the pad through the clip's note-off
			{4.1, 4.25, 0.125}, {4.35, 4.5, 0.25}, {4.6, 5, 0.125}, {5.1, 7.5, 0}, // the clip's note through the pad's release
			{7.6, 8, 0.125}, {8.1, 9, 0.125}, {9.1, 10, 0}, // the pad through the clip's stop
		} {
			for f := beats(w.from); f < beats(w.to); f += 97 {
				if out[2*f] != w.level {
					t.Fatalf("block %d: beat %.4f: level %v, want %v (beats %v to %v)", block, float64(f)/24000, out[2*f], w.level, w.from, w.to)
				}
			}
		}
	}
}

// TestTwoPadsHoldingOneKey: two pads holding the same key (a note on two
// controllers, or twice on one grid): the second press plays it again,
// the first release leaves it sounding, the last one releases it; StopNow
// releases it once however many pads hold it, and forgets them.
func TestTwoPadsHoldingOneKey(t *testing.T) {
	r := &recorder{}
	s := NewSession(keySong(), r, rate)
	notesOf := func() (ops []string) {
		for _, c := range r.cmds {
			switch c.Op {
			case engine.NoteOn:
				ops = append(ops, fmt.Sprintf("on@%d", c.At))
			case engine.NoteOff:
				ops = append(ops, fmt.Sprintf("off@%d", c.At))
			}
		}
		r.cmds = r.cmds[:0]
		return ops
	}
	s.NoteOn(1, 60, 100, 1000)
	s.NoteOn(1, 60, 100, 1100)
	s.NoteOff(1, 60, 1200)
	if !s.Sounding(1, 60, 1300) {
		t.Fatal("the key stopped sounding when the first of two pads let go")
	}
	s.NoteOff(1, 60, 1400)
	if got, want := notesOf(), []string{"on@1000", "off@1100", "on@1100", "off@1400"}; !slices.Equal(got, want) {
		t.Fatalf("two pads: %v, want %v", got, want)
	}
	if s.Sounding(1, 60, 1400) {
		t.Fatal("the key sounds after both pads let go")
	}
	s.NoteOn(1, 61, 100, 2000)
	s.NoteOn(1, 61, 100, 2000)
	s.NoteOn(1, 61, 100, 2000)
	s.StopNow(3000)
	s.NoteOn(1, 61, 100, 4000)
	s.NoteOff(1, 61, 4100)
	s.NoteOff(1, 61, 4200) // a pad held through StopNow: forgotten
	want := []string{"on@2000", "off@2000", "on@2000", "off@2000", "on@2000", "off@3000", "on@4000", "off@4100"}
	if got := notesOf(); !slices.Equal(got, want) {
		t.Fatalf("StopNow: %v, want %v", got, want)
	}
}

// TestControllerOnItsFrameOrLive: a controller change at or after
// Committed is sent for its frame exactly; one stamped behind it (a live
// controller) is sent live; a track that does not exist sends nothing.
func TestControllerOnItsFrameOrLive(t *testing.T) {
	r := &recorder{}
	s := NewSession(keySong(), r, rate)
	s.Advance(1000)
	c0 := s.Committed()
	s.Controller(1, engine.PitchBend, 12000, c0+5)
	s.Controller(1, 7, 90, c0-10)
	s.Controller(3, 7, 90, c0+5)
	s.Controller(-1, 7, 90, c0+5)
	got := r.ops(engine.Controller)
	want := []engine.Command{
		{Op: engine.Controller, At: c0 + 5, Track: 1, Control: engine.PitchBend, Value: 12000},
		{Op: engine.Controller, At: c0 - 10, Now: true, Track: 1, Control: 7, Value: 90},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sent %+v, want %+v", got, want)
	}
}
