package soundfont

import "strconv"

// A Gen is a generator: a synthesis parameter a zone sets (SoundFont 2.04
// §8.1.2). The same numbers name modulator destinations.
type Gen uint16

// The generators, numbered as in the file. Unused and reserved numbers
// (14, 18-20, 42, 49, 55, 59) are read and ignored.
const (
	StartAddrsOffset           Gen = 0
	EndAddrsOffset             Gen = 1
	StartloopAddrsOffset       Gen = 2
	EndloopAddrsOffset         Gen = 3
	StartAddrsCoarseOffset     Gen = 4
	ModLfoToPitch              Gen = 5
	VibLfoToPitch              Gen = 6
	ModEnvToPitch              Gen = 7
	InitialFilterFc            Gen = 8
	InitialFilterQ             Gen = 9
	ModLfoToFilterFc           Gen = 10
	ModEnvToFilterFc           Gen = 11
	EndAddrsCoarseOffset       Gen = 12
	ModLfoToVolume             Gen = 13
	ChorusEffectsSend          Gen = 15
	ReverbEffectsSend          Gen = 16
	Pan                        Gen = 17
	DelayModLFO                Gen = 21
	FreqModLFO                 Gen = 22
	DelayVibLFO                Gen = 23
	FreqVibLFO                 Gen = 24
	DelayModEnv                Gen = 25
	AttackModEnv               Gen = 26
	HoldModEnv                 Gen = 27
	DecayModEnv                Gen = 28
	SustainModEnv              Gen = 29
	ReleaseModEnv              Gen = 30
	KeynumToModEnvHold         Gen = 31
	KeynumToModEnvDecay        Gen = 32
	DelayVolEnv                Gen = 33
	AttackVolEnv               Gen = 34
	HoldVolEnv                 Gen = 35
	DecayVolEnv                Gen = 36
	SustainVolEnv              Gen = 37
	ReleaseVolEnv              Gen = 38
	KeynumToVolEnvHold         Gen = 39
	KeynumToVolEnvDecay        Gen = 40
	Instrument                 Gen = 41
	KeyRange                   Gen = 43
	VelRange                   Gen = 44
	StartloopAddrsCoarseOffset Gen = 45
	Keynum                     Gen = 46
	Velocity                   Gen = 47
	InitialAttenuation         Gen = 48
	EndloopAddrsCoarseOffset   Gen = 50
	CoarseTune                 Gen = 51
	FineTune                   Gen = 52
	SampleID                   Gen = 53
	SampleModes                Gen = 54
	ScaleTuning                Gen = 56
	ExclusiveClass             Gen = 57
	OverridingRootKey          Gen = 58
	EndOper                    Gen = 60

	// NumGens is the size of a generator array: every Gen is below it.
	NumGens = 61
)

type genInfo struct {
	name     string
	def      int32 // the default when no zone sets it
	min, max int32 // the range a synthesizer honours (§8.1.3)
	kind     genKind
}

type genKind uint8

const (
	genUnused genKind = iota
	genValue          // a signal-processing parameter; adds at preset level
	genSample         // instrument level only (§8.5): offsets, modes, class, root key
	genSubst          // keynum, velocity: instrument level only
	genRange          // keyRange, velRange
	genIndex          // instrument, sampleID
)

