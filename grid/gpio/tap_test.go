package gpio

import (
	"math"
	"testing"
	"time"
)

// taps runs a Tapper over taps at the given offsets from t0 and returns what
// each tap returned (ok false as -1).
func taps(offsets ...time.Duration) []float64 {
	var tp Tapper
	out := make([]float64, len(offsets))
	for i, o := range offsets {
		bpm, ok := tp.Tap(t0.Add(o))
		if !ok {
			bpm = -1
		}
		out[i] = bpm
	}
	return out
}

func TestTapper(t *testing.T) {
	s := time.Second
	for _, c := range []struct {
		name string
		taps []time.Duration
		want []float64
	}{
		{"steady 120", []time.Duration{0, 500 * ms, s, 1500 * ms}, []float64{-1, 120, 120, 120}},
		// intervals 1000, 500, 500, 500, 500: the average of the last four
		{"last four intervals", []time.Duration{0, s, 1500 * ms, 2 * s, 2500 * ms, 3 * s},
			[]float64{-1, 60, 80, 90, 96, 120}},
		{"average, not last", []time.Duration{0, 400 * ms, 1000 * ms, 1400 * ms}, // 400, 600, 400
			[]float64{-1, 150, 120, 60 / (1.4 / 3)}},
		{"2 s gap starts over", []time.Duration{0, 500 * ms, 2500 * ms, 3 * s}, []float64{-1, 120, -1, 120}},
		{"just under 2 s counts, clamped", []time.Duration{0, 2*s - time.Nanosecond}, []float64{-1, MinBPM}},
		{"too fast", []time.Duration{0, 100 * ms, 200 * ms}, []float64{-1, MaxBPM, MaxBPM}},
		{"just under the top", []time.Duration{0, 201 * ms}, []float64{-1, 60 / 0.201}},
		{"same instant", []time.Duration{0, 0}, []float64{-1, MaxBPM}},
		{"backwards starts over", []time.Duration{0, 500 * ms, 400 * ms, 900 * ms}, []float64{-1, 120, -1, 120}},
		{"slow taps average up", []time.Duration{0, 1900 * ms, 2500 * ms}, []float64{-1, MinBPM, 60 / 1.25}},
	} {
		got := taps(c.taps...)
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("%s: taps %v gave %v, want %v", c.name, c.taps, got, c.want)
				break
			}
		}
	}
}

func TestTapper_Reset(t *testing.T) {
	var tp Tapper
	tp.Tap(t0)
	tp.Tap(t0.Add(500 * ms))
	tp.Reset()
	if _, ok := tp.Tap(t0.Add(time.Second)); ok {
		t.Fatal("the first tap after Reset gave a tempo")
	}
	if bpm, ok := tp.Tap(t0.Add(1250 * ms)); !ok || bpm != 240 {
		t.Fatalf("second tap after Reset: %v, %t; want 240 (the old taps forgotten)", bpm, ok)
	}
}
