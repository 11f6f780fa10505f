package sequencer

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gridbox/audio"
	"gridbox/engine"
)

// These tests stage no bank, and a SwapBank with nothing staged changes
// nothing, so the reloaded songs play the bank they started with: a
// reloaded clip's new Sample index points at a copy of its sound, or at
// another sound on purpose (engine/reload_test.go swaps banks).

// blocks are the block sizes the tests render with (the race build: the
// odd one only; see race_test.go).
var blocks = []int{64, 128, 333}

// newBusRig is newRig with an engine of sg.Buses track buses (at least one
// per track).
func newBusRig(t testing.TB, sg *Song, bank *engine.Bank, r, block int) *rig {
	t.Helper()
	p, err := engine.New(engine.DefaultConfig(r, max(1, sg.Buses, len(sg.Tracks))), bank)
	if err != nil {
		t.Fatal(err)
	}
	tp := &tap{p: p}
	return &rig{t: t, s: NewSession(sg, tp, r), p: p, tap: tp, block: block}
}

// reloaded is a Replace queued on a rig: when it took effect, and how
// many commands had been sent before it.
type reloaded struct {
	at  engine.Frame
	cmd int
}

// replace queues a Replace with song at frame f, at Committed() as the show
// calls it. It fails the test if Replace fails or does not send SwapBank
// first.
func (g *rig) replace(f engine.Frame, song *Song) *reloaded {
	r := &reloaded{at: -1}
	g.at(f, func(s *Session, _ engine.Frame) {
		r.at, r.cmd = s.Committed(), len(g.tap.cmds)
		if err := s.Replace(song, r.at); err != nil {
			g.t.Errorf("Replace at %d: %v", r.at, err)
			return
		}
		if len(g.tap.cmds) == r.cmd || g.tap.cmds[r.cmd].Op != engine.SwapBank {
			g.t.Errorf("Replace at %d: the first command it sent is not SwapBank", r.at)
		}
	})
	return r
}

// reload returns a deep copy of sg: a reload of an unchanged set.
func reload(sg *Song) *Song {
	n := *sg
	n.Scenes = slices.Clone(sg.Scenes)
	n.Tracks = slices.Clone(sg.Tracks)
	for i := range n.Tracks {
		n.Tracks[i].Clips = slices.Clone(n.Tracks[i].Clips)
		for y, c := range n.Tracks[i].Clips {
			if c != nil {
				cc := *c
				cc.Notes = slices.Clone(c.Notes)
				if c.Follow != nil {
					f := *c.Follow
					cc.Follow = &f
				}
				n.Tracks[i].Clips[y] = &cc
			}
		}
	}
	return &n
}

// firstDiff returns the first frame where a and b differ (either
// channel), or -1.
func firstDiff(a, b []float32) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i / 2
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b)) / 2
	}
	return -1
}

func negated(b *audio.Buffer) *audio.Buffer {
	n := &audio.Buffer{Rate: b.Rate, Channels: b.Channels, Data: slices.Clone(b.Data)}
	for i := range n.Data {
		n.Data[i] *= -1
	}
	return n
}

// TestReplaceKeepsAnUnchangedClip: a reload of the same set mid-loop (the
// audio clip's sample at another index of the bank) changes nothing
// heard: an audio loop (whose sample goes on past the loop, so a restart
// would fade) and a note clip play on bit for bit as without it, not
// relaunched, also through a tempo change after it, whose retime of the
// loop plays the sample's new index.
func TestReplaceKeepsAnUnchangedClip(t *testing.T) {
	loop := sine(rate, bar+2000, 220, 0.2)
	bank := &engine.Bank{
		Samples:     []*audio.Buffer{loop, constBuffer(rate, 3000, 0.125), loop}, // 2: the loop's index after the reload
		Instruments: []engine.Instrument{{Zones: []engine.Zone{{Low: 0, High: 127, Root: 60, Sample: 1, Gain: 1}}}},
	}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{Name: "verse"}}, Tracks: []Track{
		{Name: "loop", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: bar + 2000, Loop: true, Length: 4, Gain: 1, Source: "loop.wav"}}},
		{Name: "keys", Gain: 0.5, Pan: 0.3, Instrument: 0, Clips: []*Clip{{Sample: -1, Loop: true, Length: 4, Notes: []Note{
			{At: 0, Len: 0.5, Key: 60, Vel: 127}, {At: 1.5, Len: 1, Key: 67, Vel: 100}, {At: 3, Len: 0.5, Key: 72, Vel: 90}}}}},
	}}
	next := reload(sg)
	next.Tracks[0].Clips[0].Sample = 2
	for _, block := range blocks {
		play := func(replace bool) ([]float32, *rig, *reloaded) {
			g := newBusRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.LaunchScene(0, at) })
			var r *reloaded
			if replace {
				var tags [2]int32
				g.at(bar+29000, func(s *Session, _ engine.Frame) { tags = [2]int32{s.tracks[0].tag, s.tracks[1].tag} })
				r = g.replace(bar+30000, next)
				g.at(2*bar+50, func(s *Session, _ engine.Frame) {
					if now := [2]int32{s.tracks[0].tag, s.tracks[1].tag}; now != tags {
						t.Errorf("block %d: the reload relaunched the clips (tags %v, then %v)", block, tags, now)
					}
				})
			}
			g.at(2*bar+100, func(s *Session, at engine.Frame) { s.SetTempo(100, at) })
			return g.run(5 * bar), g, r
		}
		want, _, _ := play(false)
		got, g, r := play(true)
		if f := firstDiff(got, want); f >= 0 {
			t.Fatalf("block %d: the reload changed frame %d: %v, want %v", block, f, got[2*f], want[2*f])
		}
		retimed := 0
		for _, c := range g.tap.cmds[r.cmd:] {
			if c.Op == engine.PlayClip {
				if c.Sample != 2 {
					t.Errorf("block %d: %+v after the reload plays sample %d, want its new index 2", block, c, c.Sample)
				}
				retimed++
			}
		}
		if retimed == 0 {
			t.Errorf("block %d: the tempo change retimed nothing", block)
		}
		if g.s.tracks[0].clip != next.Tracks[0].Clips[0] || g.s.Slot(0, 0) != SlotPlaying || g.s.Slot(1, 0) != SlotPlaying {
			t.Errorf("block %d: after the reload the session plays %p (want the new clip %p), slots %v %v",
				block, g.s.tracks[0].clip, next.Tracks[0].Clips[0], g.s.Slot(0, 0), g.s.Slot(1, 0))
		}
	}
}

