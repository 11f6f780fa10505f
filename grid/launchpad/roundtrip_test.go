package launchpad

import (
	"math/rand/v2"
	"testing"
)

// The simulators below are small interpreters of the LED messages, written
// from protocols.md rather than from the encoder. Each reports what every
// LED shows as a shown value; Encode is correct when, after any history,
// the simulator shows what the frame asked for.

// shown is what one LED displays, in device units.
type shown struct {
	mode    Mode
	r, g, b uint8 // static: red/green levels 0–3, or RGB in the model's range
	pal     uint8 // flash/pulse palette colour; for red/green flash, r and g
	bad     string
}

// want is what an LED should show for l on model m.
func want(m Model, l Light) shown {
	if m.Colors() == RedGreen {
		r, g := (int(l.Color.R)+42)/85, (int(l.Color.G)+42)/85 // nearest of 0, 85, 170, 255
		if r > 3 {
			r = 3
		}
		if g > 3 {
			g = 3
		}
		if l.Mode == Static || r+g == 0 {
			return shown{r: uint8(r), g: uint8(g)}
		}
		return shown{mode: Flash, r: uint8(r), g: uint8(g)}
	}
	if l.Mode != Static {
		if p := RGBToPalette(l.Color); p != 0 {
			return shown{mode: l.Mode, pal: p}
		}
		return shown{}
	}
	max := 127
	if m.Colors() == RGB64 {
		max = 63
	}
	sc := func(c uint8) uint8 { return uint8((int(c)*max + 127) / 255) }
	return shown{r: sc(l.Color.R), g: sc(l.Color.G), b: sc(l.Color.B)}
}

type sim interface {
	apply(t *testing.T, msg []byte)
	show(b Button) shown
}

// addr maps a message's note/CC number back to the button, per docAddress.
func addrs(m Model) (notes, ccs map[byte]Button) {
	notes, ccs = map[byte]Button{}, map[byte]Button{}
	for _, b := range m.Buttons() {
		st, n := docAddress(m, b)
		if st == 0x90 {
			notes[n] = b
		} else {
			ccs[n] = b
		}
	}
	if m.HasLED(Logo) {
		ccs[99] = Logo
	}
	return notes, ccs
}

// novation checks the SysEx frame and returns its body after the model id.
func novation(t *testing.T, id byte, msg []byte) []byte {
	t.Helper()
	if len(msg) < 8 || msg[0] != 0xF0 || msg[1] != 0x00 || msg[2] != 0x20 || msg[3] != 0x29 || msg[4] != 0x02 || msg[5] != id || msg[len(msg)-1] != 0xF7 {
		t.Fatalf("not SX%02X: % X", id, msg)
	}
	body := msg[6 : len(msg)-1]
	for _, c := range body {
		if c > 0x7F {
			t.Fatalf("status byte inside SysEx: % X", msg)
		}
	}
	return body
}

// --- X, Mini MK3, Pro MK3 (protocols.md §2.4–2.6) ---

type mk3Sim struct {
	m     Model
	id    byte
	index map[byte]Button
	leds  map[Button]shown
}

func newMK3Sim(m Model, id byte) *mk3Sim {
	s := &mk3Sim{m: m, id: id, index: map[byte]Button{}, leds: map[Button]shown{}}
	notes, ccs := addrs(m)
	for n, b := range notes {
		s.index[n] = b
	}
	for n, b := range ccs {
		s.index[n] = b
	}
	return s
}

func (s *mk3Sim) apply(t *testing.T, msg []byte) {
	body := novation(t, s.id, msg)
	switch body[0] {
	case 0x0E: // mode
		return
	case 0x03:
	default:
		t.Fatalf("unexpected command % X", msg)
	}
	for i := 1; i < len(body); {
		typ := body[i]
		n := map[byte]int{0: 3, 1: 4, 2: 3, 3: 5}[typ]
		if n == 0 || i+n > len(body) {
			t.Fatalf("bad spec at %d: % X", i, body)
		}
		b, ok := s.index[body[i+1]]
		if !ok {
			t.Fatalf("spec for index %d, no LED", body[i+1])
		}
		d := body[i+2 : i+n]
		switch typ {
		case 0:
			if d[0] != 0 {
				s.leds[b] = shown{bad: "static palette"}
			} else {
				s.leds[b] = shown{}
			}
		case 1: // flash between B (first) and A
			if d[1] != 0 {
				s.leds[b] = shown{bad: "flash against a colour"}
			} else {
				s.leds[b] = shown{mode: Flash, pal: d[0]}
			}
		case 2:
			s.leds[b] = shown{mode: Pulse, pal: d[0]}
		case 3:
			s.leds[b] = shown{r: d[0], g: d[1], b: d[2]}
		}
		i += n
	}
}

func (s *mk3Sim) show(b Button) shown { return s.leds[b] }

// --- red/green family (§2.1): two buffers, Copy/Clear flags, rapid update ---

type rgSim struct {
	notes, ccs map[byte]Button
	buf        [2]map[Button][2]uint8 // [display 0, other 1] → red, green
	flash      bool
	cursor     int
}

