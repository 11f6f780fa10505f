package sequencer

import (
	"math"
	"slices"
	"testing"

	"gridbox/audio"
	"gridbox/engine"
)

// tempoMap is a tempo map built from the definitions of tap tempo and of a
// reload's ramp, for the tests to check the session's clock and what it
// plays against: segments in order, each from a whole frame at a tempo.
type tempoMap []tempoSeg

type tempoSeg struct{ frame, beat, bpm float64 }

// steady returns the map of one tempo from frame 0.
func steady(bpm float64) tempoMap { return tempoMap{{bpm: bpm}} }

func (m tempoMap) at(f engine.Frame) tempoSeg {
	i := len(m) - 1
	for i > 0 && m[i].frame > float64(f) {
		i--
	}
	return m[i]
}

func (m tempoMap) beat(f engine.Frame) float64 {
	s := m.at(f)
	return s.beat + (float64(f)-s.frame)*s.bpm/(60*rate)
}

// frame returns the frame of beat b, rounded.
func (m tempoMap) frame(b float64) engine.Frame {
	i := len(m) - 1
	for i > 0 && m[i].beat > b {
		i--
	}
	s := m[i]
	return engine.Frame(math.Round(s.frame + (b-s.beat)*60*rate/s.bpm))
}

// tap is a tempo change to bpm at frame f (SetTempo): the beat there stays.
func (m tempoMap) tap(f engine.Frame, bpm float64) tempoMap {
	return append(slices.Clone(m), tempoSeg{float64(f), m.beat(f), bpm})
}

// ramp is a reload's ramp to bpm from frame f (Replace), up to frame
// until (where another tempo change ends it): from the beat b and tempo
// there, step k = 1…16 is a tap, on the frame where the map before it puts
// beat b + k/16, of the tempo from + (to−from)·k/16; the last one of to
// itself.
func (m tempoMap) ramp(f engine.Frame, to float64, until engine.Frame) tempoMap {
	b, from := m.beat(f), m.at(f).bpm
	for k := 1; k <= 16; k++ {
		bpm := from + (to-from)*float64(k)/16
		if k == 16 {
			bpm = to
		}
		at := m.frame(b + float64(k)/16)
		if at >= until {
			break
		}
		m = m.tap(at, bpm)
	}
	return m
}

const never = engine.Frame(math.MaxInt64)

// click is a sample of n frames, 0.5 at its first frame and silent after.
func click(n int) *audio.Buffer {
	b := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, n)}
	b.Data[0] = 0.5
	return b
}

// onsets returns the frames where the left channel of out goes over 0.05.
func onsets(out []float32) []engine.Frame {
	var fs []engine.Frame
	prev := float32(0)
	for f := range len(out) / 2 {
		l := float32(math.Abs(float64(out[2*f])))
		if l > 0.05 && prev <= 0.05 {
			fs = append(fs, engine.Frame(f))
		}
		prev = l
	}
	return fs
}

// onBeats returns the frames of beats from, from+step, … of m before frame
// end.
func (m tempoMap) onBeats(from, step float64, end engine.Frame) []engine.Frame {
	var fs []engine.Frame
	for b := from; m.frame(b) < end; b += step {
		fs = append(fs, m.frame(b))
	}
	return fs
}

// checkClock fails the test if the session's clock puts a beat between
// from and to (every 1/64) on another frame than m does.
func checkClock(t *testing.T, name string, c *Clock, m tempoMap, from, to float64) {
	t.Helper()
	for b := from; b <= to; b += 1.0 / 64 {
		if got, want := c.Frame(Beats(b)), m.frame(b); got != want {
			t.Fatalf("%s: beat %v at frame %d, want %d", name, b, got, want)
		}
	}
}

// reloadAt is the frame of the reloads in these tests: beat 5.5 at 120 BPM,
// in the middle of a beat.
const reloadAt = 132000

