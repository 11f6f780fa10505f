package engine

import (
	"math"
	"testing"

	"gridbox/audio"
	"gridbox/soundfont"
)

// testSoundFont returns a SoundFont of one looping sine region over every
// key (root 69, at 44.1 kHz: a foreign rate), with a short envelope, and
// its sample data, to be put at bank index sample.
func testSoundFont(sample int32) (*SoundFont, *audio.Buffer) {
	const n, period = 4410, 100 // 441 Hz at 44.1 kHz: 44 whole periods in the loop
	data := make([]int16, n+8)
	for i := range data {
		data[i] = int16(16000 * math.Cos(2*math.Pi*float64(i)/period))
	}
	r := sfRegion{
		velLo: 0, velHi: 127, root: 69, key: -1, vel: -1, loop: soundfont.LoopContinuous,
		start: 0, end: n, loopStart: 100, loopEnd: 4500 - 100, scale: 100, rate: 44100,
		delay: -12000, attack: -12000, hold: -12000, decay: -12000, release: 0, // 1 s release
		keyHold: 0, keyDecay: 0,
	}
	for v := range r.fc {
		r.fc[v] = 13500
	}
	sf := &SoundFont{Sample: sample, frames: len(data)}
	sf.regions = []sfRegion{r, r}
	sf.regions[1].excl = 1
	sf.regions[1].velLo, sf.regions[1].velHi = 0, 0 // never at a real velocity: exclusive class below
	for k := range sf.keys {
		sf.keys[k] = []int32{0}
	}
	return sf, &audio.Buffer{Rate: 44100, Channels: 1, PCM16: data}
}

// TestSoundFontNoteStartsAtItsFrame: a SoundFont note sounds from its
// frame exactly, at the sample's pitch, and falls silent after its release.
func TestSoundFontNoteStartsAtItsFrame(t *testing.T) {
	for _, block := range []int{64, 128, 333} {
		b := &Bank{}
		sf, buf := testSoundFont(0)
		b.Samples = []*audio.Buffer{buf}
		b.Instruments = []Instrument{{SoundFont: sf}}
		p := newPlayer(t, b, 2)
		const at = 1000
		send(t, p, Command{Op: NoteOn, At: at, Key: 69, Vel: 127})
		send(t, p, Command{Op: NoteOff, At: at + rate, Key: 69})
		total := 3 * rate
		out := make([]float32, 2*total)
		for o := 0; o < total; o += block {
			p.Render(out[2*o : 2*min(o+block, total)])
		}
		first := -1
		for i := 0; i < total; i++ {
			if out[2*i] != 0 {
				first = i
				break
			}
		}
		if first != at {
			t.Errorf("block %d: first sound at frame %d, want %d", block, first, at)
		}
		// Zero crossings upward over the held second give the pitch: 441 Hz
		// at 44.1 kHz, played at key 69 (root 69): 441 Hz.
		ups := 0
		for i := at + rate/2; i < at+rate-1; i++ {
			if out[2*i] <= 0 && out[2*i+2] > 0 {
				ups++
			}
		}
		if f := float64(ups) * 2; math.Abs(f-441) > 2 {
			t.Errorf("block %d: %v Hz, want 441", block, f)
		}
		// The release lasts 1 s (100 dB): nothing is left after it.
		for i := at + 2*rate + 100; i < total; i++ {
			if out[2*i] != 0 {
				t.Errorf("block %d: sound at frame %d after the release", block, i)
				break
			}
		}
		if st := p.Stats(); st.Voices != 0 {
			t.Errorf("block %d: %d voices left", block, st.Voices)
		}
	}
}

