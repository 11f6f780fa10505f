package engine

// midiNote is a note a MIDI instrument has sent on and not yet off.
type midiNote struct {
	track, port  int16
	channel, key uint8
	live         bool
}

// opMIDIStop is the engine's own command that ends the MIDI notes a Stop
// known ahead ends: its fade starts a fade's length before its frame,
// but a MIDI note ends exactly at the frame (drain queues both).
const opMIDIStop Op = 255

// emitMIDI reports a three-byte message to port at frame at, counting it
// when the ring is full.
func (p *Player) emitMIDI(at Frame, port int16, status, d1, d2 uint8) {
	p.emitMIDIn(at, port, 3, status, d1, d2)
}

// emitMIDIn reports the first n bytes of status, d1, d2.
func (p *Player) emitMIDIn(at Frame, port int16, n uint8, status, d1, d2 uint8) {
	if !p.midi.push(MIDIEvent{Frame: at, Port: port, Len: n, Data: [3]byte{status, d1, d2}}) {
		p.midiLost.Add(1)
	}
}

// controlMIDI sends Controller c to m at frame at (a muted track sends
// nothing): a CC (ResetAll is CC 121), the pitch wheel or channel
// pressure. The track remembers where it sent them, so that its stop
// centres the wheel and zeroes CC1 and pressure there, as it does for
// its SoundFont voices.
func (p *Player) controlMIDI(c *Command, m *MIDIOut, at Frame) {
	tr := &p.tracks[c.Track]
	if m.Port < 0 || tr.mute {
		return
	}
	ch := m.Channel & 0x0F
	switch {
	case c.Control == PitchBend:
		v := min(c.Value, 16383)
		p.emitMIDI(at, m.Port, 0xE0|ch, uint8(v&0x7F), uint8(v>>7))
	case c.Control == Pressure:
		p.emitMIDIn(at, m.Port, 2, 0xD0|ch, uint8(min(c.Value, 127)), 0)
	case c.Control < 128:
		p.emitMIDI(at, m.Port, 0xB0|ch, c.Control, uint8(min(c.Value, 127)))
	default:
		return
	}
	tr.midiCtl, tr.midiPort, tr.midiCh = true, m.Port, ch
}

// resetMIDI centres the pitch wheel and zeroes CC1 and channel pressure
// where track's controllers went, at frame at: its stop.
func (p *Player) resetMIDI(track int16, at Frame) {
	tr := &p.tracks[track]
	if !tr.midiCtl {
		return
	}
	tr.midiCtl = false
	p.emitMIDI(at, tr.midiPort, 0xE0|tr.midiCh, 0, 0x40)
	p.emitMIDI(at, tr.midiPort, 0xB0|tr.midiCh, 1, 0)
	p.emitMIDIn(at, tr.midiPort, 2, 0xD0|tr.midiCh, 0, 0)
}

// noteOnMIDI sends c's note on m at frame at (c the seq'th command),
// unless its track is muted or a Stop known ahead cuts it there.
func (p *Player) noteOnMIDI(c *Command, m *MIDIOut, seq uint64, at Frame) {
	if m.Port < 0 || p.tracks[c.Track].mute {
		return
	}
	if _, cut := p.stopped(c.Track, -1, !c.Live, seq, at); cut {
		return
	}
	ch, key := m.Channel&0x0F, c.Key&0x7F
	// The same note again (a retrigger) ends the one before, so that one
	// note-off ends it.
	for i := range p.midiNotes {
		n := &p.midiNotes[i]
		if n.track == c.Track && n.live == c.Live && n.port == m.Port && n.channel == ch && n.key == key {
			p.endMIDINote(i, at)
			break
		}
	}
	if len(p.midiNotes) == cap(p.midiNotes) {
		p.midiLost.Add(1) // never sent: no note-off owed
		return
	}
	p.midiNotes = append(p.midiNotes, midiNote{track: c.Track, port: m.Port, channel: ch, key: key, live: c.Live})
	tr := &p.tracks[c.Track]
	tr.midiNote, tr.notePort, tr.noteCh = true, m.Port, ch
	p.emitMIDI(at, m.Port, 0x90|ch, key, max(c.Vel&0x7F, 1))
}

