package monome_test

import (
	"fmt"

	"gridbox/grid/monome"
)

// This file is a test-only model of a grid's LED side: it splits host →
// device bytes into messages and applies them to its own LED state, so tests
// can check that what the encoder sends makes the grid show the frame.

// mextOut gives the payload length of each host → device mext message
// (libmonome src/proto/mext.h outgoing_payload_lengths), -1 if unknown.
var mextOut = func() (t [256]int) {
	for i := range t {
		t[i] = -1
	}
	for _, h := range []byte{0x00, 0x01, 0x03, 0x05, 0x07, 0x0F, 0x12, 0x13} {
		t[h] = 0
	}
	t[0x02] = 32
	t[0x04] = 3
	t[0x06] = 2
	t[0x08] = 2
	t[0x10], t[0x11] = 2, 2
	t[0x14] = 10
	t[0x15], t[0x16] = 3, 3
	t[0x17] = 1
	t[0x18] = 3
	t[0x19] = 1
	t[0x1A] = 34
	t[0x1B], t[0x1C] = 6, 6
	return t
}()

// seriesOutLen returns the payload length of a host → device series message.
func seriesOutLen(h byte) int {
	switch h >> 4 {
	case 0x2, 0x3, 0x4, 0x5:
		return 1
	case 0x6, 0x7:
		return 2
	case 0x8:
		return 8
	case 0x9, 0xA, 0xB, 0xC, 0xD:
		return 0
	}
	return -1
}

// messages splits host → device bytes into messages.
func messages(p monome.Protocol, b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		n := mextOut[b[0]]
		if p == monome.Series {
			n = seriesOutLen(b[0])
		}
		if n < 0 {
			return out, fmt.Errorf("unknown %v header %02X", p, b[0])
		}
		if len(b) < 1+n {
			return out, fmt.Errorf("truncated %v message % X", p, b)
		}
		out = append(out, b[:1+n])
		b = b[1+n:]
	}
	return out, nil
}

// modelGrid is a grid's LED state: the level of every possible key. A series
// or mono grid stores 15 for on and 0 for off.
type modelGrid struct {
	proto monome.Protocol
	led   [256][256]uint8 // [x][y]
}

func (g *modelGrid) set(x, y int, l uint8) {
	if x >= 0 && y >= 0 && x < 256 && y < 256 {
		g.led[x][y] = l
	}
}

func onOff(on bool) uint8 {
	if on {
		return 15
	}
	return 0
}

// apply applies host → device bytes to the LED state.
func (g *modelGrid) apply(b []byte) error {
	msgs, err := messages(g.proto, b)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		d := m[1:]
		if g.proto == monome.Series {
			g.applySeries(m[0], d)
			continue
		}
		switch m[0] {
		case 0x10, 0x11:
			g.set(int(d[0]), int(d[1]), onOff(m[0] == 0x11))
		case 0x12, 0x13, 0x19:
			l := onOff(m[0] == 0x13)
			if m[0] == 0x19 {
				l = d[0] & 0x0F
			}
			for x := range 256 {
				for y := range 256 {
					g.led[x][y] = l
				}
			}
		case 0x14: // on/off map; x, y floored to multiples of 8
			x0, y0 := int(d[0])&^7, int(d[1])&^7
			for r := range 8 {
				for c := range 8 {
					g.set(x0+c, y0+r, onOff(d[2+r]&(1<<c) != 0))
				}
			}
		case 0x15, 0x16:
			x0, y0 := int(d[0]), int(d[1])
			for i := range 8 {
				if m[0] == 0x15 {
					g.set(x0&^7+i, y0, onOff(d[2]&(1<<i) != 0))
				} else {
					g.set(x0, y0&^7+i, onOff(d[2]&(1<<i) != 0))
				}
			}
		case 0x18:
			g.set(int(d[0]), int(d[1]), d[2]&0x0F)
		case 0x1A: // level map, first LED in the high nibble
			x0, y0 := int(d[0])&^7, int(d[1])&^7
			for i := range 64 {
				b := d[2+i/2]
				l := b >> 4
				if i%2 == 1 {
					l = b & 0x0F
				}
				g.set(x0+i%8, y0+i/8, l)
			}
		case 0x1B, 0x1C:
			x0, y0 := int(d[0]), int(d[1])
			for i := range 8 {
				b := d[2+i/2]
				l := b >> 4
				if i%2 == 1 {
					l = b & 0x0F
				}
				if m[0] == 0x1B {
					g.set(x0&^7+i, y0, l)
				} else {
					g.set(x0, y0&^7+i, l)
				}
			}
		}
	}
	return nil
}

func (g *modelGrid) applySeries(h byte, d []byte) {
	switch h >> 4 {
	case 0x2, 0x3:
		g.set(int(d[0]>>4), int(d[0]&0x0F), onOff(h>>4 == 0x2))
	case 0x8:
		q := int(h & 0x03)
		x0, y0 := 8*(q%2), 8*(q/2)
		for r := range 8 {
			for c := range 8 {
				g.set(x0+c, y0+r, onOff(d[r]&(1<<c) != 0))
			}
		}
	case 0x9:
		l := onOff(h&1 == 1)
		for x := range 16 {
			for y := range 16 {
				g.led[x][y] = l
			}
		}
	}
}
