package monome_test

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridbox/grid"
	"gridbox/grid/gridtest"
	"gridbox/grid/monome"
	"gridbox/grid/monome/monometest"
)

// open opens a Controller on a new simulated grid and closes both at the end
// of the test, failing it if the driver wrote anything the grid could not
// decode.
func open(t *testing.T, gc monometest.Config, cfg monome.Config) (*monome.Controller, *monometest.Grid) {
	t.Helper()
	g := monometest.New(gc)
	c, err := monome.Open(g, "sim", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := g.Err(); err != nil {
			t.Error(err)
		}
	})
	return c, g
}

// shown is what the simulated grid shows at b, as a grid.Light: a grey of
// the level's brightness, black when off.
func shown(g *monometest.Grid, b grid.Button) grid.Light {
	l := g.Level(b.X, b.Y)
	if l == 0 {
		return grid.Off
	}
	v := l * 17
	return grid.Light{Color: grid.Color{R: v, G: v, B: v}}
}

func harness(gc monometest.Config, cfg monome.Config) func(t *testing.T) *gridtest.Harness {
	return func(t *testing.T) *gridtest.Harness {
		c, g := open(t, gc, cfg)
		return &gridtest.Harness{
			Controller: c,
			Press:      func(b grid.Button) { g.Press(b.X, b.Y) },
			Release:    func(b grid.Button) { g.Release(b.X, b.Y) },
			Shown:      func(b grid.Button) grid.Light { return shown(g, b) },
			Writes:     g.Writes,
			Unplug:     g.Unplug,
		}
	}
}

// The conformance suite (rules 1–6 of package grid) on every grid size, both
// protocols and every brightness, through the real protocol bytes.
func TestControllerConforms(t *testing.T) {
	cases := []struct {
		name string
		gc   monometest.Config
		cfg  monome.Config
	}{
		{"monome-64", monometest.Config{Cols: 8, Rows: 8}, monome.Config{}},
		{"monome-128", monometest.Config{Cols: 16, Rows: 8}, monome.Config{}},
		{"monome-256", monometest.Config{Cols: 16, Rows: 16}, monome.Config{}},
		{"monome-128 levels4", monometest.Config{Cols: 16, Rows: 8}, monome.Config{Brightness: monome.Levels4}},
		{"monome-256 mono", monometest.Config{Cols: 16, Rows: 16}, monome.Config{Brightness: monome.Mono}},
		{"monome-8x16 split reads", monometest.Config{Cols: 8, Rows: 16, MaxRead: 1}, monome.Config{}},
		{"series m128", monometest.Config{Protocol: monome.Series, Cols: 16, Rows: 8},
			monome.Config{Protocol: monome.Series, Cols: 16, Rows: 8, ID: "m128-0042"}},
		{"series m256 split reads", monometest.Config{Protocol: monome.Series, Cols: 16, Rows: 16, MaxRead: 1},
			monome.Config{Protocol: monome.Series, Cols: 16, Rows: 16}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { gridtest.Run(t, harness(tc.gc, tc.cfg)) })
	}
}

// Rule 1: the model name, size and ID come from the handshake.
func TestControllerInfo(t *testing.T) {
	cases := []struct {
		cols, rows int
		model      string
	}{{8, 8, "monome-64"}, {16, 8, "monome-128"}, {16, 16, "monome-256"}, {8, 16, "monome-8x16"}, {64, 8, "monome-64x8"}}
	for _, tc := range cases {
		c, g := open(t, monometest.Config{Cols: tc.cols, Rows: tc.rows, ID: "m1000285"}, monome.Config{})
		in := c.Info()
		if in.Model != tc.model || in.Port != "sim" || in.Cols != tc.cols || in.Rows != tc.rows ||
			len(in.Buttons) != tc.cols*tc.rows || in.Velocity {
			t.Errorf("%d×%d: Info %+v", tc.cols, tc.rows, in)
		}
		if c.ID() != "m1000285" {
			t.Errorf("ID %q", c.ID())
		}
		if g.Requests() != 3 {
			t.Errorf("%d handshake requests, want 3 (00 01 05)", g.Requests())
		}
	}
	c, _ := open(t, monometest.Config{Protocol: monome.Series, Cols: 8, Rows: 8},
		monome.Config{Protocol: monome.Series, Cols: 8, Rows: 8, ID: "m64-0001"})
	if in := c.Info(); in.Model != "monome-64" || c.ID() != "m64-0001" {
		t.Errorf("series: Info %+v, ID %q", in, c.ID())
	}
}