// keysBank has one instrument whose keys 36, 38 and 40 play short
// constant samples of 0.1, 0.2 and 0.3.
func keysBank() *engine.Bank {
	b := &engine.Bank{Instruments: []engine.Instrument{{}}}
	for i, key := range []uint8{36, 38, 40} {
		b.Samples = append(b.Samples, constBuffer(rate, 2000, 0.1*float32(i+1)))
		b.Instruments[0].Zones = append(b.Instruments[0].Zones, engine.Zone{Low: key, High: key, Root: key, Sample: int32(i), Gain: 1})
	}
	return b
}

// TestReplaceSwitchesChangedNotesAtTheLoopStart: a note clip whose notes a
// reload changes plays its old notes up to its next loop start (bar 3)
// and the new ones from there, frame for frame as the new clip looping
// from the start would.
func TestReplaceSwitchesChangedNotesAtTheLoopStart(t *testing.T) {
	const S = 2 * bar // the loop start after the reload
	bank := keysBank()
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{}}, Tracks: []Track{
		{Name: "keys", Gain: 1, Instrument: 0, Clips: []*Clip{{Sample: -1, Loop: true, Length: 4, Notes: []Note{
			{At: 0, Len: 0.25, Key: 36, Vel: 127}, {At: 1, Len: 0.25, Key: 38, Vel: 127}, {At: 2.5, Len: 0.25, Key: 36, Vel: 127}}}}},
	}}
	next := reload(sg)
	next.Tracks[0].Clips[0].Notes = []Note{{At: 0, Len: 0.25, Key: 40, Vel: 127}, {At: 1.5, Len: 0.25, Key: 38, Vel: 127}, {At: 3, Len: 0.25, Key: 40, Vel: 127}}
	for _, block := range blocks {
		play := func(sg *Song, replace bool) ([]float32, *rig, *reloaded) {
			g := newBusRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			var r *reloaded
			if replace {
				r = g.replace(bar+30000, next)
				g.at(bar+30001, func(s *Session, at engine.Frame) {
					if st := s.Slot(0, 0); st != SlotPlaying {
						t.Errorf("block %d: the changed clip's slot shows %v, want playing", block, st)
					}
				})
			}
			return g.run(4 * bar), g, r
		}
		old, _, _ := play(sg, false)
		neu, _, _ := play(next, false)
		got, g, r := play(sg, true)
		if f := firstDiff(got[:2*S], old[:2*S]); f >= 0 {
			t.Fatalf("block %d: before the loop start, frame %d = %v, want the old notes' %v", block, f, got[2*f], old[2*f])
		}
		if f := firstDiff(got[2*S:], neu[2*S:]); f >= 0 {
			t.Fatalf("block %d: from the loop start, frame S+%d = %v, want the new notes' %v", block, f, got[2*(S+f)], neu[2*(S+f)])
		}
		var keys []string
		for _, c := range g.tap.cmds[r.cmd:] {
			if c.Op == engine.NoteOn {
				keys = append(keys, fmt.Sprintf("%d@%d", c.Key, c.At))
			}
		}
		want := []string{fmt.Sprint("36@", beats(6.5)), fmt.Sprint("40@", S), fmt.Sprint("38@", S+beats(1.5))}
		if len(keys) < 3 || !slices.Equal(keys[:3], want) {
			t.Errorf("block %d: note-ons after the reload %v, want %v first", block, keys, want)
		}
	}
}

// TestReplaceSwitchesAChangedSampleAtTheLoopStart: an audio loop whose
// sample a reload changes (another Source) plays the old sample up to its
// next loop start, and the new one from its top there: for a 1-bar loop
// at bar 3, for a loop of the sample's own length (30000 frames) at its
// next restart. Each sample ends with its loop, so both play unfaded.
func TestReplaceSwitchesAChangedSampleAtTheLoopStart(t *testing.T) {
	for _, length := range []Beats{4, 0} {
		for _, block := range blocks {
			n := bar
			old := clickLoop(rate, false)
			if length == 0 {
				n = 30000
				old = &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, n)}
				for i := range old.Data {
					old.Data[i] = 0.1 + 0.3*float32(i)/float32(n)
				}
			}
			bank := &engine.Bank{Samples: []*audio.Buffer{old, negated(old)}}
			sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{}}, Tracks: []Track{{
				Name: "loop", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: n, Loop: true, Length: length, Gain: 1, Source: "a.wav"}}}}}
			next := reload(sg)
			next.Tracks[0].Clips[0].Sample, next.Tracks[0].Clips[0].Source = 1, "b.wav"
			g := newBusRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			r := g.replace(bar+12345, next)
			out := g.run(4 * bar)
			S := 2 * bar
			if length == 0 {
				S = (int(r.at) + n - 1) / n * n
			}
			for f := range len(out) / 2 {
				want := old.Data[f%n]
				if f >= S {
					want = -old.Data[(f-S)%n]
				}
				if out[2*f] != want {
					t.Fatalf("length %v, block %d: frame %d (switch at %d) = %v, want %v", length, block, f, S, out[2*f], want)
				}
			}
			if st := g.s.Slot(0, 0); st != SlotPlaying || g.s.tracks[0].clip != next.Tracks[0].Clips[0] {
				t.Errorf("length %v, block %d: after the switch slot %v, clip %p; want playing the new clip", length, block, st, g.s.tracks[0].clip)
			}
		}
	}
}

