package engine

import (
	"math"

	"gridbox/soundfont"
)

// DefaultPolyphony is how many voices one SoundFont instrument sounds at
// once (all tracks together) when SoundFont.Polyphony is 0. A note past it
// steals a voice of the instrument (the quietest in its release, else the
// oldest) with the steal fade (issue 12).
const DefaultPolyphony = 64

// A SoundFont is an instrument that plays one preset of a SoundFont 2 bank
// (issue 12). Applied: sample offsets and loop modes, root key, scale
// tuning, coarse and fine tune and the sample's correction, 16- and 24-bit
// (sm24) data, the volume envelope with key scaling, initial attenuation,
// pan, the low-pass filter with resonance, the modulation envelope to
// pitch and cutoff, the modulation LFO to pitch, cutoff and volume, the
// vibrato LFO to pitch, exclusive class, and the modulators: those of
// velocity and key once, per region (to attenuation and cutoff at the
// note's velocity, to other generators at velocity 127; see
// NewSoundFont), those of the track's controllers (the default ones:
// pitch wheel ±2 semitones, CC1 and channel pressure to vibrato, CC7,
// CC10, CC11; and a font's own) live, as Controller commands move them. Both sides of
// a stereo pair play, each as its own voice at its zone's pan, as
// FluidSynth plays them; stealing one steals the other. The reverb and
// chorus sends (generators 15 and 16, and CC91/CC93) are read and kept
// per region but not applied: gridbox has no effects bus. Poly
// pressure reads as 0. As FluidSynth plays fonts (they
// are voiced for it), initialAttenuation generators count at 0.4 and the
// default velocity-to-cutoff modulator is left out (see emuAttenuation and
// fluidIgnores). NewSoundFont builds it on the
// control side; like the rest of a Bank it is immutable once handed to the
// player. Every generator and modulator value a note needs is resolved
// here, per region and per velocity, so that a NoteOn on the audio thread
// only reads tables.
type SoundFont struct {
	// Sample is the Bank.Samples index of the font's sample data: one mono
	// buffer holding soundfont.Font.Data as PCM16. Its Rate is not the
	// player's: each region carries its sample's rate.
	Sample    int32
	Polyphony int // 0: DefaultPolyphony

	regions []sfRegion
	keys    [128][]int32 // regions sounding on each key (any velocity), in file order
	frames  int          // the sample data's length, checked against the bank
	// data24 is the font's sm24 data (the low byte of each point), or nil:
	// a point is Data[i] + data24[i]/256 in units of an int16.
	data24 []uint8
}

// sfRegion is a soundfont.Region resolved for the player's rate. Times are
// timecents, levels centibels, pitches cents, as the specification gives
// them; the voice converts them when a note starts. Values a controller
// modulator may move (att, fc, pan, the LFO depths, the sends) are the
// generators plus the static modulators, unclamped: the voice adds the
// live modulators' outputs and then clamps, as §9.5 says.
type sfRegion struct {
	velLo, velHi                   uint8
	root                           uint8
	key, vel                       int8 // forced keynum/velocity, -1 if not
	excl                           uint8
	side                           uint8 // sfMono, sfLeft or sfRight: a stereo pair's side
	loop                           soundfont.LoopMode
	start, end, loopStart, loopEnd uint32
	scale                          float32 // scaleTuning, cents per key
	tune                           float32 // coarse, fine, the sample's correction and static pitch modulators, cents
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
	// The LFOs (§8.1.2 5, 6, 10, 13, 21-24): delays in timecents,
	// frequencies in absolute cents (0: 8.176 Hz), depths in cents (pitch,
	// cutoff) and cB (volume).
	lDelay, lFreq, vDelay, vFreq float32
	lPitch, lFc, lVol, vPitch    float32
	// The effect sends, 0.1 % (read, not applied).
	reverb, chorus float32
	// att and fc are initialAttenuation (cB) and initialFilterFc (cents)
	// with the static modulators at each note-on velocity.
	att, fc [128]float32
	// peak is the largest magnitude of the region's sample points (int16
	// units): the voice is silent once its level times this is below sfFloor.
	peak float32
	// mods are the modulators with a controller (a CC, the pitch wheel or
	// channel pressure) among their sources, which the voice evaluates as
	// they move.
	mods []sfMod
}

