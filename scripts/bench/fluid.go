package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gridbox/audio/wav"
	"gridbox/midifile/midifiletest"
)

// organ is the General MIDI program FluidSynth plays: 16, Drawbar Organ.
// In TimGM6mb it sounds one voice per note and sustains for as long as the
// note is held, so N held notes are N voices throughout (checked, not
// assumed: see fluidVoices and fluidSustains).
const organ = 16

// fluidOpts are the settings of every FluidSynth run: the sample rate of
// the engine figures, one core, no reverb or chorus (per-block costs that
// would not scale with voices anyway), and room for every note.
var fluidOpts = []string{"-r", "48000", "-o", "synth.cpu-cores=1", "-o", "synth.reverb.active=0",
	"-o", "synth.chorus.active=0", "-o", "synth.polyphony=1024"}

// note is a held MIDI note.
type note struct{ ch, key uint8 }

// heldNotes returns n distinct notes: keys 24..87 on channel 0, then the
// same keys on the next channels, skipping 9 (drums).
func heldNotes(n int) []note {
	var chans []uint8
	for c := uint8(0); c < 16; c++ {
		if c != 9 {
			chans = append(chans, c)
		}
	}
	notes := make([]note, n)
	for i := range notes {
		notes[i] = note{ch: chans[(i/64)%len(chans)], key: uint8(24 + i%64)}
	}
	return notes
}

// fluidFigure is FluidSynth's cost per voice-frame at one voice count.
type fluidFigure struct{ ns float64 }

// benchFluid renders held organ notes with fluidsynth -F at each of
// voiceCounts and at one voice, and returns the CPU time per voice-frame
// above the one-voice baseline (which holds loading the SoundFont and the
// per-block work). Before any timing it checks that the notes make exactly
// that many voices and that they sustain to the end. It returns nil, with a
// line saying why, where FluidSynth or the SoundFont is missing.
func benchFluid(cfg *config, r *report) map[int]fluidFigure {
	fmt.Fprintf(r.w, "\n== FluidSynth: fluidsynth -F of the same numbers of held notes, %g s ==\n", cfg.fluidSeconds)
	bin, err := exec.LookPath(cfg.fluid)
	if err != nil {
		fmt.Fprintf(r.w, "  SKIP  %s is not installed here (scripts/setup.sh --test installs fluidsynth and timgm6mb-soundfont)\n", cfg.fluid)
		return nil
	}
	if _, err := os.Stat(cfg.font); err != nil {
		fmt.Fprintf(r.w, "  SKIP  no SoundFont %s (scripts/setup.sh --test installs timgm6mb-soundfont)\n", cfg.font)
		return nil
	}
	dir := filepath.Join(cfg.work, "fluid")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.fail("fluidsynth: %v", err)
		return nil
	}
	counts := append([]int{1}, voiceCounts...)
	argv := map[int][]string{}
	frames := map[int]int{}
	// Checks first, untimed: the notes make as many voices, and the render
	// of them sustains to the end. The renders also warm the page cache.
	for _, n := range counts {
		notes := heldNotes(n)
		mid := filepath.Join(dir, fmt.Sprintf("v%d.mid", n))
		out := filepath.Join(dir, fmt.Sprintf("v%d.wav", n))
		if err := os.WriteFile(mid, smf(notes, organ, cfg.fluidSeconds), 0o644); err != nil {
			r.fail("fluidsynth: %v", err)
			return nil
		}
		if got, err := fluidVoices(cfg, bin, notes); err != nil || got != n {
			r.fail("fluidsynth: %d held notes of program %d in %s make %d voices, want %d%s", n, organ, filepath.Base(cfg.font), got, n, errSuffix(err))
			return nil
		}
		argv[n] = append(append([]string{"-q", "-n", "-i", "-F", out, "-T", "wav"}, fluidOpts...), cfg.font, mid)
		if _, _, _, err := run(cfg.root, bin, argv[n], ""); err != nil {
			r.fail("fluidsynth -F: %v", err)
			return nil
		}
		var err error
		if frames[n], err = fluidSustains(out, cfg.fluidSeconds); err != nil {
			r.fail("fluidsynth -F, %d notes: %v", n, err)
			return nil
		}
	}
	runs := map[int][]usage{}
	for range cfg.runs { // alternate, so every count sees the same machine load
		for _, n := range counts {
			u, _, _, err := run(cfg.root, bin, argv[n], "")
			if err != nil {
				r.fail("fluidsynth -F: %v", err)
				return nil
			}
			runs[n] = append(runs[n], u)
		}
	}
	cpu := map[int]float64{}
	for _, n := range counts {
		cpu[n] = best(runs[n]).cpu.Seconds()
	}
	fmt.Fprintf(r.w, "  ok    %s, program %d: every note is one voice (voice_count), and every render still sounds at full level 1 s before the notes end\n",
		filepath.Base(cfg.font), organ)
	figs := map[int]fluidFigure{}
	fmt.Fprintf(r.w, "  CPU user+sys, best of %d: 1 voice %.3f s", cfg.runs, cpu[1])
	for _, n := range voiceCounts {
		ns := (cpu[n] - cpu[1]) * 1e9 / float64((n-1)*frames[n])
		figs[n] = fluidFigure{ns: ns}
		fmt.Fprintf(r.w, "; %d voices %.3f s", n, cpu[n])
	}
	fmt.Fprintf(r.w, "\n  ns per voice-frame = (CPU(N voices) - CPU(1 voice)) / ((N-1) × frames): the baseline plays one of the N\n")
	return figs
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

