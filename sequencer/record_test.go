package sequencer

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gridbox/engine"
)

// play queues key played on track x from frame on to frame off (off < 0:
// held).
func (g *rig) play(x int, key uint8, on, off engine.Frame) {
	g.at(on, func(s *Session, at engine.Frame) { s.NoteOn(x, key, 127, at) })
	if off >= 0 {
		g.at(off, func(s *Session, at engine.Frame) { s.NoteOff(x, key, at) })
	}
}

// checkNotes fails the test unless c's notes start at ats with keys, in
// order.
func checkNotes(t *testing.T, what string, c *Clip, ats []Beats, keys []uint8) {
	t.Helper()
	if c == nil {
		t.Fatalf("%s: no clip", what)
	}
	var gotAt []Beats
	var gotKey []uint8
	for _, n := range c.Notes {
		gotAt, gotKey = append(gotAt, n.At), append(gotKey, n.Key)
	}
	if !slices.Equal(gotAt, ats) || !slices.Equal(gotKey, keys) {
		t.Fatalf("%s: notes at %v keys %v, want at %v keys %v", what, gotAt, gotKey, ats, keys)
	}
}

// TestRecordNewClip: Record at beat 1.3 with a 1-bar count-in and 1/16
// quantization counts in from beat 4 (the metronome accenting bar lines)
// and records track 1 from beat 8 into its first empty slot; a second
// press at beat 14.5 ends it at beat 16. A note played during the count-in
// sounds and is not recorded, one played just before the start snaps to
// it; notes are stored on the 1/16 grid, lengths kept, a note held past
// the end cut there; a live note (stamped with the player's position,
// behind Committed) is recorded too. The new 2-bar clip loops from beat
// 16, its first note exactly there. Every hit checked to the frame at
// block sizes 64, 128 and 333.
func TestRecordNewClip(t *testing.T) {
	for _, block := range blocks {
		sg := keySong()
		sg.Record = RecordSettings{CountIn: 4, Quantize: 0.25}
		sg.Metronome.On = true
		g := newBusRig(t, sg, keyBank(), rate, block)
		g.at(beats(1.3), func(s *Session, at engine.Frame) { s.Record(1, 0, at) })
		g.at(beats(3), func(s *Session, at engine.Frame) {
			if st, y, ok := s.RecordState(at), 0, true; st != RecCountIn {
				t.Errorf("block %d: before the count-in: %v, want counting in", block, st)
			} else if y2, ok2 := s.Recording(1); y2 != y || ok2 != ok {
				t.Errorf("block %d: Recording(1) = %d %v, want 0 true", block, y2, ok2)
			}
		})
		g.play(1, 40, beats(6.3), beats(6.4))
		g.play(1, 41, beats(7.9), beats(8))
		g.at(beats(9), func(s *Session, at engine.Frame) {
			if st := s.RecordState(at); st != RecRecording {
				t.Errorf("block %d: at beat 9: %v, want recording", block, st)
			}
		})
		g.play(1, 50, beats(9.07), beats(9.5))
		g.play(1, 52, beats(10.6), beats(10.7))
		var live engine.Frame
		g.at(beats(11.3), func(s *Session, _ engine.Frame) {
			live = g.p.Position()
			s.NoteOn(1, 55, 127, live)
		})
		g.at(beats(11.5), func(s *Session, at engine.Frame) { s.NoteOff(1, 55, at) })
		g.play(1, 53, beats(13.88), beats(17))
		g.at(beats(14.5), func(s *Session, at engine.Frame) { s.Record(1, 0, at) })
		got := hits(g.run(beats(34)))

		p55 := Beats(math.Round(float64(g.s.Clock().Beat(live)-8)/0.25)) * 0.25
		want := slices.Concat(keyed(-1, 4, 8, 12), keyed(-2, 5, 6, 7, 9, 10, 11, 13, 14, 15),
			keyed(40, 6.3), keyed(41, 7.9), keyed(50, 9.07), keyed(52, 10.6), []hit{{live, 55}}, keyed(53, 13.88),
			keyed(41, 16, 24, 32), keyed(50, 17, 25, 33), keyed(52, 18.5, 26.5), keyed(53, 22, 30),
			keyed(55, 16+float64(p55), 24+float64(p55)))
		checkHits(t, "recorded", block, got, sortHits(want))
		c := g.s.Clip(1, 0)
		checkNotes(t, "the new clip", c, []Beats{0, 1, 2.5, p55, 6}, []uint8{41, 50, 52, 55, 53})
		if c.Length != 8 || !c.Loop || math.Abs(float64(c.Notes[1].Len-0.43)) > 1e-9 || math.Abs(float64(c.Notes[4].Len-2.12)) > 1e-9 {
			t.Fatalf("block %d: new clip %+v", block, c)
		}
		if st := g.s.RecordState(beats(34)); st != RecIdle || g.s.Playing(1) != 0 || g.s.Scenes() != 3 {
			t.Fatalf("block %d: after: %v, playing %d, %d scenes", block, st, g.s.Playing(1), g.s.Scenes())
		}
	}
}