func newRGSim() *rgSim {
	s := &rgSim{}
	s.notes, s.ccs = addrs(Launchpad)
	s.buf = [2]map[Button][2]uint8{{}, {}}
	return s
}

// simRapid is the rapid-update order, written from §2.1.
func simRapid(i int) Button {
	switch {
	case i < 64:
		return Button{i % 8, i / 8}
	case i < 72:
		return Button{8, i - 64}
	}
	return Button{i - 72, -1}
}

func (s *rgSim) write(b Button, v byte) {
	rg := [2]uint8{v & 3, v >> 4 & 3}
	s.buf[0][b] = rg
	switch {
	case v&4 != 0: // Copy
		s.buf[1][b] = rg
	case v&8 != 0: // Clear
		s.buf[1][b] = [2]uint8{}
	}
}

func (s *rgSim) apply(t *testing.T, msg []byte) {
	if len(msg) != 3 {
		t.Fatalf("bad message % X", msg)
	}
	if msg[0] != 0x92 {
		s.cursor = 0 // any ordinary message ends the rapid stream
	}
	switch {
	case msg[0] == 0xB0 && msg[1] == 0x00:
		switch msg[2] {
		case 0x00:
			s.buf = [2]map[Button][2]uint8{{}, {}}
			s.flash = false
		case 0x28:
			s.flash = true
		default:
			t.Fatalf("unexpected control % X", msg)
		}
	case msg[0] == 0xB0 && msg[1] == 0x01: // home
	case msg[0] == 0xB0:
		s.write(s.ccs[msg[1]], msg[2])
	case msg[0] == 0x90:
		b, ok := s.notes[msg[1]]
		if !ok {
			t.Fatalf("note %d is no LED", msg[1])
		}
		s.write(b, msg[2])
	case msg[0] == 0x92:
		if s.cursor > 78 {
			t.Fatalf("rapid update past the last LED")
		}
		s.write(simRapid(s.cursor), msg[1])
		s.write(simRapid(s.cursor+1), msg[2])
		s.cursor += 2
	default:
		t.Fatalf("unexpected message % X", msg)
	}
}

func (s *rgSim) show(b Button) shown {
	a, o := s.buf[0][b], s.buf[1][b]
	switch {
	case a == o:
		return shown{r: a[0], g: a[1]}
	case s.flash && o == [2]uint8{}:
		return shown{mode: Flash, r: a[0], g: a[1]}
	}
	return shown{bad: "buffers differ without flash"}
}

// --- MK2 (§2.2): SysEx statics do not cancel effects here (the doc only
// promises channel 1 does), so the encoder's cancels are tested. ---

type mk2Sim struct {
	notes, ccs map[byte]Button
	a          map[Button]shown // channel-1 / SysEx state
	fx         map[Button]shown // flash/pulse
}

func newMK2Sim() *mk2Sim {
	s := &mk2Sim{a: map[Button]shown{}, fx: map[Button]shown{}}
	s.notes, s.ccs = addrs(LaunchpadMK2)
	return s
}

func (s *mk2Sim) apply(t *testing.T, msg []byte) {
	if msg[0] == 0xF0 {
		body := novation(t, 0x18, msg)
		switch body[0] {
		case 0x22:
		case 0x0E:
			if body[1] != 0 {
				t.Fatalf("fill with a colour")
			}
			s.a, s.fx = map[Button]shown{}, map[Button]shown{}
		case 0x0B:
			if (len(body)-1)%4 != 0 || len(body) > 1+80*4 {
				t.Fatalf("bad 0B length %d", len(body))
			}
			for i := 1; i < len(body); i += 4 {
				b, ok := s.notes[body[i]]
				if !ok {
					b, ok = s.ccs[body[i]]
				}
				if !ok {
					t.Fatalf("0B for index %d", body[i])
				}
				s.a[b] = shown{r: body[i+1], g: body[i+2], b: body[i+3]}
			}
		default:
			t.Fatalf("unexpected % X", msg)
		}
		return
	}
	var b Button
	var ok bool
	switch msg[0] & 0xF0 {
	case 0x90:
		b, ok = s.notes[msg[1]]
	case 0xB0:
		b, ok = s.ccs[msg[1]]
	}
	if !ok || len(msg) != 3 {
		t.Fatalf("bad message % X", msg)
	}
	switch msg[0] & 0x0F {
	case 0:
		if msg[2] != 0 {
			s.a[b] = shown{bad: "static palette"}
		} else {
			s.a[b] = shown{}
		}
		delete(s.fx, b)
	case 1:
		s.fx[b] = shown{mode: Flash, pal: msg[2]}
	case 2:
		s.fx[b] = shown{mode: Pulse, pal: msg[2]}
	default:
		t.Fatalf("bad channel % X", msg)
	}
}

func (s *mk2Sim) show(b Button) shown {
	fx, ok := s.fx[b]
	switch {
	case !ok:
		return s.a[b]
	case fx.mode == Flash && s.a[b] != shown{}:
		return shown{bad: "flash against a colour"}
	}
	return fx
}

