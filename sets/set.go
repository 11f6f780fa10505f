package sets

import (
	"cmp"
	"path"
	"slices"
	"strconv"

	"gridbox/music"
)

// A Set is a parsed set file: the tempo, the scene rows, the tracks with their
// clips, and the instruments that play note clips. A *Set returned by Parse or
// Load is never modified afterwards; treat it as read-only and share it freely.
type Set struct {
	// File is the name the set was parsed or loaded as.
	File string
	// Name is the set's name; without a name key, the file's name without
	// its folder and extension.
	Name          string
	Tempo         float64 // BPM, MinTempo..MaxTempo
	TimeSignature TimeSignature
	// Quantize is the global launch quantization; IsZero means "none".
	Quantize Duration
	// Key is the set's key for the note modes (the scale key; default
	// C major). A track without a scale key of its own has this one.
	Key music.Key
	// Record is how the grid records what is played on it.
	Record Record
	// MIDI is the [midi] table: clock in and out.
	MIDI MIDI

	Scenes      []Scene      // top to bottom; a clip's Scene indexes this
	Tracks      []Track      // left to right
	Instruments []Instrument // in file order; names are unique
}

// Record is how session recording behaves: the set file's count_in,
// record_quantize, fixed_length, metronome and metronome_volume.
type Record struct {
	// CountIn is how long the count-in lasts before recording starts,
	// in whole bars (0, 1 or 2); IsZero: none. Default 1 bar.
	CountIn Duration
	// Quantize is the grid a recorded note's start snaps to: 1/4, 1/8,
	// 1/16 or 1/32, in Beats; IsZero: none (notes stay where played).
	// Default 1/16.
	Quantize Duration
	// Length is a new recording's fixed length, in whole Bars; IsZero:
	// free (recording goes on until Record is pressed again, then is
	// rounded up to whole bars). Default 1 bar.
	Length Duration
	// Metronome clicks every beat while counting in and recording.
	// Default true.
	Metronome bool
	// MetronomeVolume is the click's level in dB, MinGain..MaxGain, or
	// math.Inf(-1). Default DefaultMetronomeVolume.
	MetronomeVolume float64
	// MaxTake is how many bars a free-length audio take (Length IsZero)
	// may last before it ends by itself, 1..MaxTakeBars: the most a take's
	// buffer must hold. Default DefaultMaxTake.
	MaxTake int
}

// DefaultRecord returns the recording settings of a set that has none of
// their keys.
func DefaultRecord() Record {
	return Record{
		CountIn:         Duration{N: 1, Unit: Bars},
		Quantize:        Duration{N: 0.25, Unit: Beats},
		Length:          Duration{N: 1, Unit: Bars},
		Metronome:       true,
		MetronomeVolume: DefaultMetronomeVolume,
		MaxTake:         DefaultMaxTake,
	}
}

// A TimeSignature is Num beats of note value 1/Den per bar: [6, 8] is 6/8.
type TimeSignature struct{ Num, Den int }

// String returns "4/4" and so on.
func (ts TimeSignature) String() string {
	return strconv.Itoa(ts.Num) + "/" + strconv.Itoa(ts.Den)
}

// BeatsPerBar returns the length of one bar in beats (quarter notes):
// 4 in 4/4, 3 in 3/4, 3 in 6/8, 3.5 in 7/8.
func (s *Set) BeatsPerBar() float64 {
	return s.TimeSignature.BeatsPerBar()
}

// BeatsPerBar returns the length of one bar in beats (quarter notes).
func (ts TimeSignature) BeatsPerBar() float64 {
	if ts.Den == 0 {
		return 0
	}
	return float64(ts.Num) * 4 / float64(ts.Den)
}

// Instrument returns the instrument called name, or nil if there is none.
func (s *Set) Instrument(name string) *Instrument {
	for i := range s.Instruments {
		if s.Instruments[i].Name == name {
			return &s.Instruments[i]
		}
	}
	return nil
}

// A SampleRef is one place in the set that names a sample file.
type SampleRef struct {
	// Path is the sample's name in the same file system as Set.File: the
	// path written in the set, joined to the set file's folder. Open it
	// through the fs.FS (or os.Root) the set was loaded from.
	Path string
	// Pos is where the sample path is written in the set file.
	Pos Pos
	// Owner says who uses the sample, for messages: `track "Drums" clip
	// "Beat A"` or `instrument "kit" zone 36`.
	Owner string
	// Sample is the path as written in the set file, relative to its folder.
	Sample string
	// File is the file Pos is in: the set's (Set.File), or for a clip
	// merged from a takes file, that file (Clip.File).
	File string
}

