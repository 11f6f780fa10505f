package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gridbox/audio/wav"
	"gridbox/midifile/midifiletest"
)

// targetSongRatio is issue 12's: gridbox render's CPU time over fluidsynth
// -F's for the same MIDI file and SoundFont.
const targetSongRatio = 0.5

// The song: songBars bars of 4/4 at 120 BPM, then songTail seconds for the
// releases, which both renders run to.
const (
	songBars = 16
	songTail = 2.0
)

// songPart is one channel of the song: its General MIDI program and how
// it plays each bar of a chord (its notes as offsets in 16ths, lengths
// in 16ths and keys).
type songPart struct {
	ch, prog uint8
	play     func(chord [4]uint8, bar int) []songNote
}

type songNote struct {
	at, len int // 16ths into the bar
	key     uint8
	vel     uint8
}

// songParts is a dense General MIDI arrangement over C, Am, F, G: piano
// chords on every eighth, a string pad, a bass line, organ, brass stabs,
// a flute line, guitar arpeggios in sixteenths, vibraphone and drums. It
// keeps some 60 to 150 voices sounding in TimGM6mb.
var songParts = []songPart{
	{0, 0, func(c [4]uint8, _ int) (n []songNote) { // piano: a chord on each eighth
		for e := range 8 {
			for _, k := range c {
				n = append(n, songNote{2 * e, 2, k + 12, uint8(70 + 8*(e%2))})
			}
		}
		return n
	}},
	{1, 48, func(c [4]uint8, _ int) (n []songNote) { // strings: the chord held a bar
		for _, k := range c {
			n = append(n, songNote{0, 16, k, 80})
		}
		return n
	}},
	{2, 33, func(c [4]uint8, _ int) (n []songNote) { // bass: eighths on the root
		for e := range 8 {
			n = append(n, songNote{2 * e, 2, c[0] - 24 + 12*uint8(e%2), 100})
		}
		return n
	}},
	{3, 16, func(c [4]uint8, _ int) (n []songNote) { // organ: half notes
		for h := range 2 {
			for _, k := range c[1:] {
				n = append(n, songNote{8 * h, 8, k, 70})
			}
		}
		return n
	}},
	{4, 61, func(c [4]uint8, _ int) (n []songNote) { // brass: stabs on 2 and 4
		for _, b := range []int{4, 12} {
			for _, k := range c[:3] {
				n = append(n, songNote{b, 2, k + 12, 110})
			}
		}
		return n
	}},
	{5, 73, func(c [4]uint8, bar int) (n []songNote) { // flute: an eighth-note line
		for e := range 8 {
			n = append(n, songNote{2 * e, 2, c[(e+bar)%4] + 24, 90})
		}
		return n
	}},
	{6, 24, func(c [4]uint8, _ int) (n []songNote) { // guitar: sixteenth arpeggios
		for s := range 16 {
			n = append(n, songNote{s, 3, c[s%4] + 12, uint8(60 + 4*(s%4))})
		}
		return n
	}},
	{7, 11, func(c [4]uint8, _ int) (n []songNote) { // vibraphone: quarter notes
		for q := range 4 {
			n = append(n, songNote{4 * q, 4, c[3-q] + 24, 75})
		}
		return n
	}},
	{9, 0, func(_ [4]uint8, _ int) (n []songNote) { // drums: kick, snare, hats
		for e := range 8 {
			n = append(n, songNote{2 * e, 1, 42, 70})
			if e%4 == 0 {
				n = append(n, songNote{2 * e, 1, 36, 110})
			}
			if e%4 == 2 {
				n = append(n, songNote{2 * e, 1, 38, 100})
			}
		}
		return n
	}},
}

// songChords are the bars' chords, keys from the root up.
var songChords = [][4]uint8{{48, 52, 55, 60}, {45, 48, 52, 57}, {41, 45, 48, 53}, {43, 47, 50, 55}}

// songSMF returns the song as a format-1 Standard MIDI File at 480 ticks
// a quarter note (a 16th is 120 ticks): a tempo track, then a track per
// part, each ending songTail seconds after the last bar so that both
// renders run as long.
func songSMF() (smf []byte, notes int) {
	const q = 480
	end := uint32(songBars*4*q + songTail*2*q)
	tracks := [][]byte{midifiletest.Track(
		midifiletest.Tempo(0, 500000),                  // 120 BPM
		midifiletest.Ev(0, 0xff, 0x58, 4, 4, 2, 24, 8), // 4/4
		midifiletest.EOT(end),
	)}
	for _, p := range songParts {
		type ev struct {
			tick uint32
			b    []byte
		}
		var evs []ev
		if p.ch != 9 {
			evs = append(evs, ev{0, []byte{0xc0 | p.ch, p.prog}})
		}
		for bar := range songBars {
			for _, n := range p.play(songChords[bar%len(songChords)], bar) {
				on := uint32(bar*4*q + n.at*q/4)
				evs = append(evs, ev{on, []byte{0x90 | p.ch, n.key, n.vel}}, ev{on + uint32(n.len*q/4) - 1, []byte{0x80 | p.ch, n.key, 0}})
				notes++
			}
		}
		slices.SortStableFunc(evs, func(a, b ev) int { return int(a.tick) - int(b.tick) })
		var t [][]byte
		last := uint32(0)
		for _, e := range evs {
			t = append(t, midifiletest.Ev(e.tick-last, e.b...))
			last = e.tick
		}
		tracks = append(tracks, midifiletest.Track(append(t, midifiletest.EOT(end-last))...))
	}
	return midifiletest.File(1, q, tracks...), notes
}

