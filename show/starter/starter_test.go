package starter

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gridbox/audio/wav"
	"gridbox/perfscript"
	"gridbox/sets"

	"gridbox/state"
)

var update = flag.Bool("update", false, "regenerate sets/demo and testdata/sha256.golden")

// generated is demoFiles, computed once for the tests that only read it.
var generated = sync.OnceValues(demoFiles)

// committed is the demo set in the repository.
const committed = "../../sets/demo"

// TestDemoIsCommitted runs Demo into a fresh directory and compares every file
// with the committed sets/demo, so the demo can never silently drift from the
// code that makes it. With -update it rewrites sets/demo instead.
func TestDemoIsCommitted(t *testing.T) {
	if *update {
		if err := Demo(committed); err != nil {
			t.Fatal(err)
		}
		files, err := demoFiles()
		if err != nil {
			t.Fatal(err)
		}
		// Drop samples the demo no longer makes.
		old, _ := filepath.Glob(filepath.Join(committed, "samples", "*"))
		for _, p := range old {
			if _, ok := files["samples/"+filepath.Base(p)]; !ok {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	dir := t.TempDir()
	if err := Demo(dir); err != nil {
		t.Fatal(err)
	}
	got, want := readTree(t, dir), readTree(t, committed)
	for name, b := range got {
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("sets/demo/%s is missing; run with -update", name)
		case !bytes.Equal(b, w):
			t.Errorf("sets/demo/%s differs from what Demo writes (%d bytes, committed %d); run with -update", name, len(b), len(w))
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("sets/demo/%s is not written by Demo; remove it or run with -update", name)
		}
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == state.DirName {
			return fs.SkipDir // what playing the demo saved (ignored by git)
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGeneratedBytesAreStable pins the SHA-256 of every generated file, demo
// and starter alike, in testdata/sha256.golden (sha256sum format). Run it on
// other machines and GOARCHes (go test -exec qemu-aarch64 with GOARCH=arm64)
// to check that the synthesis is deterministic.
func TestGeneratedBytesAreStable(t *testing.T) {
	demo, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	starter, err := newFiles()
	if err != nil {
		t.Fatal(err)
	}
	var sums bytes.Buffer
	for _, set := range []struct {
		dir   string
		files map[string][]byte
	}{{"demo", demo}, {"new", starter}} {
		for _, name := range sortedNames(set.files) {
			h := sha256.Sum256(set.files[name])
			fmt.Fprintf(&sums, "%s  %s/%s\n", hex.EncodeToString(h[:]), set.dir, name)
		}
	}
	golden := filepath.Join("testdata", "sha256.golden")
	if *update {
		if err := os.WriteFile(golden, sums.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := sums.String(); got != string(want) {
		t.Errorf("generated files changed (run with -update if intended):\n%s", lineDiff(string(want), got))
	}
}

func lineDiff(want, got string) string {
	var b strings.Builder
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for _, l := range wl {
		if !slices.Contains(gl, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range gl {
		if !slices.Contains(wl, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

// TestNoFusedMultiplyAdd compiles this package for arm64 (the Pi) and for
// amd64 v3 and fails if the compiler fused any multiply-add, which would make
// the samples differ between machines (rule 2 in dsp.go).
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the package: -short leaves it out")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on the PATH to cross-compile with")
	}
	const pkg = "gridbox/show/starter"
	fma := regexp.MustCompile(`\s(V?FN?M(ADD|SUB)[A-Z0-9]*)\s`)
	where := regexp.MustCompile(`starter/[a-z_0-9]+\.go:\d+`)
	for _, env := range [][]string{{"GOARCH=arm64"}, {"GOARCH=amd64", "GOAMD64=v3"}} {
		cmd := exec.Command(goTool, "build", "-o", os.DevNull, "-gcflags="+pkg+"=-S", pkg)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v go build: %v\n%s", env, err, out)
		}
		fn := ""
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if f := strings.Fields(line); len(f) > 1 && f[1] == "STEXT" {
				fn = f[0]
			}
			if m := fma.FindStringSubmatch(line); m != nil {
				t.Errorf("%v: %s fuses a multiply-add (%s) at %s", env, fn, m[1], where.FindString(line))
			}
		}
	}
}

func TestDemoSetLoads(t *testing.T) {
	s, err := sets.Load(os.DirFS(committed), "demo.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tracks) != demoTracks || len(s.Scenes) != demoScenes {
		t.Fatalf("%d tracks × %d scenes, want %d × %d", len(s.Tracks), len(s.Scenes), demoTracks, demoScenes)
	}
	var gate, toggle, legato, follow, quantize, audioLoop, notes int
	lengths := map[string]bool{}
	for _, tr := range s.Tracks {
		for _, c := range tr.Clips {
			switch c.Launch {
			case sets.Gate:
				gate++
			case sets.Toggle:
				toggle++
			}
			if c.Legato {
				legato++
			}
			if c.Follow != nil {
				follow++
			}
			if c.Quantize != nil {
				quantize++
			}
			if c.IsNotes() {
				notes++
			} else if c.Loop {
				audioLoop++
				lengths[c.Length.String()] = true
			}
		}
	}
	if gate == 0 || toggle == 0 || legato < 2 || follow == 0 || quantize == 0 || audioLoop == 0 || notes == 0 {
		t.Errorf("features: gate %d toggle %d legato %d follow %d quantize %d audio loops %d note clips %d",
			gate, toggle, legato, follow, quantize, audioLoop, notes)
	}
	if len(lengths) < 2 {
		t.Errorf("audio loop lengths %v, want variety", lengths)
	}
}

// TestDemoPerfHitsTheGrid checks every coordinate in demo.perf against the
// demo's grid: presses hit clips, scene and stop numbers exist.
func TestDemoPerfHitsTheGrid(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(committed, "demo.perf"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := perfscript.Parse("demo.perf", data)
	if err != nil {
		t.Fatal(err)
	}
	set, err := sets.Load(os.DirFS(committed), "demo.toml")
	if err != nil {
		t.Fatal(err)
	}
	checkPerf(t, script, set)

	// The performance the demo promises: a held and released gate clip, a
	// track stop, and a stopall a bar or two before the end.
	d := demoSet()
	var gateHeld, trackStop bool
	var stopAll, end float64 = -1, -1
	for i, e := range script.Events {
		if e.At.Unit != perfscript.Beats {
			t.Errorf("line %d: %v: the demo keeps to beats", e.Line, e.At)
		}
		switch e.Kind {
		case perfscript.Press:
			for _, c := range d.tracks[e.X].clips {
				if c.scene == e.Y && c.launch == "gate" {
					for _, r := range script.Events[i+1:] {
						if r.Kind == perfscript.Release && r.X == e.X && r.Y == e.Y && r.At.Value-e.At.Value >= 4 {
							gateHeld = true
						}
					}
				}
			}
		case perfscript.Stop:
			trackStop = true
		case perfscript.StopAll:
			stopAll = e.At.Value
		case perfscript.End:
			end = e.At.Value
		}
	}
	if !gateHeld || !trackStop || stopAll < 0 || end-stopAll < 4 || end-stopAll > 8 {
		t.Errorf("gate held %v, track stop %v, stopall at %vb, end at %vb", gateHeld, trackStop, stopAll, end)
	}
	if end < 100 || end > 140 {
		t.Errorf("end at %vb: the demo should last about a minute (120b at 120 BPM)", end)
	}
}

// checkPerf fails for any event of script that names a pad, scene or track
// the set does not have, and for a release without a press before it.
func checkPerf(t *testing.T, script *perfscript.Script, set *sets.Set) {
	t.Helper()
	held := map[[2]int]bool{}
	for _, e := range script.Events {
		switch e.Kind {
		case perfscript.Press, perfscript.Release:
			if e.X >= len(set.Tracks) || e.Y >= len(set.Scenes) || set.Tracks[e.X].Clip(e.Y) == nil {
				t.Errorf("%s:%d: %v: no clip at pad %d,%d", script.File, e.Line, e.Kind, e.X, e.Y)
			}
			pad := [2]int{e.X, e.Y}
			if e.Kind == perfscript.Release && !held[pad] {
				t.Errorf("%s:%d: release of pad %d,%d that is not held", script.File, e.Line, e.X, e.Y)
			}
			held[pad] = e.Kind == perfscript.Press
		case perfscript.Scene:
			if e.Y >= len(set.Scenes) {
				t.Errorf("%s:%d: no scene %d", script.File, e.Line, e.Y)
			}
		case perfscript.Stop:
			if e.X >= len(set.Tracks) {
				t.Errorf("%s:%d: no track %d", script.File, e.Line, e.X)
			}
		}
	}
	for pad, h := range held {
		if h {
			t.Errorf("%s: pad %d,%d is never released", script.File, pad[0], pad[1])
		}
	}
}

// TestSamplesAreClean decodes every generated sample and checks the sound
// rules: 48 kHz mono, peaks at or below -1 dBFS, silence at both ends (no
// click on launch or at a loop point), audio clips exactly as long as their
// clips, and the whole demo under 4 MB of samples.
func TestSamplesAreClean(t *testing.T) {
	files, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	bars := map[string]int{} // sample → clip length in bars, for audio clips
	for _, tr := range demoSet().tracks {
		for _, c := range tr.clips {
			if c.sample != "" {
				var n int
				fmt.Sscan(c.length, &n)
				bars[c.sample] = n
			}
		}
	}
	total := 0
	limit := dB(-1)
	for _, name := range sortedNames(files) {
		if !strings.HasPrefix(name, "samples/") {
			continue
		}
		total += len(files[name])
		b, err := wav.Decode(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Rate != rate || b.Channels != 1 {
			t.Errorf("%s: %d Hz, %d channels; want %d Hz mono", name, b.Rate, b.Channels, rate)
		}
		pk, maxStep := 0.0, 0.0
		for i, v := range b.Data {
			pk = max(pk, math.Abs(float64(v)))
			if i > 0 {
				maxStep = max(maxStep, math.Abs(float64(v-b.Data[i-1])))
			}
		}
		if pk > limit {
			t.Errorf("%s: peak %.2f dBFS, want at most -1", name, 20*math.Log10(pk))
		}
		first, last := math.Abs(float64(b.Data[0])), math.Abs(float64(b.Data[len(b.Data)-1]))
		if first > 1.0/32767 {
			t.Errorf("%s: starts at %.4f, want silence (a click on launch)", name, first)
		}
		if n, ok := bars[name]; ok {
			if b.Frames() != n*bar {
				t.Errorf("%s: %d frames, want %d (%d bars at %v BPM)", name, b.Frames(), n*bar, n, bpm)
			}
			// Loops wrap from the last sample to the first: that step must
			// be no larger than the loop's own largest step.
			if jump := math.Abs(float64(b.Data[len(b.Data)-1] - b.Data[0])); jump > maxStep {
				t.Errorf("%s: jumps %.4f at the loop point, more than anywhere inside (%.4f)", name, jump, maxStep)
			}
		} else if last > 1.0/32767 {
			t.Errorf("%s: ends at %.4f, want silence", name, last)
		}
	}
	if total > 4<<20 {
		t.Errorf("samples take %d bytes, want under 4 MiB", total)
	}
	t.Logf("demo samples: %d bytes", total)
}

func TestNew(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mine")
	if err := New(dir); err != nil {
		t.Fatal(err)
	}
	set, err := sets.Load(os.DirFS(dir), "set.toml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "set.perf"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := perfscript.Parse("set.perf", data)
	if err != nil {
		t.Fatal(err)
	}
	checkPerf(t, script, set)

	// Every key of the format appears, with a comment on its line or above it.
	toml, _ := os.ReadFile(filepath.Join(dir, "set.toml"))
	lines := strings.Split(string(toml), "\n")
	for _, key := range []string{"name", "tempo", "time_signature", "quantize", "color", "volume", "pan",
		"instrument", "scene", "sample", "loop", "length", "gain", "launch", "quantize", "legato", "follow",
		"notes", "kind", "key", "low", "high", "root", "gate"} {
		found := false
		for i, l := range lines {
			l = strings.TrimLeft(l, " #")
			if strings.HasPrefix(l, key+" = ") && (strings.Contains(l, "#") || strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#")) {
				found = true
			}
		}
		if !found {
			t.Errorf("set.toml: no %s key with a comment", key)
		}
	}

	// A second New refuses, names the files, and changes nothing.
	before := readTree(t, dir)
	err = New(dir)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "set.toml") {
		t.Errorf("second New: %v, want fs.ErrExist naming set.toml", err)
	}
	if after := readTree(t, dir); len(after) != len(before) {
		t.Errorf("second New changed the directory")
	}
}

func TestNewWritesNothingOverAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	mine := []byte("my own perf")
	if err := os.WriteFile(filepath.Join(dir, "set.perf"), mine, 0o644); err != nil {
		t.Fatal(err)
	}
	err := New(dir)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("New: %v, want fs.ErrExist", err)
	}
	files := readTree(t, dir)
	if len(files) != 1 || !bytes.Equal(files["set.perf"], mine) {
		t.Errorf("New wrote %d files next to an existing one", len(files)-1)
	}
}

func TestDemoNeedsADirectory(t *testing.T) {
	if err := Demo(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Demo into a missing directory: %v, want fs.ErrNotExist", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if err := Demo(f); err == nil {
		t.Error("Demo into a file: no error")
	}
}

func TestMemFile(t *testing.T) {
	var m memFile
	m.Write([]byte("hello world"))
	m.Seek(0, 0)
	m.Write([]byte("J"))
	m.Seek(-5, 2)
	m.Write([]byte("W"))
	if off, _ := m.Seek(0, 1); off != 7 || string(m.buf) != "Jello World" {
		t.Errorf("got %q at %d", m.buf, off)
	}
	if _, err := m.Seek(-1, 0); err == nil {
		t.Error("seek before the start: no error")
	}
	if _, err := m.Seek(0, 9); err == nil {
		t.Error("bad whence: no error")
	}
}
