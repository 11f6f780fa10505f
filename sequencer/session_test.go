package sequencer

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gridbox/audio"
	"gridbox/engine"
)

const rate = 48000

// recorder is an Engine that keeps every command.
type recorder struct{ cmds []engine.Command }

func (r *recorder) Send(c engine.Command) bool      { r.cmds = append(r.cmds, c); return true }
func (r *recorder) PollEvent() (engine.Event, bool) { return engine.Event{}, false }

func (r *recorder) ops(op engine.Op) []engine.Command {
	var out []engine.Command
	for _, c := range r.cmds {
		if c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

const bar = 96000 // frames per 4/4 bar at 120 BPM, 48 kHz

func audioClip(sample int32) *Clip {
	return &Clip{Sample: sample, SampleFrames: 48000, Loop: true, Length: 4, Gain: 1}
}

// song has 3 tracks × 3 scenes of looping 1-bar audio clips; slot (2,2) is empty.
func song() *Song {
	s := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: make([]Scene, 3)}
	for x := 0; x < 3; x++ {
		t := Track{Gain: 1, Instrument: -1, Clips: make([]*Clip, 3)}
		for y := 0; y < 3; y++ {
			if x != 2 || y != 2 {
				t.Clips[y] = audioClip(int32(3*x + y))
			}
		}
		s.Tracks = append(s.Tracks, t)
	}
	return s
}

func beats(b float64) engine.Frame { return engine.Frame(b * 24000) }

func TestLaunchStartsOnNextBar(t *testing.T) {
	r := &recorder{}
	s := NewSession(song(), r, rate)
	s.Press(0, 0, beats(1.3))
	s.Advance(10 * bar)
	p := r.ops(engine.PlayClip)
	if len(p) != 1 || p[0].At != 96000 {
		t.Fatalf("launch at beat 1.3 with 1-bar quantization: %+v, want one start at frame 96000", p)
	}
	if p[0].LoopLen != engine.LoopFrames(96000) || !p[0].Loop {
		t.Fatalf("1-bar loop: LoopLen %d", p[0].LoopLen)
	}
}

func TestLaunchOnABoundaryStartsThere(t *testing.T) {
	r := &recorder{}
	s := NewSession(song(), r, rate)
	s.Press(0, 0, 2*bar)
	s.Advance(3 * bar)
	if p := r.ops(engine.PlayClip); len(p) != 1 || p[0].At != 2*bar {
		t.Fatalf("press exactly on a bar line: %+v", p)
	}
}

func TestClipQuantizeOverride(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].HasQuantize, sg.Tracks[0].Clips[0].Quantize = true, 0.25
	sg.Tracks[0].Clips[1].HasQuantize = true // quantize "none"
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, beats(1.3))
	s.Press(1, 0, 0)
	s.Advance(bar)
	s.Press(0, 1, 123457)
	s.Advance(2 * bar)
	p := r.ops(engine.PlayClip)
	if len(p) != 3 || p[0].Track != 1 || p[0].At != 0 || p[1].At != beats(1.5) || p[2].At != 123457 {
		t.Fatalf("starts %+v", p)
	}
}

func TestOneClipPerTrackReplacesAtBoundary(t *testing.T) {
	r := &recorder{}
	s := NewSession(song(), r, rate)
	s.Press(0, 0, 0)
	s.Advance(beats(5))
	s.Press(0, 1, beats(5))
	if st := s.Slot(0, 1); st != SlotQueued {
		t.Fatalf("slot state %v, want queued", st)
	}
	if st := s.Slot(0, 0); st != SlotStopping {
		t.Fatalf("slot state %v, want stopping", st)
	}
	s.Advance(3 * bar)
	var seq []engine.Op
	for _, c := range r.cmds {
		if c.Op != engine.SetTrack {
			seq = append(seq, c.Op)
		}
	}
	stops := r.ops(engine.Stop)
	plays := r.ops(engine.PlayClip)
	if len(plays) != 2 || plays[1].At != 2*bar || len(stops) != 1 || stops[0].At != 2*bar {
		t.Fatalf("replace: plays %+v stops %+v", plays, stops)
	}
	if seq[1] != engine.Stop || seq[2] != engine.PlayClip {
		t.Fatalf("the old clip must stop before the new one starts: %v", seq)
	}
	if s.Playing(0) != 1 {
		t.Fatalf("playing %d", s.Playing(0))
	}
}

