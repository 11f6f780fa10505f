package launchpad_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"gridbox/grid"
	"gridbox/grid/gridtest"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
)

func lp(b grid.Button) launchpad.Button { return launchpad.Button{X: b.X, Y: b.Y} }

// open opens a Controller of model m on a fresh simulated device, closed and
// checked for protocol errors when the test ends.
func open(t *testing.T, m launchpad.Model) (*launchpad.Controller, *launchpadtest.Device) {
	t.Helper()
	d := launchpadtest.New(m)
	c, err := launchpad.Open(m, d, "Launchpad:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := d.Err(); err != nil {
			t.Errorf("protocol errors in what the driver sent:\n%v", err)
		}
	})
	return c, d
}

// TestControllerConformance runs the grid.Controller conformance suite
// (rules 1–6) for every model against its simulated device.
func TestControllerConformance(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			gridtest.Run(t, func(t *testing.T) *gridtest.Harness {
				c, d := open(t, m)
				return &gridtest.Harness{
					Controller: c,
					Press:      func(b grid.Button) { d.Press(lp(b)) },
					Release:    func(b grid.Button) { d.Release(lp(b)) },
					Shown: func(b grid.Button) grid.Light {
						s := d.State(lp(b))
						if s.Bad != "" {
							t.Errorf("LED %v: %s", b, s.Bad)
						}
						l := s.Light(m)
						return grid.Light{Color: grid.Color(l.Color), Mode: grid.Mode(l.Mode)}
					},
					Writes: d.Writes,
					Unplug: d.Unplug,
				}
			})
		})
	}
}

// gridFrame is a random set of lights for every LED of m, with flashing,
// pulsing and off ones.
func gridFrame(r *rand.Rand, m launchpad.Model) map[grid.Button]grid.Light {
	f := map[grid.Button]grid.Light{}
	for _, b := range m.LEDs() {
		l := grid.Light{Color: grid.Color{R: uint8(r.IntN(256)), G: uint8(r.IntN(256)), B: uint8(r.IntN(256))}}
		switch r.IntN(6) {
		case 0:
			l.Mode = grid.Flash
		case 1:
			l.Mode = grid.Pulse
		case 2:
			l = grid.Off
		}
		f[grid.Button{X: b.X, Y: b.Y}] = l
	}
	return f
}

func toLight(l grid.Light) launchpad.Light {
	return launchpad.Light{Color: launchpad.Color(l.Color), Mode: launchpad.Mode(l.Mode)}
}

// checkShows fails unless d shows frame f.
func checkShows(t *testing.T, d *launchpadtest.Device, f map[grid.Button]grid.Light, step string) {
	t.Helper()
	m := d.Model()
	for b, l := range f {
		if got, w := d.State(lp(b)), want(m, toLight(l)); got != w {
			t.Fatalf("%s: LED %v shows %+v, want %+v (light %+v)", step, b, got, w, l)
		}
	}
}

// TestControllerReplug: after an unplug, a new Controller on the new device
// shows the whole previous frame after one Flush, even where the device
// kept LEDs lit from before (the MK3 family keeps them across the switch
// into Programmer mode, protocols.md §2.6) (rule 5).
func TestControllerReplug(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(2, uint64(m)))
			frame := gridFrame(r, m)
			c1, d1 := open(t, m)
			for b, l := range frame {
				c1.Set(b, l)
			}
			if err := c1.Flush(); err != nil {
				t.Fatal(err)
			}
			checkShows(t, d1, frame, "before unplug")

			d1.Unplug()
			for range c1.Pads() { // closes on unplug
			}
			if err := c1.Flush(); !errors.Is(err, launchpad.ErrGone) {
				t.Fatalf("Flush to an unplugged device: %v, want ErrGone", err)
			}
			if err := c1.Close(); err != nil {
				t.Fatalf("Close after unplug: %v", err)
			}

			// The device comes back showing something else: what Live mode
			// or an earlier session drew.
			d2 := launchpadtest.New(m)
			stale := launchpad.NewFrame(m)
			stale.Fill(launchpad.Light{Color: launchpad.Color{R: 40, G: 200, B: 90}})
			for _, msg := range launchpad.NewEncoder(m).Encode(nil, stale) {
				d2.Write(msg)
			}
			c2, err := launchpad.Open(m, d2, "Launchpad:1")
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			for b, l := range frame {
				c2.Set(b, l)
			}
			if err := c2.Flush(); err != nil {
				t.Fatal(err)
			}
			checkShows(t, d2, frame, "after replug and one Flush")
			if err := d2.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestControllerWriteError: after a failed write the device state is