// endMIDINote forgets note i and sends its note-off at frame at, unless
// another note still holds its port, channel and key; it returns the note.
func (p *Player) endMIDINote(i int, at Frame) midiNote {
	n := p.midiNotes[i]
	copy(p.midiNotes[i:], p.midiNotes[i+1:])
	p.midiNotes = p.midiNotes[:len(p.midiNotes)-1]
	for j := range p.midiNotes {
		o := &p.midiNotes[j]
		if o.port == n.port && o.channel == n.channel && o.key == n.key {
			return n
		}
	}
	p.emitMIDI(at, n.port, 0x80|n.channel, n.key, 0)
	return n
}

// quietMIDI notes that port and channel ch may be left silent by the stop
// or mute being applied; allOffMIDI then decides. It never allocates:
// midiQuiet has room for every channel of every note on, plus one.
func (p *Player) quietMIDI(port int16, ch uint8) {
	if port < 0 {
		return
	}
	for _, q := range p.midiQuiet {
		if q.port == port && q.channel == ch {
			return
		}
	}
	if len(p.midiQuiet) < cap(p.midiQuiet) {
		p.midiQuiet = append(p.midiQuiet, midiNote{port: port, channel: ch})
	}
}

// allOffMIDI sends All Notes Off (CC 123) at frame at, after the note-offs
// of the stop or mute just applied, on each port and channel quietMIDI
// noted where no note is left on (no other track's clip note, no held
// live pad), or on every one of them when always (the panic stop), so
// that nothing the engine did not see (a note a synth holds on) hangs
// either. It cannot cut a note that should go on.
func (p *Player) allOffMIDI(at Frame, always bool) {
	for _, q := range p.midiQuiet {
		if always || !p.soundingMIDI(q.port, q.channel) {
			p.emitMIDI(at, q.port, 0xB0|q.channel, 123, 0)
		}
	}
	p.midiQuiet = p.midiQuiet[:0]
}

// soundingMIDI tells whether a note is on on port and channel ch.
func (p *Player) soundingMIDI(port int16, ch uint8) bool {
	for i := range p.midiNotes {
		if n := &p.midiNotes[i]; n.port == port && n.channel == ch {
			return true
		}
	}
	return false
}

// noteOffMIDI ends c's key on its track, notes of its own kind.
func (p *Player) noteOffMIDI(c *Command, at Frame) {
	for i := 0; i < len(p.midiNotes); {
		if n := &p.midiNotes[i]; n.track == c.Track && n.key == c.Key&0x7F && n.live == c.Live {
			p.endMIDINote(i, at)
			continue
		}
		i++
	}
}

// stopMIDI ends the notes a Stop of c.Clip on c.Track ends, at frame at:
// a whole track's stop (Clip < 0) ends its clip notes, and with Live its
// live ones too; a clip's own stop leaves notes to their note-offs, as
// for voices. After the note-offs, All Notes Off goes (allOffMIDI) where
// the track's notes went since its last stop (also those a NoteOff just
// before ended) and no note is left; with Live (the panic stop) always,
// and also on the port and channel of c.Instrument when it is a MIDI one
// of bank.
func (p *Player) stopMIDI(c *Command, bank *Bank, at Frame) {
	if c.Clip >= 0 {
		return
	}
	p.resetMIDI(c.Track, at)
	for i := 0; i < len(p.midiNotes); {
		if n := &p.midiNotes[i]; n.track == c.Track && (!n.live || c.Live) {
			n := p.endMIDINote(i, at)
			p.quietMIDI(n.port, n.channel)
			continue
		}
		i++
	}
	if tr := &p.tracks[c.Track]; tr.midiNote {
		tr.midiNote = false
		p.quietMIDI(tr.notePort, tr.noteCh)
	}
	if c.Live && bank != nil && c.Instrument >= 0 && int(c.Instrument) < len(bank.Instruments) {
		if m := bank.Instruments[c.Instrument].MIDI; m != nil {
			p.quietMIDI(m.Port, m.Channel&0x0F)
		}
	}
	p.allOffMIDI(at, c.Live)
}

// muteMIDI ends every note on track at frame at: a muted track is silent.
// All Notes Off follows where no note is left, as for a stop.
func (p *Player) muteMIDI(track int16, at Frame) {
	for i := 0; i < len(p.midiNotes); {
		if p.midiNotes[i].track == track {
			n := p.endMIDINote(i, at)
			p.quietMIDI(n.port, n.channel)
			continue
		}
		i++
	}
	if tr := &p.tracks[track]; tr.midiNote {
		tr.midiNote = false
		p.quietMIDI(tr.notePort, tr.noteCh)
	}
	p.allOffMIDI(at, false)
}