// Samples returns every sample reference in the set, in file order (the set
// file's, then those of clips merged from a takes file). The same file may
// appear more than once.
func (s *Set) Samples() []SampleRef {
	var refs []SampleRef
	dir := path.Dir(s.File)
	for ti := range s.Tracks {
		t := &s.Tracks[ti]
		for ci := range t.Clips {
			c := &t.Clips[ci]
			if c.Sample == "" {
				continue
			}
			refs = append(refs, SampleRef{
				Path:   path.Join(dir, c.Sample),
				Pos:    c.SamplePos,
				Owner:  t.label(ti) + " " + c.label(),
				Sample: c.Sample,
				File:   cmp.Or(c.File, s.File),
			})
		}
	}
	for ii := range s.Instruments {
		in := &s.Instruments[ii]
		for zi := range in.Zones {
			z := &in.Zones[zi]
			refs = append(refs, SampleRef{
				Path:   path.Join(dir, z.Sample),
				Pos:    z.SamplePos,
				Owner:  in.label() + " " + z.label(),
				Sample: z.Sample,
				File:   s.File,
			})
		}
	}
	// The set's own file first, then the others by name; by position in each.
	slices.SortStableFunc(refs, func(a, b SampleRef) int {
		switch {
		case a.File == b.File:
			return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
		case a.File == s.File:
			return -1
		case b.File == s.File:
			return 1
		}
		return cmp.Compare(a.File, b.File)
	})
	return refs
}

// A Scene is a row of clip slots. Launching it launches every clip in its row.
type Scene struct {
	Name  string
	Tempo float64 // BPM set when the scene launches; 0 = leave the tempo alone
	Pos   Pos     // the [[scene]] header
}

// A Track is a column of clip slots with its own mixer channel. At most one of
// its clips plays at a time.
type Track struct {
	Name   string // may be empty; names need not be unique
	Color  Color
	Volume float64 // dB; math.Inf(-1) is silence
	Pan    float64 // -1 (left) .. 1 (right)
	// Instrument names the instrument (Set.Instrument) that plays the
	// track's note clips; "" for a track of audio clips only.
	Instrument string
	// Key is the track's key for the note modes: its scale key, or
	// else the set's (Set.Key).
	Key music.Key
	// Input is the audio input the track records (and monitors) from;
	// Channels 0 (the default) for none. A track with an input is an
	// audio track: it has no Instrument.
	Input Input
	// Monitor says when the track's input is heard through it.
	Monitor Monitor
	// OverdubLevel is the feedback of an overdub onto a playing audio
	// loop, 0..1: what was there is kept at this level under the new
	// take (mlr's "pre"). Default 1: kept as it was.
	OverdubLevel float64
	// Clips are in file order, at most one per scene.
	Clips []Clip
	Pos   Pos // the [[track]] header
}

// Clip returns the clip in the given scene's slot, or nil for an empty slot.
func (t *Track) Clip(scene int) *Clip {
	for i := range t.Clips {
		if t.Clips[i].Scene == scene {
			return &t.Clips[i]
		}
	}
	return nil
}

// label names a track in messages: `track "Drums"`, or `track 2` (counting
// from 1, left to right) when it has no name.
func (t *Track) label(index int) string {
	if t.Name != "" {
		return "track " + strconv.Quote(t.Name)
	}
	return "track " + strconv.Itoa(index+1)
}

// An Input is a track's audio input: Channels channels (1 mono, 2 a
// stereo pair; 0 none) from channel First of the audio device, counting
// from 0. A set file counts channels from 1: input = "3-4" is {First: 2,
// Channels: 2}. Whether the device has them is the player's to check.
type Input struct{ First, Channels int }

// String returns the set-file spelling: "none", "1" or "1-2".
func (in Input) String() string {
	switch {
	case in.Channels <= 0:
		return "none"
	case in.Channels == 1:
		return strconv.Itoa(in.First + 1)
	}
	return strconv.Itoa(in.First+1) + "-" + strconv.Itoa(in.First+in.Channels)
}

// A Monitor says when a track's input is heard through the track (its
// volume, pan and mute), as Ableton's monitoring does.
type Monitor int

const (
	// MonitorAuto: heard while the track is armed or recording.
	MonitorAuto Monitor = iota
	// MonitorIn: always heard.
	MonitorIn
	// MonitorOff: never heard (an amp or a mixer lets the player hear it).
	MonitorOff
)

var monitorNames = []string{"auto", "in", "off"}

// String returns the set-file spelling: "auto", "in" or "off".
func (m Monitor) String() string {
	if m >= 0 && int(m) < len(monitorNames) {
		return monitorNames[m]
	}
	return "Monitor(" + strconv.Itoa(int(m)) + ")"
}

// A Color is a 24-bit RGB colour; it drives the pad LEDs.
type Color struct{ R, G, B uint8 }

