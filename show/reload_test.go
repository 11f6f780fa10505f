package show

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gridbox/engine"
	"gridbox/show/showtest"
)

// Hot reload in render: a script's load line swaps in another version of
// the set at its exact frame. The sets play single-sample clicks, so what
// plays is the frames the clicks are at. At 120 BPM and 48 kHz a beat is
// 24000 frames and a bar 96000; every script loads at beat 5 (frame
// 120000), in the middle of the second bar.
const (
	beat = 24000
	bar  = 4 * beat
)

// reloadDir writes the click samples the sets play into a new folder:
// click.wav (a click at frame 0, 100 frames long), late.wav (a click at
// frame 12000: half a beat in) and twice.wav (clicks at frames 0 and
// 48000).
func reloadDir(t *testing.T) string {
	dir := t.TempDir()
	click := func(n int, at ...int) []float32 {
		d := make([]float32, n)
		for _, i := range at {
			d[i] = 0.5
		}
		return d
	}
	showtest.WriteWAV(t, filepath.Join(dir, "click.wav"), 48000, click(100, 0))
	showtest.WriteWAV(t, filepath.Join(dir, "late.wav"), 48000, click(12100, 12000))
	showtest.WriteWAV(t, filepath.Join(dir, "twice.wav"), 48000, click(48100, 0, 48000))
	return dir
}

// clickSet is a set at tempo bpm of the tracks given, each a [[track]]
// table's text.
func clickSet(bpm float64, tracks ...string) string {
	return fmt.Sprintf("name = \"Reload\"\ntempo = %g\nquantize = \"1 bar\"\n[[scene]]\nname = \"A\"\n[[scene]]\nname = \"B\"\n", bpm) +
		strings.Join(tracks, "\n")
}

// clickTrack is a track named name whose scene-0 clip loops sample every
// length.
func clickTrack(name, sample, length string) string {
	return fmt.Sprintf("[[track]]\nname = %q\n  [[track.clip]]\n  scene = 0\n  sample = %q\n  loop = true\n  length = %q\n", name, sample, length)
}

// renderReload writes the files (name → text) into dir, renders set.toml
// there with script.perf to the script's end, and returns the frames where
// clicks start (left channel over 0.05 after a frame under it) and what
// render printed.
func renderReload(t *testing.T, dir string, files map[string]string) (onsets []int, stderr string) {
	t.Helper()
	for name, text := range files {
		showtest.WriteFile(t, filepath.Join(dir, name), text)
	}
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	out := filepath.Join(dir, "out.wav")
	sf, _ := ParseSampleFormat("f32")
	err := Render(e, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: filepath.Join(dir, "script.perf"), Out: out, Rate: 48000, Format: sf})
	if err != nil {
		t.Fatalf("render: %v\n%s", err, errb.String())
	}
	b := showtest.ReadWAV(t, out)
	prev := float32(0)
	for i := 0; i < b.Frames(); i++ {
		l := float32(math.Abs(float64(b.Data[2*i])))
		if l > 0.05 && prev <= 0.05 {
			onsets = append(onsets, i)
		}
		prev = l
	}
	if !strings.HasSuffix(strings.TrimSpace(errb.String()), ", late 0") {
		t.Errorf("render was late with commands:\n%s", errb.String())
	}
	return onsets, errb.String()
}

// every returns the frames from, from+step, … before to.
func every(from, step, to int) []int {
	var fs []int
	for f := from; f < to; f += step {
		fs = append(fs, f)
	}
	return fs
}

func checkOnsets(t *testing.T, got, want []int) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("clicks at frames\n%v\nwant\n%v", got, want)
	}
}

const loadAt5 = "0b scene 0\n5b load v2.toml\n16b end\n"