func TestOpenFails(t *testing.T) {
	g := monometest.New(monometest.Config{Cols: 16, Rows: 8, NoReply: true})
	_, err := monome.Open(g, "sim", monome.Config{Interval: 10 * time.Millisecond, Timeout: 40 * time.Millisecond})
	if !errors.Is(err, monome.ErrNoReply) || !g.Closed() {
		t.Errorf("silent grid: %v, port closed %v; want ErrNoReply and the port closed", err, g.Closed())
	}
	g = monometest.New(monometest.Config{Protocol: monome.Series, Cols: 16, Rows: 8})
	if _, err := monome.Open(g, "sim", monome.Config{Protocol: monome.Series}); err == nil || !g.Closed() {
		t.Errorf("series without a size: %v, port closed %v", err, g.Closed())
	}
}

// A key pressed while the grid answers the handshake is not lost.
func TestKeyDuringHandshake(t *testing.T) {
	g := monometest.New(monometest.Config{Cols: 16, Rows: 8})
	g.Press(2, 3)
	c, err := monome.Open(g, "sim", monome.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p := nextPad(t, c); p != (grid.Pad{Button: grid.Button{X: 2, Y: 3}, Down: true, Velocity: 127}) {
		t.Errorf("first pad %+v", p)
	}
}

// Keys outside the grid, stuck repeats and garbage bytes never reach Pads.
func TestControllerFiltersKeys(t *testing.T) {
	c, g := open(t, monometest.Config{Cols: 16, Rows: 8}, monome.Config{})
	g.Press(16, 0)                   // off the grid
	g.Send([]byte{0xFF, 0x21, 0x00}) // garbage, then a press split across...
	g.Send([]byte{0x07})             // ...two chunks: (0, 7)
	g.Press(0, 7)                    // stuck repeat
	g.Release(5, 5)                  // never pressed
	g.Release(0, 7)                  // real
	want := []grid.Pad{
		{Button: grid.Button{X: 0, Y: 7}, Down: true, Velocity: 127},
		{Button: grid.Button{X: 0, Y: 7}},
	}
	for i, w := range want {
		if p := nextPad(t, c); p != w {
			t.Fatalf("pad %d: %+v, want %+v", i, p, w)
		}
	}
	g.Unplug()
	if p, ok := <-c.Pads(); ok {
		t.Fatalf("after unplug: %+v, want Pads closed", p)
	}
	s := c.Stats()
	if s.Filter.OutOfRange != 1 || s.Filter.Duplicate != 2 || s.Parser.Unknown != 1 {
		t.Errorf("stats %+v", s)
	}
}

// norns#539: on unplug a series grid floods phantom presses (00 11 over and
// over). The controller delivers no press from it, only the releases of the
// keys that were held, then closes Pads (rule 2), and reads nothing more.
func TestPhantomFloodOnUnplug(t *testing.T) {
	for _, proto := range []monome.Protocol{monome.Series, monome.Mext} {
		for _, unplug := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v unplug %v", proto, unplug), func(t *testing.T) {
				cfg := monome.Config{Protocol: proto, Cols: 16, Rows: 8}
				c, g := open(t, monometest.Config{Protocol: proto, Cols: 16, Rows: 8}, cfg)
				g.Press(1, 1) // held where the phantoms land
				g.Press(5, 2)
				for range 2 {
					if p := nextPad(t, c); !p.Down {
						t.Fatalf("setup: %+v", p)
					}
				}
				g.Flood(100)
				g.Press(9, 0) // a press inside the flood's read is dropped too
				g.Flood(500)  // longer than one read: the tail must not leak
				g.Press(10, 0)
				if unplug {
					g.Unplug()
				}
				var got []grid.Pad
				for p := range c.Pads() {
					got = append(got, p)
				}
				want := []grid.Pad{{Button: grid.Button{X: 1, Y: 1}}, {Button: grid.Button{X: 5, Y: 2}}}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("pads after the flood %+v, want only the releases %+v", got, want)
				}
				if s := c.Stats(); s.Filter.Floods == 0 {
					t.Errorf("no flood counted: %+v", s)
				}
				if !g.Closed() {
					t.Error("port still open after the flood")
				}
				if err := c.Flush(); !errors.Is(err, monome.ErrGone) {
					t.Errorf("Flush after the flood: %v, want ErrGone", err)
				}
			})
		}
	}
}

