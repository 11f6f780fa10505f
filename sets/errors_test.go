package sets

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// malformed is a table of bad sets. Each wants exactly the listed problems,
// in order, each as "LINE:COL: " followed by a substring of the message.
var malformed = []struct {
	name string
	src  string
	want []string
}{
	// Top level.
	{"tempo range", `tempo = 1200`,
		[]string{"1:9: tempo 1200 is out of range 20..999"}},
	{"tempo type", `tempo = "fast"`,
		[]string{`1:9: tempo: expected a number, got string "fast"`}},
	{"tempo nan", `tempo = nan`,
		[]string{"1:9: tempo nan is out of range 20..999"}},
	{"unknown top-level key", "name = \"x\"\ntempp = 1",
		[]string{`2:1: unknown key "tempp" at the top level; did you mean "tempo"?`}},
	{"unknown key without suggestion", `bpm = 120`,
		[]string{`1:1: unknown key "bpm" at the top level; valid keys are name, tempo, time_signature, quantize, scale, count_in, record_quantize, fixed_length, metronome, metronome_volume, max_take, scene, track, instrument`}},
	{"scale scale", `scale = "D dorain"`,
		[]string{`1:9: scale "D dorain": no scale "dorain"; did you mean "dorian"?`}},
	{"scale root", `scale = "H minor"`,
		[]string{`1:9: scale "H minor": "H" is not a root note: write C, C#, Db, D … B, then the scale, e.g. "D dorian"`}},
	{"scale type", `scale = 5`,
		[]string{`1:9: scale: expected a string, got number 5`}},
	{"track scale", "[[track]]\nscale = \"C lydain\"",
		[]string{`2:9: scale "C lydain": no scale "lydain"; did you mean "lydian"?`}},
	{"count_in", `count_in = "4 bars"`,
		[]string{`1:12: count_in "4 bars": expected one of none, 1 bar, 2 bars`}},
	{"count_in misspelt", `count_in = "1 baar"`,
		[]string{`1:12: count_in "1 baar": expected one of none, 1 bar, 2 bars; did you mean "1 bar"?`}},
	{"count_in type", `count_in = 4`,
		[]string{`1:12: count_in: expected one of none, 1 bar, 2 bars, got number 4`}},
	{"record_quantize", `record_quantize = "1/2"`,
		[]string{`1:19: record_quantize "1/2": expected one of none, 1/4, 1/8, 1/16, 1/32`}},
	{"fixed_length", `fixed_length = "1/4"`,
		[]string{`1:16: fixed_length "1/4": expected "none" or a number of bars, such as "1 bar", "2 bars", "4 bars"`}},
	{"fixed_length number", `fixed_length = 4`,
		[]string{`1:16: fixed_length: expected "none" or a number of bars, such as "1 bar", "2 bars", "4 bars", got number 4`}},
	{"metronome", `metronome = "on"`,
		[]string{`1:13: metronome: expected true or false, got string "on"`}},
	{"metronome_volume", `metronome_volume = 20`,
		[]string{`1:20: metronome_volume 20 is out of range -144..12 dB (use "-inf" for silence)`}},
	{"max_take zero", `max_take = 0`,
		[]string{`1:12: max_take 0 is out of range 1..1024`}},
	{"max_take fraction", `max_take = 2.5`,
		[]string{`1:12: max_take: expected a whole number, got number 2.5`}},
	{"max_take as bars", `max_take = "32 bars"`,
		[]string{`1:12: max_take: expected a whole number of bars, such as max_take = 32, got string "32 bars"`}},
	{"max_take misspelt", `max_takes = 8`,
		[]string{`1:1: unknown key "max_takes" at the top level; did you mean "max_take"?`}},
	{"time signature denominator", `time_signature = [4, 3]`,
		[]string{"1:22: time_signature denominator 3 must be one of 1, 2, 4, 8, 16, 32"}},
	{"time signature numerator", `time_signature = [0, 4]`,
		[]string{"1:19: time_signature numerator 0 is out of range 1..32"}},
	{"time signature length", `time_signature = [4]`,
		[]string{"1:18: time_signature: expected two numbers like [4, 4] or [6, 8] (beats per bar, note value), got a list of 1"}},
	{"time signature type", `time_signature = "4/4"`,
		[]string{`1:18: time_signature: expected two numbers like [4, 4] or [6, 8], got string "4/4"`}},
	{"quantize", `quantize = "1/3"`,
		[]string{`1:12: quantize "1/3": expected one of none, 1/32, 1/16, 1/8, 1/4, 1/2, 1/1, 1 bar, 2 bars, 4 bars, 8 bars (or any "N bars"), or a number of beats`}},
	{"quantize zero", `quantize = 0`,
		[]string{`1:12: quantize 0: a number of beats must be more than 0 (use "none" for no quantization)`}},
	{"quantize type", `quantize = true`,
		[]string{"1:12: quantize: expected a duration (none, 1/32"}},
	{"name too long", `name = "` + strings.Repeat("é", 300) + `"`,
		[]string{"1:8: name is 300 characters long; the limit is 256"}},
	{"single [scene] table", "[scene]\nname = \"x\"",
		[]string{"1:1: scene must be a list of [[scene]] tables: write [[scene]] with double brackets"}},
	{"unknown key in scene", "[[scene]]\nname = \"a\"\n[[scene]]\ntempp = 1",
		[]string{`4:1: unknown key "tempp" in [[scene]]; did you mean "tempo"?`}},
	{"scene tempo", "[[scene]]\ntempo = 10",
		[]string{"2:9: tempo 10 is out of range 20..999"}},

	// Tracks.
	{"color", "[[track]]\ncolor = \"#ff40\"",
		[]string{`2:9: color "#ff40": expected "#rrggbb", six hex digits like "#ff4000"`}},
	{"color type", "[[track]]\ncolor = 0xff4000",
		[]string{`2:9: color: expected a colour "#rrggbb", got number 16728064`}},
	{"volume range", "[[track]]\nvolume = 30",
		[]string{`2:10: volume 30 is out of range -144..12 dB (use "-inf" for silence)`}},
	{"volume +inf", "[[track]]\nvolume = inf",
		[]string{`2:10: volume inf is out of range`}},
	{"volume type", "[[track]]\nvolume = \"loud\"",
		[]string{`2:10: volume: expected a number of dB or "-inf", got string "loud"`}},
	{"pan", "[[track]]\npan = -2",
		[]string{"2:7: pan -2 is out of range -1..1"}},
	{"unknown instrument", "[[track]]\ninstrument = \"kitt\"\n[[instrument]]\nname = \"kit\"\nkind = \"sampler\"",
		[]string{`2:14: instrument "kitt" is not defined; did you mean "kit"?`}},
	{"soundfont program misspelt", "[[instrument]]\nname = \"p\"\nkind = \"soundfont\"\nfile = \"gm.sf2\"\nprogram = \"Acoustic Grand Pianno\"",
		[]string{`5:11: program "Acoustic Grand Pianno": not a General MIDI program name; did you mean "Acoustic Grand Piano"?`}},
	{"soundfont without file", "[[instrument]]\nname = \"p\"\nkind = \"soundfont\"\npreset = 128",
		[]string{`1:1: a soundfont instrument needs a file`, `4:10: preset 128 is out of range 0..127`}},
	{"soundfont file escapes", "[[instrument]]\nname = \"p\"\nkind = \"soundfont\"\nfile = \"../gm.sf2\"",
		[]string{`4:8: file "../gm.sf2": path escapes the set's folder`}},
	{"sampler with a file", "[[instrument]]\nname = \"p\"\nkind = \"sampler\"\nfile = \"gm.sf2\"",
		[]string{`4:1: file is for soundfont instruments`}},
	{"midi without port", "[[instrument]]\nname = \"s\"\nkind = \"midi\"\nchannel = 17",
		[]string{`1:1: a midi instrument needs a port`, `4:11: channel 17 is out of range 1..16`}},
	{"midi port empty", "[[instrument]]\nname = \"s\"\nkind = \"midi\"\nport = \" \"\nchannel = 0",
		[]string{`4:8: port must not be empty`, `5:11: channel 0 is out of range 1..16`}},
	{"midi port with an escape", "[[instrument]]\nname = \"s\"\nkind = \"midi\"\nport = \"Micro\\u001b[2J\"",
		[]string{`4:8: port must be on one line, without tabs or control characters`}},
	{"midi with zones and a file", "[[instrument]]\nname = \"s\"\nkind = \"midi\"\nport = \"Micro\"\nfile = \"gm.sf2\"\n[[instrument.zone]]\nkey = 1\nsample = \"a.wav\"",
		[]string{`5:1: file is for soundfont instruments; a midi sends its notes to a MIDI port`, `6:1: a midi instrument sends its notes to a MIDI port; zones are for samplers`}},
	{"sampler with a port", "[[instrument]]\nname = \"p\"\nkind = \"sampler\"\nport = \"x\"\nchannel = 2",
		[]string{`4:1: port is for midi instruments`, `5:1: channel is for midi instruments`}},
	{"instrument without instruments", "[[track]]\ninstrument = \"kit\"",
		[]string{`2:14: instrument "kit" is not defined; the set has no [[instrument]]`}},
	{"input of three channels", "[[track]]\nname = \"Guitar\"\ninput = \"1-3\"",
		[]string{`3:9: input "1-3": 3 channels; a track takes at most 2: one, such as "1", or a stereo pair, such as "1-2"`}},
	{"input backwards", "[[track]]\ninput = \"2-1\"",
		[]string{`2:9: input "2-1": write the lower channel first: "1-2"`}},
	{"input one channel as a pair", "[[track]]\ninput = \"3-3\"",
		[]string{`2:9: input "3-3": one channel is written "3"`}},
	{"input channel 0", "[[track]]\ninput = \"0-1\"",
		[]string{`2:9: input "0-1": channels count from 1`}},
	{"input channel too high", "[[track]]\ninput = \"64-65\"",
		[]string{`2:9: input "64-65": channel 65 is out of range 1..64`}},
	{"input word", "[[track]]\ninput = \"stereo\"",
		[]string{`2:9: input "stereo": expected "none", a channel such as "1", or a stereo pair such as "1-2"`}},
	{"input number", "[[track]]\ninput = 0",
		[]string{`2:9: input 0 is out of range 1..64`}},
	{"input type", "[[track]]\ninput = [1, 2]",
		[]string{`2:9: input: expected "none", a channel such as "1", or a stereo pair such as "1-2", got a list`}},
	{"input misspelt", "[[track]]\ninptu = \"1\"",
		[]string{`2:1: unknown key "inptu" in [[track]]; did you mean "input"?`}},
	{"input and instrument", "[[track]]\ninstrument = \"kit\"\ninput = \"1\"\n[[instrument]]\nname = \"kit\"\nkind = \"sampler\"",
		[]string{`3:1: a track is either an audio track (input) or an instrument track (instrument), not both`}},
	{"monitor", "[[track]]\nmonitor = \"of\"",
		[]string{`2:11: monitor "of": expected one of auto, in, off; did you mean "off"?`}},
	{"monitor type", "[[track]]\nmonitor = true",
		[]string{`2:11: monitor: expected one of auto, in, off, got true`}},
	{"overdub_level", "[[track]]\noverdub_level = 1.5",
		[]string{`2:17: overdub_level 1.5 is out of range 0..1`}},
	{"overdub_level in dB", "[[track]]\noverdub_level = \"-6 dB\"",
		[]string{`2:17: overdub_level: expected a number, got string "-6 dB"`}},
	{"monitor on an instrument track", "[[track]]\ninstrument = \"kit\"\nmonitor = \"in\"\noverdub_level = 0.5\n[[instrument]]\nname = \"kit\"\nkind = \"sampler\"",
		[]string{`3:1: monitor is for audio tracks: a track with an instrument records notes, not an input`,
			`4:1: overdub_level is for audio tracks: a track with an instrument records notes, not an input`}},
	{"misspelt clip table", "[[scene]]\n[[track]]\n  [[track.clips]]\n  scene = 0",
		[]string{`3:3: unknown key "clips" in [[track]]; did you mean "clip"?`}},

	// Clips.
	{"clip scene range", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 3\n  sample = \"a.wav\"",
		[]string{"4:11: scene 3 is out of range 0..0"}},
	{"clip scene type", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = \"0\"\n  sample = \"a.wav\"",
		[]string{`4:11: scene: expected a whole number, got string "0"`}},
	{"clip scene fraction", "[[scene]]\n[[track]]\nclip = [ { scene = 0.5, sample = \"a.wav\" } ]",
		[]string{`3:20: scene: expected a whole number, got number 0.5`}},
	{"clip without scenes", "[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"",
		[]string{"3:11: scene 0 is out of range: the set has no [[scene]] rows"}},
	{"duplicate slot", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"",
		[]string{"7:11: scene 0 already has a clip in this track, at line 3"}},
	{"clip without scene", "[[scene]]\n[[track]]\n  [[track.clip]]\n  sample = \"a.wav\"",
		[]string{"3:3: clip needs a scene: the row it sits in, from 0 (top) to 0"}},
	{"clip with sample and notes", "[[scene]]\n[[track]]\ninstrument = \"i\"\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  notes = []\n  length = 4\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{"7:3: a clip has either sample (an audio clip) or notes (a note clip), not both"}},
	{"clip with neither", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0",
		[]string{"3:3: clip needs sample (an audio clip), or notes or midi (a note clip)"}},
	{"unknown clip key", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  sampel = \"b.wav\"",
		[]string{`6:3: unknown key "sampel" in [[track.clip]]; did you mean "sample"?`}},
	{"launch", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  launch = \"trig\"",
		[]string{`6:12: launch "trig": expected one of trigger, gate, toggle, repeat; did you mean "trigger"?`}},
	{"legato type", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  legato = \"yes\"",
		[]string{`6:12: legato: expected true or false, got string "yes"`}},
	{"loop_fade range", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  loop_fade = 500",
		[]string{`6:15: loop_fade 500 is out of range 0..100`}},
	{"loop_fade on notes", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  notes = []\n  length = 4\n  loop_fade = 2",
		[]string{`5:3: a note clip needs an instrument to play it: add instrument = "…" to its [[track]]`, `7:3: loop_fade is for audio clips: a note clip's loop restarts its notes, not a sample`}},
	{"ram on notes", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  notes = []\n  length = 4\n  ram = true",
		[]string{`5:3: a note clip needs an instrument to play it: add instrument = "…" to its [[track]]`, `7:3: ram is for audio clips: a note clip's instrument always holds its samples in memory`}},
	{"loop type", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  loop = 1",
		[]string{`6:10: loop: expected true or false, got number 1`}},
	{"clip length", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  length = \"0 bars\"",
		[]string{`6:12: length "0 bars": expected one of 1/32`}},
	{"clip length none", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  length = \"none\"",
		[]string{`6:12: length "none": must be longer than zero`}},
	{"clip gain", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  gain = -200",
		[]string{`6:10: gain -200 is out of range -144..12 dB`}},
	{"clip quantize", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  quantize = \"3 beats\"",
		[]string{`6:14: quantize "3 beats": expected one of none, 1/32`}},

	// Follow actions.
	{"follow type", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  follow = \"next\"",
		[]string{`6:12: follow: expected a table like { after = "4 bars", action = "next" }, got string "next"`}},
	{"follow missing keys", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  follow = { chance = 0.5 }",
		[]string{
			`6:12: follow needs after: how long the clip plays before the action, such as after = "4 bars"`,
			"6:12: follow needs an action: one of next, previous, first, last, any, other, again, stop",
		}},
	{"follow values", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  follow = { after = 0, action = \"sideways\", chance = 1.5, other = \"nxt\" }",
		[]string{
			"6:22: follow after 0: a number of beats must be more than 0",
			`6:34: follow action "sideways": expected one of none, next, previous, first, last, any, other, again, stop`,
			"6:55: follow chance 1.5 is out of range 0..1",
			`6:68: follow other "nxt": expected one of none, next, previous, first, last, any, other, again, stop; did you mean "next"?`,
		}},
	{"follow unknown key", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"a.wav\"\n  [track.clip.follow]\n  after = 4\n  action = \"stop\"\n  chanse = 0.5",
		[]string{`9:3: unknown key "chanse" in follow; did you mean "chance"?`}},

	// Notes.
	{"note clip without length", "[[scene]]\n[[track]]\ninstrument = \"i\"\n  [[track.clip]]\n  scene = 0\n  notes = []\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{`4:3: a note clip needs a length, such as length = "1 bar"`}},
	{"note clip without instrument", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  length = 4\n  notes = []",
		[]string{`6:3: a note clip needs an instrument to play it: add instrument = "…" to its [[track]]`}},
	{"notes type", "[[scene]]\n[[track]]\ninstrument = \"i\"\n  [[track.clip]]\n  scene = 0\n  length = 4\n  notes = 36\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{`7:11: notes: expected a list of notes like [ { at = 0, key = 36 } ], got number 36`}},
	{"note values", "[[scene]]\n[[track]]\ninstrument = \"i\"\n  [[track.clip]]\n  scene = 0\n  length = \"1 bar\"\n  notes = [ { at = 0, key = 200 }, { at = 4, key = 36 }, { at = 1, key = 36, vel = 0, len = 0 }, 7 ]\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{
			"7:29: note key 200 is out of range 0..127",
			"7:43: note at 4 starts at or after the end of the clip (length 1 bar = 4 beats)",
			"7:84: note vel 0 is out of range 1..127",
			"7:93: note len 0: must be more than 0 beats",
			"7:98: notes: expected a note like { at = 0, key = 36 }, got number 7",
		}},
	// Before issue 9 a negative len said "out of range 0..40000", though 0
	// is refused too, and integers were spelt as floats (9.223372036854776e+18).
	{"note len and huge integers", "tempo = 9223372036854775807\n[[scene]]\n[[track]]\ninstrument = \"i\"\n  [[track.clip]]\n  scene = -9223372036854775808\n  length = 4\n  notes = [ { at = 0, key = 36, len = -1 }, { at = 1, key = 36, len = 40001 } ]\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{
			"1:9: tempo 9223372036854775807 is out of range 20..999",
			"6:11: scene -9223372036854775808 is out of range 0..0",
			"8:39: note len -1: must be more than 0 beats",
			"8:71: note len 40001 is too long: the limit is 40000 beats",
		}},
	{"note missing keys", "[[scene]]\n[[track]]\ninstrument = \"i\"\n  [[track.clip]]\n  scene = 0\n  length = 4\n  notes = [ { velocity = 3 } ]\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{
			"7:13: note needs at: its start in beats from the start of the clip",
			"7:13: note needs a key: its MIDI note number, 0..127 (60 is middle C)",
			`7:15: unknown key "velocity" in a note; did you mean "vel"?`,
		}},
	{"note key fraction", "[[scene]]\n[[track]]\ninstrument = \"i\"\n  [[track.clip]]\n  scene = 0\n  length = 4\n  notes = [ { at = 0, key = 36.5 } ]\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{"7:29: note key: expected a whole number, got number 36.5"}},

	// Samples.
	{"sample escapes", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"../x.wav\"",
		[]string{`5:12: sample "../x.wav": path escapes the set's folder`}},
	{"sample escapes deep", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"samples/../../x.wav\"",
		[]string{`5:12: sample "samples/../../x.wav": path escapes the set's folder`}},
	{"sample absolute", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"/etc/passwd\"",
		[]string{`5:12: sample "/etc/passwd": the path is absolute; write it relative to the set's folder`}},
	{"sample backslash", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = 'samples\\a.wav'",
		[]string{`5:12: sample "samples\\a.wav": use "/" to separate folders, not "\"`}},
	{"sample empty", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"\"",
		[]string{`5:12: sample: the path is empty`}},
	{"sample missing", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"samples/nope.wav\"",
		[]string{`5:12: sample "samples/nope.wav": file not found`}},
	{"sample is a folder", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  sample = \"samples\"",
		[]string{`5:12: sample "samples": not a sound file (it is a folder or a device)`}},

	// Instruments.
	{"instrument kind", "[[instrument]]\nname = \"i\"\nkind = \"synth\"",
		[]string{`3:8: kind "synth": expected one of sampler, soundfont, midi`}},
	{"instrument without name or kind", "[[instrument]]\nzone = []",
		[]string{
			"1:1: instrument needs a name, which tracks use to refer to it",
			"1:1: instrument needs a kind: one of sampler",
		}},
	{"instrument duplicate", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\n\n[[instrument]]\nname = \"i\"\nkind = \"sampler\"",
		[]string{`6:8: instrument "i" is already defined, at line 1`}},
	{"zone range", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  low = 60\n  high = 48\n  root = 50\n  sample = \"a.wav\"",
		[]string{"5:9: low 60 is above high 48"}},
	{"zone without keys", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  low = 60\n  sample = \"a.wav\"",
		[]string{"4:3: zone needs a key, or low and high for a range of keys"}},
	{"zone without root", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  low = 48\n  high = 60\n  sample = \"a.wav\"",
		[]string{"4:3: zone with low and high but no key needs a root"}},
	{"zone key outside range", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\nzone = [ { key = 30, low = 36, high = 48, sample = \"a.wav\" } ]",
		[]string{"4:18: key 30 is outside low..high (36..48)"}},
	{"zone key range", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\nzone = [ { key = 128, sample = \"a.wav\" } ]",
		[]string{"4:18: key 128 is out of range 0..127"}},
	{"zone without sample", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  key = 36\n  gate = 1",
		[]string{"4:3: zone needs a sample", "6:10: gate: expected true or false, got number 1"}},
	{"zone unknown key", "[[instrument]]\nname = \"i\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  key = 36\n  sample = \"a.wav\"\n  pitch = 2",
		[]string{`7:3: unknown key "pitch" in [[instrument.zone]]; valid keys are key, low, high, root, sample, gain, gate`}},

	// Syntax, encoding and bombs.
	{"unterminated string", `name = "abc`,
		[]string{`1:11: syntax error: unexpected EOF; expected '"'`}},
	{"missing value", "tempo = \nname = \"x\"",
		[]string{"1:9: syntax error: expected value but found '\\n' instead"}},
	{"duplicate key", "tempo = 120\ntempo = 130",
		[]string{"2:1: syntax error: Key 'tempo' has already been defined."}},
	{"unquoted text", "[[scene]]\n[[track]]\n  [[track.clip]]\n  scene = 0\n  launch = trigger",
		[]string{`5:12: syntax error: expected value but found "trigger" instead; text needs quotes: launch = "trigger"`}},
	{"unquoted colour", "[[track]]\ncolor = #ff4000",
		[]string{`2:9: syntax error: expected value but found '#' instead; # outside quotes starts a comment, so write color = "#rrggbb"`}},
	{"clip before any track", "[[scene]]\n[[track.clip]]\nscene = 0",
		[]string{"2:3: track must be a list of [[track]] tables: write [[track]] with double brackets (is a [[track]] line missing above [[track.clip]]?)"}},
	{"bad header", "[[track]\nname = \"x\"",
		[]string{"1:8: syntax error: expected end of table array name delimiter ']'"}},
	{"not UTF-8", "name = \"caf\xe9\"",
		[]string{"1:12: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"}},
	{"too deep", "a = " + strings.Repeat("[", 40) + strings.Repeat("]", 40),
		[]string{"1:37: nested too deeply: more than 32 levels of [ ] and { }"}},
	{"too deep inline tables", "\n\nx = " + strings.Repeat("{a=", 33) + "1" + strings.Repeat("}", 33),
		[]string{"3:101: nested too deeply"}},
	{"dotted key", strings.Repeat("a.", 40) + "a = 1",
		[]string{"1:64: key has too many dotted parts: more than 32"}},
	{"deep in a string is fine", "name = \"" + strings.Repeat("[", 100) + "\"\ntempo = 1",
		[]string{"2:9: tempo 1 is out of range"}},
	{"too many tracks", strings.Repeat("[[track]]\n", MaxTracks+1),
		[]string{"257:1: too many tracks: 257; the limit is 256"}},
	{"too many scenes", strings.Repeat("[[scene]]\n", MaxScenes+1),
		[]string{"1025:1: too many scenes: 1025; the limit is 1024"}},
	{"too many instruments", func() string {
		var b strings.Builder
		for i := range MaxInstruments + 1 {
			fmt.Fprintf(&b, "[[instrument]]\nkind = \"sampler\"\nname = \"i%d\"\n", i)
		}
		return b.String()
	}(),
		[]string{"769:1: too many instruments: 257; the limit is 256"}},
	{"too many problems", strings.Repeat("[[scene]]\ntempo = 1\n", 250),
		append(func() (w []string) {
			for i := range maxReported {
				w = append(w, fmt.Sprintf("%d:9: tempo 1 is out of range", 2*i+2))
			}
			return w
		}(), "402:9: too many problems; 50 more not shown")},
}

// sampleFS holds the files the malformed sets' samples refer to.
func sampleFS(set string) fstest.MapFS {
	return fstest.MapFS{
		"set.toml":        {Data: []byte(set)},
		"a.wav":           {Data: []byte("RIFF")},
		"samples/a.wav":   {Data: []byte("RIFF")},
		"samples/ok.wav":  {Data: []byte("RIFF")},
		"samples/sub/x.w": {Data: []byte("RIFF")},
	}
}

func TestLoad_Malformed(t *testing.T) {
	if len(malformed) < 30 {
		t.Fatalf("only %d malformed sets; want at least 30", len(malformed))
	}
	for _, tt := range malformed {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(sampleFS(tt.src), "set.toml")
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("Load: got %v (%T), want Errors", err, err)
			}
			if len(es) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(es), len(tt.want), err)
			}
			for i, e := range es {
				if e.File != "set.toml" {
					t.Errorf("File = %q, want set.toml", e.File)
				}
				got := e.Pos.String() + ": " + e.Msg
				if !strings.HasPrefix(tt.want[i], e.Pos.String()+": ") || !strings.Contains(got, tt.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant %s…", i, got, tt.want[i])
				}
			}
		})
	}
}

// TestParse_MalformedAgreesWithLoad: Parse finds the same problems as Load,
// apart from the ones only the file system can reveal.
func TestParse_MalformedAgreesWithLoad(t *testing.T) {
	for _, tt := range malformed {
		_, perr := Parse("set.toml", []byte(tt.src))
		_, lerr := Load(sampleFS(tt.src), "set.toml")
		if perr == nil {
			if lerr == nil || !strings.Contains(lerr.Error(), "sample") {
				t.Errorf("%s: Parse accepted it, Load said %v", tt.name, lerr)
			}
			continue
		}
		// Load reports what Parse does, and may add sample problems.
		if !containsLines(lerr.Error(), perr.Error()) {
			t.Errorf("%s: Parse said\n%v\nLoad said\n%v", tt.name, perr, lerr)
		}
	}
}

// containsLines reports whether every line of sub is a line of s.
func containsLines(s, sub string) bool {
	have := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		have[l] = true
	}
	for _, l := range strings.Split(sub, "\n") {
		if !have[l] {
			return false
		}
	}
	return true
}
