package audio

import (
	"fmt"
	"gridbox/audio/internal/sinefit"
	"math"
	"testing"

	"gridbox/internal/cputime"
)

// sine returns frames of a sine at freq Hz and amplitude amp, sampled at rate,
// in every channel of a channels-channel Buffer.
func sine(rate, channels, frames int, freq, amp float64) *Buffer {
	b := &Buffer{Rate: rate, Channels: channels, Data: make([]float32, frames*channels)}
	for i := range frames {
		v := float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
		for c := range channels {
			b.Data[i*channels+c] = v
		}
	}
	return b
}

// fit least-squares fits a·sin + c·cos + d at freq to channel ch of b over
// frames [from, to) and returns the fitted amplitude and phase and the
// residual (everything that is not the fundamental: THD+N) relative to the
// fundamental, in dB.
func fit(b *Buffer, ch int, freq float64, from, to int) (amp, phase, thdn float64) {
	return sinefit.Fit(func(n int) float64 { return float64(b.Data[n*b.Channels+ch]) }, b.Rate, freq, from, to)
}

// rms returns the RMS level of channel ch over frames [from, to), in dB
// relative to full scale amplitude 1 (a full-scale sine is -3 dB).
func rms(b *Buffer, ch, from, to int) float64 {
	var s float64
	for n := from; n < to; n++ {
		v := float64(b.Data[n*b.Channels+ch])
		s += v * v
	}
	return 10 * math.Log10(s/float64(to-from))
}

// TestResampleTHDN is the acceptance test: a 1 kHz sine resampled between the
// common rates keeps THD+N far below -80 dB, measured by removing a
// least-squares fit of the fundamental over a window 0.1 s from either edge.
// The amplitude must come through unchanged and the phase unshifted.
func TestResampleTHDN(t *testing.T) {
	for _, c := range []struct {
		from, to int
		freq     float64
		max      float64 // dB
	}{
		{44100, 48000, 1000, -110},
		{48000, 44100, 1000, -110},
		{22050, 48000, 1000, -110},
		{96000, 48000, 1000, -110},
		{48000, 96000, 1000, -110},
		{44100, 48000, 19000, -110}, // top of the passband
		{48000, 44100, 19000, -110},
		{44100, 47999, 1000, -110}, // awkward ratio: interpolated phases
		{44100, 47999, 19000, -110},
		{44056, 48000, 5000, -110}, // awkward ratio: interpolated phases
		{8000, 44100, 1000, -110},
		{192000, 44100, 1000, -110},
	} {
		t.Run(fmt.Sprintf("%d→%d/%.0fHz", c.from, c.to, c.freq), func(t *testing.T) {
			in := sine(c.from, 1, c.from, c.freq, 0.5) // 1 s
			out := Resample(in, c.to)
			edge := c.to / 10
			amp, phase, thdn := fit(out, 0, c.freq, edge, out.Frames()-edge)
			t.Logf("THD+N %.1f dB, amplitude %.7f, phase %.2g rad", thdn, amp, phase)
			if thdn > c.max {
				t.Errorf("THD+N %.1f dB, want below %.0f dB", thdn, c.max)
			}
			if math.Abs(amp-0.5) > 0.5*1e-5 {
				t.Errorf("amplitude %.7f, want 0.5 (±0.0001 dB)", amp)
			}
			if math.Abs(phase) > 1e-5 {
				t.Errorf("phase %.3g rad, want 0 (no time shift)", phase)
			}
		})
	}
}