// TestRecordFixedLengthThroughATempoChange: with no count-in, a fixed
// length of 2 bars and 1/8 quantization, Record at beat 2 records from
// beat 4 to beat 12 into track 1's first empty slot at or below scene 1;
// the armed track with no instrument is left out. The tempo drops to 90
// BPM at beat 6: the notes keep their beats, and the clip loops from beat
// 12 on the new tempo's frames. The metronome, off, is turned on at beat
// 9 and clicks from there to the end.
func TestRecordFixedLengthThroughATempoChange(t *testing.T) {
	f := func(b float64) engine.Frame { // the tempo map: 120 BPM, 90 from beat 6
		if b < 6 {
			return beats(b)
		}
		return 144000 + engine.Frame(math.Round((b-6)*32000))
	}
	for _, block := range blocks {
		sg := keySong()
		sg.Record = RecordSettings{Quantize: 0.5, Length: 8}
		g := newBusRig(t, sg, keyBank(), rate, block)
		g.at(0, func(s *Session, at engine.Frame) { s.SetMix(2, Mix{Volume: 1, Arm: true}, at) })
		g.at(beats(2), func(s *Session, at engine.Frame) { s.Record(1, 1, at) })
		g.at(f(6), func(s *Session, at engine.Frame) { s.SetTempo(90, at) })
		g.play(1, 60, f(5.2), f(5.3))
		g.play(1, 62, f(7.3), f(7.5))
		g.at(f(9), func(s *Session, at engine.Frame) {
			s.SetMetronome(true)
			if _, ok := s.Recording(2); ok {
				t.Errorf("block %d: the track with no instrument records", block)
			}
		})
		g.play(1, 64, f(9.74), f(9.9))
		got := hits(g.run(640000))
		want := []hit{{f(5.2), 60}, {f(7.3), 62}, {f(9), -2}, {f(9.74), 64}, {f(10), -2}, {f(11), -2},
			{f(13), 60}, {f(15.5), 62}, {f(17.5), 64}, {f(21), 60}}
		checkHits(t, "fixed length", block, got, want)
		c := g.s.Clip(1, 1)
		checkNotes(t, "the new clip", c, []Beats{1, 3.5, 5.5}, []uint8{60, 62, 64})
		if c.Length != 8 || g.s.Clip(1, 0) != nil || g.s.Clip(2, 1) != nil {
			t.Fatalf("block %d: length %v, slots %v %v", block, c.Length, g.s.Clip(1, 0), g.s.Clip(2, 1))
		}
	}
}

