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

// rig plays a Session through a real engine, as render does: before each
// block the session is committed a stop's fade ahead of it.
type rig struct {
	t      testing.TB
	s      *Session
	p      *engine.Player
	tap    *tap
	block  int
	out    []float32 // stereo, everything rendered so far
	events []cue     // inputs, by frame
	// feed, if set, writes the audio input's frames for the n frames
	// from pos before they render.
	feed func(pos engine.Frame, n int)
}

// tap forwards commands to the engine and keeps them.
type tap struct {
	p    *engine.Player
	cmds []engine.Command
}

func (t *tap) Send(c engine.Command) bool {
	t.cmds = append(t.cmds, c)
	return t.p.Send(c)
}

func (t *tap) PollEvent() (engine.Event, bool) { return t.p.PollEvent() }

// cue is an input at a frame.
type cue struct {
	at engine.Frame
	do func(s *Session, at engine.Frame)
}

func newRig(t testing.TB, sg *Song, bank *engine.Bank, r, block int) *rig {
	t.Helper()
	p, err := engine.New(engine.DefaultConfig(r, len(sg.Tracks)), bank)
	if err != nil {
		t.Fatal(err)
	}
	tp := &tap{p: p}
	return &rig{t: t, s: NewSession(sg, tp, r), p: p, tap: tp, block: block}
}

func (g *rig) at(f engine.Frame, do func(s *Session, at engine.Frame)) {
	g.events = append(g.events, cue{f, do})
	slices.SortStableFunc(g.events, func(a, b cue) int { return int(a.at - b.at) })
}

// run renders up to frame end.
func (g *rig) run(end engine.Frame) []float32 {
	buf := make([]float32, 2*g.block)
	for pos := engine.Frame(len(g.out) / 2); pos < end; {
		n := min(engine.Frame(g.block), end-pos)
		to := pos + n + g.p.StopLead()
		for len(g.events) > 0 && g.events[0].at < to {
			e := g.events[0]
			g.events = g.events[1:]
			g.s.Advance(e.at)
			e.do(g.s, e.at)
		}
		g.s.Advance(to)
		if g.feed != nil {
			g.feed(pos, int(n))
		}
		g.p.Render(buf[:2*n])
		g.out = append(g.out, buf[:2*n]...)
		pos += n
	}
	return g.out
}

// clickLoop is a 1-bar loop sample at rate r and 120 BPM: a click (0.25)
// for its first 5 ms, then a low level (0.05), ending with the bar (when
// long is false) or going on past it.
func clickLoop(r int, long bool) *audio.Buffer {
	n := 2 * r
	if long {
		n += r / 2
	}
	b := &audio.Buffer{Rate: r, Channels: 1, Data: make([]float32, n)}
	for i := range b.Data {
		b.Data[i] = 0.05
		if i < r/200 {
			b.Data[i] = 0.25
		}
	}
	return b
}

