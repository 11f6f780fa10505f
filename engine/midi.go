package engine

// MIDIOut makes an Instrument a MIDI one: instead of sounding, its notes
// are sent to MIDI output Port (a number the control side gives its
// ports; negative: none) on Channel (0..15, MIDI's channels 1..16), as
// MIDIEvents stamped with the frame each takes effect at (Player.PollMIDI).
//
// The engine keeps the notes it has sent on, per track, key and kind
// (Live or not), as a sampler keeps voices: a NoteOff ends its own kind's
// note on the key, a Stop of the whole track ends the track's clip notes
// (with Live, its live ones too) at the Stop's frame, a muted track
// (SetTrack with Mute) ends all its notes and sends none while muted, so
// that no note is left hanging on the hardware. After a stop's or mute's
// note-offs, at their frame, All Notes Off (CC 123) goes to each port
// and channel the track's notes went to where no note is left on (no
// other track's clip note, no held live pad), so it never cuts a note
// that should go on; a Stop with Live (the panic stop) sends it always,
// also on its Instrument's port and channel. A note's note-off goes to
// the port and channel its note-on went to, whatever bank is current
// then (a reload may change an instrument's port or channel). Two notes
// on the same port, channel and key (a clip's and a pad's) send one
// note-off, when the last of them ends.
type MIDIOut struct {
	Port    int16
	Channel uint8
}

// A MIDIEvent is one MIDI message the engine played: Data[:Len] to port
// Port, taking effect at frame Frame. Events come in frame order.
type MIDIEvent struct {
	Frame Frame
	Port  int16
	Len   uint8
	Data  [3]byte
}

// Bytes returns the message.
func (e *MIDIEvent) Bytes() []byte { return e.Data[:e.Len] }

// PollMIDI returns the next MIDI message the realtime side played, if
// any. Only the session goroutine calls PollMIDI; it should drain them
// every turn (the ring holds Config.MIDI messages; more are lost and
// counted in Stats.MIDILost).
func (p *Player) PollMIDI() (MIDIEvent, bool) { return p.midi.pop() }
