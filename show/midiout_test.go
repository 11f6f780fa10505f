package show

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/engine"
	"gridbox/grid/midiport"
	"gridbox/grid/midiport/midiporttest"
	"gridbox/sequencer"
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
// --midi-log. turn, when not nil, is the Turn hook.
func renderMIDI(t *testing.T, dir string, block int, files map[string]string, turn ...func(*sequencer.Session, engine.Frame)) string {
	t.Helper()
	for name, text := range files {
		showtest.WriteFile(t, filepath.Join(dir, name), text)
	}
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	e.RenderBlock = block
	if len(turn) > 0 {
		e.Turn = turn[0]
	}
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

// playSet has two midi tracks: "Lead" (port "Freak", channel 3) with a
// looping 2-bar clip in scene 0, and "Bass" (port "Bass Station",
// channel 1) with a looping 1-bar clip in scene 0 and one in scene 1.
const playSet = `name = "MIDI"
tempo = 120
quantize = "1 bar"
[[scene]]
name = "A"
[[scene]]
name = "B"
[[track]]
name = "Lead"
instrument = "synth"
  [[track.clip]]
  scene = 0
  length = "2 bars"
  loop = true
  notes = [ { at = 0.0, len = 0.5, key = 60, vel = 100 }, { at = 1.5, len = 3.0, key = 64, vel = 90 } ]
[[track]]
name = "Bass"
instrument = "bass"
  [[track.clip]]
  scene = 0
  length = "1 bar"
  loop = true
  notes = [ { at = 0.0, len = 3.9, key = 36, vel = 127 } ]
  [[track.clip]]
  scene = 1
  length = "1 bar"
  loop = true
  notes = [ { at = 0.0, len = 1.0, key = 38, vel = 127 } ]
[[instrument]]
name = "synth"
kind = "midi"
port = "Freak"
channel = 3
[[instrument]]
name = "bass"
kind = "midi"
port = "Bass Station"
channel = 1
`

// playScript: scene 0 launched at 0; a live pad on Lead in Note mode
// (beats 0.5 to 1); Lead stopped at 2.5 (at the bar line, 4: its held 64
// ends there); scene 0 again at 5 (from 8); Lead muted at 8.25 (ends its
// 60, and its 64 at 9.5 is never sent) and unmuted at 10; Bass's scene-1
// clip launched at 10 (from 12, ending its held 36 there); a stop-all at
// 13 (at 16); a pad held over the end, at 17.5 with the end at 18 (the
// end's note-off).
const playScript = "0b scene 0\n" +
	"0.1b button note\n0.5b pad 0 7 110\n1b padup 0 7\n" +
	"2.5b stop 0\n5b scene 0\n10b press 1 1\n13b stopall\n" +
	"17.5b pad 0 7 90\n18b end\n"

// muteLead mutes Lead at beat 8.25 and unmutes it at beat 10.
func muteLead(s *sequencer.Session, now engine.Frame) {
	for _, m := range []struct {
		at   engine.Frame
		mute bool
	}{{8.25 * beat, true}, {10 * beat, false}} {
		if now <= m.at && m.at < now+2*beat && s.Mix(0).Mute != m.mute && s.Committed() <= m.at {
			s.SetMix(0, sequencer.Mix{Volume: 1, Mute: m.mute}, m.at)
		}
	}
}

// A render of MIDI instruments: notes at their exact frames, the same at
// every block size; a live pad; a track's stop, a mute, a clip replaced
// and a stop-all ending the notes they cut; All Notes Off on both ports'
// channels at the start and, with the note-off of the pad still held,
// at the end. The log is testdata/midiout.golden.
func TestMIDIOutRender(t *testing.T) {
	var first string
	for _, block := range []int{64, 128, 333} {
		dir := reloadDir(t)
		got := renderMIDI(t, dir, block, map[string]string{"set.toml": playSet, "script.perf": playScript}, muteLead)
		if first == "" {
			first = got
			golden(t, "testdata/midiout.golden", got)
		} else if got != first {
			t.Errorf("block %d: the log differs from block 64's:\n%s", block, got)
		}
	}
}

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with the file's text (with -update: writes it).
func golden(t *testing.T, file, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("got\n%s\nwant (%s)\n%s", got, file, want)
	}
}

// A reload that moves a midi instrument to another port and channel
// while a note sounds: the note's note-off goes where its note-on went,
// the notes after the reload to the new port and channel; the end sends
// All Notes Off on both.
func TestMIDIOutReloadMovesThePort(t *testing.T) {
	dir := reloadDir(t)
	v1 := midiSet("{ at = 0.0, len = 3.5, key = 60, vel = 100 }")
	v2 := strings.Replace(strings.Replace(v1, `port = "Freak"`, `port = "Other"`, 1), "channel = 3", "channel = 5", 1)
	got := renderMIDI(t, dir, 0, map[string]string{"set.toml": v1, "v2.toml": v2, "script.perf": "0b scene 0\n1b load v2.toml\n6b end\n"})
	want := "0 Freak out B2 7B 00\n" +
		"0 Freak out 92 3C 64\n" +
		"84000 Freak out 82 3C 00\n" + // 3.5 beats: the note begun before the reload
		"96000 Other out 94 3C 64\n" + // the next pass, on the new port and channel
		"144000 Other out 84 3C 00\n" + // held at the end
		"144000 Freak out B2 7B 00\n" +
		"144000 Other out B4 7B 00\n"
	if got != want {
		t.Errorf("log:\n%s\nwant\n%s", got, want)
	}
}

