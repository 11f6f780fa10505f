package engine

import (
	"math"
	"testing"

	"gridbox/audio"
	"gridbox/soundfont"
)

// sineFont returns a font of one preset whose one region plays a looping
// 441 Hz sine (100 points a period at 44.1 kHz, root key 69) over every
// key and velocity, with gens set on top of the defaults and the SF2
// default modulators, and the bank playing it (instrument 0).
func sineFont(t testing.TB, gens map[soundfont.Gen]int32) (*soundfont.Font, *Bank) {
	t.Helper()
	data := make([]int16, 4410+8)
	for i := range data {
		data[i] = int16(math.Round(16000 * math.Sin(2*math.Pi*float64(i)/100)))
	}
	f := oneSampleFont(data, gens)
	return f, fontBank(f)
}

// oneSampleFont returns a font of one preset whose one region loops
// data's first 4410 points (from 100 to 4400) at 44.1 kHz, root key 69,
// over every key and velocity, with gens set on top of the defaults
// (and a 0.25 s release) and the SF2 default modulators.
func oneSampleFont(data []int16, gens map[soundfont.Gen]int32) *soundfont.Font {
	const n = 4410
	f := &soundfont.Font{
		Presets:    []soundfont.Preset{{Name: "Sine", First: 0, End: 1}},
		Samples:    []soundfont.Sample{{Name: "Sine", Start: 0, End: n, LoopStart: 100, LoopEnd: 4400, Rate: 44100, OriginalKey: 69, Link: -1, Type: soundfont.Mono}},
		Modulators: soundfont.DefaultModulators(),
		Data:       data,
	}
	f.Regions = []soundfont.Region{region(0, 0, n, gens)}
	f.Regions[0].ModEnd = int32(len(f.Modulators))
	return f
}

// region returns a region over every key and velocity looping sample s
// (points start to end, loop from start+100 to end-10), root key 69,
// with gens set on top of the defaults and a 0.25 s release.
func region(s int32, start, end uint32, gens map[soundfont.Gen]int32) soundfont.Region {
	r := soundfont.Region{KeyLo: 0, KeyHi: 127, VelLo: 0, VelHi: 127, Sample: s, Start: start, End: end, LoopStart: start + 100, LoopEnd: end - 10,
		Loop: soundfont.LoopContinuous, RootKey: 69, Key: -1, Velocity: -1}
	for g := range r.Gen {
		r.Gen[g] = soundfont.Gen(g).Default()
	}
	r.Gen[soundfont.ReleaseVolEnv] = -2400 // 0.25 s
	for g, v := range gens {
		r.Gen[g] = v
	}
	return r
}

// fontBank returns a bank whose instrument 0 plays f's preset 0.
func fontBank(f *soundfont.Font) *Bank {
	b := &Bank{Samples: []*audio.Buffer{{Rate: 44100, Channels: 1, PCM16: f.Data}}}
	b.Instruments = []Instrument{{SoundFont: NewSoundFont(f, 0, 0)}}
	return b
}

// renderFrames renders frames frames in blocks of block.
func renderFrames(p *Player, frames, block int) []float32 {
	out := make([]float32, 2*frames)
	for o := 0; o < frames; o += block {
		p.Render(out[2*o : 2*min(o+block, frames)])
	}
	return out
}

// upCrossings returns the upward zero crossings of channel ch of out
// (stereo) within frames [a, b), interpolated between frames.
func upCrossings(out []float32, ch, a, b int) []float64 {
	var z []float64
	for i := a; i+1 < b; i++ {
		y0, y1 := float64(out[2*i+ch]), float64(out[2*i+2+ch])
		if y0 <= 0 && y1 > 0 {
			z = append(z, float64(i)+y0/(y0-y1))
		}
	}
	return z
}

// pitchTrack returns, for each period of channel 0 in [a, b), its time
// (frames) and its frequency as cents from ref Hz, and its peak level.
func pitchTrack(out []float32, a, b int, ref float64) (at, cents, peak []float64) {
	z := upCrossings(out, 0, a, b)
	for j := 0; j+1 < len(z); j++ {
		f := rate / (z[j+1] - z[j])
		at = append(at, (z[j]+z[j+1])/2)
		cents = append(cents, 1200*math.Log2(f/ref))
		var pk float64
		for i := int(z[j]); i <= int(z[j+1]); i++ {
			pk = max(pk, math.Abs(float64(out[2*i])))
		}
		peak = append(peak, pk)
	}
	return at, cents, peak
}

