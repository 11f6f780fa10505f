package launchpad

import (
	"fmt"
	"time"

	"gridbox/grid"
)

// Every Controller has the grid.TextScroller methods; CanScrollText tells
// the models that can from those that cannot.
var _ grid.TextScroller = (*Controller)(nil)

// CanScrollText implements grid.TextScroller: whether the model can scroll
// text (Model.ScrollsText: the S, MK2, Pro, X and Mini MK3).
func (c *Controller) CanScrollText() bool { return c.m.ScrollsText() }

// ScrollText implements grid.TextScroller. It sends TextMessage (text cut
// to Model().MaxText() characters, non-ASCII shown as '?', colour c), once,
// replacing any text still scrolling. The returned done is closed when the
// S, MK2 or Pro reports the end of the text (Parser.TextEnd) or, on the X
// and Mini MK3, which report nothing, when TextDuration has passed; should
// the report of the S, MK2 or Pro never come, after twice TextDuration.
// It is also closed by a later ScrollText, StopText, Close, or the device
// going away. Until then Flush writes nothing; the first Flush after it
// sends the whole frame. An empty text is StopText, with done already
// closed.
//
// It returns grid.ErrTextUnsupported (wrapped) when the model cannot scroll
// text, grid.ErrClosed after Close, ErrGone once the device has gone, and
// the write error if the message could not be sent. Call it from the LED
// goroutine.
func (c *Controller) ScrollText(text string, col grid.Color) (<-chan struct{}, error) {
	if !c.m.ScrollsText() {
		return nil, c.unsupported()
	}
	msg := TextMessage(c.m, text, Color(col), false)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.usable(); err != nil {
		return nil, err
	}
	if msg == nil {
		if err := c.stopText(); err != nil {
			return nil, err
		}
		done := make(chan struct{})
		close(done)
		return done, nil
	}
	_, werr := c.port.Write(msg)
	c.tmu.Lock()
	defer c.tmu.Unlock()
	c.endText() // replaced, or, after a failed write, in an unknown state
	if werr != nil {
		c.prev = nil
		return nil, fmt.Errorf("launchpad: %s: text: %w", c.info.Port, werr)
	}
	c.textSent = true
	c.textGen++
	gen := c.textGen
	done := make(chan struct{})
	c.textDone = done
	c.textTimer = time.AfterFunc(c.textWait(text), func() { c.textTimeout(gen) })
	return done, nil
}

// StopText implements grid.TextScroller. When a text scrolls, it closes
// its done and sends StopTextMessage, then EnterMessages again: a stopped
// MK2 or Pro is reported to leave its layout half restored (flashing and
// pulsing no longer work) until the layout is selected again, which a
// finished text does not do (KLaunchpad) [code]. The next Flush sends the
// whole frame. When no text scrolls it sends nothing. Its errors are
// ScrollText's. Call it from the LED goroutine.
func (c *Controller) StopText() error {
	if !c.m.ScrollsText() {
		return c.unsupported()
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.usable(); err != nil {
		return err
	}
	return c.stopText()
}

func (c *Controller) unsupported() error {
	return fmt.Errorf("launchpad: %s: %v: %w", c.info.Port, c.m, grid.ErrTextUnsupported)
}

// stopText stops the scrolling text, if any. Call it with wmu held.
func (c *Controller) stopText() error {
	c.tmu.Lock()
	active := c.textDone != nil
	c.endText()
	c.tmu.Unlock()
	if !active {
		return nil
	}
	c.prev = nil
	msgs := append([][]byte{StopTextMessage(c.m)}, EnterMessages(c.m)...)
	for _, msg := range msgs {
		if _, err := c.port.Write(msg); err != nil {
			return fmt.Errorf("launchpad: %s: stop text: %w", c.info.Port, err)
		}
	}
	return nil
}

// endText closes the text's done, if a text scrolls, stops its timer, and
// has the next Flush send the whole frame. Call it with tmu held.
func (c *Controller) endText() {
	if c.textDone == nil {
		return
	}
	close(c.textDone)
	c.textDone = nil
	if c.textTimer != nil {
		c.textTimer.Stop()
		c.textTimer = nil
	}
	c.repaint = true
}

// textEnded is the Parser's TextEnd: the device reports that the text has
// scrolled out. Reader goroutine. A report with no text scrolling (one the
// timer ended early, or a loop of someone else's) still has the next Flush
// send the whole frame: the device has just restored what it showed before
// the text, and writes sent during the scroll may have been lost.
func (c *Controller) textEnded() {
	c.tmu.Lock()
	defer c.tmu.Unlock()
	c.endText()
	c.repaint = true
}

// textTimeout ends text number gen when its time is up. Timer goroutine.
func (c *Controller) textTimeout(gen uint64) {
	c.tmu.Lock()
	defer c.tmu.Unlock()
	if c.textGen == gen {
		c.endText()
	}
}

// defaultTextWait is how long a text may scroll before it counts as ended:
// TextDuration, doubled on the models that report the end themselves (the
// timer is then only a safety net for a lost report).
func (c *Controller) defaultTextWait(text string) time.Duration {
	d := TextDuration(c.m, text)
	if c.m.ReportsTextEnd() {
		d *= 2
	}
	return d
}
