// Package sinefit measures a recorded sine: it fits a sine of known
// frequency plus DC by least squares and reports amplitude, phase and the
// residual's level (THD+N). The audio tests (resampler, decoders) use it;
// it imports nothing of ours.
package sinefit

import "math"

// Fit fits x(n) ≈ amp·sin(2π·freq·n/rate + phase) + dc over samples
// [from, to) and returns amp, phase (radians at n = 0) and thdn, the
// residual's RMS over the fitted sine's RMS, in dB.
func Fit(x func(n int) float64, rate int, freq float64, from, to int) (amp, phase, thdn float64) {
	w := 2 * math.Pi * freq / float64(rate)
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
	k := solve3(m)
	var res, fund float64
	for n := from; n < to; n++ {
		f := k[0]*math.Sin(w*float64(n)) + k[1]*math.Cos(w*float64(n))
		e := x(n) - f - k[2]
		res += e * e
		fund += f * f
	}
	return math.Hypot(k[0], k[1]), math.Atan2(k[1], k[0]), 10 * math.Log10(res/fund)
}

// solve3 solves a 3×3 linear system given as an augmented matrix, by
// Gauss–Jordan elimination with partial pivoting.
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
