package codec

import (
	"gridbox/audio"
	"gridbox/audio/internal/sinefit"
)

// tone is what fitTone finds in one channel of a Buffer.
type tone struct {
	amp   float64 // amplitude of the fitted sine
	phase float64 // radians at frame 0: x ≈ amp·sin(2πf·n/rate + phase)
	thdn  float64 // residual RMS over fundamental RMS, in dB
	freq  float64 // frequency measured from zero crossings, Hz
}

// fitTone least-squares fits a sine at freq (plus DC) to channel ch of b over
// frames [from, to) and measures the frequency independently from the zero
// crossings.
func fitTone(b *audio.Buffer, ch int, freq float64, from, to int) tone {
	x := func(n int) float64 { return float64(b.Data[n*b.Channels+ch]) }
	var t tone
	t.amp, t.phase, t.thdn = sinefit.Fit(x, b.Rate, freq, from, to)
	// Zero crossings (upward), interpolated linearly.
	first, last, count := -1.0, 0.0, 0
	for n := from + 1; n < to; n++ {
		if a, c := x(n-1), x(n); a < 0 && c >= 0 {
			at := float64(n-1) + a/(a-c)
			if first < 0 {
				first = at
			}
			last = at
			count++
		}
	}
	if count > 1 {
		t.freq = float64(count-1) * float64(b.Rate) / (last - first)
	}
	return t
}
