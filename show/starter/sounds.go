package starter

// The sounds. Each function renders one sample, mono at rate, starting and
// ending at (or fading to) zero, normalized to a fixed peak. Instruments are
// short one-shots; loops are exactly one, two or four bars at 120 BPM.

const (
	bpm  = 120.0
	beat = rate * 60 / bpm // frames per beat: 24000
	bar  = 4 * beat        // frames per 4/4 bar: 96000

	onePeak  = -1.5 // dBFS peak of every one-shot
	loopPeak = -3.0 // dBFS peak of every loop and texture
)

// render returns seconds of sound from f(t), t in seconds.
func render(seconds float64, f func(t float64) float64) []float64 {
	s := make([]float64, frames(seconds))
	for i := range s {
		s[i] = f(float64(i) / rate)
	}
	return s
}

// finish fades the ends (the first in µs so attacks stay sharp, the last in ms)
// and normalizes to peakDB.
func finish(s []float64, in, out int, peakDB float64) []float64 {
	fadeIn(s, in)
	fadeOut(s, out)
	normalize(s, peakDB)
	return s
}

// kick is a sine dropping from 230 Hz to A1 (55 Hz), with a noise click,
// through a soft clipper.
func kick() []float64 {
	var o osc
	n := newNoise(0x6b69636b)
	click := newOnePole(3000)
	s := render(0.5, func(t float64) float64 {
		f := 55 + float64(115*decay(t, 0.03)) + float64(60*decay(t, 0.004))
		body := float64(o.sine(f) * decay(t, 0.22))
		c := float64(click.hp(n.white()) * float64(0.5*decay(t, 0.002)))
		return tanh(float64(1.8 * (body + c)))
	})
	return finish(s, 24, frames(0.04), onePeak)
}

// snare is two drum-head modes (185 and 330 Hz) and band-passed noise.
func snare() []float64 {
	var o1, o2 osc
	n := newNoise(0x736e6172)
	var bp, hp svf
	bp.set(4500, 0.9)
	hp.set(1200, 0.7)
	s := render(0.35, func(t float64) float64 {
		bend := 1 + float64(0.35*decay(t, 0.012))
		tone := float64(o1.sine(185*bend)*0.7) + float64(o2.sine(330*bend)*0.35)
		tone = float64(tone * decay(t, 0.055))
		_, b, _ := bp.run(n.white())
		_, _, h := hp.run(b)
		sn := float64(h * float64(1.6*decay(t, 0.1)))
		return tanh(float64(1.3 * (tone + sn)))
	})
	return finish(s, 24, frames(0.03), onePeak)
}

// clap is band-passed noise in four quick bursts and a short tail.
func clap() []float64 {
	n := newNoise(0x636c6170)
	var bp svf
	bp.set(1250, 1.4)
	hp := newOnePole(500)
	s := render(0.45, func(t float64) float64 {
		env := 0.0
		for k, at := range [...]float64{0, 0.011, 0.021, 0.031} {
			if t >= at && k < 3 {
				env += decay(t-at, 0.005)
			}
			if t >= at && k == 3 {
				env += decay(t-at, 0.13)
			}
		}
		_, b, _ := bp.run(n.white())
		return float64(hp.hp(b) * env)
	})
	return finish(s, 12, frames(0.05), onePeak)
}

// metal is the six detuned square waves of the TR-808 cymbal circuit, band
// passed high: the source of both hi-hats.
func metal(seconds, tau float64, seed uint64) []float64 {
	var sq [6]osc
	freqs := [6]float64{205.3, 304.4, 369.6, 522.7, 540, 800}
	n := newNoise(seed)
	var bp, hp svf
	bp.set(9500, 0.8)
	hp.set(7000, 0.7)
	return render(seconds, func(t float64) float64 {
		m := 0.0
		for i := range sq {
			m += sq[i].square(float64(freqs[i] * 1.4))
		}
		m = float64(m/6) + float64(0.35*n.white())
		_, b, _ := bp.run(m)
		_, _, h := hp.run(b)
		a := min(t/0.0004, 1)
		return float64(float64(h*a) * decay(t, tau))
	})
}

