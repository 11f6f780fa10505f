package audio

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// The resampler's filter: a Kaiser-windowed sinc low-pass designed for
// resampleAtten dB of stopband attenuation (which also bounds the passband
// ripple to about 1e-6, ±0.00001 dB). The stopband starts at half the lower of
// the two rates, so nothing aliases; the passband ends at resamplePass of
// that, which keeps 20 kHz (20.07 kHz) when either rate is 44.1 kHz.
const (
	resampleAtten = 120.0
	resamplePass  = 0.91
)

// Table sizes. A ratio whose reduced upsampling factor L is small enough gets
// one exact filter phase per output phase (L phases); any other ratio gets
// resamplePhases phases per input sample, linearly interpolated, which keeps
// the interpolation error below -130 dB for signals up to 20 kHz.
const (
	resampleExactMax = 1 << 20 // table entries for exact phases
	resamplePhases   = 2048
)

// Resample returns b converted to rate (a new Buffer; b is not modified). It
// returns b itself when b.Rate == rate.
//
// It runs on the control side when a set loads, never on the audio path: it
// allocates the whole output, and for long buffers it uses every CPU.
//
// The conversion is band-limited: a polyphase Kaiser-windowed sinc filter,
// computed in float64, with its stopband at min(b.Rate, rate)/2 (≥ 120 dB
// down: no aliasing when downsampling, no images when upsampling) and its
// passband flat to within 0.0001 dB up to 0.91 of that (20.07 kHz at
// 44.1 kHz). DC gain is exactly 1. The output has round(frames·rate/b.Rate)
// frames and no delay: output frame n is the input signal at time n/rate,
// with silence assumed before the first frame and after the last.
//
// Resample panics (a programmer error) if either rate is not positive, if b
// has no channels or a partial frame, or if it would downsample by more than
// 4096 times.
func Resample(b *Buffer, rate int) *Buffer {
	if b == nil {
		panic("audio: Resample of a nil Buffer")
	}
	if b.Rate == rate {
		return b
	}
	if b.Rate <= 0 || rate <= 0 || b.Channels <= 0 || b.Len()%b.Channels != 0 {
		panic(fmt.Sprintf("audio: Resample of a %d Hz, %d-channel Buffer of %d samples to %d Hz", b.Rate, b.Channels, b.Len(), rate))
	}
	if int64(b.Rate) > 4096*int64(rate) {
		panic(fmt.Sprintf("audio: Resample from %d Hz to %d Hz: downsampling by more than 4096 is not supported", b.Rate, rate))
	}
	k := kernelFor(b.Rate, rate)
	in := b.Frames()
	out := int(k.outFrames(int64(in)))
	dst := &Buffer{Rate: rate, Channels: b.Channels, Data: MakeSamples(out * b.Channels)}
	if out == 0 {
		return dst
	}

	// The input in float64, still interleaved (stereo is filtered as pairs,
	// which reads each coefficient once for both channels), with taps/2
	// frames of silence before it and taps/2+1 after: x starts at input
	// frame -taps/2.
	nch := b.Channels
	x := make([]float64, (in+k.taps+1)*nch)
	for i, v := range b.Data {
		x[k.taps/2*nch+i] = float64(v)
	}
	for i, v := range b.PCM16 {
		x[k.taps/2*nch+i] = float64(v) * 0x1p-15
	}

	// Split the output frames between the CPUs when there is enough work
	// to pay for the goroutines.
	workers := 1
	if work := int64(out) * int64(k.taps) * int64(nch); work > 1<<22 {
		workers = min(runtime.GOMAXPROCS(0), out)
	}
	var wg sync.WaitGroup
	for w := range workers {
		from, to := out*w/workers, out*(w+1)/workers
		wg.Go(func() { k.run(dst.Data[from*nch:to*nch], int64(from), x, -int64(k.taps/2), nch, k.scratch()) })
	}
	wg.Wait()
	return dst
}

// kernel is a polyphase filter bank for one ratio of rates.
type kernel struct {
	l, m   int       // output/input rates over their gcd: output n is at input time n·m/l
	taps   int       // coefficients per phase, a multiple of 4
	phases int       // rows in table, not counting the extra last row
	exact  bool      // phases == l, and output n uses row (n·m) mod l with no interpolation
	table  []float64 // (phases+1) rows of taps coefficients
}

// kernels holds every kernel built so far, by its pair of rates [in, out],
// each as a func() *kernel that builds it once: Resample and NewResampler
// share them, so converting another sample or opening another stream at a
// pair of rates already used costs nothing. There are as many as pairs used,
// a handful in a set.
var kernels sync.Map

// kernelFor returns the kernel for converting from rate in to rate out,
// building it on first use. It is safe for concurrent use.
func kernelFor(in, out int) *kernel {
	key := [2]int{in, out}
	f, ok := kernels.Load(key)
	if !ok {
		f, _ = kernels.LoadOrStore(key, sync.OnceValue(func() *kernel { return newKernel(in, out) }))
	}
	return f.(func() *kernel)()
}