// TestReplaceStopsARemovedClipAtTheBoundary: a clip whose slot a reload
// empties, breaks or whose scene it removes plays until the next bar (F)
// and stops there as a quantized stop does: unchanged up to the fade, the
// fade ending exactly at F, silence from F.
func TestReplaceStopsARemovedClipAtTheBoundary(t *testing.T) {
	const F = 2 * bar
	fade := int(engine.FadeTime.Seconds() * rate)
	cases := []struct {
		name  string
		edit  func(sg *Song)
		light SlotState // slot (0,0) after the reload
	}{
		{"empty", func(sg *Song) { sg.Tracks[0].Clips[0] = nil }, SlotEmpty},
		{"broken", func(sg *Song) { sg.Tracks[0].Clips[0].Broken = true }, SlotBroken},
		{"scene gone", func(sg *Song) {
			sg.Scenes, sg.Tracks[0].Clips = sg.Scenes[1:], sg.Tracks[0].Clips[1:]
		}, SlotStopped},
	}
	for _, c := range cases {
		for _, block := range blocks {
			long := clickLoop(rate, true) // goes on past the loop: it must fade
			bank := &engine.Bank{Samples: []*audio.Buffer{long, constBuffer(rate, bar, 0.5)}}
			sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{Name: "a"}, {Name: "b"}}, Tracks: []Track{{
				Name: "t", Gain: 1, Instrument: -1, Clips: []*Clip{
					{Sample: 0, SampleFrames: long.Frames(), Loop: true, Length: 4, Gain: 1, Source: "long.wav"},
					{Sample: 1, SampleFrames: bar, Loop: true, Length: 4, Gain: 1, Source: "other.wav"},
				}}}}
			next := reload(sg)
			c.edit(next)
			play := func(replace bool) ([]float32, *rig) {
				g := newBusRig(t, sg, bank, rate, block)
				g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
				if replace {
					g.replace(bar+100, next)
					g.at(bar+101, func(s *Session, at engine.Frame) {
						if st, p := s.Slot(0, 0), s.Playing(0); st != c.light || p != -1 || s.Idle() {
							t.Errorf("%s, block %d: after the reload slot (0,0) %v, playing %d, idle %v; want %v, -1, not idle", c.name, block, st, p, s.Idle(), c.light)
						}
					})
				}
				return g.run(3 * bar), g
			}
			want, _ := play(false)
			got, g := play(true)
			for f := range len(got) / 2 {
				switch v := got[2*f]; {
				case f < F-fade && v != want[2*f]:
					t.Fatalf("%s, block %d: frame F%+d = %v, want %v as before the reload", c.name, block, f-F, v, want[2*f])
				case f >= F-fade && f < F && (v < 0 || v > want[2*f]):
					t.Fatalf("%s, block %d: frame F%+d = %v, want it fading from %v", c.name, block, f-F, v, want[2*f])
				case f >= F && v != 0:
					t.Fatalf("%s, block %d: frame F%+d = %v, want silence", c.name, block, f-F, v)
				}
			}
			if got[2*(F-1)] == 0 || got[2*(F-fade)] == want[2*(F-fade)] && got[2*(F-fade+fade/2)] == want[2*(F-fade+fade/2)] {
				t.Errorf("%s, block %d: no fade before F", c.name, block)
			}
			if !g.s.Idle() {
				t.Errorf("%s, block %d: not idle after the stop: agenda %+v", c.name, block, g.s.agenda)
			}
		}
	}
}

// TestReplaceStopsARemovedTrack: a reload that keeps only the third of
// three tracks: the removed audio track fades out up to the next bar (F),
// the removed note track plays no new note and its sounding (gated) note
// ends at F; the kept track, now the first, plays on on its bus as if
// alone from F.
func TestReplaceStopsARemovedTrack(t *testing.T) {
	const F = 2 * bar
	fade := int(engine.FadeTime.Seconds() * rate)
	bank := &engine.Bank{
		Samples: []*audio.Buffer{constBuffer(rate, 4*rate, 0.25), constBuffer(rate, 8*rate, 0.5), constBuffer(rate, bar, 0.0625)},
		Instruments: []engine.Instrument{{Zones: []engine.Zone{
			{Low: 0, High: 127, Root: 60, Sample: 1, Gain: 1, Gate: true}}}},
	}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{}}, Tracks: []Track{
		{Name: "gone", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: 4 * rate, Loop: true, Length: 4, Gain: 1, Source: 0}}},
		{Name: "keys", Gain: 1, Instrument: 0, Clips: []*Clip{{Sample: -1, Loop: true, Length: 16, Notes: []Note{
			{At: 3.5, Len: 8, Key: 60, Vel: 127}, {At: 9, Len: 1, Key: 60, Vel: 127}}}}},
		{Name: "stays", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 2, SampleFrames: bar, Loop: true, Length: 4, Gain: 1, Source: 2}}},
	}}
	next := reload(sg)
	next.Tracks = next.Tracks[2:]
	for _, block := range blocks {
		play := func(replace bool, tracks ...int) ([]float32, *rig, *reloaded) {
			g := newBusRig(t, sg, bank, rate, block)
			for _, x := range tracks {
				g.at(0, func(s *Session, at engine.Frame) { s.Press(x, 0, at) })
			}
			var r *reloaded
			if replace {
				r = g.replace(bar+100, next)
			}
			return g.run(3 * bar), g, r
		}
		all, _, _ := play(false, 0, 1, 2)
		alone, _, _ := play(false, 2)
		got, g, r := play(true, 0, 1, 2)
		for f := range len(got) / 2 {
			switch v := got[2*f]; {
			case f < F-fade && v != all[2*f]:
				t.Fatalf("block %d: frame F%+d = %v, want %v as before the reload", block, f-F, v, all[2*f])
			case f >= F-fade && f < F && (v < alone[2*f] || v > all[2*f]):
				t.Fatalf("block %d: frame F%+d = %v, want it fading from %v to %v", block, f-F, v, all[2*f], alone[2*f])
			case f >= F && v != alone[2*f]:
				t.Fatalf("block %d: frame F%+d = %v, want %v, the kept track alone", block, f-F, v, alone[2*f])
			}
		}
		if g.s.bus[0] != 2 || g.s.Playing(0) != 0 {
			t.Errorf("block %d: the kept track plays %d on bus %d, want 0 on its bus 2", block, g.s.Playing(0), g.s.bus[0])
		}
		var offs []engine.Frame
		for _, c := range g.tap.cmds[r.cmd:] {
			switch {
			case c.Track != 1:
			case c.Op == engine.NoteOn:
				t.Errorf("block %d: a removed track's note %+v", block, c)
			case c.Op == engine.NoteOff:
				offs = append(offs, c.At)
			}
		}
		if len(offs) != 1 || offs[0] != F {
			t.Errorf("block %d: the removed track's note-offs %v, want one at %d", block, offs, F)
		}
	}
}