// fluidVoices plays notes in FluidSynth's shell and returns its voice_count.
func fluidVoices(cfg *config, bin string, notes []note) (int, error) {
	var in strings.Builder
	progs := map[uint8]bool{}
	for _, nt := range notes {
		if !progs[nt.ch] {
			progs[nt.ch] = true
			fmt.Fprintf(&in, "prog %d %d\n", nt.ch, organ)
		}
	}
	for _, nt := range notes {
		fmt.Fprintf(&in, "noteon %d %d 80\n", nt.ch, nt.key)
	}
	in.WriteString("voice_count\nquit\n")
	args := append([]string{"-q", "-n", "-a", "file", "-o", "audio.file.name=" + os.DevNull}, fluidOpts...)
	args = append(args, cfg.font)
	_, out, _, err := run(cfg.root, bin, args, in.String())
	if err != nil {
		return 0, err
	}
	m := regexp.MustCompile(`voice_count: *([0-9]+)`).FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no voice_count in the shell's answer")
	}
	return strconv.Atoi(string(m[1]))
}

// fluidSustains checks a FluidSynth render of notes held for seconds: it
// lasts that long, is not silent, and sounds as loud just before the notes
// end (from 1.5 s to 0.5 s before) as in its second second: the notes did
// not decay or stop. It returns the number of frames rendered.
func fluidSustains(path string, seconds float64) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	b, err := wav.Decode(f)
	if err != nil {
		return 0, err
	}
	frames := b.Frames()
	if b.Rate != rate || frames < int((seconds-0.01)*rate) {
		return frames, fmt.Errorf("rendered %d frames at %d Hz, want %g s at %d Hz", frames, b.Rate, seconds, rate)
	}
	x := b.Floats()
	rms := func(from, to float64) float64 {
		s, n := 0.0, 0
		for i := int(from*rate) * b.Channels; i < int(to*rate)*b.Channels; i++ {
			s += float64(x[i]) * float64(x[i])
			n++
		}
		return math.Sqrt(s / float64(max(n, 1)))
	}
	early, late := rms(1, 2), rms(seconds-1.5, seconds-0.5)
	if !(early > 1e-4) || late < early/2 {
		return frames, fmt.Errorf("level %.3g in the second second, %.3g just before the end: the notes do not sustain", early, late)
	}
	return frames, nil
}

// smf returns a format-0 Standard MIDI File at 120 BPM that sets program
// prog on every channel it uses, holds notes from time 0 for seconds seconds
// at velocity 80, then releases them.
func smf(notes []note, prog uint8, seconds float64) []byte {
	const division = 480                         // ticks per quarter note; 960 per second at 120 BPM
	t := [][]byte{midifiletest.Tempo(0, 500000)} // 120 BPM
	ev := func(delta uint32, b ...byte) { t = append(t, midifiletest.Ev(delta, b...)) }
	progs := map[uint8]bool{}
	for _, n := range notes {
		if !progs[n.ch] {
			progs[n.ch] = true
			ev(0, 0xc0|n.ch, prog)
		}
	}
	for _, n := range notes {
		ev(0, 0x90|n.ch, n.key, 80)
	}
	delta := uint32(math.Round(seconds * 2 * division))
	for _, n := range notes {
		ev(delta, 0x80|n.ch, n.key, 64)
		delta = 0
	}
	return midifiletest.File(0, division, midifiletest.Track(append(t, midifiletest.EOT(0))...))
}
