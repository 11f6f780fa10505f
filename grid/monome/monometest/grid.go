// Package monometest holds a simulated monome grid for tests: the far end of
// the serial port a monome.Controller talks to. It speaks the real protocol
// bytes in both directions, so a driver tested against it is tested against
// the wire format, not against a Go-level fake.
//
// # Threads
//
// A Grid is safe for concurrent use: the driver's reader goroutine blocks in
// Read while its LED goroutine calls Write and the test presses keys. Its
// lock is private.
package monometest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"gridbox/grid/gridtest"
	"gridbox/grid/monome"
)

// ErrUnplugged is what Write returns after Unplug, as a tty whose device
// has gone returns EIO.
var ErrUnplugged = errors.New("monometest: grid unplugged")

// Config describes a simulated grid.
type Config struct {
	// Protocol is the grid's protocol: Mext (the zero value) answers the
	// handshake; Series grids answer nothing and send two-byte keys.
	Protocol monome.Protocol
	// Cols and Rows are the grid's size, 1..256 (a series grid: up to 16).
	Cols, Rows int
	// ID is the mext 01 reply, padded with spaces to 32 bytes; "" means
	// "m1000285".
	ID string
	// Firmware is the mext 0F reply, padded to 8 bytes.
	Firmware string
	// NoReply makes a mext grid ignore the handshake, like a busy device or
	// one that serialosc owns.
	NoReply bool
	// MaxRead caps the bytes one Read returns (0: no cap), so messages
	// arrive split the way a slow tty splits them.
	MaxRead int
}

// A Grid is a simulated grid on an in-memory, full-duplex serial port. It
// implements io.ReadWriteCloser and SetReadDeadline, like an *os.File for a
// tty. Bytes written to it are decoded as host → device messages and change
// its LEDs; bytes read from it are its replies and key events.
type Grid struct {
	// Wire carries grid → host bytes and the port's life: Read,
	// SetReadDeadline (what monome.RunHandshake uses of an *os.File),
	// Close, Send (raw bytes, for tests of a corrupt stream), Unplug
	// (reads end in io.EOF, writes fail with ErrUnplugged) and Closed.
	*gridtest.Wire
	cfg Config

	mu       sync.Mutex
	partial  []byte // host → device, an incomplete message
	led      *monome.Frame
	writes   int // bytes the host has written
	requests int // handshake requests answered or ignored
	err      error
}

// New returns a simulated grid described by cfg. It panics on a size out of
// range: a programmer error in the test.
func New(cfg Config) *Grid {
	if cfg.ID == "" {
		cfg.ID = "m1000285"
	}
	limit := 256
	if cfg.Protocol == monome.Series {
		limit = 16
	}
	if cfg.Cols < 1 || cfg.Rows < 1 || cfg.Cols > limit || cfg.Rows > limit {
		panic(fmt.Sprintf("monometest: New: %v grid of %d×%d", cfg.Protocol, cfg.Cols, cfg.Rows))
	}
	g := &Grid{Wire: gridtest.NewWire(), cfg: cfg, led: monome.NewFrame(cfg.Cols, cfg.Rows)}
	g.SetMaxRead(cfg.MaxRead)
	return g
}

// NewModel returns a simulated mext grid of model m.
func NewModel(m monome.Model) *Grid {
	c, r := m.Size()
	return New(Config{Cols: c, Rows: r})
}

// Size returns the grid's columns and rows.
func (g *Grid) Size() (cols, rows int) { return g.cfg.Cols, g.cfg.Rows }

// Write takes host → device bytes. Complete messages are applied at once:
// LED messages change what the grid shows, handshake requests queue their
// replies. A message split across writes is applied when its last byte
// arrives. A byte that starts no message of the grid's protocol is dropped
// and recorded for Err.
func (g *Grid) Write(b []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.WriteErr(ErrUnplugged); err != nil {
		return 0, err
	}
	g.writes += len(b)
	g.partial = append(g.partial, b...)
	for len(g.partial) > 0 {
		n := outLen(g.cfg.Protocol, g.partial[0])
		if n < 0 {
			g.fail(fmt.Errorf("monometest: unknown %v header %02X", g.cfg.Protocol, g.partial[0]))
			g.partial = g.partial[1:]
			continue
		}
		if len(g.partial) < 1+n {
			break
		}
		g.apply(g.partial[:1+n])
		g.partial = g.partial[1+n:]
	}
	g.partial = bytes.Clone(g.partial)
	return len(b), nil
}

// send queues grid → host bytes.
func (g *Grid) send(b ...byte) { g.Send(b) }

func (g *Grid) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

// Press makes the grid report key (x, y) going down: 21 x y (mext) or
// 00 xy (series). It does nothing once the grid is unplugged.
func (g *Grid) Press(x, y int) { g.key(x, y, true) }

// Release makes the grid report key (x, y) going up: 20 x y (mext) or
// 10 xy (series).
func (g *Grid) Release(x, y int) { g.key(x, y, false) }

func (g *Grid) key(x, y int, down bool) { g.Send(keyBytes(g.cfg.Protocol, x, y, down)) }

func keyBytes(p monome.Protocol, x, y int, down bool) []byte {
	if p == monome.Series {
		h := byte(0x10)
		if down {
			h = 0x00
		}
		return []byte{h, byte(x&0x0F)<<4 | byte(y&0x0F)}
	}
	h := byte(0x20)
	if down {
		h = 0x21
	}
	return []byte{h, byte(x), byte(y)}
}