// modulation returns the depth ((max - min) / 2) of series x and its rate
// in Hz: upward crossings of its middle, over the time they span.
func modulation(at, x []float64) (depth, hz float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	mid := (lo + hi) / 2
	var ups []float64
	for j := 0; j+1 < len(x); j++ {
		if x[j] <= mid && x[j+1] > mid {
			ups = append(ups, at[j])
		}
	}
	if len(ups) >= 2 {
		hz = float64(len(ups)-1) * rate / (ups[len(ups)-1] - ups[0])
	}
	return (hi - lo) / 2, hz
}

// hzCents is an LFO frequency in the generators' absolute cents.
func hzCents(hz float64) int32 { return int32(math.Round(1200 * math.Log2(hz/8.176))) }

// TestSoundFontVibratoLFO: the vibrato LFO (delayVibLFO, freqVibLFO,
// vibLfoToPitch) modulates the pitch by a triangle of its depth in cents
// at its rate, after its delay; the modulation LFO does the same to the
// pitch (modLfoToPitch) and the volume (modLfoToVolume: ± its cB).
// Measured from the rendered periods at key 81 (882 Hz).
func TestSoundFontVibratoLFO(t *testing.T) {
	for _, c := range []struct {
		name      string
		gens      map[soundfont.Gen]int32
		cents, hz float64 // depth and rate expected
		db        float64 // the level's swing, peak to trough
	}{
		{"vibrato", map[soundfont.Gen]int32{soundfont.VibLfoToPitch: 50, soundfont.FreqVibLFO: hzCents(5), soundfont.DelayVibLFO: -1200}, 50, 5, 0},
		{"mod LFO", map[soundfont.Gen]int32{soundfont.ModLfoToPitch: -100, soundfont.ModLfoToVolume: 60, soundfont.FreqModLFO: hzCents(3), soundfont.DelayModLFO: -1200}, 100, 3, 12},
	} {
		for _, block := range []int{64, 333} {
			_, b := sineFont(t, c.gens)
			p := newPlayer(t, b, 1)
			send(t, p, Command{Op: NoteOn, At: 0, Key: 81, Vel: 127})
			out := renderFrames(p, 3*rate, block)
			// Before the delay (0.5 s): steady.
			at, cents, _ := pitchTrack(out, 1000, rate/2-500, 882)
			if d, _ := modulation(at, cents); d > 0.5 {
				t.Errorf("%s, block %d: %.2f cents of modulation within the delay, want none", c.name, block, d)
			}
			at, cents, peak := pitchTrack(out, rate, 3*rate, 882)
			d, hz := modulation(at, cents)
			db := make([]float64, len(peak))
			for i, v := range peak {
				db[i] = 20 * math.Log10(v)
			}
			swing, _ := modulation(at, db)
			t.Logf("%s, block %d: depth %.2f cents at %.3f Hz, level swing %.2f dB", c.name, block, d, hz, 2*swing)
			if math.Abs(d-c.cents) > 3 || math.Abs(hz-c.hz) > 0.05 {
				t.Errorf("%s, block %d: %.2f cents at %.3f Hz, want %.0f at %.0f", c.name, block, d, hz, c.cents, c.hz)
			}
			// A triangle spends 30 % of its time beyond 70 % of its depth
			// (a sine 49 %).
			mean, beyond := 0.0, 0
			for _, v := range cents {
				mean += v / float64(len(cents))
			}
			for _, v := range cents {
				if math.Abs(v-mean) > 0.7*d {
					beyond++
				}
			}
			if f := float64(beyond) / float64(len(cents)); math.Abs(f-0.3) > 0.04 {
				t.Errorf("%s, block %d: %.0f %% of the time beyond 70 %% of the depth, want 30 (a triangle)", c.name, block, 100*f)
			}
			if math.Abs(2*swing-c.db) > 0.5 {
				t.Errorf("%s, block %d: level swings %.2f dB, want %.1f", c.name, block, 2*swing, c.db)
			}
		}
	}
}