// unknown, so the next Flush sends the whole frame (rule 5).
func TestControllerWriteError(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(m)))
			frame := gridFrame(r, m)
			c, d := open(t, m)
			for b, l := range frame {
				c.Set(b, l)
			}
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			b := grid.Button{X: 3, Y: 3}
			frame[b] = grid.Light{Color: grid.Color{R: 255, G: 255, B: 255}}
			c.Set(b, frame[b])
			d.FailWrites(1)
			if err := c.Flush(); !errors.Is(err, launchpadtest.ErrWrite) {
				t.Fatalf("Flush with a failing write: %v", err)
			}
			full := fullBytes(m, frame)
			w := d.Writes()
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := d.Writes() - w; got != full {
				t.Fatalf("Flush after a write error sent %d bytes, want the whole frame's %d", got, full)
			}
			checkShows(t, d, frame, "after the write error")
		})
	}
}

// notButtons returns note numbers that address nothing on m: a stray note
// on them is no press.
func notButtons(m launchpad.Model) []byte {
	used := map[byte]bool{}
	for _, b := range m.LEDs() {
		if st, n, _ := launchpadtest.Address(m, b); st == 0x90 {
			used[n] = true
		}
	}
	var free []byte
	for n := byte(0); n < 128; n++ {
		if !used[n] {
			free = append(free, n)
		}
	}
	return free
}

// phantom returns a flood of input that holds no press or release of m:
// realtime bytes anywhere (a Pro MK3 with Transmit Clock on), pressure with
// running status, messages on other channels, notes and CCs that are no
// button, stray data bytes, foreign, oversized and unterminated SysEx, and
// undefined system bytes.
func phantom(r *rand.Rand, m launchpad.Model) []byte {
	free := notButtons(m)
	data := func() byte { return byte(r.IntN(128)) }
	var out []byte
	for len(out) < 64<<10 {
		switch r.IntN(10) {
		case 0:
			out = append(out, 0xD0, data(), data(), data()) // channel pressure, running status
		case 1:
			out = append(out, 0xA0, data(), data(), data(), data()) // poly pressure
		case 2:
			out = append(out, byte(0x91+r.IntN(15)), data(), data()) // channels 2–16
		case 3:
			out = append(out, 0x90, free[r.IntN(len(free))], data())
		case 4:
			out = append(out, 0xB0, 99, 0x7F, 0xB0, 0x7F, 0x7F) // the logo is no button; neither is CC 127
		case 5:
			out = append(out, 0xF6, data(), data()) // stray data, after a tune request ends running status
		case 6:
			out = append(out, 0xF0, 0x7E, 0x7F, 0x06, 0x02, data(), 0xF7) // an inquiry reply (ignored)
			out = append(out, 0xF0, 0x43, data(), data(), 0xF7)           // Yamaha
		case 7:
			out = append(out, 0xF0, 0x00, 0x20, 0x29, 0x02) // unterminated
		case 8:
			if r.IntN(20) == 0 {
				out = append(out, 0xF0)
				for range launchpad.MaxSysEx + 10 {
					out = append(out, data())
				}
				out = append(out, 0xF7)
			}
			out = append(out, 0xF4, 0xF5, 0xF6, 0xF7)
		default:
			out = append(out, 0xF8, 0xF8, 0xFE, 0xFA, 0xFC, 0xFF)
		}
		if r.IntN(3) == 0 { // realtime inside whatever came before
			out = append(out, byte(0xF8+r.IntN(8)))
		}
	}
	return out
}

// TestControllerPhantomInput: a flood of garbage and realtime bytes yields no
// Pads, and a real press after it still arrives.
func TestControllerPhantomInput(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(4, uint64(m)))
			c, d := open(t, m)
			d.SetMaxRead(1 + r.IntN(64))
			d.Send(phantom(r, m))
			b := launchpad.Button{X: 2, Y: 5}
			d.PressVelocity(b, 99)
			select {
			case p := <-c.Pads():
				if p.Button != (grid.Button{X: 2, Y: 5}) || !p.Down {
					t.Fatalf("first pad after the flood: %+v, want the press of %v", p, b)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the press after the flood did not arrive")
			}
			select {
			case p := <-c.Pads():
				t.Fatalf("a second pad: %+v", p)
			case <-time.After(20 * time.Millisecond):
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if p, ok := <-c.Pads(); !ok || p.Down || p.Button != (grid.Button{X: 2, Y: 5}) {
				t.Fatalf("after Close: %+v %v, want the release of the held %v", p, ok, b)
			}
			st := c.Stats()
			if st.Parser.Events != 1 || st.Parser.Clock == 0 || st.Parser.Pressure == 0 || st.Parser.Unknown == 0 || st.Dropped != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// TestControllerEveryButton: every button maps to the grid.Button with the
// same coordinates, with the model's velocity, and Info lists every LED.
func TestControllerEveryButton(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			c, d := open(t, m)
			in := c.Info()
			if in.Model != m.String() || in.Port != "Launchpad:0" || in.Cols != 8 || in.Rows != 8 || in.Velocity != m.VelocitySensitive() {
				t.Fatalf("Info %+v", in)
			}
			if len(in.Buttons) != len(m.LEDs()) || in.Has(grid.Button{X: 8, Y: -1}) != m.HasLED(launchpad.Logo) {
				t.Fatalf("Info lists %d buttons, want the model's %d LEDs", len(in.Buttons), len(m.LEDs()))
			}
			for _, b := range m.Buttons() {
				d.PressVelocity(b, 42)
				d.Release(b)
				v := uint8(127)
				if m.VelocitySensitive() && b.Pad() {
					v = 42
				}
				gb := grid.Button{X: b.X, Y: b.Y}
				for _, w := range []grid.Pad{{Button: gb, Down: true, Velocity: v}, {Button: gb}} {
					select {
					case p := <-c.Pads():
						if p != w {
							t.Fatalf("pad %+v, want %+v", p, w)
						}
					case <-time.After(time.Second):
						t.Fatalf("no pad for %v", b)
					}
				}
			}
		})
	}
}