// A port is found by a case-insensitive part of its name, the first in
// the driver's order, never a Launchpad's (the controller scan's), even
// when the part matches it.
func TestFindPort(t *testing.T) {
	names := []string{
		"Launchpad X:Launchpad X LPX MIDI 28:1",
		"Midi Through:Midi Through Port-0 14:0",
		"Arturia MicroFreak:MicroFreak MIDI 1 24:0",
		"USB MIDI Interface:USB MIDI Interface MIDI 1 32:0",
	}
	for _, c := range []struct{ sub, want string }{
		{"microfreak", names[2]},
		{"MIDI 1", names[2]},
		{"lpx", ""},
		{"usb midi", names[3]},
		{"through", names[1]},
		{"MPC", ""},
	} {
		got, ok := findPort(names, c.sub)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("findPort(%q) = %q, %v; want %q", c.sub, got, ok, c.want)
		}
	}
}

// A sender writes each message at its time, the earliest first whatever
// the order they came in (a clock tick sent ahead of a note for an
// earlier frame does not hold the note up), messages with the same time
// in the order sent, and, closed, what it still holds at its time. In a
// synctest bubble, so the times are exact.
func TestSenderWritesAtTheirTimes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dev := midiporttest.New("Synth:Synth MIDI 1 20:0")
		type write struct {
			at  time.Duration
			msg string
		}
		var got []write
		start := time.Now()
		dev.OnWrite(func(msg []byte) { got = append(got, write{time.Since(start), fmt.Sprintf("% X", msg)}) })
		port, err := midiport.OpenOutput(dev.Driver(), "Synth:Synth MIDI 1 20:0")
		if err != nil {
			t.Fatal(err)
		}
		o := &midiOut{name: "Synth", q: make(chan outMsg, 8), done: make(chan struct{})}
		o.port.set(port)
		go o.run()
		msg := func(ms int, b ...byte) outMsg {
			m := outMsg{due: start.Add(time.Duration(ms) * time.Millisecond), n: uint8(len(b))}
			copy(m.b[:], b)
			return m
		}
		o.q <- msg(30, 0xF8)
		o.q <- msg(10, 0x90, 60, 100)
		o.q <- msg(10, 0x80, 61, 0) // the same time: after the note-on, as sent
		time.Sleep(20 * time.Millisecond)
		o.q <- msg(25, 0x90, 62, 100) // comes later, due before the tick
		o.q <- msg(5, 0xFC)           // already late: at once
		close(o.q)
		<-o.done
		want := []write{{10 * time.Millisecond, "90 3C 64"}, {10 * time.Millisecond, "80 3D 00"}, {20 * time.Millisecond, "FC"},
			{25 * time.Millisecond, "90 3E 64"}, {30 * time.Millisecond, "F8"}}
		if !slices.Equal(got, want) {
			t.Errorf("written %v, want %v", got, want)
		}
		if o.late.Load() != 1 {
			t.Errorf("%d late, want 1 (the FC)", o.late.Load())
		}
	})
}

// Close returns in bounded time when a port's write never returns (a
// synthesizer's USB stalled): the sender is stuck in the write, the port's
// Close waits for it, and the watcher, listing the driver's ports, waits
// for the device; an exit, or a panic's note-offs, must not hang on them.
func TestMIDIPortsCloseWithAStuckPort(t *testing.T) {
	const name = "Synth:Synth MIDI 1 20:0"
	dev := midiporttest.New(name)
	stuck, writing := make(chan struct{}), make(chan struct{}, 1)
	dev.OnWrite(func([]byte) {
		select {
		case writing <- struct{}{}:
		default:
		}
		<-stuck
	})
	defer close(stuck)
	var said bytes.Buffer
	m := startMIDIPorts(nil, &portNames{}, func() (midiport.Driver, error) { return dev.Driver(), nil },
		newOutClock(48000, 0), 5*time.Millisecond,
		func(format string, args ...any) { fmt.Fprintf(&said, format+"\n", args...) })
	m.playOn("Synth", 1)
	m.start()
	m.send("Synth", 0, []byte{0x90, 60, 100})
	<-writing
	time.Sleep(20 * time.Millisecond) // the watcher lists the ports again, and waits
	closed := make(chan error, 1)
	start := time.Now()
	go func() { closed <- m.Close(50 * time.Millisecond) }()
	select {
	case <-closed:
		if d := time.Since(start); d > closeWait+3*time.Second {
			t.Errorf("Close took %v", d)
		}
	case <-time.After(closeWait + 10*time.Second):
		t.Fatalf("Close did not return with a port stuck in a write")
	}
	if !strings.Contains(said.String(), "did not close") {
		t.Errorf("Close did not say a port was left open:\n%s", said.String())
	}
}

