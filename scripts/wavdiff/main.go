// Wavdiff compares two WAV files sample for sample: scripts/pi-test.sh uses it
// to check that the arm64 build renders what the amd64 build renders (issue 4).
//
// Usage:
//
//	go run ./scripts/wavdiff [-tol 1e-6] A.wav B.wav
//
// It prints one line: "identical" when every sample is bit-for-bit equal, else
// how many samples differ, the largest absolute difference and where it is.
// The exit status is 0 when the files have the same rate, channels and length
// and no sample differs by more than -tol, 1 when they do, 2 on a usage or
// read error.
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

func main() {
	tol := flag.Float64("tol", 1e-6, "largest absolute difference allowed between two samples")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wavdiff [-tol T] A.wav B.wav")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	a, err := load(flag.Arg(0))
	if err == nil {
		var b *audio.Buffer
		if b, err = load(flag.Arg(1)); err == nil {
			os.Exit(compare(os.Stdout, a, b, *tol))
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

// compare reports on w how a and b differ and returns the exit status.
func compare(w io.Writer, a, b *audio.Buffer, tol float64) int {
	if a.Rate != b.Rate || a.Channels != b.Channels || a.Frames() != b.Frames() {
		fmt.Fprintf(w, "formats differ: %d Hz × %d ch × %d frames vs %d Hz × %d ch × %d frames\n",
			a.Rate, a.Channels, a.Frames(), b.Rate, b.Channels, b.Frames())
		return 1
	}
	x, y := a.Floats(), b.Floats()
	differ, worst, at := 0, 0.0, -1
	for i := range x {
		if math.Float32bits(x[i]) == math.Float32bits(y[i]) {
			continue
		}
		differ++
		if d := math.Abs(float64(x[i]) - float64(y[i])); d > worst || at < 0 {
			worst, at = d, i
		}
	}
	desc := fmt.Sprintf("%d Hz × %d ch × %d frames", a.Rate, a.Channels, a.Frames())
	if differ == 0 {
		fmt.Fprintf(w, "identical: %s, every sample bit-for-bit equal\n", desc)
		return 0
	}
	fmt.Fprintf(w, "%d of %d samples differ (%s); max |diff| %.3g at frame %d channel %d (%v vs %v), tolerance %.3g\n",
		differ, len(x), desc, worst, at/a.Channels, at%a.Channels, x[at], y[at], tol)
	if worst > tol || math.IsNaN(worst) {
		return 1
	}
	return 0
}
