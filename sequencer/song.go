package sequencer

// A Song is what the session plays: the set, resolved to engine indices and
// beats. The command line builds it from a sets.Set; it is immutable once
// given to NewSession (or Replace). The session's edits (SetClip, Record…)
// never write to it: the first one copies its scenes and clip slots
// (copy on write), and Session.Clip reads the session's version.
type Song struct {
	Tempo       float64 // BPM at the start
	BeatsPerBar Beats
	Quantize    Beats  // global launch quantization; 0 = none
	Seed        uint64 // follow-action chances draw from a generator seeded with this
	Scenes      []Scene
	Tracks      []Track
	// Buses is how many engine track buses the session may use (the
	// engine's Config.Tracks); 0 = len(Tracks). A reload (Replace) puts
	// added tracks on buses no track uses, so an engine made with more
	// buses than tracks lets a set grow while it plays. NewSession reads
	// it; a reloaded Song's is ignored (an engine's buses are fixed).
	Buses int
	// Record is how Session.Record records; the zero value: no count-in,
	// no quantization, free length.
	Record RecordSettings
	// Metronome is the click heard while counting in and recording; the
	// zero value is off and silent.
	Metronome Metronome
	// MaxTake is the longest an audio take of free length may record
	// (0: 32 bars); it ends there by itself.
	MaxTake Beats
}

// RecordSettings are a set's recording keys (issue 11), in beats.
type RecordSettings struct {
	CountIn  Beats // how long the count-in lasts; 0 = none
	Quantize Beats // recorded notes' starts snap to multiples of it; 0 = none
	Length   Beats // fixed length: recording stops by itself after it; 0 = free
}

// Metronome is the click: Beat on every beat, Accent on a bar's first
// beat (both at velocity 127), played by bank instrument Instrument (-1:
// none, silent) on the session's reserved last engine bus (Song.Buses-1,
// reserved whenever there are more buses than tracks: NewSession), whose
// gain is Gain (linear; 0: silent). On is whether it clicks at first
// (Session.SetMetronome toggles it). A reload (Session.Replace) takes its
// Instrument, keys and Gain, and its On if it changed.
type Metronome struct {
	Instrument   int32
	Accent, Beat uint8
	Gain         float32
	On           bool
}

// A Scene is a row of clip slots.
type Scene struct {
	Name  string  // may be empty, need not be unique: a reload matches scenes by it (Replace)
	Tempo float64 // launching the scene sets this tempo; 0 keeps the current one
}

// A Track is a column: a mixer channel and one clip slot per scene.
type Track struct {
	Name       string  // may be empty, need not be unique: a reload matches tracks by it (Replace)
	Gain       float32 // linear
	Pan        float32 // -1..1
	Instrument int32   // engine bank instrument for note clips; -1 = none
	Clips      []*Clip // len == len(Song.Scenes); nil = empty slot
	// Input is the audio input an audio track records and monitors
	// (Channels 0: none, the track records no audio).
	Input   Input
	Monitor Monitoring
	// OverdubLevel is what an audio overdub keeps of what was there
	// (linear, 0..1: mlr's "pre"); 1 keeps it all.
	OverdubLevel float32
}

// Input is a track's audio input: Channels (1 or 2) channels from First
// (0-based); Channels 0: none.
type Input struct{ First, Channels int }

// Monitoring is when a track's audio input is heard through it.
type Monitoring int

const (
	MonitorAuto Monitoring = iota // while the track is armed or records (Ableton's Auto)
	MonitorIn                     // always
	MonitorOff                    // never
)

// LaunchMode is what a clip's pad does when pressed and released.
type LaunchMode int

const (
	Trigger LaunchMode = iota // press launches (again: restarts)
	Gate                      // press launches, release stops
	Toggle                    // press launches, press again stops
	Repeat                    // press launches and retriggers every quantum until release
)

// FollowAction is what happens when a clip's follow time has passed.
type FollowAction int

const (
	FollowNone FollowAction = iota // keep playing
	Next                           // the next clip of the group (wrapping)
	Previous                       // the previous clip of the group (wrapping)
	First                          // the group's first clip
	Last                           // the group's last clip
	Any                            // any clip of the group, maybe itself
	Other                          // any other clip of the group
	Again                          // this clip, from its start
	Stop                           // stop the track
)

// A Clip sits in a slot. Audio clips play Sample; note clips (Sample < 0)
// play Notes through the track's instrument.
type Clip struct {
	Sample       int32 // engine bank sample; -1 for a note clip
	SampleFrames int   // the sample's length in frames at the engine rate
	Loop         bool
	Length       Beats // loop length; 0 = the sample's own length (audio clips only)
	Gain         float32
	Launch       LaunchMode
	Quantize     Beats // used when HasQuantize; 0 = none
	HasQuantize  bool
	Legato       bool
	LoopFade     float64 // seconds of crossfade at a loop restart that is not seamless; 0 = none
	Follow       *Follow
	Notes        []Note // sorted by At, each At < Length
	Broken       bool   // its sample could not be loaded (or it has no instrument): it never plays
	// Source identifies what an audio clip plays, across reloads: two
	// clips with equal fields (but Sample, an index into one bank) and
	// equal Sources sound the same. The show sets the sample's decoded
	// buffer. It must be comparable.
	Source any
}

// Follow plays Action (with probability Chance, else Other) After beats
// after the clip launched. A group is a run of clips with no empty slot
// between them.
type Follow struct {
	After         Beats
	Action, Other FollowAction
	Chance        float64
}

// A Note is played by a note clip: At and Len in beats from the clip start.
type Note struct {
	At, Len  Beats
	Key, Vel uint8
}

// IsNotes reports whether c is a note clip.
func (c *Clip) IsNotes() bool { return c.Sample < 0 }