// TestReplaceAddsATrackInFront: a reload that adds a track before the
// playing one: the playing track, now the second, keeps its bus and plays
// on bit for bit; the new track, panned hard left, launched after the
// reload, is heard from its bar on its own bus, with its own mixer
// settings. (Bus 2, the last, is the metronome's: no track's.)
func TestReplaceAddsATrackInFront(t *testing.T) {
	bank := &engine.Bank{Samples: []*audio.Buffer{constBuffer(rate, bar, 0.125), constBuffer(rate, bar, 0.25)}}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Buses: 3, Scenes: []Scene{{}}, Tracks: []Track{
		{Name: "b", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: bar, Loop: true, Length: 4, Gain: 1, Source: 0}}},
	}}
	next := reload(sg)
	next.Tracks = append([]Track{{Name: "n", Gain: 1, Pan: -1, Instrument: -1, Clips: []*Clip{
		{Sample: 1, SampleFrames: bar, Loop: true, Length: 4, Gain: 1, Source: 1}}}}, next.Tracks...)
	for _, block := range blocks {
		play := func(replace bool) ([]float32, *rig) {
			g := newBusRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			if replace {
				g.replace(bar+100, next)
				g.at(bar+200, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			}
			return g.run(4 * bar), g
		}
		want, _ := play(false)
		got, g := play(true)
		for f := range len(got) / 2 {
			l := want[2*f]
			if f >= 2*bar {
				l += 0.25
			}
			if got[2*f] != l || got[2*f+1] != want[2*f+1] {
				t.Fatalf("block %d: frame %d = %v %v, want %v %v", block, f, got[2*f], got[2*f+1], l, want[2*f+1])
			}
		}
		if g.s.bus[0] != 1 || g.s.bus[1] != 0 || g.s.Playing(0) != 0 || g.s.Playing(1) != 0 {
			t.Errorf("block %d: buses %v, playing %d %d; want [1 0], 0 0", block, g.s.bus, g.s.Playing(0), g.s.Playing(1))
		}
		var set, plays []engine.Command
		for _, c := range g.tap.cmds {
			switch c.Op {
			case engine.SetTrack:
				if c.Track != 2 { // the metronome's
					set = append(set, c)
				}
			case engine.PlayClip:
				plays = append(plays, c)
			}
		}
		if len(set) != 2 || set[1].Track != 1 || set[1].Pan != -1 || set[1].Gain != 1 {
			t.Errorf("block %d: mixer commands %+v, want the new track's (pan -1) on bus 1 after bus 0's", block, set)
		}
		if len(plays) != 2 || plays[1].Track != 1 || plays[1].At != 2*bar || plays[1].Sample != 1 {
			t.Errorf("block %d: starts %+v, want the new track's at %d on bus 1", block, plays, 2*bar)
		}
	}
}

// TestReplaceWithANewTempoKeepsTheBeats: a reload at 90 BPM (the set was
// at 120) ramps the tempo from the reload's frame (tempoMap.ramp): the
// beat at the reload stays, and a launch queued before it for beat 8
// starts at beat 8 of the ramped map.
func TestReplaceWithANewTempoKeepsTheBeats(t *testing.T) {
	bank := &engine.Bank{Samples: []*audio.Buffer{constBuffer(rate, 3*bar, 0.125), constBuffer(rate, 3*bar, 0.25)}}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{}}, Tracks: []Track{
		{Name: "a", Gain: 1, Pan: -1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: 3 * bar, Loop: true, Length: 4, Gain: 1, Source: 0}}},
		{Name: "b", Gain: 1, Pan: 1, Instrument: -1, Clips: []*Clip{{Sample: 1, SampleFrames: 3 * bar, Loop: true, Length: 4, Gain: 1, Source: 1}}},
	}}
	next := reload(sg)
	next.Tempo = 90
	for _, block := range blocks {
		var at engine.Frame
		var beat Beats
		g := newBusRig(t, sg, bank, rate, block)
		g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
		g.at(beats(5), func(s *Session, at engine.Frame) { s.Press(1, 0, at) })
		g.at(bar+100, func(s *Session, _ engine.Frame) {
			at, beat = s.Committed(), s.Clock().Beat(s.Committed())
			if err := s.Replace(next, at); err != nil {
				t.Fatal(err)
			}
		})
		got := g.run(4 * bar)
		if b := g.s.Clock().Beat(at); b != beat {
			t.Errorf("block %d: the tempo change moved frame %d from beat %v to %v", block, at, beat, b)
		}
		b8 := steady(120).ramp(at, 90, never).frame(8)
		if f := g.s.Clock().Frame(8); f != b8 {
			t.Errorf("block %d: beat 8 at frame %d, want %d", block, f, b8)
		}
		first := -1
		for f := range len(got) / 2 {
			if got[2*f+1] != 0 {
				first = f
				break
			}
		}
		if first != int(b8) {
			t.Errorf("block %d: the queued launch sounds first at %d, want beat 8 of the ramp to 90 BPM, %d", block, first, b8)
		}
	}
}

