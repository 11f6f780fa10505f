package starter

import "math"

// Deterministic math.
//
// The samples must come out bit-identical on every machine and GOARCH (a test
// pins their SHA-256), so the synthesis code follows two rules:
//
//  1. No math.Sin, Cos, Exp, Pow, Log or Tanh: their results may differ in the
//     last bit between architectures (amd64 has an assembly Exp and Log; the
//     pure-Go polynomials themselves get fused multiply-adds on arm64). The
//     functions below use only +, -, *, / and the exactly rounded math.Floor,
//     math.Round, math.Abs, math.Sqrt and math.Ldexp.
//  2. Every product that feeds an addition or subtraction is wrapped in an
//     explicit float64() conversion. The Go spec lets the compiler fuse x*y+z
//     into one FMA instruction (arm64, ppc64le, s390x, riscv64 and amd64 v3 do),
//     which skips the rounding of x*y; an explicit conversion forces that
//     rounding and so forbids the fusion. Inlining joins expressions across
//     calls, so small functions also round a product they return (mtof) and
//     an argument that may be one (sin2pi, exp, ln). TestNoFusedMultiplyAdd
//     checks the compiled code for arm64 and amd64 v3 (ppc64le, s390x and
//     riscv64 were checked by hand the same way).
//
// On top of that, the final samples are quantized to the 16-bit grid, so a
// last-bit difference could only matter if it crossed a rounding boundary.

const (
	twoPi = 2 * math.Pi
	ln2   = math.Ln2
	ln10  = math.Ln10

	// ln2 split in two (Cody–Waite), so that k·ln2Hi is exact for |k| < 2^20.
	ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
)

// Taylor coefficients of sin t = t·(1 + t²·(s3 + t²·(s5 + …))), for t ≤ π/2.
// The truncation error is below 1e-11, far under the 16-bit step (3e-5).
var sinCoeffs = [...]float64{
	1.0 / 355687428096000, // 1/17!
	-1.0 / 1307674368000,  // -1/15!
	1.0 / 6227020800,      // 1/13!
	-1.0 / 39916800,       // -1/11!
	1.0 / 362880,          // 1/9!
	-1.0 / 5040,           // -1/7!
	1.0 / 120,             // 1/5!
	-1.0 / 6,              // -1/3!
	1,
}

// sin2pi returns sin(2πx) for a phase x in cycles (any finite value).
func sin2pi(x float64) float64 {
	x = float64(x)     // round an inlined caller's product before it meets a sum (rule 2)
	x -= math.Floor(x) // [0, 1)
	neg := false
	if x >= 0.5 { // sin(2π(x+½)) = -sin(2πx)
		x -= 0.5
		neg = true
	}
	if x > 0.25 { // mirror around the peak: sin(2π(½-x)) = sin(2πx)
		x = 0.5 - x
	}
	t := float64(x * twoPi) // [0, π/2]
	t2 := float64(t * t)
	p := 0.0
	for _, c := range sinCoeffs {
		p = float64(p*t2) + c
	}
	s := float64(t * p)
	if neg {
		return -s
	}
	return s
}

// cos2pi returns cos(2πx) for a phase x in cycles.
func cos2pi(x float64) float64 { return sin2pi(float64(x) + 0.25) }

// tan returns tan(πx) for 0 ≤ x < ½ (used for filter coefficients).
func tanPi(x float64) float64 { return sin2pi(x/2) / cos2pi(x/2) }

// exp returns e^x. Values below -700 give 0 and above 700 give +Inf.
func exp(x float64) float64 {
	x = float64(x) // rule 2, as in sin2pi
	switch {
	case x != x:
		return x
	case x < -700:
		return 0
	case x > 700:
		return math.Inf(1)
	}
	// x = k·ln2 + r with |r| ≤ ln2/2, then e^x = 2^k · e^r with e^r as a Taylor polynomial
	// (degree 14: error below 1e-17 for |r| ≤ 0.35).
	k := math.Round(float64(x * (1 / ln2)))
	r := float64(x-float64(k*ln2Hi)) - float64(k*ln2Lo)
	p := 1.0
	for n := 14; n >= 1; n-- {
		p = float64(float64(p*r)/float64(n)) + 1
	}
	return math.Ldexp(p, int(k))
}

// ln returns the natural logarithm of x > 0: x = m·2^e with m in [√½, √2),
// ln m = 2·atanh(z) with z = (m-1)/(m+1), |z| < 0.172, as an odd series to z^23.
func ln(x float64) float64 {
	x = float64(x) // rule 2, as in sin2pi
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	m, e := math.Frexp(x) // m in [½, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	z := (m - 1) / (m + 1)
	z2 := float64(z * z)
	p := 0.0
	for n := 23; n >= 3; n -= 2 {
		p = float64(p*z2) + 1/float64(n)
	}
	s := float64(float64(z*z2)*p) + z // atanh(z) = z + z³/3 + z⁵/5 + …
	fe := float64(e)
	return float64(fe*ln2Hi) + float64(float64(2*s)+float64(fe*ln2Lo))
}

// tanh returns the hyperbolic tangent of x, a soft clipper.
func tanh(x float64) float64 {
	a := math.Abs(x)
	if a > 20 {
		return math.Copysign(1, x)
	}
	t := 1 - 2/(exp(2*a)+1)
	return math.Copysign(t, x)
}

// pow2 returns 2^x.
func pow2(x float64) float64 { return exp(float64(x * ln2)) }

// dB converts decibels to a linear gain.
func dB(d float64) float64 { return exp(float64(d * (ln10 / 20))) }

// mtof returns the frequency in Hz of MIDI key k (69 = A4 = 440 Hz).
func mtof(k float64) float64 { return float64(440 * pow2((k-69)/12)) }
