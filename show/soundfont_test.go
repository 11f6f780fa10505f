package show

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gridbox/show/showtest"
)

// gmFont is Debian's timgm6mb-soundfont, which scripts/setup.sh installs.
const gmFont = "/usr/share/sounds/sf2/TimGM6mb.sf2"

// sfSet plays, at 120 BPM (a beat is 24000 frames), a Drawbar Organ note
// (key 69, 440 Hz) at beat 1 for 4 beats and an Acoustic Grand Piano note
// (key 69) at beat 8 for a beat, from TimGM6mb.sf2 found in the system's
// SoundFont folder.
const sfSet = `tempo = 120
quantize = "1 bar"
[[scene]]
name = "A"
[[track]]
name = "Piano"
instrument = "piano"
  [[track.clip]]
  scene = 0
  length = "4 bars"
  notes = [{ at = 8, key = 69, len = 1, vel = 100 }]
[[track]]
name = "Organ"
instrument = "organ"
  [[track.clip]]
  scene = 0
  length = "4 bars"
  notes = [{ at = 1, key = 69, len = 4, vel = 127 }]
[[instrument]]
name = "piano"
kind = "soundfont"
file = "TimGM6mb.sf2"
program = "Acoustic Grand Piano"
[[instrument]]
name = "organ"
kind = "soundfont"
file = "TimGM6mb.sf2"
preset = 16
`

// renderSet renders set (with the script) in a new folder at 48 kHz and
// returns the left+right sum of every frame.
func renderSet(t *testing.T, set, script string) []float64 {
	t.Helper()
	dir := t.TempDir()
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), set)
	showtest.WriteFile(t, filepath.Join(dir, "script.perf"), script)
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	out := filepath.Join(dir, "out.wav")
	sf, _ := ParseSampleFormat("f32")
	if err := Render(e, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: filepath.Join(dir, "script.perf"), Out: out, Rate: 48000, Format: sf}); err != nil {
		t.Fatalf("render: %v\n%s", err, errb.String())
	}
	b := showtest.ReadWAV(t, out)
	x := make([]float64, b.Frames())
	for i := range x {
		x[i] = float64(b.Data[2*i]) + float64(b.Data[2*i+1])
	}
	return x
}

// cents measures the frequency of x's component near f over [from, to) as
// an offset from f in cents: from the drift of a sine fit's phase between
// two windows 0.05 s apart (unambiguous within ±10 Hz).
func cents(x []float64, f float64, from, to int) float64 {
	const win, gap = 4800, 2400
	var drift []float64
	for a := from; a+gap+win <= to; a += win {
		p1, p2 := phaseAt(x, f, a, a+win), phaseAt(x, f, a+gap, a+gap+win)
		d := math.Remainder(p2-p1, 2*math.Pi)
		drift = append(drift, d/(2*math.Pi)/(gap/48000.0))
	}
	slices.Sort(drift)
	df := drift[len(drift)/2] // the median: robust to a window at an attack
	return 1200 * math.Log2((f+df)/f)
}

// phaseAt returns the phase (at frame 0) of x's component at f over
// [from, to): its projection on a sine and a cosine, which is exact when
// the window holds whole periods of f (4800 frames hold 44 of 440 Hz).
func phaseAt(x []float64, f float64, from, to int) float64 {
	w := 2 * math.Pi * f / 48000
	var s, c float64
	for n := from; n < to; n++ {
		sn, cs := math.Sincos(w * float64(n))
		s += x[n] * sn
		c += x[n] * cs
	}
	return math.Atan2(c, s)
}

