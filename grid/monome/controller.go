package monome

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"time"

	"gridbox/grid"
)

// ErrGone is returned by Flush once the grid has gone away (an unplug, a
// read error, a phantom-key flood) and before Close: reopen the device.
var ErrGone = errors.New("monome: grid gone")

// Timing of the driver.
const (
	// PadsBuffer is the capacity of the Pads channel.
	PadsBuffer = 256
	// FlashPeriod is one on/off cycle of a grid.Flash light: 2 Hz, on for
	// the first half. Not yet tied to the musical tempo (see Controller).
	FlashPeriod = 500 * time.Millisecond
	// PulsePeriod is one breath of a grid.Pulse light: dim, full, dim.
	PulsePeriod = time.Second

	// releaseWait bounds how long the reader waits for room in a full Pads
	// channel to deliver a release (a lost release is a stuck note); a
	// press is dropped at once.
	releaseWait = 100 * time.Millisecond
	// readSize is the reader's buffer: large enough that a norns#539 flood
	// arrives in chunks the Filter recognises.
	readSize = 1024
	// maxEmptyReads ends the reader after this many (0, nil) reads in a
	// row, as bufio does with io.ErrNoProgress.
	maxEmptyReads = 100
)

// Config is how Open talks to a grid. The zero value is a 16-level mext grid
// on the real clock.
type Config struct {
	// Protocol is the grid's protocol; SerialProtocol tells it from the USB
	// serial. Mext grids are asked their size; Series grids are not.
	Protocol Protocol
	// Cols and Rows are the size of a Series grid (from SerialProtocol),
	// required for Series and ignored for Mext.
	Cols, Rows int
	// ID is a Series grid's serial, returned by Controller.ID; a Mext grid
	// reports its own.
	ID string
	// Brightness is what a Mext grid can show (it cannot say); Series grids
	// are always Mono.
	Brightness Brightness
	// Now is the clock of the handshake and of Flash and Pulse lights; nil
	// means time.Now. Tests pass a fake one.
	Now func() time.Time
	// Interval and Timeout time the mext handshake; zero takes
	// RunHandshake's defaults (250 ms, 1 s).
	Interval, Timeout time.Duration
}

// ControllerStats counts what a Controller's reader has seen.
type ControllerStats struct {
	Parser  Stats       // bytes and messages from the grid
	Filter  FilterStats // keys dropped as phantom, out of range or repeated
	Dropped uint64      // pads dropped because the Pads channel was full
}

// A Controller is a monome grid as a grid.Controller, driven over a serial
// port (a tty in raw mode, or monometest.Grid in tests).
//
//	port ──reader goroutine: Parser.Feed → Filter.Apply──▶ Pads()
//	Set → local lights ──Flush: render, Encoder.Append(shown, next)──▶ one port.Write
//
// Threads: one reader goroutine, started by Open, owns the Parser and the
// Filter and is the only sender on Pads; it ends when the port reports an
// error or EOF (the grid is unplugged, or Close closed the port). Set and
// Flush belong to the LED goroutine; Close may be called from any goroutine.
//
// Lights: a colour becomes a level with LevelOf; on a Mono grid any colour
// but black is on (rule 4). Flash and Pulse are rendered in software at
// Flush time from the Config.Now clock, counted from Open: Flash is on and
// off at 2 Hz (FlashPeriod), Pulse ramps between a quarter of the level
// and the full level every PulsePeriod. Once Beat has been called they
// follow the music instead, one beat standing for FlashPeriod (the periods
// are those of 120 BPM). They change only as often as the LED goroutine
// calls Flush.
type Controller struct {
	port  io.ReadWriteCloser
	info  grid.Info
	id    string
	now   func() time.Time
	start time.Time
	mono  bool
	pads  chan grid.Pad
	gone  chan struct{} // closed by the reader when the grid has gone, before it closes the port and Pads
	done  chan struct{} // closed when the reader has returned

	mu     sync.Mutex // guards base, modes, closed, beat
	base   []uint8    // level of each key's colour, y*cols+x
	modes  []grid.Mode
	closed bool
	beat   float64 // the music's position, from Beat; < 0 before the first call

	wmu   sync.Mutex // guards what is written to the port: enc, next, shown, known, buf
	enc   Encoder
	next  *Frame // what the grid should show
	shown *Frame // what it shows, if known
	known bool   // false before the first Flush and after a write error (rule 5)
	buf   []byte

	closeOnce sync.Once

	statsMu sync.Mutex
	stats   ControllerStats

	// Reader-owned.
	stalled bool   // a release waited in vain: drop at once until a send succeeds
	down    keySet // keys whose press the consumer got, and not yet their release
}