// TestClipEndsAtItsFrame: a stop, replace, scene launch, follow action,
// stop-all or gate release that takes effect at frame F ends the old clip
// exactly at F: from F on the output is exactly silence or the new clip,
// at full level from its first frame; the old clip's fade ends at F
// (unless its sample ends there with the loop: then it plays unfaded).
func TestClipEndsAtItsFrame(t *testing.T) {
	const F = 2 * bar // every case ends the first clip at bar 3
	fade := int(engine.FadeTime.Seconds() * rate)
	cases := []struct {
		name  string
		long  bool // the loop's sample goes on past the loop: it must fade
		setup func(sg *Song)
		input func(g *rig)
		next  bool // the new clip (track 0, scene 1) sounds from F
	}{
		{name: "stop", input: func(g *rig) { g.at(bar+100, func(s *Session, at engine.Frame) { s.StopTrack(0, at) }) }},
		{name: "stop/long", long: true, input: func(g *rig) { g.at(bar+100, func(s *Session, at engine.Frame) { s.StopTrack(0, at) }) }},
		{name: "replace", next: true, input: func(g *rig) { g.at(bar+100, func(s *Session, at engine.Frame) { s.Press(0, 1, at) }) }},
		{name: "replace/long", long: true, next: true, input: func(g *rig) { g.at(bar+100, func(s *Session, at engine.Frame) { s.Press(0, 1, at) }) }},
		{name: "scene", long: true, next: true, input: func(g *rig) { g.at(bar+100, func(s *Session, at engine.Frame) { s.LaunchScene(1, at) }) }},
		{name: "stop-all", long: true, input: func(g *rig) { g.at(bar+100, func(s *Session, at engine.Frame) { s.StopAll(at) }) }},
		{name: "follow", long: true, next: true, setup: func(sg *Song) {
			sg.Tracks[0].Clips[0].Follow = &Follow{After: 8, Action: Next, Chance: 1}
		}},
		{name: "gate", long: true, setup: func(sg *Song) { sg.Tracks[0].Clips[0].Launch = Gate },
			input: func(g *rig) { g.at(bar+100, func(s *Session, at engine.Frame) { s.Release(0, 0, at) }) }},
	}
	for _, c := range cases {
		for _, block := range []int{64, 128, 333} {
			t.Run(fmt.Sprintf("%s/block=%d", c.name, block), func(t *testing.T) {
				old, next := clickLoop(rate, c.long), clickLoop(rate, false)
				for i := range next.Data {
					next.Data[i] *= -1 // tells the two apart
				}
				sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: make([]Scene, 2), Tracks: []Track{{
					Gain: 1, Instrument: -1, Clips: []*Clip{
						{Sample: 0, SampleFrames: old.Frames(), Loop: true, Length: 4, Gain: 1},
						{Sample: 1, SampleFrames: next.Frames(), Loop: true, Length: 4, Gain: 1},
					}}}}
				if c.setup != nil {
					c.setup(sg)
				}
				g := newRig(t, sg, &engine.Bank{Samples: []*audio.Buffer{old, next}}, rate, block)
				g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
				if c.input != nil {
					c.input(g)
				}
				out := g.run(F + bar/2)
				for f := F; f < len(out)/2; f++ {
					want := float32(0)
					if c.next {
						want = next.Data[f-F]
					}
					if out[2*f] != want || out[2*f+1] != want {
						t.Fatalf("frame F%+d = %v, want %v (the old clip's sound goes past its end)", f-F, out[2*f], want)
					}
				}
				// Before F: the old clip, faded out up to F when its sample
				// goes on past the loop end, else exactly as it is.
				for f := F - 2*fade; f < F; f++ {
					own := old.Data[f-bar]
					switch got := out[2*f]; {
					case !c.long && got != own:
						t.Fatalf("frame F%+d = %v, want the loop unfaded (%v): its sample ends at F", f-F, got, own)
					case c.long && f < F-fade && got != own:
						t.Fatalf("frame F%+d = %v, want %v: the fade starts at F-%d", f-F, got, own, fade)
					case c.long && f > F-fade && (got >= own || got < 0):
						t.Fatalf("frame F%+d = %v, want it fading out from %v", f-F, got, own)
					}
				}
			})
		}
	}
}

// raceEnabled is set by race_test.go.
var raceEnabled bool