func closedHat() []float64 { return finish(metal(0.12, 0.022, 0x636868), 0, frames(0.02), onePeak-3) }

func openHat() []float64 { return finish(metal(0.6, 0.17, 0x6f6868), 0, frames(0.15), onePeak-3) }

// bass is a plucked bass at MIDI key root: a sawtooth through a resonant
// lowpass whose cutoff falls from 1.7 kHz to 170 Hz, over a sine at the same
// pitch for weight, gently saturated.
func bass(root float64) []float64 {
	f := mtof(root)
	saw := osc{phase: 0.5} // a sawtooth starts at 0 from phase ½
	var sub osc
	var lp svf
	dc := newOnePole(20)
	s := render(1.5, func(t float64) float64 {
		lp.set(170+float64(1500*decay(t, 0.11)), 1.1)
		l, _, _ := lp.run(saw.saw(f))
		v := l + float64(0.55*sub.sine(f))
		return dc.hp(tanh(float64(1.1 * float64(v*adsr(t, 0.004, 0.3, 0.5)))))
	})
	return finish(s, 0, frames(0.15), onePeak)
}

// keys is a two-operator FM electric piano at MIDI key root: a 1:1 modulator
// whose index decays (the bark of the attack), a slightly detuned second
// carrier (slow chorus beating) and a short tine partial.
func keys(root float64) []float64 {
	f := mtof(root)
	var m, c1, c2, tine, h2 osc
	s := render(2.5, func(t float64) float64 {
		idx := float64(1.8*decay(t, 0.25)) + 0.25
		mod := float64(float64(idx*m.sine(f)) / twoPi) // phase offset in cycles
		a := sin2pi(c1.step(f) + mod)
		b := sin2pi(c2.step(f*1.0035) + float64(0.7*mod))
		v := float64(0.55*a) + float64(0.45*b) +
			float64(float64(0.12*tine.sine(f*13))*decay(t, 0.03)) +
			float64(float64(0.15*h2.sine(f*2))*decay(t, 0.5))
		return float64(v * adsr(t, 0.003, 1.0, 0))
	})
	return finish(s, 0, frames(0.3), onePeak)
}

// lead is two detuned sawtooths (±6 cents) and a square through a lowpass with
// a little envelope: a bright, sustaining lead at MIDI key root.
func lead(root float64) []float64 {
	f := mtof(root)
	detune := pow2(6.0 / 1200)
	a, b := osc{phase: 0.5}, osc{phase: 0.5}
	var sq osc
	var lp svf
	s := render(1.5, func(t float64) float64 {
		lp.set(2600+float64(2400*decay(t, 0.15)), 1.3)
		v := float64(0.5*a.saw(f*detune)) + float64(0.5*b.saw(f/detune)) + float64(0.25*sq.square(f))
		l, _, _ := lp.run(v)
		return float64(l * adsr(t, 0.006, 0.2, 0.8))
	})
	return finish(s, 12, frames(0.1), onePeak)
}

// Loops. A loop must start and end at zero so it neither clicks when it is
// launched nor at its loop point: hits start at zero, and the last 15 ms fade
// out the tails of the last hits, as an editor would trim a recorded loop.

// shakerHit is one shaker stroke: high band-passed noise with a soft attack.
func shakerHit(n *noise, accent float64) []float64 {
	var bp svf
	bp.set(7200, 1.2)
	hp := newOnePole(3000)
	return render(0.12, func(t float64) float64 {
		a := min(t/0.012, 1)
		a = float64(a * a)
		_, b, _ := bp.run(n.white())
		return float64(float64(hp.hp(b)*accent) * float64(a*decay(t, 0.03)))
	})
}

