package web

import (
	"sync"
	"time"

	"gridbox/grid"
)

// holds remembers which page holds which button of the virtual controller,
// so that a page that goes away lets go of what it held: the virtual
// controller has one held state per button, and a Clear or Shift left held
// on the mirror changes what the real Launchpad does. A page is known by
// the id it sends (clientID). The rules are in the package doc ("Held
// buttons"). All Control.Press calls go through holds, one at a time,
// under mu (Press never blocks).
type holds struct {
	mu     sync.Mutex
	ctl    Control
	lease  time.Duration // how long a page without an events stream holds
	max    int           // ids tracked at most
	closed bool
	born   uint64 // ids made, for forgetting the oldest
	byID   map[string]*holder
	owner  [100]*holder // by frameIndex: the page whose press of it succeeded
}

// A holder is one page id: its events streams and the buttons it holds.
type holder struct {
	id      string
	streams int         // its events streams open now
	n       int         // buttons it holds (owner entries)
	born    uint64      // when it was made: the oldest is forgotten first
	timer   *time.Timer // its lease, while it holds with no stream open
}

func (h *holds) init(ctl Control, lease time.Duration, max int) {
	h.ctl, h.lease, h.max = ctl, lease, max
	h.byID = map[string]*holder{}
}

// press presses and releases for page id, in order. A press the Control
// takes is the page's to release; a release of a button the page does not
// hold is ignored. A page with no events stream open has a lease: what it
// holds is released unless a stream with its id opens in time.
func (h *holds) press(id string, ps []press) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	for _, p := range ps {
		k := frameIndex(p.b)
		if k < 0 {
			continue
		}
		if !p.down {
			c := h.byID[id]
			if c == nil || h.owner[k] != c {
				continue // another page's hold, or none
			}
			// A release the Control refuses (its queue full) stays the
			// page's, to be tried again when the page goes.
			if h.ctl.Press(p.b, false, 0) {
				h.owner[k] = nil
				c.n--
				h.tidy(c)
			}
			continue
		}
		c := h.get(id)
		if c == nil {
			continue // every tracked id has a stream open: none to forget
		}
		if !h.ctl.Press(p.b, true, p.vel) {
			h.tidy(c)
			continue
		}
		// The button was free, so a page that thought it held it (its
		// release lost in the Control) holds it no more.
		if o := h.owner[k]; o != c {
			if o != nil {
				o.n--
				h.tidy(o)
			}
			h.owner[k] = c
			c.n++
		}
		if c.streams == 0 && c.timer == nil {
			c.timer = time.AfterFunc(h.lease, func() { h.expire(c) })
		}
	}
}

// open counts an events stream of page id, which ends its lease.
func (h *holds) open(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	c := h.get(id)
	if c == nil {
		return
	}
	c.streams++
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
}

// end counts the end of an events stream of page id: when it was the
// last, every button the page holds is released.
func (h *holds) end(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.byID[id]
	if c == nil || c.streams == 0 {
		return
	}
	c.streams--
	if c.streams == 0 {
		h.releaseAll(c)
		h.tidy(c)
	}
}

// expire ends c's lease: no stream came, so it lets go of everything.
func (h *holds) expire(c *holder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.byID[c.id] != c || c.streams > 0 {
		return // a stream came, or c is gone (a late timer)
	}
	c.timer = nil
	h.releaseAll(c)
	h.tidy(c)
}

// close releases every hold left (only leases can be: Close has ended
// every stream) and stops the timers.
func (h *holds) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.byID {
		h.releaseAll(c)
		if c.timer != nil {
			c.timer.Stop()
		}
	}
	clear(h.byID)
	h.closed = true
}

// get returns page id's holder, made if need be. When max ids are tracked
// the oldest without a stream is forgotten first, its buttons released;
// nil when every one has a stream.
func (h *holds) get(id string) *holder {
	if c := h.byID[id]; c != nil {
		return c
	}
	if len(h.byID) >= h.max {
		var old *holder
		for _, c := range h.byID {
			if c.streams == 0 && (old == nil || c.born < old.born) {
				old = c
			}
		}
		if old == nil {
			return nil
		}
		h.releaseAll(old)
		h.tidy(old)
	}
	h.born++
	c := &holder{id: id, born: h.born}
	h.byID[id] = c
	return c
}

// releaseAll releases every button c holds. A release the Control refuses
// is not tried again: c is going.
func (h *holds) releaseAll(c *holder) {
	for k, o := range h.owner {
		if o == c {
			h.ctl.Press(grid.Button{X: k%10 - 1, Y: k/10 - 1}, false, 0)
			h.owner[k] = nil
		}
	}
	c.n = 0
}

// tidy forgets c when it holds nothing and has no stream.
func (h *holds) tidy(c *holder) {
	if c.n > 0 || c.streams > 0 {
		return
	}
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if h.byID[c.id] == c {
		delete(h.byID, c.id)
	}
}

// held returns the buttons page id holds, for tests.
func (h *holds) held(id string) []grid.Button {
	h.mu.Lock()
	defer h.mu.Unlock()
	var bs []grid.Button
	for k, o := range h.owner {
		if o != nil && o.id == id {
			bs = append(bs, grid.Button{X: k%10 - 1, Y: k/10 - 1})
		}
	}
	return bs
}

// tracked returns how many page ids are tracked, for tests.
func (h *holds) tracked() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.byID)
}

// validID reports whether a page's id is 1..32 of [a-z0-9].
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := range len(id) {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