// TestRandomClipEndsNeverOverrun plays 1000 random sequences of launches,
// stops, releases, scene launches and follow actions on two tracks and
// checks that nothing of a clip sounds after its end. Each clip's sample
// is a constant, a distinct power of two, so every frame's sum tells which
// clips sound: outside the fades before span ends, a frame must be exactly
// the sum of some of the clips whose spans hold it (a clip may be silent
// there: a one-shot that has ended, a loop's padding). A span runs from a
// start of the clip to the next stop or start on its track.
func TestRandomClipEndsNeverOverrun(t *testing.T) {
	const (
		r      = 4000 // a low rate keeps 1000 sequences quick
		bars   = 6
		frames = bars * 2 * r
		slots  = 3
		tracks = 2
	)
	n := 1000
	if testing.Short() || raceEnabled {
		n = 100
	}
	fade := engine.Frame(engine.FadeTime.Seconds() * r)
	launches := []LaunchMode{Trigger, Gate, Toggle, Trigger}
	for seq := 0; seq < n; seq++ {
		rng := rand.New(rand.NewPCG(uint64(seq), 9))
		block := []int{64, 128, 333}[seq%3]
		sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: Beats(1 + rng.IntN(4)), Seed: uint64(seq), Scenes: make([]Scene, slots)}
		bank := &engine.Bank{}
		for x := 0; x < tracks; x++ {
			tr := Track{Gain: 1, Instrument: -1, Clips: make([]*Clip, slots)}
			for y := 0; y < slots; y++ {
				k := x*slots + y
				b := &audio.Buffer{Rate: r, Channels: 1, Data: make([]float32, r/2+rng.IntN(3*r))}
				for i := range b.Data {
					b.Data[i] = float32(math.Ldexp(1, k-10))
				}
				bank.Samples = append(bank.Samples, b)
				c := &Clip{Sample: int32(k), SampleFrames: b.Frames(), Loop: rng.IntN(4) != 0, Gain: 1, Launch: launches[rng.IntN(len(launches))]}
				if c.Loop && rng.IntN(2) == 0 {
					c.Length = Beats(1 + rng.IntN(6))
				}
				if rng.IntN(3) == 0 {
					c.HasQuantize, c.Quantize = true, Beats(1+rng.IntN(2))/2
				}
				if rng.IntN(4) == 0 {
					c.Follow = &Follow{After: Beats(1 + rng.IntN(8)), Action: FollowAction(1 + rng.IntN(8)), Chance: 1}
				}
				tr.Clips[y] = c
			}
			sg.Tracks = append(sg.Tracks, tr)
		}
		g := newRig(t, sg, bank, r, block)
		for i := 0; i < 12; i++ {
			x, y := rng.IntN(tracks), rng.IntN(slots)
			at := engine.Frame(rng.IntN(frames - r))
			switch rng.IntN(6) {
			case 0, 1:
				g.at(at, func(s *Session, at engine.Frame) { s.Press(x, y, at) })
			case 2:
				g.at(at, func(s *Session, at engine.Frame) { s.Release(x, y, at) })
			case 3:
				g.at(at, func(s *Session, at engine.Frame) { s.StopTrack(x, at) })
			case 4:
				g.at(at, func(s *Session, at engine.Frame) { s.LaunchScene(y, at) })
			default:
				g.at(at, func(s *Session, at engine.Frame) { s.StopAll(at) })
			}
		}
		out := g.run(frames)
		spans := clipSpans(g.tap.cmds)
	frame:
		for f := engine.Frame(0); f < frames; f++ {
			var may uint32 // the clips that may sound at f
			for _, sp := range spans {
				if f >= sp.end-fade && f < sp.end {
					continue frame // a fade: anything between
				}
				if f >= sp.start && f < sp.end {
					may |= 1 << sp.sample
				}
			}
			got := math.Ldexp(float64(out[2*f]), 10)
			if bits := uint32(got); float64(bits) != got || bits&^may != 0 {
				t.Fatalf("sequence %d (block %d): frame %d = %v × 2^-10: clips %b sound, only %b may", seq, block, f, got, bits, may)
			}
		}
	}
}

type span struct {
	start, end engine.Frame
	sample     int32
}

// clipSpans returns the frame spans in which each sample may sound: from
// each start of it to the next stop or start on its track.
func clipSpans(cmds []engine.Command) []span {
	cmds = slices.Clone(cmds)
	slices.SortStableFunc(cmds, func(a, b engine.Command) int { return int(a.At - b.At) })
	var spans []span
	open := map[int16]int{} // track → index in spans
	for _, c := range cmds {
		if c.Op != engine.PlayClip && c.Op != engine.Stop {
			continue
		}
		if i, ok := open[c.Track]; ok {
			spans[i].end = c.At
			delete(open, c.Track)
		}
		if c.Op == engine.PlayClip {
			if c.Legato {
				panic("legato in the random sequences")
			}
			open[c.Track] = len(spans)
			spans = append(spans, span{c.At, engine.Never, c.Sample})
		}
	}
	return spans
}

