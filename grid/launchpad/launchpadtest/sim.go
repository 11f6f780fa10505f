package launchpadtest

import (
	"errors"
	"fmt"

	"gridbox/grid/launchpad"
)

// The interpreters below are small readers of the LED messages, one per
// model family, written from protocols.md rather than from the encoder.
// Each keeps what every LED shows as a State.

// State is what one LED shows, in device units.
type State struct {
	Mode    launchpad.Mode
	R, G, B uint8  // static: red/green levels 0–3 (B unused), or RGB in the model's range; a red/green flash keeps its levels here too
	Palette uint8  // an RGB model's flash or pulse: the palette colour
	Bad     string // not "" when the messages left the LED in a state the encoder should never cause, saying which
}

// Light converts s, shown by a device of model m, to a Light: red/green
// levels 0–3 become 0, 85, 170, 255; RGB components are scaled back from
// the model's range; flash and pulse show their palette colour. A Bad state
// is flashing white.
func (s State) Light(m launchpad.Model) launchpad.Light {
	switch {
	case s.Bad != "":
		return launchpad.Light{Color: launchpad.Color{R: 255, G: 255, B: 255}, Mode: launchpad.Flash}
	case m.Colors() == launchpad.RedGreen:
		return launchpad.Light{Color: launchpad.Color{R: 85 * s.R, G: 85 * s.G}, Mode: s.Mode}
	case s.Mode != launchpad.Static:
		return launchpad.Light{Color: launchpad.Palette[s.Palette&0x7F], Mode: s.Mode}
	}
	max := 127
	if m.Colors() == launchpad.RGB64 {
		max = 63
	}
	up := func(c uint8) uint8 { return uint8(min(255, (int(c)*255+max/2)/max)) }
	return launchpad.Light{Color: launchpad.Color{R: up(s.R), G: up(s.G), B: up(s.B)}}
}

// Address returns the channel-1 message that button or light b sends and is
// lit by, as protocols.md §0 and §2 state it (written independently of the
// package's tables): status 90 (note) or B0 (CC) and the note or CC number.
// The logo/side LED is CC 99; it sends nothing. ok is false where m has no
// LED at b.
func Address(m launchpad.Model, b launchpad.Button) (status, num byte, ok bool) {
	if !m.HasLED(b) {
		return 0, 0, false
	}
	const note, cc = 0x90, 0xB0
	switch m {
	case launchpad.Launchpad, launchpad.LaunchpadS, launchpad.LaunchpadMini:
		// §2.1 X-Y layout: 16·row + col, scene column col 8, top row CC 104+x.
		if b.Y == -1 {
			return cc, byte(0x68 + b.X), true
		}
		return note, byte(b.Y<<4 | b.X), true
	case launchpad.LaunchpadMK2:
		// §2.2 Session layout: 10·row + col from the bottom-left, right
		// column col 9, top row CC 104–111.
		if b.Y == -1 {
			return cc, byte(104 + b.X), true
		}
		return note, byte((8-b.Y)*10 + b.X + 1), true
	}
	if b == launchpad.Logo {
		return cc, 99, true
	}
	// §2.3–2.6 Programmer layouts: 10·row + col, row and col 0–9 from the
	// bottom-left; the Pro MK3's two bottom rows are CC 101–108 and 1–8.
	row, col := 8-b.Y, b.X+1
	if m == launchpad.LaunchpadProMK3 && b.Y >= 8 {
		if b.Y == 8 {
			return cc, byte(100 + col), true
		}
		return cc, byte(col), true
	}
	if b.Pad() {
		return note, byte(row*10 + col), true
	}
	return cc, byte(row*10 + col), true
}

type sim interface {
	apply(msg []byte) error // msg is one complete message; not retained
	state(b launchpad.Button) State
}