// Stereo sides of a region (its sample's type).
const (
	sfMono uint8 = iota
	sfLeft
	sfRight
)

// liveDest maps a generator a controller modulator moves to the voice's
// live destination, and the factor to the destination's unit.
func liveDest(g soundfont.Gen) (d uint8, k float32, ok bool) {
	switch g {
	case soundfont.InitialPitch, soundfont.FineTune:
		return ldPitch, 1, true
	case soundfont.CoarseTune:
		return ldPitch, 100, true
	case soundfont.InitialAttenuation:
		return ldAtt, 1, true
	case soundfont.Pan:
		return ldPan, 1, true
	case soundfont.InitialFilterFc:
		return ldFc, 1, true
	case soundfont.VibLfoToPitch:
		return ldVibPitch, 1, true
	case soundfont.ModLfoToPitch:
		return ldLfoPitch, 1, true
	case soundfont.ModLfoToFilterFc:
		return ldLfoFc, 1, true
	case soundfont.ModLfoToVolume:
		return ldLfoVol, 1, true
	case soundfont.ModEnvToPitch:
		return ldEnvPitch, 1, true
	case soundfont.ModEnvToFilterFc:
		return ldEnvFc, 1, true
	case soundfont.ReverbEffectsSend:
		return ldReverb, 1, true
	case soundfont.ChorusEffectsSend:
		return ldChorus, 1, true
	}
	return 0, 0, false
}

// controlled reports whether source s is a controller that moves while a
// note sounds: a CC, the pitch wheel (its sensitivity is fixed) or
// channel pressure.
func controlled(s soundfont.Source) bool {
	i := soundfont.Source(s.Index())
	return s.CC() || i == soundfont.SrcPitchWheel || i == soundfont.SrcChannelPress
}