// TestSoundFontModLFOMovesCutoff: modLfoToFilterFc sweeps the low-pass's
// cutoff (8000 cents, 835 Hz) by ±2400 cents around an 882 Hz sine: its
// level swings at the LFO's rate; without it, it holds.
func TestSoundFontModLFOMovesCutoff(t *testing.T) {
	for _, depth := range []int32{0, 2400} {
		_, b := sineFont(t, map[soundfont.Gen]int32{soundfont.InitialFilterFc: 8000, soundfont.ModLfoToFilterFc: depth, soundfont.FreqModLFO: hzCents(4)})
		p := newPlayer(t, b, 1)
		send(t, p, Command{Op: NoteOn, At: 0, Key: 81, Vel: 127})
		out := renderFrames(p, 2*rate, 128)
		at, _, peak := pitchTrack(out, rate/2, 2*rate, 882)
		db := make([]float64, len(peak))
		for i, v := range peak {
			db[i] = 20 * math.Log10(v)
		}
		swing, hz := modulation(at, db)
		t.Logf("modLfoToFilterFc %d: level swing %.2f dB at %.3f Hz", depth, 2*swing, hz)
		if depth == 0 && 2*swing > 0.2 {
			t.Errorf("no LFO: level swings %.2f dB", 2*swing)
		}
		if depth != 0 && (2*swing < 10 || math.Abs(hz-4) > 0.05) {
			t.Errorf("LFO ±%d cents: level swings %.2f dB at %.3f Hz, want > 10 dB at 4 Hz", depth, 2*swing, hz)
		}
	}
}

// meanCents returns channel 0's mean frequency over [a, b) in cents from
// ref Hz, from its first and last upward crossings.
func meanCents(out []float32, a, b int, ref float64) float64 {
	z := upCrossings(out, 0, a, b)
	if len(z) < 2 {
		return math.NaN()
	}
	f := float64(len(z)-1) * rate / (z[len(z)-1] - z[0])
	return 1200 * math.Log2(f/ref)
}

// rms returns channel ch's RMS over [a, b).
func rms(out []float32, ch, a, b int) float64 {
	var s float64
	for i := a; i < b; i++ {
		s += float64(out[2*i+ch]) * float64(out[2*i+ch])
	}
	return math.Sqrt(s / float64(b-a))
}

// TestSoundFontControllers: Controller commands move the SF2 default
// modulators of the track's sounding notes at their frame, and of notes
// to come: the pitch wheel bends ±2 semitones, CC1 adds 50 cents of
// vibrato (50 at 127), CC7 and CC11 set the level (concave: 100 → 127 is +4.15 dB),
// CC10 pans; a track's Stop centres the wheel.
func TestSoundFontControllers(t *testing.T) {
	const sec = rate
	_, b := sineFont(t, nil)
	p := newPlayer(t, b, 2)
	send(t, p,
		Command{Op: NoteOn, At: 0, Key: 69, Vel: 127},
		Command{Op: Controller, At: 1 * sec, Control: PitchBend, Value: 16383},
		Command{Op: Controller, At: 2 * sec, Control: PitchBend, Value: 0},
		Command{Op: Controller, At: 3 * sec, Control: PitchBend, Value: 8192},
		Command{Op: Controller, At: 3 * sec, Control: 1, Value: 127},
		Command{Op: Controller, At: 5 * sec, Control: 1, Value: 0},
		Command{Op: Controller, At: 5 * sec, Control: 7, Value: 127},
		Command{Op: Controller, At: 6 * sec, Control: 11, Value: 64},
		Command{Op: Controller, At: 7 * sec, Control: 10, Value: 0},
		Command{Op: Controller, At: 7 * sec, Control: 11, Value: 127},
		Command{Op: Controller, At: 8 * sec, Control: PitchBend, Value: 12000},
		// The note on track 1 hears nothing of track 0's controllers.
		Command{Op: NoteOn, At: 0, Track: 1, Key: 57, Vel: 127},
		Command{Op: Stop, At: 9 * sec, Track: 0, Clip: -1, Now: true},
		Command{Op: NoteOn, At: 9*sec + 100, Key: 69, Vel: 127},
	)
	out := renderFrames(p, 10*sec, 128)
	// Track 1's note (220 Hz) would beat against 441 Hz; read track 0
	// apart: render it again alone for the pitch, and use the level.
	p2 := newPlayer(t, b, 2)
	send(t, p2, Command{Op: NoteOn, At: 0, Track: 1, Key: 57, Vel: 127})
	other := renderFrames(p2, 10*sec, 128)
	for i := range out {
		out[i] -= other[i]
	}
	win := func(s float64) (int, int) { return int(s*sec) + 2000, int(s*sec) + sec/2 }
	bendUp := meanCents(out, int(1*sec)+200, int(2*sec)-200, 441)
	bendDown := meanCents(out, int(2*sec)+200, int(3*sec)-200, 441)
	rest := meanCents(out, 200, sec-200, 441)
	after := meanCents(out, 9*sec+400, 10*sec, 441)
	at, cents, _ := pitchTrack(out, 3*sec+sec/4, 5*sec, 441)
	vib, vibHz := modulation(at, cents)
	a, bb := win(4.5)
	vol100 := rms(out, 0, a, bb)
	a, bb = win(5)
	vol127 := rms(out, 0, a, bb)
	a, bb = win(6)
	expr64 := rms(out, 0, a, bb)
	a, bb = win(7)
	panL, panR := rms(out, 0, a, bb), rms(out, 1, a, bb)
	held := meanCents(out, int(8*sec)+200, int(9*sec)-200, 441)
	t.Logf("bend: rest %.3f, up %.3f, down %.3f cents; CC1: vibrato %.2f cents at %.3f Hz; CC7 100→127: %+.2f dB; CC11 64: %+.2f dB; CC10 0: L %.4f R %.6f; bend 12000: %.2f cents; after Stop: %.3f cents",
		rest, bendUp, bendDown, vib, vibHz, 20*math.Log10(vol127/vol100), 20*math.Log10(expr64/vol127), panL, panR, held, after)
	if math.Abs(rest) > 0.1 || math.Abs(bendUp-200) > 0.2 || math.Abs(bendDown+200) > 0.2 {
		t.Errorf("pitch wheel: rest %.3f, up %.3f, down %.3f cents, want 0, +200, -200", rest, bendUp, bendDown)
	}
	if math.Abs(vib-50) > 3 || math.Abs(vibHz-8.176) > 0.05 {
		t.Errorf("CC1 127: vibrato %.2f cents at %.3f Hz, want 50 at 8.176", vib, vibHz)
	}
	if d := 20 * math.Log10(vol127/vol100); math.Abs(d-4.15) > 0.1 {
		t.Errorf("CC7 100→127: %+.2f dB, want +4.15", d)
	}
	// CC11 64: concave of 63/127 over 96 dB: 960 × -(400/960) log10(64/127) = 119 cB.
	if d := 20 * math.Log10(expr64/vol127); math.Abs(d+11.9) > 0.1 {
		t.Errorf("CC11 64: %+.2f dB, want -11.9", d)
	}
	if panR > panL*1e-3 {
		t.Errorf("CC10 0: L %.4f R %.6f, want all left", panL, panR)
	}
	if want := 200 * (12000 - 8192) / 8192.0; math.Abs(held-want) > 0.2 {
		t.Errorf("bend 12000: %.2f cents, want %.2f", held, want)
	}
	if math.Abs(after) > 0.1 {
		t.Errorf("a note after the track's Stop: %.3f cents, want 0 (the wheel centred)", after)
	}
	// Track 1's note kept its pitch: whatever is left of it is gone.
	pt := meanCents(other, 1*sec, 3*sec, 220.5)
	if math.Abs(pt) > 0.1 {
		t.Errorf("track 1: %.3f cents, want 0", pt)
	}
}