// TestReplaceKeepsAQueuedLaunch: a launch pressed before a reload and due
// after it starts at its bar on its track's and slot's new places (a track
// added before it, the scenes reordered); one whose track is gone is
// dropped; a queued scene's tempo stays planned.
func TestReplaceKeepsAQueuedLaunch(t *testing.T) {
	bank := &engine.Bank{Samples: []*audio.Buffer{constBuffer(rate, bar, 0.125), constBuffer(rate, bar, 0.25)}}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Buses: 3, Scenes: []Scene{{Name: "s1"}, {Name: "s2", Tempo: 100}}, Tracks: []Track{
		{Name: "a", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: bar, Loop: true, Length: 4, Gain: 1, Source: 0}, nil}},
		{Name: "b", Gain: 1, Instrument: -1, Clips: []*Clip{nil, {Sample: 1, SampleFrames: bar, Loop: true, Length: 4, Gain: 1, Source: 1}}},
	}}
	next := reload(sg)
	next.Scenes = []Scene{next.Scenes[1], {Name: "s0"}, next.Scenes[0]}
	for i := range next.Tracks {
		c := next.Tracks[i].Clips
		next.Tracks[i].Clips = []*Clip{c[1], nil, c[0]}
	}
	next.Tracks = append([]Track{{Name: "new", Gain: 1, Instrument: -1, Clips: make([]*Clip, 3)}}, next.Tracks[1])
	for _, scene := range []bool{false, true} {
		for _, block := range blocks {
			g := newBusRig(t, sg, bank, rate, block)
			g.at(bar+50, func(s *Session, at engine.Frame) {
				if scene {
					s.LaunchScene(1, at) // b's clip, at 100 BPM from beat 8
				} else {
					s.Press(0, 0, at)
					s.Press(1, 1, at)
				}
			})
			g.replace(bar+20000, next)
			out := g.run(3 * bar)
			first := -1
			for f := range len(out) / 2 {
				if out[2*f] != 0 {
					first = f
					break
				}
			}
			if first != 2*bar || out[2*first] != 0.25 {
				t.Errorf("scene %v, block %d: first sound %v at %d, want b's 0.25 at %d", scene, block, out[2*max(first, 0)], first, 2*bar)
			}
			if g.s.Playing(1) != 0 || g.s.Playing(0) != -1 {
				t.Errorf("scene %v, block %d: playing %d %d, want -1 0", scene, block, g.s.Playing(0), g.s.Playing(1))
			}
			for _, c := range g.tap.cmds {
				if c.Op == engine.PlayClip && c.Track != 1 {
					t.Errorf("scene %v, block %d: %+v, want only b's start, on its bus 1", scene, block, c)
				}
			}
			if tempo := g.s.Clock().Tempo(2 * bar); scene && tempo != 100 {
				t.Errorf("block %d: tempo %v at the scene's bar, want 100", block, tempo)
			}
		}
	}
}

// TestReplaceWithoutAFreeBusChangesNothing: a reload with more tracks than
// free buses returns ErrNoBus, sends nothing and changes nothing heard. A
// removed track's bus is not free until its stop's frame has passed.
func TestReplaceWithoutAFreeBusChangesNothing(t *testing.T) {
	bank := &engine.Bank{Samples: []*audio.Buffer{constBuffer(rate, 4*rate, 0.125), constBuffer(rate, 4*rate, 0.25)}}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Buses: 2, Scenes: []Scene{{}}, Tracks: []Track{
		{Name: "a", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: 4 * rate, Loop: true, Length: 4, Gain: 1, Source: 0}}},
		{Name: "b", Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 1, SampleFrames: 4 * rate, Loop: true, Length: 4, Gain: 1, Source: 1}}},
	}}
	three := reload(sg)
	three.Tracks = append(three.Tracks, Track{Name: "c", Gain: 1, Instrument: -1, Clips: make([]*Clip, 1)})
	withoutA := reload(sg)
	withoutA.Tracks = withoutA.Tracks[1:]
	withC := reload(withoutA)
	withC.Tracks = append(withC.Tracks, Track{Name: "c", Gain: 0.5, Instrument: -1, Clips: make([]*Clip, 1)})
	for _, block := range blocks {
		play := func(replace bool) ([]float32, *rig) {
			g := newBusRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.LaunchScene(0, at) })
			if replace {
				g.at(bar+100, func(s *Session, _ engine.Frame) {
					n := len(g.tap.cmds)
					if err := s.Replace(three, s.Committed()); !errors.Is(err, ErrNoBus) {
						t.Errorf("block %d: 3 tracks on 2 buses: %v, want ErrNoBus", block, err)
					}
					if len(g.tap.cmds) != n || s.song != sg || len(s.tracks) != 2 {
						t.Errorf("block %d: the failed reload sent %d commands, changed the song %v", block, len(g.tap.cmds)-n, s.song != sg)
					}
				})
			}
			return g.run(2 * bar), g
		}
		want, _ := play(false)
		got, _ := play(true)
		if f := firstDiff(got, want); f >= 0 {
			t.Fatalf("block %d: frame %d = %v after a failed reload, want %v", block, f, got[2*f], want[2*f])
		}

		// a's bus is busy until its stop at bar 2 has passed.
		g := newBusRig(t, sg, bank, rate, block)
		g.at(0, func(s *Session, at engine.Frame) { s.LaunchScene(0, at) })
		g.replace(bar+100, withoutA)
		g.at(bar+200, func(s *Session, _ engine.Frame) {
			if err := s.Replace(withC, s.Committed()); !errors.Is(err, ErrNoBus) {
				t.Errorf("block %d: a new track while the removed one fades: %v, want ErrNoBus", block, err)
			}
		})
		g.replace(2*bar, withC)
		g.run(3 * bar)
		if !slices.Equal(g.s.bus, []int16{1, 0}) {
			t.Errorf("block %d: buses %v after the stop, want [1 0]", block, g.s.bus)
		}
	}
}