// String returns "#rrggbb".
func (c Color) String() string {
	const hex = "0123456789abcdef"
	return string([]byte{'#',
		hex[c.R>>4], hex[c.R&15], hex[c.G>>4], hex[c.G&15], hex[c.B>>4], hex[c.B&15]})
}

// DefaultColor returns the colour of track i (counting from 0) when it has no
// color key: red, orange, yellow, green, teal, blue, violet, pink, and round
// again.
func DefaultColor(i int) Color {
	n := len(palette)
	return palette[(i%n+n)%n]
}

var palette = [...]Color{
	{0xe8, 0x45, 0x3c}, // red
	{0xf2, 0x8c, 0x28}, // orange
	{0xf2, 0xc1, 0x2e}, // yellow
	{0x7c, 0xc2, 0x42}, // green
	{0x2f, 0xb5, 0xa3}, // teal
	{0x3d, 0x8f, 0xd9}, // blue
	{0x7b, 0x5c, 0xd6}, // violet
	{0xd4, 0x5a, 0xb0}, // pink
}

// A Clip is one slot's content: an audio clip (Sample set) or a note clip
// (IsNotes), played by its track's instrument.
type Clip struct {
	Scene int    // the slot's row: an index into Set.Scenes
	Name  string // may be empty
	// Sample is the audio file, relative to the set file's folder, as
	// written; "" for a note clip. SamplePos is where it is written.
	Sample    string
	SamplePos Pos
	// Loop repeats the clip until it is stopped.
	Loop bool
	// Length is the loop length; IsZero means "the sample's own length"
	// (audio clips only; note clips always have one).
	Length Duration
	Gain   float64 // dB; math.Inf(-1) is silence
	Launch LaunchMode
	// Quantize overrides the set's quantization for this clip; nil means
	// use Set.Quantize. A zero Duration means launch immediately.
	Quantize *Duration
	// Legato starts the clip at the position where the track's previous
	// clip was, instead of from its beginning.
	Legato bool
	// LoopFade is the crossfade, in milliseconds, where a loop restarts
	// and the sample does not meet its start there (0: restart hard).
	LoopFade float64
	// RAM holds the whole sample in memory (Ableton's RAM mode) instead
	// of streaming a long one from disk as it plays.
	RAM    bool
	Follow *Follow // nil = no follow action
	// Notes are the note clip's notes, sorted by At (notes at the same time
	// keep their file order). Empty for an audio clip, and possibly for a
	// note clip. A clip with MIDI has them from its file once Load has
	// read it (Parse leaves them empty).
	Notes []Note
	// MIDI is the Standard MIDI File a note clip takes its notes from
	// (the midi key); nil for a clip whose notes are written in the set,
	// and for an audio clip.
	MIDI *MIDISource
	Pos  Pos // the [[track.clip]] header
	// File is the takes file the clip was merged from (Merge), where its
	// positions are; "" for a clip of the set file itself.
	File string
}

// A MIDISource is where a note clip's notes come from: a Standard MIDI
// File in the set's folder, and which of its notes (package midifile
// reads it). Load fills the clip's Notes from it: every note-on paired
// with its note-off (the earliest note still on for its key ends first),
// at its place in beats (ticks over the file's division: tempo changes
// in the file do not move notes), notes at or after the clip's Length
// left out.
type MIDISource struct {
	// Path is the file, relative to the set file's folder, as written;
	// Pos is where it is written (the midi key's value).
	Path string
	Pos  Pos
	// Track keeps one track of the file: its MTrk chunks counted from 1
	// in file order, as sequencers number them (in a format 1 file,
	// track 1 is usually the tempo track); 0 keeps all. TrackPos is where
	// the track key's value is.
	Track    int
	TrackPos Pos
	// Channel keeps one MIDI channel, 1..16; 0 keeps all.
	Channel int
	// LengthFromFile: the clip has no length key, so Load sets Length to
	// the file's length rounded up to whole bars (at least one); Parse
	// sets it to one bar.
	LengthFromFile bool
}

// IsNotes reports whether c is a note clip rather than an audio clip: every
// audio clip has a Sample, a note clip never does (even with no notes).
func (c *Clip) IsNotes() bool { return c.Sample == "" }

// label names a clip in messages: `clip "Beat A"`, or `clip in scene 0`.
func (c *Clip) label() string {
	if c.Name != "" {
		return "clip " + strconv.Quote(c.Name)
	}
	return "clip in scene " + strconv.Itoa(c.Scene)
}

// A LaunchMode says what pressing and releasing a clip's pad does.
type LaunchMode int