// NewSoundFont resolves preset p of f (an index in f.Presets), with the
// font's sample data at bank index sample. Modulators of velocity and key
// alone are evaluated here, per region (a modulator whose source is the
// key at the middle of the region's key range): to initialAttenuation and
// initialFilterFc per velocity, to every other generator at velocity 127
// whatever the note's (a font's velocity to attack time, say); those with
// a controller among their sources are kept for the voice, which follows
// the track's controllers. Those of a controller to a generator the voice
// cannot move while it sounds (an envelope time, say) are evaluated here
// at the controller's General MIDI reset value (CC7 100, CC10 64, CC11
// 127, others 0, pitch wheel centred).
func NewSoundFont(f *soundfont.Font, p int, sample int32) *SoundFont {
	sf := &SoundFont{Sample: sample, frames: len(f.Data)}
	if len(f.Data24) >= len(f.Data) {
		sf.data24 = f.Data24[:len(f.Data)]
	}
	if p < 0 || p >= len(f.Presets) {
		return sf
	}
	reset := resetControllers()
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
		var live []sfMod
		for _, m := range f.Mods(r) {
			if fluidIgnores(m) {
				continue
			}
			if controlled(m.Src) || controlled(m.AmtSrc) {
				if d, k, ok := liveDest(m.Dest); ok {
					live = append(live, sfMod{src: uint16(m.Src), amtSrc: uint16(m.AmtSrc), dest: d, abs: m.Transform == soundfont.TransformAbsolute, amount: k * float32(m.Amount)})
					continue
				}
			}
			for v := range 128 {
				out := modOutput(m, &reset, v, key)
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
		// raw is a generator a live modulator may move: clamped by the voice.
		raw := func(gen soundfont.Gen) float32 { return float32(r.Gen[gen]) + mods[127][gen] }
		er := sfRegion{
			velLo: r.VelLo, velHi: r.VelHi, root: r.RootKey, key: r.Key, vel: r.Velocity, excl: r.ExclusiveClass,
			loop: r.Loop, start: r.Start, end: r.End, loopStart: r.LoopStart, loopEnd: r.LoopEnd,
			scale:     g(soundfont.ScaleTuning),
			tune:      100*g(soundfont.CoarseTune) + g(soundfont.FineTune) + float32(s.Correction) + pitch[127],
			rate:      float64(s.Rate),
			pan:       raw(soundfont.Pan),
			delay:     g(soundfont.DelayVolEnv),
			attack:    g(soundfont.AttackVolEnv),
			hold:      g(soundfont.HoldVolEnv),
			decay:     g(soundfont.DecayVolEnv),
			sustain:   g(soundfont.SustainVolEnv),
			release:   max(g(soundfont.ReleaseVolEnv), minRelease),
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
			toPitch:   raw(soundfont.ModEnvToPitch),
			toFc:      raw(soundfont.ModEnvToFilterFc),
			lDelay:    g(soundfont.DelayModLFO),
			lFreq:     g(soundfont.FreqModLFO),
			vDelay:    g(soundfont.DelayVibLFO),
			vFreq:     g(soundfont.FreqVibLFO),
			lPitch:    raw(soundfont.ModLfoToPitch),
			lFc:       raw(soundfont.ModLfoToFilterFc),
			lVol:      raw(soundfont.ModLfoToVolume),
			vPitch:    raw(soundfont.VibLfoToPitch),
			reverb:    raw(soundfont.ReverbEffectsSend),
			chorus:    raw(soundfont.ChorusEffectsSend),
			mods:      live,
			peak:      samplePeak(f.Data[r.Start:r.End]),
		}
		switch s.Type {
		case soundfont.Left:
			er.side = sfLeft
		case soundfont.Right:
			er.side = sfRight
		}
		if er.loop != soundfont.NoLoop && (er.loopEnd >= uint32(len(f.Data)) || er.loopEnd < er.loopStart+2) {
			er.loop = soundfont.NoLoop // too short to loop, or no point past it to interpolate
		}
		for v := range 128 {
			// The generator at 0.4 of its value, as EMU's synthesizers and
			// FluidSynth play it (fonts are voiced for it); the modulators'
			// outputs in full.
			er.att[v] = emuAttenuation*float32(r.Gen[soundfont.InitialAttenuation]) + mods[v][soundfont.InitialAttenuation]
			er.fc[v] = float32(r.Gen[soundfont.InitialFilterFc]) + mods[v][soundfont.InitialFilterFc]
		}
		i := int32(len(sf.regions))
		sf.regions = append(sf.regions, er)
		for k := int(r.KeyLo); k <= int(r.KeyHi) && k < 128; k++ {
			sf.keys[k] = append(sf.keys[k], i)
		}
	}
	return sf
}

// samplePeak is the largest magnitude among x's points, at least 1.
func samplePeak(x []int16) float32 {
	p := int32(1)
	for _, v := range x {
		p = max(p, int32(v), -int32(v))
	}
	return float32(p)
}

// minRelease is the shortest volume release, in timecents (16 ms for 100
// dB): FluidSynth's, so that a note-off never clicks, whatever the font.
const minRelease = -7200

// emuAttenuation is what EMU's SoundFont synthesizers, and FluidSynth
// after them, scale an initialAttenuation generator by: fonts balance their
// layers for it (TimGM6mb's accordion and electric piano layer two samples
// attenuated 79 and 338 cB apart, which sound 32 and 135 cB apart there).
const emuAttenuation = 0.4

// fluidIgnores reports whether FluidSynth (2.x) leaves modulator m out:
// §8.4.2's velocity to filter cutoff, as the default list has it (amount
// -2400, no amount source) or in FluidSynth's own form (the amount source
// a velocity switch). FluidSynth computes it as 0 so that a note's
// brightness does not jump with velocity; fonts are voiced without it.
// A font's own velocity-to-cutoff modulator with another amount plays.
func fluidIgnores(m soundfont.Modulator) bool {
	velToFc := soundfont.SrcVelocity | soundfont.SrcNegative
	if m.Src != velToFc || m.Dest != soundfont.InitialFilterFc || m.Transform != 0 {
		return false
	}
	return (m.AmtSrc == soundfont.SrcNone && m.Amount == -2400) || m.AmtSrc == soundfont.SrcVelocity|soundfont.CurveSwitch
}

// modOutput is what modulator m adds to its destination for a note of
// velocity vel and key key with controllers c (§9.5.2).
func modOutput(m soundfont.Modulator, c *controllers, vel, key int) float32 {
	return modValue(uint16(m.Src), uint16(m.AmtSrc), float32(m.Amount), m.Transform == soundfont.TransformAbsolute, c, vel, key)
}