// An output found again after an unplug (or first found after the start)
// gets All Notes Off on the channels played there before anything else:
// the note-offs sent while it was away were dropped, and a synthesizer
// that stayed on (only its cable pulled) would drone on.
func TestMIDIOutReplugAllNotesOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const name = "Synth:Synth MIDI 1 20:0"
		dev := midiporttest.New(name)
		var said bytes.Buffer
		var mu sync.Mutex
		m := startMIDIPorts(nil, &portNames{}, func() (midiport.Driver, error) { return dev.Driver(), nil },
			newOutClock(48000, 0), 10*time.Millisecond,
			func(format string, args ...any) { mu.Lock(); fmt.Fprintf(&said, format+"\n", args...); mu.Unlock() })
		m.playOn("Synth", 2)
		m.playOn("Synth", 10)
		m.start()
		m.send("Synth", 0, []byte{0x91, 60, 100})
		time.Sleep(50 * time.Millisecond)
		dev.Unplug()
		time.Sleep(50 * time.Millisecond)
		m.send("Synth", 4800, []byte{0x81, 60, 0}) // dropped: unplugged
		time.Sleep(150 * time.Millisecond)
		dev.Plug()
		time.Sleep(50 * time.Millisecond)
		if err := m.Close(0); err != nil {
			t.Fatal(err)
		}
		got := hexLines(dev.Messages())
		if want := "91 3C 64\nB1 7B 00\nB9 7B 00\n"; got != want {
			t.Errorf("the synthesizer got\n%swant\n%s", got, want)
		}
		mu.Lock()
		defer mu.Unlock()
		if n := strings.Count(said.String(), "connected on "); n != 2 {
			t.Errorf("connected %d times, want 2:\n%s", n, said.String())
		}
	})
}

func hexLines(msgs [][]byte) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "% X\n", m)
	}
	return b.String()
}

// --midi-log naming one of the show's own files (the script, the set, the
// WAV, through another path too) is refused before anything is rendered:
// the log replaced it at the end, a performance script lost to a slip of
// tab completion.
func TestMIDILogNotTheShowsFiles(t *testing.T) {
	dir := reloadDir(t)
	script := filepath.Join(dir, "script.perf")
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), midiSet(""))
	showtest.WriteFile(t, script, "1b end\n")
	sf, _ := ParseSampleFormat("f32")
	for _, log := range []string{script, filepath.Join(dir, ".", "set.toml"), filepath.Join(dir, "out.wav")} {
		var errb bytes.Buffer
		err := Render(&Env{Stdout: &errb, Stderr: &errb}, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: script,
			Out: filepath.Join(dir, "out.wav"), Rate: 48000, Format: sf, MIDILog: log})
		if err == nil || !strings.Contains(err.Error(), "--midi-log") || !strings.Contains(err.Error(), "itself") {
			t.Errorf("render with --midi-log %s: %v", log, err)
		}
	}
	if b, _ := os.ReadFile(script); string(b) != "1b end\n" {
		t.Errorf("the script is now %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.wav")); err == nil {
		t.Error("the render was written")
	}
}

// play's MIDI line names what the engine lost (a lost note-off is a hung
// note) with the port manager's drops, and is empty when nothing was.
func TestMIDIStatsLine(t *testing.T) {
	if s := (midiStats{}).String(); s != "" {
		t.Errorf("nothing dropped: %q", s)
	}
	got := midiStats{Engine: 2, Absent: 1}.String()
	if want := "2 messages lost in the engine (its MIDI ring full, or too many notes on); 1 message dropped (port not there)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A message an input port receives is stamped with the frame heard as it
// arrived, not the player's position (the frames rendered, heard the
// output's latency later): a followed clock's beats sound with the
// source's ticks instead of a latency behind them. In a synctest bubble,
// so the time stands still: with 10 ms of output latency and a second
// rendered, the frame heard is 480 frames before the position.
func TestMIDIInputFrameIsHeard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const name = "MPC:MPC MIDI 1 20:0"
		dev := midiporttest.New(name)
		clock := newOutClock(48000, 10*time.Millisecond)
		m := startMIDIPorts(nil, &portNames{}, func() (midiport.Driver, error) { return dev.Driver(), nil },
			clock, 10*time.Millisecond, func(string, ...any) {})
		var got []engine.Frame
		m.onInput(func(_ string, f engine.Frame, _ []byte) { got = append(got, f) })
		m.listen("mpc")
		m.start()
		time.Sleep(time.Second)
		clock.sample(time.Now(), 48000) // the second rendered so far
		if !dev.Send([]byte{0xF8}) {
			t.Fatal("the input is not open")
		}
		m.receive()
		m.Close(0)
		if want := []engine.Frame{48000 - 480}; !slices.Equal(got, want) {
			t.Errorf("the tick came at frame %v, want %v", got, want)
		}
	})
}