func newSim(m launchpad.Model) sim {
	switch m {
	case launchpad.Launchpad, launchpad.LaunchpadS, launchpad.LaunchpadMini:
		return newRGSim(m)
	case launchpad.LaunchpadMK2:
		return newMK2Sim()
	case launchpad.LaunchpadPro:
		return newProSim()
	case launchpad.LaunchpadX:
		return newMK3Sim(m, 0x0C)
	case launchpad.LaunchpadMiniMK3:
		return newMK3Sim(m, 0x0D)
	}
	return newMK3Sim(m, 0x0E)
}

// addrs maps a message's note/CC number back to the LED, per Address.
func addrs(m launchpad.Model) (notes, ccs map[byte]launchpad.Button) {
	notes, ccs = map[byte]launchpad.Button{}, map[byte]launchpad.Button{}
	for _, b := range m.LEDs() {
		st, n, _ := Address(m, b)
		if st == 0x90 {
			notes[n] = b
		} else {
			ccs[n] = b
		}
	}
	return notes, ccs
}

// index maps an LED index (note or CC number, as SysEx uses it) to the LED.
func index(m launchpad.Model) map[byte]launchpad.Button {
	idx := map[byte]launchpad.Button{}
	notes, ccs := addrs(m)
	for n, b := range notes {
		idx[n] = b
	}
	for n, b := range ccs {
		idx[n] = b
	}
	return idx
}

// novation checks the SysEx frame and returns its body after the model id.
func novation(id byte, msg []byte) ([]byte, error) {
	if len(msg) < 8 || msg[0] != 0xF0 || msg[1] != 0x00 || msg[2] != 0x20 || msg[3] != 0x29 || msg[4] != 0x02 || msg[5] != id || msg[len(msg)-1] != 0xF7 {
		return nil, fmt.Errorf("not SX%02X", id)
	}
	return msg[6 : len(msg)-1], nil
}

// --- X, Mini MK3, Pro MK3 (protocols.md §2.4–2.6) ---

type mk3Sim struct {
	id    byte
	index map[byte]launchpad.Button
	leds  map[launchpad.Button]State
}

func newMK3Sim(m launchpad.Model, id byte) *mk3Sim {
	return &mk3Sim{id: id, index: index(m), leds: map[launchpad.Button]State{}}
}

func (s *mk3Sim) apply(msg []byte) error {
	body, err := novation(s.id, msg)
	if err != nil {
		return err
	}
	switch body[0] {
	case 0x0E: // mode: LED state survives the switch (§2.6)
		if len(body) != 2 || body[1] > 1 {
			return errors.New("bad mode select")
		}
		return nil
	case 0x03:
	default:
		return errors.New("unexpected command")
	}
	for i := 1; i < len(body); {
		typ := body[i]
		n := map[byte]int{0: 3, 1: 4, 2: 3, 3: 5}[typ]
		if n == 0 || i+n > len(body) {
			return fmt.Errorf("bad spec at %d", i)
		}
		b, ok := s.index[body[i+1]]
		if !ok {
			return fmt.Errorf("spec for index %d, no LED", body[i+1])
		}
		d := body[i+2 : i+n]
		switch typ {
		case 0:
			if d[0] != 0 {
				s.leds[b] = State{Bad: "static palette"}
			} else {
				s.leds[b] = State{}
			}
		case 1: // flash between B (first) and A
			if d[1] != 0 {
				s.leds[b] = State{Bad: "flash against a colour"}
			} else {
				s.leds[b] = State{Mode: launchpad.Flash, Palette: d[0]}
			}
		case 2:
			s.leds[b] = State{Mode: launchpad.Pulse, Palette: d[0]}
		case 3:
			s.leds[b] = State{R: d[0], G: d[1], B: d[2]}
		}
		i += n
	}
	return nil
}

func (s *mk3Sim) state(b launchpad.Button) State { return s.leds[b] }

// --- red/green family (§2.1): two buffers, Copy/Clear flags, rapid update ---

type rgSim struct {
	notes, ccs map[byte]launchpad.Button
	buf        [2]map[launchpad.Button][2]uint8 // [display 0, other 1] → red, green
	flash      bool
	cursor     int
}

