package monome

import (
	"fmt"
	"strings"
)

// Protocol selects the wire protocol of a grid.
type Protocol uint8

const (
	// Mext is the protocol of grids made from 2011 on (libmonome proto/mext.c).
	Mext Protocol = iota
	// Series is the protocol of the 2007–2011 series grids (libmonome
	// proto/series.c).
	Series
)

// String returns "mext" or "series".
func (p Protocol) String() string {
	switch p {
	case Mext:
		return "mext"
	case Series:
		return "series"
	}
	return fmt.Sprintf("Protocol(%d)", uint8(p))
}

// A Key is a key press or release. (0, 0) is the top-left key.
type Key struct {
	X, Y int
	Down bool
}

// Kind says what an Event carries.
type Kind uint8

const (
	// KindKey: a key went down or up; Event.Key is set.
	KindKey Kind = iota + 1
	// KindQuery: a reply to the 00 system query, one per subsystem;
	// Event.Subsystem and Event.Count are set. For a grid, Count on
	// SubsystemLEDGrid or SubsystemKeyGrid is the number of 8×8 quads.
	KindQuery
	// KindID: the 01 reply; Event.Text is the ID with trailing spaces and
	// NULs stripped.
	KindID
	// KindSize: the 03 reply; Event.Cols and Event.Rows are set. Cols = 0
	// means an arc, not a grid.
	KindSize
	// KindFirmware: the 0F reply; Event.Text is the 8-byte version string,
	// stripped like KindID.
	KindFirmware
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindKey:
		return "key"
	case KindQuery:
		return "query"
	case KindID:
		return "id"
	case KindSize:
		return "size"
	case KindFirmware:
		return "firmware"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Subsystem numbers a mext subsystem, as the 00 query reply names them.
type Subsystem uint8

// Subsystems a grid or arc reports (the team's protocol notes (protocols.md) §3.2).
const (
	SubsystemLEDGrid Subsystem = 1
	SubsystemKeyGrid Subsystem = 2
	SubsystemEncoder Subsystem = 5
	SubsystemTilt    Subsystem = 8
	SubsystemLEDRing Subsystem = 9
)

// An Event is one decoded message from a grid. Kind says which fields are set;
// the others are zero.
type Event struct {
	Kind      Kind
	Key       Key       // KindKey
	Subsystem Subsystem // KindQuery
	Count     int       // KindQuery
	Cols      int       // KindSize
	Rows      int       // KindSize
	Text      string    // KindID, KindFirmware
}

// Stats counts what a Parser has seen since it was made.
type Stats struct {
	Events    uint64 // events emitted
	Ignored   uint64 // whole messages parsed and skipped: arc, tilt, offsets, address, aux
	Unknown   uint64 // bytes skipped because they start no known message
	Truncated uint64 // bytes of partial messages dropped by Reset
}

// mextIn gives the payload length of each message a mext device sends, by
// header byte; -1 marks a header libmonome's incoming table does not know
// (libmonome src/proto/mext.h incoming_payload_lengths).
var mextIn = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	t[0x00] = 2  // query reply: subsystem, count
	t[0x01] = 32 // id
	t[0x02] = 3  // grid offset: n, x, y
	t[0x03] = 2  // grid size: cols, rows
	t[0x04] = 2  // i2c address
	t[0x0F] = 8  // firmware version
	t[0x20] = 2  // key up x y
	t[0x21] = 2  // key down x y
	t[0x50] = 2  // arc encoder delta: n, int8
	t[0x51] = 1  // arc key up: n
	t[0x52] = 1  // arc key down: n
	t[0x80] = 1  // tilt active states
	t[0x81] = 7  // tilt: n xh xl yh yl zh zl
	return t
}()

// A Parser turns the byte stream from a grid into Events. It accepts any
// chunking: a message split across reads is completed by the next Feed. The
// zero value is not ready; use NewParser. A Parser belongs to the goroutine
// that reads the device.
type Parser struct {
	proto Protocol
	hdr   byte
	have  int // payload bytes held in buf
	need  int // payload length of the message in progress; -1 = none
	buf   [32]byte
	stats Stats
}

// NewParser returns a parser for protocol p.
func NewParser(p Protocol) *Parser {
	return &Parser{proto: p, need: -1}
}

// Protocol returns the protocol p parses.
func (p *Parser) Protocol() Protocol { return p.proto }

// Stats returns the counters.
func (p *Parser) Stats() Stats { return p.stats }

// Pending returns how many bytes of an incomplete message p holds.
func (p *Parser) Pending() int {
	if p.need < 0 {
		return 0
	}
	return 1 + p.have
}

// Reset drops any incomplete message (counted in Stats.Truncated) and returns
// how many bytes it dropped. Call it at EOF and whenever the port is reopened,
// so a message cut by an unplug cannot swallow the first bytes of the next
// session.
func (p *Parser) Reset() int {
	n := p.Pending()
	p.stats.Truncated += uint64(n)
	p.need, p.have = -1, 0
	return n
}

// Feed parses b and calls emit, in order, for every complete message that
// carries an Event; the rest of an incomplete message is awaited from the next
// Feed. b is not retained; Events are values. Feed runs on the goroutine that
// reads the device, allocates nothing for keys, and never panics, whatever b
// holds. A nil emit only counts.
func (p *Parser) Feed(b []byte, emit func(Event)) {
	for _, c := range b {
		if p.need < 0 {
			n := p.headerLen(c)
			if n < 0 {
				p.stats.Unknown++
				continue
			}
			p.hdr, p.need, p.have = c, n, 0
		} else {
			p.buf[p.have] = c
			p.have++
		}
		if p.have == p.need {
			p.need = -1
			p.dispatch(emit)
		}
	}
}

// headerLen returns the payload length of a message starting with c, or -1.
func (p *Parser) headerLen(c byte) int {
	if p.proto == Series {
		switch c >> 4 {
		case 0x0, 0x1:
			if c&0x0F == 0 {
				return 1
			}
		case 0xD, 0xE: // tilt D0/D1, aux input E0: two bytes, skipped
			return 1
		}
		return -1
	}
	return int(mextIn[c])
}

func (p *Parser) dispatch(emit func(Event)) {
	d := p.buf[:p.have]
	var e Event
	if p.proto == Series {
		switch p.hdr {
		case 0x00, 0x10:
			e = Event{Kind: KindKey, Key: Key{X: int(d[0] >> 4), Y: int(d[0] & 0x0F), Down: p.hdr == 0x00}}
		default:
			p.stats.Ignored++
			return
		}
	} else {
		switch p.hdr {
		case 0x20, 0x21:
			e = Event{Kind: KindKey, Key: Key{X: int(d[0]), Y: int(d[1]), Down: p.hdr == 0x21}}
		case 0x00:
			e = Event{Kind: KindQuery, Subsystem: Subsystem(d[0]), Count: int(d[1])}
		case 0x01:
			e = Event{Kind: KindID, Text: cleanText(d)}
		case 0x03:
			e = Event{Kind: KindSize, Cols: int(d[0]), Rows: int(d[1])}
		case 0x0F:
			e = Event{Kind: KindFirmware, Text: cleanText(d)}
		default:
			p.stats.Ignored++
			return
		}
	}
	p.stats.Events++
	if emit != nil {
		emit(e)
	}
}

// cleanText strips trailing spaces and NULs, and anything after the first NUL
// (libmonome strncpy's the ID, which stops there).
func cleanText(d []byte) string {
	s := string(d)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ")
}
