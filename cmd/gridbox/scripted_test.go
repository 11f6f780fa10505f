package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gridbox/audio"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
	"gridbox/grid/monome"
	"gridbox/grid/monome/monometest"
	"gridbox/show/showtest"
)

// bigSet writes a set of 18 tracks × 17 scenes, more than any controller's
// window, each track a sine of its own pitch in every scene, looping a
// bar, and returns its path.
func bigSet(t *testing.T) string {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("name = \"Big\"\ntempo = 120.0\nquantize = \"1 bar\"\n")
	for range 17 {
		b.WriteString("[[scene]]\n")
	}
	for x := range 18 {
		data := make([]float32, 12000)
		for i := range data {
			data[i] = float32(0.05 * math.Sin(2*math.Pi*float64(200+50*x)*float64(i)/48000))
		}
		showtest.WriteWAV(t, filepath.Join(dir, fmt.Sprintf("samples/t%d.wav", x)), 48000, data)
		fmt.Fprintf(&b, "[[track]]\nname = \"T%d\"\n", x)
		for y := range 17 {
			fmt.Fprintf(&b, "  [[track.clip]]\n  scene = %d\n  sample = \"samples/t%d.wav\"\n  loop = true\n  length = \"1 bar\"\n", y, x)
		}
	}
	set := filepath.Join(dir, "big.toml")
	showtest.WriteFile(t, set, b.String())
	return set
}

// gesture is a press on the session view: a clip pad in window
// coordinates, a scene button of a window row, or a control (0 up, 1 down,
// 2 left, 3 right, 4 session, 5 mixer, 6 volume, 7 stop all), or a
// mixer row pad ('m': row 0 stop, 1 mute, 2 solo, 3 arm).
type gesture struct {
	at   string // script time
	kind byte   // 'c' clip, 's' scene, 'k' control
	x, y int    // released 0.1 beat later
}

// script is the performance every model plays: launch, scene, navigation,
// mixer mode (stop row, mute row) and stop all. A muted track's launch at
// the end must be silent.
var script = []gesture{
	{at: "0", kind: 'c', x: 1, y: 0},    // track 1 scene 0 at beat 0
	{at: "2", kind: 's', y: 1},          // scene 1 at beat 4
	{at: "6", kind: 'k', x: 3},          // right: window starts at track 1
	{at: "6.2", kind: 'k', x: 1},        // down: and scene 1
	{at: "6.5", kind: 'c', x: 0, y: 1},  // track 1 scene 2 at beat 8
	{at: "9", kind: 'k', x: 5},          // mixer mode
	{at: "9.5", kind: 'm', x: 1, y: 0},  // stop row: track 2 stops at beat 12
	{at: "13", kind: 'k', x: 7},         // stop all at beat 16
	{at: "16.5", kind: 'm', x: 0, y: 1}, // mute row: track 1 muted
	{at: "17", kind: 'k', x: 4},         // session mode
	{at: "18", kind: 'c', x: 0, y: 0},   // track 1 scene 1 at beat 20, muted: silent
}

// plain is the same performance as plain script lines, without the
// muted launch.
const plain = `0b press 1 0
0.1b release 1 0
2b scene 1
6.5b press 1 2
6.6b release 1 2
9.5b stop 2
13b stopall
24b end
`