// A keySet is a set of keys (x, y), 0 ≤ x, y < 256; bit y*256+x.
type keySet [256 * 256 / 64]uint64

func (s *keySet) has(k Key) bool { i := k.Y*256 + k.X; return s[i/64]&(1<<(i%64)) != 0 }

func (s *keySet) put(k Key) {
	i := k.Y*256 + k.X
	if k.Down {
		s[i/64] |= 1 << (i % 64)
	} else {
		s[i/64] &^= 1 << (i % 64)
	}
}

// Open starts driving the grid on port, named name (its device path; it
// becomes Info().Port). For a Mext grid it runs the handshake (RunHandshake)
// to learn the size and ID; keys pressed meanwhile are delivered first on
// Pads. It then starts the reader goroutine. Open owns port from then on:
// Close closes it, and so does Open when it fails.
//
// port's Read must block until data arrives (a tty with VMIN = 1, VTIME = 0)
// and must return when port is closed; io.EOF or any error means the grid
// has gone. If port has SetReadDeadline, the handshake uses it.
func Open(port io.ReadWriteCloser, name string, cfg Config) (*Controller, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	p := NewParser(cfg.Protocol)
	var early []Key
	cols, rows, id := cfg.Cols, cfg.Rows, cfg.ID
	switch cfg.Protocol {
	case Mext:
		info, err := RunHandshake(port, p, HandshakeConfig{
			Now: now, Interval: cfg.Interval, Timeout: cfg.Timeout,
			Other: func(e Event) {
				if e.Kind == KindKey {
					early = append(early, e.Key)
				}
			},
		})
		if err != nil {
			port.Close()
			return nil, fmt.Errorf("monome: open %s: %w", name, err)
		}
		cols, rows, id = info.Cols, info.Rows, info.ID
	case Series:
		if cols < 1 || rows < 1 || cols > 16 || rows > 16 {
			port.Close()
			return nil, fmt.Errorf("monome: open %s: series grid size %d×%d: want Config.Cols and Rows in 1..16", name, cols, rows)
		}
	default:
		port.Close()
		return nil, fmt.Errorf("monome: open %s: unknown protocol %v", name, cfg.Protocol)
	}
	c := &Controller{
		port:  port,
		id:    id,
		now:   now,
		start: now(),
		mono:  cfg.Protocol == Series || cfg.Brightness == Mono,
		pads:  make(chan grid.Pad, PadsBuffer),
		gone:  make(chan struct{}),
		done:  make(chan struct{}),
		base:  make([]uint8, cols*rows),
		modes: make([]grid.Mode, cols*rows),
		beat:  -1,
		enc:   Encoder{Protocol: cfg.Protocol, Brightness: cfg.Brightness},
		next:  NewFrame(cols, rows),
		shown: NewFrame(cols, rows),
		buf:   make([]byte, 0, 35*((cols+7)/8)*((rows+7)/8)),
		info: grid.Info{
			Model:   modelName(cols, rows),
			Port:    name,
			Cols:    cols,
			Rows:    rows,
			Buttons: grid.GridButtons(cols, rows),
		},
	}
	f := &Filter{Cols: cols, Rows: rows}
	kept, _ := f.Apply(early)
	for _, k := range kept {
		c.deliver(k)
	}
	go c.read(p, f)
	return c, nil
}

// modelName is "monome-64", "monome-128", "monome-256", or
// "monome-COLSxROWS" for other sizes.
func modelName(cols, rows int) string {
	if m, ok := ModelOf(cols, rows); ok {
		return m.String()
	}
	return fmt.Sprintf("monome-%dx%d", cols, rows)
}