// TestResampleAntiAliasing: tones above the new Nyquist frequency are removed
// rather than folded down (30 kHz at 96 kHz would alias to 18 kHz at
// 48 kHz), and upsampling makes no images.
func TestResampleAntiAliasing(t *testing.T) {
	for _, c := range []struct {
		from, to int
		freq     float64
		max      float64 // output level relative to the input's, dB
	}{
		{96000, 48000, 30000, -110},
		{96000, 48000, 24500, -100}, // just past the stopband edge
		{48000, 44100, 23000, -110},
		{96000, 44100, 40000, -110},
	} {
		in := sine(c.from, 1, c.from/2, c.freq, 0.5)
		out := Resample(in, c.to)
		edge := c.to / 10
		level := rms(out, 0, edge, out.Frames()-edge) - rms(in, 0, edge, in.Frames()-edge)
		t.Logf("%d→%d, %.0f Hz: %.1f dB", c.from, c.to, c.freq, level)
		if level > c.max {
			t.Errorf("%d→%d: a %.0f Hz tone came through at %.1f dB, want below %.0f dB", c.from, c.to, c.freq, level, c.max)
		}
	}
	// Upsampling 44.1→48 kHz: a 20 kHz tone must not make an image at
	// 44.1-20 = 24.1 kHz (above the output Nyquist, so it would fold to
	// 23.9 kHz). Everything but the 20 kHz tone is the image.
	in := sine(44100, 1, 44100, 20000, 0.5)
	out := Resample(in, 48000)
	_, _, thdn := fit(out, 0, 20000, 4800, 48000-4800)
	t.Logf("44100→48000, 20 kHz: image and noise at %.1f dB", thdn)
	if thdn > -100 {
		t.Errorf("44100→48000 at 20 kHz: THD+N %.1f dB, want below -100 dB", thdn)
	}
}

// TestResamplePassband: the passband is flat to 20 kHz at 44.1/48 kHz.
func TestResamplePassband(t *testing.T) {
	for _, c := range []struct{ from, to int }{{44100, 48000}, {48000, 44100}} {
		for _, f := range []float64{20, 100, 1000, 10000, 15000, 20000} {
			in := sine(c.from, 1, c.from/2, f, 0.5)
			out := Resample(in, c.to)
			edge := c.to / 20
			amp, _, _ := fit(out, 0, f, edge, out.Frames()-edge)
			if db := 20 * math.Log10(amp/0.5); math.Abs(db) > 1e-4 {
				t.Errorf("%d→%d at %.0f Hz: gain %.6f dB, want 0 ± 0.0001", c.from, c.to, f, db)
			}
		}
	}
}

// TestResampleLength: out frames = round(in·rate/inRate).
func TestResampleLength(t *testing.T) {
	for _, c := range []struct{ from, to, in, want int }{
		{44100, 48000, 44100, 48000},
		{44100, 48000, 1, 1}, // 1.088
		{44100, 48000, 147, 160},
		{44100, 48000, 100, 109}, // 108.84
		{48000, 44100, 100, 92},  // 91.875
		{96000, 48000, 3, 2},     // 1.5 rounds up
		{96000, 48000, 1, 1},     // 0.5 rounds up
		{48000, 96000, 0, 0},
		{22050, 48000, 1000, 2177}, // 2176.87
		{44100, 47999, 44100, 47999},
	} {
		out := Resample(&Buffer{Rate: c.from, Channels: 2, Data: make([]float32, 2*c.in)}, c.to)
		if out.Frames() != c.want || len(out.Data) != 2*c.want || out.Rate != c.to || out.Channels != 2 {
			t.Errorf("%d frames %d→%d: got %d frames (%d samples) at %d Hz, want %d", c.in, c.from, c.to, out.Frames(), len(out.Data), out.Rate, c.want)
		}
	}
}

// TestResampleDC: a constant resamples to the same constant (away from the
// edges, where silence is assumed outside the buffer).
func TestResampleDC(t *testing.T) {
	for _, c := range []struct{ from, to int }{{44100, 48000}, {48000, 44100}, {96000, 48000}, {22050, 48000}, {44100, 47999}, {192000, 8000}} {
		in := &Buffer{Rate: c.from, Channels: 1, Data: make([]float32, c.from/4)}
		for i := range in.Data {
			in.Data[i] = 0.75
		}
		out := Resample(in, c.to)
		edge := c.to / 20 // 50 ms: more than half the filter at 192→8 kHz
		var worst float64
		for _, v := range out.Data[edge : len(out.Data)-edge] {
			worst = max(worst, math.Abs(float64(v)/0.75-1))
		}
		t.Logf("%d→%d: worst DC gain error %.2g", c.from, c.to, worst)
		if worst > 1e-6 {
			t.Errorf("%d→%d: DC gain off by %.3g, want within 1e-6 (the acceptance bound is 1e-4)", c.from, c.to, worst)
		}
	}
}