// TestControllerCloseRestores: Close clears the LEDs and leaves the device's
// port closed.
func TestControllerCloseRestores(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			c, d := open(t, m)
			for _, b := range m.LEDs() {
				c.Set(grid.Button{X: b.X, Y: b.Y}, grid.Light{Color: grid.Color{R: 200, G: 100}, Mode: grid.Pulse})
			}
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if !d.Closed() {
				t.Fatal("port not closed")
			}
			for _, b := range m.LEDs() {
				if s := d.State(b); s != (launchpadtest.State{}) {
					t.Fatalf("after Close, LED %v shows %+v", b, s)
				}
			}
		})
	}
}

// TestControllerFullPads: a consumer that stops reading costs presses,
// counted, never a blocked reader.
func TestControllerFullPads(t *testing.T) {
	m := launchpad.LaunchpadX
	c, d := open(t, m)
	const n = launchpad.PadsBuffer + 44
	for range n {
		d.Press(launchpad.Button{X: 1, Y: 1})
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.Stats().Parser.Events < n {
		if time.Now().After(deadline) {
			t.Fatalf("reader stuck: %+v", c.Stats())
		}
		time.Sleep(time.Millisecond)
	}
	if got := c.Stats().Dropped; got != n-launchpad.PadsBuffer {
		t.Fatalf("Dropped = %d, want %d", got, n-launchpad.PadsBuffer)
	}
	if err := c.Close(); err != nil { // the release of (1,1) finds no room either
		t.Fatal(err)
	}
	got := 0
	for range c.Pads() {
		got++
	}
	if got != launchpad.PadsBuffer || c.Stats().Dropped != n-launchpad.PadsBuffer+1 {
		t.Fatalf("%d pads delivered, %d dropped", got, c.Stats().Dropped)
	}
}

// Beat sends the RGB models one MIDI clock tick per 24th of a beat passed,
// at most a beat's worth after a stall; the red/green family gets none.
func TestBeatSendsClock(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			c, d := open(t, m)
			var _ grid.Follower = c
			want := 0
			for _, s := range []struct {
				pos   float64
				ticks int
			}{{3.99, 0}, {4, 1}, {4.5, 12}, {4.5, 0}, {4.49, 0}, {4.51, 0}, {5.01, 12}, {9, 24}, {1, 0}, {1.05, 1}} {
				if err := c.Beat(s.pos); err != nil {
					t.Fatal(err)
				}
				if m.Pulses() {
					want += s.ticks
				}
				if got := d.Clocks(); got != want {
					t.Fatalf("after Beat(%v): %d ticks sent, want %d", s.pos, got, want)
				}
			}
		})
	}
}

// TestInfoLabels: Info carries the model's printed labels as grid buttons,
// a fresh map each call; models that print none have nil.
func TestInfoLabels(t *testing.T) {
	for _, m := range launchpad.Models {
		c, _ := open(t, m)
		in := c.Info()
		want, shift := m.Labels(), m.ShiftLabels()
		if (in.Labels == nil) != (want == nil) || len(in.Labels) != len(want) || len(in.ShiftLabels) != len(shift) {
			t.Fatalf("%v: Info labels %v, shift %v; model %v, %v", m, in.Labels, in.ShiftLabels, want, shift)
		}
		for b, word := range in.Labels {
			if want[lp(b)] != word || !in.Has(b) {
				t.Errorf("%v: Info labels %v %q, model %q", m, b, word, want[lp(b)])
			}
		}
		for b, word := range in.ShiftLabels {
			if shift[lp(b)] != word {
				t.Errorf("%v: Info shift labels %v %q, model %q", m, b, word, shift[lp(b)])
			}
		}
		clear(in.Labels)
		if len(c.Info().Labels) != len(want) {
			t.Errorf("%v: clearing one Info's labels changed the next", m)
		}
	}
}