// TestSoundFontLoopModes: a loop played until release plays on to the
// sample's end at note-off, where the voice ends though its release has
// not; a continuous loop sounds through the release. A step far past what
// 32.32 holds (scaleTuning 1200 at key 127) still plays and ends.
func TestSoundFontLoopModes(t *testing.T) {
	for _, c := range []struct {
		name  string
		mode  soundfont.LoopMode
		scale float32
		key   uint8
		// sounding 0.2 s after the note-off
		want bool
	}{
		{"until release", soundfont.LoopRelease, 100, 69, false},
		{"continuous", soundfont.LoopContinuous, 100, 69, true},
		{"fast step", soundfont.LoopContinuous, 1200, 127, true},
	} {
		b := &Bank{}
		sf, buf := testSoundFont(0)
		sf.regions[0].loop, sf.regions[0].scale = c.mode, c.scale
		b.Samples = []*audio.Buffer{buf}
		b.Instruments = []Instrument{{SoundFont: sf}}
		p := newPlayer(t, b, 2)
		send(t, p, Command{Op: NoteOn, At: 0, Key: c.key, Vel: 100})
		send(t, p, Command{Op: NoteOff, At: rate / 2, Key: c.key})
		out := make([]float32, 2*128)
		for p.Position() < Frame(rate/2+rate/5) {
			p.Render(out)
		}
		if got := p.Stats().Voices == 1; got != c.want {
			t.Errorf("%s: sounding 0.2 s after the note-off: %v, want %v", c.name, got, c.want)
		}
		for p.Position() < Frame(2*rate) {
			p.Render(out)
		}
		if n := p.Stats().Voices; n != 0 {
			t.Errorf("%s: %d voices after the release", c.name, n)
		}
	}
}

// TestSoundFontModEnvOpensFilter: a cutoff at 1500 cents (19 Hz) all but
// silences a 441 Hz sine; the modulation envelope at full level with a
// depth of 12000 cents to the cutoff opens the filter (§8.1.2 11), and its
// sustain at 0 (1000: 100 % below full) closes it again after its decay.
func TestSoundFontModEnvOpensFilter(t *testing.T) {
	peak := func(toFc float32, from, to int) float64 {
		b := &Bank{}
		sf, buf := testSoundFont(0)
		r := &sf.regions[0]
		for v := range r.fc {
			r.fc[v] = 1500
		}
		r.toFc, r.mDelay, r.mAttack, r.mHold, r.mDecay, r.mSustain, r.mRelease = toFc, -12000, -12000, -1200, -1200, 1000, -12000
		b.Samples = []*audio.Buffer{buf}
		b.Instruments = []Instrument{{SoundFont: sf}}
		p := newPlayer(t, b, 2)
		send(t, p, Command{Op: NoteOn, At: 0, Key: 69, Vel: 127})
		out := make([]float32, 2*to)
		p.Render(out)
		var pk float64
		for i := from; i < to; i++ {
			pk = max(pk, math.Abs(float64(out[2*i])))
		}
		return pk
	}
	closed, open, after := peak(0, 4800, 14400), peak(12000, 4800, 14400), peak(12000, 3*rate/2, 2*rate)
	t.Logf("peak at 441 Hz: closed %.4f, opened by the envelope %.4f, after its decay %.4f", closed, open, after)
	if closed > 0.01 || open < 0.2 || after > 0.01 {
		t.Errorf("peak at 441 Hz: closed %.4f (want < 0.01), opened %.4f (want > 0.2), after the decay %.4f (want < 0.01)", closed, open, after)
	}
}

// TestSoundFontDelayWaits: a note whose volume envelope has a delay
// (§8.1.2 33) starts its sample when the delay ends, from its first point:
// it sounds as the same note without the delay started that much later.
func TestSoundFontDelayWaits(t *testing.T) {
	play := func(delay float32, at Frame) []float32 {
		b := &Bank{}
		sf, buf := testSoundFont(0)
		sf.regions[0].delay = delay
		b.Samples = []*audio.Buffer{buf}
		b.Instruments = []Instrument{{SoundFont: sf}}
		p := newPlayer(t, b, 2)
		send(t, p, Command{Op: NoteOn, At: at, Key: 69, Vel: 127})
		return render(p, 9600, 128)
	}
	d := int(tcFrames(-3986, rate)) // 0.1 s
	delayed, later := play(-3986, 0), play(-12000, Frame(d))
	if first := firstNonZero(delayed); first != d {
		t.Errorf("the delayed note sounds from frame %d, want %d", first, d)
	}
	worst := 0.0
	for i := 2 * d; i < len(later); i++ {
		worst = max(worst, math.Abs(float64(delayed[i]-later[i])))
	}
	if worst > 1e-6 {
		t.Errorf("the delayed note differs from the same note started %d frames later by up to %g", d, worst)
	}
}