// TestResampleClick: a click at input frame k peaks at output frame
// round(k·rate/inRate) exactly: Resample adds no delay.
func TestResampleClick(t *testing.T) {
	for _, c := range []struct{ from, to int }{{44100, 48000}, {48000, 44100}, {22050, 48000}, {96000, 48000}, {48000, 96000}, {44100, 47999}} {
		for _, k := range []int{0, 1, 7, 500, 1001, 4409} {
			exact := float64(k) * float64(c.to) / float64(c.from)
			if math.Abs(exact-math.Floor(exact)-0.5) < 0.01 {
				continue // two output frames are equally close
			}
			in := &Buffer{Rate: c.from, Channels: 1, Data: make([]float32, 5000)}
			in.Data[k] = 1
			out := Resample(in, c.to)
			peak := 0
			for i, v := range out.Data {
				if math.Abs(float64(v)) > math.Abs(float64(out.Data[peak])) {
					peak = i
				}
			}
			if want := int(math.Round(exact)); peak != want {
				t.Errorf("%d→%d: click at %d peaks at %d, want %d", c.from, c.to, k, peak, want)
			}
		}
	}
}

// TestResampleStereo: channels are resampled independently: each matches
// resampling it alone, and a tone in one channel leaves the other exactly
// silent. Three channels (the generic path) behave the same way.
func TestResampleStereo(t *testing.T) {
	left := sine(44100, 1, 4410, 1000, 0.5)
	right := sine(44100, 1, 4410, 3000, 0.25)
	st := &Buffer{Rate: 44100, Channels: 2, Data: make([]float32, 2*4410)}
	for i := range 4410 {
		st.Data[2*i] = left.Data[i]
		st.Data[2*i+1] = right.Data[i]
	}
	out := Resample(st, 48000)
	l, r := Resample(left, 48000), Resample(right, 48000)
	// Stereo sums in a different order than mono, so allow float64 rounding
	// (far below float32's resolution).
	for i := range out.Frames() {
		if math.Abs(float64(out.Data[2*i]-l.Data[i])) > 1e-9 || math.Abs(float64(out.Data[2*i+1]-r.Data[i])) > 1e-9 {
			t.Fatalf("frame %d: stereo (%v, %v), mono (%v, %v)", i, out.Data[2*i], out.Data[2*i+1], l.Data[i], r.Data[i])
		}
	}
	half := &Buffer{Rate: 44100, Channels: 2, Data: make([]float32, 2*4410)}
	for i := range 4410 {
		half.Data[2*i] = left.Data[i]
	}
	out = Resample(half, 48000)
	for i := range out.Frames() {
		if out.Data[2*i+1] != 0 {
			t.Fatalf("frame %d: silent right channel became %v", i, out.Data[2*i+1])
		}
	}

	three := &Buffer{Rate: 44100, Channels: 3, Data: make([]float32, 3*4410)}
	for i := range 4410 {
		three.Data[3*i] = left.Data[i]
		three.Data[3*i+2] = right.Data[i]
	}
	out = Resample(three, 48000)
	for i := range out.Frames() {
		if math.Abs(float64(out.Data[3*i]-l.Data[i])) > 1e-9 || out.Data[3*i+1] != 0 || math.Abs(float64(out.Data[3*i+2]-r.Data[i])) > 1e-9 {
			t.Fatalf("frame %d of 3: %v, want (%v, 0, %v)", i, out.Data[3*i:3*i+3], l.Data[i], r.Data[i])
		}
	}
}

