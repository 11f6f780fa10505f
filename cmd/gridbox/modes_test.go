package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gridbox/audio"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
	"gridbox/sets"
	"gridbox/show/showtest"
)

// notesSet writes a set of one track of notes, its scene-0 clip an empty
// looping bar, played by a sampler of a short sine on every key, and
// returns its path.
func notesSet(t *testing.T) string {
	dir := t.TempDir()
	data := make([]float32, 4800)
	for i := range data {
		data[i] = float32(0.2 * math.Sin(2*math.Pi*440*float64(i)/48000))
	}
	showtest.WriteWAV(t, filepath.Join(dir, "tone.wav"), 48000, data)
	set := filepath.Join(dir, "notes.toml")
	showtest.WriteFile(t, set, "name = \"Notes\"\ntempo = 120.0\nquantize = \"1 bar\"\n[[scene]]\n[[scene]]\n"+
		"[[track]]\nname = \"Keys\"\ninstrument = \"tone\"\n  [[track.clip]]\n  scene = 0\n  length = \"1 bar\"\n  notes = []\n"+
		"[[instrument]]\nname = \"tone\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  low = 0\n  high = 127\n  root = 69\n  sample = \"tone.wav\"\n")
	return set
}

// modesPlain is the modes performance on the virtual controller (8×8):
// select and launch the clip, two notes in Note mode, a drum pad, a step
// heard from the clip's third pass on, then Record in Note mode: a bar of
// count-in from beat 12 with the metronome, a take from 16 to 20
// overdubbing the playing clip with a note at beat 17, heard again at 21.
// V is the pads' velocity.
const modesPlain = `0b pad 0 0
0.1b padup 0 0
1b button note
2b pad 0 7 V
2.5b padup 0 7
3b pad 1 6 V
3.5b padup 1 6
4b button drum
5b pad 1 6 V
5.5b padup 1 6
6b button step
7b pad 2 6
7.1b padup 2 6
8b button note
8.5b button record
17b pad 0 7 V
17.5b padup 0 7
24b end
`

// modesScript returns the modes performance as model's raw input bytes:
// the same pads counted from its window's bottom left, and its way to
// each mode (an unlabelled controller holds Session, its Shift, and
// presses Mixer, Volume or Stop All; a Pro presses its printed buttons,
// Note again where it has no Drum or Step).
func modesScript(t *testing.T, model string) string {
	lp, lpErr := launchpad.ParseModel(model)
	rows, kind := 8, "midi"
	if lpErr != nil {
		kind = "serial"
		rows = map[string]int{"monome-64": 7, "monome-128": 7, "monome-256": 15}[model]
	}
	key := func(x, y int, down bool) string {
		if kind == "midi" {
			v := byte(0)
			if down {
				v = 127
			}
			return fmt.Sprintf("% X", launchpadtest.PressBytes(lp, launchpad.Button{X: x, Y: y}, v))
		}
		h := 0x20
		if down {
			h = 0x21
		}
		return fmt.Sprintf("%02X %02X %02X", h, x, y)
	}
	var b strings.Builder
	tap := func(at float64, x, y int, hold float64) {
		fmt.Fprintf(&b, "%gb %s %s %s\n", at, kind, model, key(x, y, true))
		fmt.Fprintf(&b, "%gb %s %s %s\n", at+hold, kind, model, key(x, y, false))
	}
	ctlRow := -1
	if kind == "serial" {
		ctlRow = rows
	}
	mode := func(at float64, name string, x int) {
		var labels map[launchpad.Button]string
		if lpErr == nil {
			labels = lp.Labels()
		}
		if labels == nil { // Shift (Session held) + Mixer, Volume or Stop All
			fmt.Fprintf(&b, "%gb %s %s %s\n", at, kind, model, key(4, ctlRow, true))
			tap(at, x, ctlRow, 0.1)
			fmt.Fprintf(&b, "%gb %s %s %s\n", at+0.1, kind, model, key(4, ctlRow, false))
			return
		}
		for _, n := range []string{name, "note"} {
			for btn, l := range labels {
				if l == n {
					tap(at, btn.X, btn.Y, 0.1)
					return
				}
			}
		}
		t.Fatalf("%s has no %s button", model, name)
	}
	tap(0, 0, 0, 0.1)
	mode(1, "note", 5)
	tap(2, 0, rows-1, 0.5)
	tap(3, 1, rows-2, 0.5)
	mode(4, "drum", 6)
	tap(5, 1, rows-2, 0.5)
	mode(6, "step", 7)
	tap(7, 2, rows-2, 0.1)
	mode(8, "note", 5)
	if lpErr == nil && lp.Labels() != nil {
		mode(8.5, "record", -1)
	} else {
		cols := map[string]int{"monome-64": 7, "monome-128": 15, "monome-256": 15}[model]
		if kind == "midi" {
			cols = 8
		}
		tap(8.5, cols, 0, 0.1) // the function column's first button: Record
	}
	tap(17, 0, rows-1, 0.5)
	b.WriteString("24b end\n")
	return b.String()
}

