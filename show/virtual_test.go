package show

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gridbox/show/showtest"
)

// renderScript renders set.toml in dir with the script text, logging the
// controllers, and returns the left channel and the log.
func renderScript(t *testing.T, dir, name, script string) (left []float32, log string) {
	t.Helper()
	perf, out, clog := filepath.Join(dir, name+".perf"), filepath.Join(dir, name+".wav"), filepath.Join(dir, name+".log")
	showtest.WriteFile(t, perf, script)
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	sf, _ := ParseSampleFormat("f32")
	err := Render(e, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: perf, Out: out, Rate: 48000, Format: sf, CtrlLog: clog})
	if err != nil {
		t.Fatalf("render %s: %v\n%s", name, err, errb.String())
	}
	b := showtest.ReadWAV(t, out)
	for i := 0; i < b.Frames(); i++ {
		left = append(left, b.Data[2*i])
	}
	text, err := os.ReadFile(clog)
	if err != nil {
		t.Fatal(err)
	}
	return left, string(text)
}

// The virtual controller's pads and buttons act on the surface exactly as
// the session-grid lines do: the same clips launch and stop on the same
// frames. Pad (1, 0) is track 1's scene-0 clip; Shift held and let go
// before it changes nothing (Shift + pad would select without launching).
func TestVirtualPlaysAsPressesDo(t *testing.T) {
	dir := reloadDir(t)
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), clickSet(120,
		clickTrack("A", "click.wav", "1/4"), clickTrack("B", "late.wav", "1 bar")))
	plain, _ := renderScript(t, dir, "plain", "0.5b press 0 0\n5b press 1 0\n5.5b release 1 0\n9b stopall\n14b end\n")
	virt, log := renderScript(t, dir, "virtual",
		"0.5b pad 0 0\n1b padup 0 0\n3b buttondown shift\n4b buttonup shift\n5b pad 1 0 64\n5.5b padup 1 0\n9b button stopall\n14b end\n")
	if len(plain) != 14*beat || len(virt) != len(plain) {
		t.Fatalf("%d and %d frames, want %d", len(plain), len(virt), 14*beat)
	}
	var onsets []int
	for i := range plain {
		if plain[i] != virt[i] {
			t.Fatalf("the virtual controller's render differs at frame %d: %v, plain %v", i, virt[i], plain[i])
		}
		if plain[i] > 0.05 && (i == 0 || plain[i-1] <= 0.05) {
			onsets = append(onsets, i)
		}
	}
	// A from bar 2 on every beat, B from bar 3 half a beat in, both up to
	// the stop at bar 4 (9b, quantized).
	want := []int{bar, bar + beat, bar + 2*beat, bar + 3*beat, 2 * bar, 2*bar + beat/2, 2*bar + beat, 2*bar + 2*beat, 2*bar + 3*beat}
	checkOnsets(t, onsets, want)

	// The log has every press and release at its frame, and the lights.
	for _, line := range []string{
		"12000 virtual in 0,0 down 100\n",
		"24000 virtual in 0,0 up\n",
		"72000 virtual in shift down 127\n",
		"120000 virtual in 1,0 down 64\n",
		"96000 virtual in shift up\n",
		"216000 virtual in stopall down 127\n216000 virtual in stopall up\n",
	} {
		if !strings.Contains(log, line) {
			t.Errorf("log lacks %q", line)
		}
	}
	first := strings.SplitN(log, "\n", 2)[0]
	if !strings.HasPrefix(first, "0 virtual out up=") || strings.Count(first, "=") != 92 {
		t.Errorf("first log line %q: want every light of the first frame", first)
	}
	if !strings.Contains(log, " virtual out 0,0=") {
		t.Error("the launched clip's pad never lit")
	}
}

// A script without pad or button lines plugs no virtual controller.
func TestNoVirtualWithoutItsLines(t *testing.T) {
	dir := reloadDir(t)
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), clickSet(120, clickTrack("A", "click.wav", "1/4")))
	_, log := renderScript(t, dir, "plain", "0b press 0 0\n2b end\n")
	if log != "" {
		t.Errorf("log %q, want nothing", log)
	}
}
