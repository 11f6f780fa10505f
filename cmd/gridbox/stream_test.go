package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gridbox/audio"
	"gridbox/audio/wav"
	"gridbox/show"
	"gridbox/show/showtest"
)

// playSeconds is how long TestPlayStreamsInTime plays; make bench runs it
// for the full minute.
var playSeconds = flag.Float64("play-seconds", 10, "how long TestPlayStreamsInTime plays each case")

// writeSample writes frames frames of a WAV at rate with ch channels in
// format sf: two tones and a little noise, different for every seed, at a
// low level (so that many mix without reaching the limiter).
func writeSample(t *testing.T, name string, rate, ch, frames int, sf wav.SampleFormat, seed int) {
	t.Helper()
	b := &audio.Buffer{Rate: rate, Channels: ch, Data: make([]float32, frames*ch)}
	f1, f2 := 110+37*float64(seed), 173+53*float64(seed)
	x := uint32(seed*7919 + 1)
	for i := range frames {
		for c := range ch {
			x = x*1664525 + 1013904223
			noise := float64(int32(x)) / (1 << 31)
			b.Data[i*ch+c] = float32(0.005 * (math.Sin(2*math.Pi*f1*float64(i)/float64(rate)+float64(c)) +
				math.Sin(2*math.Pi*f2*float64(i)/float64(rate)) + 0.1*noise))
		}
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := wav.Encode(out, b, sf); err != nil {
		t.Fatal(err)
	}
}

// TestStreamedSamplesPlayAsInMemory: a set of long samples (16-bit at the
// player's rate, 16-bit at 44.1 kHz, 24-bit, FLAC; loops with crossfades, a
// legato switch, a one-shot, stops) renders bit for bit the same streamed
// from disk as with every clip held in memory (ram = true).
func TestStreamedSamplesPlayAsInMemory(t *testing.T) {
	dir := t.TempDir()
	writeSample(t, filepath.Join(dir, "samples/a.wav"), 48000, 2, 13*48000, wav.Int16, 1)
	writeSample(t, filepath.Join(dir, "samples/b.wav"), 44100, 1, 12*44100, wav.Int16, 2)
	writeSample(t, filepath.Join(dir, "samples/c.wav"), 48000, 2, 11*48000, wav.Int24, 3)
	// A long FLAC (decoded into a temporary file to stream), made by sox.
	if _, err := exec.LookPath("sox"); err != nil {
		t.Skip("sox is not installed (scripts/setup.sh --test installs it): it makes the FLAC sample")
	}
	writeSample(t, filepath.Join(dir, "samples/d.wav"), 48000, 2, 25*48000, wav.Int16, 4)
	if out, err := exec.Command("sox", filepath.Join(dir, "samples/d.wav"), filepath.Join(dir, "samples/d.flac")).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v\n%s", err, out)
	}
	set := `name = "Long"
tempo = 120.0
quantize = "1 bar"
[[scene]]
[[scene]]
tempo = 97.0
[[track]]
  [[track.clip]]
  scene = 0
  sample = "samples/a.wav"
  loop = true
  length = "5 bars"%[1]s
  [[track.clip]]
  scene = 1
  sample = "samples/c.wav"
  loop = true
  length = "3 bars"
  legato = true%[1]s
[[track]]
  [[track.clip]]
  scene = 0
  sample = "samples/b.wav"%[1]s
[[track]]
  [[track.clip]]
  scene = 1
  sample = "samples/c.wav"
  loop = true
  length = 1.37%[1]s
[[track]]
  [[track.clip]]
  scene = 0
  sample = "samples/d.flac"
  loop = true
  length = "7 bars"%[1]s
`
	perf := "0b scene 0\n22.5b scene 1\n40b stop 0\n44b stopall\n52b end\n"
	showtest.WriteFile(t, filepath.Join(dir, "p.perf"), perf)
	var outs [2]*audio.Buffer
	for i, ram := range []string{"", "\n  ram = true"} {
		name := filepath.Join(dir, fmt.Sprintf("set%d.toml", i))
		showtest.WriteFile(t, name, fmt.Sprintf(set, ram))
		code, stdout, stderr := gridbox(t, "check", name)
		want := map[bool]string{true: "4 streamed from disk", false: "MB in memory)"}[ram == ""]
		if code != 0 || !strings.Contains(stdout, want) {
			t.Fatalf("check %s: exit %d, want %q:\n%s%s", name, code, want, stdout, stderr)
		}
		out := filepath.Join(dir, fmt.Sprintf("out%d.wav", i))
		if code, _, stderr := gridbox(t, "render", name, "--events", filepath.Join(dir, "p.perf"), "-o", out); code != 0 {
			t.Fatal(stderr)
		} else if ram == "" && !strings.Contains(stderr, "disk streaming late 0 times") {
			t.Fatalf("render streamed nothing, or late:\n%s", stderr)
		}
		outs[i] = showtest.ReadWAV(t, out)
	}
	streamed, memory := outs[0], outs[1]
	if streamed.Frames() != memory.Frames() || streamed.Frames() < 20*48000 {
		t.Fatalf("%d frames streamed, %d from memory", streamed.Frames(), memory.Frames())
	}
	var peak float32
	for i := range memory.Data {
		if streamed.Data[i] != memory.Data[i] {
			t.Fatalf("frame %d: %v streamed, %v from memory", i/2, streamed.Data[i], memory.Data[i])
		}
		peak = max(peak, memory.Data[i], -memory.Data[i])
	}
	if peak < 0.005 {
		t.Fatalf("the render is nearly silent (peak %v)", peak)
	}
}

