package sets_test

import (
	"errors"
	"fmt"
	"testing/fstest"

	"gridbox/sets"
)

func ExampleLoad() {
	// Callers pass (*os.Root).FS() for the set's folder; a MapFS stands in.
	fsys := fstest.MapFS{
		"live.toml": {Data: []byte(`
name = "Live"
tempo = 96
time_signature = [6, 8]

[[scene]]
name = "Intro"

[[track]]
name = "Loop"
  [[track.clip]]
  scene = 0
  sample = "samples/loop.wav"
  loop = true
  length = "2 bars"
`)},
		"samples/loop.wav": {Data: []byte("RIFF…")},
	}
	set, err := sets.Load(fsys, "live.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	clip := set.Tracks[0].Clip(0)
	fmt.Printf("%s at %g BPM in %v: %g beats per bar\n", set.Name, set.Tempo, set.TimeSignature, set.BeatsPerBar())
	fmt.Printf("clip %q loops every %v = %g beats\n", clip.Sample, clip.Length, clip.Length.Beats(set.BeatsPerBar()))
	for _, ref := range set.Samples() {
		fmt.Printf("%s:%v: %s uses %s\n", set.File, ref.Pos, ref.Owner, ref.Path)
	}
	// Output:
	// Live at 96 BPM in 6/8: 3 beats per bar
	// clip "samples/loop.wav" loops every 2 bars = 6 beats
	// live.toml:13:12: track "Loop" clip in scene 0 uses samples/loop.wav
}

func ExampleErrors() {
	_, err := sets.Parse("live.toml", []byte(`tempo = 1200
[[scene]]
tempp = 120
[[track]]
  [[track.clip]]
  scene = 1
  sample = "../x.wav"
`))
	fmt.Println(err)

	// Each problem is an *Error with a position.
	var es sets.Errors
	if errors.As(err, &es) {
		fmt.Println(len(es), "problems; the first is on line", es[0].Pos.Line)
	}
	// Output:
	// live.toml:1:9: tempo 1200 is out of range 20..999
	// live.toml:3:1: unknown key "tempp" in [[scene]]; did you mean "tempo"?
	// live.toml:6:11: scene 1 is out of range 0..0
	// live.toml:7:12: sample "../x.wav": path escapes the set's folder
	// 4 problems; the first is on line 1
}