// sine returns n frames of a sine at freq Hz and amplitude a, at rate r.
func sine(r int, n int, freq, a float64) *audio.Buffer {
	b := &audio.Buffer{Rate: r, Channels: 1, Data: make([]float32, n)}
	for i := range b.Data {
		b.Data[i] = float32(a * math.Sin(2*math.Pi*freq*float64(i)/float64(r)))
	}
	return b
}

// legatoSong has scene 0 at 120 BPM with clip A (sample 0) and scene 1 at
// tempo bpm with clip B (sample 1), a legato 1-bar loop, on one track,
// launched on the beat.
func legatoSong(bank *engine.Bank, bpm float64) *Song {
	a, b := bank.Samples[0], bank.Samples[1]
	return &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 1, Seed: 1, Scenes: []Scene{{}, {Tempo: bpm}}, Tracks: []Track{{
		Gain: 1, Instrument: -1, Clips: []*Clip{
			{Sample: 0, SampleFrames: a.Frames(), Loop: true, Length: 4, Gain: 1},
			{Sample: 1, SampleFrames: b.Frames(), Loop: true, Length: 4, Gain: 1, Legato: true},
		}}}}
}

// TestLegatoKeepsThePhaseAcrossATempoChange: scene 0 at 120 BPM with a
// 1-bar loop, then a legato clip in a scene at another tempo launched at
// beat 5: the new clip starts one beat in (where the old one was in the
// bar) and restarts exactly on the following bar lines, frame for frame.
func TestLegatoKeepsThePhaseAcrossATempoChange(t *testing.T) {
	for _, bpm := range []float64{97, 140} {
		for _, block := range []int{64, 128, 333} {
			loop := 4 * 60 / bpm * rate // frames of the new clip's bar
			// B is a ramp a little shorter than its loop: its restarts are
			// the first frames after silence.
			b := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, int(loop)-50)}
			for i := range b.Data {
				b.Data[i] = 0.1 + 0.4*float32(i)/float32(len(b.Data))
			}
			bank := &engine.Bank{Samples: []*audio.Buffer{constBuffer(rate, bar, 0.2), b}}
			g := newRig(t, legatoSong(bank, bpm), bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.LaunchScene(0, at) })
			g.at(beats(4.5), func(s *Session, at engine.Frame) { s.LaunchScene(1, at) }) // at beat 5
			out := g.run(6 * bar)
			clock := g.s.Clock()
			sw := clock.Frame(5)
			if sw != beats(5) {
				t.Fatalf("the switch is at frame %d, want %d", sw, beats(5))
			}
			// After the crossfade, B plays one beat in.
			f := sw + 300
			pos := loop/4 + 300
			if got := out[2*f]; got != b.Data[int(pos)] && got != b.Data[int(pos)+1] {
				t.Errorf("%v BPM, block %d: frame %d = %v, want B at %.1f frames (%v)", bpm, block, f, got, pos, b.Data[int(pos)])
			}
			for bar := 2; float64(clock.Frame(Beats(4*bar+4))) < float64(len(out)/2); bar++ {
				at := clock.Frame(Beats(4 * bar))
				if out[2*at] != b.Data[0] || out[2*(at-1)] != 0 {
					t.Errorf("%v BPM, block %d: bar line %d (frame %d): %v %v, want 0 then B's first frame %v", bpm, block, bar+1, at, out[2*(at-1)], out[2*at], b.Data[0])
				}
			}
		}
	}
}

func constBuffer(r, n int, v float32) *audio.Buffer {
	b := &audio.Buffer{Rate: r, Channels: 1, Data: make([]float32, n)}
	for i := range b.Data {
		b.Data[i] = v
	}
	return b
}

