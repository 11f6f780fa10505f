package surface

import (
	"maps"
	"testing"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/sequencer"
)

const bar = 96000 // frames per 4/4 bar at 120 BPM, 48 kHz

// recorder is an engine that keeps every command.
type recorder struct{ cmds []engine.Command }

func (r *recorder) Send(c engine.Command) bool      { r.cmds = append(r.cmds, c); return true }
func (r *recorder) PollEvent() (engine.Event, bool) { return engine.Event{}, false }

// song has tracks × scenes looping 1-bar clips; slot (1,1) is empty and
// (2,0) broken; track 3's clips are gate clips.
func song(tracks, scenes int) *sequencer.Song {
	s := &sequencer.Song{Tempo: 120, BeatsPerBar: 4, Quantize: 4, Scenes: make([]sequencer.Scene, scenes)}
	for x := range tracks {
		t := sequencer.Track{Gain: 1, Instrument: -1, Clips: make([]*sequencer.Clip, scenes)}
		for y := range scenes {
			if x == 1 && y == 1 {
				continue
			}
			c := &sequencer.Clip{Sample: int32(x*scenes + y), SampleFrames: 48000, Loop: true, Length: 4, Gain: 1}
			c.Broken = x == 2 && y == 0
			if x == 3 {
				c.Launch = sequencer.Gate
			}
			t.Clips[y] = c
		}
		s.Tracks = append(s.Tracks, t)
	}
	return s
}

// launchpadInfo is a Launchpad's shape: 8×8, a top row, a scene column.
func launchpadInfo() grid.Info {
	in := grid.Info{Model: "launchpad-x", Cols: 8, Rows: 8, Buttons: grid.GridButtons(8, 8)}
	for i := range 8 {
		in.Buttons = append(in.Buttons, grid.Button{X: i, Y: -1}, grid.Button{X: 8, Y: i})
	}
	return in
}

func monomeInfo(cols, rows int) grid.Info {
	return grid.Info{Model: "monome", Cols: cols, Rows: rows, Buttons: grid.GridButtons(cols, rows)}
}

// stub is a controller that only has a shape; Paint results are read
// through paint.
type stub struct{ in grid.Info }

func (s *stub) Info() grid.Info             { return s.in }
func (s *stub) Pads() <-chan grid.Pad       { return nil }
func (s *stub) Set(grid.Button, grid.Light) {}
func (s *stub) Flush() error                { return nil }
func (s *stub) Close() error                { return nil }

type rig struct {
	t  *testing.T
	s  *sequencer.Session
	u  *Surface
	r  *recorder
	cs map[string]grid.Controller
}

func newRig(t *testing.T, sg *sequencer.Song, ctrls ...grid.Info) *rig {
	r := &recorder{}
	s := sequencer.NewSession(sg, r, 48000)
	info := make([]TrackInfo, len(sg.Tracks))
	for i := range info {
		info[i].Color = grid.Color{R: uint8(40 * i), G: 200, B: 100}
	}
	g := &rig{t: t, s: s, u: New(s, info), r: r, cs: map[string]grid.Controller{}}
	for i, in := range ctrls {
		id := string(rune('a' + i))
		c := &stub{in: in}
		g.cs[id] = c
		g.u.Attach(id, c)
	}
	return g
}

func (g *rig) press(id string, x, y int, at engine.Frame) {
	g.u.Handle(id, grid.Pad{Button: grid.Button{X: x, Y: y}, Down: true, Velocity: 127}, at)
}

func (g *rig) release(id string, x, y int, at engine.Frame) {
	g.u.Handle(id, grid.Pad{Button: grid.Button{X: x, Y: y}}, at)
}

// paint returns controller id's lights at frame now.
func (g *rig) paint(id string, now engine.Frame) map[grid.Button]grid.Light {
	out := map[grid.Button]grid.Light{}
	g.u.Paint(now, func(c grid.Controller, bs []grid.Button, ls []grid.Light) {
		if c == g.cs[id] {
			for i, b := range bs {
				out[b] = ls[i]
			}
		}
	})
	return out
}

