package launchpad

// An Encoder turns LED frames into the MIDI messages of one model. It has no
// state of its own: the caller keeps the frame it last sent and passes it as
// prev. It is safe for concurrent use; in gridbox the LED goroutine owns it.
type Encoder struct {
	m  Model
	in *modelInfo
}

// NewEncoder returns an Encoder for m. It panics if m is not a valid Model
// (a programmer error).
func NewEncoder(m Model) *Encoder {
	in := m.info()
	if in == nil {
		panic("launchpad: NewEncoder: invalid model " + m.String())
	}
	return &Encoder{m: m, in: in}
}

// Model returns the encoder's model.
func (e *Encoder) Model() Model { return e.m }

// Encode returns the messages that turn the device from showing prev into
// showing next, each a complete MIDI message to send in order, sending only
// the LEDs whose device-level value changed (colours are compared after
// conversion to what the model can show). A nil prev means the device state
// is unknown (after a replug): every LED is sent. A nil next is an all-off
// frame. Positions the encoder's model lacks are ignored. The returned
// slices are fresh; the caller owns them.
//
// Per model (protocols.md §2.7, "one SysEx per frame"):
//   - red/green: 90/B0 velocity bytes 16·G+R+flags (flags 0C, or 08 for a
//     flashing LED in the double-buffer flash mode B0 00 28), or the rapid
//     update stream 92 v1 v2 from the top-left when that is shorter; Pulse
//     is shown as Flash; nil prev first re-sends B0 00 28;
//   - MK2: one SX18(0B led r g b…) RGB 0–63 SysEx for static LEDs; flash is
//     a channel-1 off then a channel-2 palette colour, pulse a channel-3
//     palette colour; nil prev first sends SX18(0E 00), clear all;
//   - Pro MK1: one SX10(0B led r g b…) RGB 0–63, or the whole-surface
//     SX10(0F 00 …) frame when more than 78 statics changed (then the side
//     LED goes by 0B and every flashing/pulsing LED is re-sent); flash and
//     pulse by SX10(23 led c…) and SX10(28 led c…) palette SysEx, because
//     channels 2/3 do not flash in the Programmer layout;
//   - X, Mini MK3, Pro MK3: one SX(03 …) of specs: 00 idx 00 for off,
//     03 idx r g b (RGB 0–127) for static, 01 idx c 00 for flash (colour c
//     and off), 02 idx c for pulse.
func (e *Encoder) Encode(prev, next *Frame) [][]byte {
	if next == nil {
		next = &Frame{model: e.m}
	}
	switch e.in.fam {
	case famRG:
		return e.encodeRG(prev, next)
	case famMK2:
		return e.encodeMK2(prev, next)
	case famPro:
		return e.encodePro(prev, next)
	default:
		return e.encodeMK3(prev, next)
	}
}

// sx builds the Novation SysEx F0 00 20 29 02 <id> body F7.
func sx(id byte, body ...byte) []byte {
	msg := make([]byte, 0, len(body)+7)
	msg = append(msg, 0xF0, 0x00, 0x20, 0x29, 0x02, id)
	msg = append(msg, body...)
	return append(msg, 0xF7)
}

// RedGreenVelocity is the velocity byte that shows l on the red/green models:
// 16·G + R + flags with G and R the nearest levels 0–3 (blue is dropped);
// flags are Copy+Clear (0C) for a steady LED and Clear only (08) for a
// flashing one, which in the B0 00 28 flash mode blinks (protocols.md §2.1).
func RedGreenVelocity(l Light) byte {
	r, g := rgLevels(l.Color)
	flags := byte(0x0C)
	if l.Mode != Static && r|g != 0 {
		flags = 0x08
	}
	return 16*g + r + flags
}