// genTable is §8.1.3's summary. The address offsets have no fixed range
// (it depends on the sample): their bounds are the int16 range, or 0 where
// the table says the offset cannot go below (start) or above (end) zero.
var genTable = [NumGens]genInfo{
	StartAddrsOffset:           {"startAddrsOffset", 0, 0, 32767, genSample},
	EndAddrsOffset:             {"endAddrsOffset", 0, -32768, 0, genSample},
	StartloopAddrsOffset:       {"startloopAddrsOffset", 0, -32768, 32767, genSample},
	EndloopAddrsOffset:         {"endloopAddrsOffset", 0, -32768, 32767, genSample},
	StartAddrsCoarseOffset:     {"startAddrsCoarseOffset", 0, 0, 32767, genSample},
	ModLfoToPitch:              {"modLfoToPitch", 0, -12000, 12000, genValue},
	VibLfoToPitch:              {"vibLfoToPitch", 0, -12000, 12000, genValue},
	ModEnvToPitch:              {"modEnvToPitch", 0, -12000, 12000, genValue},
	InitialFilterFc:            {"initialFilterFc", 13500, 1500, 13500, genValue},
	InitialFilterQ:             {"initialFilterQ", 0, 0, 960, genValue},
	ModLfoToFilterFc:           {"modLfoToFilterFc", 0, -12000, 12000, genValue},
	ModEnvToFilterFc:           {"modEnvToFilterFc", 0, -12000, 12000, genValue},
	EndAddrsCoarseOffset:       {"endAddrsCoarseOffset", 0, -32768, 0, genSample},
	ModLfoToVolume:             {"modLfoToVolume", 0, -960, 960, genValue},
	14:                         {"unused1", 0, 0, 0, genUnused},
	ChorusEffectsSend:          {"chorusEffectsSend", 0, 0, 1000, genValue},
	ReverbEffectsSend:          {"reverbEffectsSend", 0, 0, 1000, genValue},
	Pan:                        {"pan", 0, -500, 500, genValue},
	18:                         {"unused2", 0, 0, 0, genUnused},
	19:                         {"unused3", 0, 0, 0, genUnused},
	20:                         {"unused4", 0, 0, 0, genUnused},
	DelayModLFO:                {"delayModLFO", -12000, -12000, 5000, genValue},
	FreqModLFO:                 {"freqModLFO", 0, -16000, 4500, genValue},
	DelayVibLFO:                {"delayVibLFO", -12000, -12000, 5000, genValue},
	FreqVibLFO:                 {"freqVibLFO", 0, -16000, 4500, genValue},
	DelayModEnv:                {"delayModEnv", -12000, -12000, 5000, genValue},
	AttackModEnv:               {"attackModEnv", -12000, -12000, 8000, genValue},
	HoldModEnv:                 {"holdModEnv", -12000, -12000, 5000, genValue},
	DecayModEnv:                {"decayModEnv", -12000, -12000, 8000, genValue},
	SustainModEnv:              {"sustainModEnv", 0, 0, 1000, genValue},
	ReleaseModEnv:              {"releaseModEnv", -12000, -12000, 8000, genValue},
	KeynumToModEnvHold:         {"keynumToModEnvHold", 0, -1200, 1200, genValue},
	KeynumToModEnvDecay:        {"keynumToModEnvDecay", 0, -1200, 1200, genValue},
	DelayVolEnv:                {"delayVolEnv", -12000, -12000, 5000, genValue},
	AttackVolEnv:               {"attackVolEnv", -12000, -12000, 8000, genValue},
	HoldVolEnv:                 {"holdVolEnv", -12000, -12000, 5000, genValue},
	DecayVolEnv:                {"decayVolEnv", -12000, -12000, 8000, genValue},
	SustainVolEnv:              {"sustainVolEnv", 0, 0, 1440, genValue},
	ReleaseVolEnv:              {"releaseVolEnv", -12000, -12000, 8000, genValue},
	KeynumToVolEnvHold:         {"keynumToVolEnvHold", 0, -1200, 1200, genValue},
	KeynumToVolEnvDecay:        {"keynumToVolEnvDecay", 0, -1200, 1200, genValue},
	Instrument:                 {"instrument", 0, 0, 65535, genIndex},
	42:                         {"reserved1", 0, 0, 0, genUnused},
	KeyRange:                   {"keyRange", 0, 0, 127, genRange},
	VelRange:                   {"velRange", 0, 0, 127, genRange},
	StartloopAddrsCoarseOffset: {"startloopAddrsCoarseOffset", 0, -32768, 32767, genSample},
	Keynum:                     {"keynum", -1, -1, 127, genSubst},
	Velocity:                   {"velocity", -1, -1, 127, genSubst},
	InitialAttenuation:         {"initialAttenuation", 0, 0, 1440, genValue},
	49:                         {"reserved2", 0, 0, 0, genUnused},
	EndloopAddrsCoarseOffset:   {"endloopAddrsCoarseOffset", 0, -32768, 32767, genSample},
	CoarseTune:                 {"coarseTune", 0, -120, 120, genValue},
	FineTune:                   {"fineTune", 0, -99, 99, genValue},
	SampleID:                   {"sampleID", 0, 0, 65535, genIndex},
	SampleModes:                {"sampleModes", 0, 0, 3, genSample},
	55:                         {"reserved3", 0, 0, 0, genUnused},
	ScaleTuning:                {"scaleTuning", 100, 0, 1200, genValue},
	ExclusiveClass:             {"exclusiveClass", 0, 0, 127, genSample},
	OverridingRootKey:          {"overridingRootKey", -1, -1, 127, genSample},
	59:                         {"unused5", 0, 0, 0, genUnused},
	EndOper:                    {"endOper", 0, 0, 0, genUnused},
}

// String is the generator's name in the specification, "initialFilterFc".
func (g Gen) String() string {
	if int(g) < NumGens {
		return genTable[g].name
	}
	if g == InitialPitch {
		return "initialPitch"
	}
	return "gen" + strconv.Itoa(int(g))
}

// Default is g's value when no zone sets it (§8.1.3): 13500 for
// initialFilterFc, -12000 for the envelope times, 100 for scaleTuning,
// -1 for keynum, velocity and overridingRootKey, 0 otherwise.
func (g Gen) Default() int32 {
	if int(g) < NumGens {
		return genTable[g].def
	}
	return 0
}

// Clamp limits v to g's range in §8.1.3 (initialAttenuation 0..1440 cB,
// pan -500..500, …). A region's Gen holds preset and instrument values
// added and unclamped, because modulators add to them before the
// synthesizer clamps the sum. Clamp does not allocate.
func (g Gen) Clamp(v int32) int32 {
	if int(g) >= NumGens || genTable[g].kind == genUnused {
		return v
	}
	return min(max(v, genTable[g].min), genTable[g].max)
}

// atPresetLevel reports whether a preset zone may set g as a relative
// amount (§8.5): value generators only. Ranges and the instrument index
// are read separately.
func atPresetLevel(g Gen) bool {
	return int(g) < NumGens && genTable[g].kind == genValue
}

// atInstrumentLevel reports whether an instrument zone may set g as an
// absolute amount (everything but the index generators, ranges and unused).
func atInstrumentLevel(g Gen) bool {
	if int(g) >= NumGens {
		return false
	}
	k := genTable[g].kind
	return k == genValue || k == genSample || k == genSubst
}

// defaultGens is the instrument-level starting point of every zone.
func defaultGens() (d [NumGens]int32) {
	for g := range d {
		d[g] = genTable[g].def
	}
	return d
}