func TestSceneLaunchStopsTracksWithEmptySlots(t *testing.T) {
	r := &recorder{}
	s := NewSession(song(), r, rate)
	s.LaunchScene(0, 0)
	s.Advance(bar)
	s.LaunchScene(2, bar+5)
	s.Advance(3 * bar)
	if s.Playing(0) != 2 || s.Playing(1) != 2 || s.Playing(2) != -1 {
		t.Fatalf("after scene 2: playing %d %d %d", s.Playing(0), s.Playing(1), s.Playing(2))
	}
	for _, c := range r.ops(engine.Stop) {
		if c.At != 2*bar {
			t.Fatalf("stop at %d, want %d", c.At, 2*bar)
		}
	}
}

func TestSceneTempo(t *testing.T) {
	sg := song()
	sg.Scenes[1].Tempo = 150
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.LaunchScene(1, 0)
	s.Advance(bar)
	s.Press(0, 0, beats(4.5))
	s.Advance(2 * bar)
	p := r.ops(engine.PlayClip)
	// At 150 BPM a bar is 76800 frames; the press lands in bar 2 (beat 4.5)
	// and launches at beat 8.
	if p[len(p)-1].At != 2*76800 || p[len(p)-1].LoopLen != engine.LoopFrames(76800) {
		t.Fatalf("at 150 BPM: %+v", p[len(p)-1])
	}
}

func TestStopTrackAndStopAllAreQuantized(t *testing.T) {
	r := &recorder{}
	s := NewSession(song(), r, rate)
	s.LaunchScene(0, 0)
	s.Advance(bar)
	s.StopTrack(1, bar+100)
	s.Advance(3 * bar)
	s.StopAll(3*bar + 7)
	if s.Idle() {
		t.Fatal("idle before the stops happened")
	}
	s.Advance(5 * bar)
	stops := r.ops(engine.Stop)
	if len(stops) != 3 || stops[0].At != 2*bar || stops[1].At != 4*bar || stops[2].At != 4*bar {
		t.Fatalf("stops %+v", stops)
	}
	if !s.Idle() {
		t.Fatal("not idle after stop-all")
	}
}

func TestToggle(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].Launch = Toggle
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 10)
	s.Release(0, 0, 20)
	s.Advance(bar + 1)
	s.Press(0, 0, bar+10)
	s.Advance(3 * bar)
	if p, st := r.ops(engine.PlayClip), r.ops(engine.Stop); len(p) != 1 || len(st) != 1 || st[0].At != 2*bar {
		t.Fatalf("toggle: plays %+v stops %+v", p, st)
	}
	// Pressing a queued toggle clip cancels it.
	s.Press(0, 0, 3*bar+10)
	s.Press(0, 0, 3*bar+20)
	s.Advance(5 * bar)
	if p := r.ops(engine.PlayClip); len(p) != 1 {
		t.Fatalf("cancelled toggle still launched: %+v", p)
	}
}

func TestGate(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].Launch = Gate
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 10)
	s.Release(0, 0, bar+beats(1)) // held through bar 2's first beat
	s.Advance(4 * bar)
	p, st := r.ops(engine.PlayClip), r.ops(engine.Stop)
	if len(p) != 1 || p[0].At != bar || len(st) != 1 || st[0].At != 2*bar {
		t.Fatalf("gate: plays %+v stops %+v", p, st)
	}
	// A tap shorter than the quantum still plays one quantum.
	s.Press(0, 0, 4*bar+10)
	s.Release(0, 0, 4*bar+20)
	s.Advance(8 * bar)
	p, st = r.ops(engine.PlayClip), r.ops(engine.Stop)
	if len(p) != 2 || p[1].At != 5*bar || st[1].At != 6*bar {
		t.Fatalf("gate tap: plays %+v stops %+v", p, st)
	}
}

