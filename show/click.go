package show

import (
	"math"

	"gridbox/audio"
	"gridbox/engine"
)

// The metronome's click: a short sine burst with a fast decay, higher on
// a bar's first beat, as most DAWs' clicks are.
const (
	clickAccentHz = 1568 // G6
	clickBeatHz   = 1047 // C6
	clickLength   = 0.04 // seconds
	clickDecay    = 0.008
	clickLevel    = 0.5
)

// The keys of the click instrument's two zones.
const (
	clickAccentKey = 1
	clickBeatKey   = 0
)

// addClick adds the metronome's two sounds to bank, at rate, and an
// instrument that plays them (clickAccentKey, clickBeatKey); it returns
// the instrument's index.
func addClick(bank *engine.Bank, rate int) int32 {
	var in engine.Instrument
	for _, z := range []struct {
		key uint8
		hz  float64
	}{{clickAccentKey, clickAccentHz}, {clickBeatKey, clickBeatHz}} {
		in.Zones = append(in.Zones, engine.Zone{Low: z.key, High: z.key, Root: z.key, Sample: int32(len(bank.Samples)), Gain: 1})
		bank.Samples = append(bank.Samples, clickSound(rate, z.hz))
		if len(bank.Streams) > 0 {
			bank.Streams = append(bank.Streams, nil) // in memory
		}
	}
	bank.Instruments = append(bank.Instruments, in)
	return int32(len(bank.Instruments) - 1)
}

// clickSound returns one click at rate: a sine of hz whose level falls by
// e every clickDecay seconds, faded in over a millisecond so it does not
// click twice.
func clickSound(rate int, hz float64) *audio.Buffer {
	n := int(clickLength * float64(rate))
	data := make([]float32, n)
	attack := float64(rate) / 1000
	for i := range data {
		t := float64(i) / float64(rate)
		g := clickLevel * math.Exp(-t/clickDecay) * min(1, float64(i)/attack)
		data[i] = float32(g * math.Sin(2*math.Pi*hz*t))
	}
	return &audio.Buffer{Rate: rate, Channels: 1, Data: data}
}