func (g *rig) starts() []engine.Command {
	var out []engine.Command
	for _, c := range g.r.cmds {
		if c.Op == engine.PlayClip {
			out = append(out, c)
		}
	}
	return out
}

func TestLayouts(t *testing.T) {
	for _, c := range []struct {
		name       string
		in         grid.Info
		cols, rows int
		scene      grid.Button
		up, stop   grid.Button
	}{
		{"launchpad", launchpadInfo(), 8, 8, grid.Button{X: 8, Y: 7}, grid.Button{X: 0, Y: -1}, grid.Button{X: 7, Y: -1}},
		{"monome-64", monomeInfo(8, 8), 7, 7, grid.Button{X: 7, Y: 6}, grid.Button{X: 0, Y: 7}, grid.Button{X: 7, Y: 7}},
		{"monome-128", monomeInfo(16, 8), 15, 7, grid.Button{X: 15, Y: 6}, grid.Button{X: 0, Y: 7}, grid.Button{X: 7, Y: 7}},
		{"monome-256", monomeInfo(16, 16), 15, 15, grid.Button{X: 15, Y: 14}, grid.Button{X: 0, Y: 15}, grid.Button{X: 7, Y: 15}},
	} {
		l := layoutOf(c.in)
		if l.cols != c.cols || l.rows != c.rows {
			t.Errorf("%s: %d×%d clip pads, want %d×%d", c.name, l.cols, l.rows, c.cols, c.rows)
		}
		if r := l.roleOf(c.scene); r.kind != roleScene || r.y != c.rows-1 {
			t.Errorf("%s: %v is %+v, want the last scene button", c.name, c.scene, r)
		}
		if r := l.roleOf(c.up); r.kind != roleControl || r.ctl != ctlUp {
			t.Errorf("%s: %v is %+v, want up", c.name, c.up, r)
		}
		if r := l.roleOf(c.stop); r.kind != roleControl || r.ctl != ctlStopAll {
			t.Errorf("%s: %v is %+v, want stop all", c.name, c.stop, r)
		}
		if r := l.roleOf(grid.Button{X: c.cols - 1, Y: c.rows - 1}); r.kind != roleClip {
			t.Errorf("%s: the last clip pad is %+v", c.name, r)
		}
	}
	// The bottom-right corner and the control row past eight do nothing.
	l := layoutOf(monomeInfo(16, 8))
	for _, b := range []grid.Button{{X: 15, Y: 7}, {X: 9, Y: 7}} {
		if r := l.roleOf(b); r.kind != roleNone {
			t.Errorf("monome-128 %v is %+v, want nothing", b, r)
		}
	}
}