// newKernel designs the filter for converting from rate in to rate out.
func newKernel(in, out int) *kernel {
	g := gcd(in, out)
	k := &kernel{l: out / g, m: in / g}

	// Everything is in units of input samples: the filter is evaluated at
	// integer input positions around each output's position.
	nyq := float64(min(in, out)) / 2
	stop := nyq / float64(in)                // cycles per input sample
	pass := resamplePass * nyq / float64(in) // cycles per input sample
	cutoff := (pass + stop) / 2
	// Kaiser's formula for the window length that gives resampleAtten dB
	// over a transition of stop-pass; beta for the same attenuation.
	length := (resampleAtten - 7.95) / (2.285 * 2 * math.Pi * (stop - pass))
	beta := 0.1102 * (resampleAtten - 8.7)
	half := length / 2
	k.taps = 4 * int(math.Ceil(half/2)) // 2·ceil(half), rounded up to a multiple of 4

	k.exact = int64(k.l)*int64(k.taps) <= resampleExactMax
	if k.exact {
		k.phases = k.l
	} else {
		// Slower kernels (downsampling) need fewer phases for the same
		// interpolation error.
		k.phases = max(16, int(math.Ceil(resamplePhases*min(1, float64(out)/float64(in)))))
	}

	// Row p holds the coefficients for an output at fractional input time
	// φ = p/phases after input sample i: tap j multiplies input sample
	// i - taps/2 + 1 + j, at distance φ + taps/2 - 1 - j from the output.
	k.table = make([]float64, (k.phases+1)*k.taps)
	i0beta := besselI0(beta)
	for p := 0; p <= k.phases; p++ {
		row := k.table[p*k.taps : (p+1)*k.taps]
		phi := float64(p) / float64(k.phases)
		var sum float64
		for j := range row {
			t := phi + float64(k.taps/2-1-j)
			var v float64
			if r := t / half; r > -1 && r < 1 {
				v = 2 * cutoff * sinc(2*cutoff*t) * besselI0(beta*math.Sqrt(1-r*r)) / i0beta
			}
			row[j] = v
			sum += v
		}
		// Normalising every phase to a sum of exactly 1 makes the DC gain
		// exactly 1 whatever the phase (it corrects the filter by about
		// 1e-6, the stopband level, so the response is otherwise unchanged).
		for j := range row {
			row[j] /= sum
		}
	}
	return k
}

// outFrames returns the number of output frames for in input frames:
// round(in·l/m).
func (k *kernel) outFrames(in int64) int64 {
	return (2*in*int64(k.l) + int64(k.m)) / (2 * int64(k.m))
}

// window returns the input frames [lo, hi) that output frames [from, to)
// (to > from) read: output n reads the taps frames from ⌊n·m/l⌋-taps/2+1 on.
func (k *kernel) window(from, to int64) (lo, hi int64) {
	lo = from*int64(k.m)/int64(k.l) - int64(k.taps/2) + 1
	hi = (to-1)*int64(k.m)/int64(k.l) + int64(k.taps/2) + 1
	return lo, hi
}

// scratch returns what run needs as its scratch: nil for an exact kernel,
// else a row of taps coefficients.
func (k *kernel) scratch() []float64 {
	if k.exact {
		return nil
	}
	return make([]float64, k.taps)
}

// run computes len(dst)/nch output frames, from output frame from on, into
// dst. x holds input frames from x0 on, in float64, interleaved with nch
// channels: at least the window of those output frames. scratch is
// k.scratch(), not shared with another goroutine.
func (k *kernel) run(dst []float32, from int64, x []float64, x0 int64, nch int, scratch []float64) {
	taps := k.taps
	var h []float64
	for f := 0; f < len(dst)/nch; f++ {
		// Output n is at input time n·m/l = ⌊n·m/l⌋ + rem/l; its first tap
		// is input frame ⌊n·m/l⌋-taps/2+1, frame i of x.
		pos := (from + int64(f)) * int64(k.m)
		i := int(pos/int64(k.l) - int64(taps/2) + 1 - x0)
		rem := int(pos % int64(k.l))
		if k.exact {
			h = k.table[rem*taps : rem*taps+taps]
		} else {
			q := int64(rem) * int64(k.phases)
			p := int(q / int64(k.l))
			frac := float64(q%int64(k.l)) / float64(k.l)
			h0 := k.table[p*taps : p*taps+taps]
			h1 := k.table[(p+1)*taps : (p+2)*taps]
			for j := range scratch {
				scratch[j] = h0[j] + frac*(h1[j]-h0[j])
			}
			h = scratch
		}
		y := dst[f*nch : f*nch+nch]
		switch nch {
		case 1:
			y[0] = float32(dot(x[i:i+taps], h))
		case 2:
			l, r := dot2(x[2*i:2*(i+taps)], h)
			y[0], y[1] = float32(l), float32(r)
		default:
			for c := range y {
				var s float64
				for j, v := range h {
					s += x[(i+j)*nch+c] * v
				}
				y[c] = float32(s)
			}
		}
	}
}

// dot returns the dot product of x and h, whose common length is a multiple
// of 4.
func dot(x, h []float64) float64 {
	var s0, s1, s2, s3 float64
	x = x[:len(h)]
	for j := 0; j+4 <= len(h); j += 4 {
		xj, hj := x[j:j+4:j+4], h[j:j+4:j+4]
		s0 += xj[0] * hj[0]
		s1 += xj[1] * hj[1]
		s2 += xj[2] * hj[2]
		s3 += xj[3] * hj[3]
	}
	return (s0 + s1) + (s2 + s3)
}

// dot2 returns the dot products of h with the left and right channels of the
// interleaved stereo x (len(x) == 2·len(h), len(h) even).
func dot2(x, h []float64) (l, r float64) {
	var l0, l1, r0, r1 float64
	x = x[:2*len(h)]
	for j := 0; j+2 <= len(h); j += 2 {
		hj, xj := h[j:j+2:j+2], x[2*j:2*j+4:2*j+4]
		l0 += xj[0] * hj[0]
		r0 += xj[1] * hj[0]
		l1 += xj[2] * hj[1]
		r1 += xj[3] * hj[1]
	}
	return l0 + l1, r0 + r1
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the modified Bessel function of the first kind, order 0, by its
// power series (which converges quickly for the arguments a Kaiser window
// needs, up to about 15).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1.0; term > sum*1e-17; k++ {
		term *= q / (k * k)
		sum += term
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