// writeLongWAV writes a 16-bit stereo WAV at 48 kHz whose header declares
// frames frames: its first signal frames hold sound, the rest is a sparse
// hole the file system reads as silence (so a 5-minute file costs only
// its sound on disk).
func writeLongWAV(t *testing.T, name string, frames, signal, seed int) {
	t.Helper()
	writeSample(t, name, 48000, 2, signal, wav.Int16, seed)
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const header = 44 // wav.Encode's plain PCM header
	data := uint32(frames * 4)
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], 36+data)
	if _, err := f.WriteAt(b[:], 4); err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint32(b[:], data)
	if _, err := f.WriteAt(b[:], 40); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(header + int64(data)); err != nil {
		t.Fatal(err)
	}
}

// longSet writes a set of n tracks, each playing one of n long files
// (declared frames long, with signal frames of sound), launched together.
func longSet(t *testing.T, dir string, n, frames, signal int) string {
	t.Helper()
	var set strings.Builder
	set.WriteString("name = \"Long\"\ntempo = 120.0\nquantize = \"none\"\n[[scene]]\n")
	for i := range n {
		writeLongWAV(t, filepath.Join(dir, fmt.Sprintf("samples/s%d.wav", i)), frames, signal, i)
		fmt.Fprintf(&set, "[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"samples/s%d.wav\"\n  loop = true\n", i)
	}
	name := filepath.Join(dir, "long.toml")
	showtest.WriteFile(t, name, set.String())
	return name
}

// peakRSS runs gridbox with args in a child process (this test binary) and
// returns its peak resident memory (VmHWM).
func peakRSS(t *testing.T, args ...string) int64 {
	t.Helper()
	status := filepath.Join(t.TempDir(), "status")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), runChildEnv+"="+strings.Join(args, "|"), hwmEnv+"="+status)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gridbox %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	text, err := os.ReadFile(status)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(text)
	if m == nil {
		t.Fatalf("no VmHWM in the child's status:\n%s", text)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// TestRenderMemoryDoesNotGrowWithSampleLength renders 64 stereo 16-bit
// files for 20 s, once 20 s long and once 5 minutes long, and reads each
// render's peak resident memory: at most 96 MiB, and the 5-minute files
// take at most 32 MiB more (make bench measures the same against sox -m).
// Checking the 5-minute set stays within 96 MiB too.
func TestRenderMemoryDoesNotGrowWithSampleLength(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory makes resident memory meaningless; make unit measures it")
	}
	const n, rate = 64, 48000
	var rss [2]int64
	for i, secs := range []int{20, 300} {
		dir := t.TempDir()
		set := longSet(t, dir, n, secs*rate, rate)
		rss[i] = peakRSS(t, "render", set, "--seconds", "20", "-o", filepath.Join(dir, "out.wav"))
		if secs == 300 {
			// check reads every sample to its end, a chunk at a time.
			if c := peakRSS(t, "check", set); c > 96<<20 {
				t.Errorf("check of 64 5-minute files: peak RSS %.1f MiB, want at most 96", float64(c)/(1<<20))
			}
		}
	}
	t.Logf("peak RSS: %.1f MiB with 20 s files, %.1f MiB with 5-minute files", float64(rss[0])/(1<<20), float64(rss[1])/(1<<20))
	if rss[0] > 96<<20 || rss[1] > 96<<20 {
		t.Errorf("peak RSS %.1f / %.1f MiB, want at most 96 MiB", float64(rss[0])/(1<<20), float64(rss[1])/(1<<20))
	}
	if rss[1]-rss[0] > 32<<20 {
		t.Errorf("5-minute files take %.1f MiB more than 20 s ones, want at most 32 MiB", float64(rss[1]-rss[0])/(1<<20))
	}
}

