package engine

import (
	"math"
	"testing"

	"gridbox/soundfont"
)

// TestSoundFont24Bit: a font with an sm24 chunk plays its 24-bit points.
// A sine of amplitude 300 in 24-bit units is, in its 16-bit words alone, a
// crude staircase of -2..1; with the low bytes the output is exactly the
// same sine stored 16-bit at 256 times the level, scaled down by 256.
func TestSoundFont24Bit(t *testing.T) {
	const n = 4418
	hi, big := make([]int16, n), make([]int16, n)
	lo := make([]uint8, n)
	for i := range n {
		v := int32(math.Round(300 * math.Sin(2*math.Pi*float64(i)/100)))
		hi[i], lo[i], big[i] = int16(v>>8), uint8(v), int16(v)
	}
	play := func(f *soundfont.Font) []float32 {
		p := newPlayer(t, fontBank(f), 1)
		send(t, p, Command{Op: NoteOn, At: 0, Key: 70, Vel: 127})
		return renderFrames(p, rate/2, 128)
	}
	f24 := oneSampleFont(hi, nil)
	f24.Data24 = lo
	got24, got16, want := play(f24), play(oneSampleFont(hi, nil)), play(oneSampleFont(big, nil))
	var err24, err16, peak float64
	for i := range want {
		w := float64(want[i]) / 256
		peak = max(peak, math.Abs(w))
		err24 = max(err24, math.Abs(float64(got24[i])-w))
		err16 = max(err16, math.Abs(float64(got16[i])-w))
	}
	t.Logf("peak %.3g: error with sm24 %.3g, with the 16-bit words alone %.3g", peak, err24, err16)
	if peak == 0 || err24 > peak*1e-5 || err16 < peak/2 {
		t.Errorf("peak %.3g: error with sm24 %.3g (want < %.3g), 16-bit alone %.3g (want > %.3g)", peak, err24, peak*1e-5, err16, peak/2)
	}
}

// stereoFont is a font whose preset plays, on key 60, a stereo pair: a
// 441 Hz sine as the left sample (zone pan -500) and the same sine
// inverted as the right (pan +500), both with a 50-cent vibrato; and on
// key 72 a mono region of the left sample.
func stereoFont(t testing.TB) *Bank {
	const n = 4410
	data := make([]int16, 2*n+16)
	for i := range n + 8 {
		v := int16(math.Round(16000 * math.Sin(2*math.Pi*float64(i)/100)))
		data[i], data[n+8+i] = v, -v
	}
	vib := map[soundfont.Gen]int32{soundfont.VibLfoToPitch: 50, soundfont.FreqVibLFO: hzCents(5)}
	f := &soundfont.Font{
		Presets: []soundfont.Preset{{Name: "Stereo", First: 0, End: 3}},
		Samples: []soundfont.Sample{
			{Name: "L", Start: 0, End: n, Rate: 44100, OriginalKey: 69, Link: 1, Type: soundfont.Left},
			{Name: "R", Start: n + 8, End: 2*n + 8, Rate: 44100, OriginalKey: 69, Link: 0, Type: soundfont.Right},
		},
		Modulators: soundfont.DefaultModulators(),
		Data:       data,
	}
	l, r, m := region(0, 0, n, vib), region(1, n+8, 2*n+8, vib), region(0, 0, n, nil)
	l.Gen[soundfont.Pan], r.Gen[soundfont.Pan] = -500, 500
	l.KeyLo, l.KeyHi, r.KeyLo, r.KeyHi, m.KeyLo, m.KeyHi = 60, 60, 60, 60, 72, 72
	f.Regions = []soundfont.Region{l, r, m}
	for i := range f.Regions {
		f.Regions[i].ModEnd = int32(len(f.Modulators))
	}
	return fontBank(f)
}

// TestSoundFontStereoPair: the two sides of a stereo pair play as two
// voices panned hard left and right at their zones' pans, in phase
// through the vibrato (the right channel is the left inverted, to the
// sample), and stealing one side steals the other.
func TestSoundFontStereoPair(t *testing.T) {
	b := stereoFont(t)
	p := newPlayer(t, b, 1)
	send(t, p, Command{Op: NoteOn, At: 0, Key: 60, Vel: 127})
	out := renderFrames(p, rate, 128)
	var l, r, sum float64
	for i := 0; i < len(out); i += 2 {
		l = max(l, math.Abs(float64(out[i])))
		r = max(r, math.Abs(float64(out[i+1])))
		sum = max(sum, math.Abs(float64(out[i]+out[i+1])))
	}
	t.Logf("stereo pair: peak L %.4f, R %.4f, |L+R| %.3g", l, r, sum)
	if l < 0.1 || r < 0.1 || sum > l*1e-6 {
		t.Errorf("stereo pair: peak L %.4f, R %.4f, |L+R| %.3g: want both sides, R = -L to the sample", l, r, sum)
	}

	// Polyphony 3: the pair (2 voices), a mono note (3), another mono
	// note: the oldest voice, one side of the pair, is stolen, and its
	// partner with it.
	b.Instruments[0].SoundFont.Polyphony = 3
	p = newPlayer(t, b, 1)
	send(t, p,
		Command{Op: NoteOn, At: 0, Key: 60, Vel: 127},
		Command{Op: NoteOn, At: 1000, Key: 72, Vel: 127},
		Command{Op: NoteOn, At: 2000, Key: 72, Vel: 127},
	)
	renderFrames(p, 2000+rate/10, 128)
	if v := p.Stats().Voices; v != 2 {
		t.Errorf("after a steal at polyphony 3: %d voices, want 2 (both sides of the pair stolen)", v)
	}
}