func TestRepeatRetriggersEveryQuantumWhileHeld(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].Launch = Repeat
	sg.Tracks[0].Clips[0].HasQuantize, sg.Tracks[0].Clips[0].Quantize = true, 1
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 100)
	s.Advance(beats(3.5))
	s.Release(0, 0, beats(3.5))
	s.Advance(2 * bar)
	p := r.ops(engine.PlayClip)
	if len(p) != 3 || p[0].At != beats(1) || p[1].At != beats(2) || p[2].At != beats(3) {
		t.Fatalf("repeat: %+v", p)
	}
	// Each retrigger restarts the clip (the previous voice stops first); the
	// release at beat 3.5 stops it at beat 4.
	if st := r.ops(engine.Stop); len(st) != 3 || st[0].At != beats(2) || st[2].At != beats(4) {
		t.Fatalf("repeat stops: %+v", st)
	}
}

func TestLegatoKeepsThePosition(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[1].Legato = true
	sg.Tracks[0].Clips[1].HasQuantize, sg.Tracks[0].Clips[1].Quantize = true, 1
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 0)
	s.Advance(bar)
	s.Press(0, 1, bar+beats(1.2)) // launches at beat 6, two beats into the loop
	s.Advance(3 * bar)
	p := r.ops(engine.PlayClip)
	if p[1].At != beats(6) || p[1].Start != engine.Position(float64(beats(2))) || !p[1].Legato {
		t.Fatalf("legato: %+v, want a legato start at beat 6, two beats into the 1-bar loop", p[1])
	}
	// The engine crossfades the old clip into the new one: no stop.
	if st := r.ops(engine.Stop); len(st) != 0 {
		t.Fatalf("legato sent stops %+v", st)
	}
}

func TestFollowActions(t *testing.T) {
	sg := song()
	for y := 0; y < 3; y++ {
		sg.Tracks[0].Clips[y].Follow = &Follow{After: 4, Action: Next, Chance: 1}
	}
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 1, 0)
	s.Advance(4*bar + 1)
	var slots []int32
	for _, c := range r.ops(engine.PlayClip) {
		slots = append(slots, c.Sample)
	}
	// next: 1 → 2 → 0 (wrap) → 1 → 2, one bar each.
	want := []int32{1, 2, 0, 1, 2}
	if len(slots) != len(want) {
		t.Fatalf("follow chain %v, want %v", slots, want)
	}
	for i := range want {
		if slots[i] != want[i] {
			t.Fatalf("follow chain %v, want %v", slots, want)
		}
	}
	for i, c := range r.ops(engine.PlayClip) {
		if c.At != engine.Frame(i)*bar {
			t.Fatalf("follow launch %d at %d", i, c.At)
		}
	}
}

func TestFollowStopAndChance(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].Follow = &Follow{After: 8, Action: Stop, Chance: 1}
	sg.Tracks[1].Clips[0].Follow = &Follow{After: 4, Action: Again, Other: Stop, Chance: 0}
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.LaunchScene(0, 0)
	s.Advance(4 * bar)
	if s.Playing(0) != -1 || s.Playing(1) != -1 {
		t.Fatalf("follow stop: playing %d %d", s.Playing(0), s.Playing(1))
	}
	st := r.ops(engine.Stop)
	if len(st) != 2 || st[0].At != bar || st[1].At != 2*bar {
		t.Fatalf("stops %+v", st)
	}
}

func noteSong() *Song {
	sg := song()
	sg.Tracks[1].Instrument = 0
	sg.Tracks[1].Clips[0] = &Clip{Sample: -1, Loop: true, Length: 4, Notes: []Note{
		{At: 0, Len: 0.25, Key: 36, Vel: 100}, {At: 1, Len: 0.5, Key: 38, Vel: 90},
		{At: 3.5, Len: 2, Key: 40, Vel: 80}, // crosses the loop end: cut there
	}}
	return sg
}

