package sequencer

import (
	"math"
	"testing"

	"gridbox/engine"
)

// TestClock_Locate: a jump restarts the beats at its frame; frames before
// it keep theirs; bars count from the jump's beat 0; tempo changes after
// it stay on its grid, and Unplan and SetTempo never undo it.
func TestClock_Locate(t *testing.T) {
	c := NewClock(rate, 120, 4)
	c.SetTempo(200000, 100)
	c.Locate(150001, 0, 125)
	if got := c.Beat(150000); got != 6.25 {
		t.Errorf("Beat(150000) before the jump = %v, want 6.25 (120 BPM)", got)
	}
	// 125 BPM: 23040 frames a beat.
	for _, tt := range []struct {
		b Beats
		f engine.Frame
	}{{0, 150001}, {1, 173041}, {4, 242161}, {-1, 126961}} {
		if got := c.Frame(tt.b); got != tt.f {
			t.Errorf("Frame(%v) = %d, want %d", tt.b, got, tt.f)
		}
	}
	if bar, beat := c.BarBeat(150001 + 5*23040); bar != 2 || beat != 2 {
		t.Errorf("BarBeat 5 beats after the jump = %d.%v, want 2.2", bar, beat)
	}
	if got := c.Tempo(200000); got != 125 {
		t.Errorf("the tempo change planned after the jump's frame stays: %v, want 125", got)
	}
	c.Unplan(150001)
	c.SetTempo(150001, 100) // at the jump: its tempo
	if got := c.Frame(1); got != 150001+28800 {
		t.Errorf("after SetTempo at the jump, Frame(1) = %d, want %d", got, 150001+28800)
	}
	c.SetTempo(150001+28800, 150) // from beat 1: 19200 a beat
	if got := c.Frame(3); got != 150001+28800+2*19200 {
		t.Errorf("Frame(3) = %d, want %d", got, 150001+28800+2*19200)
	}
	// A jump to song position 16 (bar 5 in 4/4) at 120 BPM.
	c.Locate(400000, 16, 120)
	if got := c.Frame(17); got != 424000 {
		t.Errorf("after a jump to beat 16, Frame(17) = %d, want 424000", got)
	}
	if bar, beat := c.BarBeat(400000); bar != 5 || beat != 1 {
		t.Errorf("BarBeat at song position 16 = %d.%v, want 5.1", bar, beat)
	}
	if got := c.NextBeat(400001, 4); got != 20 {
		t.Errorf("NextBeat after the jump = %v, want 20", got)
	}
	c.Forget(410000)
	if got, want := c.Frame(18), engine.Frame(448000); got != want || c.Beat(448000) != 18 {
		t.Errorf("after Forget: Frame(18) = %d, want %d", got, want)
	}
}

// TestClock_LocateAtZero: a jump at frame 0 (a source that starts with
// gridbox) is the grid itself.
func TestClock_LocateAtZero(t *testing.T) {
	c := NewClock(rate, 120, 4)
	c.Locate(0, 2, 60)
	if got := c.Frame(3); got != 48000 {
		t.Errorf("Frame(3) = %d, want 48000", got)
	}
	c.SetTempo(0, 120)
	if got := c.Frame(3); got != 24000 || c.Beat(0) != 2 {
		t.Errorf("Frame(3) = %d, want 24000; Beat(0) = %v, want 2", got, c.Beat(0))
	}
}

// TestSession_LocateRestartsClips: a Start at an odd frame restarts the
// playing loops from their top there, launches what was queued there too,
// and later launches land on the new grid's bars, to the frame, whatever
// the block size.
func TestSession_LocateRestartsClips(t *testing.T) {
	for _, block := range []engine.Frame{64, 128, 333} {
		r := &recorder{}
		s := NewSession(song(), r, rate)
		s.Press(0, 0, 0)
		advance(s, 0, 150000, block)
		s.Press(1, 1, 150000) // queued for 192000
		const at = 150017
		for s.Committed() < at-block {
			s.Advance(s.Committed() + block)
		}
		s.Locate(at, 0, 125) // 23040 frames a beat
		s.Press(2, 0, at+100)
		advance(s, s.Committed(), 600000, block)
		plays := r.ops(engine.PlayClip)
		want := []struct {
			track int16
			at    engine.Frame
		}{{0, 0}, {0, at}, {1, at}, {2, at + 4*23040}}
		if len(plays) != len(want) {
			t.Fatalf("block %d: %d starts, want %d: %+v", block, len(plays), len(want), plays)
		}
		for i, w := range want {
			p := plays[i]
			if p.Track != w.track || p.At != w.at {
				t.Errorf("block %d: start %d: track %d at %d, want track %d at %d", block, i, p.Track, p.At, w.track, w.at)
			}
			if i > 0 && p.Start != engine.Position(0) {
				t.Errorf("block %d: start %d at position %d, want the top", block, i, p.Start)
			}
		}
	}
}

// advance commits s from from to to in blocks.
func advance(s *Session, from, to, block engine.Frame) {
	for f := from + block; f < to+block; f += block {
		s.Advance(min(f, to))
	}
}