// TestRecordOverdub: Record with track 0's note clip playing overdubs it
// from beat 4 to the bar line after a second press (beat 16). Each note
// is merged as it is released and heard from the clip's next pass, not in
// the pass it was played in, even where it snapped ahead of the playhead
// (6.45 → 6.5) or into the next pass (7.95 → 8: heard from beat 12); a
// note held past the end is cut there. The take is one undo step.
func TestRecordOverdub(t *testing.T) {
	for _, block := range blocks {
		sg := keySong()
		sg.Record = RecordSettings{Quantize: 0.25}
		orig := notes(4, 60, 0.25, 62, 1, 64, 2, 65, 3)
		sg.Tracks[0].Clips[0] = orig
		g := newBusRig(t, sg, keyBank(), rate, block)
		g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
		g.at(beats(2), func(s *Session, at engine.Frame) { s.Record(0, 0, at) })
		g.play(0, 70, beats(4.5), beats(4.7))
		g.play(0, 71, beats(6.45), beats(6.46))
		g.play(0, 72, beats(7.95), beats(8.05))
		g.play(0, 73, beats(15.2), beats(17))
		g.at(beats(13), func(s *Session, at engine.Frame) { s.Record(0, 0, at) })
		got := hits(g.run(beats(24)))
		var want []hit
		for k := 0.0; k < 24; k += 4 {
			want = append(want, slices.Concat(keyed(60, k+0.25), keyed(62, k+1), keyed(64, k+2), keyed(65, k+3))...)
		}
		want = append(want, slices.Concat(keyed(70, 4.5, 8.5, 12.5, 16.5, 20.5), keyed(71, 6.45, 10.5, 14.5, 18.5, 22.5),
			keyed(72, 7.95, 12, 16, 20), keyed(73, 15.2, 19.25, 23.25))...)
		checkHits(t, "overdub", block, got, sortHits(want))
		c := g.s.Clip(0, 0)
		checkNotes(t, "the overdubbed clip", c, []Beats{0, 0.25, 0.5, 1, 2, 2.5, 3, 3.25}, []uint8{72, 60, 70, 62, 64, 71, 65, 73})
		if math.Abs(float64(c.Notes[7].Len-0.8)) > 1e-9 {
			t.Fatalf("block %d: the held note's length %v, want 0.8 (cut at the end)", block, c.Notes[7].Len)
		}
		if !g.s.Undo(g.s.Committed()) || g.s.Clip(0, 0) != orig || g.s.CanUndo() || !g.s.Redo(g.s.Committed()) || g.s.Clip(0, 0) != c {
			t.Fatalf("block %d: the overdub is not one undo step", block)
		}
	}
}

// recSession returns a session of keySong with rs, on a recorder.
func recSession(rs RecordSettings) (*Session, *recorder) {
	sg := keySong()
	sg.Record = rs
	r := &recorder{}
	return NewSession(sg, r, rate), r
}

// TestRecordCancelAndNoInstrument: Record pressed again while counting in
// cancels the take (no clicks after it); Record on a track with no
// instrument, none armed, does nothing.
func TestRecordCancelAndNoInstrument(t *testing.T) {
	sg := keySong()
	sg.Metronome.On = true
	sg.Record.CountIn = 8
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Record(2, 0, 0)
	if s.RecordState(0) != RecIdle || !s.Idle() {
		t.Fatal("Record on a track with no instrument started a take")
	}
	s.Record(1, 0, 100)
	s.Advance(beats(6))
	s.Record(1, 0, beats(6))
	s.Advance(beats(20))
	clicks := 0
	for _, c := range r.ops(engine.NoteOn) {
		if c.Track == 3 {
			clicks++
			if c.At >= beats(6) {
				t.Fatalf("a click at %d after the cancel", c.At)
			}
		}
	}
	if clicks != 2 || s.RecordState(beats(6)) != RecIdle || !s.Idle() || s.Version() != 0 {
		t.Fatalf("%d clicks, state %v, idle %v, version %d", clicks, s.RecordState(beats(6)), s.Idle(), s.Version())
	}
}

