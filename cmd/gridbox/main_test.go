package main

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gridbox/show"

	"gridbox/audio"
	"gridbox/show/showtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// gridbox runs the command line in-process and returns its exit status and
// output.
func gridbox(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	isolate(t)
	var o, e syncBuffer
	code = run(args, &env{stdout: &o, stderr: &e})
	return code, o.String(), e.String()
}

// syncBuffer is a bytes.Buffer safe for concurrent writes, as os.Stdout and
// os.Stderr are: play writes its status from a goroutine of its own.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// isolate points the user's config and state folders at the test's own,
// unless the test already did: play reads ~/.config/gridbox/config.toml
// and remembers the last set in ~/.local/state/gridbox, and a test must
// neither read the developer's nor overwrite them.
func isolate(t *testing.T) {
	t.Helper()
	for _, v := range []string{"XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		if !strings.HasPrefix(os.Getenv(v), os.TempDir()) {
			t.Setenv(v, t.TempDir())
		}
	}
}

// goldenFile returns the golden file name's text, after writing got into it
// when the tests run with -update.
func goldenFile(t *testing.T, name, got string) string {
	t.Helper()
	if *update {
		showtest.WriteFile(t, name, got)
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(want)
}

// clicks returns the frames where the left channel is non-zero.
func clicks(b *audio.Buffer) []int {
	var at []int
	for i := 0; i < b.Frames(); i++ {
		if b.Data[i*b.Channels] != 0 {
			at = append(at, i)
		}
	}
	return at
}

func TestRenderClickTrackIsSampleAccurateAndUnity(t *testing.T) {
	set := showtest.ClickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "click.perf")
	showtest.WriteFile(t, perf, "1.3b press 0 0   # launches at the next bar: frame 96000\n12b end\n")
	out := filepath.Join(t.TempDir(), "out.wav")
	if code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out); code != 0 {
		t.Fatalf("render failed (%d): %s", code, stderr)
	}
	b := showtest.ReadWAV(t, out)
	if b.Frames() != 12*24000 {
		t.Fatalf("rendered %d frames, want %d (the script ends at beat 12)", b.Frames(), 12*24000)
	}
	at := clicks(b)
	if len(at) != 8 {
		t.Fatalf("%d clicks, want 8 (beats 4..11): %v", len(at), at)
	}
	for i, f := range at {
		if f != 96000+24000*i {
			t.Fatalf("click %d at frame %d, want %d", i, f, 96000+24000*i)
		}
		if l, r := b.Data[2*f], b.Data[2*f+1]; l != 0.5 || r != 0.5 {
			t.Fatalf("click %d is %v/%v, want 0.5 on both channels (unity gain)", i, l, r)
		}
	}
}

func TestRenderFormats(t *testing.T) {
	set := showtest.ClickSet(t, "")
	for _, f := range []string{"s16", "s24", "f32"} {
		out := filepath.Join(t.TempDir(), f+".wav")
		if code, _, stderr := gridbox(t, "render", set, "--seconds", "1", "--format", f, "-o", out); code != 0 {
			t.Fatalf("%s: %s", f, stderr)
		}
		b := showtest.ReadWAV(t, out)
		if b.Frames() != 48000 || len(clicks(b)) != 2 {
			t.Fatalf("%s: %d frames, clicks %v", f, b.Frames(), clicks(b))
		}
	}
}

func TestRenderEndsWhenNothingPlays(t *testing.T) {
	set := showtest.ClickSet(t, "")
	// A one-shot clip: loop off, no length.
	text, _ := os.ReadFile(set)
	showtest.WriteFile(t, set, strings.Replace(string(text), "loop = true\n  length = \"1/4\"\n", "", 1))
	perf := filepath.Join(filepath.Dir(set), "p.perf")
	showtest.WriteFile(t, perf, "0.5s press 0 0\n")
	out := filepath.Join(t.TempDir(), "out.wav")
	if code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out, "--rate", "48000"); code != 0 {
		t.Fatal(stderr)
	}
	b := showtest.ReadWAV(t, out)
	// The press launches at bar 2 (frame 96000); the 100-frame clip ends
	// there and rendering stops within a block.
	if at := clicks(b); len(at) != 1 || at[0] != 96000 || b.Frames() > 96000+100+2*show.RenderBlock {
		t.Fatalf("%d frames, clicks %v", b.Frames(), at)
	}
}

