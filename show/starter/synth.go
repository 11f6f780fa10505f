package starter

import "math"

// The synthesis toolkit: everything renders mono float64 at rate, and every
// product feeding a sum is wrapped in float64() (see dsp.go).

const rate = 48000 // Hz; every generated sample uses it

// frames returns the number of frames in seconds s.
func frames(s float64) int { return int(math.Round(float64(s * rate))) }

// noise is a xorshift64 generator (Marsaglia, shifts 13, 7, 17): fixed, tiny,
// and the same on every machine, unlike math/rand's unspecified algorithms.
type noise struct{ s uint64 }

func newNoise(seed uint64) *noise {
	if seed == 0 {
		seed = 0x9E3779B97F4A7C15
	}
	return &noise{s: seed}
}

func (n *noise) next() uint64 {
	x := n.s
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	n.s = x
	return x
}

// white returns a uniform value in [-1, 1) (exact: 53 random bits, scaled by a
// power of two).
func (n *noise) white() float64 { return float64(float64(n.next()>>11)*(1.0/(1<<52))) - 1 }

// osc is a phase accumulator in cycles, [0, 1).
type osc struct{ phase float64 }

// step advances by freq Hz for one frame and returns the phase before it.
func (o *osc) step(freq float64) float64 {
	p := o.phase
	o.phase += freq / rate
	o.phase -= math.Floor(o.phase)
	return p
}

// sine returns the next sample of a sine at freq (starting at phase 0, so the
// first sample is 0).
func (o *osc) sine(freq float64) float64 { return sin2pi(o.step(freq)) }

// blep is the polyBLEP residual for a step at phase 0 of a waveform whose
// phase advances by dt per frame: subtracting it from a naive sawtooth (or
// adding it at each edge of a square) removes most of the aliasing.
func blep(t, dt float64) float64 {
	switch {
	case t < dt:
		t /= dt
		return float64(t+t) - float64(t*t) - 1
	case t > 1-dt:
		t = (t - 1) / dt
		return float64(t*t) + float64(t+t) + 1
	}
	return 0
}

// saw returns the next sample of a band-limited rising sawtooth in [-1, 1].
func (o *osc) saw(freq float64) float64 {
	dt := freq / rate
	p := o.step(freq)
	return float64(2*p) - 1 - blep(p, dt)
}

// square returns the next sample of a band-limited square wave in [-1, 1].
func (o *osc) square(freq float64) float64 {
	dt := freq / rate
	p := o.step(freq)
	v := 1.0
	if p >= 0.5 {
		v = -1
	}
	q := p + 0.5
	q -= math.Floor(q)
	return v + blep(p, dt) - blep(q, dt)
}

// svf is a state-variable filter (the trapezoidal "TPT" form of Zavalishin and
// Simper): stable under fast cutoff sweeps, with lowpass, bandpass and
// highpass outputs from one state.
type svf struct {
	ic1, ic2   float64
	g, k       float64
	a1, a2, a3 float64
}

// set tunes the filter to cutoff Hz (clamped below Nyquist) and resonance q
// (0.5 = soft, 0.707 = Butterworth, higher rings).
func (f *svf) set(cutoff, q float64) {
	cutoff = min(max(cutoff, 10), 0.45*rate)
	f.g = tanPi(cutoff / rate)
	f.k = 1 / q
	f.a1 = 1 / (1 + float64(f.g*float64(f.g+f.k)))
	f.a2 = float64(f.g * f.a1)
	f.a3 = float64(f.g * f.a2)
}

// run filters one sample and returns the lowpass, bandpass and highpass outputs.
func (f *svf) run(x float64) (lp, bp, hp float64) {
	v3 := x - f.ic2
	v1 := float64(f.a1*f.ic1) + float64(f.a2*v3)
	v2 := f.ic2 + float64(f.a2*f.ic1) + float64(f.a3*v3)
	f.ic1 = float64(2*v1) - f.ic1
	f.ic2 = float64(2*v2) - f.ic2
	return v2, v1, x - float64(f.k*v1) - v2
}

// onePole is a one-pole lowpass; x - lp is the matching highpass.
type onePole struct{ y, a float64 }

func newOnePole(cutoff float64) *onePole {
	return &onePole{a: 1 - exp(-twoPi*cutoff/rate)}
}

func (f *onePole) lp(x float64) float64 {
	f.y += float64(f.a * (x - f.y))
	return f.y
}

func (f *onePole) hp(x float64) float64 { return x - f.lp(x) }

// decay is an exponential decay with time constant tau seconds, t seconds in.
func decay(t, tau float64) float64 { return exp(-t / tau) }

// adsr is a linear-attack, exponential-decay envelope held at sustain: it rises
// from 0 to 1 over attack seconds, then falls towards sustain with time
// constant tau.
func adsr(t, attack, tau, sustain float64) float64 {
	if t < attack {
		return t / attack
	}
	return sustain + float64((1-sustain)*decay(t-attack, tau))
}

// sweep moves exponentially from a to b (both > 0) as x goes from 0 to 1.
func sweep(a, b, x float64) float64 { return float64(a * exp(float64(x*ln(b/a)))) }

// Buffer helpers. A sound is a []float64 of mono frames at rate.

// addAt adds src into dst starting at frame at, cut at the end of dst.
func addAt(dst []float64, at int, gain float64, src []float64) {
	for i, v := range src {
		j := at + i
		if j < 0 {
			continue
		}
		if j >= len(dst) {
			return
		}
		dst[j] += float64(gain * v)
	}
}

// fadeIn ramps the first n frames up from 0; fadeOut ramps the last n down to 0.
func fadeIn(s []float64, n int) {
	n = min(n, len(s))
	for i := range n {
		s[i] = float64(s[i]*float64(i)) / float64(n)
	}
}

func fadeOut(s []float64, n int) {
	n = min(n, len(s))
	for i := range n {
		j := len(s) - 1 - i
		s[j] = float64(s[j]*float64(i)) / float64(n)
	}
}

// peak returns the largest absolute sample.
func peak(s []float64) float64 {
	m := 0.0
	for _, v := range s {
		m = max(m, math.Abs(v))
	}
	return m
}

// normalize scales s so its peak is at d dBFS.
func normalize(s []float64, d float64) {
	p := peak(s)
	if p == 0 {
		return
	}
	g := dB(d) / p
	for i := range s {
		s[i] = float64(s[i] * g)
	}
}

// quantize rounds s to the 16-bit grid of the WAV writer (which stores
// round(x·32767)), so the float32 values handed to it carry no sub-LSB detail
// whose last bits could differ between machines.
func quantize(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		k := math.Round(float64(v * 32767))
		k = min(max(k, -32767), 32767)
		out[i] = float32(k / 32767)
	}
	return out
}
