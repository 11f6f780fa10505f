package codec

import (
	"math"

	"gridbox/audio"
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
	w := 2 * math.Pi * freq / float64(b.Rate)
	x := func(n int) float64 { return float64(b.Data[n*b.Channels+ch]) }
	// Normal equations for x ≈ s·sin + c·cos + d.
	var m [3][4]float64
	for n := from; n < to; n++ {
		v := [3]float64{math.Sin(w * float64(n)), math.Cos(w * float64(n)), 1}
		for i := range 3 {
			for j := range 3 {
				m[i][j] += v[i] * v[j]
			}
			m[i][3] += v[i] * x(n)
		}
	}
	coef := solve3(m)
	var res, fund float64
	for n := from; n < to; n++ {
		f := coef[0]*math.Sin(w*float64(n)) + coef[1]*math.Cos(w*float64(n))
		e := x(n) - f - coef[2]
		res += e * e
		fund += f * f
	}
	t := tone{
		amp:   math.Hypot(coef[0], coef[1]),
		phase: math.Atan2(coef[1], coef[0]),
		thdn:  10 * math.Log10(res/fund),
	}
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

// solve3 solves a 3×3 linear system given as an augmented matrix.
func solve3(m [3][4]float64) [3]float64 {
	for i := range 3 {
		p := i
		for r := i + 1; r < 3; r++ {
			if math.Abs(m[r][i]) > math.Abs(m[p][i]) {
				p = r
			}
		}
		m[i], m[p] = m[p], m[i]
		for r := range 3 {
			if r != i {
				f := m[r][i] / m[i][i]
				for c := i; c < 4; c++ {
					m[r][c] -= f * m[i][c]
				}
			}
		}
	}
	return [3]float64{m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]}
}
