package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/config"
	"gridbox/engine"
	"gridbox/grid/hotplug"
	"gridbox/grid/midiport"
	"gridbox/grid/midiport/midiporttest"
	"gridbox/grid/scan"
	"gridbox/internal/safemode"
	"gridbox/sequencer"
	"gridbox/show"
	"gridbox/show/showtest"
)

// synthPort is the fake synthesizer's MIDI port, as ALSA names one.
const synthPort = "Arturia MicroFreak:MicroFreak MIDI 1 24:0"

// synthTrack is a track of ClickSet playing a midi instrument on the
// MicroFreak's channel 2: C4 on every beat, half a beat long.
const synthTrack = `[[track]]
name = "Synth"
instrument = "freak"
  [[track.clip]]
  scene = 0
  length = "1/4"
  loop = true
  notes = [ { at = 0.0, len = 0.5, key = 60, vel = 100 } ]
[[instrument]]
name = "freak"
kind = "midi"
port = "microfreak"
channel = 2
`

// hexes formats messages as hex, one per line.
func hexes(msgs [][]byte) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "% X\n", m)
	}
	return b.String()
}

// count returns how many of msgs are note-ons.
func noteOns(msgs [][]byte) int {
	n := 0
	for _, m := range msgs {
		if len(m) == 3 && m[0]&0xF0 == 0x90 && m[2] > 0 {
			n++
		}
	}
	return n
}

// TestMIDIOutHotPlug plays a set with a midi instrument on a fake
// synthesizer (a midiporttest device behind gomidi's driver interface;
// everything above the driver is gridbox's real path) that is unplugged
// and plugged back mid-show: its port is found by a case-insensitive
// substring of its name, gets All Notes Off first, then the notes; while
// unplugged nothing reaches it (and play goes on); plugged back, it is
// found again within the watcher's period and the notes resume; at the
// end a note still on gets its note-off, then All Notes Off. In a
// synctest bubble, so the times are gridbox's own.
func TestMIDIOutHotPlug(t *testing.T) { synctest.Test(t, testMIDIOutHotPlug) }

// fakeMIDI is play's hooks with dev as the machine's only MIDI device: no
// controller scans, and signals left to the test.
func fakeMIDI(dev *midiporttest.Device) show.Hooks {
	return show.Hooks{Scans: func(scan.Wrap) []hotplug.Scan { return nil },
		MIDI:   func() (midiport.Driver, error) { return dev.Driver(), nil },
		Notify: func(chan<- os.Signal, ...os.Signal) {}}
}

func testMIDIOutHotPlug(t *testing.T) {
	set := showtest.ClickSet(t, synthTrack)
	script := set + ".perf"
	showtest.WriteFile(t, script, "0b scene 0\n")
	dev := midiporttest.New(synthPort)
	var stderr syncBuffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &stderr,
		hooks: fakeMIDI(dev)}
	code := make(chan int, 1)
	// 3.25 s: the last note (beat 6, 3 s) is still on at the end.
	go func() {
		code <- run([]string{"play", "--http", "off", set, "--events", script, "--audio", "null", "--seconds", "3.25", "--no-watch"}, e)
	}()

	time.Sleep(1200 * time.Millisecond) // beats 0, 1, 2 (0, 0.5, 1 s)
	before := dev.Messages()
	if len(before) == 0 || !bytes.Equal(before[0], []byte{0xB1, 123, 0}) {
		t.Fatalf("the synthesizer got first\n%swant All Notes Off on channel 2 (B1 7B 00)", hexes(before))
	}
	if n := noteOns(before); n != 3 {
		t.Errorf("%d note-ons by 1.2 s, want 3 (beats 0, 1, 2):\n%s", n, hexes(before))
	}
	dev.Unplug()
	time.Sleep(800 * time.Millisecond) // beat 3 (1.5 s) goes nowhere
	if got := dev.Messages(); len(got) != len(before) {
		t.Errorf("unplugged, the synthesizer still got\n%s", hexes(got[len(before):]))
	}
	dev.Plug()
	// Found again within the watcher's 250 ms: beats 4 (2 s, a hair
	// after the plug: dropped or not) and 5 (2.5 s) at least.
	time.Sleep(700 * time.Millisecond)
	if n := noteOns(dev.Messages()) - noteOns(before); n < 1 {
		t.Errorf("plugged back, no note reached the synthesizer by 2.7 s:\n%s", stderr.String())
	}
	if c := <-code; c != 0 {
		t.Fatalf("play exited %d:\n%s", c, stderr.String())
	}
	all := dev.Messages()
	// The engine's stop and panic stop each send All Notes Off after the
	// note-off, and the port's close sends it again.
	tail := hexes(all[max(len(all)-4, 0):])
	if want := "81 3C 00\nB1 7B 00\nB1 7B 00\nB1 7B 00\n"; tail != want {
		t.Errorf("the show ended with\n%swant the held note's note-off, then All Notes Off:\n%s", tail, want)
	}
	said := stderr.String()
	t.Logf("the synthesizer got:\n%sgridbox play said:\n%s", hexes(all), said)
	for _, want := range []string{
		`MIDI out "microfreak" connected on ` + synthPort,
		`MIDI out "microfreak" disconnected`,
	} {
		if strings.Count(said, want) < 1 {
			t.Errorf("play did not say %q:\n%s", want, said)
		}
	}
	if n := strings.Count(said, "connected on "+synthPort); n != 2 {
		t.Errorf("connected %d times, want 2:\n%s", n, said)
	}
	if !slices.ContainsFunc(strings.Split(said, "\n"), func(l string) bool {
		return strings.Contains(l, "MIDI:") && strings.Contains(l, "dropped (port not there)")
	}) {
		t.Errorf("play did not count the messages dropped while unplugged:\n%s", said)
	}
}

