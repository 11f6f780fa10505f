package starter

import (
	"math"
	"testing"
)

func TestDeterministicMathIsAccurate(t *testing.T) {
	n := newNoise(1)
	for range 100000 {
		x := float64(n.white() * 20)
		if got, want := sin2pi(x), math.Sin(2*math.Pi*x); math.Abs(got-want) > 1e-11 {
			t.Fatalf("sin2pi(%v) = %v, want %v", x, got, want)
		}
		if got, want := exp(x), math.Exp(x); math.Abs(got-want) > 1e-14*want {
			t.Fatalf("exp(%v) = %v, want %v", x, got, want)
		}
		if got, want := tanh(x/4), math.Tanh(x/4); math.Abs(got-want) > 1e-14 {
			t.Fatalf("tanh(%v) = %v, want %v", x/4, got, want)
		}
		y := exp(x)
		if got, want := ln(y), math.Log(y); math.Abs(got-want) > 1e-14*max(1, math.Abs(want)) {
			t.Fatalf("ln(%v) = %v, want %v", y, got, want)
		}
	}
	if got := mtof(69); got != 440 {
		t.Errorf("mtof(69) = %v, want 440", got)
	}
	if got := mtof(57); math.Abs(got-220) > 1e-12 {
		t.Errorf("mtof(57) = %v, want 220", got)
	}
	if exp(-800) != 0 || !math.IsInf(exp(800), 1) || !math.IsNaN(ln(-1)) || !math.IsInf(ln(0), -1) {
		t.Error("exp/ln edge cases")
	}
	if got := sweep(100, 1000, 0.5); math.Abs(got-math.Sqrt(100*1000)) > 1e-9 {
		t.Errorf("sweep(100, 1000, 0.5) = %v", got)
	}
}
