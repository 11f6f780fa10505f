package show

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	mt "gridbox/midifile/midifiletest"
	"gridbox/show/showtest"
)

// midiClipSet is a set at 120 BPM whose track "Riff" plays riff.mid, with
// the clip keys extra, on a sampler of click.wav on every key.
func midiClipSet(extra string) string {
	return clickSet(120, "[[track]]\nname = \"Riff\"\ninstrument = \"clicks\"\n  [[track.clip]]\n  scene = 0\n  midi = \"riff.mid\"\n"+extra) +
		"[[instrument]]\nname = \"clicks\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  low = 0\n  high = 127\n  root = 60\n  sample = \"click.wav\"\n"
}

// A clip from a MIDI file plays its notes at their exact frames: a format
// 1 file whose tempo track changes tempo mid-file (the notes keep their
// beats; the set's 120 BPM plays them), running status, velocity-0
// note-offs, a second channel the clip's channel key leaves out, and the
// clip one bar long (the file's 3.5 beats rounded up), looping.
func TestMIDIClipPlays(t *testing.T) {
	dir := reloadDir(t)
	riff := mt.File(1, 96,
		mt.Track(mt.Tempo(0, 500000), mt.Tempo(96, 1000000), mt.Tempo(96, 300000), mt.EOT(0)),
		mt.Track(
			mt.Ev(0, 0x90, 60, 127), // beat 0
			mt.Ev(24, 60, 0),        // running status, velocity 0: off
			mt.Ev(24, 62, 127),      // beat 0.5
			mt.Ev(24, 62, 0),
			mt.Ev(0, 0x91, 48, 127), // channel 2, beat 0.75: filtered out
			mt.Ev(24, 0x81, 48, 0),
			mt.Ev(48, 0x90, 64, 127), // beat 1.5
			mt.Ev(24, 0x80, 64, 0),
			mt.Ev(96, 0x90, 67, 127), // beat 2.75
			mt.Ev(24, 67, 0),
			mt.EOT(48)), // the file ends at beat 3.5
	)
	showtest.WriteFile(t, filepath.Join(dir, "riff.mid"), string(riff))
	got, _ := renderReload(t, dir, map[string]string{"set.toml": midiClipSet("  channel = 1\n"), "script.perf": "0b scene 0\n8b end\n"})
	var want []int
	for _, b := range []float64{0, 0.5, 1.5, 2.75, 4, 4.5, 5.5, 6.75} {
		want = append(want, int(b*beat))
	}
	checkOnsets(t, got, want)

	// Without the channel key, channel 2's note plays too.
	got, _ = renderReload(t, dir, map[string]string{"set.toml": midiClipSet(""), "script.perf": "0b scene 0\n4b end\n"})
	checkOnsets(t, got, []int{0, beat / 2, beat * 3 / 4, beat * 3 / 2, beat * 11 / 4})
}

// A malformed MIDI file stops a render with the problem at the midi key,
// naming it and its byte offset.
func TestMIDIClipMalformed(t *testing.T) {
	dir := reloadDir(t)
	riff := mt.File(1, 96, mt.Track(mt.EOT(0)), mt.Track(mt.Ev(0, 60, 100), mt.EOT(0)))
	showtest.WriteFile(t, filepath.Join(dir, "riff.mid"), string(riff))
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), midiClipSet(""))
	showtest.WriteFile(t, filepath.Join(dir, "script.perf"), "0b scene 0\n4b end\n")
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	sf, _ := ParseSampleFormat("f32")
	set := filepath.Join(dir, "set.toml")
	err := Render(e, RenderConfig{Set: set, Events: filepath.Join(dir, "script.perf"), Out: filepath.Join(dir, "out.wav"), Rate: 48000, Format: sf})
	want := set + `:13:10: midi "riff.mid": track 2 at byte 35: running status with no status byte before it (data byte 0x3c where an event starts)`
	if err == nil || !slices.Contains(strings.Split(errb.String()+"\n"+err.Error(), "\n"), want) {
		t.Errorf("render: %v\n%s\nwant the line\n%s", err, errb.String(), want)
	}
}