// A clip pad launches its slot on the next bar; its light flashes until the
// first frame of the clip is heard, then pulses; the scene button follows.
func TestLaunchLightsFollowWhatIsHeard(t *testing.T) {
	g := newRig(t, song(4, 4), launchpadInfo())
	pad, scene := grid.Button{X: 0, Y: 2}, grid.Button{X: 8, Y: 2}
	if l := g.paint("a", 0)[pad]; l.Mode != grid.Static || l.Color != dim(g.u.color(0)) {
		t.Fatalf("a clip before launch shows %+v, want its colour dim", l)
	}
	g.press("a", 0, 2, 1000)
	g.s.Advance(bar + 200) // commits the launch at frame bar
	if st := g.starts(); len(st) != 1 || st[0].At != bar || st[0].Track != 0 {
		t.Fatalf("starts %+v, want track 0 at frame %d", st, bar)
	}
	for _, c := range []struct {
		now         engine.Frame
		pad, sceneL grid.Mode
	}{{2000, grid.Flash, grid.Flash}, {bar - 1, grid.Flash, grid.Flash}, {bar, grid.Pulse, grid.Static}} {
		ls := g.paint("a", c.now)
		if ls[pad].Mode != c.pad || ls[pad].Color != g.u.color(0) {
			t.Errorf("frame %d: pad %+v, want mode %v in full colour", c.now, ls[pad], c.pad)
		}
		if ls[scene].Mode != c.sceneL || ls[scene].Color != green {
			t.Errorf("frame %d: scene button %+v, want green mode %v", c.now, ls[scene], c.sceneL)
		}
	}
	ls := g.paint("a", bar)
	if l := ls[grid.Button{X: 1, Y: 1}]; l != grid.Off {
		t.Errorf("empty slot shows %+v", l)
	}
	if l := ls[grid.Button{X: 2, Y: 0}]; l != static(red) {
		t.Errorf("broken clip shows %+v, want red", l)
	}
	if l := ls[grid.Button{X: 5, Y: 0}]; l != grid.Off {
		t.Errorf("a pad past the last track shows %+v", l)
	}
	if l := ls[grid.Button{X: 7, Y: -1}]; l != static(red) {
		t.Errorf("stop-all while playing shows %+v, want red", l)
	}
	// Stopping flashes until the stop is heard.
	g.press("a", 1, 1, bar+5000) // empty slot: stops track 1 (nothing plays there)
	g.press("a", 7, -1, bar+5000)
	g.s.Advance(2*bar + 200)
	if l := g.paint("a", 2*bar-1)[pad]; l.Mode != grid.Flash {
		t.Errorf("queued to stop shows %+v, want flashing", l)
	}
	if l := g.paint("a", 2*bar)[pad]; l.Mode != grid.Static {
		t.Errorf("stopped shows %+v", l)
	}
}

// Scene buttons launch the window's rows.
func TestSceneButtons(t *testing.T) {
	g := newRig(t, song(4, 12), monomeInfo(8, 8))
	g.press("a", 1, 7, 0) // down one scene
	g.press("a", 7, 2, 0) // scene button of row 2 = scene 3
	g.s.Advance(1)
	st := g.starts()
	if len(st) != 4 {
		t.Fatalf("scene launch started %d clips, want 4: %+v", len(st), st)
	}
	for _, c := range st {
		if c.Sample%12 != 3 || c.At != 0 {
			t.Errorf("scene launch: %+v, want scene 3's clips at frame 0", c)
		}
	}
}

// Arrows move the window one track or scene, never past the set; a pad
// released after scrolling releases the slot it pressed.
func TestScrollingAndHeldPads(t *testing.T) {
	g := newRig(t, song(10, 11), launchpadInfo())
	right, down, left := grid.Button{X: 3, Y: -1}, grid.Button{X: 1, Y: -1}, grid.Button{X: 2, Y: -1}
	if l := g.paint("a", 0); l[left] != grid.Off || l[right] != static(white) {
		t.Fatalf("at the start: left %+v right %+v", l[left], l[right])
	}
	for range 5 {
		g.press("a", right.X, right.Y, 0)
		g.press("a", down.X, down.Y, 0)
	}
	if x, y := g.u.Window(); x != 2 || y != 3 {
		t.Fatalf("window after 5 right, 5 down: track %d scene %d, want 2, 3 (the set's end)", x, y)
	}
	if l := g.paint("a", 0); l[right] != grid.Off || l[left] != static(white) {
		t.Fatalf("at the end: left %+v right %+v", l[left], l[right])
	}
	g.press("a", 1, 0, 0) // track 3 (gate), scene 3
	g.press("a", left.X, left.Y, 10)
	g.release("a", 1, 0, 20) // still releases track 3, scene 3
	g.s.Advance(2*bar + 1)
	var stops int
	for _, c := range g.r.cmds {
		if c.Op == engine.Stop && c.Track == 3 {
			stops++
		}
	}
	if st := g.starts(); len(st) != 1 || st[0].Track != 3 || st[0].Sample != 3*11+3 || stops != 1 {
		t.Fatalf("gate pad pressed before scrolling: starts %+v, stops %d; want track 3 scene 3, then its stop", st, stops)
	}
}

