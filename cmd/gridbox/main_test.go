package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/offline"
	"gridbox/audio/wav"
	"gridbox/engine"
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

// writeWAV writes a mono 16-bit... no: a float WAV of data at rate.
func writeWAV(t *testing.T, name string, rate int, data []float32) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := wav.Encode(f, &audio.Buffer{Rate: rate, Channels: 1, Data: data}, wav.Float32); err != nil {
		t.Fatal(err)
	}
}

func readWAV(t *testing.T, name string) *audio.Buffer {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := wav.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goldenFile returns the golden file name's text, after writing got into it
// when the tests run with -update.
func goldenFile(t *testing.T, name, got string) string {
	t.Helper()
	if *update {
		writeFile(t, name, got)
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(want)
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// clickSet writes a one-track set whose clip is a single-sample click of
// amplitude 0.5 looping every beat, and returns its path.
func clickSet(t *testing.T, extra string) string {
	dir := t.TempDir()
	click := make([]float32, 100)
	click[0] = 0.5
	writeWAV(t, filepath.Join(dir, "samples/click.wav"), 48000, click)
	set := filepath.Join(dir, "click.toml")
	writeFile(t, set, `name = "Click"
tempo = 120.0
quantize = "1 bar"
[[scene]]
name = "A"
[[track]]
name = "Click"
  [[track.clip]]
  scene = 0
  sample = "samples/click.wav"
  loop = true
  length = "1/4"
`+extra)
	return set
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
	set := clickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "click.perf")
	writeFile(t, perf, "1.3b press 0 0   # launches at the next bar: frame 96000\n12b end\n")
	out := filepath.Join(t.TempDir(), "out.wav")
	if code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out); code != 0 {
		t.Fatalf("render failed (%d): %s", code, stderr)
	}
	b := readWAV(t, out)
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
	set := clickSet(t, "")
	for _, f := range []string{"s16", "s24", "f32"} {
		out := filepath.Join(t.TempDir(), f+".wav")
		if code, _, stderr := gridbox(t, "render", set, "--seconds", "1", "--format", f, "-o", out); code != 0 {
			t.Fatalf("%s: %s", f, stderr)
		}
		b := readWAV(t, out)
		if b.Frames() != 48000 || len(clicks(b)) != 2 {
			t.Fatalf("%s: %d frames, clicks %v", f, b.Frames(), clicks(b))
		}
	}
}

func TestRenderEndsWhenNothingPlays(t *testing.T) {
	set := clickSet(t, "")
	// A one-shot clip: loop off, no length.
	text, _ := os.ReadFile(set)
	writeFile(t, set, strings.Replace(string(text), "loop = true\n  length = \"1/4\"\n", "", 1))
	perf := filepath.Join(filepath.Dir(set), "p.perf")
	writeFile(t, perf, "0.5s press 0 0\n")
	out := filepath.Join(t.TempDir(), "out.wav")
	if code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out, "--rate", "48000"); code != 0 {
		t.Fatal(stderr)
	}
	b := readWAV(t, out)
	// The press launches at bar 2 (frame 96000); the 100-frame clip ends
	// there and rendering stops within a block.
	if at := clicks(b); len(at) != 1 || at[0] != 96000 || b.Frames() > 96000+100+2*renderBlock {
		t.Fatalf("%d frames, clicks %v", b.Frames(), at)
	}
}

func TestRenderAtAnotherRate(t *testing.T) {
	set := clickSet(t, "")
	out := filepath.Join(t.TempDir(), "out.wav")
	if code, _, stderr := gridbox(t, "render", set, "--seconds", "2", "--rate", "44100", "-o", out); code != 0 {
		t.Fatal(stderr)
	}
	b := readWAV(t, out)
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
	set := clickSet(t, "")
	code, stdout, _ := gridbox(t, "check", set)
	if want := `: ok: "Click", 1 track, 1 scene, 1 clip, 0 instruments, 1 sample (0.0 s of audio, 0.0 MB in memory), 120 BPM 4/4`; code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("exit %d: %s\nwant %s", code, stdout, want)
	}
}

// TestCheckReportsEveryProblem checks the whole report for a set with
// problems of every kind against testdata/check-bad.golden.
func TestCheckReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "samples/ok.wav"), 48000, []float32{0.1, 0.2})
	writeFile(t, filepath.Join(dir, "samples/text.wav"), "this is not audio\n")
	writeFile(t, filepath.Join(dir, "samples/empty.wav"), "")
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "samples/link.wav")); err != nil {
		t.Fatal(err)
	}
	writeLyingSamples(t, filepath.Join(dir, "samples"))
	src, err := os.ReadFile("testdata/bad.toml")
	if err != nil {
		t.Fatal(err)
	}
	set := filepath.Join(dir, "bad.toml")
	writeFile(t, set, string(src))
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