// Flood makes the grid send n phantom presses of key (1, 1) in one burst,
// as series grids have been seen to do on unplug (norns#539: 00 11 over and
// over; a mext grid sends 21 01 01).
func (g *Grid) Flood(n int) {
	g.Send(bytes.Repeat(keyBytes(g.cfg.Protocol, 1, 1, true), n))
}

// Level returns the level 0–15 the grid shows at (x, y), 0 off the grid.
// On/off messages show 15 for on.
func (g *Grid) Level(x, y int) uint8 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.led.Level(x, y)
}

// SetLevel makes the grid show level l at (x, y) without a message, as if
// an earlier session had left it there.
func (g *Grid) SetLevel(x, y int, l uint8) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.led.Set(x, y, l)
}

// Shown returns a copy of what the grid shows.
func (g *Grid) Shown() *monome.Frame {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.led.Clone()
}

// Writes returns how many bytes the host has written.
func (g *Grid) Writes() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.writes
}

// Requests returns how many handshake requests (mext 00, 01, 05, 0F) the
// grid has received.
func (g *Grid) Requests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

// Err returns the first protocol error in what the host wrote: a byte that
// starts no message the grid knows. Tests check it is nil.
func (g *Grid) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err == nil && len(g.partial) > 0 {
		return fmt.Errorf("monometest: incomplete %v message % X", g.cfg.Protocol, g.partial)
	}
	return g.err
}

// apply applies one complete host → device message m; call with g.mu held.
func (g *Grid) apply(m []byte) {
	if g.cfg.Protocol == monome.Series {
		g.applySeries(m[0], m[1:])
		return
	}
	d := m[1:]
	switch m[0] {
	case monome.MextQuery, monome.MextGetID, monome.MextGetSize, monome.MextGetFirmware:
		g.requests++
		if !g.cfg.NoReply {
			g.reply(m[0])
		}
	case 0x10, 0x11:
		g.led.Set(int(d[0]), int(d[1]), onOff(m[0] == 0x11))
	case 0x12, 0x13:
		g.led.Fill(onOff(m[0] == 0x13))
	case 0x19:
		g.led.Fill(d[0] & 0x0F)
	case 0x14: // on/off map; x, y floored to multiples of 8
		x0, y0 := int(d[0])&^7, int(d[1])&^7
		for r := range 8 {
			for c := range 8 {
				g.led.Set(x0+c, y0+r, onOff(d[2+r]&(1<<c) != 0))
			}
		}
	case 0x15, 0x16:
		x0, y0 := int(d[0]), int(d[1])
		for i := range 8 {
			if m[0] == 0x15 {
				g.led.Set(x0&^7+i, y0, onOff(d[2]&(1<<i) != 0))
			} else {
				g.led.Set(x0, y0&^7+i, onOff(d[2]&(1<<i) != 0))
			}
		}
	case 0x18:
		g.led.Set(int(d[0]), int(d[1]), d[2]&0x0F)
	case 0x1A: // level map, first LED in the high nibble
		x0, y0 := int(d[0])&^7, int(d[1])&^7
		for i := range 64 {
			g.led.Set(x0+i%8, y0+i/8, nibble(d[2:], i))
		}
	case 0x1B, 0x1C:
		x0, y0 := int(d[0]), int(d[1])
		for i := range 8 {
			if m[0] == 0x1B {
				g.led.Set(x0&^7+i, y0, nibble(d[2:], i))
			} else {
				g.led.Set(x0, y0&^7+i, nibble(d[2:], i))
			}
		}
	}
}

// reply queues the answer to mext system request h, as a grid sends it.
func (g *Grid) reply(h byte) {
	c, r := g.cfg.Cols, g.cfg.Rows
	switch h {
	case monome.MextQuery:
		q := byte(((c + 7) / 8) * ((r + 7) / 8))
		g.send(0x00, byte(monome.SubsystemLEDGrid), q, 0x00, byte(monome.SubsystemKeyGrid), q)
	case monome.MextGetID:
		g.send(append([]byte{0x01}, padded(g.cfg.ID, 32)...)...)
	case monome.MextGetSize:
		g.send(0x03, byte(c), byte(r))
	case monome.MextGetFirmware:
		g.send(append([]byte{0x0F}, padded(g.cfg.Firmware, 8)...)...)
	}
}

func (g *Grid) applySeries(h byte, d []byte) {
	switch h >> 4 {
	case 0x2, 0x3:
		g.led.Set(int(d[0]>>4), int(d[0]&0x0F), onOff(h>>4 == 0x2))
	case 0x8:
		q := int(h & 0x03)
		x0, y0 := 8*(q%2), 8*(q/2)
		for r := range 8 {
			for c := range 8 {
				g.led.Set(x0+c, y0+r, onOff(d[r]&(1<<c) != 0))
			}
		}
	case 0x9:
		g.led.Fill(onOff(h&1 == 1))
	}
}

func nibble(d []byte, i int) uint8 {
	if i%2 == 0 {
		return d[i/2] >> 4
	}
	return d[i/2] & 0x0F
}

func onOff(on bool) uint8 {
	if on {
		return 15
	}
	return 0
}

func padded(s string, n int) []byte {
	b := bytes.Repeat([]byte{' '}, n)
	copy(b, s)
	return b
}
