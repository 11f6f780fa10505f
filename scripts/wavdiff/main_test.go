package main

import (
	"io"
	"math"
	"strings"
	"testing"

	"gridbox/audio"
)

func stereo(vals ...float32) *audio.Buffer {
	return &audio.Buffer{Rate: 48000, Channels: 2, Data: vals}
}

func TestCompare(t *testing.T) {
	sum := stereo(0.5, -0.25, 0.75, 1)          // a sum of 4 inputs
	mix := stereo(0.125, -0.0625, 0.1875, 0.25) // sox -m's mix: each input × 1/4
	pcm := &audio.Buffer{Rate: 48000, Channels: 2, PCM16: []int16{4096, -2048, 6144, 8192}}
	for _, c := range []struct {
		name string
		a, b *audio.Buffer
		o    options
		want int
		says string
	}{
		{"equal", sum, sum, options{tol: 1e-6, scale: 1}, 0, "identical"},
		{"scaled as sox -m", sum, mix, options{tol: 1e-6, scale: 0.25}, 0, "identical"},
		{"scaled, 16-bit B", sum, pcm, options{tol: 0, scale: 0.25}, 0, "identical"},
		{"unscaled differs", sum, mix, options{tol: 1e-6, scale: 1}, 1, "4 of 4 samples differ"},
		{"within tolerance", sum, stereo(0.5, -0.25, 0.75, 1.0000005), options{tol: 1e-6, scale: 1}, 0, "1 of 4 samples differ"},
		{"beyond tolerance", sum, stereo(0.5, -0.25, 0.75, 1.00001), options{tol: 1e-6, scale: 1}, 1, "max |diff| 1e-05"},
		{"a dropped frame", sum, stereo(0.5, -0.25), options{tol: 1, scale: 1}, 1, "formats differ"},
		{"silence proves nothing", stereo(0, 0), stereo(0, 0), options{scale: 1, minPeak: 1e-3}, 1, "too quiet"},
		{"loud enough", sum, mix, options{scale: 0.25, minPeak: 0.25}, 0, "peak |A| 1, |B| 0.25"},
	} {
		var out strings.Builder
		if got := compare(&out, c.a, c.b, c.o); got != c.want || !strings.Contains(out.String(), c.says) {
			t.Errorf("%s: status %d, want %d; said %q, want it to say %q", c.name, got, c.want, out.String(), c.says)
		}
	}
	if got := compare(io.Discard, sum, stereo(0.5, -0.25, 0.75, float32(math.NaN())), options{tol: 1, scale: 1}); got != 1 {
		t.Errorf("a NaN sample: status %d, want 1", got)
	}
}