// TestResampleParallel: a buffer big enough to be split between goroutines
// gives the same samples as resampling it in pieces would, at the seams.
func TestResampleParallel(t *testing.T) {
	in := sine(44100, 2, 44100*3, 440, 0.5)
	out := Resample(in, 48000)
	_, _, thdn := fit(out, 1, 440, 4800, out.Frames()-4800)
	if thdn > -110 {
		t.Errorf("THD+N %.1f dB over a 3 s stereo buffer", thdn)
	}
}

func TestResampleSameRate(t *testing.T) {
	b := sine(48000, 2, 10, 1000, 0.5)
	if Resample(b, 48000) != b {
		t.Error("Resample to the same rate did not return b itself")
	}
	orig := append([]float32(nil), b.Data...)
	_ = Resample(b, 44100)
	for i := range orig {
		if b.Data[i] != orig[i] {
			t.Fatal("Resample modified its input")
		}
	}
}

func TestResamplePanics(t *testing.T) {
	src := newBufSource(noise(48000, 2, 10, 1))
	for name, f := range map[string]func(){
		"nil":         func() { Resample(nil, 48000) },
		"zero rate":   func() { Resample(&Buffer{Rate: 44100, Channels: 1}, 0) },
		"zero input":  func() { Resample(&Buffer{Rate: 0, Channels: 1}, 48000) },
		"no channels": func() { Resample(&Buffer{Rate: 44100}, 48000) },
		"half frame":  func() { Resample(&Buffer{Rate: 44100, Channels: 2, Data: make([]float32, 3)}, 48000) },
		"ratio":       func() { Resample(&Buffer{Rate: 768000, Channels: 1}, 100) },

		"NewResampler zero rate":   func() { NewResampler(src, 44100, 0) },
		"NewResampler zero input":  func() { NewResampler(src, 0, 48000) },
		"NewResampler no channels": func() { NewResampler(newBufSource(&Buffer{Rate: 44100}), 44100, 48000) },
		"NewResampler ratio":       func() { NewResampler(src, 768000, 100) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// BenchmarkResample converts 60 s of stereo audio between the common rates
// (44.1→48 kHz is the conversion a set typically needs; the target is well
// under 2 s) and an awkward ratio that takes the interpolated-phase path. It
// reports wall time per conversion, speed as a multiple of real time, and
// CPU seconds per conversion (all CPUs together), which stays meaningful on a
// loaded machine.
func BenchmarkResample(b *testing.B) {
	for _, c := range []struct{ from, to int }{{44100, 48000}, {48000, 44100}, {44100, 47999}} {
		b.Run(fmt.Sprintf("60s_stereo_%d_to_%d", c.from, c.to), func(b *testing.B) {
			in := sine(c.from, 2, 60*c.from, 1000, 0.5)
			cpu := cputime.Self()
			for b.Loop() {
				Resample(in, c.to)
			}
			cpu = cputime.Self() - cpu
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/op")
			b.ReportMetric(60*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
			if cpu > 0 {
				b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			}
		})
	}
}

// TestFreeReturnsSampleMemory: buffers from sample memory can be freed (the
// loader frees a sample's original once it is resampled); freeing a Go-heap
// buffer does nothing.
func TestFreeReturnsSampleMemory(t *testing.T) {
	big := &Buffer{Rate: 44100, Channels: 1, PCM16: MakePCM16(1 << 20)}
	for i := range big.PCM16 {
		big.PCM16[i] = int16(i)
	}
	r := Resample(big, 48000)
	Free(big)
	if big.PCM16 != nil || big.Data != nil {
		t.Fatal("Free left the samples in the Buffer")
	}
	arena.Lock()
	n := len(arena.sizes)
	arena.Unlock()
	Free(r)
	arena.Lock()
	m := len(arena.sizes)
	arena.Unlock()
	if m != n-1 {
		t.Fatalf("sample memory allocations %d before freeing the resampled buffer, %d after", n, m)
	}
	small := &Buffer{Rate: 48000, Channels: 1, Data: MakeSamples(10)}
	Free(small) // Go heap: nothing to unmap
	if small.Data != nil {
		t.Fatal("Free kept a heap buffer's slice")
	}
}