// congaHit is a conga stroke at freq Hz: a slightly bending sine, an
// inharmonic overtone and a slap of noise; mute strokes are short.
func congaHit(n *noise, freq float64, mute bool) []float64 {
	tau := 0.16
	if mute {
		tau = 0.045
	}
	var o1, o2 osc
	var bp svf
	bp.set(2200, 1.5)
	return render(0.5, func(t float64) float64 {
		bend := 1 + float64(0.06*decay(t, 0.01))
		v := float64(o1.sine(freq*bend)*decay(t, tau)) + float64(float64(0.3*o2.sine(freq*1.52))*decay(t, tau/3))
		_, b, _ := bp.run(n.white())
		return v + float64(float64(0.5*b)*decay(t, 0.004))
	})
}

// tambourine is a shake of jingles: the hi-hat metal with a medium decay.
func tambourine(n *noise) []float64 { return metal(0.25, 0.07, n.next()) }

type hit struct {
	step int // 16th note in the loop
	kind byte
	vel  float64
}

// percLoop renders hits on the 16th grid of a loop of bars bars. Kinds: 's'
// shaker, 'h'/'m'/'l' high/mid/low conga, 'H'/'M' muted congas, 't' tambourine.
// Off-beat 16ths are pushed 6 ms late for a little swing.
func percLoop(bars int, seed uint64, hits []hit) []float64 {
	n := newNoise(seed)
	loop := make([]float64, bars*bar)
	for _, h := range hits {
		var src []float64
		switch h.kind {
		case 's':
			src = shakerHit(n, 1)
		case 'h', 'H':
			src = congaHit(n, mtof(64), h.kind == 'H') // E4
		case 'm', 'M':
			src = congaHit(n, mtof(57), h.kind == 'M') // A3
		case 'l':
			src = congaHit(n, mtof(52), false) // E3
		case 't':
			src = tambourine(n)
		}
		at := h.step * beat / 4
		if h.step%2 == 1 {
			at += frames(0.006)
		}
		addAt(loop, at, h.vel, src)
	}
	return finish(loop, 24, frames(0.015), loopPeak)
}

// shakerHits returns 16ths of shaker over bars bars, accented on the off-beat
// 8ths, the way a hand shakes.
func shakerHits(bars int, level float64) []hit {
	var hs []hit
	accent := [4]float64{0.55, 0.35, 1, 0.4}
	for i := range bars * 16 {
		hs = append(hs, hit{i, 's', level * accent[i%4]})
	}
	return hs
}

func shakerLoop() []float64 { return percLoop(1, 0x73686b, shakerHits(1, 1)) }

// congaHits is a two-bar tumbao-like conga pattern.
var congaHits = []hit{
	{0, 'l', 0.8}, {3, 'M', 0.5}, {4, 'h', 0.6}, {6, 'h', 0.9}, {7, 'h', 0.7},
	{10, 'm', 0.8}, {12, 'H', 0.5}, {14, 'h', 0.9}, {15, 'h', 0.6},
	{16, 'l', 0.7}, {19, 'M', 0.5}, {20, 'h', 0.6}, {22, 'h', 0.9}, {23, 'm', 0.6},
	{26, 'm', 0.8}, {27, 'm', 0.5}, {28, 'l', 0.8}, {30, 'h', 0.9}, {31, 'H', 0.5},
}

func congaLoop() []float64 { return percLoop(2, 0x636f6e, congaHits) }

// dropPercLoop is congas, a busier shaker and tambourine on two and four.
func dropPercLoop() []float64 {
	hs := append([]hit(nil), congaHits...)
	hs = append(hs, shakerHits(2, 0.7)...)
	for _, st := range []int{4, 12, 20, 28} {
		hs = append(hs, hit{st, 't', 0.8})
	}
	hs = append(hs, hit{30, 't', 0.4})
	return percLoop(2, 0x64726f70, hs)
}