// Two controllers side by side: the second shows tracks 8–15.
func TestTwoControllersExtendTheWindow(t *testing.T) {
	g := newRig(t, song(16, 8), launchpadInfo(), launchpadInfo())
	g.press("b", 0, 0, 0)
	g.s.Advance(1)
	if st := g.starts(); len(st) != 1 || st[0].Track != 8 {
		t.Fatalf("pad (0,0) of the second Launchpad: %+v, want track 8", st)
	}
	if l := g.paint("b", 0)[grid.Button{X: 7, Y: 7}]; l.Color != dim(g.u.color(15)) {
		t.Errorf("second Launchpad's last pad shows %+v, want track 15", l)
	}
	// Unplug the left one: the right one keeps showing tracks 8–15, and a
	// controller of the same size plugged in later takes the left place.
	g.u.Detach("a")
	if l := g.paint("b", 0)[grid.Button{X: 0, Y: 0}]; l.Mode != grid.Pulse || l.Color != g.u.color(8) {
		t.Errorf("after the left Launchpad is unplugged the right one shows %+v, want track 8 still", l)
	}
	if n := g.u.Controllers(); n != 1 {
		t.Errorf("%d controllers attached, want 1", n)
	}
	g.press("a", 0, 0, 10) // a detached controller's late input does nothing
	c := &stub{in: launchpadInfo()}
	g.cs["c"] = c
	g.u.Attach("c", c)
	if l := g.paint("c", 0)[grid.Button{X: 7, Y: 0}]; l != static(dim(g.u.color(7))) {
		t.Errorf("the replugged Launchpad's pad (7,0) shows %+v, want track 7 (the left place)", l)
	}
	m := &stub{in: monomeInfo(16, 8)}
	g.cs["m"] = m
	g.u.Attach("m", m) // another size goes to the right
	if l := g.paint("m", 0)[grid.Button{X: 0, Y: 0}]; l != grid.Off {
		t.Errorf("a monome attached third shows %+v at (0,0), want track 16 (none)", l)
	}
	if st := g.starts(); len(st) != 1 {
		t.Errorf("starts %+v, want only the first", st)
	}
	// With every controller gone no place is kept: the next one starts at
	// track 0.
	for _, id := range []string{"b", "c", "m"} {
		g.u.Detach(id)
	}
	g.u.Attach("m", m)
	if l := g.paint("m", 0)[grid.Button{X: 0, Y: 0}]; l != static(dim(g.u.color(0))) {
		t.Errorf("a lone monome after everything was unplugged shows %+v at (0,0), want track 0", l)
	}
}

// Mixer mode: the bottom rows are stop, mute, solo and arm per track.
func TestMixerMode(t *testing.T) {
	g := newRig(t, song(4, 8), launchpadInfo())
	g.press("a", 0, 0, 0)
	g.s.Advance(1)
	g.press("a", 5, -1, 10) // mixer
	if g.u.Mode() != Mixer {
		t.Fatal("mixer button: not in mixer mode")
	}
	ls := g.paint("a", 10)
	if l := ls[grid.Button{X: 0, Y: 4}]; l != static(red) {
		t.Errorf("stop button of a playing track: %+v", l)
	}
	if l := ls[grid.Button{X: 1, Y: 4}]; l != static(dim(red)) {
		t.Errorf("stop button of a silent track: %+v", l)
	}
	if l := ls[grid.Button{X: 5, Y: -1}]; l != static(amber) {
		t.Errorf("mixer button in mixer mode: %+v", l)
	}
	g.press("a", 1, 5, 20) // mute track 1
	g.press("a", 2, 6, 30) // solo track 2
	g.press("a", 3, 7, 40) // arm track 3
	if !g.s.Mix(1).Mute || !g.s.Mix(2).Solo || !g.s.Mix(3).Arm {
		t.Fatalf("mix after mute/solo/arm: %+v %+v %+v", g.s.Mix(1), g.s.Mix(2), g.s.Mix(3))
	}
	ls = g.paint("a", 50)
	if ls[grid.Button{X: 1, Y: 5}] != static(amber) || ls[grid.Button{X: 2, Y: 6}] != static(blue) || ls[grid.Button{X: 3, Y: 7}] != static(red) {
		t.Errorf("mute/solo/arm lights: %+v %+v %+v", ls[grid.Button{X: 1, Y: 5}], ls[grid.Button{X: 2, Y: 6}], ls[grid.Button{X: 3, Y: 7}])
	}
	g.press("a", 0, 4, 60) // stop track 0 at the next bar
	g.s.Advance(bar + 1)
	if l := g.paint("a", bar-1)[grid.Button{X: 0, Y: 4}]; l != flash(red) {
		t.Errorf("stop button while stopping: %+v", l)
	}
	if g.s.Playing(0) >= 0 {
		t.Error("stop row did not stop track 0")
	}
	g.press("a", 0, 0, bar+10) // the clip rows still launch
	g.s.Advance(2*bar + 1)
	if g.s.Playing(0) != 0 {
		t.Error("a clip pad in mixer mode did not launch")
	}
	g.press("a", 5, -1, 0)
	if g.u.Mode() != Session {
		t.Error("mixer button again: not back in session mode")
	}
}

