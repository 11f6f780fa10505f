package show

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"gridbox/engine"
	"gridbox/show/showtest"
)

// midiSet is a set at 120 BPM (a beat is 24000 frames) with a midi
// instrument "synth" on port "Freak" channel 3 played by track "Lead",
// whose scene-0 clip holds notes, and what else is given.
func midiSet(notes string, extra ...string) string {
	return clickSet(120, append([]string{"[[track]]\nname = \"Lead\"\ninstrument = \"synth\"\n  [[track.clip]]\n  scene = 0\n  length = \"1 bar\"\n  loop = true\n  notes = [" + notes + "]\n"}, extra...)...) +
		"[[instrument]]\nname = \"synth\"\nkind = \"midi\"\nport = \"Freak\"\nchannel = 3\n"
}

// renderMIDI renders set.toml with script.perf (files: name → text) in
// dir, at block frames a block (0: render's own), and returns the
// --midi-log.
func renderMIDI(t *testing.T, dir string, block int, files map[string]string) string {
	t.Helper()
	for name, text := range files {
		showtest.WriteFile(t, filepath.Join(dir, name), text)
	}
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	e.RenderBlock = block
	log := filepath.Join(dir, "midi.txt")
	sf, _ := ParseSampleFormat("f32")
	err := Render(e, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: filepath.Join(dir, "script.perf"),
		Out: filepath.Join(dir, "out.wav"), Rate: 48000, Format: sf, MIDILog: log})
	if err != nil {
		t.Fatalf("render: %v\n%s", err, errb.String())
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A render's --midi-log starts with All Notes Off on the channel the
// set's midi instrument plays (a crash may have left notes on) and ends
// with it, at the frame the render stopped.
func TestMIDILogAllNotesOff(t *testing.T) {
	dir := reloadDir(t)
	got := renderMIDI(t, dir, 0, map[string]string{"set.toml": midiSet(""), "script.perf": "1b end\n"})
	want := "0 Freak out B2 7B 00\n24000 Freak out B2 7B 00\n"
	if got != want {
		t.Errorf("log:\n%s\nwant\n%s", got, want)
	}
}

// The log is never half-written: a render that fails leaves none, and a
// FIFO at its name is refused before anything is rendered.
func TestMIDILogSafe(t *testing.T) {
	dir := reloadDir(t)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), midiSet(""))
	showtest.WriteFile(t, filepath.Join(dir, "script.perf"), "1b end\n")
	var errb bytes.Buffer
	sf, _ := ParseSampleFormat("f32")
	err := Render(&Env{Stdout: &errb, Stderr: &errb}, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: filepath.Join(dir, "script.perf"),
		Out: filepath.Join(dir, "out.wav"), Rate: 48000, Format: sf, MIDILog: fifo})
	if err == nil || !strings.Contains(err.Error(), "--midi-log") || !strings.Contains(err.Error(), "FIFO") {
		t.Errorf("render with a FIFO as the log: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.wav")); err == nil {
		t.Error("the render was written")
	}
}

// Inputs reach every handler with their port and frame, and are logged
// as "in"; port numbers stay a name's once given.
func TestMIDIInput(t *testing.T) {
	dir := t.TempDir()
	log, err := openMIDILog(filepath.Join(dir, "log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	names := &portNames{}
	m := newMIDIPorts(log, names)
	m.listen("Clock")
	var got []string
	m.onInput(func(port string, frame engine.Frame, msg []byte) {
		got = append(got, fmt.Sprintf("%s %d % X", port, frame, msg))
	})
	m.input("Clock", 480, []byte{0xF8})
	m.input("Clock", 960, []byte{0xFA})
	if err := m.Close(0); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Clock 480 F8", "Clock 960 FA"}; !slices.Equal(got, want) {
		t.Errorf("handled %q, want %q", got, want)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "log.txt"))
	if want := "480 Clock in F8\n960 Clock in FA\n"; string(b) != want {
		t.Errorf("log %q, want %q", b, want)
	}
	a, b2, a2 := names.number("A"), names.number("B"), names.number("A")
	if a != 0 || b2 != 1 || a2 != 0 || names.name(1) != "B" || names.name(5) != "" {
		t.Errorf("port numbers %d %d %d, names %q %q", a, b2, a2, names.name(1), names.name(5))
	}
}
