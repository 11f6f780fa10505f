package engine

// Op says what a Command does.
type Op uint8

const (
	OpNone Op = iota
	// PlayClip starts Sample on Track at At as clip Clip: with Loop, it
	// restarts every LoopLen frames (LoopLen is 32.32 fixed point, so loops
	// stay on a fractional-frame musical grid without drift); positions past
	// the sample's end are silence. Offset starts it that many frames into
	// the clip (legato). Gain is linear.
	PlayClip
	// Stop fades out Track's voices of clip Clip at At (Clip < 0: every clip
	// voice and every gated note voice on the track).
	Stop
	// NoteOn plays Key at velocity Vel on Track with instrument Instrument.
	NoteOn
	// NoteOff releases Key on Track (gated zones fade out; one-shots ring on).
	NoteOff
	// SetTrack ramps Track to linear gain Gain, pan Pan (-1..1), Mute.
	SetTrack
)

// A Command is a fixed-size, pointer-free instruction for the realtime side.
// Commands with the same At apply in the order they were sent.
type Command struct {
	At         Frame
	LoopLen    uint64 // PlayClip: loop length in frames, 32.32 fixed point
	Offset     int64  // PlayClip: frames into the clip to start at
	Sample     int32  // PlayClip: index into Bank.Samples
	Instrument int32  // NoteOn: index into Bank.Instruments
	Clip       int32  // the caller's tag for the clip, echoed in events
	Gain       float32
	Pan        float32
	Track      int16
	Op         Op
	Key, Vel   uint8
	Loop, Mute bool
}

// MaxLoopFrames is the longest loop a Command can carry (about 12 hours at
// 48 kHz); LoopFrames clamps longer ones.
const MaxLoopFrames = 1<<31 - 1

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
)

// An Event is what the realtime side reports back, in frame order.
type Event struct {
	Frame Frame
	Clip  int32
	Track int16
	Kind  EventKind
}