// midiChildEnv makes the child play (the command line "|"-separated
// after the file name) with the fake synthesizer, appending each message
// it receives to the file named first, one hex line each, as it arrives.
const midiChildEnv = "GRIDBOX_CMD_MIDI"

func init() { children = append(children, childMain{midiChildEnv, midiChild}) }

func midiChild(spec string) int {
	args := strings.Split(spec, "|")
	f, err := os.OpenFile(args[0], os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	dev := midiporttest.New(synthPort)
	dev.OnWrite(func(msg []byte) { fmt.Fprintf(f, "% X\n", msg) })
	e := processEnv()
	e.hooks.MIDI = func() (midiport.Driver, error) { return dev.Driver(), nil }
	e.hooks.Scans = func(scan.Wrap) []hotplug.Scan { return nil }
	if at, err := strconv.ParseFloat(os.Getenv(midiPanicEnv), 64); err == nil {
		e.hooks.Turn = func(_ *sequencer.Session, now engine.Frame) {
			if float64(now) >= at*48000 {
				panic("a test's panic on the session goroutine")
			}
		}
	}
	return run(args[1:], e)
}

// midiPanicEnv makes midiChild's play panic on the session goroutine
// once the sound reaches that many seconds.
const midiPanicEnv = "GRIDBOX_CMD_MIDI_PANIC"

// A gridbox that panics on its session goroutine while a note sounds
// still sends that note's note-off and All Notes Off before it dies.
func TestMIDIOutAfterAPanic(t *testing.T) {
	isolate(t)
	set := showtest.ClickSet(t, synthTrack)
	dir := t.TempDir()
	script := filepath.Join(dir, "play.perf")
	showtest.WriteFile(t, script, "0b scene 0\n")
	got := filepath.Join(dir, "got.txt")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), midiPanicEnv+"=0.6", // beat 1.2: C4 on from beat 1 to 1.5
		midiChildEnv+"="+strings.Join([]string{got, "play", set, "--events", script, "--audio", "null", "--no-watch", "--seconds", "20"}, "|"))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "a test's panic") {
		t.Fatalf("the child did not panic: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(got)
	if want := "B1 7B 00\n91 3C 64\n81 3C 00\n91 3C 64\n81 3C 00\nB1 7B 00\n"; string(b) != want {
		t.Errorf("the synthesizer got\n%swant\n%s", b, want)
	}
}

// TestMIDIOutAfterACrash: a gridbox killed with SIGKILL while its notes
// sound leaves them on (it had no chance to send their note-offs) and no
// --midi-log (a log is whole or absent); the next gridbox started sends
// All Notes Off on the instrument's channel before anything else.
func TestMIDIOutAfterACrash(t *testing.T) {
	isolate(t)
	set := showtest.ClickSet(t, synthTrack)
	dir := t.TempDir()
	script := filepath.Join(dir, "play.perf")
	showtest.WriteFile(t, script, "0b scene 0\n")
	got1, got2, log := filepath.Join(dir, "got1.txt"), filepath.Join(dir, "got2.txt"), filepath.Join(dir, "midi.txt")
	child := func(got string, args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), midiChildEnv+"="+strings.Join(append([]string{got, "play", set, "--events", script, "--audio", "null", "--no-watch"}, args...), "|"))
		return cmd
	}
	var out1 bytes.Buffer
	c1 := child(got1, "--midi-log", log)
	c1.Stdout, c1.Stderr = &out1, &out1
	if err := c1.Start(); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string { b, _ := os.ReadFile(name); return string(b) }
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(read(got1), "91 3C 64") < 2 { // two beats played
		if time.Now().After(deadline) {
			c1.Process.Kill()
			c1.Wait()
			t.Fatalf("no notes from the first gridbox within 20 s:\n%s\n%s", read(got1), out1.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // within the third note: C4 on
	c1.Process.Kill()
	c1.Wait()
	first := read(got1)
	if strings.Contains(strings.TrimPrefix(first, "B1 7B 00\n"), "7B") {
		t.Fatalf("the killed gridbox sent All Notes Off after its start:\n%s", first)
	}
	if _, err := os.Stat(log); err == nil {
		t.Errorf("the killed gridbox left a --midi-log")
	}

	out2, err := child(got2, "--seconds", "0.3").CombinedOutput()
	if err != nil {
		t.Fatalf("the second gridbox: %v\n%s", err, out2)
	}
	second := read(got2)
	if !strings.HasPrefix(second, "B1 7B 00\n91 3C 64\n") {
		t.Errorf("the gridbox started after a crash sent\n%swant All Notes Off on channel 2 first, then the first note", second)
	}
	t.Logf("the killed gridbox sent:\n%sthe next one:\n%s", first, second)
}

// A set without MIDI ports never asks for the MIDI driver (on a Pi, that
// would open an ALSA sequencer client for nothing); one whose driver
// cannot work says so once, plays on and asks again at every scan.
func TestPlayAsksForMIDIOnlyWhenUsed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, c := range []struct {
			set  string
			want int
		}{{"", 0}, {synthTrack, 1}} {
			asked := 0
			var stderr syncBuffer
			e := &env{stdout: &bytes.Buffer{}, stderr: &stderr,
				hooks: show.Hooks{Scans: func(scan.Wrap) []hotplug.Scan { return nil },
					MIDI: func() (midiport.Driver, error) {
						asked++
						return nil, fmt.Errorf("%w: not here", midiport.ErrNoMIDI)
					},
					Notify: func(chan<- os.Signal, ...os.Signal) {}}}
			if code := run([]string{"play", "--http", "off", showtest.ClickSet(t, c.set), "--audio", "null", "--seconds", "0.6", "--no-watch"}, e); code != 0 {
				t.Fatalf("play exited %d:\n%s", code, stderr.String())
			}
			if (asked == 0) != (c.want == 0) || asked < c.want || strings.Count(stderr.String(), "no MIDI ports") != c.want {
				t.Errorf("asked for the driver %d times, want %d:\n%s", asked, c.want, stderr.String())
			}
		}
	})
}

// A gridbox in safe mode (its set crashed it three times in a row, each
// crash maybe leaving notes on) does not play the set, but still sends
// All Notes Off on the channels the set's midi instruments play, at its
// start and at its end: safe mode's empty set has none of its own.
func TestMIDIOutSafeModeAllNotesOff(t *testing.T) {
	isolate(t)
	set := showtest.ClickSet(t, synthTrack)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	showtest.WriteFile(t, cfg, "set = "+strconv.Quote(set)+"\n")
	for range safemode.Crashes {
		if _, _, err := safemode.Begin(config.LastDir(false), set, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	dev := midiporttest.New(synthPort)
	var stderr syncBuffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &stderr,
		hooks: fakeMIDI(dev)}
	if c := run([]string{"play", "--http", "off", "--config", cfg, "--audio", "null", "--seconds", "0.2"}, e); c != 0 {
		t.Fatalf("play exited %d:\n%s", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "SAFE MODE") {
		t.Fatalf("not in safe mode:\n%s", stderr.String())
	}
	if got := hexes(dev.Messages()); got != "B1 7B 00\nB1 7B 00\n" {
		t.Errorf("the synthesizer got\n%swant All Notes Off on channel 2 at the start and at the end", got)
	}
}
