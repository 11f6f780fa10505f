package launchpad

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"gridbox/grid"
)

// Driver settings.
const (
	// PadsBuffer is the capacity of a Controller's Pads channel.
	PadsBuffer = 256

	// releaseWait bounds how long the reader waits for room in a full Pads
	// channel to deliver a release (a lost release is a stuck note); a
	// press is dropped at once.
	releaseWait = 100 * time.Millisecond
	// readSize is the reader's buffer.
	readSize = 512
	// maxEmptyReads ends the reader after this many (0, nil) reads in a
	// row, as bufio does with io.ErrNoProgress.
	maxEmptyReads = 100
)

// ErrGone is returned by Flush once the device has gone away (a read error
// or EOF: an unplug) and before Close: reopen the device.
var ErrGone = errors.New("launchpad: device gone")

// ControllerStats counts what a Controller's reader has seen.
type ControllerStats struct {
	Parser  Stats  // bytes and messages from the device (clock floods, pressure, junk)
	Dropped uint64 // pads dropped because the Pads channel was full
}

// A Controller is a Launchpad as a grid.Controller, driven over a raw MIDI
// port (an ALSA rawmidi device, or launchpadtest.Device in tests).
//
//	port ──reader goroutine: Parser.Feed → Event → grid.Pad──▶ Pads()
//	Set → local Frame ──Flush: Encoder.Encode(prev, next)──▶ port.Write per message
//
// Threads: one reader goroutine, started by Open, owns the Parser and the
// set of held buttons and is the only sender on Pads; it ends when a read
// fails (io.EOF when the device is unplugged, or because Close closed the
// port). Set and Flush belong to one goroutine, the LED goroutine, and so
// do Beat, ScrollText and StopText: Set writes the local frame without a
// lock, which is safe only because Flush, its one reader, runs on the same
// goroutine. Close may be called from any goroutine; a mutex orders its
// exit messages after any Flush in progress. A second mutex guards the
// scrolling text, which the LED goroutine starts and stops, the reader
// ends when the device reports its end, and a timer ends when it does not.
//
// Coordinates are the package's Buttons as grid.Buttons (the same X and
// Y); the logo/side LED (8, −1) is in Info().Buttons as a light that never
// sends a press. Colours and modes go to the device through the Encoder.
type Controller struct {
	m    Model
	port io.ReadWriteCloser
	enc  *Encoder
	info grid.Info
	pads chan grid.Pad
	gone chan struct{} // closed when the reader's read has failed, before it releases held buttons
	done chan struct{} // closed when the reader has ended, after Pads

	next    Frame        // the LED goroutine's local frame
	closed  atomic.Bool  // set by Close; Set then does nothing
	wmu     sync.Mutex   // orders port writes: guards prev, and closed's transition
	prev    *Frame       // what the device shows; nil when unknown (rule 5)
	tick    int64        // the last Beat in MIDI clock ticks (24 per beat); guarded by wmu
	ticking bool         // Beat has been called
	once    sync.Once    // closes the port
	stats   atomic.Value // ControllerStats, published by the reader

	// Scrolling text, guarded by tmu. The LED goroutine takes tmu while
	// holding wmu; the reader and the text timer take tmu alone.
	tmu       sync.Mutex
	textDone  chan struct{}                   // closed when the text ends; nil when none scrolls
	textTimer *time.Timer                     // ends the text when no report has
	textGen   uint64                          // counts texts, so a late timer ends only its own
	repaint   bool                            // a text ended: the next Flush sends the whole frame
	textSent  bool                            // a text was sent: Close stops it before exiting
	textWait  func(text string) time.Duration // how long a text may scroll before it counts as ended

	// Owned by the reader goroutine.
	reader *Parser
	held   [numSlots]bool // by slot: a press delivered, its release not yet
	stall  bool           // a release waited in vain: drop at once until a send succeeds
	drops  uint64
}

// Open starts driving a Launchpad of model m on port, named name (its ALSA
// port; it becomes Info().Port). It sends EnterMessages, which put the
// device into the mode this package drives, then starts the reader
// goroutine. Open owns port from then on: Close closes it, and so does Open
// when it fails. The device's LEDs are painted by the first Flush, which
// sends the whole frame.
//
// port's Read must block until data arrives and must return when port is
// closed; io.EOF or any error means the device has gone.
func Open(m Model, port io.ReadWriteCloser, name string) (*Controller, error) {
	if !m.Valid() {
		port.Close()
		return nil, fmt.Errorf("launchpad: open %s: invalid model %v", name, m)
	}
	for _, msg := range EnterMessages(m) {
		if _, err := port.Write(msg); err != nil {
			port.Close()
			return nil, fmt.Errorf("launchpad: open %s: %w", name, err)
		}
	}
	leds := m.LEDs()
	bs := make([]grid.Button, len(leds))
	for i, b := range leds {
		bs[i] = grid.Button{X: b.X, Y: b.Y}
	}
	c := &Controller{
		m:    m,
		port: port,
		enc:  NewEncoder(m),
		pads: make(chan grid.Pad, PadsBuffer),
		gone: make(chan struct{}),
		done: make(chan struct{}),
		next: Frame{model: m},
		info: grid.Info{
			Model:    m.String(),
			Port:     name,
			Cols:     8,
			Rows:     8,
			Buttons:  bs,
			Velocity: m.VelocitySensitive(),
		},
		reader: NewParser(m),
	}
	c.textWait = c.defaultTextWait
	c.reader.TextEnd = c.textEnded
	c.stats.Store(ControllerStats{})
	go c.read()
	return c, nil
}