// --- Pro MK1 (§2.3) ---

type proSim struct {
	index map[byte]Button
	leds  map[Button]shown
}

func newProSim() *proSim {
	s := &proSim{index: map[byte]Button{}, leds: map[Button]shown{}}
	notes, ccs := addrs(LaunchpadPro)
	for n, b := range notes {
		s.index[n] = b
	}
	for n, b := range ccs {
		s.index[n] = b
	}
	return s
}

func (s *proSim) apply(t *testing.T, msg []byte) {
	body := novation(t, 0x10, msg)
	led := func(i byte) Button {
		b, ok := s.index[i]
		if !ok {
			t.Fatalf("index %d is no LED: % X", i, msg)
		}
		return b
	}
	switch body[0] {
	case 0x21, 0x2C:
	case 0x0E: // all but the side LED
		for _, b := range LaunchpadPro.LEDs() {
			if b != Logo {
				s.leds[b] = shown{}
			}
		}
	case 0x0A:
		s.leds[led(body[1])] = shown{}
	case 0x0B:
		if (len(body)-1)%4 != 0 || len(body) > 1+78*4 {
			t.Fatalf("bad 0B length %d", len(body))
		}
		for i := 1; i < len(body); i += 4 {
			s.leds[led(body[i])] = shown{r: body[i+1], g: body[i+2], b: body[i+3]}
		}
	case 0x0F:
		if body[1] != 0 || len(body) != 2+300 {
			t.Fatalf("bad 0F frame, %d bytes", len(body))
		}
		for k := 0; k < 100; k++ {
			rgb := body[2+3*k : 5+3*k]
			b, ok := s.index[byte(k)]
			if !ok || k == 99 {
				if rgb[0]|rgb[1]|rgb[2] != 0 {
					t.Errorf("0F slot %d has no LED but colour % X", k, rgb)
				}
				continue
			}
			s.leds[b] = shown{r: rgb[0], g: rgb[1], b: rgb[2]}
		}
	case 0x23, 0x28:
		mode := Flash
		if body[0] == 0x28 {
			mode = Pulse
		}
		if (len(body)-1)%2 != 0 {
			t.Fatalf("bad effect length")
		}
		for i := 1; i < len(body); i += 2 {
			s.leds[led(body[i])] = shown{mode: mode, pal: body[i+1]}
		}
	default:
		t.Fatalf("unexpected % X", msg)
	}
}

func (s *proSim) show(b Button) shown { return s.leds[b] }

func newSim(m Model) sim {
	switch m {
	case Launchpad, LaunchpadS, LaunchpadMini:
		return newRGSim()
	case LaunchpadMK2:
		return newMK2Sim()
	case LaunchpadPro:
		return newProSim()
	case LaunchpadX:
		return newMK3Sim(m, 0x0C)
	case LaunchpadMiniMK3:
		return newMK3Sim(m, 0x0D)
	}
	return newMK3Sim(m, 0x0E)
}

func randomFrame(r *rand.Rand, m Model, density int) *Frame {
	f := NewFrame(m)
	for _, b := range m.LEDs() {
		if r.IntN(100) >= density {
			continue
		}
		l := Light{Color: Color{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256))}}
		switch r.IntN(6) {
		case 0:
			l.Mode = Flash
		case 1:
			l.Mode = Pulse
		case 2:
			l.Color = Color{}
		}
		f.Set(b, l)
	}
	return f
}

func check(t *testing.T, m Model, s sim, f *Frame, step string) {
	t.Helper()
	for _, b := range m.LEDs() {
		if got, w := s.show(b), want(m, f.Get(b)); got != w {
			t.Fatalf("%v %s: LED %v shows %+v, want %+v (light %+v)", m, step, b, got, w, f.Get(b))
		}
	}
}

// TestRoundTrip drives a simulated device through random frame sequences
// (sparse and dense changes, replugs) and checks that it always shows the
// frame last encoded.
func TestRoundTrip(t *testing.T) {
	for _, m := range Models {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(m)))
			e := NewEncoder(m)
			s := newSim(m)
			send := func(msgs [][]byte) {
				for _, msg := range msgs {
					s.apply(t, msg)
				}
			}
			send(EnterMessages(m))
			check(t, m, s, NewFrame(m), "after enter")
			prev := testPattern(m)
			send(e.Encode(nil, prev))
			check(t, m, s, prev, "full")
			next := testChange(m)
			send(e.Encode(prev, next))
			check(t, m, s, next, "incremental")
			prev = next
			for i := 0; i < 300; i++ {
				var next *Frame
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
					s = newSim(m)
					send(EnterMessages(m))
					send(e.Encode(nil, next))
				} else {
					send(e.Encode(prev, next))
				}
				check(t, m, s, next, "random step")
				prev = next
			}
			send(ExitMessages(m))
			if m.Colors() != RedGreen { // the red/green reset clears everything anyway
				check(t, m, s, NewFrame(m), "after exit")
			}
		})
	}
}