// drone is a two-bar (4 s) pad on A2, E3 and A3: soft sawtooth stacks built
// from sines whose frequencies are all multiples of ¼ Hz, so the loop repeats
// exactly every 4 s and every partial starts at phase 0 (the loop starts at 0).
// Its upper partials open and close once per loop, and a breath of band-passed
// noise swells with them.
func drone() []float64 {
	const (
		length = 2 * bar
		grid   = 4    // partial frequencies are multiples of 1/grid Hz
		top    = 2000 // Hz: no partial above
	)
	type partial struct {
		f    int64   // frequency in 1/grid Hz
		k    int     // harmonic number, from 1
		gain float64 // before the brightness
	}
	var ps []partial
	maxK := 0
	for _, v := range []struct{ f, g float64 }{{110, 1}, {164.75, 0.7}, {220, 0.5}} {
		for _, d := range []float64{-0.25, 0, 0.25} { // three detuned copies beat slowly
			f := int64((v.f + d) * grid)
			for k := 1; int64(k)*f <= top*grid; k++ {
				ps = append(ps, partial{int64(k) * f, k, v.g / float64(k)})
				maxK = max(maxK, k)
			}
		}
	}
	// Every phase is a whole number of 1/(rate·grid) cycles: look sines up.
	sine := make([]float64, rate*grid)
	for j := range sine {
		sine[j] = sin2pi(float64(j) / (rate * grid))
	}
	s := make([]float64, length)
	pow := make([]float64, maxK+1) // pow[k] = brightness^(k-1)
	for i := range s {
		// Brightness opens from 0.45 to 0.75 and back once per loop.
		lfo := 0.5 - float64(0.5*cos2pi(float64(i)/length))
		b := 0.45 + float64(0.3*lfo)
		pow[1] = 1
		for k := 2; k <= maxK; k++ {
			pow[k] = float64(pow[k-1] * b)
		}
		v := 0.0
		for _, p := range ps {
			// phase = f·i/rate cycles, exact in integers modulo one cycle
			v += float64(float64(p.gain*pow[p.k]) * sine[(p.f*int64(i))%(rate*grid)])
		}
		s[i] = v
	}
	// Noise, filtered around the loop twice so the filter state at the loop
	// point is the steady one, under a swell that is silent at the loop point.
	n := newNoise(0x61697220)
	white := make([]float64, length)
	for i := range white {
		white[i] = n.white()
	}
	var bp svf
	bp.set(2500, 0.8)
	pk := peak(s)
	for pass := range 2 {
		for i, w := range white {
			_, b, _ := bp.run(w)
			if pass == 1 {
				swell := 0.5 - float64(0.5*cos2pi(float64(i)/length))
				s[i] += float64(float64(0.12*pk) * float64(b*swell))
			}
		}
	}
	normalize(s, loopPeak)
	return s
}

// riser is a four-bar (8 s) noise swell for a build: band-passed noise whose
// centre sweeps from 300 Hz to 9 kHz and whose resonance grows, with a
// sawtooth gliding up two octaves from A3, rising from -40 dB to full level.
func riser() []float64 {
	n := newNoise(0x72697365)
	var bp, lp svf
	saw := osc{phase: 0.5}
	const T = 8.0
	s := render(T, func(t float64) float64 {
		x := t / T
		bp.set(sweep(300, 9000, x), 0.8+float64(3*x))
		_, b, _ := bp.run(n.white())
		tone := saw.saw(mtof(57 + float64(24*float64(x*x))))
		lp.set(sweep(500, 6000, x), 0.8)
		tl, _, _ := lp.run(tone)
		level := dB(-40 + float64(40*float64(x*x)))
		return float64(level * (b + float64(0.25*tl)))
	})
	return finish(s, frames(0.005), frames(0.005), loopPeak)
}

// impact is a one-bar hit for the drop: a sub boom falling to 45 Hz, a noise
// crash whose lowpass closes, and a tone falling from A4 to A2.
func impact() []float64 {
	n := newNoise(0x696d7061)
	var boom, down osc
	var lp svf
	s := render(2, func(t float64) float64 {
		b := float64(boom.sine(45+float64(65*decay(t, 0.08))) * decay(t, 0.6))
		lp.set(150+float64(9000*decay(t, 0.25)), 0.9)
		l, _, _ := lp.run(n.white())
		crash := float64(l * float64(0.7*decay(t, 0.45)))
		tone := float64(down.sine(sweep(440, 110, min(t/1.5, 1))) * float64(0.25*decay(t, 0.5)))
		return tanh(b + crash + tone)
	})
	return finish(s, 48, frames(0.2), loopPeak)
}