// rapidOrder is the LED order of the red/green rapid update (92 v1 v2): the
// 64 pads left→right, top→bottom, the 8 scene LEDs top→bottom, then the 8
// top-row LEDs left→right (protocols.md §2.1).
var rapidOrder = func() []Button {
	var o []Button
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			o = append(o, Button{x, y})
		}
	}
	for y := 0; y < 8; y++ {
		o = append(o, Button{8, y})
	}
	for x := 0; x < 8; x++ {
		o = append(o, Button{x, -1})
	}
	return o
}()

func (e *Encoder) encodeRG(prev, next *Frame) [][]byte {
	var out [][]byte
	var vels [80]byte
	count, last := 0, -1
	for i, b := range rapidOrder {
		vels[i] = RedGreenVelocity(next.Get(b))
		if prev == nil || RedGreenVelocity(prev.Get(b)) != vels[i] {
			count, last = count+1, i
		}
	}
	if prev == nil {
		out = append(out, []byte{0xB0, 0x00, 0x28}) // automatic flash on
	}
	if count == 0 {
		return out
	}
	// The rapid stream always starts at the first LED, so it costs one
	// message per two LEDs up to the last changed one, plus the B0 01 00
	// that homes the cursor (launchpad.py) [code].
	if rapid := 1 + (last+2)/2; rapid < count {
		out = append(out, []byte{0xB0, 0x01, 0x00})
		for i := 0; i <= last; i += 2 {
			out = append(out, []byte{0x92, vels[i], vels[i+1]})
		}
		return out
	}
	for i, b := range rapidOrder {
		if prev != nil && RedGreenVelocity(prev.Get(b)) == vels[i] {
			continue
		}
		out = append(out, e.chanMsg(0, b, vels[i]))
	}
	return out
}

// chanMsg is a note-on or CC on MIDI channel ch+1 addressing b.
func (e *Encoder) chanMsg(ch byte, b Button, v byte) []byte {
	s, _ := slot(b)
	status := 0x90 | ch
	if e.in.isCC[s] {
		status = 0xB0 | ch
	}
	return []byte{status, e.in.idx[s], v}
}

// rgbLight is a light as an RGB model shows it: static with components
// scaled to the model's range, or flash/pulse with a palette index. A
// flash/pulse of palette 0 (black) is static off.
type rgbLight struct {
	mode    Mode
	r, g, b uint8 // static
	pal     uint8 // flash, pulse
}

func (e *Encoder) rgb(l Light) rgbLight {
	if l.Mode == Flash || l.Mode == Pulse {
		if p := RGBToPalette(l.Color); p != 0 {
			return rgbLight{mode: l.Mode, pal: p}
		}
		return rgbLight{}
	}
	max := 63
	if e.in.colors == RGB128 {
		max = 127
	}
	return rgbLight{r: scale(l.Color.R, max), g: scale(l.Color.G, max), b: scale(l.Color.B, max)}
}

func (q rgbLight) off() bool { return q == rgbLight{} }

func (e *Encoder) encodeMK2(prev, next *Frame) [][]byte {
	var out, cancels, effects [][]byte
	var statics []byte
	for _, b := range e.in.leds {
		n := e.rgb(next.Get(b))
		var p rgbLight // after SX18(0E 00) everything is off
		if prev != nil {
			p = e.rgb(prev.Get(b))
			if p == n {
				continue
			}
		}
		s, _ := slot(b)
		switch n.mode {
		case Static:
			if p.mode != Static {
				// The doc only promises that channel 1 stops an effect.
				cancels = append(cancels, e.chanMsg(0, b, 0))
				if n.off() {
					continue
				}
			} else if n.off() && prev == nil {
				continue
			}
			statics = append(statics, e.in.idx[s], n.r, n.g, n.b)
		case Flash:
			// Channel 2 alternates between the channel-1 colour and its
			// own: set channel 1 to off first.
			if !p.off() {
				cancels = append(cancels, e.chanMsg(0, b, 0))
			}
			effects = append(effects, e.chanMsg(1, b, n.pal))
		case Pulse:
			if p.mode == Flash {
				cancels = append(cancels, e.chanMsg(0, b, 0))
			}
			effects = append(effects, e.chanMsg(2, b, n.pal))
		}
	}
	if prev == nil {
		out = append(out, sx(0x18, 0x0E, 0x00))
	}
	out = append(out, cancels...)
	if len(statics) > 0 {
		out = append(out, sx(0x18, append([]byte{0x0B}, statics...)...))
	}
	return append(out, effects...)
}

