package show

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gridbox/show/showtest"
)

// noteSet is a set whose track "Keys" holds an empty looping one-bar note
// clip in scene 0, played by a sampler of click.wav on every key.
const noteSet = "name = \"Grid\"\ntempo = 120\nquantize = \"1 bar\"\n[[scene]]\nname = \"A\"\n[[scene]]\nname = \"B\"\n" +
	"[[track]]\nname = \"Keys\"\ninstrument = \"clicks\"\n  [[track.clip]]\n  scene = 0\n  length = \"1 bar\"\n  notes = []\n" +
	"[[instrument]]\nname = \"clicks\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  low = 0\n  high = 127\n  root = 60\n  sample = \"click.wav\"\n"

// The grid plays: a step set in Step mode is heard from the clip's next
// pass, on its exact frame, and a pad of Note mode sounds at the frame it
// is pressed.
func TestPlayingTheGrid(t *testing.T) {
	dir := reloadDir(t)
	got, _ := renderReload(t, dir, map[string]string{"set.toml": noteSet, "script.perf": "" +
		"0b pad 0 0\n0.1b padup 0 0\n" + // select the clip, and launch it at frame 0
		"0.25b button step\n1b pad 2 6\n1.1b padup 2 6\n" + // C3 on step 2 (beat 0.5), after pass 1 got there
		"5b button note\n6b pad 0 7\n6.5b padup 0 7\n" + // C3, live
		"10b end\n"})
	checkOnsets(t, got, []int{bar + beat/2, 6 * beat, 2*bar + beat/2})
}

// Recording from the grid: Record counts in from the next bar line for a
// bar, records the following bar, and the new clip loops from the bar
// line where recording ended; a note played during the take sounds live
// and is stored on the 1/16 grid. With the metronome on, its clicks are
// heard on every beat of the count-in and the take, and only then.
func TestRecordingFromTheGrid(t *testing.T) {
	script := "0b pad 0 1\n0.1b padup 0 1\n" + // select the empty slot of scene 1
		"0.5b button note\n1b button record\n" + // count-in from beat 4, the take from 8 to 12
		"9.05b pad 0 7\n9.3b padup 0 7\n18b end\n"
	set := func(metronome bool) string {
		return strings.Replace(noteSet, "quantize = \"1 bar\"\n", fmt.Sprintf("quantize = \"1 bar\"\ncount_in = \"1 bar\"\n"+
			"fixed_length = \"1 bar\"\nrecord_quantize = \"1/16\"\nmetronome = %v\n", metronome), 1)
	}
	dir := reloadDir(t)
	got, _ := renderReload(t, dir, map[string]string{"set.toml": set(false), "script.perf": script})
	checkOnsets(t, got, []int{9.05 * beat, 13 * beat, 17 * beat})

	dir = reloadDir(t) // without the first render's takes file
	renderReload(t, dir, map[string]string{"set.toml": set(true), "script.perf": script})
	left := showtest.ReadWAV(t, filepath.Join(dir, "out.wav"))
	var clicks []int
	for b := range 18 {
		// A click rings for tens of milliseconds; the notes' click.wav
		// is over within a few frames.
		peak := float32(0)
		for i := b*beat + 200; i < b*beat+1000; i++ {
			peak = max(peak, left.Data[2*i])
		}
		if peak > 0.01 {
			clicks = append(clicks, b)
		}
	}
	if want := []int{4, 5, 6, 7, 8, 9, 10, 11}; !slices.Equal(clicks, want) {
		t.Errorf("metronome clicks on beats %v, want %v", clicks, want)
	}
}