// rawScript returns the gestures as model's raw input bytes.
func rawScript(t *testing.T, model string) string {
	var b strings.Builder
	lp, lpErr := launchpad.ParseModel(model)
	cols, rows := 8, 8 // a Launchpad's clip pads; a monome gives up a column and a row
	kind := "midi"
	if lpErr != nil {
		kind = "serial"
		switch model {
		case "monome-64":
			cols, rows = 7, 7
		case "monome-128":
			cols, rows = 15, 7
		case "monome-256":
			cols, rows = 15, 15
		}
	}
	key := func(x, y int, down bool) string {
		if kind == "midi" {
			v := byte(0)
			if down {
				v = 127
			}
			raw := launchpadtest.PressBytes(lp, launchpad.Button{X: x, Y: y}, v)
			if raw == nil {
				t.Fatalf("%s has no button (%d,%d)", model, x, y)
			}
			return fmt.Sprintf("% X", raw)
		}
		h := 0x20
		if down {
			h = 0x21
		}
		return fmt.Sprintf("%02X %02X %02X", h, x, y)
	}
	// A Pro and a Pro MK3 print their buttons' functions (the surface
	// follows their labels): the row's controls are found by label, Mixer
	// mode is a track function button (Mute) and Stop All is Shift + Stop
	// Clip.
	labelled := func(name string) (x, y int) {
		for b, l := range lp.Labels() {
			if l == name {
				return b.X, b.Y
			}
		}
		t.Fatalf("%s has no %s button", model, name)
		return 0, 0
	}
	rowNames := []string{"up", "down", "left", "right", "session", "mute", "volume", "stop"}
	for _, g := range script {
		x, y := g.x, g.y
		var shift []int // a button held around the gesture
		switch g.kind {
		case 's':
			x = cols
		case 'k':
			y = -1
			if kind == "serial" {
				y = rows
			}
			if lpErr == nil && lp.Labels() != nil {
				x, y = labelled(rowNames[g.x])
				if rowNames[g.x] == "stop" {
					sx, sy := labelled("shift")
					shift = []int{sx, sy}
				}
			}
		case 'm':
			y = rows - 4 + g.y
		}
		var at float64
		fmt.Sscan(g.at, &at)
		if shift != nil {
			fmt.Fprintf(&b, "%sb %s %s %s\n", g.at, kind, model, key(shift[0], shift[1], true))
		}
		fmt.Fprintf(&b, "%sb %s %s %s\n", g.at, kind, model, key(x, y, true))
		fmt.Fprintf(&b, "%gb %s %s %s\n", at+0.1, kind, model, key(x, y, false))
		if shift != nil {
			fmt.Fprintf(&b, "%gb %s %s %s\n", at+0.1, kind, model, key(shift[0], shift[1], false))
		}
	}
	b.WriteString("24b end\n")
	return b.String()
}

var scriptModels = []string{
	"launchpad", "launchpad-s", "launchpad-mini", "launchpad-mk2", "launchpad-pro",
	"launchpad-x", "launchpad-mini-mk3", "launchpad-pro-mk3", "monome-64", "monome-128", "monome-256",
}

// TestScriptedSessionOnEveryModel plays the same performance from every
// model's raw bytes through its driver and the session view: the audio
// must equal the plain script's render sample for sample, and the bytes
// sent to the controller must equal testdata/controllers/MODEL.log.
func TestScriptedSessionOnEveryModel(t *testing.T) {
	set := bigSet(t)
	dir := t.TempDir()
	showtest.WriteFile(t, filepath.Join(dir, "plain.perf"), plain)
	ref := filepath.Join(dir, "plain.wav")
	if code, _, stderr := gridbox(t, "render", set, "--events", filepath.Join(dir, "plain.perf"), "-o", ref); code != 0 {
		t.Fatalf("plain render: %s", stderr)
	}
	want := showtest.ReadWAV(t, ref)
	if want.Frames() != 24*24000 {
		t.Fatalf("plain render: %d frames", want.Frames())
	}
	for _, model := range scriptModels {
		t.Run(model, func(t *testing.T) {
			_, logged := playModel(t, set, dir, model, rawScript(t, model), want, model+".log")
			checkLights(t, model, logged)
		})
	}
}

// playModel renders set with script, model's raw bytes, in dir, and
// checks that the audio equals want sample for sample and that the
// controller log equals testdata/controllers/golden. It returns the
// audio and the log.
func playModel(t *testing.T, set, dir, model, script string, want *audio.Buffer, golden string) (*audio.Buffer, []byte) {
	t.Helper()
	perf := filepath.Join(dir, model+".perf")
	showtest.WriteFile(t, perf, script)
	out, log := filepath.Join(dir, model+".wav"), filepath.Join(dir, model+".log")
	if code, _, stderr := gridbox(t, "render", set, "--events", perf, "-o", out, "--controller-log", log); code != 0 {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	got := showtest.ReadWAV(t, out)
	if len(got.Data) != len(want.Data) {
		t.Fatalf("%d frames, the reference %d", got.Frames(), want.Frames())
	}
	for i := range got.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("audio differs from the reference at frame %d: %v vs %v", i/2, got.Data[i], want.Data[i])
		}
	}
	logged, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	golden = filepath.Join("testdata", "controllers", golden)
	if goldenFile(t, golden, string(logged)) != string(logged) {
		t.Errorf("controller log differs from %s (run with -update to accept)", golden)
	}
	return got, logged
}