// Model returns the controller's model.
func (c *Controller) Model() Model { return c.m }

// Info implements grid.Controller: the model's script name, the port, the
// 8×8 main grid, every LED (round buttons and the logo light included),
// whether the pads are velocity-sensitive, and the functions printed on the
// buttons (Model.Labels and ShiftLabels; nil for most models). Buttons,
// Labels and ShiftLabels are fresh copies.
func (c *Controller) Info() grid.Info {
	in := c.info
	in.Buttons = append([]grid.Button(nil), in.Buttons...)
	in.Labels = gridLabels(c.m.Labels())
	in.ShiftLabels = gridLabels(c.m.ShiftLabels())
	return in
}

// gridLabels converts a model's labels to grid buttons.
func gridLabels(ls map[Button]string) map[grid.Button]string {
	if ls == nil {
		return nil
	}
	out := make(map[grid.Button]string, len(ls))
	for b, s := range ls {
		out[grid.Button{X: b.X, Y: b.Y}] = s
	}
	return out
}

// Pads implements grid.Controller. The channel holds PadsBuffer pads; when
// it is full the reader drops a press at once and a release after
// releaseWait, and counts it in Stats().Dropped. It is closed after the
// reader has released every held button, when the device goes away or on
// Close (rule 2).
func (c *Controller) Pads() <-chan grid.Pad { return c.pads }

// Stats returns the reader's counters as of the last chunk it read. It is
// safe to call from any goroutine.
func (c *Controller) Stats() ControllerStats { return c.stats.Load().(ControllerStats) }

// Set implements grid.Controller: it writes the local frame only, and
// ignores a button the model has no LED at. Call it from the goroutine that
// calls Flush.
func (c *Controller) Set(b grid.Button, l grid.Light) {
	if c.closed.Load() {
		return
	}
	mode := Static
	switch l.Mode {
	case grid.Flash:
		mode = Flash
	case grid.Pulse:
		mode = Pulse
	}
	c.next.Set(Button{X: b.X, Y: b.Y}, Light{Color: Color(l.Color), Mode: mode})
}

// Flush implements grid.Controller: it writes, one Write per message, what
// turns the device from what it shows into the local frame: everything on
// the first Flush, after a write error, when what the device shows is
// unknown (rule 5), and after a scrolling text; nothing when nothing
// changed (rule 4). While a text scrolls it writes nothing and returns nil
// (grid.TextScroller). It returns grid.ErrClosed after Close, and ErrGone
// once the device has gone.
func (c *Controller) Flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.usable(); err != nil {
		return err
	}
	c.tmu.Lock()
	scrolling := c.textDone != nil
	if !scrolling && c.repaint {
		c.prev, c.repaint = nil, false
	}
	c.tmu.Unlock()
	if scrolling {
		return nil
	}
	for _, msg := range c.enc.Encode(c.prev, &c.next) {
		if _, err := c.port.Write(msg); err != nil {
			c.prev = nil
			return fmt.Errorf("launchpad: %s: write: %w", c.info.Port, err)
		}
	}
	if c.prev == nil {
		c.prev = new(Frame)
	}
	*c.prev = c.next
	return nil
}

// maxTicks bounds the clock ticks one Beat sends: after a stall the
// device's blinking catches up within a beat instead of being flooded.
const maxTicks = 24

var clockTick = []byte{0xF8}

// Beat implements grid.Follower. Models that time flashing and pulsing
// from MIDI clock (the MK2 and later) are sent one F8 per 24th of a beat
// that pos has passed since the last call (at most maxTicks); the first
// call only sets the count, and pos going back less than a beat sends
// nothing until it has passed the last tick sent. The red/green family blinks at its own rate and
// is sent nothing. Call it from the LED goroutine, before Flush.
func (c *Controller) Beat(pos float64) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closed.Load() {
		return grid.ErrClosed
	}
	if !c.m.Pulses() || c.isGone() {
		return nil
	}
	t := int64(math.Floor(pos * 24))
	switch {
	case !c.ticking || t < c.tick-24: // first call, or the music jumped back
		c.tick, c.ticking = t, true
		return nil
	case t <= c.tick: // a small step back (an estimate corrected): those ticks were sent
		return nil
	}
	n := min(t-c.tick, maxTicks)
	c.tick = t
	for range n {
		if _, err := c.port.Write(clockTick); err != nil {
			c.prev = nil
			return fmt.Errorf("launchpad: %s: clock: %w", c.info.Port, err)
		}
	}
	return nil
}

