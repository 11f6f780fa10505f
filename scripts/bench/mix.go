package main

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// mixCase is one set of input files that sox -m and gridbox render both mix.
type mixCase struct {
	label    string // for headings: "20 s files"
	dir      string
	set      string   // the gridbox set playing files
	files    []string // the inputs, in track order
	seconds  float64  // how much both tools render
	declared float64  // how long each file says it is
}

// mixResult is the best of the timed runs of each tool.
type mixResult struct {
	sox, gridbox usage
}

// benchMix mixes c's files with sox -m and with gridbox render, checks after
// every run that gridbox's render scaled by 1/n equals sox's mix, and returns
// the best figures of the runs. A mismatch is recorded in r as a failure
// and ends the case.
func benchMix(cfg *config, r *report, c mixCase) (mixResult, bool) {
	n := len(c.files)
	fmt.Fprintf(r.w, "\n== gridbox render vs sox -m: %d stereo 16-bit 48 kHz WAV files, %s, first %g s mixed to 32-bit float ==\n",
		n, c.label, c.seconds)
	if c.declared > c.seconds {
		if !checkLong(cfg, r, c) {
			return mixResult{}, false
		}
	}
	soxOut, gbOut := filepath.Join(c.dir, "sox.wav"), filepath.Join(c.dir, "gridbox.wav")
	secs := strconv.FormatFloat(c.seconds, 'f', -1, 64)
	soxArgs := append([]string{"-m"}, c.files...)
	soxArgs = append(soxArgs, "-b", "32", "-e", "floating-point", soxOut)
	if c.declared > c.seconds {
		soxArgs = append(soxArgs, "trim", "0", secs)
	}
	gbArgs := []string{"render", c.set, "--seconds", secs, "-o", gbOut}

	runSox := func() (usage, bool) {
		u, _, stderr, err := run(cfg.root, cfg.sox, soxArgs, "")
		if err == nil && strings.Contains(string(stderr), "clip") {
			err = fmt.Errorf("sox clipped: %s", strings.TrimSpace(string(stderr)))
		}
		if err != nil {
			r.fail("sox -m (%s): %v", c.label, err)
			return u, false
		}
		return u, true
	}
	// runGridbox renders and compares; the comparison is the point.
	runGridbox := func(first bool) (usage, bool) {
		u, _, _, err := run(cfg.root, cfg.gridbox, gbArgs, "")
		if err != nil {
			r.fail("gridbox render (%s): %v", c.label, err)
			return u, false
		}
		line, same, err := wavdiff(cfg, gbOut, soxOut, n)
		if err != nil {
			r.fail("comparing the renders (%s): %v", c.label, err)
			return u, false
		}
		if first || !same {
			fmt.Fprintf(r.w, "output: gridbox render × 1/%d vs sox -m, every sample of %g s (wavdiff -tol %g):\n  %s\n", n, c.seconds, compareTol, line)
		}
		if !same {
			r.fail("gridbox render × 1/%d differs from sox -m's mix (%s; wavdiff's report above)", n, c.label)
			return u, false
		}
		return u, true
	}

	// Every run's render is compared with sox's mix, and the first
	// comparison comes before any figure is used: no time is reported from a
	// render that played the wrong thing. The runs alternate, so both tools
	// see the same machine load; the inputs were just written, so both read
	// them from the page cache.
	var soxRuns, gbRuns []usage
	for i := range cfg.runs {
		u, ok := runSox()
		if !ok {
			return mixResult{}, false
		}
		soxRuns = append(soxRuns, u)
		if u, ok = runGridbox(i == 0); !ok {
			return mixResult{}, false
		}
		gbRuns = append(gbRuns, u)
	}
	fmt.Fprintf(r.w, "  PASS  equal within %g in each of the %d runs (the inputs peak at %g each: gridbox's sum of %d stays below full scale, so its limiter never acts, and sox -m cannot clip)\n",
		compareTol, cfg.runs, inputPeak(n), n)
	res := mixResult{sox: best(soxRuns), gridbox: best(gbRuns)}
	fmt.Fprintf(r.w, "cost, best of %d runs each (each figure the least of its runs):\n", cfg.runs)
	fmt.Fprintf(r.w, "  %-16s %14s %10s %12s\n", "", "CPU user+sys", "wall", "peak RSS")
	row := func(name string, u usage) {
		fmt.Fprintf(r.w, "  %-16s %12.3f s %8.3f s %12s\n", name, u.cpu.Seconds(), u.wall.Seconds(), mib(u.rss))
	}
	row("sox -m", res.sox)
	row("gridbox render", res.gridbox)
	fmt.Fprintf(r.w, "  %-16s %13.2f× %9.2f× %11.2f×\n", "gridbox / sox", ratio(res.gridbox.cpu.Seconds(), res.sox.cpu.Seconds()),
		ratio(res.gridbox.wall.Seconds(), res.sox.wall.Seconds()), ratio(float64(res.gridbox.rss), float64(res.sox.rss)))
	return res, true
}

