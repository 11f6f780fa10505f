package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// voiceKinds are engine.BenchmarkVoiceFrame's cases, in the order printed.
var voiceKinds = []string{"plain", "pitched", "fading"}

// voiceCounts are the voice counts measured, by the engine and FluidSynth.
var voiceCounts = []int{64, 256}

// coreFigure is one BenchmarkVoiceFrame case's result.
type coreFigure struct {
	wallNs, cpuNs float64 // per voice-frame; cpuNs is 0 where not measured
}

// coreKey names a case: kind and voice count.
type coreKey struct {
	kind   string
	voices int
}

// benchCore runs the engine's BenchmarkVoiceFrame (each case checks its own
// output before it is timed and fails the run if it is wrong), echoes its
// output and returns the figures.
func benchCore(cfg *config, r *report) map[coreKey]coreFigure {
	fmt.Fprintf(r.w, "\n== render core: ns per voice-frame, 48 kHz, 128-frame blocks (go test -bench VoiceFrame ./engine) ==\n")
	args := []string{"test", "-run", "^$", "-bench", "^BenchmarkVoiceFrame$", "-count", "1", "-benchtime", cfg.benchtime, "./engine"}
	cmd := exec.Command("go", args...)
	cmd.Dir = cfg.root
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, r.w)
	cmd.Stderr = r.w
	if _, err := runChild(cmd); err != nil {
		r.fail("go test -bench VoiceFrame ./engine: %v (a case whose output is wrong fails the run: see above)", err)
		return nil
	}
	figs := parseCore(out.Bytes())
	for _, k := range voiceKinds {
		for _, n := range voiceCounts {
			if _, ok := figs[coreKey{k, n}]; !ok {
				r.fail("go test -bench VoiceFrame ./engine printed no figure for %s voices=%d", k, n)
			}
		}
	}
	return figs
}

// parseCore reads go test -bench lines such as
//
//	BenchmarkVoiceFrame/plain/voices=64-2  22426  52694 ns/op  1.832 cpu-ns/voice-frame  6.432 ns/voice-frame …
func parseCore(out []byte) map[coreKey]coreFigure {
	figs := map[coreKey]coreFigure{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkVoiceFrame/") {
			continue
		}
		parts := strings.Split(f[0], "/") // BenchmarkVoiceFrame, kind, voices=N[-procs]
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "voices=") {
			continue
		}
		v := strings.TrimPrefix(parts[2], "voices=")
		if i := strings.IndexByte(v, '-'); i >= 0 {
			v = v[:i]
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			continue
		}
		var fig coreFigure
		for i := 2; i+1 < len(f); i += 2 { // value unit pairs after the iteration count
			x, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/voice-frame":
				fig.wallNs = x
			case "cpu-ns/voice-frame":
				fig.cpuNs = x
			}
		}
		if fig.wallNs > 0 {
			figs[coreKey{parts[1], n}] = fig
		}
	}
	return figs
}