func pad(k Key) grid.Pad {
	p := grid.Pad{Button: grid.Button{X: k.X, Y: k.Y}, Down: k.Down}
	if k.Down {
		p.Velocity = 127
	}
	return p
}

// Info implements grid.Controller: Buttons is the grid, Velocity false.
func (c *Controller) Info() grid.Info {
	in := c.info
	in.Buttons = slices.Clone(in.Buttons)
	return in
}

// ID returns the grid's serial: what a mext grid reported in the handshake
// ("" if it never answered that request), or Config.ID for a series grid.
func (c *Controller) ID() string { return c.id }

// Stats returns the reader's counters.
func (c *Controller) Stats() ControllerStats {
	c.statsMu.Lock()
	defer c.statsMu.Unlock()
	return c.stats
}

// Pads implements grid.Controller. The channel holds PadsBuffer pads; when
// it is full the reader drops a press at once and a release after waiting
// 100 ms for room, and counts it in Stats().Dropped. A release is sent only
// for a press that was. When the grid goes away or on Close, every key whose
// press was sent and whose release was not is released, then Pads is closed
// (rule 2). A read chunk holding a phantom-key flood (norns#539, see Filter)
// counts as the grid going away: its presses are dropped.
func (c *Controller) Pads() <-chan grid.Pad { return c.pads }

// Set implements grid.Controller: it writes the local frame only.
func (c *Controller) Set(b grid.Button, l grid.Light) {
	if b.X < 0 || b.Y < 0 || b.X >= c.info.Cols || b.Y >= c.info.Rows {
		return
	}
	lv := LevelOf(l.Color.R, l.Color.G, l.Color.B)
	if lv > 0 && c.mono {
		lv = 15
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	i := b.Y*c.info.Cols + b.X
	c.base[i], c.modes[i] = lv, l.Mode
}

// Flush implements grid.Controller: it renders the lights at the current
// time into a frame and writes, in one Write, the quads that differ from
// what the grid shows: every quad on the first Flush and after a write
// error, when what the grid shows is unknown (rule 5). It returns
// grid.ErrClosed after Close and ErrGone once the grid has gone.
func (c *Controller) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return grid.ErrClosed
	}
	t := c.now().Sub(c.start)
	if c.beat >= 0 {
		t = time.Duration(c.beat * float64(FlashPeriod))
	}
	c.render(t)
	c.mu.Unlock()
	if c.isGone() {
		return fmt.Errorf("monome: %s: %w", c.info.Port, ErrGone)
	}
	var prev *Frame
	if c.known {
		prev = c.shown
	}
	c.buf = c.enc.Append(c.buf[:0], prev, c.next)
	if len(c.buf) == 0 {
		return nil
	}
	if _, err := c.port.Write(c.buf); err != nil {
		c.known = false
		if c.isGone() { // the reader closed the port under us
			return fmt.Errorf("monome: %s: %w", c.info.Port, ErrGone)
		}
		return fmt.Errorf("monome: %s: write: %w", c.info.Port, err)
	}
	c.shown.CopyFrom(c.next)
	c.known = true
	return nil
}

// Beat implements grid.Follower: from now on Flash and Pulse lights take
// their phase from pos, in beats. Call it from the LED goroutine.
func (c *Controller) Beat(pos float64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return grid.ErrClosed
	}
	c.beat = max(pos, 0)
	return nil
}

// render fills c.next with the lights as they look t after Open; call with
// c.mu and c.wmu held.
func (c *Controller) render(t time.Duration) {
	t = max(t, 0)
	flashOn := t%FlashPeriod < FlashPeriod/2
	ph := float64(t%PulsePeriod) / float64(PulsePeriod) // 0..1
	w := 0.25 + 0.75*(1-math.Abs(2*ph-1))               // 0.25 → 1 → 0.25
	cols := c.info.Cols
	for i, lv := range c.base {
		switch c.modes[i] {
		case grid.Flash:
			if !flashOn {
				lv = 0
			}
		case grid.Pulse:
			if lv > 0 {
				lv = max(1, uint8(math.Round(float64(lv)*w)))
			}
		}
		c.next.Set(i%cols, i/cols, lv)
	}
}