// sdCard is a test hook's slow disk: every read waits 0.5 ms (an SD
// card's access time) plus the time its bytes take at 20 MB/s (a
// Raspberry Pi's SD card reads 20-40 MB/s), shared by all reads as one
// card is.
type sdCard struct {
	mu   sync.Mutex
	free time.Time // when the card is idle again
}

func (c *sdCard) wrap(src audio.Source) audio.Source { return &sdSource{Source: src, card: c} }

func (c *sdCard) wait(bytes int) {
	c.mu.Lock()
	start := time.Now()
	if c.free.After(start) {
		start = c.free
	}
	c.free = start.Add(500*time.Microsecond + time.Duration(bytes)*time.Second/20e6)
	until := c.free
	c.mu.Unlock()
	time.Sleep(time.Until(until))
}

type sdSource struct {
	audio.Source
	card *sdCard
}

func (s *sdSource) ReadFrames(dst []float32, at int64) (int, error) {
	s.card.wait(2 * len(dst)) // 16-bit on the card
	return s.Source.ReadFrames(dst, at)
}

func (s *sdSource) ReadPCM16(dst []int16, at int64) (int, error) {
	s.card.wait(2 * len(dst))
	return s.Source.(interface {
		ReadPCM16([]int16, int64) (int, error)
	}).ReadPCM16(dst, at)
}

// TestPlayStreamsInTime plays 64 long loops live on the null device (in
// real time) and checks that no stream ever ran dry: with the files in the
// page cache, with them dropped from it before the start, and read through
// a test hook as slow as an SD card. make bench plays each for a minute.
func TestPlayStreamsInTime(t *testing.T) {
	if testing.Short() {
		t.Skip("plays in real time; make unit and make bench run it")
	}
	const rate = 48000
	n := 64
	if raceEnabled {
		// The race detector makes rendering some ten times as costly: 64
		// voices would not keep up in real time, with or without a disk.
		// 16 still run the streamer beside the audio thread for it.
		n = 16
	}
	dir := t.TempDir()
	set := longSet(t, dir, n, 12*rate, 12*rate) // 12 s of sound each: they stream
	files, _ := filepath.Glob(filepath.Join(dir, "samples", "*.wav"))
	script := filepath.Join(dir, "scene.perf")
	showtest.WriteFile(t, script, "0b scene 0\n")
	secs := strconv.FormatFloat(*playSeconds, 'f', -1, 64)
	for _, c := range []struct {
		name string
		prep func()
		wrap func(audio.Source) audio.Source
	}{
		{"in the page cache", nil, nil},
		{"page cache dropped", func() {
			for _, name := range files {
				f, err := os.Open(name)
				if err != nil {
					t.Fatal(err)
				}
				if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
		}, nil},
		{"an SD card's speed", nil, new(sdCard).wrap},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.prep != nil {
				c.prep()
			}
			isolate(t)
			var o, stderr syncBuffer
			code := run([]string{"play", set, "--events", script, "--audio", "null", "--seconds", secs}, &env{stdout: &o, stderr: &stderr, hooks: show.Hooks{WrapStream: c.wrap}})
			if code != 0 {
				t.Fatalf("play: exit %d\n%s", code, stderr.String())
			}
			m := regexp.MustCompile(`disk streaming late (\d+) times`).FindStringSubmatch(stderr.String())
			if m == nil || m[1] != "0" || !strings.Contains(stderr.String(), fmt.Sprintf("peak voices %d", n)) {
				t.Fatalf("want %d voices and no late stream:\n%s", n, stderr.String())
			}
		})
	}
}
