package main

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gridbox/audio/wav"
)

// The inputs are what both tools read: gridbox's decoder must see the
// declared length, the signal within its peak, and zeros in the tail.
func TestWriteInputDeclaresTheLongLength(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.wav")
	const frames, total = 4800, 48000
	const peak = 0.0125
	if err := writeInput(path, 3, frames, total, peak); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() != 44+4*total {
		t.Fatalf("size %v (%v), want %d", st.Size(), err, 44+4*total)
	}
	f, _ := os.Open(path)
	defer f.Close()
	b, err := wav.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b.Rate != rate || b.Channels != 2 || b.Frames() != total {
		t.Fatalf("decoded %d Hz × %d ch × %d frames, want %d × 2 × %d", b.Rate, b.Channels, b.Frames(), rate, total)
	}
	x := b.Floats()
	got := 0.0
	for _, s := range x[:2*frames] {
		got = max(got, math.Abs(float64(s)))
	}
	if got > peak || got < peak/2 {
		t.Errorf("signal peaks at %v, want within (%v, %v]", got, peak/2, peak)
	}
	for i, s := range x[2*frames:] {
		if s != 0 {
			t.Fatalf("tail sample %d is %v, want 0", i, s)
		}
	}
}

func TestMakeSetNamesEveryFile(t *testing.T) {
	dir := t.TempDir()
	set, files, err := makeSet(dir, 3, 0.01, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	toml, _ := os.ReadFile(set)
	for i, f := range files {
		rel, _ := filepath.Rel(dir, f)
		if !strings.Contains(string(toml), `sample = "`+rel+`"`) {
			t.Errorf("the set does not play file %d (%s):\n%s", i, rel, toml)
		}
	}
	if !strings.Contains(string(toml), `quantize = "none"`) {
		t.Errorf("the set does not launch at once:\n%s", toml)
	}
}

func TestSMF(t *testing.T) {
	got := smf([]note{{ch: 2, key: 60}}, organ, 1)
	want := []byte("MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0MTrk\x00\x00\x00\x17" +
		"\x00\xff\x51\x03\x07\xa1\x20" + // tempo 120 BPM
		"\x00\xc2\x10" + // program 16 on channel 2
		"\x00\x92\x3c\x50" + // note on
		"\x87\x40\x82\x3c\x40" + // 960 ticks (1 s) later, note off
		"\x00\xff\x2f\x00")
	if !bytes.Equal(got, want) {
		t.Errorf("smf:\n got % x\nwant % x", got, want)
	}
}

func TestHeldNotesAreDistinctAndSkipDrums(t *testing.T) {
	seen := map[note]bool{}
	for _, n := range heldNotes(256) {
		if seen[n] || n.ch == 9 || n.key < 24 || n.key > 87 {
			t.Fatalf("note %+v repeated, on the drum channel or out of 24..87", n)
		}
		seen[n] = true
	}
}

func TestParseCore(t *testing.T) {
	out := []byte(`goos: linux
BenchmarkVoiceFrame/plain/voices=64-2   22426   52694 ns/op   1.976 %deadline   1.832 cpu-ns/voice-frame   6.432 ns/voice-frame   0 B/op   0 allocs/op
BenchmarkVoiceFrame/fading/voices=256   2848    592439 ns/op  5.461 cpu-ns/voice-frame   18.08 ns/voice-frame
BenchmarkRender/voices=64/f32-2   28508   71793 ns/op   8.764 ns/voice-frame
PASS
`)
	got := parseCore(out)
	want := map[coreKey]coreFigure{
		{"plain", 64}:   {wallNs: 6.432, cpuNs: 1.832},
		{"fading", 256}: {wallNs: 18.08, cpuNs: 5.461},
	}
	if len(got) != len(want) {
		t.Fatalf("parsed %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%v: %+v, want %+v", k, got[k], w)
		}
	}
}

func TestBestTakesEachFigure(t *testing.T) {
	b := best([]usage{{wall: 3, cpu: 1, rss: 50}, {wall: 2, cpu: 4, rss: -1}, {wall: 5, cpu: 2, rss: 40}})
	if b != (usage{wall: 2, cpu: 1, rss: 40}) {
		t.Errorf("best %+v", b)
	}
}

func TestCheckAudioSeconds(t *testing.T) {
	line := []byte("bench.toml: ok: \"bench\", 64 tracks, 1 scenes, 64 clips, 0 instruments, 64 samples (19200.0 s of audio, 3.5 GB), 120 BPM 4/4\n")
	if err := checkAudioSeconds(line, 19200); err != nil {
		t.Error(err)
	}
	if err := checkAudioSeconds(line, 1280); err == nil {
		t.Error("19200 s accepted for 1280 s")
	}
	if err := checkAudioSeconds([]byte("ok"), 1280); err == nil {
		t.Error("a line without the length accepted")
	}
}

func TestSummaryFailsOnlyOnChecksUnlessGated(t *testing.T) {
	missed := func() *report {
		r := &report{w: io.Discard}
		r.target("RSS", "268 MiB", "≤ 96 MiB", false)
		return r
	}
	if got := missed().summary(false); got != 0 {
		t.Errorf("a missed target, not gating: status %d, want 0", got)
	}
	if got := missed().summary(true); got != 1 {
		t.Errorf("a missed target, gating: status %d, want 1", got)
	}
	r := missed()
	r.fail("outputs differ")
	if got := r.summary(false); got != 1 {
		t.Errorf("a failed check: status %d, want 1", got)
	}
}

func TestRunMeasuresTheChild(t *testing.T) {
	self, err := os.Executable() // the test binary itself: a child that exits at once
	if err != nil {
		t.Skip("no path to the test binary:", err)
	}
	u, _, _, err := run(".", self, []string{"-test.run=^$"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if u.wall <= 0 || u.wall > time.Minute || u.cpu < 0 || (runtime.GOOS == "linux" && u.rss <= 0) {
		t.Errorf("usage %+v", u)
	}
	if _, _, _, err := run(".", self, []string{"-test.run=^TestNoSuchTest$", "-test.bogus"}, ""); err == nil {
		t.Error("a failing child reported no error")
	} else if _, ok := exitCode(err); !ok {
		t.Errorf("no exit status in %v", err)
	}
}