// Close implements grid.Controller: it turns every LED off (mext 12,
// series 90), closes the port, which ends the reader, and waits for the
// reader to release held keys and close Pads. A second Close returns nil.
func (c *Controller) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()

	var err error
	c.wmu.Lock()
	if !c.isGone() { // else there is nothing to clear
		if c.enc.Protocol == Series {
			c.buf = AppendSeriesClear(c.buf[:0], false)
		} else {
			c.buf = AppendAllOff(c.buf[:0])
		}
		if _, werr := c.port.Write(c.buf); werr != nil {
			err = fmt.Errorf("monome: %s: clear: %w", c.info.Port, werr)
		}
	}
	c.wmu.Unlock()
	if cerr := c.closePort(); cerr != nil && err == nil {
		err = fmt.Errorf("monome: %s: close: %w", c.info.Port, cerr)
	}
	<-c.done
	return err
}

// closePort closes the port once; only the first caller gets its error.
func (c *Controller) closePort() (err error) {
	c.closeOnce.Do(func() { err = c.port.Close() })
	return err
}

// read is the reader goroutine: bytes → Parser → Filter → Pads, until the
// grid goes away. A chunk that holds a flood (norns#539) is taken as the
// grid going away: its presses are dropped, and nothing after it is read.
// Then every held key is released and Pads closed (rule 2).
func (c *Controller) read(p *Parser, f *Filter) {
	defer close(c.done)
	buf := make([]byte, readSize)
	keys := make([]Key, 0, readSize/2)
	emit := func(e Event) {
		if e.Kind == KindKey {
			keys = append(keys, e.Key)
		}
	}
	for empty := 0; empty < maxEmptyReads; {
		n, err := c.port.Read(buf)
		if n > 0 {
			empty = 0
			keys = keys[:0]
			p.Feed(buf[:n], emit)
			kept, flood := f.Apply(keys)
			for _, k := range kept {
				if !flood || !k.Down {
					c.deliver(k)
				}
			}
			c.publish(p, f)
			if flood {
				break
			}
		} else {
			empty++
		}
		if err != nil {
			break
		}
	}
	p.Reset()
	f.Release(func(k Key) { c.deliver(k) })
	for i, w := range c.down { // presses whose release was dropped
		for b := range 64 {
			if w&(1<<b) != 0 {
				c.deliver(Key{X: (i*64 + b) % 256, Y: (i*64 + b) / 256})
			}
		}
	}
	c.publish(p, f)
	close(c.gone)
	c.closePort()
	close(c.pads) // last: once Pads is closed, Flush returns ErrGone and the port is closed
}

// isGone reports whether the reader has seen the grid go away.
func (c *Controller) isGone() bool {
	select {
	case <-c.gone:
		return true
	default:
		return false
	}
}

// deliver sends k on Pads without blocking for long: a press is dropped
// when the channel is full, a release after waiting up to releaseWait (at
// once while the consumer is stalled). Drops are counted. A release whose
// press the consumer never got (dropped, or skipped in a flood) is not sent:
// Pads pairs every release with a press.
func (c *Controller) deliver(k Key) {
	if !k.Down && !c.down.has(k) {
		return
	}
	pd := pad(k)
	select {
	case c.pads <- pd:
		c.stalled = false
		c.down.put(k)
		return
	default:
	}
	if !k.Down && !c.stalled {
		t := time.NewTimer(releaseWait)
		defer t.Stop()
		select {
		case c.pads <- pd:
			c.down.put(k)
			return
		case <-t.C:
			c.stalled = true
		}
	}
	c.statsMu.Lock()
	c.stats.Dropped++
	c.statsMu.Unlock()
}

func (c *Controller) publish(p *Parser, f *Filter) {
	c.statsMu.Lock()
	c.stats.Parser, c.stats.Filter = p.Stats(), f.Stats()
	c.statsMu.Unlock()
}

var _ grid.Controller = (*Controller)(nil)