func TestNoteClipTiming(t *testing.T) {
	r := &recorder{}
	s := NewSession(noteSong(), r, rate)
	s.Press(1, 0, 0)
	s.Advance(2*bar + 1)
	on, off := r.ops(engine.NoteOn), r.ops(engine.NoteOff)
	wantOn := []engine.Frame{0, beats(1), beats(3.5), bar, bar + beats(1), bar + beats(3.5), 2 * bar}
	wantOff := []engine.Frame{beats(0.25), beats(1.5), bar, bar + beats(0.25), bar + beats(1.5), 2 * bar}
	if len(on) != len(wantOn) || len(off) != len(wantOff) {
		t.Fatalf("%d note-ons, %d note-offs: %+v %+v", len(on), len(off), on, off)
	}
	for i := range wantOn {
		if on[i].At != wantOn[i] {
			t.Fatalf("note-on %d at %d want %d", i, on[i].At, wantOn[i])
		}
	}
	for i := range wantOff {
		if off[i].At != wantOff[i] {
			t.Fatalf("note-off %d at %d want %d", i, off[i].At, wantOff[i])
		}
	}
}

// TestNoStuckNotes drives a note clip with random presses, stops, scene
// launches and releases; every note-on must get a note-off, before any later
// note-on of the same key, and none may be left at the end.
func TestNoStuckNotes(t *testing.T) {
	sg := noteSong()
	sg.Tracks[1].Clips[1] = &Clip{Sample: -1, Loop: true, Length: 2, Launch: Gate, Legato: true, Notes: []Note{{At: 0.5, Len: 3, Key: 36, Vel: 1}, {At: 1, Len: 0.1, Key: 40, Vel: 1}}}
	sg.Tracks[1].Clips[2] = &Clip{Sample: -1, Loop: false, Length: 1, HasQuantize: true, Notes: []Note{{At: 0, Len: 8, Key: 38, Vel: 1}}}
	for seed := uint64(0); seed < 50; seed++ {
		r := &recorder{}
		s := NewSession(sg, r, rate)
		rng := rand.New(rand.NewPCG(seed, 7))
		at := engine.Frame(0)
		for i := 0; i < 60; i++ {
			at += engine.Frame(rng.IntN(bar))
			switch rng.IntN(5) {
			case 0, 1:
				s.Press(1, rng.IntN(3), at)
			case 2:
				s.Release(1, rng.IntN(3), at)
			case 3:
				s.LaunchScene(rng.IntN(3), at)
			default:
				s.StopTrack(1, at)
			}
			s.Advance(at + engine.Frame(rng.IntN(2000)))
		}
		s.StopAll(at)
		s.Advance(at + 20*bar)
		var sounding [128]int
		for _, c := range r.cmds {
			switch c.Op {
			case engine.NoteOn:
				if sounding[c.Key] != 0 {
					t.Fatalf("seed %d: key %d on again at %d without a note-off", seed, c.Key, c.At)
				}
				sounding[c.Key]++
			case engine.NoteOff:
				sounding[c.Key] = 0
			}
		}
		for k, n := range sounding {
			if n != 0 {
				t.Fatalf("seed %d: key %d stuck", seed, k)
			}
		}
		if !s.Idle() {
			t.Fatalf("seed %d: not idle", seed)
		}
	}
}

// TestSessionThroughEngine renders a real engine: a press at beat 1.3 with
// 1-bar quantization sounds first at frame 96000, for any block size.
func TestSessionThroughEngine(t *testing.T) {
	for _, block := range []int{64, 128, 333} {
		sg := song()
		bank := &engine.Bank{}
		for i := 0; i < 9; i++ {
			b := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 1000)}
			for j := range b.Data {
				b.Data[j] = 0.5
			}
			bank.Samples = append(bank.Samples, b)
		}
		p, err := engine.New(engine.DefaultConfig(rate, 3), bank)
		if err != nil {
			t.Fatal(err)
		}
		s := NewSession(sg, p, rate)
		s.Press(0, 0, beats(1.3))
		out := make([]float32, 2*block)
		first := -1
		for f := 0; f < 2*bar && first < 0; f += block {
			s.Advance(engine.Frame(f + block))
			p.Render(out)
			for i := 0; i < block; i++ {
				if out[2*i] != 0 {
					first = f + i
					break
				}
			}
		}
		if first != 96000 {
			t.Fatalf("block %d: first sound at %d, want 96000", block, first)
		}
	}
}