// TestRecordStops: StopAll while recording ends the take at the next bar
// line and StopNow at once; both keep what was recorded (whole bars) and
// launch nothing. With no empty slot below the selected scene, the clip
// goes to a new scene row.
func TestRecordStops(t *testing.T) {
	for _, now := range []bool{false, true} {
		s, _ := recSession(RecordSettings{})
		for y := range 3 {
			s.SetClip(1, y, notes(4, 30, 0), 0)
		}
		s.Record(1, 1, 10) // from beat 4
		s.Advance(beats(5))
		s.NoteOn(1, 50, 100, beats(5))
		s.NoteOff(1, 50, beats(5.5))
		s.NoteOn(1, 51, 100, beats(9)) // held at the stop
		s.Advance(beats(9.5))
		if now {
			s.StopNow(beats(9.5))
		} else {
			s.StopAll(beats(9.5))
		}
		s.Advance(beats(20))
		if s.Scenes() != 4 || s.Playing(1) != -1 || s.RecordState(beats(20)) != RecIdle {
			t.Fatalf("stop now %v: %d scenes, playing %d, %v", now, s.Scenes(), s.Playing(1), s.RecordState(beats(20)))
		}
		c := s.Clip(1, 3)
		checkNotes(t, "kept", c, []Beats{1, 5}, []uint8{50, 51})
		if c.Length != 8 {
			t.Fatalf("stop now %v: length %v, want 8 (whole bars)", now, c.Length)
		}
		if want := map[bool]Beats{false: 3, true: 0.5}[now]; math.Abs(float64(c.Notes[1].Len-want)) > 1e-9 {
			t.Fatalf("stop now %v: the held note lasts %v, want %v", now, c.Notes[1].Len, want)
		}
	}
}

// TestRecordLateLiveNote: a live note played just before the end that
// reaches the session after the end was committed (stamped behind
// Committed) still goes into the new clip, and into its undo step.
func TestRecordLateLiveNote(t *testing.T) {
	s, r := recSession(RecordSettings{Length: 4})
	s.Record(1, 0, 0) // beats 0 to 4
	s.Advance(beats(4) + 600)
	if s.Clip(1, 0) == nil || s.Playing(1) != 0 {
		t.Fatal("no new clip at the end")
	}
	s.NoteOn(1, 45, 100, beats(4)-1200)
	if c := r.cmds[len(r.cmds)-1]; !c.Now {
		t.Fatalf("a note behind Committed was not sent live: %+v", c)
	}
	c := s.Clip(1, 0)
	checkNotes(t, "with the late note", c, []Beats{3.95}, []uint8{45})
	s.Undo(s.Committed())
	if s.Clip(1, 0) != nil || !s.Redo(s.Committed()) || s.Clip(1, 0) != c {
		t.Fatal("the late note is not in the take's undo step")
	}
}

// TestUndoRedoRecordings: 40 takes on track 1, stopped in between (each
// into a new scene row once the slots run out), then undone to the first and redone to the last, each
// step restoring exactly the clips it had.
func TestUndoRedoRecordings(t *testing.T) {
	s, _ := recSession(RecordSettings{Length: 4, Quantize: 0.25})
	at := engine.Frame(0)
	var clips []*Clip
	for i := range 40 {
		s.StopTrack(1, at) // or it would overdub the last take
		s.Record(1, 0, at)
		start := s.clock.NextBeat(at, 4)
		on := s.clock.Frame(start + Beats(i%16)/4)
		s.Advance(on)
		s.NoteOn(1, uint8(20+i), 100, on)
		s.NoteOff(1, uint8(20+i), on+100)
		at = s.clock.Frame(start+4) + 1
		s.Advance(at)
		c := s.Clip(1, i)
		checkNotes(t, fmt.Sprint("take ", i), c, []Beats{Beats(i%16) / 4}, []uint8{uint8(20 + i)})
		clips = append(clips, c)
	}
	if s.Scenes() != 40 {
		t.Fatalf("%d scenes after 40 takes", s.Scenes())
	}
	for i := 39; i >= 0; i-- {
		if !s.Undo(at) || s.Clip(1, i) != nil || (i > 0 && s.Clip(1, i-1) != clips[i-1]) {
			t.Fatalf("undo of take %d", i)
		}
	}
	for i := range 40 {
		if !s.Redo(at) || s.Clip(1, i) != clips[i] {
			t.Fatalf("redo of take %d", i)
		}
	}
}