// A note clip whose notes changed plays its old notes to the end of the
// loop it is in, and the new ones from the next loop start on.
func TestReloadNoteChanged(t *testing.T) {
	dir := reloadDir(t)
	notes := func(at ...float64) string {
		var ns []string
		for _, a := range at {
			ns = append(ns, fmt.Sprintf("{ at = %g, key = 60, len = 0.25, vel = 127 }", a))
		}
		return clickSet(120, "[[track]]\nname = \"Keys\"\ninstrument = \"clicks\"\n  [[track.clip]]\n  scene = 0\n  loop = true\n  length = \"1 bar\"\n  notes = ["+strings.Join(ns, ", ")+"]\n") +
			"[[instrument]]\nname = \"clicks\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  low = 0\n  high = 127\n  root = 60\n  sample = \"click.wav\"\n"
	}
	got, _ := renderReload(t, dir, map[string]string{"set.toml": notes(0), "v2.toml": notes(0, 2), "script.perf": loadAt5})
	checkOnsets(t, got, slices.Concat([]int{0, bar}, every(2*bar, 2*beat, 4*bar)))
}

// An audio clip whose sample changed switches at its next loop start.
func TestReloadSampleReplaced(t *testing.T) {
	dir := reloadDir(t)
	got, _ := renderReload(t, dir, map[string]string{
		"set.toml":    clickSet(120, clickTrack("Loop", "click.wav", "1 bar")),
		"v2.toml":     clickSet(120, clickTrack("Loop", "twice.wav", "1 bar")),
		"script.perf": loadAt5,
	})
	checkOnsets(t, got, slices.Concat([]int{0, bar}, every(2*bar, 2*beat, 4*bar)))
}

// A clip that is gone plays on to the next quantize boundary (a bar), and
// stops there.
func TestReloadClipRemoved(t *testing.T) {
	dir := reloadDir(t)
	got, _ := renderReload(t, dir, map[string]string{
		"set.toml":    clickSet(120, clickTrack("Beat", "click.wav", "1/4")),
		"v2.toml":     clickSet(120, "[[track]]\nname = \"Beat\"\n"),
		"script.perf": loadAt5,
	})
	checkOnsets(t, got, every(0, beat, 2*bar))
}

// A track added before the playing one: the playing track plays on
// untouched, and the new one is launched (it is track 0 now) and heard.
func TestReloadTrackAdded(t *testing.T) {
	dir := reloadDir(t)
	got, _ := renderReload(t, dir, map[string]string{
		"set.toml":    clickSet(120, clickTrack("Beat", "click.wav", "1/4")),
		"v2.toml":     clickSet(120, clickTrack("Offbeat", "late.wav", "1/2"), clickTrack("Beat", "click.wav", "1/4")),
		"script.perf": "0b scene 0\n5b load v2.toml\n6b press 0 0\n16b end\n",
	})
	want := slices.Concat(every(0, beat, 4*bar), every(2*bar+beat/2, 2*beat, 4*bar))
	slices.Sort(want)
	checkOnsets(t, got, want)
}

// rampedBeat returns the frame of beat b of a set at 120 BPM reloaded at
// beat at (a frame of 120 BPM from 0) with tempo 150, as the reload ramps
// the tempo (sequencer.Session.Replace): over one beat in 16 steps, step k
// (1…16) at beat at + k/16, on the frame the tempo before it puts that
// beat (rounded), sets 120 + 30·k/16 BPM, the last one 150 itself; beats
// keep their positions at each step.
func rampedBeat(at, b float64) int {
	type seg struct{ frame, beat, bpm float64 }
	frame := func(s seg, b float64) float64 { return math.Round(s.frame + (b-s.beat)*60*48000/s.bpm) }
	s := seg{at * beat, at, 120}
	for k := 1; k <= 16 && at+float64(k)/16 <= b; k++ {
		f := frame(s, at+float64(k)/16)
		s = seg{f, s.beat + (f-s.frame)*s.bpm/(60*48000), 120 + 30*float64(k)/16}
	}
	return int(frame(s, b))
}

