package launchpad

// An Event is a press or release of one button.
type Event struct {
	Button Button
	Down   bool
	// Velocity is 1–127 on a press (always 127 on models that are not
	// velocity-sensitive, and on round buttons) and 0 on a release.
	Velocity uint8
}

// MaxSysEx is the longest SysEx message, F0 and F7 included, that a Parser
// assembles; longer ones are dropped and counted (realtime-and-reliability.md
// §4.4 suggests a fixed 4 KiB buffer per port).
const MaxSysEx = 4096

// Stats counts what a Parser saw besides button events. Nothing it counts is
// an error the caller must act on; rising counters show a noisy device.
type Stats struct {
	Events        uint64 // button events emitted
	Clock         uint64 // F8 timing clock (the Pro MK3 sends it by default)
	Realtime      uint64 // other realtime bytes F9–FF, wherever they arrived
	SysEx         uint64 // complete SysEx of interest (Novation, device inquiry reply)
	SysExIgnored  uint64 // complete SysEx of no interest
	SysExTooLong  uint64 // SysEx longer than MaxSysEx, dropped
	SysExAborted  uint64 // SysEx cut short by a status byte before its F7
	Pressure      uint64 // channel or polyphonic pressure (aftertouch), ignored
	RunningStatus uint64 // channel messages that reused the previous status
	StrayData     uint64 // data bytes with no status to belong to
	Truncated     uint64 // messages cut short by the next status byte
	Unknown       uint64 // complete messages that are no button of this model
	TextEnds      uint64 // "text has ended" reports (S, MK2, Pro), see Parser.TextEnd
}

// A Parser turns a model's raw MIDI input byte stream into button Events. It
// handles running status, realtime bytes (F8–FF) anywhere, including inside
// other messages and SysEx, unterminated and oversized SysEx, pressure
// floods and any other junk, counting each in Stats; it never panics and
// never grows its buffer.
//
// A Parser is not safe for concurrent use: in gridbox the controller's read
// goroutine owns it. It allocates only in NewParser.
type Parser struct {
	// SysEx, if not nil, receives each complete SysEx of interest, F0 to F7:
	// device inquiry replies (F0 7E … 06 02 …, see ParseInquiryReply) and
	// Novation messages (F0 00 20 29 …, mode echoes, the MK2's and Pro's
	// text-end report). The slice is valid only during the call.
	SysEx func(msg []byte)
	// TextEnd, if not nil, is called when the device reports that a
	// scrolling text has ended or looped (Model.ReportsTextEnd): B0 00 03
	// from the S, SX18(15) from the MK2, SX10(15) from the Pro. Other
	// models' parsers never call it.
	TextEnd func()
	// Stats are the counters; the owner may read or reset them.
	Stats Stats

	in       *modelInfo
	status   byte // running status (80–EF), or a system common (F1–F3) in progress; 0 for none
	data     [2]byte
	n, need  int  // data bytes received, expected
	partial  bool // a status or data byte of an unfinished message was seen
	inSysEx  bool
	overflow bool   // the SysEx in progress is too long and being dropped
	buf      []byte // SysEx in progress, from its F0; cap MaxSysEx
}

// NewParser returns a Parser for m. It panics if m is not a valid Model (a
// programmer error).
func NewParser(m Model) *Parser {
	in := m.info()
	if in == nil {
		panic("launchpad: NewParser: invalid model " + m.String())
	}
	return &Parser{in: in, buf: make([]byte, 0, MaxSysEx)}
}

// Feed parses the next bytes of the stream and calls emit, if not nil, for
// each button event they complete. Messages may be split across calls in
// any way. Feed does not retain b.
func (p *Parser) Feed(b []byte, emit func(Event)) {
	for _, c := range b {
		p.feed(c, emit)
	}
}