// Volume mode: a fader per track, 0 dB at the top, silence at the bottom.
func TestVolumeFaders(t *testing.T) {
	g := newRig(t, song(4, 8), launchpadInfo())
	g.press("a", 6, -1, 0)
	g.press("a", 1, 3, 0)
	if v := g.s.Mix(1).Volume; v != engine.DBToGain(-10) {
		t.Errorf("row 3: volume %v, want -10 dB (%v)", v, engine.DBToGain(-10))
	}
	g.press("a", 2, 7, 0)
	if v := g.s.Mix(2).Volume; v != 0 {
		t.Errorf("bottom row: volume %v, want silence", v)
	}
	ls := g.paint("a", 0)
	for y := range 8 {
		want := y >= 3
		if on := ls[grid.Button{X: 1, Y: y}] != grid.Off; on != want {
			t.Errorf("fader 1 row %d lit %v, want %v", y, on, want)
		}
		if on := ls[grid.Button{X: 0, Y: y}] != grid.Off; !on {
			t.Errorf("fader 0 (0 dB) row %d dark", y)
		}
	}
	for n := 2; n <= 16; n++ {
		if r := faderRow(faderVolume(n-1, n), n); r != n-1 {
			t.Errorf("%d-pad fader: bottom row reads back as %d", n, r)
		}
		if faderVolume(0, n) != 1 {
			t.Errorf("%d-pad fader: top row is not 0 dB", n)
		}
	}
}

// A controller with only a top row keeps it for controls and gives up its
// rightmost column for scenes; with only a side column, its bottom row.
func TestLayoutsWithOneExtra(t *testing.T) {
	top := grid.Info{Cols: 8, Rows: 8, Buttons: grid.GridButtons(8, 8)}
	side := grid.Info{Cols: 8, Rows: 8, Buttons: grid.GridButtons(8, 8)}
	for i := range 8 {
		top.Buttons = append(top.Buttons, grid.Button{X: i, Y: -1})
		side.Buttons = append(side.Buttons, grid.Button{X: 8, Y: i})
	}
	if l := layoutOf(top); l.cols != 7 || l.rows != 8 || l.roleOf(grid.Button{X: 7, Y: 7}).kind != roleScene || l.roleOf(grid.Button{X: 0, Y: -1}).ctl != ctlUp || l.roleOf(grid.Button{X: 0, Y: -1}).kind != roleControl {
		t.Errorf("top row only: %d×%d clips, (7,7) %+v, (0,-1) %+v", l.cols, l.rows, l.roleOf(grid.Button{X: 7, Y: 7}), l.roleOf(grid.Button{X: 0, Y: -1}))
	}
	if l := layoutOf(side); l.cols != 8 || l.rows != 7 || l.roleOf(grid.Button{X: 8, Y: 6}).kind != roleScene || l.roleOf(grid.Button{X: 7, Y: 7}).kind != roleControl {
		t.Errorf("side column only: %d×%d clips, (8,6) %+v, (7,7) %+v", l.cols, l.rows, l.roleOf(grid.Button{X: 8, Y: 6}), l.roleOf(grid.Button{X: 7, Y: 7}))
	}
	for _, in := range []grid.Info{{}, {Cols: 1, Rows: 1, Buttons: grid.GridButtons(1, 1)}} {
		g := newRig(t, song(0, 0), in)
		g.press("a", 0, 0, 0)
		g.paint("a", 0)
	}
}