// usable returns grid.ErrClosed after Close and ErrGone once the device has
// gone, when what it shows is unknown. Call it with wmu held.
func (c *Controller) usable() error {
	if c.closed.Load() {
		return grid.ErrClosed
	}
	if c.isGone() {
		c.prev = nil
		return fmt.Errorf("launchpad: %s: %w", c.info.Port, ErrGone)
	}
	return nil
}

func (c *Controller) isGone() bool {
	select {
	case <-c.gone:
		return true
	default:
		return false
	}
}

// Close implements grid.Controller: it ends any scrolling text (closing its
// done) and, unless the device has already gone, sends StopTextMessage if
// a text was ever sent, then ExitMessages, which clear the LEDs and restore
// the device's normal mode; it then closes the port, which ends the
// reader, and waits for the reader to release held buttons and close Pads.
// A second Close returns nil.
func (c *Controller) Close() error {
	c.wmu.Lock()
	if c.closed.Load() {
		c.wmu.Unlock()
		return nil
	}
	c.closed.Store(true)
	c.tmu.Lock()
	c.endText()
	sent := c.textSent
	c.tmu.Unlock()
	var err error
	select {
	case <-c.gone: // nothing to restore
	default:
		exit := ExitMessages(c.m)
		if sent { // the device may still be scrolling it
			exit = append([][]byte{StopTextMessage(c.m)}, exit...)
		}
		for _, msg := range exit {
			if _, werr := c.port.Write(msg); werr != nil {
				err = fmt.Errorf("launchpad: %s: exit: %w", c.info.Port, werr)
				break
			}
		}
	}
	c.wmu.Unlock()
	if cerr := c.closePort(); cerr != nil && err == nil {
		err = fmt.Errorf("launchpad: %s: close: %w", c.info.Port, cerr)
	}
	<-c.done
	return err
}

// closePort closes the port once; only the first caller gets its error.
func (c *Controller) closePort() (err error) {
	c.once.Do(func() { err = c.port.Close() })
	return err
}

// read is the reader goroutine: bytes → Parser → Pads, until a read fails.
// Then every held button is released and Pads closed (rule 2).
func (c *Controller) read() {
	defer close(c.done)
	buf := make([]byte, readSize)
	emit := func(e Event) {
		p := grid.Pad{Button: grid.Button{X: e.Button.X, Y: e.Button.Y}, Down: e.Down}
		if e.Down {
			p.Velocity = e.Velocity
			if !c.m.VelocitySensitive() {
				p.Velocity = 127
			}
		}
		c.deliver(p)
	}
	for empty := 0; empty < maxEmptyReads; {
		n, err := c.port.Read(buf)
		if n > 0 {
			empty = 0
			c.reader.Feed(buf[:n], emit)
			c.publish()
		} else {
			empty++
		}
		if err != nil {
			break
		}
	}
	close(c.gone)
	c.tmu.Lock()
	c.endText()
	c.tmu.Unlock()
	for _, b := range c.m.Buttons() {
		if s, _ := slot(b); c.held[s] {
			c.deliver(grid.Pad{Button: grid.Button{X: b.X, Y: b.Y}})
		}
	}
	c.publish()
	close(c.pads)
	// A port that failed on its own is closed here; Close's own call then
	// returns nil.
	c.closePort()
}

// deliver sends p on Pads without blocking for long: a press is dropped
// when the channel is full, a release after waiting up to releaseWait (at
// once while the consumer is stalled). A button counts as held from a
// delivered press to a delivered release, so a dropped release is sent
// again when the device goes away. Reader goroutine only.
func (c *Controller) deliver(p grid.Pad) {
	s, _ := slot(Button{X: p.X, Y: p.Y})
	select {
	case c.pads <- p:
		c.stall = false
		c.held[s] = p.Down
		return
	default:
	}
	if !p.Down && !c.stall {
		t := time.NewTimer(releaseWait)
		defer t.Stop()
		select {
		case c.pads <- p:
			c.held[s] = false
			return
		case <-t.C:
			c.stall = true
		}
	}
	c.drops++
}

// publish makes the reader's counters visible to Stats. Reader goroutine
// only.
func (c *Controller) publish() {
	c.stats.Store(ControllerStats{Parser: c.reader.Stats, Dropped: c.drops})
}