func TestRenderAtAnotherRate(t *testing.T) {
	set := showtest.ClickSet(t, "")
	out := filepath.Join(t.TempDir(), "out.wav")
	if code, _, stderr := gridbox(t, "render", set, "--seconds", "2", "--rate", "44100", "-o", out); code != 0 {
		t.Fatal(stderr)
	}
	b := showtest.ReadWAV(t, out)
	if b.Rate != 44100 || b.Frames() != 88200 {
		t.Fatalf("rate %d frames %d", b.Rate, b.Frames())
	}
}

func TestCheckDemo(t *testing.T) {
	code, stdout, stderr := gridbox(t, "check", "../../sets/demo/demo.toml")
	if code != 0 || !strings.Contains(stdout, ": ok: \"Demo\", 6 tracks, 6 scenes") {
		t.Fatalf("check demo: %d\n%s%s", code, stdout, stderr)
	}
}

// One of each is spelt in the singular (issue 9: "1 instruments").
func TestCheckSummaryPlurals(t *testing.T) {
	set := showtest.ClickSet(t, "")
	code, stdout, _ := gridbox(t, "check", set)
	if want := `: ok: "Click", 1 track, 1 scene, 1 clip, 0 instruments, 1 sample (0.0 s of audio, 0.0 MB in memory), 120 BPM 4/4`; code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("exit %d: %s\nwant %s", code, stdout, want)
	}
}

// TestCheckReportsEveryProblem checks the whole report for a set with
// problems of every kind against testdata/check-bad.golden.
func TestCheckReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	showtest.WriteWAV(t, filepath.Join(dir, "samples/ok.wav"), 48000, []float32{0.1, 0.2})
	showtest.WriteFile(t, filepath.Join(dir, "samples/text.wav"), "this is not audio\n")
	showtest.WriteFile(t, filepath.Join(dir, "samples/empty.wav"), "")
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "samples/link.wav")); err != nil {
		t.Fatal(err)
	}
	showtest.WriteLyingSamples(t, filepath.Join(dir, "samples"))
	src, err := os.ReadFile("testdata/bad.toml")
	if err != nil {
		t.Fatal(err)
	}
	set := filepath.Join(dir, "bad.toml")
	showtest.WriteFile(t, set, string(src))
	code, stdout, _ := gridbox(t, "check", set)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	got := strings.ReplaceAll(stdout, set, "bad.toml")
	golden := "testdata/check-bad.golden"
	if want := goldenFile(t, golden, got); got != want {
		t.Fatalf("check output differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// TestCheckWarnsOfMisnamedSamples: a sample named as another format plays,
// so check prints a warning and still exits 0; play and render say it on
// stderr.
func TestCheckWarnsOfMisnamedSamples(t *testing.T) {
	set := showtest.LyingSet(t, "samples/snare.wav")
	want := set + `:18:12: warning: sample "samples/snare.wav" is an AIFF file named .wav; it plays, but rename it` + "\n"
	code, stdout, stderr := gridbox(t, "check", set)
	if code != 0 || !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, ": ok: ") {
		t.Errorf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = gridbox(t, "render", set, "--seconds", "1", "-o", filepath.Join(t.TempDir(), "o.wav"))
	if code != 0 || !strings.Contains(stderr, want) {
		t.Errorf("render: exit %d\n%s", code, stderr)
	}
}

func TestBadScriptLinesAreReported(t *testing.T) {
	set := showtest.ClickSet(t, "")
	perf := filepath.Join(t.TempDir(), "bad.perf")
	showtest.WriteFile(t, perf, "1b press 0\n2x scene 0\n3b stopall\n")
	code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", filepath.Join(t.TempDir(), "o.wav"))
	if code != 1 || !strings.Contains(stderr, perf+":1: ") || !strings.Contains(stderr, perf+":2: ") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 0, "gridbox render"},
		{[]string{"--help"}, 0, "gridbox play"},
		{[]string{"render", "--help"}, 0, "-format"},
		{[]string{"play", "--help"}, 0, "-device"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"render", "x.toml"}, 2, "-o OUT.wav is required"},
		{[]string{"check"}, 2, "missing argument"},
		{[]string{"check", "a.toml", "b.toml"}, 2, "unexpected argument"},
		{[]string{"render", "x.toml", "-o", "x.wav", "--format", "s8"}, 2, "s8"},
		{[]string{"play", "x.toml", "--audio", "alsa"}, 2, "alsa"},
	} {
		code, stdout, stderr := gridbox(t, c.args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("gridbox %q: exit %d, output:\n%s%s", c.args, code, stdout, stderr)
		}
	}
}