// A new tempo ramps in from the reload's frame (half a beat after beat 5)
// over a beat (rampedBeat): beats keep their positions, the loop restarts
// from its top on the beats, at 6 in the ramp and at 7, its first restart
// after the ramp's end (6.5), from where it loops at the new tempo's beat
// (19200 frames at 150 BPM).
func TestReloadTempoChanged(t *testing.T) {
	dir := reloadDir(t)
	got, _ := renderReload(t, dir, map[string]string{
		"set.toml":    clickSet(120, clickTrack("Beat", "click.wav", "1/4")),
		"v2.toml":     clickSet(150, clickTrack("Beat", "click.wav", "1/4")),
		"script.perf": "0b scene 0\n5.5b load v2.toml\n9.5b end\n",
	})
	// Beats 0…5 at 120 BPM; beat 6 in the ramp (step 8's frame: 120 →
	// 135 BPM there); beats 7, 8 and 9 at 150 BPM, 19200 frames apart.
	// The script ends at beat 9.5.
	want := every(0, beat, 5*beat+beat/2)
	for b := 6.0; b <= 9; b++ {
		want = append(want, rampedBeat(5.5, b))
	}
	checkOnsets(t, got, want)
}

// A set with errors changes nothing and is reported with its file, line
// and column; its fix is then swapped in.
func TestReloadBrokenThenFixed(t *testing.T) {
	dir := reloadDir(t)
	got, stderr := renderReload(t, dir, map[string]string{
		"set.toml":    clickSet(120, clickTrack("Beat", "click.wav", "1/4")),
		"v2.toml":     strings.Replace(clickSet(150, clickTrack("Beat", "click.wav", "1/4")), "loop = true", "loop = yes", 1),
		"v3.toml":     clickSet(150, clickTrack("Beat", "click.wav", "1/4")),
		"script.perf": "0b scene 0\n5b load v2.toml\n9.5b load v3.toml\n13.5b end\n",
	})
	for _, want := range []string{filepath.Join(dir, "v2.toml") + ":13:10: syntax error", "1 error (playing the last good version)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("render printed\n%s\nwant %q in it", stderr, want)
		}
	}
	// Every beat at 120 BPM up to the fix at beat 9.5 (the broken version
	// changed nothing), then as TestReloadTempoChanged from there: beat 10
	// in the ramp, 11, 12 and 13 at 150 BPM. The script ends at beat 13.5.
	want := every(0, beat, 9*beat+beat/2)
	for b := 10.0; b <= 13; b++ {
		want = append(want, rampedBeat(9.5, b))
	}
	checkOnsets(t, got, want)
}

// What a replaced version held is freed once nothing plays it any more,
// not before: the old sample plays on to its loop's end after the reload,
// so it is freed only after that.
func TestReloadFreesWhatNoLongerPlays(t *testing.T) {
	dir := reloadDir(t)
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), clickSet(120, clickTrack("Loop", "click.wav", "1 bar")))
	showtest.WriteFile(t, filepath.Join(dir, "v2.toml"), clickSet(120, clickTrack("Loop", "twice.wav", "1 bar")))
	showtest.WriteFile(t, filepath.Join(dir, "script.perf"), loadAt5)
	e := &Env{Stdout: io.Discard, Stderr: io.Discard}
	p, err := Open(e, filepath.Join(dir, "set.toml"), filepath.Join(dir, "script.perf"), 48000)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	old := p.loaded.bank.Samples[0]
	const block = 128
	buf := make([]float32, 2*block)
	freedAt := -1
	for pos := 0; pos < 4*bar; pos += block {
		p.Advance(engine.Frame(pos + block + 512))
		p.player.Prepare()
		p.collect()
		if old.Data == nil && freedAt < 0 {
			freedAt = pos
		}
		p.player.Render(buf)
	}
	// The old loop is stopped at the next bar (192000) and its voice ends
	// there: freed within the block after.
	if freedAt < 2*bar || freedAt > 2*bar+2*block {
		t.Errorf("the replaced sample was freed at frame %d, want just after %d", freedAt, 2*bar)
	}
	if len(p.retire) != 0 {
		t.Errorf("%d versions' leftovers not freed", len(p.retire))
	}
}
