package engine

import (
	"math"
	"testing"

	"gridbox/soundfont"
)

// TestSoundFontModulationTicksAsFluidSynth: the modulation envelope and
// the LFOs step as FluidSynth 2.3's do on its 64-frame blocks, which
// decides where a layer whose pitch they sweep comes out of the sweep,
// and so how it beats with the preset's other layers (TimGM6mb's string
// ensembles sweep two of five layers by an octave in their first 75 ms:
// their beating came out elsewhere, and the envelopes correlated 0.57 with
// FluidSynth's). A tick plays at the envelope's and LFOs' values at its
// end; the envelope's stages last whole ticks (attack: 1 + its length
// rounded down, hold and decay: rounded to the nearest), its attack the
// convex curve at 128 points, linearly between them; an LFO moves from
// the first tick at or after its delay, a whole tick's phase in it.
func TestSoundFontModulationTicksAsFluidSynth(t *testing.T) {
	convex := func(u float64) float64 { // §8.2.1's convex curve at 128 points
		point := func(i int) float64 {
			if i == 0 {
				return 0
			}
			return 1 + 400.0/960*math.Log10(float64(i)/127)
		}
		x := 127 * u
		i := int(x)
		if i >= 127 {
			return 1
		}
		return point(i) + (point(i+1)-point(i))*(x-float64(i))
	}
	triangle := func(ph float64) float64 {
		ph -= math.Floor(ph)
		switch {
		case ph < 0.25:
			return 4 * ph
		case ph < 0.75:
			return 2 - 4*ph
		}
		return 4*ph - 4
	}
	vibHz := 8.176 * math.Exp2(-2000.0/1200) // freqVibLFO -2000: 2.57 Hz
	for _, c := range []struct {
		name string
		set  func(r *sfRegion)
		want func(n int) float64 // cents the tick n (from 0) plays at
	}{
		// Attack -8857 (6.02 ms, 289 frames): 5 ticks; hold -12000
		// (47 frames): 1; decay -4604 (69.9 ms, 52.4 ticks): 52.
		{"modulation envelope", func(r *sfRegion) {
			r.toPitch, r.mDelay, r.mAttack, r.mHold, r.mDecay, r.mSustain = 1200, -12000, -8857, -12000, -4604, 1000
		}, func(n int) float64 {
			switch {
			case n < 5:
				return 1200 * convex(float64(n+1)/5)
			case n == 5:
				return 1200
			}
			return 1200 * max(0, 1-float64(n-5)/52)
		}},
		// Delay -7973: 479 frames; its first tick at or after them is
		// the 8th (frame 512).
		{"vibrato LFO", func(r *sfRegion) {
			r.vPitch, r.vDelay, r.vFreq = 100, -7973, -2000
		}, func(n int) float64 {
			if n < 8 {
				return 0
			}
			return 100 * triangle(float64((n-7)*sfUpdate)*vibHz/rate)
		}},
		// Delay -12000 (0.98 ms, 46 frames): from the 2nd tick.
		{"modulation LFO, shortest delay", func(r *sfRegion) {
			r.lPitch, r.lDelay, r.lFreq = -50, -12000, -2000
		}, func(n int) float64 {
			if n < 1 {
				return 0
			}
			return -50 * triangle(float64(n*sfUpdate)*vibHz/rate)
		}},
	} {
		sf, _ := testSoundFont(0)
		r := &sf.regions[0]
		r.lDelay, r.vDelay = -12000, -12000
		c.set(r)
		ctl := resetControllers()
		var s sfVoice
		step := s.start(r, 0, 69, 127, rate, 44100.0/rate, &ctl, nil, 0)
		worst := 0.0
		for n := range 80 {
			if n > 0 {
				s.tick(&step)
			}
			got := float64(s.cents)
			if d := math.Abs(got - c.want(n)); d > 0.01 {
				worst = max(worst, d)
				if worst == d {
					t.Errorf("%s: tick %d plays %.3f cents, want %.3f", c.name, n, got, c.want(n))
				}
			}
			if want := 44100.0 / rate * math.Exp2(got/1200) * one; math.Abs(float64(step)/want-1) > 1e-6 {
				t.Fatalf("%s: tick %d steps %d, want %.0f for its %.3f cents", c.name, n, step, want, got)
			}
		}
	}
}

// TestSoundFontControllersKeepTheLFORate: a controller that moves while a
// note sounds (the pitch wheel and expression, sent every 100 frames, say)
// makes the voice tick again at once; the envelope and LFOs, already moved to the
// end of the tick it cut short, do not move again: the vibrato keeps its
// rate (it ran up to a third fast).
func TestSoundFontControllersKeepTheLFORate(t *testing.T) {
	_, b := sineFont(t, map[soundfont.Gen]int32{soundfont.VibLfoToPitch: 50, soundfont.FreqVibLFO: hzCents(5)})
	for _, every := range []int{0, 100} {
		p := newPlayer(t, b, 1)
		send(t, p, Command{Op: NoteOn, At: 0, Key: 81, Vel: 127})
		const block = 333
		out := make([]float32, 2*3*rate)
		for o := 0; o < 3*rate; o += block {
			for f := o; every > 0 && f < o+block; f++ {
				if f%every == 0 {
					send(t, p, Command{Op: Controller, At: Frame(f), Control: PitchBend, Value: 8192},
						Command{Op: Controller, At: Frame(f), Control: 11, Value: 127})
				}
			}
			p.Render(out[2*o : 2*min(o+block, 3*rate)])
		}
		at, cents, _ := pitchTrack(out, rate/2, 3*rate, 882)
		d, hz := modulation(at, cents)
		t.Logf("pitch wheel and CC11 every %d frames (0: never): vibrato %.2f cents at %.3f Hz", every, d, hz)
		if math.Abs(hz-5) > 0.05 || math.Abs(d-50) > 3 {
			t.Errorf("pitch wheel and CC11 every %d frames (0: never): vibrato %.2f cents at %.3f Hz, want 50 at 5", every, d, hz)
		}
	}
}
