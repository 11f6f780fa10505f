package engine

import (
	"math"
	"testing"
)

// exp2 and sincos, the voice's per-tick pitch and filter arithmetic, are
// within 1e-7 and 1e-8 of math's over the ranges the voice uses them on.
func TestSoundFontFastMath(t *testing.T) {
	for x := -20.0; x <= 20; x += 0.001 {
		if got, want := exp2(x), math.Exp2(x); math.Abs(got-want) > 1e-7*want {
			t.Fatalf("exp2(%v) = %v, want %v", x, got, want)
		}
	}
	for w := 0.0; w <= math.Pi; w += 0.0001 {
		s, c := sincos(w)
		ws, wc := math.Sincos(w)
		if math.Abs(s-ws) > 1e-8 || math.Abs(c-wc) > 1e-8 {
			t.Fatalf("sincos(%v) = %v, %v, want %v, %v", w, s, c, ws, wc)
		}
	}
}