// TestReplaceRampsTheTempo: a reload at beat 5.5 from 120 BPM to 150 (and
// to 96) ramps the tempo over a beat in 16 steps (tempoMap.ramp). A note
// clip playing a note every quarter beat plays each one on the frame the
// ramped map gives its beat, the clock's, through the engine; after the
// ramp (beat 6.5) beats are 60·rate/bpm frames apart, exactly.
func TestReplaceRampsTheTempo(t *testing.T) {
	bank := &engine.Bank{Samples: []*audio.Buffer{click(100)},
		Instruments: []engine.Instrument{{Zones: []engine.Zone{{Low: 0, High: 127, Root: 60, Sample: 0, Gain: 1}}}}}
	sg := &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{}}, Tracks: []Track{
		{Name: "keys", Gain: 1, Instrument: 0, Clips: []*Clip{{Sample: -1, Loop: true, Length: 1, Notes: []Note{
			{At: 0, Len: 0.1, Key: 60, Vel: 127}, {At: 0.25, Len: 0.1, Key: 60, Vel: 127},
			{At: 0.5, Len: 0.1, Key: 60, Vel: 127}, {At: 0.75, Len: 0.1, Key: 60, Vel: 127}}}}},
	}}
	for _, bpm := range []float64{150, 96} {
		next := reload(sg)
		next.Tempo = bpm
		m := steady(120).ramp(reloadAt, bpm, never)
		for _, block := range blocks {
			g := newRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			g.replace(reloadAt, next)
			end := m.frame(12)
			out := g.run(end)
			c := g.s.Clock()
			checkClock(t, "ramp", c, m, 0, 12)
			want := m.onBeats(0, 0.25, end)
			if got := onsets(out); !slices.Equal(got, want) {
				t.Errorf("to %v BPM, block %d: notes at\n%v\nwant\n%v", bpm, block, got, want)
			}
			var on []engine.Frame
			for _, cmd := range g.tap.cmds {
				if cmd.Op == engine.NoteOn {
					on = append(on, cmd.At)
				}
			}
			for i, f := range on {
				if b := Beats(i) / 4; f != c.Frame(b) {
					t.Errorf("to %v BPM, block %d: note-on %d at frame %d, the clock's beat %v is at %d", bpm, block, i, f, b, c.Frame(b))
				}
			}
			for b := Beats(6.5); b < 11; b++ {
				if d := float64(c.Frame(b+1) - c.Frame(b)); d != 60*rate/bpm {
					t.Errorf("to %v BPM, block %d: beat %v lasts %v frames, want %v", bpm, block, b, d, 60*rate/bpm)
				}
			}
			if got := c.Tempo(m.frame(6.5)); got != bpm {
				t.Errorf("to %v BPM, block %d: tempo %v after the ramp", bpm, block, got)
			}
			if len(g.s.agenda) != 0 || g.s.ramp != (ramp{}) {
				t.Errorf("to %v BPM, block %d: after the ramp: agenda %+v, ramp %+v", bpm, block, g.s.agenda, g.s.ramp)
			}
		}
	}
}

// beatLoop is a song of one track looping a click (a 1-beat audio loop at
// 120 BPM), and a second scene of the same loop at tempo sceneBPM.
func beatLoop(sceneBPM float64) (*Song, *engine.Bank) {
	bank := &engine.Bank{Samples: []*audio.Buffer{click(100)}}
	loop := &Clip{Sample: 0, SampleFrames: 100, Loop: true, Length: 1, Gain: 1, Source: "click.wav"}
	l2 := *loop
	return &Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Seed: 1, Scenes: []Scene{{}, {Tempo: sceneBPM}}, Tracks: []Track{
		{Name: "beat", Gain: 1, Instrument: -1, Clips: []*Clip{loop, &l2}},
	}}, bank
}

// playClicks returns where the clicks of the rig's loop sound up to frame
// end, and its PlayClip commands.
func playClicks(g *rig, end engine.Frame) (clicks []engine.Frame, plays []engine.Command) {
	out := g.run(end)
	for _, c := range g.tap.cmds {
		if c.Op == engine.PlayClip {
			plays = append(plays, c)
		}
	}
	return onsets(out), plays
}