const (
	// Trigger: press starts the clip (again, from the top, if playing).
	Trigger LaunchMode = iota
	// Gate: press starts the clip, release stops it.
	Gate
	// Toggle: press starts the clip, the next press stops it.
	Toggle
	// Repeat: while the pad is held, the clip restarts at every quantize
	// step; release stops it.
	Repeat
)

var launchNames = []string{"trigger", "gate", "toggle", "repeat"}

// String returns the set-file spelling: "trigger", "gate", "toggle" or
// "repeat".
func (m LaunchMode) String() string {
	if m >= 0 && int(m) < len(launchNames) {
		return launchNames[m]
	}
	return "LaunchMode(" + strconv.Itoa(int(m)) + ")"
}

// A Follow is a follow action: after the clip has played for After, with
// probability Chance do Action, otherwise do Other. In a set file chance
// defaults to 1 and other to "none" (FollowNone).
type Follow struct {
	After         Duration
	Action, Other FollowAction
	Chance        float64 // 0..1
}

// A FollowAction is what happens when a follow action fires. Next, Previous,
// First, Last, Any and Other choose among the track's non-empty slots.
type FollowAction int

const (
	// FollowNone does nothing: the clip goes on playing as it would have.
	FollowNone FollowAction = iota
	// Next launches the clip in the next filled slot down, wrapping
	// around to the top.
	Next
	// Previous launches the clip in the previous filled slot up, wrapping
	// around to the bottom.
	Previous
	// First launches the topmost clip of the track.
	First
	// Last launches the bottommost clip of the track.
	Last
	// Any launches a random clip of the track, possibly this one.
	Any
	// Other launches a random clip of the track other than this one.
	Other
	// Again restarts this clip from its beginning.
	Again
	// Stop stops this clip.
	Stop
)

var followNames = []string{"none", "next", "previous", "first", "last", "any", "other", "again", "stop"}

// String returns the set-file spelling, e.g. "next".
func (a FollowAction) String() string {
	if a >= 0 && int(a) < len(followNames) {
		return followNames[a]
	}
	return "FollowAction(" + strconv.Itoa(int(a)) + ")"
}

// A Note is one note of a note clip. At and Len are in beats (quarter notes)
// from the start of the clip.
type Note struct {
	At, Len float64
	Key     int // MIDI note number, 0..127 (60 = middle C)
	Vel     int // velocity, 1..127
}

// An Instrument plays a track's note clips.
type Instrument struct {
	Name  string
	Kind  string // "sampler", "soundfont" or "midi"
	Zones []Zone // sampler zones, in file order
	Pos   Pos    // the [[instrument]] header

	// A soundfont instrument plays preset Preset of bank Bank (a program
	// given by its General MIDI name is its number, bank 0) of the SF2
	// file File: the path as written, looked for in the set's folder, then
	// in the system's SoundFont folders (the player's part: see show).
	// FilePos and PresetPos are where file and preset (or program) are
	// written, for the player's messages.
	File         string
	FilePos      Pos
	Bank, Preset int
	PresetPos    Pos

	// A midi instrument sends its notes to the MIDI output whose name
	// holds Port (as written; the player finds it) on Channel, 1..16
	// (default 1).
	Port    string
	Channel int
}

// label names an instrument in messages.
func (in *Instrument) label() string { return "instrument " + strconv.Quote(in.Name) }

// ZonesFor returns the zones that play for key, in file order. Overlapping
// zones layer: all of them play.
func (in *Instrument) ZonesFor(key int) []*Zone {
	var zs []*Zone
	for i := range in.Zones {
		if in.Zones[i].Covers(key) {
			zs = append(zs, &in.Zones[i])
		}
	}
	return zs
}

// A Zone maps a range of keys to a sample in a sampler instrument.
type Zone struct {
	// Key is the zone's key as written, or Root when only low/high were
	// given.
	Key int
	// Low..High is the range of keys that play the zone (both included).
	Low, High int
	// Root is the key that plays the sample at its recorded pitch; other
	// keys in the range transpose it by semitones.
	Root int
	// Sample is the audio file, relative to the set file's folder, as
	// written; SamplePos is where it is written.
	Sample    string
	SamplePos Pos
	Gain      float64 // dB; math.Inf(-1) is silence
	// Gate makes note-off stop the sample with a short fade; otherwise
	// (one-shot) it plays to its end.
	Gate bool
}

// Covers reports whether key plays z.
func (z *Zone) Covers(key int) bool { return key >= z.Low && key <= z.High }

// label names a zone in messages: "zone 36", or "zone 48..60" for a range.
func (z *Zone) label() string {
	if z.Low == z.High {
		return "zone " + strconv.Itoa(z.Low)
	}
	return "zone " + strconv.Itoa(z.Low) + ".." + strconv.Itoa(z.High)
}