// TestSoundFontStopEndsPressureVibrato: a track's Stop leaves no vibrato
// on, from the mod wheel or from channel pressure: a note after it has a
// steady pitch.
func TestSoundFontStopEndsPressureVibrato(t *testing.T) {
	for _, ctl := range []uint8{1, Pressure} {
		_, b := sineFont(t, nil)
		p := newPlayer(t, b, 1)
		send(t, p,
			Command{Op: Controller, At: 0, Control: ctl, Value: 127},
			Command{Op: Stop, At: 100, Clip: -1, Now: true},
			Command{Op: NoteOn, At: 1000, Key: 69, Vel: 127},
		)
		out := renderFrames(p, rate, 128)
		at, cents, _ := pitchTrack(out, rate/4, rate, 441)
		if d, _ := modulation(at, cents); d > 0.5 {
			t.Errorf("control %d at 127, then the track's Stop: %.2f cents of vibrato, want none", ctl, d)
		}
	}
}

// TestSoundFontVibratoRunsWithoutDepth: the vibrato LFO runs from the
// note's start, through its delay (0.5 s), whether or not anything gives
// it depth: the mod wheel raised 2 s into a note finds it running (full
// depth within a period of the LFO, at 8.176 Hz), and so does channel
// pressure (the SF2 default: 50 cents at 127).
func TestSoundFontVibratoRunsWithoutDepth(t *testing.T) {
	for _, ctl := range []uint8{1, Pressure} {
		_, b := sineFont(t, map[soundfont.Gen]int32{soundfont.DelayVibLFO: -1200})
		p := newPlayer(t, b, 1)
		send(t, p,
			Command{Op: NoteOn, At: 0, Key: 69, Vel: 127},
			Command{Op: Controller, At: 2 * rate, Control: ctl, Value: 127},
		)
		out := renderFrames(p, 3*rate, 128)
		at, cents, _ := pitchTrack(out, rate, 2*rate, 441)
		before, _ := modulation(at, cents)
		at, cents, _ = pitchTrack(out, 2*rate, 2*rate+rate/8, 441)
		first, _ := modulation(at, cents)
		t.Logf("control %d: %.2f cents before, %.2f in the first 1/8 s after", ctl, before, first)
		if before > 0.5 || math.Abs(first-50) > 3 {
			t.Errorf("control %d raised 2 s in: %.2f cents of vibrato before (want 0), %.2f in the first 1/8 s (want 50)", ctl, before, first)
		}
	}
}

