package show

import "gridbox/engine"

// startMIDI names the MIDI outputs the set's MIDI instruments play on and
// sends All Notes Off on each of their channels at frame at: a gridbox
// that crashed (or a kill -9) may have left notes on. Session goroutine.
func (p *Show) startMIDI(at engine.Frame) {
	p.nameMIDI()
	p.midi.allNotesOff(at)
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