// lightsAt replays the log's output to a simulated device of model up to
// frame f (exclusive) and returns a function reporting what a button shows:
// its brightness (0 = dark) and whether it blinks (flashes or pulses).
type shown func(x, y int) (level int, mode launchpad.Mode)

// checkLights replays what gridbox sent, as the device would show it, and
// checks the lights at moments of the performance: the log must make sense
// to the device, not only equal a golden file.
func checkLights(t *testing.T, model string, log []byte) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	lp, err := launchpad.ParseModel(model)
	isLP := err == nil
	at := func(beat float64) shown {
		f := int64(beat * 24000)
		var out [][]byte
		for _, l := range lines {
			var frame int64
			var m, dir string
			fmt.Sscan(l, &frame, &m, &dir)
			if frame >= f {
				break
			}
			if dir != "out" {
				continue
			}
			var raw []byte
			for _, h := range strings.Fields(l)[3:] {
				var b byte
				fmt.Sscanf(h, "%02X", &b)
				raw = append(raw, b)
			}
			out = append(out, raw)
		}
		if isLP {
			d := launchpadtest.New(lp)
			for _, b := range out {
				d.Write(b)
			}
			if err := d.Err(); err != nil {
				t.Fatalf("the device did not understand what gridbox sent: %v", err)
			}
			return func(x, y int) (int, launchpad.Mode) {
				l := d.Light(launchpad.Button{X: x, Y: y})
				return int(l.Color.R) + int(l.Color.G) + int(l.Color.B), l.Mode
			}
		}
		m, _ := monome.ParseModel(model)
		g := monometest.NewModel(m)
		for _, b := range out {
			g.Write(b)
		}
		return func(x, y int) (int, launchpad.Mode) { return int(g.Level(x, y)), launchpad.Static }
	}
	// A monome blinks in software, in tempo: a Flash light is on in the
	// first half of each beat, a Pulse breathes over two beats, so a
	// blinking light differs half a beat later.
	lightAt := func(beat float64, x, y int) (int, bool) {
		lv, mode := at(beat)(x, y)
		bl := mode != launchpad.Static
		if !isLP {
			later, _ := at(beat+0.5)(x, y)
			bl = later != lv
		}
		return lv, bl
	}
	cols, rows := 8, 8
	if !isLP {
		switch model {
		case "monome-64":
			cols, rows = 7, 7
		case "monome-128":
			cols, rows = 15, 7
		default:
			cols, rows = 15, 15
		}
	}
	type want struct {
		beat    float64
		x, y    int
		lit     bool
		blinks  bool // flashing or pulsing
		comment string
	}
	checks := []want{
		{3.3, 1, 0, true, true, "track 1 scene 0 stopping: scene 1 replaces it"},
		{3.3, 1, 1, true, true, "track 1 scene 1 queued by the scene button"},
		{3.3, cols, 1, true, true, "scene 1's button queued"},
		{3.3, 0, 0, true, false, "track 0 scene 0: a clip, dim"},
		{5.3, 1, 0, true, false, "track 1 scene 0 after scene 1 replaced it"},
		{7.3, 0, 0, true, true, "window scrolled: track 1 scene 1 playing at the top left"},
		{10.3, 1, rows - 4, true, true, "mixer stop row: track 2 stopping"},
		{17.3, 0, rows - 3, true, false, "mixer mute row: track 1 muted"},
		{17.3, 1, rows - 3, true, false, "mixer mute row: track 2 not muted, dim"},
		{21.3, 0, 0, true, true, "the muted track's clip plays (silently)"},
		{21.3, 1, 0, true, false, "track 2 scene 1 stopped, dim"},
	}
	for _, c := range checks {
		lv, bl := lightAt(c.beat, c.x, c.y)
		if (lv > 0) != c.lit || (isLP && bl != c.blinks) {
			t.Errorf("beat %v, button (%d,%d) %s: level %d blinking %v; want lit %v blinking %v", c.beat, c.x, c.y, c.comment, lv, bl, c.lit, c.blinks)
		}
	}
	// Dim and bright: a playing pad is brighter than a stopped clip's.
	if on, _ := lightAt(21.3, 0, 0); true {
		if dimLv, _ := lightAt(21.3, 1, 0); dimLv >= on {
			t.Errorf("beat 21.3: playing pad level %d not brighter than a stopped clip's %d", on, dimLv)
		}
	}
	// Lights change with the sound, within one LED frame: track 1's clip
	// in scene 2 starts at beat 8 (frame 192000); it flashes (queued) in
	// the last LED frame before and pulses (playing) in the first after.
	if isLP && lp.Pulses() {
		const start, frame = 192000, 1200 // an LED frame is 25 ms
		before := float64(start) / 24000
		after := float64(start+frame+1) / 24000
		if _, m := at(before)(0, 1); m != launchpad.Flash {
			t.Errorf("just before the clip starts its pad shows %v, want flashing (queued)", m)
		}
		if _, m := at(after)(0, 1); m != launchpad.Pulse {
			t.Errorf("one LED frame after the clip started its pad shows %v, want pulsing (playing)", m)
		}
	}
	if isLP && lp.Pulses() {
		ticks := strings.Count(string(log), "out F8\n")
		if ticks < 24*24-2 || ticks > 24*24+1 {
			t.Errorf("%d MIDI clock ticks over 24 beats, want 24 per beat", ticks)
		}
	}
}