func (p *Parser) feed(c byte, emit func(Event)) {
	if c >= 0xF8 { // realtime: anywhere, no effect on other state
		if c == 0xF8 {
			p.Stats.Clock++
		} else {
			p.Stats.Realtime++
		}
		return
	}
	if p.inSysEx {
		switch {
		case c < 0x80:
			if p.overflow {
				return
			}
			if len(p.buf) >= MaxSysEx-1 { // keep room for the F7
				p.overflow = true
				p.Stats.SysExTooLong++
				return
			}
			p.buf = append(p.buf, c)
			return
		case c == 0xF7:
			p.inSysEx = false
			if !p.overflow {
				p.buf = append(p.buf, c)
				p.sysex(p.buf)
			}
			p.buf = p.buf[:0]
			return
		default: // any other status byte ends it unfinished
			p.inSysEx = false
			p.buf = p.buf[:0]
			if !p.overflow {
				p.Stats.SysExAborted++
			}
		}
	}
	if c >= 0x80 {
		p.statusByte(c)
		return
	}
	if p.status == 0 || p.need == 0 {
		p.Stats.StrayData++
		return
	}
	if p.n == 0 && !p.partial {
		p.Stats.RunningStatus++
	}
	p.partial = true
	p.data[p.n] = c
	if p.n++; p.n < p.need {
		return
	}
	p.n, p.partial = 0, false
	p.dispatch(emit)
	if p.status >= 0xF0 { // system common has no running status
		p.status, p.need = 0, 0
	}
}

func (p *Parser) statusByte(c byte) {
	if p.partial {
		p.Stats.Truncated++
	}
	p.n, p.partial = 0, false
	switch {
	case c < 0xF0:
		p.status, p.partial = c, true
		p.need = 2
		if k := c & 0xF0; k == 0xC0 || k == 0xD0 {
			p.need = 1
		}
	case c == 0xF0:
		p.status, p.need = 0, 0
		p.inSysEx, p.overflow = true, false
		p.buf = append(p.buf[:0], c)
	case c == 0xF1 || c == 0xF3: // MTC quarter frame, song select
		p.status, p.need, p.partial = c, 1, true
	case c == 0xF2: // song position pointer
		p.status, p.need, p.partial = c, 2, true
	default: // F4, F5 undefined; F6 tune request; F7 without F0
		p.status, p.need = 0, 0
		p.Stats.Unknown++
	}
}

func (p *Parser) dispatch(emit func(Event)) {
	st, d0, d1 := p.status, p.data[0], p.data[1]
	kind, ch := st&0xF0, st&0x0F
	switch {
	case kind == 0xA0 || kind == 0xD0:
		p.Stats.Pressure++
		return
	case st == 0xB0 && d0 == 0x00 && d1 == 0x03 && p.in.text == textS:
		// The S's "text has ended or looped" report, a CC 0 it never sends
		// for a button (package doc, "Scrolling text").
		p.textEnd()
		return
	case ch != 0 || st >= 0xF0:
		p.Stats.Unknown++
		return
	}
	var b Button
	var ok bool
	switch kind {
	case 0x80:
		b, ok = p.in.notes[d0], p.in.noteOK[d0]
		d1 = 0
	case 0x90:
		b, ok = p.in.notes[d0], p.in.noteOK[d0]
	case 0xB0:
		b, ok = p.in.ccs[d0], p.in.ccOK[d0]
	}
	if !ok {
		p.Stats.Unknown++
		return
	}
	p.Stats.Events++
	if emit != nil {
		emit(Event{Button: b, Down: d1 > 0, Velocity: d1})
	}
}

func (p *Parser) sysex(msg []byte) {
	inquiry := len(msg) >= 5 && msg[1] == 0x7E && msg[3] == 0x06 && msg[4] == 0x02
	novation := len(msg) >= 5 && msg[1] == 0x00 && msg[2] == 0x20 && msg[3] == 0x29
	if !inquiry && !novation {
		p.Stats.SysExIgnored++
		return
	}
	p.Stats.SysEx++
	if p.SysEx != nil {
		p.SysEx(msg)
	}
	if novation && isTextEnd(p.in, msg) {
		p.textEnd()
	}
}

func (p *Parser) textEnd() {
	p.Stats.TextEnds++
	if p.TextEnd != nil {
		p.TextEnd()
	}
}