// TestRecordThroughAReload: a reload while recording (a track added in
// front) carries the take on to the matched track; the new track does not
// get the metronome's bus.
func TestRecordThroughAReload(t *testing.T) {
	sg := keySong()
	sg.Tracks = sg.Tracks[:2]
	sg.Tracks[0].Name, sg.Tracks[1].Name = "a", "b"
	sg.Record = RecordSettings{Length: 4}
	sg.Metronome.On = true
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Record(1, 0, 0)
	s.Advance(beats(1))
	s.NoteOn(1, 50, 100, beats(1))
	next := reload(sg)
	next.Tracks = append([]Track{{Name: "new", Gain: 1, Instrument: 0, Clips: make([]*Clip, 3)}}, next.Tracks...)
	if err := s.Replace(next, s.Committed()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.bus, []int16{2, 0, 1}) {
		t.Fatalf("buses %v, want the new track on 2 (3 is the metronome's)", s.bus)
	}
	s.Advance(beats(2))
	s.NoteOff(2, 50, beats(2))
	s.Advance(beats(5))
	checkNotes(t, "recorded through the reload", s.Clip(2, 0), []Beats{1}, []uint8{50})
	if s.Playing(2) != 0 || s.Clip(0, 0) != nil {
		t.Fatalf("playing %d, new track's slot %v", s.Playing(2), s.Clip(0, 0))
	}
	n2 := reload(next) // a fourth track would need the metronome's bus
	n2.Tracks = append(n2.Tracks, Track{Name: "x", Gain: 1, Instrument: -1, Clips: make([]*Clip, 3)})
	if err := s.Replace(n2, s.Committed()); !errors.Is(err, ErrNoBus) {
		t.Fatalf("a reload took the metronome's bus: %v", err)
	}
}