// codecFixture returns a file of audio/codec's test fixtures.
func codecFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../audio/codec/testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeLyingSamples writes into dir samples that decode but are not what
// they claim: cut.flac, a FLAC file cut in half; huge.wav, a 1.2 MB WAV whose
// data chunk claims 100 MB; snare.wav, an AIFF file (as in Debian's
// hydrogen kits); cut.ogg, an Ogg Vorbis file without its last page.
func writeLyingSamples(t *testing.T, dir string) {
	t.Helper()
	flac := codecFixture(t, "sine1k_mono_44k_s16.flac")
	writeFile(t, filepath.Join(dir, "cut.flac"), string(flac[:len(flac)/2]))
	name := filepath.Join(dir, "huge.wav")
	writeWAV(t, name, 44100, make([]float32, 299980))
	huge, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Index(huge, []byte("data"))
	binary.LittleEndian.PutUint32(huge[data+4:], 100_000_000)
	writeFile(t, name, string(huge))
	writeFile(t, filepath.Join(dir, "snare.wav"), string(codecFixture(t, "sine_stereo_44k_s16.aiff")))
	ogg := codecFixture(t, "noise_stereo_44k.ogg")
	writeFile(t, filepath.Join(dir, "cut.ogg"), string(ogg[:bytes.LastIndex(ogg, []byte("OggS"))]))
}

// lyingSet returns clickSet with a second track whose clip plays sample, one
// of writeLyingSamples' (at line 18, column 12 of the set).
func lyingSet(t *testing.T, sample string) string {
	set := clickSet(t, fmt.Sprintf(`
[[track]]
name = "Lying"
  [[track.clip]]
  scene = 0
  sample = %q
`, sample))
	writeLyingSamples(t, filepath.Join(filepath.Dir(set), "samples"))
	return set
}