// TestReplaceChoosesBuses: a new track gets a bus never used if there is
// one, else the one freed longest ago; a removed track's bus is busy until
// its stop's frame has passed, also for tracks added by the same reload.
// The last bus (4) is the metronome's: no track gets it.
func TestReplaceChoosesBuses(t *testing.T) {
	tracks := func(names ...string) *Song {
		sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: make([]Scene, 1)}
		for i, n := range names {
			sg.Tracks = append(sg.Tracks, Track{Name: n, Gain: 1, Instrument: -1, Clips: []*Clip{audioClip(int32(i))}})
		}
		return sg
	}
	sg := tracks("a", "b", "c")
	sg.Buses = 5
	s := NewSession(sg, &recorder{}, rate)
	s.Press(1, 0, 0)
	s.Press(2, 0, 0)
	steps := []struct {
		at    engine.Frame
		song  *Song
		buses []int16 // nil: ErrNoBus
	}{
		{bar / 2, tracks("b", "c", "d"), []int16{1, 2, 3}},         // bus 3, never used, before a's bus 0
		{bar / 2, tracks("c", "d", "e", "e2"), nil},                // b plays until bar: only bus 0 is free
		{bar / 2, tracks("c", "d", "e"), []int16{2, 3, 0}},         // so e gets it
		{bar / 2, tracks("c", "d", "e", "f"), nil},                 // b's bus 1 until bar
		{bar + 10, tracks("d", "e", "f"), []int16{3, 0, 1}},        // now f gets it; c plays until bar 2
		{3 * bar, tracks("e", "f"), []int16{0, 1}},                 // d never played: bus 3 is free since frame 0
		{3 * bar, tracks("e", "f", "g", "h"), []int16{0, 1, 3, 2}}, // bus 3 freed before bus 2
	}
	for i, st := range steps {
		s.Advance(st.at)
		err := s.Replace(st.song, s.Committed())
		if st.buses == nil {
			if !errors.Is(err, ErrNoBus) {
				t.Errorf("step %d: %v, want ErrNoBus", i, err)
			}
			continue
		}
		if err != nil || !slices.Equal(s.bus, st.buses) {
			t.Errorf("step %d: buses %v (%v), want %v", i, s.bus, err, st.buses)
		}
	}
}

// TestReplaceChangesTheMeterAtTheNextBar: a reload from 4/4 to 3/4 at beat
// 17 changes the bars from beat 20 on (bar 6), and a launch quantized to
// the new bar falls on the new bar lines.
func TestReplaceChangesTheMeterAtTheNextBar(t *testing.T) {
	sg := song()
	next := reload(sg)
	next.BeatsPerBar, next.Quantize = 3, 3
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Advance(beats(17))
	if err := s.Replace(next, s.Committed()); err != nil {
		t.Fatal(err)
	}
	c := s.Clock()
	for _, w := range []struct {
		beat Beats
		bar  int
		in   float64
	}{{16, 5, 1}, {19.5, 5, 4.5}, {20, 6, 1}, {22, 6, 3}, {23, 7, 1}, {29.5, 9, 1.5}} {
		if bar, in := c.BarBeat(c.Frame(w.beat)); bar != w.bar || in != w.in {
			t.Errorf("beat %v is %d.%v, want %d.%v", w.beat, bar, in, w.bar, w.in)
		}
	}
	s.Press(0, 0, beats(20.5))
	s.Advance(beats(30))
	if p := r.ops(engine.PlayClip); len(p) != 1 || p[0].At != beats(23) {
		t.Errorf("a launch at beat 20.5 quantized to 3/4 bars: %+v, want one at beat 23", p)
	}
}

func TestClockSetMeter(t *testing.T) {
	c := NewClock(rate, 120, 4)
	if b := c.SetMeter(beats(17), 3); b != 20 {
		t.Fatalf("the next bar line after beat 17 in 4/4 is beat %v, want 20", b)
	}
	for _, w := range []struct{ from, q, want float64 }{
		{16.5, 4, 20}, {17.5, 3, 18}, {18.5, 3, 20}, {20, 3, 20}, {20.5, 3, 23}, {20.5, 4, 24}, {21.5, 1, 22}, {0, 3, 0},
	} {
		if got := c.NextBeat(beats(w.from), Beats(w.q)); got != Beats(w.want) {
			t.Errorf("NextBeat(beat %v, %v) = %v, want %v", w.from, w.q, got, w.want)
		}
	}
	// Again before it takes effect: replanned from the same bar line; and
	// back to 4/4 plans nothing.
	if b := c.SetMeter(beats(18), 7); b != 20 || c.BeatsPerBar() != 7 {
		t.Errorf("replanned at beat %v, %v beats a bar; want 20, 7", b, c.BeatsPerBar())
	}
	c.SetMeter(beats(19), 4)
	if len(c.meters) != 1 || c.BeatsPerBar() != 4 {
		t.Errorf("back to 4/4 before the change: meters %+v", c.meters)
	}
	if b := c.SetMeter(0, 3); b != 0 || len(c.meters) != 1 || c.BeatsPerBar() != 3 {
		t.Errorf("a meter from frame 0: at beat %v, meters %+v", b, c.meters)
	}
}