func newRGSim(m launchpad.Model) *rgSim {
	s := &rgSim{}
	s.notes, s.ccs = addrs(m)
	s.buf = [2]map[launchpad.Button][2]uint8{{}, {}}
	return s
}

// rapid is the rapid-update order, written from §2.1: the 64 pads, the 8
// scene LEDs top to bottom, the 8 top-row LEDs left to right.
func rapid(i int) launchpad.Button {
	switch {
	case i < 64:
		return launchpad.Button{X: i % 8, Y: i / 8}
	case i < 72:
		return launchpad.Button{X: 8, Y: i - 64}
	}
	return launchpad.Button{X: i - 72, Y: -1}
}

func (s *rgSim) write(b launchpad.Button, v byte) {
	rg := [2]uint8{v & 3, v >> 4 & 3}
	s.buf[0][b] = rg
	switch {
	case v&4 != 0: // Copy
		s.buf[1][b] = rg
	case v&8 != 0: // Clear
		s.buf[1][b] = [2]uint8{}
	}
}

func (s *rgSim) apply(msg []byte) error {
	if len(msg) != 3 {
		return errors.New("bad message")
	}
	if msg[0] != 0x92 {
		s.cursor = 0 // any ordinary message ends the rapid stream
	}
	switch {
	case msg[0] == 0xB0 && msg[1] == 0x00:
		switch msg[2] {
		case 0x00:
			s.buf = [2]map[launchpad.Button][2]uint8{{}, {}}
			s.flash = false
		case 0x28:
			s.flash = true
		default:
			return errors.New("unexpected control")
		}
	case msg[0] == 0xB0 && msg[1] == 0x01: // home
	case msg[0] == 0xB0:
		b, ok := s.ccs[msg[1]]
		if !ok {
			return fmt.Errorf("CC %d is no LED", msg[1])
		}
		s.write(b, msg[2])
	case msg[0] == 0x90:
		b, ok := s.notes[msg[1]]
		if !ok {
			return fmt.Errorf("note %d is no LED", msg[1])
		}
		s.write(b, msg[2])
	case msg[0] == 0x92:
		if s.cursor > 78 {
			return errors.New("rapid update past the last LED")
		}
		s.write(rapid(s.cursor), msg[1])
		s.write(rapid(s.cursor+1), msg[2])
		s.cursor += 2
	default:
		return errors.New("unexpected message")
	}
	return nil
}

func (s *rgSim) state(b launchpad.Button) State {
	a, o := s.buf[0][b], s.buf[1][b]
	switch {
	case a == o:
		return State{R: a[0], G: a[1]}
	case s.flash && o == [2]uint8{}:
		return State{Mode: launchpad.Flash, R: a[0], G: a[1]}
	}
	return State{Bad: "buffers differ without flash"}
}

// --- MK2 (§2.2): SysEx statics do not cancel effects here (the doc only
// promises channel 1 does), so the encoder's cancels are tested. ---

type mk2Sim struct {
	notes, ccs map[byte]launchpad.Button
	a          map[launchpad.Button]State // channel-1 / SysEx state
	fx         map[launchpad.Button]State // flash/pulse
}

func newMK2Sim() *mk2Sim {
	s := &mk2Sim{a: map[launchpad.Button]State{}, fx: map[launchpad.Button]State{}}
	s.notes, s.ccs = addrs(launchpad.LaunchpadMK2)
	return s
}