// In Mixer mode only the top rows show clips: the window scrolls down to
// every scene, and the scene buttons beside the strips are dark and dead.
func TestMixerModeScrollsOverItsClipRows(t *testing.T) {
	g := newRig(t, song(4, 8), launchpadInfo())
	down := grid.Button{X: 1, Y: -1}
	if l := g.paint("a", 0)[down]; l != grid.Off {
		t.Fatalf("session mode, 8 scenes on 8 rows: down shows %+v", l)
	}
	g.press("a", 5, -1, 0)
	if l := g.paint("a", 0)[down]; l == grid.Off {
		t.Fatal("mixer mode, 8 scenes on 4 clip rows: down is dark")
	}
	for range 10 {
		g.press("a", down.X, down.Y, 0)
	}
	if _, y := g.u.Window(); y != 4 {
		t.Fatalf("mixer mode scrolled to scene %d, want 4 (the last four on the clip rows)", y)
	}
	if l := g.paint("a", 0)[grid.Button{X: 8, Y: 5}]; l != grid.Off {
		t.Errorf("scene button beside a mixer strip shows %+v", l)
	}
	g.press("a", 8, 5, 0)
	g.s.Advance(bar)
	if st := g.starts(); len(st) != 0 {
		t.Errorf("a scene button beside the strips launched %+v", st)
	}
	g.tap("a", 4, -1, 0) // back to session (when let go: held, it is Shift): 8 rows again, the window moves up
	if _, y := g.u.Window(); y != 0 {
		t.Errorf("back in session mode the window starts at scene %d, want 0", y)
	}
}

// While audio is lost the controls flash red on a Launchpad (top row) and a
// monome (its bottom row); the clip pads keep their lights.
func TestAlertFlashesTheControlsRed(t *testing.T) {
	for _, in := range []grid.Info{launchpadInfo(), monomeInfo(16, 8)} {
		g := newRig(t, song(4, 12), in)
		before := g.paint("a", 0)
		g.u.Alert(true)
		during := g.paint("a", 0)
		controls := 0
		for b, l := range during {
			isControl := g.u.panes[0].lay.roleOf(b).kind == roleControl
			switch {
			case isControl && l != flash(red):
				t.Errorf("%s: control %v shows %+v during the alert, want flashing red", in.Model, b, l)
			case !isControl && l != before[b]:
				t.Errorf("%s: %v changed from %+v to %+v during the alert", in.Model, b, before[b], l)
			}
			if isControl {
				controls++
			}
		}
		if controls < 4 {
			t.Errorf("%s: %d controls, want the control row", in.Model, controls)
		}
		g.u.Alert(false)
		for b, l := range g.paint("a", 0) {
			if l != before[b] {
				t.Errorf("%s: %v shows %+v after the alert, want %+v again", in.Model, b, l, before[b])
			}
		}
	}
}

func TestSetErrorsFlashTheirSlotsRed(t *testing.T) {
	g := newRig(t, song(4, 12), launchpadInfo())
	before := g.paint("a", 0)
	g.u.SetErrors([]Mark{{Track: 1, Scene: 2}, {Track: 3, Scene: -1}})
	during := g.paint("a", 0)
	for b, l := range during {
		want := before[b]
		if b.Y >= 0 && b.X < 8 && ((b.X == 1 && b.Y == 2) || b.X == 3) {
			want = flash(red)
		}
		if l != want {
			t.Errorf("%v shows %+v with the errors, want %+v", b, l, want)
		}
	}
	g.u.SetErrors(nil)
	for b, l := range g.paint("a", 0) {
		if l != before[b] {
			t.Errorf("%v shows %+v once the errors are fixed, want %+v again", b, l, before[b])
		}
	}
}