// TestSameClipComparesEveryField: changing any field of a Clip but Sample
// makes it another clip for a reload (audio clips: Source too); a field
// added to Clip must be compared (or this test taught that it must not).
func TestSameClipComparesEveryField(t *testing.T) {
	base := func() *Clip {
		return &Clip{Sample: 3, SampleFrames: 100, Loop: true, Length: 4, Gain: 1, Launch: Gate, Quantize: 1, HasQuantize: true,
			Legato: true, LoopFade: 0.01, Follow: &Follow{After: 4, Action: Next, Other: Stop, Chance: 0.5},
			Notes: []Note{{At: 1, Len: 1, Key: 60, Vel: 100}}, Source: "a.wav"}
	}
	if !sameClip(base(), base()) {
		t.Fatal("two equal clips are not the same")
	}
	v := reflect.ValueOf(base()).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		b := base()
		f := reflect.ValueOf(b).Elem().Field(i)
		switch f.Kind() {
		case reflect.Int, reflect.Int32:
			f.SetInt(f.Int() + 1)
		case reflect.Float32, reflect.Float64:
			f.SetFloat(f.Float() + 0.5)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Pointer:
			b.Follow = &Follow{After: 4, Action: Next, Other: Stop, Chance: 0.25}
		case reflect.Slice:
			b.Notes[0].Vel++
		case reflect.Interface:
			f.Set(reflect.ValueOf("b.wav"))
		default:
			t.Fatalf("field %s: kind %v not handled", name, f.Kind())
		}
		if same := sameClip(base(), b); same != (name == "Sample") {
			t.Errorf("a clip with another %s: same %v", name, same)
		}
	}
	a, b := base(), base()
	a.Sample, b.Sample, b.Source = -1, -1, "other" // note clips: Source is not theirs
	if !sameClip(a, b) {
		t.Error("note clips differing only in Source are not the same")
	}
	b.Follow = nil
	if sameClip(a, b) || sameClip(b, a) {
		t.Error("a clip without a follow action is the same as one with")
	}
}

// TestManyReplaces plays 8 sequences of 100 random reloads (tracks added,
// removed, renamed and moved; scenes likewise; clips changed) into random
// presses, releases, stops, scene launches and tempo changes, on 6 buses:
// nothing crashes, the session's state stays consistent after each
// reload, every note gets its note-off, and once stopped the session is
// idle and the engine silent.
func TestManyReplaces(t *testing.T) {
	const r = 4000 // a low rate keeps it quick
	seqs := 8
	if testing.Short() || raceEnabled {
		seqs = 2
	}
	bank := &engine.Bank{Instruments: []engine.Instrument{{Zones: []engine.Zone{
		{Low: 0, High: 63, Root: 60, Sample: 0, Gain: 0.1, Gate: true}, {Low: 64, High: 127, Root: 60, Sample: 1, Gain: 0.1}}}}}
	for i := range 6 {
		bank.Samples = append(bank.Samples, constBuffer(r, r/4+i*r/3, float32(i+1)/64))
	}
	names := []string{"", "", "a", "b", "c", "d"}
	var refused, switches, drops, removed int
	for seq := range seqs {
		rng := rand.New(rand.NewPCG(uint64(seq), 2))
		randClip := func() *Clip {
			switch rng.IntN(5) {
			case 0:
				return nil
			case 1:
				c := &Clip{Sample: -1, Loop: rng.IntN(4) != 0, Length: Beats(1 + rng.IntN(6)), Launch: LaunchMode(rng.IntN(4)), Legato: rng.IntN(4) == 0}
				for k := range 1 + rng.IntN(4) {
					c.Notes = append(c.Notes, Note{At: Beats(k) * c.Length / 4, Len: Beats(rng.Float64()) * c.Length, Key: uint8(rng.IntN(128)), Vel: 100})
				}
				return c
			}
			s := int32(rng.IntN(len(bank.Samples)))
			c := &Clip{Sample: s, SampleFrames: bank.Samples[s].Frames(), Loop: rng.IntN(4) != 0, Gain: 1, Launch: LaunchMode(rng.IntN(4)), Source: s,
				Broken: rng.IntN(20) == 0, Legato: rng.IntN(4) == 0}
			if c.Loop && rng.IntN(2) == 0 {
				c.Length = Beats(1 + rng.IntN(4))
			}
			if rng.IntN(4) == 0 {
				c.HasQuantize, c.Quantize = true, Beats(rng.IntN(3))
			}
			if rng.IntN(4) == 0 {
				c.Follow = &Follow{After: Beats(1 + rng.IntN(8)), Action: FollowAction(1 + rng.IntN(8)), Chance: 1}
			}
			return c
		}
		newTrack := func(scenes int) Track {
			tr := Track{Name: names[rng.IntN(len(names))], Gain: 1, Pan: float32(rng.IntN(3)-1) / 2, Instrument: 0, Clips: make([]*Clip, scenes)}
			for y := range tr.Clips {
				tr.Clips[y] = randClip()
			}
			return tr
		}
		// mutate returns a reload of old with random changes; a copy of a
		// clip stays the same clip, so clips play on across most reloads.
		mutate := func(old *Song) *Song {
			sg := reload(old)
			sg.Quantize = Beats(rng.IntN(3)) * 2
			if rng.IntN(5) == 0 {
				sg.Tempo = float64(90 + rng.IntN(60))
			}
			if rng.IntN(8) == 0 {
				sg.BeatsPerBar = Beats(3 + rng.IntN(2))
			}
			switch rng.IntN(4) { // scenes
			case 0:
				if len(sg.Scenes) > 1 {
					y := rng.IntN(len(sg.Scenes))
					sg.Scenes = slices.Delete(sg.Scenes, y, y+1)
					for x := range sg.Tracks {
						sg.Tracks[x].Clips = slices.Delete(sg.Tracks[x].Clips, y, y+1)
					}
				}
			case 1:
				if len(sg.Scenes) < 5 {
					y := rng.IntN(len(sg.Scenes) + 1)
					sg.Scenes = slices.Insert(sg.Scenes, y, Scene{Name: names[rng.IntN(len(names))], Tempo: float64(rng.IntN(2) * 100)})
					for x := range sg.Tracks {
						sg.Tracks[x].Clips = slices.Insert(sg.Tracks[x].Clips, y, randClip())
					}
				}
			}
			for range rng.IntN(4) { // tracks
				switch op := rng.IntN(5); {
				case op == 0 && len(sg.Tracks) > 1:
					x := rng.IntN(len(sg.Tracks))
					sg.Tracks = slices.Delete(sg.Tracks, x, x+1)
				case op == 1 || len(sg.Tracks) < 2:
					sg.Tracks = slices.Insert(sg.Tracks, rng.IntN(len(sg.Tracks)+1), newTrack(len(sg.Scenes)))
				case op == 2:
					sg.Tracks[rng.IntN(len(sg.Tracks))].Name = names[rng.IntN(len(names))]
				case op == 3:
					i, j := rng.IntN(len(sg.Tracks)), rng.IntN(len(sg.Tracks))
					sg.Tracks[i], sg.Tracks[j] = sg.Tracks[j], sg.Tracks[i]
				default:
					x := rng.IntN(len(sg.Tracks))
					sg.Tracks[x].Clips[rng.IntN(len(sg.Scenes))] = randClip()
				}
			}
			return sg
		}
		sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Buses: 6, Scenes: []Scene{{Name: "x"}, {Name: "y"}, {}}}
		for range 4 {
			sg.Tracks = append(sg.Tracks, newTrack(len(sg.Scenes)))
		}
		g := newBusRig(t, sg, bank, r, blocks[seq%len(blocks)])
		at := engine.Frame(0)
		for i := range 100 {
			for range 2 + rng.IntN(6) {
				at += engine.Frame(rng.IntN(r / 2))
				x, y := rng.IntN(len(g.s.tracks)+1), rng.IntN(len(g.s.song.Scenes)+1) // sometimes out of range
				bpm := float64(80 + rng.IntN(80))
				switch rng.IntN(8) {
				case 0, 1, 2, 3:
					g.at(at, func(s *Session, at engine.Frame) { s.Press(x, y, at) })
				case 4:
					g.at(at, func(s *Session, at engine.Frame) { s.Release(x, y, at) })
				case 5:
					g.at(at, func(s *Session, at engine.Frame) { s.StopTrack(x, at) })
				case 6:
					g.at(at, func(s *Session, at engine.Frame) { s.LaunchScene(y, at) })
				default:
					g.at(at, func(s *Session, at engine.Frame) { s.SetTempo(bpm, at) })
				}
			}
			g.run(at)
			next, sent := mutate(g.s.song), len(g.tap.cmds)
			err := g.s.Replace(next, g.s.Committed())
			switch {
			case errors.Is(err, ErrNoBus):
				refused++
			case err != nil:
				t.Fatalf("sequence %d, reload %d: %v", seq, i, err)
			}
			checkSession(t, i, g.s)
			for _, a := range g.s.agenda {
				switch a.kind {
				case actSwitch:
					switches++
				case actDrop:
					drops++
				}
			}
			for _, c := range g.tap.cmds[sent:] {
				if c.Op == engine.Stop { // Replace stops only removed tracks at once
					removed++
				}
			}
		}
		at += engine.Frame(r)
		g.at(at, func(s *Session, at engine.Frame) { s.StopNow(at) })
		g.run(at + 4*engine.Frame(r))
		if !g.s.Idle() || g.p.Stats().Voices != 0 {
			t.Errorf("sequence %d: after StopNow: idle %v, %d voices", seq, g.s.Idle(), g.p.Stats().Voices)
		}
		type key struct {
			bus int16
			key uint8
		}
		on := map[key]bool{}
		for _, c := range g.tap.cmds {
			switch c.Op {
			case engine.NoteOn:
				if on[key{c.Track, c.Key}] {
					t.Fatalf("sequence %d: bus %d key %d on again at %d without a note-off", seq, c.Track, c.Key, c.At)
				}
				on[key{c.Track, c.Key}] = true
			case engine.NoteOff:
				delete(on, key{c.Track, c.Key})
			}
		}
		if len(on) != 0 {
			t.Errorf("sequence %d: notes left on: %v", seq, on)
		}
	}
	t.Logf("%d reloads: %d found no free bus; %d switches and %d drops queued; %d playing tracks removed", 100*seqs, refused, switches, drops, removed)
	if refused == 0 || switches == 0 || drops == 0 || removed == 0 {
		t.Errorf("the sequences no longer exercise every kind of reload")
	}
}