// A SoundFont instrument set up in a set sounds in a render: the piano
// note starts on its frame, both notes sound at the key's pitch, the
// organ's loop plays without a click, and everything is silent once the
// releases end (issue 12).
func TestSoundFontRender(t *testing.T) {
	if _, err := os.Stat(gmFont); err != nil {
		t.Skipf("%s is absent (scripts/setup.sh installs timgm6mb-soundfont): %v", gmFont, err)
	}
	const beat = 24000
	x := renderSet(t, sfSet, "0b scene 0\n16b end\n")

	// Onset: silence before beat 1, sound from its frame on (the organ's
	// sample begins with one zero point).
	first := slices.IndexFunc(x, func(v float64) bool { return v != 0 })
	if first < beat || first > beat+2 {
		t.Errorf("the organ note starts at frame %d, want %d", first, beat)
	}

	// Pitch. TimGM6mb's organ sample (root key 68) loops 2 periods in 212
	// points at 44.1 kHz: its key 69 is 3.07 cents sharp of 440 Hz in the
	// font itself. The piano's sample (root 83, 22.05 kHz, fineTune -48)
	// is in tune.
	organWant := 1200 * math.Log2(44100.0/106*math.Exp2(1.0/12)/440)
	organ := cents(x, 440, beat+4800, 5*beat)
	piano := cents(x, 440, 8*beat+2400, 9*beat)
	t.Logf("fundamental at key 69 against 440 Hz: organ %+.2f cents (its loop: %+.2f), piano %+.2f cents", organ, organWant, piano)
	if math.Abs(organ-organWant) > 0.2 {
		t.Errorf("organ: fundamental %+.2f cents from 440 Hz, want %+.2f (its loop's) within 0.2", organ, organWant)
	}
	if math.Abs(piano) > 3 {
		t.Errorf("piano: fundamental %+.2f cents from 440 Hz, want within 3", piano)
	}

	// No click where the organ's loop restarts (every 212 points: some
	// 870 times here): the largest step from one frame to the next in its
	// sustain is no more than twice the 99th percentile step (a click is
	// a lone outlier).
	var steps []float64
	for i := 2*beat + 1; i < 5*beat; i++ {
		steps = append(steps, math.Abs(x[i]-x[i-1]))
	}
	maxStep := slices.Max(steps)
	slices.Sort(steps)
	p99 := steps[len(steps)*99/100]
	t.Logf("organ sustain: largest step %.5f, 99th percentile %.5f", maxStep, p99)
	if maxStep > 2*p99 || p99 == 0 {
		t.Errorf("organ sustain: a step of %.5f against a 99th percentile of %.5f: a click", maxStep, p99)
	}

	// Between the organ's release (note-off at beat 5, releaseVolEnv -2449
	// timecents: 0.24 s for 100 dB) and the piano: exact silence. After the
	// piano's note-off (beat 9; release 68 timecents: 1.04 s) likewise.
	gap := slices.IndexFunc(x[5*beat:], func(v float64) bool { return v == 0 }) + 5*beat
	t.Logf("organ silent from frame %d: %.3f s after its note-off", gap, float64(gap-5*beat)/48000)
	if gap < 5*beat+1000 || gap > 5*beat+12000 || slices.ContainsFunc(x[gap:8*beat], func(v float64) bool { return v != 0 }) {
		t.Errorf("organ: silent from frame %d (want 0.02..0.25 s after %d), and silent until the piano: %v", gap, 5*beat,
			!slices.ContainsFunc(x[gap:8*beat], func(v float64) bool { return v != 0 }))
	}
	last := len(x) - 1
	for last >= 0 && x[last] == 0 {
		last--
	}
	t.Logf("piano: last sound at frame %d, %.3f s after its note-off", last, float64(last-9*beat)/48000)
	if last < 9*beat || last > 9*beat+52000 {
		t.Errorf("piano: last sound at frame %d, want within 1.08 s after the note-off at %d", last, 9*beat)
	}
}

// A soundfont instrument whose file or preset is missing is a problem
// placed at its file or preset key.
func TestSoundFontProblems(t *testing.T) {
	dir := t.TempDir()
	set := strings.Replace(sfSet, `file = "TimGM6mb.sf2"`, `file = "nosuch.sf2"`, 1)
	if _, err := os.Stat(gmFont); err == nil {
		set = strings.Replace(set, "preset = 16", "preset = 16\nbank = 5", 1)
	}
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), set)
	l, err := loadSet(filepath.Join(dir, "set.toml"), 48000, memory{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unload(l, nil)
	var msgs []string
	for _, p := range l.Problems {
		msgs = append(msgs, p.Error())
	}
	got := strings.Join(msgs, "\n")
	if !strings.Contains(got, `set.toml:22:8: soundfont "nosuch.sf2": not in the set's folder nor in /usr/share/sounds/sf2`) {
		t.Errorf("problems:\n%s\nwant the missing file at 22:8", got)
	}
	if _, err := os.Stat(gmFont); err == nil && !strings.Contains(got, `set.toml:28:10: soundfont "TimGM6mb.sf2" has no preset 16 in bank 5`) {
		t.Errorf("problems:\n%s\nwant the missing preset at 28:10", got)
	}
}