// maxStep returns the largest jump between consecutive samples of the left
// channel of out[from:to] (frames).
func maxStep(out []float32, from, to int) float64 {
	m := 0.0
	for f := from + 1; f < to; f++ {
		m = max(m, math.Abs(float64(out[2*f]-out[2*(f-1)])))
	}
	return m
}

func monoMaxStep(d []float32) float64 {
	m := 0.0
	for i := 1; i < len(d); i++ {
		m = max(m, math.Abs(float64(d[i]-d[i-1])))
	}
	return m
}

// TestLegatoSwitchDoesNotClick: the case, two clips of one sine
// sample (the second a legato clip in a scene at 97 or 140 BPM) launched
// at beat 5 while the first, launched at beat 1, is at the top of its
// loop: the new clip takes over at the same place in the bar, and the
// largest sample-to-sample step around the switch stays under the clips'
// own (a hard start beside a fade stepped by 0.35).
func TestLegatoSwitchDoesNotClick(t *testing.T) {
	for _, bpm := range []float64{97, 140} {
		a := sine(rate, 4*rate, 440, 0.25)
		bank := &engine.Bank{Samples: []*audio.Buffer{a, a}}
		g := newRig(t, legatoSong(bank, bpm), bank, rate, 128)
		g.at(beats(0.5), func(s *Session, at engine.Frame) { s.LaunchScene(0, at) }) // at beat 1
		g.at(beats(4.5), func(s *Session, at engine.Frame) { s.LaunchScene(1, at) }) // at beat 5
		out := g.run(2 * bar)
		own := monoMaxStep(a.Data)
		sw := int(beats(5))
		got := maxStep(out, sw-1000, sw+1000)
		if got > own {
			t.Errorf("%v BPM: largest step at the switch %.5f, the clips' own %.5f", bpm, got, own)
		}
		t.Logf("%v BPM: largest step at the switch %.5f, the clips' own %.5f", bpm, got, own)
	}
}

// TestLegatoCrossfadeKeepsTheLevel: a legato switch between unrelated
// material crossfades at equal power: over the crossfade, the level of a
// switch between two noises is that of either (equal gain would dip it by
// about 2 dB). Averaged over 16 switches, to measure the level and not the
// noise.
func TestLegatoCrossfadeKeepsTheLevel(t *testing.T) {
	noise := func(seed uint64) *audio.Buffer {
		rng := rand.New(rand.NewPCG(seed, 1))
		b := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 4*rate)}
		for i := range b.Data {
			b.Data[i] = float32(rng.NormFloat64() * 0.1)
		}
		return b
	}
	xf := int(engine.LegatoTime.Seconds() * rate)
	var before, during float64
	for seed := uint64(0); seed < 16; seed++ {
		bank := &engine.Bank{Samples: []*audio.Buffer{noise(2 * seed), noise(2*seed + 1)}}
		g := newRig(t, legatoSong(bank, 120), bank, rate, 128)
		g.at(0, func(s *Session, at engine.Frame) { s.LaunchScene(0, at) })
		g.at(beats(4.5), func(s *Session, at engine.Frame) { s.LaunchScene(1, at) })
		out := g.run(2 * bar)
		sw := int(beats(5))
		before += power(out, sw-10*xf, sw)
		during += power(out, sw, sw+xf)
	}
	if db := 10 * math.Log10(during/before); math.Abs(db) > 0.5 {
		t.Errorf("the level over the crossfade is %+.2f dB of the clips'", db)
	}
}

func power(out []float32, from, to int) float64 {
	var sum float64
	for f := from; f < to; f++ {
		sum += float64(out[2*f]) * float64(out[2*f])
	}
	return sum / float64(to-from)
}

// loopSong is one track with one audio loop of length beats at 120 BPM
// playing sample 0, with a loop crossfade of fade seconds.
func loopSong(b *audio.Buffer, length Beats, fade float64) *Song {
	return &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{}}, Tracks: []Track{{
		Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: b.Frames(), Loop: true, Length: length, Gain: 1, LoopFade: fade}}}}}
}

