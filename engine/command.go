package engine

import "math"

// Op says what a Command does.
type Op uint8

const (
	OpNone Op = iota
	// PlayClip starts Sample on Track at At as clip Clip, at full level:
	// with Loop, it restarts every LoopLen frames (LoopLen is 32.32 fixed
	// point, so loops stay on a fractional-frame musical grid without
	// drift); positions past the sample's end are silence. A restart that
	// is not seamless in the sample (it goes on past the loop end at another
	// level than it starts at) crossfades over LoopFade frames; a seamless
	// one is exact. Start is the position to start at (32.32 frames; legato
	// starts mid-clip). With Legato, the track's sounding clip voices hand
	// over to it with a crossfade of LegatoTime from At. Gain is linear.
	PlayClip
	// Stop silences Track's voices of clip Clip (Clip < 0: every clip voice
	// and every gated note voice on the track but live ones, which end by
	// their own NoteOff; with Live, those too: the panic button's stop,
	// should a note-off have gone missing) at At: their fade-out ends at
	// At, so nothing of them sounds from At on (send it at least FadeTime
	// ahead; a voice that falls silent at At anyway, such as a loop whose
	// sample ends at its loop end, ends there without a fade). With Now the
	// fade starts at At instead: for stops not known ahead (no
	// quantization, the panic button). A Stop of the whole track on a
	// MIDI instrument (MIDIOut) sends All Notes Off after its note-offs
	// where no note is left; with Live always, also on the port and
	// channel of Instrument when it is a MIDI one.
	Stop
	// NoteOn plays Key at velocity Vel on Track with instrument Instrument.
	// With Now it plays as soon as the engine takes it in, at the start of
	// the block it renders next, and is never counted late; At is then the
	// frame it was played at, for the record only. Live marks a note the
	// musician plays (a pad), not a clip's.
	NoteOn
	// NoteOff releases Key on Track: the gated voices of NoteOns of its
	// own kind (Live or not) fade out, so that a clip's note-off never
	// cuts a pad held on the same key nor a pad's release a clip's note;
	// one-shots ring on. Now as for NoteOn.
	NoteOff
	// SetTrack ramps Track to linear gain Gain, pan Pan (-1..1), Mute.
	SetTrack
	// Controller sets a controller of Track, as a MIDI channel's: Control
	// is a CC number (0..127, Value 0..127), PitchBend (Value 0..16383,
	// 8192 centred), Pressure (channel pressure, 0..127) or ResetAll. The track's SoundFont voices, sounding
	// and to come, follow it through their modulators (the SF2 defaults:
	// pitch wheel ±2 semitones, CC1 vibrato, CC7 volume, CC10 pan, CC11
	// expression). A Stop of the whole track (Clip < 0) centres the pitch
	// wheel and sets CC1 and channel pressure to 0 (no vibrato left on),
	// as a DAW does when a clip stops. Now as for NoteOn.
	Controller
	// SwapBank makes the commands sent after it play the bank staged with
	// Player.StageBank (a reloaded set's), and those sent before it the
	// bank before. It takes effect in send order as the command is taken
	// in, not at a frame: At is ignored. Voices already sounding keep
	// playing what they play.
	SwapBank
	// Monitor sends the audio input to Track's bus from At on (with Now:
	// from the start of the block rendered next): Key is the first input
	// channel (0-based), Vel how many (1 or 2; 0 turns monitoring off, as
	// do channels the input does not have). The bus gets the input's
	// newest frames at unity, through the track's gain, pan and mute as a
	// clip is; a mono input feeds both sides.
	Monitor
	// RecordAudio records the audio input into Sample (of the bank current
	// when the command is taken in: an *audio.Buffer with Data, whose
	// Channels is the take's) on Track as clip Clip (echoed in the take's
	// events), from engine frame At (S) on: input frame k, which the
	// musician played along with engine frame k-Lf (Lf: SetInputLatency, as
	// it is when the command is taken in), goes to buffer position
	// Start + (k-Lf-S) (plain frames), wrapped at LoopLen (plain frames; 0:
	// no wrap), as buf = buf*Gain + in (Gain 0: a fresh take; an overdub's
	// feedback). Key is the first input channel, Vel how many (1 or 2): a
	// mono input into a stereo buffer feeds both sides, a stereo one into a
	// mono buffer is averaged. The take is taken in as the command is, not
	// at a frame: it writes input frames as they reach the input ring, and
	// ends with one of EvRecorded, EvTakeFull or EvTakeDropped. The render
	// side writes Sample's Data until that event; the control side leaves
	// it alone until then. A new take on a track ends the track's takes
	// still open at its S.
	RecordAudio
	// RecordStop ends Track's takes at At (E): frames from E on are not
	// recorded. With Now, at once: the input frames not yet written are
	// not recorded.
	RecordStop
)