func TestPlayNullRunsInRealTime(t *testing.T) {
	set := showtest.ClickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "p.perf")
	showtest.WriteFile(t, perf, "0b scene 0\n1b end\n")
	code, _, stderr := gridbox(t, "play", set, "--audio", "null", "--events", perf)
	if code != 0 || !strings.Contains(stderr, "stopped (the script ended)") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestGoldenRender renders a set that uses every kind of clip (audio loops,
// a note clip through a pitched sampler, a one-shot, legato, a follow action
// and a scene tempo change) at 22.05 kHz (so samples are resampled) and
// compares it with testdata/golden.wav, allowing 1 LSB of 16-bit (float
// contraction may differ across architectures).
func TestGoldenRender(t *testing.T) {
	dir := t.TempDir()
	const rate = 48000
	sine := func(freq float64, n int, decay float64) []float32 {
		d := make([]float32, n)
		for i := range d {
			d[i] = float32(0.3 * math.Sin(2*math.Pi*freq*float64(i)/rate) * math.Exp(-decay*float64(i)/rate))
		}
		return d
	}
	showtest.WriteWAV(t, filepath.Join(dir, "samples/tone.wav"), rate, sine(440, rate/2, 4))
	showtest.WriteWAV(t, filepath.Join(dir, "samples/low.wav"), rate, sine(110, rate, 0))
	showtest.WriteWAV(t, filepath.Join(dir, "samples/pluck.wav"), 44100, sine(220, 22050, 8))
	src, err := os.ReadFile("testdata/golden.toml")
	if err != nil {
		t.Fatal(err)
	}
	showtest.WriteFile(t, filepath.Join(dir, "golden.toml"), string(src))
	showtest.WriteFile(t, filepath.Join(dir, "golden.perf"), "0b scene 0\n3.9b press 1 1\n7b press 0 1\n11.5b scene 1\n20b stopall\n22b end\n")
	out := filepath.Join(dir, "out.wav")
	if code, _, stderr := gridbox(t, "render", filepath.Join(dir, "golden.toml"), "--events", filepath.Join(dir, "golden.perf"), "--rate", "22050", "--format", "s16", "-o", out); code != 0 {
		t.Fatal(stderr)
	}
	golden := "testdata/golden.wav"
	if *update {
		data, _ := os.ReadFile(out)
		showtest.WriteFile(t, golden, string(data))
	}
	got, want := showtest.ReadWAV(t, out), showtest.ReadWAV(t, golden)
	if got.Frames() != want.Frames() || got.Channels != want.Channels {
		t.Fatalf("%d frames × %d, golden %d × %d", got.Frames(), got.Channels, want.Frames(), want.Channels)
	}
	silent := true
	for i := range got.Data {
		if d := math.Abs(float64(got.Data[i] - want.Data[i])); d > 1.5/32768 {
			t.Fatalf("sample %d (frame %d) = %v, golden %v", i, i/2, got.Data[i], want.Data[i])
		}
		if got.Data[i] != 0 {
			silent = false
		}
	}
	if silent {
		t.Fatal("the golden render is silent")
	}
}

func TestSampleMemoryBudget(t *testing.T) {
	set := showtest.ClickSet(t, "")
	budget := func(b int64, args ...string) (code int, stdout, stderr string) {
		isolate(t)
		var o, e syncBuffer
		code = run(args, &env{stdout: &o, stderr: &e, hooks: show.Hooks{SampleBudget: b}})
		return code, o.String(), e.String()
	}
	code, stdout, _ := budget(100, "check", set) // bytes: the 100-sample float click takes 400
	if code != 1 || !strings.Contains(stdout, "of memory once decoded; this machine allows 0.0 MB") {
		t.Fatalf("check over budget: exit %d\n%s", code, stdout)
	}
	code, _, stderr := budget(100, "render", set, "--seconds", "1", "-o", filepath.Join(t.TempDir(), "o.wav"))
	if code != 1 || !strings.Contains(stderr, "of memory once decoded") {
		t.Fatalf("render over budget: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := budget(1<<30, "check", set); code != 0 || !strings.Contains(stdout, "0.0 MB in memory)") {
		t.Fatalf("check within budget: exit %d\n%s", code, stdout)
	}
}
