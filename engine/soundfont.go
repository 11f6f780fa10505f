package engine

import (
	"math"

	"gridbox/soundfont"
)

// DefaultPolyphony is how many voices one SoundFont instrument sounds at
// once (all tracks together) when SoundFont.Polyphony is 0. A note past it
// releases the instrument's oldest voice with the steal fade (issue 12).
const DefaultPolyphony = 64

// A SoundFont is an instrument that plays one preset of a SoundFont 2 bank
// (issue 12). Applied: sample offsets and loop modes, root key, scale
// tuning, coarse and fine tune and the sample's correction, the volume
// envelope with key scaling, initial attenuation, pan, the low-pass filter
// with resonance, the modulation envelope to pitch and cutoff, exclusive
// class, and the default modulators (velocity to attenuation and cutoff,
// CC7/CC10/CC11 at their reset values). Not yet: the LFOs, live
// controllers and pitch bend, 24-bit data, stereo links (each side plays
// as a mono region at its pan). NewSoundFont builds it on the control side; like the rest of
// a Bank it is immutable once handed to the player. Every generator and
// modulator value a note needs is resolved here, per region and per
// velocity, so that a NoteOn on the audio thread only reads tables.
type SoundFont struct {
	// Sample is the Bank.Samples index of the font's sample data: one mono
	// buffer holding soundfont.Font.Data as PCM16. Its Rate is not the
	// player's: each region carries its sample's rate.
	Sample    int32
	Polyphony int // 0: DefaultPolyphony

	regions []sfRegion
	keys    [128][]int32 // regions sounding on each key (any velocity), in file order
	frames  int          // the sample data's length, checked against the bank
}

// sfRegion is a soundfont.Region resolved for the player's rate. Times are
// timecents, levels centibels, pitches cents, as the specification gives
// them; the voice converts them when a note starts.
type sfRegion struct {
	velLo, velHi                   uint8
	root                           uint8
	key, vel                       int8 // forced keynum/velocity, -1 if not
	excl                           uint8
	loop                           soundfont.LoopMode
	start, end, loopStart, loopEnd uint32
	scale                          float32 // scaleTuning, cents per key
	tune                           float32 // coarse, fine, the sample's correction and pitch modulators, cents
	rate                           float64 // the sample's rate, Hz
	pan                            float32 // -500..500 (0.1 % units)
	delay, attack, hold, decay     float32 // volume envelope, timecents
	sustain                        float32 // cB of attenuation
	release                        float32
	keyHold, keyDecay              float32 // timecents per key below 60
	q                              float32 // initialFilterQ, cB
	// The modulation envelope (§8.1.2 25-32): times in timecents, sustain
	// in 0.1 % below full, and its depths to pitch and cutoff in cents.
	mDelay, mAttack, mHold, mDecay float32
	mSustain, mRelease             float32
	mKeyHold, mKeyDecay            float32
	toPitch, toFc                  float32
	// att and fc are initialAttenuation (cB) and initialFilterFc (cents)
	// with the modulators at each note-on velocity.
	att, fc [128]float32
}