// TestControllersResetAll: Reset All Controllers sets what MIDI RP-015
// lists (the wheel centred, CC1, the pedals CC64-67 and channel pressure
// to 0, CC11 to 127) and keeps the rest (CC7, CC10, CC91 here).
func TestControllersResetAll(t *testing.T) {
	c := resetControllers()
	for _, cv := range [][2]uint16{{1, 100}, {7, 90}, {10, 20}, {11, 30}, {64, 127}, {65, 127}, {66, 127}, {67, 127}, {91, 50}, {uint16(PitchBend), 0}, {uint16(Pressure), 100}} {
		c.set(uint8(cv[0]), cv[1])
	}
	if !c.set(ResetAll, 0) {
		t.Fatal("ResetAll: set reports nothing changed")
	}
	want := resetControllers()
	want.cc[7], want.cc[10], want.cc[91] = 90, 20, 50
	if c != want {
		t.Errorf("after ResetAll:\n%+v\nwant\n%+v", c, want)
	}
}

// TestSoundFontFilterSweepStaysFinite: a modulation LFO at its fastest
// (freqModLFO 4500, 110 Hz) sweeping the cutoff by ±12000 cents at the
// highest resonance (initialFilterQ 960), legal values all, pumped the
// biquad's state up to Inf and NaN within 0.3 s, and a NaN silences the
// whole mix (the limiter zeroes it), an Inf reached the output as NaN.
// The note must go on sounding, finite, at blocks 64, 128 and 333.
func TestSoundFontFilterSweepStaysFinite(t *testing.T) {
	_, b := sineFont(t, map[soundfont.Gen]int32{soundfont.InitialFilterQ: 960, soundfont.InitialFilterFc: 9000,
		soundfont.ModLfoToFilterFc: 12000, soundfont.FreqModLFO: 4500})
	for _, block := range []int{64, 128, 333} {
		p := newPlayer(t, b, 1)
		send(t, p, Command{Op: NoteOn, At: 0, Key: 60, Vel: 127})
		out := renderFrames(p, rate, block)
		for i, x := range out {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("block %d: frame %d is %v", block, i/2, x)
			}
		}
		if r := rms(out, 0, rate/2, rate); r == 0 {
			t.Errorf("block %d: silent from 0.5 s on (a NaN in the mix)", block)
		}
	}
}

// TestLinearCCSources: a linear CC source maps as FluidSynth 2's does:
// over 0..127, but for pan and balance (CC10, CC8), which MIDI RP-036
// maps over 1..127 so that 64 is their exact centre, reversed too (a
// font's inverted pan); a negative one reads 1 at 0.
func TestLinearCCSources(t *testing.T) {
	c := resetControllers()
	cc := func(n uint8, v uint8, flags soundfont.Source) float64 {
		c.cc[n] = v
		return sourceValue(uint16(soundfont.SrcCC|soundfont.Source(n)|flags), &c, 100, 60)
	}
	for _, x := range []struct {
		name string
		got  float64
		want float64
	}{
		{"CC10 64, bipolar", cc(10, 64, soundfont.SrcBipolar), 0},
		{"CC10 127, bipolar", cc(10, 127, soundfont.SrcBipolar), 1},
		{"CC10 1, bipolar", cc(10, 1, soundfont.SrcBipolar), -1},
		{"CC10 64, bipolar negative", cc(10, 64, soundfont.SrcBipolar|soundfont.SrcNegative), 0},
		{"CC10 0, bipolar negative", cc(10, 0, soundfont.SrcBipolar|soundfont.SrcNegative), 1},
		{"CC8 64, bipolar", cc(8, 64, soundfont.SrcBipolar), 0},
		{"CC1 0, negative", cc(1, 0, soundfont.SrcNegative), 1},
		{"CC1 127, negative", cc(1, 127, soundfont.SrcNegative), 0},
		{"CC1 127", cc(1, 127, 0), 1},
		{"CC91 64", cc(91, 64, 0), 64.0 / 127},
	} {
		if math.Abs(x.got-x.want) > 1e-12 {
			t.Errorf("%s: %v, want %v", x.name, x.got, x.want)
		}
	}
}
