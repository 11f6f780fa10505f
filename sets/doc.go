// Package sets reads gridbox set files: TOML text, written by hand, that
// describes a Session View of scenes (rows), tracks (columns) and the clips
// in their slots, plus the instruments that play note clips. Parse and Load
// turn a set file into a *Set of plain structs; nothing else in gridbox reads
// TOML.
//
//	set.toml ──Load(fsys, name)──> *Set ──> sequencer (clips, tempo)
//	                                    └─> cmd/gridbox (decodes Samples())
//
// # Threads
//
// Parse and Load run on the control side (at start-up, or on a reload
// goroutine), never on the audio thread: they allocate and Load does file I/O.
// A *Set is immutable once returned; share it between goroutines freely and
// swap a reloaded set in whole. Parse never panics, whatever the input.
//
// # Errors
//
// Parse and Load report every problem in one go, as an Errors, sorted by
// position, one per line: "FILE:LINE:COL: message" (or "FILE:LINE: message"
// when the column is unknown, or "FILE: message" for the whole file). Lines and
// columns count from 1; columns count characters. Messages point at the
// offending value (or at the key, for unknown keys, or at the [[table]]
// header, for missing keys):
//
//	live.toml:4:9: tempo 1200 is out of range 20..999
//	live.toml:7:1: unknown key "tempp" at the top level; did you mean "tempo"?
//	live.toml:25:12: sample "../x.wav": path escapes the set's folder
//
// # Set file reference
//
// A set file is a TOML file (https://toml.io), UTF-8, at most 1 MiB. Keys are
// lower case and spelt exactly as below; an unknown key is an error (with a
// suggestion), so typos never pass silently. Values such as "trigger" or
// "1 bar" may be written in any case. Here is a complete set:
//
//	name = "Demo"
//	tempo = 120.0
//	time_signature = [4, 4]
//	quantize = "1 bar"
//	scale = "D dorian"             # the note mode's key
//	count_in = "1 bar"             # recording on the grid
//	record_quantize = "1/16"
//	fixed_length = "1 bar"
//	metronome = true
//	metronome_volume = -6.0
//	max_take = 32                  # bars a free-length audio take may last
//
//	[[scene]]                      # scene rows, top to bottom
//	name = "Intro"
//	tempo = 124.0
//
//	[[scene]]
//	name = "Verse"
//
//	[[track]]                      # tracks, left to right
//	name = "Drums"
//	color = "#ff4000"
//	volume = 0.0
//	pan = 0.0
//	instrument = "kit"
//
//	  [[track.clip]]               # an audio clip
//	  scene = 0
//	  name = "Beat A"
//	  sample = "samples/beat.wav"
//	  loop = true
//	  length = "1 bar"
//	  launch = "trigger"
//	  follow = { after = "4 bars", action = "next" }
//
//	  [[track.clip]]               # a note clip, played by the track's instrument
//	  scene = 1
//	  length = "1 bar"
//	  notes = [ { at = 0.0, key = 36 }, { at = 1.0, key = 38, vel = 90 } ]
//
//	[[track]]                      # an audio track: records its input
//	name = "Guitar"
//	input = "1-2"                  # the device's input channels 1 and 2
//	monitor = "auto"
//	overdub_level = 1.0
//
//	[[instrument]]
//	name = "kit"
//	kind = "sampler"
//
//	  [[instrument.zone]]
//	  key = 36
//	  sample = "samples/kick.wav"
//
//	  [[instrument.zone]]
//	  key = 38
//	  sample = "samples/snare.wav"
//
// The indentation is only for the reader. The order of the sections doesn't
// matter, except that each [[track.clip]] belongs to the [[track]] above it and
// each [[instrument.zone]] to the [[instrument]] above it. Lists of tables can
// also be written inline: clip = [ { scene = 0, sample = "a.wav" } ].
//
// # Musical time
//
// A beat is a quarter note, whatever the time signature. Durations (quantize,
// length, follow's after) are written either as a plain number of beats
// (2, 2.5, 0.75) or as one of these strings:
//
//	"1/32"  an eighth of a beat        "1 bar"   one bar of the time signature
//	"1/16"  a quarter of a beat        "2 bars"  two bars ("N bars" for any
//	"1/8"   half a beat                          whole number N up to 10000)
//	"1/4"   one beat
//	"1/2"   two beats
//	"1/1"   four beats (a whole note)
//
// A bar is as long as the time signature says: 4 beats in 4/4, 3 in 3/4, 3 in
// 6/8 (six eighth notes), 3.5 in 7/8. Quantization may also be "none". Beat
// numbers must be more than 0 and at most 40000.
//
// # Top level
//
//	name            string   the set's name. Default: the file's name
//	                         without its folder and extension.
//	tempo           number   beats per minute, 20..999. Default 120.
//	time_signature  [N, D]   N beats of note value 1/D per bar: N is 1..32,
//	                         D is 1, 2, 4, 8, 16 or 32. Default [4, 4].
//	quantize        duration when a launched clip or scene starts: on the next
//	                         multiple of this, counted from the start. "none"
//	                         starts at once. Default "1 bar".
//	scale           string   the key the grid's note mode plays in: a root (C,
//	                         C#, Db, … B) and a scale, such as "D dorian" or
//	                         "F# harmonic minor"; a root alone is major. The
//	                         scales: major, dorian, phrygian, lydian,
//	                         mixolydian, minor, locrian, harmonic minor,
//	                         melodic minor, arabic, hungarian, hungarian
//	                         minor, freygish, blues, major pentatonic, minor
//	                         pentatonic, chromatic (also: ionian, aeolian,
//	                         natural minor, double harmonic, phrygian
//	                         dominant, gypsy, pentatonic). A track's own
//	                         scale overrides it. Default "C major".
//
// Recording on the grid (all optional):
//
//	count_in          string  how long the count-in lasts when Record is
//	                          pressed: "none", "1 bar" or "2 bars". Default
//	                          "1 bar".
//	record_quantize   string  where a recorded note's start snaps to: "none"
//	                          (where it was played), "1/4", "1/8", "1/16" or
//	                          "1/32". Default "1/16".
//	fixed_length      string  a new recording's length: "N bars" (it stops
//	                          by itself and loops), or "none": it goes on
//	                          until Record is pressed again, rounded up to
//	                          whole bars. Default "1 bar".
//	metronome         bool    click every beat while counting in and
//	                          recording (the bar's first beat accented).
//	                          Default true.
//	metronome_volume  number  the click's level in dB, -144..12, or "-inf".
//	                          Default -6.
//	max_take          number  how many bars an audio take recorded with
//	                          fixed_length = "none" may last, 1..1024: it
//	                          ends by itself there. Default 32.
//
// # [midi]: MIDI beat clock (optional)
//
//	[midi]
//	clock_out = ["TR-8", "Volca"]
//	clock_in = "MPC"
//
//	clock_out  list    the MIDI outputs gridbox sends its clock to (24 per
//	                   beat, Start, Stop, Song Position and Continue), each
//	                   a part of the port's name as `gridbox devices` lists
//	                   it; at most 16, no two alike. Default: none.
//	clock_in   string  the MIDI input whose clock the transport follows
//	                   (tempo, phase, Start, Stop, Continue, Song Position),
//	                   a part of the port's name. Default: none (the set's
//	                   tempo and scenes' tempos rule).
//
// # [[scene]]: the rows, top to bottom
//
// Scenes are numbered from 0 at the top; a clip's scene key uses that number.
// A set may have no scenes only if it has no clips; at most 1024.
//
//	name   string   shown when the scene launches. Default: none.
//	tempo  number   20..999: launching the scene sets this tempo. Default:
//	                none (the tempo is left alone).
//
// # [[track]]: the columns, left to right
//
// At most 256 tracks. Names need not be unique.
//
//	name        string   Default: none (messages say "track 1", "track 2", …
//	                     counting from the left).
//	color       string   "#rrggbb", six hex digits, like "#ff4000"; the
//	                     colour of the track's pads. Default: from a palette
//	                     by position: red, orange, yellow, green, teal,
//	                     blue, violet, pink, then round again.
//	volume      number   the track's level in dB, -144..12, or "-inf" for
//	                     silence. Default 0.
//	pan         number   -1 (left) .. 1 (right). Default 0 (centre).
//	instrument  string   the [[instrument]] that plays this track's note
//	                     clips; it must be defined. Needed if the track has
//	                     note clips. Default: none.
//	scale       string   the key the note mode plays this track in, as the
//	                     top level's scale. Default: the set's.
//	input       string   the audio input the track records from: "none",
//	                     a channel of the audio device such as "1", or a
//	                     stereo pair of neighbouring channels such as "1-2"
//	                     or "3-4", counting from 1 (up to 64). At most two
//	                     channels: "1-3" is an error. A track with an input
//	                     is an audio track: it has no instrument (its clips
//	                     are audio clips, and recording records audio).
//	                     Default "none".
//	monitor     string   when the input is heard through the track (its
//	                     volume and pan): "auto" while the track is armed
//	                     or recording, "in" always, "off" never (when an
//	                     amp or a mixer lets the player hear it). Default
//	                     "auto". Not on a track with an instrument.
//	overdub_level number recording onto a playing audio loop keeps what
//	                     was there at this level under the new take, 0..1
//	                     (0 replaces it). Default 1. Not on a track with
//	                     an instrument.
//
// # [[track.clip]]: a clip in a slot of the track above
//
// A clip is either an audio clip (it has sample) or a note clip (it has
// notes, or midi), never both. A track has at most one clip per scene.
//
//	scene     number    which row it sits in: 0 (top) .. number of
//	                    scenes - 1. Required.
//	name      string    Default: none (messages say "clip in scene 2").
//	sample    string    audio clip: the sound file, relative to the set
//	                    file's folder, with "/" between folders, such as
//	                    "samples/beat.wav". It must stay inside the set's
//	                    folder: absolute paths, ".." that climb out of it and
//	                    symbolic links that lead out of it are refused.
//	notes     list      note clip: the notes, see below. notes = [] is an
//	                    empty note clip.
//	midi      string    note clip: the notes of a Standard MIDI File
//	                    instead (see "midi" below), its path confined to
//	                    the set's folder as a sample's is. Not with notes.
//	track     number    with midi: take the notes of this track of the
//	                    file only, counting from 1 in file order (as
//	                    sequencers number them; in a format 1 file, track
//	                    1 is usually the tempo track). Default: all.
//	channel   number    with midi: take the notes of this MIDI channel
//	                    only, 1..16. Default: all.
//	loop      bool      play again from the top when the end is reached,
//	                    until stopped. Default: false for audio clips (a
//	                    sample plays once), true for note clips (a pattern
//	                    repeats).
//	length    duration  the clip's length: the loop length, or where a
//	                    one-time clip ends. Required for note clips with
//	                    notes; with midi, default: the file's length
//	                    rounded up to whole bars. For audio clips,
//	                    default: the sample's own length.
//	gain      number    the clip's level in dB, -144..12, or "-inf".
//	                    Default 0.
//	launch    string    what the clip's pad does. Default "trigger".
//	                      trigger  press starts the clip, from the top
//	                               (again, if it is playing)
//	                      gate     press starts it, release stops it
//	                      toggle   press starts it, the next press stops it
//	                               (on the clip's quantize); a one-time clip
//	                               that has played to its end has stopped,
//	                               so the next press starts it again
//	                      repeat   while the pad is held, the clip restarts
//	                               on every quantize step; release stops it
//	quantize  duration  this clip's own launch quantization, instead of the
//	                    set's; "none" launches at once. Default: the set's.
//	                    Scene launches and the track's stops (its stop
//	                    button, an empty slot, stop all) keep the set's.
//	legato    bool      start where the track's previous clip had got to
//	                    in the bar, instead of from the top, with a short
//	                    crossfade. Default false.
//	loop_fade number    milliseconds of crossfade where a loop restarts in
//	                    the middle of its sample (the sample goes on past
//	                    the loop end and does not meet its start: that
//	                    would click), 0..100; 0 restarts hard. A loop that
//	                    meets its start, or whose sample ends at the loop
//	                    end, plays exactly as it is. Default 5.
//	ram       bool      hold the whole sample in memory. Default false:
//	                    a long sample (longer than the preload, see the
//	                    config's [samples]) streams from disk as it plays,
//	                    with its first seconds in memory, so that a set of
//	                    full-length tracks fits a small computer. A sample
//	                    that is also an instrument's, and short ones, are
//	                    always in memory.
//	follow    table     a follow action, see below. Default: none.
//
// # follow: what happens after a clip has played a while
//
//	follow = { after = "4 bars", action = "next", chance = 0.75, other = "again" }
//
// After the clip has played for after, gridbox rolls a die: with probability
// chance it does action, otherwise other. (It may also be written as a
// [track.clip.follow] table under the clip.)
//
//	after   duration  how long the clip plays first; more than 0. Required.
//	action  string    the action. Required.
//	chance  number    0..1, the probability of action. Default 1 (always).
//	other   string    the action when action isn't chosen. Default "none".
//
// The actions choose among the track's filled slots (empty slots are skipped):
//
//	none      do nothing: the clip goes on as it would have
//	next      the clip in the next filled slot down (after the last: the first)
//	previous  the clip in the previous filled slot up (before the first: the
//	          last)
//	first     the track's topmost clip
//	last      the track's bottommost clip
//	any       a random clip of the track, possibly this one
//	other     a random clip of the track other than this one
//	again     this clip, from the top
//	stop      stop this clip
//
// # midi: a note clip's notes from a MIDI file
//
//	[[track.clip]]
//	scene = 0
//	midi = "riff.mid"
//	track = 2
//	channel = 1
//
// Load reads Standard MIDI Files of format 0 and 1 (package midifile): every
// note-on (a note-on of velocity 0 is a note-off) paired with its note-off,
// the earliest note still on ending first when notes of one key overlap, a
// note still on at the end of its track ending there. Notes keep their
// places in beats (ticks / ticks per quarter note): the file's tempo changes
// do not move them, the set's tempo plays them. The clip's length, without
// a length key, is the file's (where its last track ends) rounded up to
// whole bars of the set; notes at or after a shorter length are left out.
// Format 2 files and SMPTE time division are refused.
//
// A file's problems are reported at the midi key, naming the problem and
// its byte offset in the file; the set still plays, that clip silent:
//
//	live.toml:12:10: midi "riff.mid": track 2 at byte 344: running status with no status byte before it
//
// A file is at most 4 MiB of at most 2,000,000 events; a clip takes at most
// 100000 of its notes.
//
// # notes: the notes of a note clip
//
// Each note is an inline table; at and len count beats from the start of the
// clip. At most 100000 notes per clip; they may be in any order.
//
//	notes = [ { at = 0, key = 36 }, { at = 1.5, key = 38, len = 0.5, vel = 90 } ]
//
//	at   number  when the note starts: 0 or more, and before the end of the
//	             clip (less than its length). Required.
//	key  number  the MIDI note number, 0..127 (60 is middle C; a drum kit
//	             usually has its kick on 36, snare 38, closed hi-hat 42).
//	             Required.
//	len  number  how long the note is held, in beats; more than 0. A note
//	             held past the end of the clip is cut there (for a loop: at
//	             the loop point). Default 0.25 (a 1/16).
//	vel  number  velocity, 1..127. Default 100.
//
// # [[instrument]]: what plays note clips
//
// At most 256. Tracks refer to instruments by name.
//
//	name  string  unique among the set's instruments. Required.
//	kind  string  "sampler", the built-in sampler (its zones follow), or
//	              "soundfont", a preset of an SF2 SoundFont. Required.
//
// A soundfont instrument takes these keys (and no zones):
//
//	file     string  the .sf2 file: a path in the set's folder, confined to
//	                 it as samples are, else a file of that name in
//	                 /usr/share/sounds/sf2, /usr/share/soundfonts or
//	                 ~/.local/share/soundfonts. Required.
//	preset   number  the preset (MIDI program) 0..127. Default 0.
//	bank     number  the MIDI bank 0..128 (128: General MIDI drum kits).
//	                 Default 0.
//	program  string  instead of preset: a General MIDI program name, such as
//	                 "Acoustic Grand Piano" (case does not matter).
//
// One instrument sounds at most 64 voices at once; a note past that
// releases its oldest with a short fade.
//
// # [[instrument.zone]]: a sampler's samples
//
// A zone maps a key, or a range of keys, to a sample. At most 1024 per
// instrument. For a drum kit, give each zone one key; for a pitched
// instrument, give a range and the root key, and the other keys in the range
// play the sample transposed by semitones. Zones may overlap: every zone that
// covers a key plays it, so two zones with the same key layer two samples.
//
//	key     number  the key (0..127) that plays this zone. A zone needs key,
//	                or low and high.
//	low     number  the lowest key of the zone's range, 0..127. Default: key.
//	high    number  the highest key of the range, low..127. Default: key.
//	                key, if given, must lie within low..high.
//	root    number  the key at which the sample plays at its own pitch,
//	                0..127 (it may lie outside the range). Default: key;
//	                required if there is no key.
//	sample  string  the sound file, as for clips. Required.
//	gain    number  the zone's level in dB, -144..12, or "-inf". Default 0.
//	gate    bool    false (the default): one-shot, the sample plays to its
//	                end whatever the note's length. true: the sample stops,
//	                with a short fade, when the note ends.
//
// # Takes files
//
// gridbox never writes a set file. What is recorded and edited on the grid
// goes to a takes file beside it, NAME.takes.toml for NAME.toml (TakesPath),
// written atomically (SaveTakes) by gridbox itself. It has the set's schema
// but only [[track]] tables, with name and [[track.clip]] tables; a clip's
// scene may be any row up to 1023, and a clip may be an empty slot, the
// musician having cleared the set's clip there:
//
//	[[track]]
//	name = "Keys"
//
//	  [[track.clip]]
//	  scene = 2
//	  length = 8
//	  notes = [
//	    { at = 0, key = 62, len = 0.5, vel = 100 },
//	    { at = 1.5, key = 65, len = 0.25, vel = 92 },
//	  ]
//
//	  [[track.clip]]
//	  scene = 3
//	  empty = true
//
// When the set loads, its takes file's clips are laid over the set's (Merge):
// a take replaces the clip in the same slot or fills an empty one, a scene
// past the set's last adds rows, an empty slot removes the set's clip. The
// k-th [[track]] called N in the takes file is the set's k-th track called N
// (unnamed ones count as called ""), so gridbox keeps every track before the
// last with takes. A take whose track the set no longer has is a warning and
// is skipped, not an error: the set may have been edited since. "gridbox takes
// merge NAME.toml" folds the takes into a copy of the set, NAME.merged.toml
// (Format), to edit by hand; comments are not kept there.
//
// A takes file that does not parse is reported with its line and column, as
// a set's problems are, and the set plays without it; gridbox then leaves it
// alone and saves new takes to the first free NAME.takes.N.toml (N = 1, 2,
// …), which is not read back: fix NAME.takes.toml, or rename the newer file
// over it, to have those takes again. "gridbox check" checks the takes file
// too.
//
// # Limits
//
// A set file is at most 1 MiB, a takes file (which gridbox writes) 16 MiB.
// Arrays and inline tables may nest at most 32
// deep, and dotted keys have at most 32 parts. At most 256 tracks, 1024
// scenes, 256 instruments, 1024 zones per instrument and 100000 notes per
// clip; names are at most 256 characters and sample paths 1024 bytes. Only
// the first 200 problems are reported.
package sets