// TestCheckWarnsOfMisnamedSamples: a sample named as another format plays,
// so check prints a warning and still exits 0; play and render say it on
// stderr.
func TestCheckWarnsOfMisnamedSamples(t *testing.T) {
	set := lyingSet(t, "samples/snare.wav")
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

// TestLoadKeepsWhatATruncatedSampleHolds: a sample cut short is a problem at
// its place in the set, and its clip plays the frames there are.
func TestLoadKeepsWhatATruncatedSampleHolds(t *testing.T) {
	set := lyingSet(t, "samples/cut.flac")
	l, err := loadSet(set, 0, memory{})
	if err != nil {
		t.Fatal(err)
	}
	want := set + `:18:12: sample "samples/cut.flac": FLAC stream ends at 0.09 s of 0.20 s (truncated)`
	if len(l.problems) != 1 || l.problems[0].Error() != want || l.warnings != nil {
		t.Fatalf("problems %q, warnings %q; want %q", l.problems, l.warnings, want)
	}
	clip := l.song.Tracks[1].Clips[0]
	if clip.Broken || clip.Sample < 0 || l.bank.Samples[clip.Sample].Frames() != 4096 {
		t.Errorf("clip broken %v, sample %d: want the 4096 frames before the cut", clip.Broken, clip.Sample)
	}
}

func TestBadScriptLinesAreReported(t *testing.T) {
	set := clickSet(t, "")
	perf := filepath.Join(t.TempDir(), "bad.perf")
	writeFile(t, perf, "1b press 0\n2x scene 0\n3b stopall\n")
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
	set := clickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "p.perf")
	writeFile(t, perf, "0b scene 0\n1b end\n")
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
	writeWAV(t, filepath.Join(dir, "samples/tone.wav"), rate, sine(440, rate/2, 4))
	writeWAV(t, filepath.Join(dir, "samples/low.wav"), rate, sine(110, rate, 0))
	writeWAV(t, filepath.Join(dir, "samples/pluck.wav"), 44100, sine(220, 22050, 8))
	src, err := os.ReadFile("testdata/golden.toml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "golden.toml"), string(src))
	writeFile(t, filepath.Join(dir, "golden.perf"), "0b scene 0\n3.9b press 1 1\n7b press 0 1\n11.5b scene 1\n20b stopall\n22b end\n")
	out := filepath.Join(dir, "out.wav")
	if code, _, stderr := gridbox(t, "render", filepath.Join(dir, "golden.toml"), "--events", filepath.Join(dir, "golden.perf"), "--rate", "22050", "--format", "s16", "-o", out); code != 0 {
		t.Fatal(stderr)
	}
	golden := "testdata/golden.wav"
	if *update {
		data, _ := os.ReadFile(out)
		writeFile(t, golden, string(data))
	}
	got, want := readWAV(t, out), readWAV(t, golden)
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
	set := clickSet(t, "")
	defer func(b int64) { sampleBudget = b }(sampleBudget)
	sampleBudget = 100 // bytes: the 100-sample float click takes 400
	code, stdout, _ := gridbox(t, "check", set)
	if code != 1 || !strings.Contains(stdout, "of memory once decoded; this machine allows 0.0 MB") {
		t.Fatalf("check over budget: exit %d\n%s", code, stdout)
	}
	code, _, stderr := gridbox(t, "render", set, "--seconds", "1", "-o", filepath.Join(t.TempDir(), "o.wav"))
	if code != 1 || !strings.Contains(stderr, "of memory once decoded") {
		t.Fatalf("render over budget: exit %d\n%s", code, stderr)
	}
	sampleBudget = 1 << 30
	if code, stdout, _ := gridbox(t, "check", set); code != 0 || !strings.Contains(stdout, "0.0 MB in memory)") {
		t.Fatalf("check within budget: exit %d\n%s", code, stdout)
	}
}

// TestPerformingAllocatesNothing plays the demo performance through the
// whole render loop (script events, session, engine, offline device, WAV
// writer) and counts heap allocations process-wide with runtime/metrics over
// 40 s of music after a 10 s warm-up: allocation drives the garbage
// collector, whose pauses would reach the audio thread.
func TestPerformingAllocatesNothing(t *testing.T) {
	const rate = 48000
	l, err := loadSet("../../sets/demo/demo.toml", rate, memory{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := readScript("../../sets/demo/demo.perf")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPerformer(l, rate, sc)
	if err != nil {
		t.Fatal(err)
	}
	f := audio.Format{SampleRate: rate, Channels: 2}
	dev := offline.New(f, renderBlock)
	if err := dev.Start(p.player); err != nil {
		t.Fatal(err)
	}
	ww, err := wav.NewWriter(&discard{}, f, wav.Float32)
	if err != nil {
		t.Fatal(err)
	}
	var pos engine.Frame
	play := func(seconds int) {
		for end := pos + engine.Frame(seconds*rate); pos < end; pos += renderBlock {
			p.advance(pos + renderBlock)
			if err := ww.Write(dev.Pull(renderBlock)); err != nil {
				t.Fatal(err)
			}
		}
	}
	play(10)
	// The count is process-wide: let the garbage of earlier tests (open
	// files, child processes) be collected and finalized first, and keep
	// the collector from running finalizers inside the window. Every
	// allocation the render loop makes is still counted; on a failure the
	// profile says where they came from.
	defer func(r int) { runtime.MemProfileRate = r }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
	runtime.GC()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	before := allocRecords()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(sample)
	start := sample[0].Value.Uint64()
	play(40)
	metrics.Read(sample)
	if n := sample[0].Value.Uint64() - start; n != 0 {
		t.Fatalf("%d heap allocations while performing 40 s of the demo, want 0; where:\n%s", n, newAllocs(before))
	}
	if p.player.Stats().PeakVoices < 5 {
		t.Fatalf("the demo hardly played: %+v", p.player.Stats())
	}
}

// discard is an io.WriteSeeker that keeps nothing.
type discard struct{ n int64 }

func (d *discard) Write(b []byte) (int, error) { d.n += int64(len(b)); return len(b), nil }
func (d *discard) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekStart {
		d.n = off
	}
	return d.n, nil
}

// allocRecords returns the heap profile's allocation counts by stack (as
// of the last collection).
func allocRecords() map[[32]uintptr]int64 {
	n, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, n+64)
	n, _ = runtime.MemProfile(recs, true)
	out := make(map[[32]uintptr]int64, n)
	for _, r := range recs[:n] {
		out[r.Stack0] = r.AllocObjects
	}
	return out
}

// newAllocs describes the stacks that allocated since before.
func newAllocs(before map[[32]uintptr]int64) string {
	debug.SetGCPercent(100)
	runtime.GC()
	runtime.GC()
	var b strings.Builder
	for stack, n := range allocRecords() {
		if d := n - before[stack]; d > 0 {
			fmt.Fprintf(&b, "%d objects:\n", d)
			frames := runtime.CallersFrames(stack[:])
			for {
				f, more := frames.Next()
				if f.Function != "" {
					fmt.Fprintf(&b, "\t%s %s:%d\n", f.Function, filepath.Base(f.File), f.Line)
				}
				if !more {
					break
				}
			}
		}
	}
	return b.String()
}
