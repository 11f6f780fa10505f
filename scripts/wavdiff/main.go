// Wavdiff compares two WAV files sample for sample: scripts/pi-test.sh uses it
// to check that the arm64 build renders what the amd64 build renders (issue 4),
// and scripts/bench to check that gridbox render mixes what sox -m mixes
// (issue 9).
//
// Usage:
//
//	go run ./scripts/wavdiff [-tol 1e-6] [-scale F] [-min-peak P] A.wav B.wav
//
// -scale multiplies every sample of A by F before the comparison: a sum of n
// files compares with sox -m's mix of them at F = 1/n, as sox -m scales each
// input by 1/n. -min-peak refuses a B quieter than P: two silent files are
// equal, and that proves nothing.
//
// It prints one line: "identical" when every sample (of A scaled, rounded to
// float32) is bit-for-bit equal to B's, else how many samples differ, the
// largest absolute difference and where it is; then the peak of each file.
// The exit status is 0 when the files have the same rate, channels and length,
// no sample differs by more than -tol and B peaks at -min-peak or more; 1 when
// not; 2 on a usage or read error.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"gridbox/audio"
	"gridbox/audio/wav"
)

// options are the comparison's flags.
type options struct {
	tol, scale, minPeak float64
}

func main() {
	var o options
	flag.Float64Var(&o.tol, "tol", 1e-6, "largest absolute difference allowed between two samples")
	flag.Float64Var(&o.scale, "scale", 1, "multiply A's samples by `F` before comparing (1/n for sox -m's mix of n files)")
	flag.Float64Var(&o.minPeak, "min-peak", 0, "fail unless B's largest |sample| is at least `P` (a silent comparison proves nothing)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wavdiff [-tol T] [-scale F] [-min-peak P] A.wav B.wav")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 || !(o.scale > 0) || math.IsInf(o.scale, 0) {
		flag.Usage()
		os.Exit(2)
	}
	a, err := load(flag.Arg(0))
	if err == nil {
		var b *audio.Buffer
		if b, err = load(flag.Arg(1)); err == nil {
			os.Exit(compare(os.Stdout, a, b, o))
		}
	}
	fmt.Fprintln(os.Stderr, "wavdiff:", err)
	os.Exit(2)
}

func load(name string) (*audio.Buffer, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := wav.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

// compare reports on w how a (scaled by o.scale) and b differ and returns
// the exit status.
func compare(w io.Writer, a, b *audio.Buffer, o options) int {
	if a.Rate != b.Rate || a.Channels != b.Channels || a.Frames() != b.Frames() {
		fmt.Fprintf(w, "formats differ: %d Hz × %d ch × %d frames vs %d Hz × %d ch × %d frames\n",
			a.Rate, a.Channels, a.Frames(), b.Rate, b.Channels, b.Frames())
		return 1
	}
	x, y := a.Floats(), b.Floats()
	differ, worst, at := 0, 0.0, -1
	peakA, peakB := 0.0, 0.0
	for i := range x {
		peakA, peakB = max(peakA, math.Abs(float64(x[i]))), max(peakB, math.Abs(float64(y[i])))
		xs := x[i]
		if o.scale != 1 {
			xs = float32(float64(x[i]) * o.scale)
		}
		if math.Float32bits(xs) == math.Float32bits(y[i]) {
			continue
		}
		differ++
		if d := math.Abs(float64(x[i])*o.scale - float64(y[i])); d > worst || at < 0 || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	desc := fmt.Sprintf("%d Hz × %d ch × %d frames", a.Rate, a.Channels, a.Frames())
	if o.scale != 1 {
		desc += fmt.Sprintf(", A scaled by %.6g", o.scale)
	}
	peaks := fmt.Sprintf("peak |A| %.4g, |B| %.4g", peakA, peakB)
	status := 0
	if differ == 0 {
		fmt.Fprintf(w, "identical: %s, every sample bit-for-bit equal; %s\n", desc, peaks)
	} else {
		fmt.Fprintf(w, "%d of %d samples differ (%s); max |diff| %.3g at frame %d channel %d (%v vs %v), tolerance %.3g; %s\n",
			differ, len(x), desc, worst, at/a.Channels, at%a.Channels, float32(float64(x[at])*o.scale), y[at], o.tol, peaks)
		if worst > o.tol || math.IsNaN(worst) {
			status = 1
		}
	}
	if peakB < o.minPeak || math.IsNaN(peakB) {
		fmt.Fprintf(w, "B peaks at %.4g, below -min-peak %.4g: too quiet for the comparison to mean anything\n", peakB, o.minPeak)
		status = 1
	}
	return status
}