// A Command is a fixed-size, pointer-free instruction for the realtime side.
// Commands with the same At apply in the order they were sent.
type Command struct {
	At         Frame
	LoopLen    uint64 // PlayClip: loop length in frames, 32.32 fixed point; RecordAudio: wrap length in plain frames
	Start      int64  // PlayClip: position in the clip at At, 32.32 frames (see Position); RecordAudio: buffer position at At, plain frames
	Sample     int32  // PlayClip, RecordAudio: index into Bank.Samples
	Instrument int32  // NoteOn, Controller, Stop with Live: index into Bank.Instruments (Controller: a MIDI instrument sends it on; Stop: its All Notes Off; < 0 none)
	Clip       int32  // the caller's tag for the clip, echoed in events
	LoopFade   int32  // PlayClip: crossfade frames at a restart that is not seamless; 0 = none
	Gain       float32
	Pan        float32
	Track      int16
	Op         Op
	Key, Vel   uint8  // notes; Monitor, RecordAudio: the first input channel and how many
	Control    uint8  // Controller: a CC number, PitchBend, Pressure or ResetAll
	Value      uint16 // Controller: its value
	Loop, Mute bool
	Legato     bool // PlayClip: take over from the track's clip with a crossfade
	// Now: for Stop, fade from At, not up to it; for NoteOn, NoteOff,
	// Controller and Monitor, apply when taken in, never late; for
	// RecordStop, stop at the input frames not yet written.
	Now bool
	// Live: NoteOn and NoteOff of a note the musician plays, not a clip's
	// (NoteOff); Stop of live notes too.
	Live bool
}

// MaxLoopFrames is the longest loop a Command can carry (about 12 hours at
// 48 kHz); LoopFrames clamps longer ones.
const MaxLoopFrames = 1<<31 - 1

// Position converts a position in a clip, in (fractional) frames, to
// Command.Start. At natural speed a voice plays the sample frame nearest
// its position, so a position may be up to half a frame before the clip's
// start: the clip's first frame then plays at At.
func Position(frames float64) int64 {
	return int64(math.Round(max(-0.5, min(frames, MaxLoopFrames)) * (1 << 32)))
}

// LoopFrames converts a loop length in (fractional) frames to Command.LoopLen.
func LoopFrames(frames float64) uint64 {
	if !(frames > 0) {
		return 0
	}
	return uint64(min(frames, MaxLoopFrames)*(1<<32) + 0.5)
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	EvNone    EventKind = iota
	EvQueued            // a PlayClip was accepted for frame Frame
	EvStarted           // clip Clip's first frame played at Frame
	EvLooped            // clip Clip restarted its loop at Frame
	EvStopped           // clip Clip fell silent at Frame (stopped or ended)
	EvLate              // a command for an earlier frame was applied at Frame
	// A take (RecordAudio) ended; Frame is the frame after the last one
	// recorded. EvRecorded: at its E, or where RecordStop cut it, once
	// every frame up to Frame is in the buffer and in the capture ring.
	// EvTakeFull: the buffer ended before E (no wrap, or a wrap longer
	// than the buffer). EvTakeDropped: the capture ring had no room for
	// the next chunk (the buffer holds exactly what the chunks held), or
	// the player has no input, or no take slot was free.
	EvRecorded
	EvTakeFull
	EvTakeDropped
)

// An Event is what the realtime side reports back, in frame order.
type Event struct {
	Frame Frame
	Clip  int32
	Track int16
	Kind  EventKind
}
