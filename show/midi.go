package show

import (
	"strings"

	"gridbox/engine"
)

// startMIDI names the MIDI outputs the set's MIDI instruments play on and
// sends All Notes Off on each of their channels at frame at: a gridbox
// that crashed (or a kill -9) may have left notes on. Session goroutine.
func (p *Show) startMIDI(at engine.Frame) {
	p.nameMIDI()
	p.silenceAll(at)
}

// silenceAll sends All Notes Off on every channel a MIDI instrument plays
// and FC to every clock_out port at frame at, the start: a gridbox that
// crashed may have left notes on, and a follower running (its FC never
// came), which the ticks sent from the start on would drive on, out of
// step with clips that start again with their own FA. Session goroutine.
func (p *Show) silenceAll(at engine.Frame) {
	p.midi.allNotesOff(at)
	if c := p.clock; c != nil {
		for _, o := range c.outs {
			p.midi.send(o, at, []byte{0xFC})
		}
	}
}

// nameMIDI tells the port manager which ports and channels the set's
// MIDI instruments play (at start, and for a reloaded set). Session
// goroutine.
func (p *Show) nameMIDI() {
	if p.midi == nil {
		return
	}
	for _, in := range p.loaded.Set.Instruments {
		if in.Kind == "midi" {
			p.midi.playOn(in.Port, in.Channel)
		}
	}
	p.nameClock()
}

// pumpMIDI hands the MIDI messages the engine has played since the last
// call to their ports. Session goroutine, every turn.
func (p *Show) pumpMIDI() {
	for {
		ev, ok := p.player.PollMIDI()
		if !ok {
			return
		}
		if name := p.midi.names.name(ev.Port); name != "" {
			// Through the show's own buffer: ev stays on the stack.
			p.midiMsg = ev.Data
			p.midi.send(name, ev.Frame, p.midiMsg[:ev.Len])
		}
	}
}

// endMIDI ends the show's MIDI at frame at: what the engine still played
// goes out, then a note-off for every note still on and All Notes Off on
// every channel played. Session goroutine.
func (p *Show) endMIDI(at engine.Frame) {
	p.pumpMIDI()
	p.clock.end(at)
	p.midi.end(at)
}

// silenceMIDI names the MIDI instruments' ports and channels of the set
// in file (the one safe mode does not play) for the start's and the
// end's All Notes Off: a set that crashed gridbox may have left notes on
// its synthesizers, and the crashes' restarts in normal mode sent All
// Notes Off, but safe mode's empty set has no MIDI instrument to send it
// to. Only the set's text is read (sets.Check, as a script's load lines
// are): no sample, no font. Session goroutine.
func (p *Show) silenceMIDI(file string) {
	s := tried(file)
	if s == nil || p.midi == nil {
		return
	}
	for _, in := range s.Instruments {
		if in.Kind == "midi" && strings.TrimSpace(in.Port) != "" && in.Channel >= 1 && in.Channel <= 16 {
			p.midi.playOn(in.Port, in.Channel)
		}
	}
}