func TestClockBarBeat(t *testing.T) {
	c := NewClock(rate, 120, 4)
	if b, bt := c.BarBeat(beats(5.5)); b != 2 || bt != 2.5 {
		t.Fatalf("beat 5.5 is %d.%v, want 2.2.5", b, bt)
	}
	c.SetTempo(bar, 60)
	if f := c.Frame(5); f != bar+48000 {
		t.Fatalf("beat 5 after slowing to 60 BPM at bar 2: frame %d", f)
	}
	if n := c.Next(bar+1, 4); n != bar+4*48000 {
		t.Fatalf("next bar %d", n)
	}
}

// TestAdvanceDoesNotAllocate keeps the session's steady state (note clips
// and audio loops playing, a follow action chain) free of allocations, so
// the process stays quiet for the garbage collector while performing.
func TestAdvanceDoesNotAllocate(t *testing.T) {
	sg := noteSong()
	for y := 0; y < 3; y++ {
		if c := sg.Tracks[0].Clips[y]; c != nil {
			c.Follow = &Follow{After: 4, Action: Next, Chance: 1}
		}
	}
	p, err := engine.New(engine.DefaultConfig(rate, 3), &engine.Bank{
		Samples:     make9(),
		Instruments: []engine.Instrument{{Zones: []engine.Zone{{Low: 0, High: 127, Root: 60, Sample: 0, Gain: 1}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(sg, p, rate)
	s.LaunchScene(0, 0)
	out := make([]float32, 256)
	at := engine.Frame(0)
	step := func() {
		at += 128
		s.Advance(at)
		p.Render(out)
	}
	for i := 0; i < 4000; i++ { // warm up past a few follow actions
		step()
	}
	if n := testing.AllocsPerRun(2000, step); n != 0 {
		t.Fatalf("Advance+Render allocated %v times per block", n)
	}
}

func make9() []*audio.Buffer {
	var bs []*audio.Buffer
	for i := 0; i < 9; i++ {
		bs = append(bs, &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 4800)})
	}
	return bs
}

func TestFollowSkipsEmptySlots(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[1] = nil // A, empty, B
	for _, y := range []int{0, 2} {
		sg.Tracks[0].Clips[y].Follow = &Follow{After: 4, Action: Next, Chance: 1}
	}
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 0)
	s.Advance(3*bar + 1)
	var samples []int32
	for _, c := range r.ops(engine.PlayClip) {
		samples = append(samples, c.Sample)
	}
	if len(samples) != 4 || samples[0] != 0 || samples[1] != 2 || samples[2] != 0 || samples[3] != 2 {
		t.Fatalf("next over an empty slot played %v, want samples 0 2 0 2", samples)
	}
}

func TestLegatoClipRelaunchedStartsFromTheTop(t *testing.T) {
	sg := song()
	c := sg.Tracks[0].Clips[0]
	c.Legato, c.Follow = true, &Follow{After: 4, Action: Again, Chance: 1}
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 0)
	s.Advance(bar + 1)
	if p := r.ops(engine.PlayClip); len(p) != 2 || p[1].Start != 0 || p[1].Legato {
		t.Fatalf("follow again on a legato clip: %+v, want a second start at offset 0", p)
	}
}

// TestQueuedSceneTempoIsKnownAtOnce: a press queued after a scene launch
// but before its tempo takes effect lands on the grid of the new tempo.
func TestQueuedSceneTempoIsKnownAtOnce(t *testing.T) {
	sg := song()
	sg.Scenes[1].Tempo = 60 // a bar lasts 192000 frames from bar 2 on
	c := sg.Tracks[1].Clips[0]
	c.HasQuantize, c.Quantize = true, 8 // 2 bars
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.LaunchScene(1, 10) // tempo 60 from bar 2 (frame 96000)
	s.Press(1, 0, 20)    // next 2-bar line: beat 8 = 96000 + 4 beats at 60 BPM
	s.Advance(10 * bar)
	p := r.ops(engine.PlayClip)
	want := engine.Frame(96000 + 4*48000)
	if last := p[len(p)-1]; last.Track != 1 || last.At != want {
		t.Fatalf("press before the tempo change: %+v, want track 1 at %d", last, want)
	}
	// Stop-all before the boundary forgets the tempo change.
	s2 := NewSession(sg, &recorder{}, rate)
	s2.LaunchScene(1, 10)
	s2.StopAll(20)
	s2.Advance(bar + 1)
	if got := s2.Clock().Tempo(bar); got != 120 {
		t.Fatalf("tempo after stop-all cancelled the scene: %v", got)
	}
}

// full is an Engine whose ring takes only room commands per Advance.
type full struct {
	recorder
	room int
}

func (f *full) Send(c engine.Command) bool {
	if f.room == 0 {
		return false
	}
	f.room--
	return f.recorder.Send(c)
}

func TestCommandsWaitInTheBacklogWhenTheRingIsFull(t *testing.T) {
	f := &full{room: 3} // the three SetTracks
	s := NewSession(song(), f, rate)
	s.LaunchScene(0, 0)
	s.Advance(1)
	if s.Refused() == 0 || len(f.cmds) != 3 {
		t.Fatalf("refused %d, sent %d", s.Refused(), len(f.cmds))
	}
	f.room = 100
	s.StopAll(2)
	s.Advance(2 * bar)
	plays, stops := f.ops(engine.PlayClip), f.ops(engine.Stop)
	if len(plays) != 3 || len(stops) != 3 {
		t.Fatalf("after room came back: %d plays, %d stops (want 3 and 3, in order)", len(plays), len(stops))
	}
}

func TestStopNowSilencesEverythingAtOnce(t *testing.T) {
	r := &recorder{}
	s := NewSession(noteSong(), r, rate)
	s.LaunchScene(0, 0)
	s.Advance(bar + beats(3.7)) // key 40 (beat 3.5 of bar 2) is sounding
	s.LaunchScene(1, bar+beats(3.8))
	s.StopNow(bar + beats(3.8))
	s.Advance(4 * bar)
	if !s.Idle() {
		t.Fatal("not idle after StopNow")
	}
	on, off := r.ops(engine.NoteOn), r.ops(engine.NoteOff)
	if len(on) != len(off) || off[len(off)-1].At != bar+beats(3.8) {
		t.Fatalf("%d note-ons, %d note-offs, last note-off %+v", len(on), len(off), off[len(off)-1])
	}
	for _, c := range r.ops(engine.PlayClip) {
		if c.At > bar {
			t.Fatalf("the queued scene still launched: %+v", c)
		}
	}
}

// TestClockDoesNotDriftOverEightHours (test plan T12a): at 127.3 BPM, 48 kHz,
// every bar line for 8 hours falls on the frame exact rational arithmetic
// puts it on (the nearest frame).
func TestClockDoesNotDriftOverEightHours(t *testing.T) {
	c := NewClock(rate, 127.3, 4)
	// A bar is 4·60·48000/127.3 = 115200000/1273 frames.
	num, den := big.NewInt(115200000), big.NewInt(1273)
	bars := int(8 * 3600 * 127.3 / 4 / 60)
	for k := 0; k <= bars; k += 1 + k/1000 {
		exact := new(big.Rat).SetFrac(new(big.Int).Mul(num, big.NewInt(int64(k))), den)
		f, _ := exact.Float64()
		want := engine.Frame(math.Round(f))
		if got := c.Frame(Beats(4 * k)); got != want {
			t.Fatalf("bar %d at frame %d, exact %d", k, got, want)
		}
		if got := c.Next(want-1, 4); got != want {
			t.Fatalf("next bar line after frame %d: %d, want %d", want-1, got, want)
		}
	}
}

// Tap tempo: 120 → 60 BPM at beat 1.5 (frame 36000). What was planned in
// beats keeps its beat, at 48000 frames a beat from there: the queued
// launch and the loops' restart at beat 4 (frame 156000), the follow
// action at beat 8 (348000). The loops restart from the top on the bar and
// loop at 4 beats of 60 BPM; their own restart before it, off the grid,
// is cut. A one-shot audio clip keeps its end frame.
func TestSetTempoKeepsTheBeats(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].Follow = &Follow{After: 8, Action: Next, Chance: 1}
	sg.Tracks[1].Clips[1].Loop = false // one-shot, 4 beats
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 0)
	s.Press(1, 0, 0)
	s.Advance(beats(1))
	s.Press(2, 0, beats(1)) // queued for beat 4
	s.SetTempo(90, 36000)   // replaced by the next change at the same frame
	s.SetTempo(60, 36000)
	if got := s.Clock().Beat(36000); math.Abs(float64(got)-1.5) > 1e-9 {
		t.Fatalf("the change moved beat 1.5: frame 36000 is beat %v", got)
	}
	s.Advance(400000)
	frame := func(b float64) engine.Frame { return 36000 + engine.Frame((b-1.5)*48000) }
	type want struct {
		op     engine.Op
		at     engine.Frame
		track  int16
		sample int32
	}
	var got []want
	for _, c := range r.cmds {
		if c.At > 0 && (c.Op == engine.PlayClip || c.Op == engine.Stop) {
			got = append(got, want{c.Op, c.At, c.Track, c.Sample})
			if c.Op == engine.PlayClip && c.LoopLen != engine.LoopFrames(192000) {
				t.Errorf("%+v: loops every %d frames, want 4 beats at 60 BPM (192000)", c, c.LoopLen>>32)
			}
		}
	}
	exp := []want{
		// The loops (4 beats of 120 BPM from frame 0) would restart on
		// their own at 96000, beat 2.75 now: they end there instead.
		{engine.Stop, 96000, 0, 0}, {engine.Stop, 96000, 1, 0},
		{engine.Stop, frame(4), 0, 0}, {engine.PlayClip, frame(4), 0, 0}, // track 0's loop realigned
		{engine.Stop, frame(4), 1, 0}, {engine.PlayClip, frame(4), 1, 3}, // track 1's too
		{engine.PlayClip, frame(4), 2, 6},                                // the queued launch
		{engine.Stop, frame(8), 0, 0}, {engine.PlayClip, frame(8), 0, 1}, // the follow action: next clip
	}
	if len(got) != len(exp) {
		t.Fatalf("after the change: %+v\nwant %+v", got, exp)
	}
	for i := range exp {
		if got[i] != exp[i] {
			t.Errorf("command %d: %+v, want %+v", i, got[i], exp[i])
		}
	}
	if b := s.Clock().Beat(frame(8)); math.Abs(float64(b)-8) > 1e-9 {
		t.Errorf("frame %d is beat %v, want 8", frame(8), b)
	}

	// A one-shot audio clip launched before a change ends on its frame.
	r2 := &recorder{}
	s2 := NewSession(sg, r2, rate)
	s2.Press(1, 1, 0) // 4 beats at 120: ends at 96000
	s2.Advance(1)
	s2.SetTempo(60, 1000)
	s2.Advance(300000)
	if st := r2.ops(engine.Stop); len(st) != 1 || st[0].At != 96000 {
		t.Errorf("one-shot stops %+v, want one at 96000", st)
	}
}

// A loop stopped after a tempo change, before its realignment, leaves
// nothing behind: the session is idle once the stop has happened, not only
// after the realignment's frame (play's script end waits for Idle).
func TestStopAfterSetTempoLeavesTheSessionIdle(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].Length = 8 // a 2-bar loop: realigned at beat 8
	s := NewSession(sg, &recorder{}, rate)
	s.Press(0, 0, 0)
	s.Advance(beats(1))
	s.SetTempo(60, beats(1))
	s.StopTrack(0, beats(1)) // at the next bar, beat 4
	a, ok := s.find(0, actStop, -1)
	stop := a.at
	if !ok || stop >= s.clock.Frame(8) {
		t.Fatalf("stop queued at %d (%v), want before beat 8", stop, ok)
	}
	s.Advance(stop + 1)
	if s.Playing(0) >= 0 || !s.Idle() {
		t.Errorf("after the stop at frame %d: playing %d, idle %v, agenda %+v; want idle", stop, s.Playing(0), s.Idle(), s.agenda)
	}
}