// checkSession fails the test if s's state does not fit its song.
func checkSession(t *testing.T, i int, s *Session) {
	t.Helper()
	n := len(s.song.Tracks)
	if len(s.tracks) != n || len(s.mix) != n || len(s.bus) != n {
		t.Fatalf("reload %d: %d tracks, %d states, %d mixer strips, %d buses", i, n, len(s.tracks), len(s.mix), len(s.bus))
	}
	seen := map[int16]bool{}
	soloed := 0
	for x, b := range s.bus {
		if b < 0 || int(b) >= len(s.busUsed) || seen[b] || !s.busUsed[b] {
			t.Fatalf("reload %d: bus map %v", i, s.bus)
		}
		seen[b] = true
		if s.mix[x].Solo {
			soloed++
		}
		ts := &s.tracks[x]
		for _, y := range []int{ts.slot, ts.held} {
			if y >= 0 && (y >= len(s.song.Scenes) || s.clip(x, y) == nil) {
				t.Fatalf("reload %d: track %d refers to slot %d: %+v", i, x, y, s.song.Tracks[x].Clips)
			}
		}
		if ts.slot >= 0 && ts.clip == nil {
			t.Fatalf("reload %d: track %d plays slot %d without a clip", i, x, ts.slot)
		}
	}
	if soloed != s.soloed {
		t.Fatalf("reload %d: %d soloed, counted %d", i, soloed, s.soloed)
	}
	for _, a := range s.agenda {
		if a.kind == actTempo && a.track == -1 {
			continue
		}
		if a.track < 0 || a.track >= n {
			t.Fatalf("reload %d: action %+v for a track that is not there", i, a)
		}
		if (a.kind == actLaunch || a.kind == actRepeat || a.kind == actSwitch) && s.clip(a.track, a.slot) == nil {
			t.Fatalf("reload %d: action %+v for an empty slot", i, a)
		}
		if a.kind == actSwitch && s.tracks[a.track].slot != a.slot {
			t.Fatalf("reload %d: switch %+v on a track playing slot %d", i, a, s.tracks[a.track].slot)
		}
	}
}
