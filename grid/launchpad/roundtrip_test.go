package launchpad_test

import (
	"math/rand/v2"
	"testing"

	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
)

// The device simulators live in launchpadtest, written from protocols.md
// rather than from the encoder. Each reports what every LED shows as a
// launchpadtest.State; Encode is correct when, after any history, the
// simulator shows what the frame asked for.

// want is what an LED should show for l on model m.
func want(m launchpad.Model, l launchpad.Light) launchpadtest.State {
	if m.Colors() == launchpad.RedGreen {
		r, g := (int(l.Color.R)+42)/85, (int(l.Color.G)+42)/85 // nearest of 0, 85, 170, 255
		if r > 3 {
			r = 3
		}
		if g > 3 {
			g = 3
		}
		if l.Mode == launchpad.Static || r+g == 0 {
			return launchpadtest.State{R: uint8(r), G: uint8(g)}
		}
		return launchpadtest.State{Mode: launchpad.Flash, R: uint8(r), G: uint8(g)}
	}
	if l.Mode != launchpad.Static {
		if p := launchpad.RGBToPalette(l.Color); p != 0 {
			return launchpadtest.State{Mode: l.Mode, Palette: p}
		}
		return launchpadtest.State{}
	}
	max := 127
	if m.Colors() == launchpad.RGB64 {
		max = 63
	}
	sc := func(c uint8) uint8 { return uint8((int(c)*max + 127) / 255) }
	return launchpadtest.State{R: sc(l.Color.R), G: sc(l.Color.G), B: sc(l.Color.B)}
}

func randomFrame(r *rand.Rand, m launchpad.Model, density int) *launchpad.Frame {
	f := launchpad.NewFrame(m)
	for _, b := range m.LEDs() {
		if r.IntN(100) >= density {
			continue
		}
		l := launchpad.Light{Color: launchpad.Color{R: uint8(r.IntN(256)), G: uint8(r.IntN(256)), B: uint8(r.IntN(256))}}
		switch r.IntN(6) {
		case 0:
			l.Mode = launchpad.Flash
		case 1:
			l.Mode = launchpad.Pulse
		case 2:
			l.Color = launchpad.Color{}
		}
		f.Set(b, l)
	}
	return f
}

func check(t *testing.T, m launchpad.Model, d *launchpadtest.Device, f *launchpad.Frame, step string) {
	t.Helper()
	if err := d.Err(); err != nil {
		t.Fatalf("%v %s: protocol errors:\n%v", m, step, err)
	}
	for _, b := range m.LEDs() {
		if got, w := d.State(b), want(m, f.Get(b)); got != w {
			t.Fatalf("%v %s: LED %v shows %+v, want %+v (light %+v)", m, step, b, got, w, f.Get(b))
		}
	}
}

// TestRoundTrip drives a simulated device through random frame sequences
// (sparse and dense changes, replugs) and checks that it always shows the
// frame last encoded.
func TestRoundTrip(t *testing.T) {
	for _, m := range launchpad.Models {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(m)))
			e := launchpad.NewEncoder(m)
			s := launchpadtest.New(m)
			send := func(msgs [][]byte) {
				for _, msg := range msgs {
					if _, err := s.Write(msg); err != nil {
						t.Fatal(err)
					}
				}
			}
			send(launchpad.EnterMessages(m))
			check(t, m, s, launchpad.NewFrame(m), "after enter")
			prev := launchpad.TestPattern(m)
			send(e.Encode(nil, prev))
			check(t, m, s, prev, "full")
			next := launchpad.TestChange(m)
			send(e.Encode(prev, next))
			check(t, m, s, next, "incremental")
			prev = next
			for i := 0; i < 300; i++ {
				var next *launchpad.Frame
				switch i % 3 {
				case 0: // a few LEDs change
					f := *prev
					rf := randomFrame(r, m, 100)
					for k := 0; k < 3; k++ {
						b := m.LEDs()[r.IntN(len(m.LEDs()))]
						f.Set(b, rf.Get(b))
					}
					next = &f
				default:
					next = randomFrame(r, m, 10+r.IntN(91))
				}
				if i%50 == 49 { // replug: state unknown
					s = launchpadtest.New(m)
					send(launchpad.EnterMessages(m))
					send(e.Encode(nil, next))
				} else {
					send(e.Encode(prev, next))
				}
				check(t, m, s, next, "random step")
				prev = next
			}
			send(launchpad.ExitMessages(m))
			if m.Colors() != launchpad.RedGreen { // the red/green reset clears everything anyway
				check(t, m, s, launchpad.NewFrame(m), "after exit")
			}
		})
	}
}