// checkLong checks that sox and gridbox both see c's files at their
// declared length, sparse tail included.
func checkLong(cfg *config, r *report, c mixCase) bool {
	for _, f := range c.files {
		_, out, _, err := run(cfg.root, cfg.sox, []string{"--i", "-D", f}, "")
		d, perr := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err == nil && perr != nil {
			err = fmt.Errorf("sox --i -D said %q", out)
		}
		if err == nil && math.Abs(d-c.declared) > 1e-3 {
			err = fmt.Errorf("sox reads %s as %g s, want %g s", filepath.Base(f), d, c.declared)
		}
		if err != nil {
			r.fail("%s: %v", c.label, err)
			return false
		}
	}
	_, out, _, err := run(cfg.root, cfg.gridbox, []string{"check", c.set}, "")
	if err == nil {
		err = checkAudioSeconds(out, c.declared*float64(len(c.files)))
	}
	if err != nil {
		r.fail("%s: %v", c.label, err)
		return false
	}
	fmt.Fprintf(r.w, "  ok    sox --i and gridbox check both read every file as %g s (%g s of signal, then a sparse tail of zeros)\n",
		c.declared, c.seconds)
	return true
}

// checkAudioSeconds checks gridbox check's summary line ("… (19200.0 s of
// audio, …") against the total length the files declare.
func checkAudioSeconds(out []byte, want float64) error {
	m := regexp.MustCompile(`([0-9.]+) s of audio`).FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("gridbox check did not say how much audio it read: %q", strings.TrimSpace(string(out)))
	}
	if got, err := strconv.ParseFloat(string(m[1]), 64); err != nil || math.Abs(got-want) > 0.05 {
		return fmt.Errorf("gridbox check reads %s s of audio, want %g s", m[1], want)
	}
	return nil
}

// compareTol is the largest difference allowed between a sample of
// gridbox's scaled render and sox's mix: a 30th of a 16-bit step at full
// scale (3.1e-5), two steps of one input after sox's 1/64. Sums of 16-bit
// inputs below full scale are exact in gridbox's float32 and in sox's
// 32-bit integers, so today the two are equal bit for bit.
const compareTol = 1e-6

// wavdiff runs scripts/wavdiff on gridbox's render a of n files (scaled by
// 1/n) and sox's mix b and returns its report line and whether they are
// equal.
func wavdiff(cfg *config, a, b string, n int) (string, bool, error) {
	args := []string{"-tol", fmt.Sprint(compareTol), "-scale", fmt.Sprint(1 / float64(n)),
		"-min-peak", fmt.Sprint(inputPeak(n) / 10), a, b}
	_, out, _, err := run(cfg.root, cfg.wavdiffBin, args, "")
	line := strings.TrimSpace(string(out))
	if err != nil {
		if st, ok := exitCode(err); ok && st == 1 {
			return line, false, nil
		}
		return line, false, err
	}
	return line, true, nil
}

func ratio(a, b float64) float64 {
	if b <= 0 || a < 0 {
		return math.NaN()
	}
	return a / b
}