func (s *mk2Sim) apply(msg []byte) error {
	if msg[0] == 0xF0 {
		body, err := novation(0x18, msg)
		if err != nil {
			return err
		}
		switch body[0] {
		case 0x22:
		case 0x0E:
			if len(body) != 2 || body[1] != 0 {
				return errors.New("fill with a colour")
			}
			s.a, s.fx = map[launchpad.Button]State{}, map[launchpad.Button]State{}
		case 0x0B:
			if (len(body)-1)%4 != 0 || len(body) > 1+80*4 {
				return fmt.Errorf("bad 0B length %d", len(body))
			}
			for i := 1; i < len(body); i += 4 {
				b, ok := s.notes[body[i]]
				if !ok {
					b, ok = s.ccs[body[i]]
				}
				if !ok {
					return fmt.Errorf("0B for index %d", body[i])
				}
				s.a[b] = State{R: body[i+1], G: body[i+2], B: body[i+3]}
			}
		default:
			return errors.New("unexpected command")
		}
		return nil
	}
	var b launchpad.Button
	var ok bool
	switch msg[0] & 0xF0 {
	case 0x90:
		b, ok = s.notes[msg[1]]
	case 0xB0:
		b, ok = s.ccs[msg[1]]
	}
	if !ok || len(msg) != 3 {
		return errors.New("bad message")
	}
	switch msg[0] & 0x0F {
	case 0:
		if msg[2] != 0 {
			s.a[b] = State{Bad: "static palette"}
		} else {
			s.a[b] = State{}
		}
		delete(s.fx, b)
	case 1:
		s.fx[b] = State{Mode: launchpad.Flash, Palette: msg[2]}
	case 2:
		s.fx[b] = State{Mode: launchpad.Pulse, Palette: msg[2]}
	default:
		return errors.New("bad channel")
	}
	return nil
}

func (s *mk2Sim) state(b launchpad.Button) State {
	fx, ok := s.fx[b]
	switch {
	case !ok:
		return s.a[b]
	case fx.Mode == launchpad.Flash && s.a[b] != State{}:
		return State{Bad: "flash against a colour"}
	}
	return fx
}

// --- Pro MK1 (§2.3) ---

type proSim struct {
	index map[byte]launchpad.Button
	leds  map[launchpad.Button]State
}

func newProSim() *proSim {
	return &proSim{index: index(launchpad.LaunchpadPro), leds: map[launchpad.Button]State{}}
}

func (s *proSim) apply(msg []byte) error {
	body, err := novation(0x10, msg)
	if err != nil {
		return err
	}
	var bad error
	led := func(i byte) launchpad.Button {
		b, ok := s.index[i]
		if !ok && bad == nil {
			bad = fmt.Errorf("index %d is no LED", i)
		}
		return b
	}
	switch body[0] {
	case 0x21, 0x2C:
	case 0x0E: // all but the side LED
		for _, b := range launchpad.LaunchpadPro.LEDs() {
			if b != launchpad.Logo {
				s.leds[b] = State{}
			}
		}
	case 0x0A:
		if len(body) != 3 {
			return errors.New("bad 0A length")
		}
		s.leds[led(body[1])] = State{}
	case 0x0B:
		if (len(body)-1)%4 != 0 || len(body) > 1+78*4 {
			return fmt.Errorf("bad 0B length %d", len(body))
		}
		for i := 1; i < len(body); i += 4 {
			s.leds[led(body[i])] = State{R: body[i+1], G: body[i+2], B: body[i+3]}
		}
	case 0x0F:
		if len(body) != 2+300 || body[1] != 0 {
			return fmt.Errorf("bad 0F frame, %d bytes", len(body))
		}
		for k := 0; k < 100; k++ {
			rgb := body[2+3*k : 5+3*k]
			b, ok := s.index[byte(k)]
			if !ok || k == 99 {
				if rgb[0]|rgb[1]|rgb[2] != 0 && bad == nil {
					bad = fmt.Errorf("0F slot %d has no LED but colour % X", k, rgb)
				}
				continue
			}
			s.leds[b] = State{R: rgb[0], G: rgb[1], B: rgb[2]}
		}
	case 0x23, 0x28:
		mode := launchpad.Flash
		if body[0] == 0x28 {
			mode = launchpad.Pulse
		}
		if (len(body)-1)%2 != 0 {
			return errors.New("bad effect length")
		}
		for i := 1; i < len(body); i += 2 {
			s.leds[led(body[i])] = State{Mode: mode, Palette: body[i+1]}
		}
	default:
		return errors.New("unexpected command")
	}
	return bad
}

func (s *proSim) state(b launchpad.Button) State { return s.leds[b] }