// proMaxRGB is the most LEDs one SX10(0B …) may set (protocols.md §2.3).
const proMaxRGB = 78

func (e *Encoder) encodePro(prev, next *Frame) [][]byte {
	type change struct {
		b Button
		q rgbLight
	}
	var statics, effects []change
	for _, b := range e.in.leds {
		n := e.rgb(next.Get(b))
		if prev != nil && e.rgb(prev.Get(b)) == n {
			continue
		}
		if n.mode == Static {
			statics = append(statics, change{b, n})
		} else {
			effects = append(effects, change{b, n})
		}
	}
	var out [][]byte
	rgb := []byte{0x0B}
	if len(statics) > proMaxRGB {
		// Whole-surface frame: slot k of the 10×10 is LED index k, bottom-left
		// first. It cannot set the side LED (99), and it overwrites flashing
		// LEDs, so every effect is sent again below.
		body := make([]byte, 2, 2+300)
		body[0], body[1] = 0x0F, 0x00
		var grid [100]rgbLight
		effects = effects[:0]
		for _, b := range e.in.leds {
			s, _ := slot(b)
			q := e.rgb(next.Get(b))
			switch {
			case q.mode != Static:
				effects = append(effects, change{b, q})
			case b == Logo:
				if prev == nil || e.rgb(prev.Get(b)) != q {
					rgb = append(rgb, e.in.idx[s], q.r, q.g, q.b)
				}
			default:
				grid[e.in.idx[s]] = q
			}
		}
		for _, q := range grid {
			body = append(body, q.r, q.g, q.b)
		}
		out = append(out, sx(0x10, body...))
	} else {
		for _, c := range statics {
			s, _ := slot(c.b)
			rgb = append(rgb, e.in.idx[s], c.q.r, c.q.g, c.q.b)
		}
	}
	if len(rgb) > 1 {
		out = append(out, sx(0x10, rgb...))
	}
	flash, pulse := []byte{0x23}, []byte{0x28}
	for _, c := range effects {
		s, _ := slot(c.b)
		if c.q.mode == Flash {
			flash = append(flash, e.in.idx[s], c.q.pal)
		} else {
			pulse = append(pulse, e.in.idx[s], c.q.pal)
		}
	}
	if len(flash) > 1 {
		out = append(out, sx(0x10, flash...))
	}
	if len(pulse) > 1 {
		out = append(out, sx(0x10, pulse...))
	}
	return out
}

func (e *Encoder) encodeMK3(prev, next *Frame) [][]byte {
	var out [][]byte
	body := []byte{0x03}
	specs := 0
	for _, b := range e.in.leds {
		n := e.rgb(next.Get(b))
		if prev != nil && e.rgb(prev.Get(b)) == n {
			continue
		}
		s, _ := slot(b)
		idx := e.in.idx[s]
		switch {
		case n.off():
			body = append(body, 0x00, idx, 0x00)
		case n.mode == Static:
			body = append(body, 0x03, idx, n.r, n.g, n.b)
		case n.mode == Flash:
			body = append(body, 0x01, idx, n.pal, 0x00) // colour B first, then A = off
		default:
			body = append(body, 0x02, idx, n.pal)
		}
		if specs++; specs == e.in.specMax {
			out = append(out, sx(e.in.sysexID, body...))
			body, specs = []byte{0x03}, 0
		}
	}
	if specs > 0 {
		out = append(out, sx(e.in.sysexID, body...))
	}
	return out
}