// Rule 5: a replug is a new Controller on a new grid whose LEDs show
// anything; one Flush of the same lights shows the whole frame.
func TestReplugShowsWholeFrame(t *testing.T) {
	for _, tc := range []struct {
		name string
		gc   monometest.Config
		cfg  monome.Config
	}{
		{"mext 256", monometest.Config{Cols: 16, Rows: 16}, monome.Config{}},
		{"series 128", monometest.Config{Protocol: monome.Series, Cols: 16, Rows: 8},
			monome.Config{Protocol: monome.Series, Cols: 16, Rows: 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c1, g1 := open(t, tc.gc, tc.cfg)
			cols, rows := g1.Size()
			lights := map[grid.Button]grid.Light{}
			for y := range rows {
				for x := range cols {
					if (x+y)%3 != 0 {
						lights[grid.Button{X: x, Y: y}] = grid.Light{Color: grid.Color{R: uint8(x * 16), G: uint8(y * 16), B: 200}}
					}
				}
			}
			for b, l := range lights {
				c1.Set(b, l)
			}
			if err := c1.Flush(); err != nil {
				t.Fatal(err)
			}
			before := g1.Shown()
			g1.Unplug()
			for range c1.Pads() {
			}

			g2 := monometest.New(tc.gc)
			for y := range rows {
				for x := range cols {
					g2.SetLevel(x, y, uint8((x*7+y*3)%16)) // left over from whatever ran before
				}
			}
			c2, err := monome.Open(g2, "sim", tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			for b, l := range lights {
				c2.Set(b, l)
			}
			if err := c2.Flush(); err != nil {
				t.Fatal(err)
			}
			if after := g2.Shown(); !after.Equal(before) {
				t.Errorf("after one Flush the new grid shows\n%v\nwant\n%v", dump(after), dump(before))
			}
			if err := g2.Err(); err != nil {
				t.Error(err)
			}
		})
	}
}

func dump(f *monome.Frame) string {
	cols, rows := f.Size()
	s := ""
	for y := range rows {
		for x := range cols {
			s += fmt.Sprintf("%X", f.Level(x, y))
		}
		s += "\n"
	}
	return s
}

// failingPort fails the next Write when told to.
type failingPort struct {
	*monometest.Grid
	fail atomic.Bool
}

func (p *failingPort) Write(b []byte) (int, error) {
	if p.fail.Swap(false) {
		return 0, errors.New("input/output error")
	}
	return p.Grid.Write(b)
}

// After a write error what the grid shows is unknown: the next Flush sends
// the whole frame again (rule 5), in one Write.
func TestFlushAfterWriteErrorSendsAll(t *testing.T) {
	g := monometest.New(monometest.Config{Cols: 16, Rows: 8})
	port := &failingPort{Grid: g}
	c, err := monome.Open(port, "sim", monome.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Set(grid.Button{X: 0, Y: 0}, grid.Light{Color: grid.Color{R: 255, G: 255, B: 255}})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	c.Set(grid.Button{X: 9, Y: 1}, grid.Light{Color: grid.Color{G: 255}})
	port.fail.Store(true)
	if err := c.Flush(); err == nil {
		t.Fatal("write error not reported")
	}
	g.SetLevel(3, 3, 9) // the grid may show anything now
	w := g.Writes()
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := g.Writes() - w; n != 70 {
		t.Errorf("Flush after the error sent %d bytes, want both quads (70)", n)
	}
	if g.Level(0, 0) != 15 || g.Level(9, 1) != 13 || g.Level(3, 3) != 0 {
		t.Errorf("grid shows %d %d %d", g.Level(0, 0), g.Level(9, 1), g.Level(3, 3))
	}
}

// lockedClock is a clock tests move by hand; safe for concurrent use.
type lockedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lockedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *lockedClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Flash and Pulse are rendered at Flush time from the driver's clock: Flash
// is on for the first half of every 500 ms, Pulse ramps and never goes
// dark.
func TestFlashAndPulse(t *testing.T) {
	clk := &lockedClock{t: t0}
	c, g := open(t, monometest.Config{Cols: 8, Rows: 8}, monome.Config{Now: clk.Now})
	white := grid.Color{R: 255, G: 255, B: 255}
	c.Set(grid.Button{X: 0, Y: 0}, grid.Light{Color: white, Mode: grid.Flash})
	c.Set(grid.Button{X: 1, Y: 0}, grid.Light{Color: white, Mode: grid.Pulse})
	c.Set(grid.Button{X: 2, Y: 0}, grid.Light{Color: white})
	type step struct {
		at                   time.Duration
		flash, pulse, static uint8
	}
	steps := []step{
		{0, 15, 4, 15},
		{125 * time.Millisecond, 15, 7, 15},
		{250 * time.Millisecond, 0, 9, 15},
		{500 * time.Millisecond, 15, 15, 15},
		{750 * time.Millisecond, 0, 9, 15},
		{1000 * time.Millisecond, 15, 4, 15},
	}
	var last time.Duration
	for _, s := range steps {
		clk.Add(s.at - last)
		last = s.at
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		if f, p, st := g.Level(0, 0), g.Level(1, 0), g.Level(2, 0); f != s.flash || p != s.pulse || st != s.static {
			t.Errorf("at %v: flash %d pulse %d static %d, want %d %d %d", s.at, f, p, st, s.flash, s.pulse, s.static)
		}
	}
	// Nothing changes within the same instant: nothing is sent.
	w := g.Writes()
	if err := c.Flush(); err != nil || g.Writes() != w {
		t.Errorf("Flush at the same instant: %v, sent %d bytes", err, g.Writes()-w)
	}
}

// After Beat, Flash and Pulse follow the music, whatever the clock says:
// at 90 BPM a Flash light is on for the first half of each beat.
func TestFlashFollowsTheBeat(t *testing.T) {
	clk := &lockedClock{t: t0}
	c, g := open(t, monometest.Config{Cols: 8, Rows: 8}, monome.Config{Now: clk.Now})
	white := grid.Color{R: 255, G: 255, B: 255}
	c.Set(grid.Button{X: 0, Y: 0}, grid.Light{Color: white, Mode: grid.Flash})
	c.Set(grid.Button{X: 1, Y: 0}, grid.Light{Color: white, Mode: grid.Pulse})
	for _, s := range []struct {
		beat         float64
		flash, pulse uint8
	}{{0, 15, 4}, {0.25, 15, 7}, {0.5, 0, 9}, {0.99, 0, 15}, {1, 15, 15}, {1.5, 0, 9}, {2, 15, 4}, {7.1, 15, 14}} {
		clk.Add(333 * time.Millisecond) // the wall clock must not matter
		if err := c.Beat(s.beat); err != nil {
			t.Fatal(err)
		}
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		if f, p := g.Level(0, 0), g.Level(1, 0); f != s.flash || p != s.pulse {
			t.Errorf("beat %v: flash %d pulse %d, want %d %d", s.beat, f, p, s.flash, s.pulse)
		}
	}
	var _ grid.Follower = c
}

// A mono grid shows any colour but black as on, and a series grid too.
func TestMonoLightsAnyColour(t *testing.T) {
	c, g := open(t, monometest.Config{Protocol: monome.Series, Cols: 8, Rows: 8},
		monome.Config{Protocol: monome.Series, Cols: 8, Rows: 8})
	c.Set(grid.Button{X: 4, Y: 4}, grid.Light{Color: grid.Color{B: 40}}) // LevelOf gives 1
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if g.Level(4, 4) != 15 {
		t.Errorf("dim blue on a series grid shows %d, want on", g.Level(4, 4))
	}
}

// Close turns every LED off, and a Flush after it writes nothing.
func TestCloseClearsLEDs(t *testing.T) {
	c, g := open(t, monometest.Config{Cols: 16, Rows: 8}, monome.Config{})
	c.Set(grid.Button{X: 3, Y: 3}, grid.Light{Color: grid.Color{R: 255}})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if g.Level(3, 3) != 0 || !g.Closed() {
		t.Errorf("after Close: level %d, port closed %v", g.Level(3, 3), g.Closed())
	}
}

// A consumer that stops reading never blocks the reader for good: pads past
// the channel's capacity are dropped and counted, and the unplug still
// closes Pads.
func TestFullPadsDropAndCount(t *testing.T) {
	c, g := open(t, monometest.Config{Cols: 16, Rows: 16}, monome.Config{})
	for y := range 16 {
		for x := range 16 {
			g.Press(x, y) // 256 presses fill the channel
		}
	}
	for x := range 4 {
		g.Release(x, 0)
	}
	g.Press(0, 0)
	deadline := time.Now().Add(5 * time.Second)
	for c.Stats().Dropped < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v: want 5 dropped", c.Stats())
		}
		time.Sleep(time.Millisecond)
	}
	for i := range 256 {
		if p := nextPad(t, c); !p.Down {
			t.Fatalf("pad %d: %+v, want the presses first", i, p)
		}
	}
	g.Unplug()
	// On unplug every press the consumer got is released, those whose
	// release was dropped included: nothing stays pressed (rule 2).
	ups := 0
	for p := range c.Pads() {
		if p.Down {
			t.Fatalf("%+v after the unplug", p)
		}
		ups++
	}
	if ups != 256 {
		t.Errorf("%d releases on unplug, want 256", ups)
	}
}

// Set and Flush on the LED goroutine, keys on the reader, Close from a
// third: the race detector watches.
func TestControllerConcurrent(t *testing.T) {
	c, g := open(t, monometest.Config{Cols: 16, Rows: 16}, monome.Config{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			c.Set(grid.Button{X: i % 16, Y: i / 16 % 16}, grid.Light{Color: grid.Color{G: uint8(i)}, Mode: grid.Mode(i % 3)})
			if err := c.Flush(); err != nil {
				if !errors.Is(err, grid.ErrClosed) && !errors.Is(err, monome.ErrGone) {
					t.Error(err)
				}
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range c.Pads() {
		}
	}()
	for i := range 200 { // a different key each time: many presses of one key in one read are a flood
		g.Press(i%16, i/16)
		g.Release(i%16, i/16)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	wg.Wait()
}

func nextPad(t *testing.T, c *monome.Controller) grid.Pad {
	t.Helper()
	select {
	case p, ok := <-c.Pads():
		if !ok {
			t.Fatal("Pads closed")
		}
		return p
	case <-time.After(time.Second):
		t.Fatal("no pad within 1 s")
	}
	return grid.Pad{}
}

var _ io.ReadWriteCloser = (*monometest.Grid)(nil)
