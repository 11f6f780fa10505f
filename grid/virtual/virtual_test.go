package virtual

import (
	"slices"
	"sync"
	"testing"

	"gridbox/grid"
	"gridbox/grid/gridtest"
)

func TestConforms(t *testing.T) {
	gridtest.Run(t, func(t *testing.T) *gridtest.Harness {
		c := New()
		return &gridtest.Harness{
			Controller: c,
			Press:      func(b grid.Button) { c.Press(b, 100) },
			Release:    func(b grid.Button) { c.Release(b) },
			Shown:      c.Light,
			Writes: func() int {
				c.mu.Lock()
				defer c.mu.Unlock()
				return c.writes
			},
			Unplug: func() { c.Close() }, // a virtual device goes away only when closed
		}
	})
}

// TestLayout checks the buttons and names against the package doc's
// picture, and that Info, has, Button and Names agree.
func TestLayout(t *testing.T) {
	in := New().Info()
	if in.Model != "virtual" || in.Cols != 8 || in.Rows != 8 || !in.Velocity {
		t.Fatalf("Info %+v", in)
	}
	if len(in.Buttons) != 64+8+8+8+4 {
		t.Fatalf("%d buttons, want 92", len(in.Buttons))
	}
	for y := -3; y <= 10; y++ {
		for x := -3; x <= 10; x++ {
			b := grid.Button{X: x, Y: y}
			if has(b) != in.Has(b) {
				t.Errorf("%v: has %v, Info().Has %v", b, has(b), in.Has(b))
			}
		}
	}
	want := map[string]grid.Button{
		"up": {X: 0, Y: -1}, "down": {X: 1, Y: -1}, "left": {X: 2, Y: -1}, "right": {X: 3, Y: -1},
		"session": {X: 4, Y: -1}, "mixer": {X: 5, Y: -1}, "volume": {X: 6, Y: -1}, "stopall": {X: 7, Y: -1},
		"note": {X: -1, Y: 0}, "drum": {X: -1, Y: 1}, "step": {X: -1, Y: 2}, "record": {X: -1, Y: 3},
		"undo": {X: -1, Y: 4}, "redo": {X: -1, Y: 5}, "metronome": {X: -1, Y: 6}, "shift": {X: -1, Y: 7},
		"clear": {X: 0, Y: 8}, "duplicate": {X: 1, Y: 8}, "quantize": {X: 2, Y: 8}, "length": {X: 3, Y: 8},
	}
	if len(in.Labels) != len(want) {
		t.Errorf("%d labels, want %d: %v", len(in.Labels), len(want), in.Labels)
	}
	for name, b := range want {
		if got, ok := Button(name); !ok || got != b {
			t.Errorf("Button(%q) = %v, %v; want %v", name, got, ok, b)
		}
		if in.Labels[b] != name {
			t.Errorf("Labels[%v] = %q, want %q", b, in.Labels[b], name)
		}
		if !in.Has(b) {
			t.Errorf("%s %v is not in Buttons", name, b)
		}
	}
	for _, name := range Names() {
		if !slices.Contains(grid.LabelVocabulary, name) {
			t.Errorf("name %q is not in grid.LabelVocabulary", name)
		}
		if _, ok := want[name]; !ok {
			t.Errorf("Names has %q", name)
		}
	}
	if len(Names()) != len(want) {
		t.Errorf("Names() = %v", Names())
	}
	for _, name := range []string{"", "scene", "Shift", "pad"} {
		if b, ok := Button(name); ok {
			t.Errorf("Button(%q) = %v, want none", name, b)
		}
	}
	for y := range 8 {
		scene := grid.Button{X: 8, Y: y}
		if _, named := in.Labels[scene]; named || !in.Has(scene) {
			t.Errorf("scene button %v: want one, unlabelled", scene)
		}
	}
	// Info's Labels and Buttons are the caller's.
	in.Labels[grid.Button{X: 0, Y: -1}] = "down"
	in.Buttons[0] = grid.Button{X: 99}
	if again := New().Info(); again.Labels[grid.Button{X: 0, Y: -1}] != "up" || again.Buttons[0] != (grid.Button{X: 0, Y: -1}) {
		t.Fatal("changing one Info changed another")
	}
}

func TestPressRefusals(t *testing.T) {
	c := New()
	shift, _ := Button("shift")
	if !c.Press(shift, 0) {
		t.Fatal("press refused")
	}
	if p := <-c.Pads(); p.Button != shift || !p.Down || p.Velocity != 1 {
		t.Fatalf("pad %+v, want shift down at velocity 1 (0 counts as 1)", p)
	}
	if c.Press(shift, 100) {
		t.Error("a held button pressed again")
	}
	if c.Press(grid.Button{X: 8, Y: -1}, 100) || c.Press(grid.Button{X: 4, Y: 8}, 100) {
		t.Error("a press outside the layout was delivered")
	}
	if c.Release(grid.Button{X: 0, Y: 0}) {
		t.Error("a release of a button not held was delivered")
	}
	if !c.Release(shift) || c.Release(shift) {
		t.Error("release: want one delivered, then none")
	}
	if p := <-c.Pads(); p.Button != shift || p.Down || p.Velocity != 0 {
		t.Fatalf("pad %+v, want shift up", p)
	}
	if len(c.Pads()) != 0 {
		t.Fatalf("%d pads left over", len(c.Pads()))
	}
}

// TestFullPads: with nobody reading, Press and Release refuse rather than
// block, and Close still releases everything held (rule 2).
func TestFullPads(t *testing.T) {
	c := New()
	var pressed []grid.Button
	for _, b := range c.Info().Buttons {
		if c.Press(b, 127) {
			pressed = append(pressed, b)
		}
		c.Release(b)
		if c.Press(b, 127) {
			pressed = append(pressed, b)
		}
	}
	if n := len(c.Pads()); n != PadsBuffer {
		t.Fatalf("%d pads queued, want PadsBuffer (%d)", n, PadsBuffer)
	}
	c.Close()
	held := map[grid.Button]bool{}
	for p := range c.Pads() {
		held[p.Button] = p.Down
	}
	for b, down := range held {
		if down {
			t.Errorf("%v left pressed after Close", b)
		}
	}
	if len(pressed) == 0 || c.Press(pressed[0], 1) || c.Release(pressed[0]) {
		t.Error("press or release after Close delivered")
	}
}

// TestLightsSnapshot: Lights is the last Flush's frame, not what Set wrote
// since, and can be read while the LED goroutine sets and flushes (run
// with -race).
func TestLightsSnapshot(t *testing.T) {
	c := New()
	red := grid.Light{Color: grid.Color{R: 255}}
	rec, _ := Button("record")
	c.Set(rec, red)
	if c.Lights()[rec] != grid.Off {
		t.Fatal("Set showed before Flush")
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	ls := c.Lights()
	if ls[rec] != red || len(ls) != len(c.Info().Buttons) {
		t.Fatalf("Lights after Flush: record %v, %d lights", ls[rec], len(ls))
	}
	ls[rec] = grid.Off
	if c.Light(rec) != red {
		t.Fatal("changing Lights' map changed the controller")
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 200 {
			c.Set(grid.Button{X: i % 8, Y: i / 8 % 8}, grid.Light{Color: grid.Color{G: uint8(i)}})
			c.Flush()
		}
	}()
	for range 200 {
		if c.Lights()[rec] != red {
			t.Error("record's light changed")
		}
	}
	wg.Wait()
	c.Close()
	if c.Light(rec) != red {
		t.Fatal("Close forgot the last frame")
	}
}