func TestReloadKeepsTheWindowInsideTheSet(t *testing.T) {
	g := newRig(t, song(12, 12), launchpadInfo())
	g.u.scroll(4, 4)
	if x, y := g.u.Window(); x != 4 || y != 4 {
		t.Fatalf("window at %d,%d, want 4,4", x, y)
	}
	// The set shrinks to 9 tracks and 10 scenes under the window.
	if err := g.s.Replace(song(9, 10), g.s.Committed()); err != nil {
		t.Fatal(err)
	}
	g.u.SetTracks(make([]TrackInfo, 9))
	if x, y := g.u.Window(); x != 1 || y != 2 {
		t.Errorf("window at %d,%d after the reload, want 1,2 (the last 8 tracks and scenes)", x, y)
	}
}

// A mirror shows and plays the first controller's columns, adds none to
// the window, and is the window when it is alone.
func TestMirrorShowsTheFirstControllersColumns(t *testing.T) {
	g := newRig(t, song(24, 8))
	v := &stub{in: launchpadInfo()}
	g.cs["v"] = v
	g.u.AttachMirror("v", v) // before any controller, as play attaches it
	if l := g.paint("v", 0)[grid.Button{X: 7, Y: 0}]; l != static(dim(g.u.color(7))) {
		t.Errorf("a lone mirror's pad (7,0) shows %+v, want track 7", l)
	}
	a, b := &stub{in: launchpadInfo()}, &stub{in: launchpadInfo()}
	g.cs["a"], g.cs["b"] = a, b
	g.u.Attach("a", a)
	g.u.Attach("b", b)
	g.press("v", 1, 0, 0) // the mirror plays what the first Launchpad shows
	g.release("v", 1, 0, 0)
	g.s.Advance(1)
	if st := g.starts(); len(st) != 1 || st[0].Track != 1 {
		t.Fatalf("the mirror's pad (1,0): %+v, want track 1", st)
	}
	g.press("b", 0, 0, 10)
	g.release("b", 0, 0, 10)
	g.s.Advance(bar + 1)
	if st := g.starts(); len(st) != 2 || st[1].Track != 8 {
		t.Fatalf("the second Launchpad's pad (0,0): %+v, want track 8: the mirror takes no columns", st)
	}
	for _, now := range []engine.Frame{0, bar / 2} {
		if va, vv := g.paint("a", now), g.paint("v", now); !maps.Equal(va, vv) {
			t.Errorf("at frame %d the mirror shows %v, the first Launchpad %v", now, vv, va)
		}
	}
	g.press("v", 3, -1, 20) // → on the mirror scrolls the whole window by one track
	g.release("v", 3, -1, 20)
	if x, _ := g.u.Window(); x != 1 {
		t.Errorf("after the mirror's right arrow the window starts at track %d, want 1", x)
	}
	if l := g.paint("v", 0)[grid.Button{X: 0, Y: 0}]; l != g.paint("a", 0)[grid.Button{X: 0, Y: 0}] {
		t.Errorf("after scrolling the mirror shows %+v, the Launchpad %+v", l, g.paint("a", 0)[grid.Button{X: 0, Y: 0}])
	}
	// Unplugged, the Launchpads leave the mirror the window.
	g.u.Detach("a")
	g.u.Detach("b")
	g.u.Detach("v")
	g.u.AttachMirror("v", v)
	for i := range 30 {
		g.press("v", 3, -1, engine.Frame(30+i))
		g.release("v", 3, -1, engine.Frame(30+i))
	}
	if x, _ := g.u.Window(); x != 16 || g.u.Controllers() != 1 {
		t.Errorf("a lone mirror scrolled right to track %d (%d controllers), want 16 (24 tracks, 8 wide)", x, g.u.Controllers())
	}
}