// A script line that is a phantom-key flood (norns#539) launches nothing:
// the monome driver takes it for an unplug, releases what was held (a gate
// clip stops) and the scripted grid is unplugged; later lines for it are
// ignored.
func TestScriptedPhantomFloodLaunchesNothing(t *testing.T) {
	set := showtest.ClickSet(t, `[[track]]
name = "Gate"
  [[track.clip]]
  scene = 0
  sample = "samples/click.wav"
  loop = true
  length = "1/4"
  launch = "gate"
`)
	dir := filepath.Dir(set)
	flood := strings.Repeat(" 21 00 00", 20)
	showtest.WriteFile(t, filepath.Join(dir, "flood.perf"), "0b serial monome-64 21 01 00\n4.5b serial monome-64"+flood+"\n6b serial monome-64 21 00 00\n12b end\n")
	out, log := filepath.Join(dir, "flood.wav"), filepath.Join(dir, "flood.log")
	if code, _, stderr := gridbox(t, "render", set, "--events", filepath.Join(dir, "flood.perf"), "-o", out, "--controller-log", log); code != 0 {
		t.Fatalf("render: %s", stderr)
	}
	b := showtest.ReadWAV(t, out)
	at := clicks(b)
	// The gate clip (track 1) starts at once and clicks every beat until
	// the unplug at beat 4.5 releases it: it stops at the next bar, beat 8,
	// its fade ending there. Track 0, whose key the flood repeats, never
	// plays: every click is one track's 0.5.
	var want []int
	for f := 0; f < 192000; f += 24000 {
		want = append(want, f)
	}
	if fmt.Sprint(at) != fmt.Sprint(want) {
		t.Errorf("clicks at %v, want %v", at, want)
	}
	for _, f := range at {
		if v := b.Data[f*b.Channels]; v != 0.5 {
			t.Errorf("click at %d is %v, want 0.5 (one track)", f, v)
		}
	}
	logged, _ := os.ReadFile(log)
	if strings.Contains(string(logged), "144000 monome-64 in 21 00 00\n") {
		t.Errorf("the line after the unplug was fed to the driver:\n%s", logged)
	}
}
