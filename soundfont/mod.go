package soundfont

// A Source is a modulator source enumerator (§8.2): a controller index,
// the CC palette flag, direction, polarity and curve type, packed as in
// the file.
type Source uint16

// Source fields and the general controllers (§8.2.1).
const (
	SrcNone           Source = 0  // no controller: the source reads as 1
	SrcVelocity       Source = 2  // note-on velocity
	SrcKey            Source = 3  // note-on key number
	SrcPolyPressure   Source = 10 // poly pressure
	SrcChannelPress   Source = 13 // channel pressure
	SrcPitchWheel     Source = 14 // pitch wheel (14 bits)
	SrcPitchWheelSens Source = 16 // RPN 0, pitch wheel sensitivity
	SrcLink           Source = 127

	SrcCC       Source = 0x0080 // the index is a MIDI CC number
	SrcNegative Source = 0x0100 // D: from maximum to minimum
	SrcBipolar  Source = 0x0200 // P: -1..1 instead of 0..1

	CurveLinear  Source = 0 << 10
	CurveConcave Source = 1 << 10
	CurveConvex  Source = 2 << 10
	CurveSwitch  Source = 3 << 10
)

// Index is the controller number (a general controller, or a CC number
// when CC reports true).
func (s Source) Index() uint8 { return uint8(s & 0x7f) }

// CC reports whether Index is a MIDI continuous controller.
func (s Source) CC() bool { return s&SrcCC != 0 }

// Negative reports whether the source runs from maximum to minimum.
func (s Source) Negative() bool { return s&SrcNegative != 0 }

// Bipolar reports whether the source maps to -1..1 rather than 0..1.
func (s Source) Bipolar() bool { return s&SrcBipolar != 0 }

// Curve is the source's curve: CurveLinear, CurveConcave, CurveConvex or
// CurveSwitch.
func (s Source) Curve() Source { return s & (0x3f << 10) }

// valid reports whether a synthesizer can read s (§8.2: an undefined
// general controller, a CC that is a MIDI function rather than a
// controller, an LSB, or an undefined curve type make the whole modulator
// ignored). A link (127) is not valid: chained modulators are ignored.
func (s Source) valid() bool {
	if s>>10 > 3 {
		return false
	}
	i := s.Index()
	if s.CC() {
		switch {
		case i == 0, i == 6, i == 32, i == 38, i >= 98 && i <= 101, i >= 120, i >= 33 && i <= 63:
			return false
		}
		return true
	}
	switch Source(i) {
	case SrcNone, SrcVelocity, SrcKey, SrcPolyPressure, SrcChannelPress, SrcPitchWheel, SrcPitchWheelSens:
		return true
	}
	return false
}

// Transforms (§8.3).
const (
	TransformLinear   uint16 = 0
	TransformAbsolute uint16 = 2
)

// InitialPitch is the destination of the default pitch-wheel modulator
// (§8.4.10): the pitch summing node, in cents. No generator has this
// number in a file; a player adds such a modulator's output to the
// note's pitch as it adds fineTune and coarseTune.
const InitialPitch Gen = 0x7fff

// A Modulator routes a controller to a generator (§9.5): each block the
// synthesizer adds Transform(Amount × map(Src) × map(AmtSrc)) to Dest.
type Modulator struct {
	Src       Source
	Dest      Gen
	Amount    int32 // preset modulators identical to an instrument's add to it
	AmtSrc    Source
	Transform uint16
}

// same reports whether a and b are the same modulator in the sense of
// §9.5.1 (source, destination, amount source and transform), whose
// amounts replace or add to each other.
func (a Modulator) same(b Modulator) bool {
	return a.Src == b.Src && a.Dest == b.Dest && a.AmtSrc == b.AmtSrc && a.Transform == b.Transform
}

// defaultMods are §8.4's implicit instrument-level modulators.
var defaultMods = [...]Modulator{
	{Src: SrcVelocity | SrcNegative | CurveConcave, Dest: InitialAttenuation, Amount: 960},          // 8.4.1, 0x0502
	{Src: SrcVelocity | SrcNegative, Dest: InitialFilterFc, Amount: -2400},                          // 8.4.2, 0x0102
	{Src: SrcChannelPress, Dest: VibLfoToPitch, Amount: 50},                                         // 8.4.3, 0x000D
	{Src: SrcCC | 1, Dest: VibLfoToPitch, Amount: 50},                                               // 8.4.4, 0x0081
	{Src: SrcCC | 7 | SrcNegative | CurveConcave, Dest: InitialAttenuation, Amount: 960},            // 8.4.5, 0x0582
	{Src: SrcCC | 10 | SrcBipolar, Dest: Pan, Amount: 1000},                                         // 8.4.6, 0x028A
	{Src: SrcCC | 11 | SrcNegative | CurveConcave, Dest: InitialAttenuation, Amount: 960},           // 8.4.7, 0x058B
	{Src: SrcCC | 91, Dest: ReverbEffectsSend, Amount: 200},                                         // 8.4.8, 0x00DB
	{Src: SrcCC | 93, Dest: ChorusEffectsSend, Amount: 200},                                         // 8.4.9, 0x00DD
	{Src: SrcPitchWheel | SrcBipolar, Dest: InitialPitch, Amount: 12700, AmtSrc: SrcPitchWheelSens}, // 8.4.10, 0x020E
}

// DefaultModulators returns the ten SoundFont 2.04 default modulators
// (§8.4) in the specification's order: velocity to attenuation and to
// filter cutoff, channel pressure and CC1 to vibrato depth, CC7 to
// attenuation, CC10 to pan, CC11 to attenuation, CC91 to reverb, CC93 to
// chorus, and the pitch wheel scaled by its sensitivity to pitch. (§8.4.6
// names initial attenuation as CC10's destination; its text and every
// player use pan.) Each Region's modulators start from these.
func DefaultModulators() []Modulator {
	return append([]Modulator(nil), defaultMods[:]...)
}

// readMod decodes a pmod/imod record and reports whether it is usable:
// modulators with undefined sources, an amount source of link, a
// destination that is no generator, or a link destination (chaining,
// §9.5.4, which this package does not resolve) are ignored.
func readMod(b []byte) (Modulator, bool) {
	m := Modulator{
		Src:       Source(le16(b[0:])),
		Dest:      Gen(le16(b[2:])),
		Amount:    int32(int16(le16(b[4:]))),
		AmtSrc:    Source(le16(b[6:])),
		Transform: le16(b[8:]),
	}
	if !m.Src.valid() || !m.AmtSrc.valid() { // a link source is not valid()
		return m, false
	}
	if m.Dest&0x8000 != 0 || int(m.Dest) >= NumGens || genTable[m.Dest].kind != genValue {
		return m, false
	}
	if m.Transform != TransformLinear && m.Transform != TransformAbsolute {
		return m, false
	}
	return m, true
}