// TestScriptedModesOnEveryModel plays Note, Drum and Step mode from every
// model's raw bytes: the audio must equal the virtual controller's
// sample for sample (the same notes at the same frames), and the bytes
// sent to the controller testdata/controllers/MODEL.modes.log.
func TestScriptedModesOnEveryModel(t *testing.T) {
	set := notesSet(t)
	dir := t.TempDir()
	render := func(name, script string) *audio.Buffer {
		perf, out := filepath.Join(dir, name+".perf"), filepath.Join(dir, name+".wav")
		showtest.WriteFile(t, perf, script)
		if code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out); code != 0 {
			t.Fatalf("%s: %s", name, stderr)
		}
		dropTakes(t, set)
		return showtest.ReadWAV(t, out)
	}
	// The take is heard: without Record the virtual controller's render
	// is the same up to the count-in's first click at beat 12, and after
	// the take (beat 20) until the overdubbed note at beat 21 (each a
	// sine starting at 0: the first frame that differs is the next one).
	plain := strings.ReplaceAll(modesPlain, " V\n", " 100\n")
	with, without := render("with", plain), render("without", strings.Replace(plain, "8.5b button record\n", "", 1))
	firstDiff := func(from, to int) int {
		for f := from; f < to; f++ {
			if with.Data[2*f] != without.Data[2*f] {
				return f
			}
		}
		return -1
	}
	if f := firstDiff(0, 20*24000); f != 12*24000+1 {
		t.Errorf("with Record the render first differs at frame %d, want the count-in's first click at %d", f, 12*24000)
	}
	if f := firstDiff(20*24000, 24*24000); f != 21*24000+1 {
		t.Errorf("after the take the render first differs at frame %d, want the overdubbed note at %d", f, 21*24000)
	}
	for _, model := range scriptModels {
		t.Run(model, func(t *testing.T) {
			vel := "100"
			if lp, err := launchpad.ParseModel(model); err == nil && lp.VelocitySensitive() {
				vel = "127"
			}
			ref, refOut := filepath.Join(dir, model+".plain.perf"), filepath.Join(dir, model+".plain.wav")
			showtest.WriteFile(t, ref, strings.ReplaceAll(modesPlain, " V\n", " "+vel+"\n"))
			if code, _, stderr := gridbox(t, "render", set, "--events", ref, "-o", refOut); code != 0 {
				t.Fatalf("virtual render: %s", stderr)
			}
			dropTakes(t, set)
			want := showtest.ReadWAV(t, refOut)
			if want.Frames() != 24*24000 {
				t.Fatalf("virtual render: %d frames", want.Frames())
			}
			got, _ := playModel(t, set, dir, model, modesScript(t, model), want, model+".modes.log")
			dropTakes(t, set)
			onsets := 0
			for i := 2; i < len(got.Data); i += 2 {
				if got.Data[i] != 0 && got.Data[i-2] == 0 {
					onsets++
				}
			}
			if onsets < 6 {
				t.Errorf("%d notes heard, want the two of Note mode, the drum, the step and the take's", onsets)
			}
		})
	}
}

// dropTakes removes the takes file a render of set left (its steps and
// recording), so that the next render plays the set as written.
func dropTakes(t *testing.T, set string) {
	t.Helper()
	if err := os.Remove(sets.TakesPath(set)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}
