package engine

import "math"

// PitchBend is Command.Control for the pitch wheel: Value 0..16383, 8192
// centred.
const PitchBend uint8 = 255

// Pressure is Command.Control for channel pressure (aftertouch): Value
// 0..127 (the SF2 default modulator: 50 cents of vibrato at full).
const Pressure uint8 = 254

// ResetAll is Command.Control for MIDI's Reset All Controllers (CC121),
// as MIDI RP-015 lists it: the pitch wheel centred, CC1 (modulation), the
// pedals (CC64-67) and channel pressure to 0, CC11 (expression) to 127;
// the others, CC7 (volume) and CC10 (pan) among them, keep their values.
const ResetAll uint8 = 121

// controllers is a track's controller state, as a MIDI channel's: what the
// SoundFont modulators read. Each track has one, preallocated.
type controllers struct {
	cc       [128]uint8
	bend     uint16 // 0..16383, 8192 centred
	pressure uint8  // channel pressure
}

// resetControllers returns the General MIDI reset state: CC7 100, CC10
// 64, CC11 127, every other CC 0, the pitch wheel centred.
func resetControllers() controllers {
	var c controllers
	c.cc[7], c.cc[10], c.cc[11], c.bend = 100, 64, 127, 8192
	return c
}

// set changes controller ctl to value and reports whether the modulators
// may read something new.
func (c *controllers) set(ctl uint8, value uint16) bool {
	switch {
	case ctl == PitchBend:
		c.bend = min(value, 16383)
	case ctl == Pressure:
		c.pressure = uint8(min(value, 127))
	case ctl == ResetAll:
		c.bend, c.cc[1], c.cc[11], c.pressure = 8192, 0, 127, 0
		c.cc[64], c.cc[65], c.cc[66], c.cc[67] = 0, 0, 0, 0
	case ctl < 128:
		c.cc[ctl] = uint8(min(value, 127))
	default:
		return false
	}
	return true
}

// The destinations a controller modulator moves while a voice sounds.
const (
	ldPitch    = iota // cents
	ldAtt             // initialAttenuation, cB
	ldPan             // 0.1 %
	ldFc              // initialFilterFc, cents
	ldVibPitch        // vibLfoToPitch, cents
	ldLfoPitch        // modLfoToPitch
	ldLfoFc           // modLfoToFilterFc
	ldLfoVol          // modLfoToVolume, cB
	ldEnvPitch        // modEnvToPitch
	ldEnvFc           // modEnvToFilterFc
	ldReverb          // reverbEffectsSend, 0.1 % (kept, not applied)
	ldChorus          // chorusEffectsSend
	ldN
)

// sfMod is a modulator with a controller among its sources (§9.5): the
// voice adds transform(amount × src × amtSrc) to dest. Sources are
// soundfont.Source values.
type sfMod struct {
	src, amtSrc uint16
	dest        uint8
	abs         bool
	amount      float32 // in dest's unit (coarse tune: 100 cents per unit)
}

// modValue is a modulator's output for controllers c and a note of key
// and velocity vel.
func modValue(src, amtSrc uint16, amount float32, abs bool, c *controllers, vel, key int) float32 {
	out := float64(amount) * sourceValue(src, c, vel, key) * sourceValue(amtSrc, c, vel, key)
	if abs {
		out = math.Abs(out)
	}
	return float32(out)
}

// sourceValue maps a modulator source (a soundfont.Source) to 0..1 (or
// -1..1 when bipolar) through its direction and curve (§8.2.1); a
// bipolar source's halves each follow the curve from the middle out, as
// §8.2.1's figures (and FluidSynth) have them.
func sourceValue(s uint16, c *controllers, vel, key int) float64 {
	var x, span float64 = 0, 127
	i := s & 0x7f
	switch {
	case s&0x80 != 0: // a MIDI CC
		x = float64(c.cc[i])
		if i == 8 || i == 10 {
			// Balance and pan as MIDI RP-036 has them, and FluidSynth
			// 2: 0 and 1 both hard left, so that 64 is the exact centre
			// (127 steps cannot centre).
			x, span = max(x-1, 0), 126
		}
	case i == 0: // no controller: the source reads as 1
		return 1
	case i == 2:
		x = float64(vel)
	case i == 3:
		x = float64(key)
	case i == 13:
		x = float64(c.pressure)
	case i == 14: // the pitch wheel: centred at 0.5 exactly
		x, span = float64(c.bend), 16384
	case i == 16: // the wheel's sensitivity: 2 semitones
		x = 2
	}
	u := x / span
	if s&0x100 != 0 {
		u = 1 - u
	}
	if s&0x200 != 0 {
		switch {
		case s>>10 == 3 && u >= 0.5:
			return 1
		case s>>10 == 3:
			return -1
		case u > 0.5:
			return curve(s>>10, 2*(u-0.5))
		}
		return -curve(s>>10, 2*(0.5-u))
	}
	return curve(s>>10, u)
}

// curve applies a source curve type (0 linear, 1 concave, 2 convex, 3
// switch) to u in 0..1. Concave is the attenuation a squared amplitude
// gives, as §8.2.1 defines it over 96 dB; convex its mirror.
func curve(c uint16, u float64) float64 {
	u = max(0, min(1, u))
	switch c {
	case 1:
		return concave(u)
	case 2:
		return 1 - concave(1-u)
	case 3:
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