// benchSong renders the song with fluidsynth -F and with gridbox render
// of the set gridbox import makes of it, on the same SoundFont. Before any
// timing it checks that the renders are alike: as long (within a 64-frame
// block), the first sound on the same frame (FluidSynth starts a block
// late), and their 10 ms RMS envelopes correlating at lag 0 above 0.9,
// better than at any other lag within ±100 ms (the notes fall on the same
// frames). Then CPU time (user+sys of the child), best of cfg.runs each,
// alternating so that the machine's load falls on both alike; the ratio of
// the bests against targetSongRatio, with each run pair's ratio beside it
// (their spread is the load's noise); and both programs' CPU ns per
// voice-frame at the song's peak voices (gridbox's count: both play the
// same regions of the same notes).
func benchSong(cfg *config, r *report) {
	fmt.Fprintf(r.w, "\n== A General MIDI song: fluidsynth -F and gridbox render of the same MIDI file and SoundFont ==\n")
	bin, err := exec.LookPath(cfg.fluid)
	if err != nil {
		fmt.Fprintf(r.w, "  SKIP  %s is not installed here (scripts/setup.sh --test installs fluidsynth and timgm6mb-soundfont)\n", cfg.fluid)
		return
	}
	if _, err := os.Stat(cfg.font); err != nil {
		fmt.Fprintf(r.w, "  SKIP  no SoundFont %s (scripts/setup.sh --test installs timgm6mb-soundfont)\n", cfg.font)
		return
	}
	dir := filepath.Join(cfg.work, "song")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.fail("song: %v", err)
		return
	}
	smf, notes := songSMF()
	mid := filepath.Join(dir, "song.mid")
	if err := os.WriteFile(mid, smf, 0o644); err != nil {
		r.fail("song: %v", err)
		return
	}
	set := filepath.Join(dir, "set")
	if _, _, _, err := run(dir, cfg.gridbox, []string{"import", mid, "-o", set, "--font", cfg.font}, ""); err != nil {
		r.fail("gridbox import: %v", err)
		return
	}
	fluidOut, ourOut := filepath.Join(dir, "fluid.wav"), filepath.Join(dir, "gridbox.wav")
	fluidArgs := append(append([]string{"-q", "-n", "-i", "-F", fluidOut, "-T", "wav", "-O", "float"}, fluidOpts...), cfg.font, mid)

	// Alike first (these runs also warm the page cache). FluidSynth goes
	// on 3 s past the file's end (silent from 96 dB down); gridbox renders
	// as long.
	if _, _, _, err := run(dir, bin, fluidArgs, ""); err != nil {
		r.fail("fluidsynth -F: %v", err)
		return
	}
	fl, err := readStereo(fluidOut)
	if err != nil {
		r.fail("fluidsynth -F: %v", err)
		return
	}
	seconds := strconv.FormatFloat(float64(len(fl[0]))/rate, 'f', -1, 64)
	ourArgs := []string{"render", filepath.Join(set, "song.toml"), "-o", ourOut, "--seconds", seconds}
	_, _, stderr, err := run(dir, cfg.gridbox, ourArgs, "")
	if err != nil {
		r.fail("gridbox render: %v", err)
		return
	}
	m := regexp.MustCompile(`peak voices ([0-9]+)`).FindSubmatch(stderr)
	if m == nil {
		r.fail("gridbox render: no peak voices in its report: %s", stderr)
		return
	}
	voices, _ := strconv.Atoi(string(m[1]))
	ours, err := readStereo(ourOut)
	if err == nil {
		err = songAlike(r, fl, ours)
	}
	if err != nil {
		r.fail("song: the renders differ: %v", err)
		return
	}
	frames := len(fl[0])

	var fu, gu []usage
	for range cfg.runs {
		u, _, _, err := run(dir, bin, fluidArgs, "")
		if err != nil {
			r.fail("fluidsynth -F: %v", err)
			return
		}
		fu = append(fu, u)
		u, _, _, err = run(dir, cfg.gridbox, ourArgs, "")
		if err != nil {
			r.fail("gridbox render: %v", err)
			return
		}
		gu = append(gu, u)
	}
	f, g := best(fu), best(gu)
	fmt.Fprintf(r.w, "  song: %d notes on 9 channels (drums on 10), %d bars at 120 BPM, rendered for %.1f s; %s\n",
		notes, songBars, float64(frames)/rate, filepath.Base(cfg.font))
	fmt.Fprintf(r.w, "  CPU user+sys of each child, best of %d runs each, alternating: fluidsynth -F %.3f s, gridbox render %.3f s (wall %.3f s and %.3f s)\n",
		cfg.runs, f.cpu.Seconds(), g.cpu.Seconds(), f.wall.Seconds(), g.wall.Seconds())
	fmt.Fprintf(r.w, "  run by run (each gridbox run over the fluidsynth run just before it): %s\n", pairRatios(fu, gu))
	vf := float64(voices) * float64(frames)
	fmt.Fprintf(r.w, "  peak voices %d (gridbox's count): CPU ns per voice-frame at the peak: fluidsynth %.1f, gridbox %.1f\n",
		voices, f.cpu.Seconds()*1e9/vf, g.cpu.Seconds()*1e9/vf)
	ratio := g.cpu.Seconds() / f.cpu.Seconds()
	r.target("gridbox render CPU time / fluidsynth -F's, the same song and SoundFont", fmt.Sprintf("%.2f×", ratio),
		fmt.Sprintf("≤ %.2f×", targetSongRatio), ratio <= targetSongRatio)
}