// TestSoundFontEffectSends: reverbEffectsSend and chorusEffectsSend (15,
// 16) are read into the region and, with CC91/CC93's default modulators
// (200 at 127),
// into the voice; no effect plays them.
func TestSoundFontEffectSends(t *testing.T) {
	_, b := sineFont(t, map[soundfont.Gen]int32{soundfont.ReverbEffectsSend: 300, soundfont.ChorusEffectsSend: 150})
	if r := b.Instruments[0].SoundFont.regions[0]; r.reverb != 300 || r.chorus != 150 {
		t.Fatalf("region sends: reverb %v, chorus %v, want 300, 150", r.reverb, r.chorus)
	}
	p := newPlayer(t, b, 1)
	send(t, p, Command{Op: Controller, Control: 91, Value: 127}, Command{Op: NoteOn, At: 10, Key: 60, Vel: 100})
	renderFrames(p, 128, 128)
	for _, i := range p.act {
		if s := &p.voices[i].sf; s.reverb != 300+200 || s.chorus != 150 {
			t.Errorf("voice sends: reverb %v, chorus %v, want 500 (300 + CC91 127), 150", s.reverb, s.chorus)
		}
	}
	if len(p.act) != 1 {
		t.Fatalf("%d voices, want 1", len(p.act))
	}
}

// goertzel returns the amplitude of frequency hz in channel 0 of out over
// [a, b).
func goertzel(out []float32, a, b int, hz float64) float64 {
	w := 2 * math.Pi * hz / rate
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for i := a; i < b; i++ {
		s1, s2 = float64(out[2*i])+c*s1-s2, s1
	}
	re, im := s1-s2*math.Cos(w), s2*math.Sin(w)
	return 2 * math.Hypot(re, im) / float64(b-a)
}

// TestSoundFontStealsWithoutClicks: at its polyphony an instrument
// steals the quietest voice in its release rather than a held one, with a
// fade: a 110 Hz sine stolen near its peak every 4900 frames never jumps
// by more than twice the steepest step of the sine itself.
func TestSoundFontStealsWithoutClicks(t *testing.T) {
	// Held A (441 Hz) and released B (556 Hz), then C (700 Hz) at
	// polyphony 2: B goes, A sounds on.
	_, b := sineFont(t, map[soundfont.Gen]int32{soundfont.ReleaseVolEnv: 1200}) // 2 s release
	b.Instruments[0].SoundFont.Polyphony = 2
	p := newPlayer(t, b, 1)
	send(t, p,
		Command{Op: NoteOn, At: 0, Key: 69, Vel: 127},
		Command{Op: NoteOn, At: 100, Key: 73, Vel: 127},
		Command{Op: NoteOff, At: 200, Key: 73},
		Command{Op: NoteOn, At: 1000, Key: 77, Vel: 127},
	)
	out := renderFrames(p, rate, 128)
	a, bb, c := goertzel(out, 2000, rate, 441), goertzel(out, 2000, rate, 441*math.Exp2(4.0/12)), goertzel(out, 2000, rate, 441*math.Exp2(8.0/12))
	t.Logf("after the steal: held A %.4f, released B %.5f, new C %.4f", a, bb, c)
	if a < 0.1 || c < 0.1 || bb > 0.001 {
		t.Errorf("after the steal: held A %.4f, released B %.5f, new C %.4f: want A and C, not B", a, bb, c)
	}

	_, b = sineFont(t, nil)
	b.Instruments[0].SoundFont.Polyphony = 1
	p = newPlayer(t, b, 1)
	const every, notes = 4900, 10
	for k := range notes {
		send(t, p, Command{Op: NoteOn, At: Frame(k * every), Key: 45, Vel: 127})
	}
	out = renderFrames(p, notes*every, 128)
	var jump, top float64
	for i := 1; i < len(out)/2; i++ {
		jump = max(jump, math.Abs(float64(out[2*i]-out[2*i-2])))
		top = max(top, math.Abs(float64(out[2*i])))
	}
	steep := top * 2 * math.Pi * 110.25 / rate
	t.Logf("steals: largest step %.5f, the sine's steepest %.5f (peak %.3f), %d steals", jump, steep, top, notes-1)
	if jump > 2*steep {
		t.Errorf("steals: a step of %.5f, more than twice the sine's steepest %.5f: a click", jump, steep)
	}
}