// TestSession_PauseAndContinue: a Stop silences the clips at its frame
// and remembers them; a Continue from song position 6 (a bar and a half
// in 4/4) plays the 1-bar loops half-way in, and a one-shot from its top.
func TestSession_PauseAndContinue(t *testing.T) {
	sg := song()
	sg.Tracks[1].Clips[0].Loop, sg.Tracks[1].Clips[0].Length = false, 8
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.LaunchScene(0, 0)
	s.Advance(100000)
	s.Pause(100000)
	if s.Playing(0) != -1 || s.Playing(1) != -1 {
		t.Fatalf("after Pause, tracks play %d %d", s.Playing(0), s.Playing(1))
	}
	s.Advance(300000)
	stops := r.ops(engine.Stop)
	if len(stops) != 3 || stops[0].At != 100000 || !stops[0].Now {
		t.Fatalf("stops %+v, want three at 100000, now", stops)
	}
	if n := len(r.ops(engine.PlayClip)); n != 3 {
		t.Fatalf("%d starts while paused, want the 3 before", n)
	}
	s.Locate(300000, 6, 120)
	s.Advance(400000)
	plays := r.ops(engine.PlayClip)[3:]
	if len(plays) != 3 || plays[0].At != 300000 || plays[1].At != 300000 {
		t.Fatalf("resumed %+v", plays)
	}
	if plays[0].Start != engine.Position(48000) || plays[1].Start != engine.Position(0) {
		t.Errorf("the loop resumes at %d, want half its bar (48000 frames); the one-shot at %d, want its top", plays[0].Start>>32, plays[1].Start>>32)
	}
	// A track stopped by the musician while paused stays stopped.
	s.Pause(400000)
	s.StopTrack(0, 400000)
	s.Locate(500000, 0, 120)
	s.Advance(600000)
	if s.Playing(0) != -1 || s.Playing(1) != 0 {
		t.Errorf("after a StopTrack while paused, tracks play %d %d, want -1 0", s.Playing(0), s.Playing(1))
	}
}

// TestSession_Steer: steering keeps queued launches on their beats, drops
// a queued scene's tempo, and keeps the tempo map small.
func TestSession_Steer(t *testing.T) {
	sg := song()
	sg.Scenes[1].Tempo = 90
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.LaunchScene(1, 1000) // at beat 4, frame 96000, with its tempo 90
	for f := engine.Frame(128); f < 96000; f += 128 {
		s.Steer(120+float64(f%1280)/1e4, s.Committed())
		s.Advance(f)
	}
	s.Advance(200000)
	p := r.ops(engine.PlayClip)
	if len(p) != 3 || p[0].At != s.Clock().Frame(4) {
		t.Fatalf("starts %+v, want 3 at beat 4 (frame %d)", p, s.Clock().Frame(4))
	}
	if got := s.Clock().Tempo(150000); got == 90 {
		t.Errorf("the scene's tempo took effect under a steered clock")
	}
	for f := engine.Frame(200000); f < 48000*30; f += 240 {
		s.Steer(120+float64(f%2400)/1e4, f)
		s.Advance(f)
	}
	if n := len(s.Clock().segs); n > steerMemory*48000/240+2 {
		t.Errorf("%d tempo segments kept after 30 s of steering, want at most %d", n, steerMemory*48000/240+2)
	}
}

// TestSession_SteerLeavesLoopsAlone: a follower's steering moves the
// tempo by a hair every turn; an audio loop is not restarted on the grid
// for that (it would fade out and start again at every pass), only once
// its own restarts drift more than steerDrift from the grid's bars, and
// then once, with the new loop length. Every bar line, its voice restarts
// within steerDrift of it, at blocks 64, 128 and 333.
func TestSession_SteerLeavesLoopsAlone(t *testing.T) {
	for _, block := range []engine.Frame{64, 128, 333} {
		r := &recorder{}
		s := NewSession(song(), r, rate)
		s.Press(0, 0, 0)
		var bars []engine.Frame // the grid's bar lines, as committed
		next := Beats(0)
		run := func(to engine.Frame, bpm func(f engine.Frame) float64) {
			for f := s.Committed() + block; f <= to; f += block {
				s.Steer(bpm(f), s.Committed())
				s.Advance(f)
				for s.Clock().Frame(next) < s.Committed() {
					bars = append(bars, s.Clock().Frame(next))
					next += 4
				}
			}
		}
		// 16 bars wobbling by ±0.004 BPM, then 16 at 120.5.
		run(16*bar, func(f engine.Frame) float64 { return 120 + 0.004*math.Sin(float64(f)/5000) })
		if n := len(r.ops(engine.PlayClip)); n != 1 {
			t.Errorf("block %d: %d starts while the tempo wobbled by a hair, want the launch alone", block, n)
		}
		run(32*bar, func(engine.Frame) float64 { return 120.5 })
		plays := r.ops(engine.PlayClip)
		if len(plays) != 2 {
			t.Fatalf("block %d: %d starts after a change to 120.5 BPM, want the launch and one restart on the grid", block, len(plays))
		}
		tol := engine.Frame(steerDrift * rate)
		for _, b := range bars[1:] {
			// the voice playing at b: the last started at or before it
			var v trackState
			for _, p := range plays {
				if p.At <= b {
					v.looping(p.At, p.Start, p.LoopLen)
				}
			}
			if d := abs(v.offGrid(b, b-tol)); d > tol && v.vat != b {
				t.Errorf("block %d: at the bar line %d the loop restarts %d frames off it, want at most %d", block, b, d, tol)
			}
		}
	}
}