// TestReplaceRampKeepsAudioLoopsOnTheGrid: a 1-beat audio loop of a click
// playing through a reload's ramp from 120 BPM (at beat 5.5) clicks on
// every beat of the ramped map and nowhere else. It restarts from the top
// twice: at beat 6, in the ramp, and at beat 7, its first restart after
// the ramp's end (6.5), from where it loops at the new tempo's length.
// Slowing down to 96, its own restart at beat 6 of 120 BPM (frame 144000)
// comes before beat 6 of the ramp: it is cut there, no click. In the
// ramp it loops at the length of the new tempo when that is slower, so
// that nothing else is cut.
func TestReplaceRampKeepsAudioLoopsOnTheGrid(t *testing.T) {
	for _, bpm := range []float64{150, 96} {
		sg, bank := beatLoop(0)
		next := reload(sg)
		next.Tempo = bpm
		m := steady(120).ramp(reloadAt, bpm, never)
		for _, block := range blocks {
			g := newRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			g.replace(reloadAt, next)
			end := m.frame(14)
			clicks, plays := playClicks(g, end)
			if want := m.onBeats(0, 1, end); !slices.Equal(clicks, want) {
				t.Errorf("to %v BPM, block %d: clicks at\n%v\nwant\n%v", bpm, block, clicks, want)
			}
			var at []engine.Frame
			for _, p := range plays {
				at = append(at, p.At)
			}
			if want := []engine.Frame{0, m.frame(6), m.frame(7)}; !slices.Equal(at, want) {
				t.Errorf("to %v BPM, block %d: the loop started at %v, want %v", bpm, block, at, want)
			}
			// The loop is cut at its own restart only when the ramp
			// slows down, once, before the ramp's first grid restart:
			// after that it loops at the new tempo's length, which a
			// restart on the grid always comes before.
			var stops []engine.Frame
			for _, c := range g.tap.cmds {
				if c.Op == engine.Stop {
					stops = append(stops, c.At)
				}
			}
			want := []engine.Frame{m.frame(6), m.frame(7)}
			if bpm < 120 {
				want = []engine.Frame{144000, m.frame(6), m.frame(7)}
			}
			if !slices.Equal(stops, want) {
				t.Errorf("to %v BPM, block %d: the loop's voices end at %v, want %v", bpm, block, stops, want)
			}
			if l := plays[len(plays)-1].LoopLen; l != engine.LoopFrames(60*rate/bpm) {
				t.Errorf("to %v BPM, block %d: after the ramp the loop is %v frames, want %v", bpm, block, float64(l)/(1<<32), 60*rate/bpm)
			}
		}
	}
}

// TestRampInterrupted: a ramp from 120 to 150 BPM (reload at beat 5.5)
// ends where a newer tempo comes: a second reload at beat 6.25 (a new
// ramp from the tempo there to 100), a tap to 110 at beat 6.25, or the
// tempo 100 of a scene launched at beat 6 for the bar at beat 8, after a
// reload at beat 7.5. The clock is the maps of those definitions, nothing
// of the first ramp is left, and the 1-beat click loop clicks on every beat
// and nowhere else.
func TestRampInterrupted(t *testing.T) {
	for _, c := range []string{"reload", "tap", "scene"} {
		sg, bank := beatLoop(100)
		v2 := reload(sg)
		v2.Tempo = 150
		v3 := reload(v2)
		v3.Tempo = 100
		m := steady(120).ramp(reloadAt, 150, never)
		cut := m.frame(6.25) // step 12's frame: it is not taken
		var final float64
		switch c {
		case "reload":
			m, final = steady(120).ramp(reloadAt, 150, cut).ramp(cut, 100, never), 100
		case "tap":
			m, final = steady(120).ramp(reloadAt, 150, cut).tap(cut, 110), 110
		case "scene":
			m = steady(120).ramp(180000, 150, never)
			cut = m.frame(8) // step 8's: the scene's tempo instead
			m, final = steady(120).ramp(180000, 150, cut).tap(cut, 100), 100
		}
		for _, block := range blocks {
			g := newRig(t, sg, bank, rate, block)
			g.at(0, func(s *Session, at engine.Frame) { s.Press(0, 0, at) })
			switch c {
			case "reload":
				g.replace(reloadAt, v2)
				g.replace(cut, v3)
			case "tap":
				g.replace(reloadAt, v2)
				g.at(cut, func(s *Session, at engine.Frame) { s.SetTempo(110, at) })
			case "scene":
				g.at(beats(6), func(s *Session, at engine.Frame) { s.LaunchScene(1, at) })
				g.replace(180000, v2) // beat 7.5
			}
			end := m.frame(14)
			clicks, _ := playClicks(g, end)
			checkClock(t, c, g.s.Clock(), m, 0, 14)
			if want := m.onBeats(0, 1, end); !slices.Equal(clicks, want) {
				t.Errorf("%s, block %d: clicks at\n%v\nwant\n%v", c, block, clicks, want)
			}
			if got := g.s.Clock().Tempo(end); got != final {
				t.Errorf("%s, block %d: tempo %v at the end, want %v", c, block, got, final)
			}
			if len(g.s.agenda) != 0 || g.s.ramp != (ramp{}) {
				t.Errorf("%s, block %d: at the end: agenda %+v, ramp %+v", c, block, g.s.agenda, g.s.ramp)
			}
		}
	}
}