// TestRandomRecording plays random presses, notes, takes, stops, undos,
// edits and reloads (tracks reordered, added and removed); nothing
// panics, and after every step the notes sounding on each engine bus are
// exactly those the session means to end (a clip's note whose note-off
// is pending, a live key held): no note is left on without its note-off,
// also before StopNow. After StopNow every note is off and the session
// idle.
func TestRandomRecording(t *testing.T) {
	seeds := uint64(30)
	if raceEnabled {
		seeds = 5
	}
	for seed := range seeds {
		rng := rand.New(rand.NewPCG(seed, 11))
		sg := keySong()
		for x, n := range []string{"a", "b", "c"} {
			sg.Tracks[x].Name = n
		}
		sg.Buses = 8
		sg.Record = RecordSettings{CountIn: Beats(4 * rng.IntN(2)), Quantize: []Beats{0, 0.25, 0.5}[rng.IntN(3)], Length: Beats(4 * rng.IntN(3))}
		sg.Metronome.On = true
		r := &recorder{}
		s := NewSession(sg, r, rate)
		// on[bus][key][live]: the last note command for it was a NoteOn.
		var on [8][128][2]bool
		seen := 0
		check := func(step int) {
			t.Helper()
			for _, c := range r.cmds[seen:] {
				if c.Op == engine.NoteOn || c.Op == engine.NoteOff {
					on[c.Track][c.Key][b2i(c.Live)] = c.Op == engine.NoteOn
				}
			}
			seen = len(r.cmds)
			var want [8][128][2]bool
			for x := range s.tracks {
				for k := range 128 {
					want[s.bus[x]][k] = [2]bool{s.tracks[x].off[k] != 0, s.live[x].held[k] > 0}
				}
			}
			for b := range on {
				for k := range on[b] {
					if on[b][k] != want[b][k] {
						t.Fatalf("seed %d, step %d: bus %d key %d sounds [clip live] %v, want %v", seed, step, b, k, on[b][k], want[b][k])
					}
				}
			}
		}
		names := 0
		at := engine.Frame(0)
		for step := range 300 {
			at += engine.Frame(rng.IntN(bar / 4))
			s.Advance(at)
			check(step)
			x, y := rng.IntN(s.Tracks()), rng.IntN(s.Scenes()+1)
			key := uint8(30 + rng.IntN(8))
			live := at - engine.Frame(rng.IntN(2))*engine.Frame(rng.IntN(500))
			switch rng.IntN(15) {
			case 0:
				s.Record(x, y, at)
			case 1, 2, 3:
				s.NoteOn(x, key, 100, live)
			case 4, 5, 6:
				s.NoteOff(x, key, live)
			case 7:
				s.Press(x, y, at)
			case 8:
				s.StopAll(at)
			case 9:
				s.Undo(at)
			case 10:
				s.Redo(at)
			case 11:
				s.Duplicate(x, y, at)
			case 12:
				s.SetMix(x, Mix{Volume: 1, Arm: rng.IntN(2) == 0}, at)
			case 13:
				s.SetClip(x, y, notes(4, float64(key), float64(rng.IntN(16))/4, float64(key+1), 1), at)
			default:
				if rng.IntN(4) != 0 {
					s.SetTempo(float64(90+rng.IntN(60)), at)
					break
				}
				// A reload: the tracks shuffled, maybe one added (before
				// any of them) and one removed.
				next := reload(s.song)
				rng.Shuffle(len(next.Tracks), func(i, j int) { next.Tracks[i], next.Tracks[j] = next.Tracks[j], next.Tracks[i] })
				if len(next.Tracks) > 1 && rng.IntN(3) == 0 {
					next.Tracks = slices.Delete(next.Tracks, 0, 1)
				}
				if rng.IntN(2) == 0 {
					names++
					nt := Track{Name: fmt.Sprint("new", names), Gain: 1, Instrument: int32(rng.IntN(2)) - 1, Clips: make([]*Clip, len(next.Scenes))}
					next.Tracks = slices.Insert(next.Tracks, rng.IntN(len(next.Tracks)+1), nt)
				}
				if err := s.Replace(next, s.Committed()); err != nil && !errors.Is(err, ErrNoBus) {
					t.Fatal(err)
				}
			}
			check(step)
		}
		s.StopNow(at)
		s.Advance(at + 8*bar)
		if !s.Idle() || s.RecordState(at+8*bar) != RecIdle {
			t.Fatalf("seed %d: not idle after StopNow", seed)
		}
		check(-1)
		for b := range on {
			for k := range on[b] {
				if on[b][k] != [2]bool{} {
					t.Fatalf("seed %d: bus %d key %d left on after StopNow", seed, b, k)
				}
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The grid's recording settings (SetRecordSettings) hold across a reload
// of a song that records as before; a reload whose song records otherwise
// brings its own.
func TestRecordSettingsThroughAReload(t *testing.T) {
	s, _ := recSession(RecordSettings{Quantize: 0.25, Length: 4})
	grid := RecordSettings{Quantize: 0.5, Length: 8}
	s.SetRecordSettings(grid)
	same := reload(s.song)
	same.Record = RecordSettings{Quantize: 0.25, Length: 4}
	if err := s.Replace(same, 0); err != nil {
		t.Fatal(err)
	}
	if r := s.RecordSettings(); r != grid {
		t.Errorf("after a reload of the same keys: %+v, want the grid's %+v", r, grid)
	}
	changed := reload(s.song)
	changed.Record = RecordSettings{CountIn: 4}
	if err := s.Replace(changed, 0); err != nil {
		t.Fatal(err)
	}
	if r := s.RecordSettings(); r != changed.Record {
		t.Errorf("after a reload of new keys: %+v, want the set's %+v", r, changed.Record)
	}
}

// TestTakeKeepsItsSettings: settings changed while a take counts in or
// records (the grid's Quantize and Length) are the next take's: the take
// in progress snaps and ends by the ones it started with.
func TestTakeKeepsItsSettings(t *testing.T) {
	s, _ := recSession(RecordSettings{CountIn: 4, Quantize: 0.5, Length: 4})
	s.Record(1, 0, 10) // counts in from beat 4, records beats 8 to 12
	s.SetRecordSettings(RecordSettings{Quantize: 0.25, Length: 8})
	s.Advance(beats(9.3))
	s.SetRecordSettings(RecordSettings{})
	s.NoteOn(1, 50, 100, beats(9.3))
	s.NoteOff(1, 50, beats(9.4))
	s.Advance(beats(13))
	c := s.Clip(1, 0)
	checkNotes(t, "the take", c, []Beats{1.5}, []uint8{50})
	if c.Length != 4 || s.RecordState(beats(13)) != RecIdle {
		t.Fatalf("length %v, %v; want 4, idle", c.Length, s.RecordState(beats(13)))
	}
	if r := s.RecordSettings(); r != (RecordSettings{}) {
		t.Fatalf("settings %+v, want the last ones set", r)
	}
}

// TestEditsDuringAnOverdubAreUndoneOneByOne: a step edit of the clip a
// take overdubs cuts the take's undo step in two, so that each Undo
// takes back exactly one change: the note merged after the edit, the
// edit, the note merged before it; Redo does them again in order. An
// Undo pressed while overdubbing takes back the notes merged since the
// latest edit of the slot first, then that edit, and the take goes on
// from there.
func TestEditsDuringAnOverdubAreUndoneOneByOne(t *testing.T) {
	with := func(c *Clip, key uint8, at Beats) *Clip {
		d := *c
		d.Notes = append(slices.Clone(c.Notes), Note{At: at, Len: 0.25, Key: key, Vel: 100})
		slices.SortStableFunc(d.Notes, func(a, b Note) int { return cmp.Compare(a.At, b.At) })
		return &d
	}
	keys := func(c *Clip) []uint8 {
		var ks []uint8
		for _, n := range c.Notes {
			ks = append(ks, n.Key)
		}
		slices.Sort(ks)
		return ks
	}
	tap := func(s *Session, key uint8, b float64) {
		s.Advance(beats(b))
		s.NoteOn(0, key, 100, beats(b))
		s.NoteOff(0, key, beats(b+0.1))
	}
	t.Run("edit during the take", func(t *testing.T) {
		s, _ := recSession(RecordSettings{Quantize: 0.25})
		s.Press(0, 0, 0)
		s.Record(0, 0, 10) // overdubs from beat 4
		tap(s, 70, 5)
		s.Advance(beats(6))
		s.SetClip(0, 0, with(s.Clip(0, 0), 80, 2.5), beats(6)) // a step edit
		tap(s, 71, 7)
		s.Record(0, 0, beats(7.5)) // ends at beat 8
		s.Advance(beats(9))
		var got [][]uint8
		for s.Undo(beats(9)) {
			got = append(got, keys(s.Clip(0, 0)))
		}
		want := [][]uint8{{60, 62, 64, 65, 70, 80}, {60, 62, 64, 65, 70}, {60, 62, 64, 65}}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("undo by undo: %v, want %v", got, want)
		}
		got = nil
		for s.Redo(beats(9)) {
			got = append(got, keys(s.Clip(0, 0)))
		}
		want = [][]uint8{{60, 62, 64, 65, 70}, {60, 62, 64, 65, 70, 80}, {60, 62, 64, 65, 70, 71, 80}}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("redo by redo: %v, want %v", got, want)
		}
	})
	t.Run("undo during the take", func(t *testing.T) {
		s, _ := recSession(RecordSettings{Quantize: 0.25})
		s.Press(0, 0, 0)
		s.SetClip(0, 0, with(s.Clip(0, 0), 80, 2.5), 0) // a step edit before the take
		s.Record(0, 0, 10)
		tap(s, 70, 5)
		s.Undo(beats(5.5))
		if got := keys(s.Clip(0, 0)); !slices.Equal(got, []uint8{60, 62, 64, 65, 80}) {
			t.Fatalf("first undo while overdubbing: %v, want the merged note gone", got)
		}
		s.Undo(beats(5.6))
		if got := keys(s.Clip(0, 0)); !slices.Equal(got, []uint8{60, 62, 64, 65}) {
			t.Fatalf("second undo while overdubbing: %v, want the step edit gone", got)
		}
		tap(s, 71, 7)
		s.Record(0, 0, beats(7.5))
		s.Advance(beats(9))
		if got := keys(s.Clip(0, 0)); !slices.Equal(got, []uint8{60, 62, 64, 65, 71}) {
			t.Fatalf("after the take: %v", got)
		}
		if !s.Undo(beats(9)) || !slices.Equal(keys(s.Clip(0, 0)), []uint8{60, 62, 64, 65}) || s.CanUndo() {
			t.Fatalf("the take's last step: %v, can undo %v", keys(s.Clip(0, 0)), s.CanUndo())
		}
	})
}

// TestReloadBringsTheMetronomeBack: a set that starts with the metronome
// off and silent (metronome = false, metronome_volume = "-inf") still
// reserves the last bus; a reload turning it on and up is heard on the
// next take, at block sizes 64, 128 and 333. A reload whose set keeps the
// key leaves the grid's choice (SetMetronome), one that changes it wins.
func TestReloadBringsTheMetronomeBack(t *testing.T) {
	for _, block := range blocks {
		sg := keySong()
		sg.Metronome.Gain, sg.Metronome.On = 0, false
		sg.Record.Length = 4
		g := newBusRig(t, sg, keyBank(), rate, block)
		loud := reload(sg)
		loud.Metronome.Gain, loud.Metronome.On = 1, true
		g.replace(beats(1), loud)
		g.at(beats(2), func(s *Session, at engine.Frame) { s.Record(1, 0, at) }) // beats 4 to 8
		got := hits(g.run(beats(9)))
		checkHits(t, "clicks", block, got, slices.Concat(keyed(-1, 4), keyed(-2, 5, 6, 7)))
	}
	sg := keySong() // metronome = false
	s := NewSession(sg, &recorder{}, rate)
	s.SetMetronome(true)
	if err := s.Replace(reload(sg), 0); err != nil || !s.MetronomeOn() {
		t.Fatalf("a reload of the same key turned the grid's metronome off (%v)", err)
	}
	s.SetMetronome(false)
	changed := reload(sg)
	changed.Metronome.On = true
	if err := s.Replace(changed, 0); err != nil || !s.MetronomeOn() {
		t.Fatalf("a reload turning the key on left the metronome off (%v)", err)
	}
}

// TestOverdubForgetsHeardNotes: the notes an overdub merged are kept
// aside (not heard in the pass they were played in) only until that pass
// is behind: over 12 passes with a note each, the list stays short.
func TestOverdubForgetsHeardNotes(t *testing.T) {
	s, _ := recSession(RecordSettings{Quantize: 0.25})
	s.Press(0, 0, 0)
	s.Record(0, 0, 10) // overdubs from beat 4
	for k := range 12 {
		b := 4 + 4*float64(k) + 1.3
		s.Advance(beats(b))
		s.NoteOn(0, uint8(70+k), 100, beats(b))
		s.NoteOff(0, uint8(70+k), beats(b+0.1))
	}
	s.Advance(beats(51))
	if n := len(s.tracks[0].fresh); n > 2 {
		t.Fatalf("%d merged notes kept aside after 12 passes, want at most 2", n)
	}
	if c := s.Clip(0, 0); len(c.Notes) != 16 {
		t.Fatalf("%d notes in the overdubbed clip, want 16", len(c.Notes))
	}
}