func playLoop(t *testing.T, b *audio.Buffer, length Beats, fade float64, frames engine.Frame) []float32 {
	bank := &engine.Bank{Samples: []*audio.Buffer{b}}
	g := newRig(t, loopSong(b, length, fade), bank, rate, 128)
	g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
	return g.run(frames)
}

// TestLoopWrapCrossfades: a loop of 1.37 beats cut from a longer sine
// jumps at every restart (by 0.16 here) without a loop fade; with the
// default 5 ms the largest step over six restarts stays under the sine's
// own.
func TestLoopWrapCrossfades(t *testing.T) {
	b := sine(rate, 4*rate, 440, 0.25)
	own := monoMaxStep(b.Data)
	hard := maxStep(playLoop(t, b, 1.37, 0, 6*beats(1.37)), 1, int(6*beats(1.37)))
	soft := maxStep(playLoop(t, b, 1.37, engine.LegatoTime.Seconds(), 6*beats(1.37)), 1, int(6*beats(1.37)))
	t.Logf("largest step: %.4f without a loop fade, %.5f with one; the sine's own %.5f", hard, soft, own)
	if hard < 0.1 {
		t.Errorf("without a loop fade the restart steps by only %.4f: the test no longer cuts the sine mid-wave", hard)
	}
	if soft > own {
		t.Errorf("with a loop fade the largest step is %.5f, more than the sine's own %.5f", soft, own)
	}
}

// TestSeamlessLoopsPlayExactly: a loop whose sample meets its start (a
// sine with a whole number of periods in the loop, the sample going on
// past it), and one whose sample ends at the loop end, play bit for bit as
// with no loop fade at all.
func TestSeamlessLoopsPlayExactly(t *testing.T) {
	whole := sine(rate, 2*rate, 500, 0.25) // 1 beat = 24000 frames = 250 periods
	ends := sine(rate, 24000, 437, 0.25)   // ends mid-wave at the loop end
	for name, b := range map[string]*audio.Buffer{"whole periods": whole, "ends at the loop end": ends} {
		hard := playLoop(t, b, 1, 0, 5*beats(1))
		soft := playLoop(t, b, 1, engine.LegatoTime.Seconds(), 5*beats(1))
		if !slices.Equal(hard, soft) {
			t.Errorf("%s: the loop fade changed a seamless loop", name)
		}
	}
}

// TestUnquantizedStopFadesFromItsFrame: a stop that is not known ahead (no
// quantization; the panic button) fades out from its frame, over 5 ms.
func TestUnquantizedStopFadesFromItsFrame(t *testing.T) {
	fade := int(engine.FadeTime.Seconds() * rate)
	for _, panicked := range []bool{false, true} {
		b := constBuffer(rate, 4*rate, 0.25)
		sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 0, Seed: 1, Scenes: make([]Scene, 1), Tracks: []Track{{
			Gain: 1, Instrument: -1, Clips: []*Clip{{Sample: 0, SampleFrames: b.Frames(), Loop: true, Length: 4, Gain: 1}}}}}
		g := newRig(t, sg, &engine.Bank{Samples: []*audio.Buffer{b}}, rate, 128)
		g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
		const F = 30000
		g.at(F, func(s *Session, at engine.Frame) {
			if panicked {
				s.StopNow(at)
			} else {
				s.StopTrack(0, at)
			}
		})
		out := g.run(engine.Frame(F + 2*fade))
		if out[2*(F-1)] != 0.25 || out[2*F] != 0.25 || out[2*(F+fade/2)] >= 0.25 || out[2*(F+fade-1)] == 0 || out[2*(F+fade)] != 0 {
			t.Errorf("panic %v: around the stop at %d: %v %v … %v … %v %v", panicked, F, out[2*(F-1)], out[2*F], out[2*(F+fade/2)], out[2*(F+fade-1)], out[2*(F+fade)])
		}
	}
}