// NewSoundFont resolves preset p of f (an index in f.Presets), with the
// font's sample data at bank index sample. Continuous controllers are
// at their General MIDI reset values (CC7 100, CC10 64, CC11 127, pitch
// wheel centred) and stay there: modulators are evaluated once, per
// region and velocity. A modulator whose source is the key is evaluated at
// the middle of the region's key range.
func NewSoundFont(f *soundfont.Font, p int, sample int32) *SoundFont {
	sf := &SoundFont{Sample: sample, frames: len(f.Data)}
	if p < 0 || p >= len(f.Presets) {
		return sf
	}
	pr := f.Presets[p]
	for ri := pr.First; ri < pr.End; ri++ {
		r := &f.Regions[ri]
		s := &f.Samples[r.Sample]
		// Silence rather than a read past the data: loops need the point at
		// LoopEnd for the interpolation, one-shots two points.
		if r.End > uint32(len(f.Data)) || r.End < r.Start+2 {
			continue
		}
		key := int((int(r.KeyLo) + int(r.KeyHi)) / 2)
		var mods [128][soundfont.NumGens]float32 // per velocity
		var pitch [128]float32
		for _, m := range f.Mods(r) {
			for v := range 128 {
				out := modOutput(m, v, key)
				if m.Dest == soundfont.InitialPitch {
					pitch[v] += out
				} else if int(m.Dest) < soundfont.NumGens {
					mods[v][m.Dest] += out
				}
			}
		}
		g := func(gen soundfont.Gen) float32 {
			return float32(gen.Clamp(r.Gen[gen] + int32(math.Round(float64(mods[127][gen])))))
		}
		er := sfRegion{
			velLo: r.VelLo, velHi: r.VelHi, root: r.RootKey, key: r.Key, vel: r.Velocity, excl: r.ExclusiveClass,
			loop: r.Loop, start: r.Start, end: r.End, loopStart: r.LoopStart, loopEnd: r.LoopEnd,
			scale:     g(soundfont.ScaleTuning),
			tune:      100*g(soundfont.CoarseTune) + g(soundfont.FineTune) + float32(s.Correction) + pitch[127],
			rate:      float64(s.Rate),
			pan:       g(soundfont.Pan),
			delay:     g(soundfont.DelayVolEnv),
			attack:    g(soundfont.AttackVolEnv),
			hold:      g(soundfont.HoldVolEnv),
			decay:     g(soundfont.DecayVolEnv),
			sustain:   g(soundfont.SustainVolEnv),
			release:   g(soundfont.ReleaseVolEnv),
			keyHold:   g(soundfont.KeynumToVolEnvHold),
			keyDecay:  g(soundfont.KeynumToVolEnvDecay),
			q:         g(soundfont.InitialFilterQ),
			mDelay:    g(soundfont.DelayModEnv),
			mAttack:   g(soundfont.AttackModEnv),
			mHold:     g(soundfont.HoldModEnv),
			mDecay:    g(soundfont.DecayModEnv),
			mSustain:  g(soundfont.SustainModEnv),
			mRelease:  g(soundfont.ReleaseModEnv),
			mKeyHold:  g(soundfont.KeynumToModEnvHold),
			mKeyDecay: g(soundfont.KeynumToModEnvDecay),
			toPitch:   g(soundfont.ModEnvToPitch),
			toFc:      g(soundfont.ModEnvToFilterFc),
		}
		if er.loop != soundfont.NoLoop && (er.loopEnd >= uint32(len(f.Data)) || er.loopEnd < er.loopStart+2) {
			er.loop = soundfont.NoLoop // too short to loop, or no point past it to interpolate
		}
		for v := range 128 {
			er.att[v] = float32(soundfont.InitialAttenuation.Clamp(r.Gen[soundfont.InitialAttenuation] + int32(math.Round(float64(mods[v][soundfont.InitialAttenuation])))))
			er.fc[v] = float32(soundfont.InitialFilterFc.Clamp(r.Gen[soundfont.InitialFilterFc] + int32(math.Round(float64(mods[v][soundfont.InitialFilterFc])))))
		}
		i := int32(len(sf.regions))
		sf.regions = append(sf.regions, er)
		for k := int(r.KeyLo); k <= int(r.KeyHi) && k < 128; k++ {
			sf.keys[k] = append(sf.keys[k], i)
		}
	}
	return sf
}

// ccReset is a controller's value after a General MIDI reset.
func ccReset(cc uint8) int {
	switch cc {
	case 7:
		return 100
	case 10:
		return 64
	case 11:
		return 127
	}
	return 0
}

// modOutput is what modulator m adds to its destination for a note of
// velocity vel and key key, controllers at rest (§9.5.2).
func modOutput(m soundfont.Modulator, vel, key int) float32 {
	out := float64(m.Amount) * sourceValue(m.Src, vel, key) * sourceValue(m.AmtSrc, vel, key)
	if m.Transform == soundfont.TransformAbsolute {
		out = math.Abs(out)
	}
	return float32(out)
}

// sourceValue maps a modulator source to 0..1 (or -1..1 when bipolar)
// through its direction and curve (§8.2.1).
func sourceValue(s soundfont.Source, vel, key int) float64 {
	var x, span float64 = 0, 127
	switch {
	case s.CC():
		x = float64(ccReset(s.Index()))
	case soundfont.Source(s.Index()) == soundfont.SrcNone:
		return 1 // no controller: the source reads as 1
	case soundfont.Source(s.Index()) == soundfont.SrcVelocity:
		x = float64(vel)
	case soundfont.Source(s.Index()) == soundfont.SrcKey:
		x = float64(key)
	case soundfont.Source(s.Index()) == soundfont.SrcPitchWheel:
		x, span = 8192, 16383
	case soundfont.Source(s.Index()) == soundfont.SrcPitchWheelSens:
		x = 2 // semitones
	}
	u := x / span
	if s.Negative() {
		u = 1 - u
	}
	if s.Bipolar() {
		return 2*curve(s.Curve(), u) - 1
	}
	return curve(s.Curve(), u)
}

// curve applies a source curve to u in 0..1. Concave is the attenuation a
// squared amplitude gives, as §8.2.1 defines it over 96 dB; convex its
// mirror.
func curve(c soundfont.Source, u float64) float64 {
	u = max(0, min(1, u))
	switch c {
	case soundfont.CurveConcave:
		return concave(u)
	case soundfont.CurveConvex:
		return 1 - concave(1-u)
	case soundfont.CurveSwitch:
		if u >= 0.5 {
			return 1
		}
		return 0
	}
	return u
}

func concave(u float64) float64 {
	if u >= 1 {
		return 1
	}
	return max(0, min(1, -(400.0/960)*math.Log10(1-u)))
}
