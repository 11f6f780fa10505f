package sinefit

import (
	"math"
	"testing"
)

func TestFit(t *testing.T) {
	x := func(n int) float64 { return 0.5*math.Sin(2*math.Pi*1000*float64(n)/48000+0.3) + 0.01 }
	amp, phase, thdn := Fit(x, 48000, 1000, 0, 48000)
	if math.Abs(amp-0.5) > 1e-9 || math.Abs(phase-0.3) > 1e-9 || thdn > -200 {
		t.Fatalf("pure sine: amp %v phase %v THD+N %v dB", amp, phase, thdn)
	}
	noisy := func(n int) float64 { return x(n) + 0.005*math.Sin(2*math.Pi*3000*float64(n)/48000) }
	if _, _, thdn := Fit(noisy, 48000, 1000, 0, 48000); math.Abs(thdn-(-40)) > 0.1 {
		t.Fatalf("a 3rd harmonic at 1%%: THD+N %v dB, want -40", thdn)
	}
}
