package monome

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Sentinel errors of the handshake; check them with errors.Is.
var (
	// ErrNoReply: the device sent neither a size nor a usable query reply
	// before the timeout. It may be busy, not a mext grid, or owned by
	// serialosc.
	ErrNoReply = errors.New("monome: no reply to the handshake")
	// ErrNotGrid: the device reported zero columns or rows (an arc).
	ErrNotGrid = errors.New("monome: device is not a grid")
)

// Info is what a mext grid told the handshake about itself.
type Info struct {
	Cols, Rows int    // from the 03 size reply, else from the quad count
	ID         string // from the 01 reply; "" if it never came
	Firmware   string // from a 0F reply, if the caller asked for one
	Quads      int    // 8×8 quads in the 00 query reply for the LED grid; 0 if none came
}

// Handshake collects the replies to HandshakeRequest. Feed it every Event the
// parser emits during start-up; it reports when the size (and the ID) are
// known. The zero value is ready to use.
type Handshake struct {
	info    Info
	sized   bool // a 03 reply arrived
	hasID   bool
	notGrid bool
}

// Observe records e if it is a reply and reports whether it was one. Keys and
// anything else return false, for the caller to pass on or drop.
func (h *Handshake) Observe(e Event) bool {
	switch e.Kind {
	case KindSize:
		h.sized = true
		h.info.Cols, h.info.Rows = e.Cols, e.Rows
		h.notGrid = e.Cols == 0 || e.Rows == 0
	case KindID:
		h.hasID = true
		h.info.ID = e.Text
	case KindFirmware:
		h.info.Firmware = e.Text
	case KindQuery:
		if e.Subsystem == SubsystemLEDGrid || (e.Subsystem == SubsystemKeyGrid && h.info.Quads == 0) {
			h.info.Quads = e.Count
		}
	default:
		return false
	}
	return true
}

// SizeKnown reports whether the grid's size is known, from the size reply or,
// failing that, from the quad count in the query reply (1 = 8×8, 2 = 16×8,
// 4 = 16×16, as libavr32 reads it).
func (h *Handshake) SizeKnown() bool {
	if h.sized {
		return true
	}
	_, _, ok := quadSize(h.info.Quads)
	return ok
}

// Done reports whether the handshake can stop: the size reply and the ID have
// both arrived, or the device said it is not a grid.
func (h *Handshake) Done() bool { return h.notGrid || (h.sized && h.hasID) }

// Info returns what is known. The error is ErrNotGrid for an arc, and
// ErrNoReply while the size is unknown.
func (h *Handshake) Info() (Info, error) {
	info := h.info
	switch {
	case h.notGrid:
		return info, ErrNotGrid
	case h.sized:
		return info, nil
	}
	c, r, ok := quadSize(info.Quads)
	if !ok {
		return info, ErrNoReply
	}
	info.Cols, info.Rows = c, r
	return info, nil
}

func quadSize(n int) (cols, rows int, ok bool) {
	switch n {
	case 1:
		return 8, 8, true
	case 2:
		return 16, 8, true
	case 4:
		return 16, 16, true
	}
	return 0, 0, false
}

// HandshakeConfig is the timing of RunHandshake. Zero fields take the
// defaults.
type HandshakeConfig struct {
	// Now is the clock; nil means time.Now. Tests pass a fake one.
	Now func() time.Time
	// Interval is how long each round waits for replies before the request
	// is sent again: 250 ms, as libmonome's mext_open waits.
	Interval time.Duration
	// Timeout bounds the whole handshake: 1 s.
	Timeout time.Duration
	// Other receives events that are not replies, such as a key pressed
	// during start-up; nil drops them.
	Other func(Event)
}

// deadliner is what RunHandshake uses of an *os.File.
type deadliner interface{ SetReadDeadline(time.Time) error }

// RunHandshake sends HandshakeRequest to a mext grid on rw and parses the
// replies with p, sending the request again every cfg.Interval until the size
// and ID have arrived or cfg.Timeout has passed. It returns the Info with a
// nil error once the size is known (at the timeout, without the ID if that
// never came), ErrNotGrid for an arc, ErrNoReply if nothing usable came, or
// a wrapped read or write error. p keeps any partial message, so the caller
// goes on feeding it afterwards.
//
// RunHandshake never sleeps: time passes only inside rw.Read. Each Read must
// return within a bounded time: a tty opened with VTIME > 0, or a read
// deadline. If rw has SetReadDeadline (an *os.File does), RunHandshake sets it
// to the end of each round, on cfg.Now's clock, and clears it before
// returning. A Read that returns no data with nil, io.EOF (what os.File
// reports when VTIME expires) or a timeout error means "nothing yet".
func RunHandshake(rw io.ReadWriter, p *Parser, cfg HandshakeConfig) (Info, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	interval, timeout := cfg.Interval, cfg.Timeout
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	if timeout <= 0 {
		timeout = time.Second
	}
	dl, _ := rw.(deadliner)
	if dl != nil {
		defer dl.SetReadDeadline(time.Time{})
	}
	var h Handshake
	emit := func(e Event) {
		if !h.Observe(e) && cfg.Other != nil {
			cfg.Other(e)
		}
	}
	var buf [256]byte
	end := now().Add(timeout)
	for {
		if _, err := rw.Write(HandshakeRequest()); err != nil {
			return Info{}, fmt.Errorf("monome: handshake: %w", err)
		}
		round := now().Add(interval)
		if round.After(end) {
			round = end
		}
		if dl != nil {
			_ = dl.SetReadDeadline(round)
		}
		for now().Before(round) {
			n, err := rw.Read(buf[:])
			p.Feed(buf[:n], emit)
			if h.Done() {
				return h.Info()
			}
			if err != nil && !quiet(err) {
				return Info{}, fmt.Errorf("monome: handshake: %w", err)
			}
		}
		if !now().Before(end) {
			return h.Info()
		}
	}
}

// quiet reports whether a read error only means no data arrived in time.
func quiet(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