// pairRatios formats each gridbox run's CPU time over that of the
// fluidsynth run just before it, and their median: a run pair shares the
// machine's load, so the spread shows how much the load moved the best's
// ratio, which is the one gated.
func pairRatios(fu, gu []usage) string {
	var rs []float64
	var b strings.Builder
	for i := range min(len(fu), len(gu)) {
		rs = append(rs, gu[i].cpu.Seconds()/fu[i].cpu.Seconds())
		fmt.Fprintf(&b, "%.2f× ", rs[len(rs)-1])
	}
	if len(rs) == 0 {
		return "none"
	}
	slices.Sort(rs)
	m := rs[len(rs)/2]
	if len(rs)%2 == 0 {
		m = (rs[len(rs)/2-1] + m) / 2
	}
	fmt.Fprintf(&b, "(median %.2f×)", m)
	return b.String()
}

// songAlike checks that two renders of the song are alike (see benchSong).
func songAlike(r *report, fl, ours [2][]float64) error {
	if d := len(fl[0]) - len(ours[0]); d < -64 || d > 64 {
		return fmt.Errorf("fluidsynth rendered %d frames, gridbox %d", len(fl[0]), len(ours[0]))
	}
	first := func(x [2][]float64) int {
		for i := range x[0] {
			if x[0][i] != 0 || x[1][i] != 0 {
				return i
			}
		}
		return -1
	}
	a, b := first(fl), first(ours)
	if b < 0 || a-b < 0 || a-b > 65 {
		return fmt.Errorf("first sound at frame %d in fluidsynth's, %d in gridbox's (want FluidSynth's 64-frame block later at most)", a, b)
	}
	const win = rate / 100
	env := func(x [2][]float64) []float64 {
		var e []float64
		for w := 0; w+win <= len(x[0]); w += win {
			s := 0.0
			for i := w; i < w+win; i++ {
				s += x[0][i]*x[0][i] + x[1][i]*x[1][i]
			}
			e = append(e, math.Sqrt(s/win))
		}
		return e
	}
	ef, eo := env(fl), env(ours)
	n := min(len(ef), len(eo))
	corr := func(lag int) float64 {
		var x, y []float64
		for i := max(0, -lag); i < n && i+lag < n; i++ {
			x = append(x, ef[i])
			y = append(y, eo[i+lag])
		}
		return pearson(x, y)
	}
	c0, bestLag := corr(0), 0
	for lag := -10; lag <= 10; lag++ {
		if corr(lag) > corr(bestLag) {
			bestLag = lag
		}
	}
	fmt.Fprintf(r.w, "  ok    the renders are alike: %d and %d frames, first sound at frames %d and %d, 10 ms RMS envelopes correlating %.3f at lag 0 (best lag %d)\n",
		len(fl[0]), len(ours[0]), a, b, c0, bestLag)
	if c0 < 0.9 || bestLag != 0 {
		return fmt.Errorf("their 10 ms RMS envelopes correlate %.3f at lag 0, best at lag %d windows: want above 0.9, best at 0", c0, bestLag)
	}
	return nil
}

func pearson(a, b []float64) float64 {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma, mb = ma/n, mb/n
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// readStereo reads a stereo WAV file's channels.
func readStereo(path string) ([2][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return [2][]float64{}, err
	}
	defer f.Close()
	b, err := wav.Decode(f)
	if err != nil {
		return [2][]float64{}, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if b.Channels != 2 || b.Rate != rate {
		return [2][]float64{}, fmt.Errorf("%s: %d channels at %d Hz, want 2 at %d", filepath.Base(path), b.Channels, b.Rate, rate)
	}
	x := b.Floats()
	var out [2][]float64
	for c := range out {
		out[c] = make([]float64, b.Frames())
		for i := range out[c] {
			out[c][i] = float64(x[2*i+c])
		}
	}
	return out, nil
}
