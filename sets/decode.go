package sets

import (
	"fmt"
	"math"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
	"gridbox/music"
	"gridbox/soundfont"
)

// Limits on what a set may contain. A real set is far smaller; the limits
// bound the work and memory a malformed or hostile file can cause.
const (
	MinTempo       = 20  // BPM
	MaxTempo       = 999 // BPM
	MaxTracks      = 256
	MaxScenes      = 1024
	MaxInstruments = 256
	MaxZones       = 1024    // per instrument
	MaxNotes       = 100_000 // per clip
	MaxNameLen     = 256     // characters, for every name
	MaxPathLen     = 1024    // bytes, for sample paths
	MaxGain        = 12.0    // dB, for volume and gain
	MinGain        = -144.0  // dB; below that, write "-inf"
	DefaultTempo   = 120.0
	DefaultNoteLen = 0.25 // beats
	DefaultNoteVel = 100
	// DefaultLoopFade and MaxLoopFade bound a clip's loop_fade, in
	// milliseconds.
	DefaultLoopFade = 5.0
	MaxLoopFade     = 100.0
	// DefaultMetronomeVolume is the click's level without a
	// metronome_volume key, in dB.
	DefaultMetronomeVolume = -6.0
	// DefaultScale is the key of a set without a scale key.
	DefaultScale = "C major"
	// DefaultMaxTake and MaxTakeBars bound max_take: how many bars a
	// free-length audio take may last.
	DefaultMaxTake = 32
	MaxTakeBars    = 1024
)

// A decoder turns the generic values from the TOML parser into a Set,
// checking every type, range and cross-reference. It records problems and
// the Pos fields to fill by node; positions are looked up in one pass over
// the text at the end (see parse). The machinery of checking keys, types
// and ranges is internal/tomlpos's, shared with package config; what is
// here is a set's schema.
type decoder struct {
	probs tomlpos.Problems
	reqs  []posReq
}

// A posReq asks for a Pos field to be filled in.
type posReq struct {
	n   *tomlpos.Node
	val bool
	dst *Pos
}

func (d *decoder) posOf(n *tomlpos.Node, val bool, dst *Pos) {
	d.reqs = append(d.reqs, posReq{n: n, val: val, dst: dst})
}

// A table is a TOML table of a set being decoded, with the getters for a
// set's own kinds of value beside tomlpos's.
type table struct{ *tomlpos.Table }

// table returns the table m at n; where and prefix are as for
// tomlpos.Table.
func (d *decoder) table(m map[string]any, n *tomlpos.Node, where, prefix string) table {
	return table{&tomlpos.Table{P: &d.probs, M: m, N: n, Where: where, Prefix: prefix}}
}

// str returns the string at k, at most maxLen characters long.
func (t table) str(k string, maxLen int) (string, bool) {
	s, ok := t.Str(k, "a string")
	if !ok || !t.P.MaxChars(t.Child(k), t.What(k), s, maxLen) {
		return "", false
	}
	return s, true
}

// beats returns the number of beats at k, which must be more than 0 and at
// most MaxBeats.
func (t table) beats(k string) (float64, bool) {
	v := t.M[k]
	what := t.What(k)
	f, isNum := tomlpos.Number(v)
	switch {
	case !isNum:
		t.TypeErr(k, "a number of beats", v)
	case !(f > 0):
		t.P.Addf(t.Child(k), true, "%s %s: must be more than 0 beats", what, spell.Value(v))
	case f > MaxBeats:
		t.P.Addf(t.Child(k), true, "%s %s is too long: the limit is %d beats", what, spell.Value(v), MaxBeats)
	default:
		return f, true
	}
	return 0, false
}

// gain returns a level in dB: a number from MinGain to MaxGain, or "-inf"
// (written as a string or as the TOML float -inf) for silence.
func (t table) gain(k string) (float64, bool) {
	v, ok := t.M[k]
	if !ok {
		return 0, false
	}
	if s, ok := v.(string); ok && strings.EqualFold(strings.TrimSpace(s), "-inf") {
		return math.Inf(-1), true
	}
	if f, ok := v.(float64); ok && math.IsInf(f, -1) {
		return f, true
	}
	f, isNum := tomlpos.Number(v)
	if !isNum {
		t.TypeErr(k, `a number of dB or "-inf"`, v)
		return 0, false
	}
	if !(f >= MinGain && f <= MaxGain) {
		t.P.Addf(t.Child(k), true, `%s %s is out of range %s..%s dB (use "-inf" for silence)`,
			t.What(k), spell.Value(v), spell.Number(MinGain), spell.Number(MaxGain))
		return 0, false
	}
	return f, true
}

func (t table) duration(k string, allowNone bool) (Duration, bool) {
	v, ok := t.M[k]
	if !ok {
		return Duration{}, false
	}
	d, msg := durationValue(v, t.What(k), allowNone)
	if msg != "" {
		t.P.Add(t.Child(k), true, msg)
		return Duration{}, false
	}
	return d, true
}

// key returns the musical key at k, such as "D dorian" (music.ParseKey).
func (t table) key(k string) (music.Key, bool) {
	s, ok := t.str(k, MaxNameLen)
	if !ok {
		return music.Key{}, false
	}
	key, err := music.ParseKey(s)
	if err != nil {
		t.P.Addf(t.Child(k), true, "%s %s: %v", t.What(k), spell.Quote(s), err)
		return music.Key{}, false
	}
	return key, true
}

// choice returns the duration at k, which must be written as one of
// choices (each a string ParseDuration reads; "none" for zero). Spelling
// variants ParseDuration accepts ("1 BAR", "2bars") count.
func (t table) choice(k string, choices []string) (Duration, bool) {
	words := strings.Join(choices, ", ")
	s, ok := t.Str(k, "one of "+words)
	if !ok {
		return Duration{}, false
	}
	if d, err := ParseDuration(s); err == nil {
		for _, c := range choices {
			if cd, _ := ParseDuration(c); cd == d {
				return d, true
			}
		}
	}
	t.P.Addf(t.Child(k), true, "%s %s: expected one of %s%s", t.What(k), spell.Quote(s), words, spell.DidYouMean(s, choices, false))
	return Duration{}, false
}

// bars returns the whole number of bars at k, or the zero Duration for
// "none".
func (t table) bars(k string) (Duration, bool) {
	const want = `"none" or a number of bars, such as "1 bar", "2 bars", "4 bars"`
	s, ok := t.Str(k, want)
	if !ok {
		return Duration{}, false
	}
	d, err := ParseDuration(s)
	if err != nil || !(d.IsZero() || d.Unit == Bars) {
		t.P.Addf(t.Child(k), true, "%s %s: expected %s", t.What(k), spell.Quote(s), want)
		return Duration{}, false
	}
	return d, true
}

// tables returns the tables of the array of tables at k, as
// tomlpos.Table.Tables does.
func (t table) tables(k, header, plural string, limit int) []table {
	ts := t.Tables(k, header, plural, limit)
	out := make([]table, len(ts))
	for i, tt := range ts {
		out[i] = table{tt}
	}
	return out
}

// A setDecoder holds what decoding one set needs across tables.
type setDecoder struct {
	*decoder
	set *Set
	bpb float64 // beats per bar, 0 if the time signature is bad (or unknown: a takes file)
	// takes is set when decoding a takes file: its clips' scenes may be
	// any row up to MaxScenes, and the set they merge into is not known.
	takes bool
}

func (d *decoder) decodeSet(file string, raw map[string]any) *Set {
	s := &Set{
		File:          file,
		Name:          strings.TrimSuffix(path.Base(file), path.Ext(file)),
		Tempo:         DefaultTempo,
		TimeSignature: TimeSignature{4, 4},
		Quantize:      Duration{N: 1, Unit: Bars},
		Key:           defaultKey(),
		Record:        DefaultRecord(),
	}
	if file == "" {
		s.Name = ""
	}
	sd := &setDecoder{decoder: d, set: s}
	root := d.table(raw, nil, "at the top level", "")
	root.Unknown([]string{"name", "tempo", "time_signature", "quantize", "scale",
		"count_in", "record_quantize", "fixed_length", "metronome", "metronome_volume",
		"max_take", "scene", "track", "instrument", "midi"}, nil)
	if v, ok := root.str("name", MaxNameLen); ok {
		s.Name = v
	}
	if v, ok := root.Num("tempo", MinTempo, MaxTempo); ok {
		s.Tempo = v
	}
	tsOK := true
	if v, ok := root.M["time_signature"]; ok {
		s.TimeSignature, tsOK = sd.timeSignature(root.Child("time_signature"), v)
	}
	if tsOK {
		sd.bpb = s.BeatsPerBar()
	}
	if v, ok := root.duration("quantize", true); ok {
		s.Quantize = v
	}
	if v, ok := root.key("scale"); ok {
		s.Key = v
	}
	sd.record(root, &s.Record)
	sd.midiTable(root, &s.MIDI)

	instruments := root.tables("instrument", "[[instrument]]", "instruments", MaxInstruments)
	if len(instruments) > 0 {
		s.Instruments = make([]Instrument, len(instruments))
	}
	for i, t := range instruments {
		sd.instrument(t, &s.Instruments[i])
	}
	sd.checkInstrumentNames(instruments)

	scenes := root.tables("scene", "[[scene]]", "scenes", MaxScenes)
	s.Scenes = make([]Scene, len(scenes))
	for i, t := range scenes {
		sd.scene(t, &s.Scenes[i])
	}

	tracks := root.tables("track", "[[track]]", "tracks", MaxTracks)
	s.Tracks = make([]Track, len(tracks))
	for i, t := range tracks {
		sd.track(t, i, &s.Tracks[i])
	}
	if len(s.Scenes) == 0 {
		s.Scenes = nil
	}
	if len(s.Tracks) == 0 {
		s.Tracks = nil
	}
	return s
}

// countIns and recordQuantizes are what count_in and record_quantize may
// be.
var (
	countIns        = []string{"none", "1 bar", "2 bars"}
	recordQuantizes = []string{"none", "1/4", "1/8", "1/16", "1/32"}
)

// record reads the session-recording keys of the top level.
func (sd *setDecoder) record(root table, r *Record) {
	if v, ok := root.choice("count_in", countIns); ok {
		r.CountIn = v
	}
	if v, ok := root.choice("record_quantize", recordQuantizes); ok {
		r.Quantize = v
	}
	if v, ok := root.bars("fixed_length"); ok {
		r.Length = v
	}
	if v, ok := root.Bool("metronome"); ok {
		r.Metronome = v
	}
	if v, ok := root.gain("metronome_volume"); ok {
		r.MetronomeVolume = v
	}
	if v, ok := root.M["max_take"]; ok {
		if _, isNum := tomlpos.Number(v); !isNum {
			root.TypeErr("max_take", "a whole number of bars, such as max_take = 32", v)
		} else if n, ok := root.Int("max_take", 1, MaxTakeBars); ok {
			r.MaxTake = n
		}
	}
}

func defaultKey() music.Key {
	k, err := music.ParseKey(DefaultScale)
	if err != nil {
		panic(err)
	}
	return k
}

func (sd *setDecoder) timeSignature(n *tomlpos.Node, v any) (TimeSignature, bool) {
	ts := TimeSignature{4, 4}
	arr, ok := v.([]any)
	if !ok {
		sd.probs.Addf(n, true, "time_signature: expected two numbers like [4, 4] or [6, 8], got %s", spell.Describe(v))
		return ts, false
	}
	if len(arr) != 2 {
		sd.probs.Addf(n, true, "time_signature: expected two numbers like [4, 4] or [6, 8] (beats per bar, note value), got a list of %d", len(arr))
		return ts, false
	}
	num, ok1 := sd.probs.Int(n.Elem(0), "time_signature numerator", arr[0], 1, 32)
	den, ok2 := sd.probs.Int(n.Elem(1), "time_signature denominator", arr[1], math.MinInt32, math.MaxInt32)
	if ok2 && !slices.Contains([]int{1, 2, 4, 8, 16, 32}, den) {
		sd.probs.Addf(n.Elem(1), true, "time_signature denominator %d must be one of 1, 2, 4, 8, 16, 32", den)
		ok2 = false
	}
	if !ok1 || !ok2 {
		return ts, false
	}
	return TimeSignature{num, den}, true
}

func (sd *setDecoder) scene(t table, sc *Scene) {
	t.Where = "in [[scene]]"
	t.Unknown([]string{"name", "tempo"}, nil)
	sd.posOf(t.N, false, &sc.Pos)
	sc.Name, _ = t.str("name", MaxNameLen)
	sc.Tempo, _ = t.Num("tempo", MinTempo, MaxTempo)
}

var followKeys = []string{"after", "action", "chance", "other"}

func (sd *setDecoder) track(t table, index int, tr *Track) {
	t.Where = "in [[track]]"
	t.Unknown([]string{"name", "color", "volume", "pan", "instrument", "scale", "input", "monitor", "overdub_level", "clip"}, nil)
	sd.posOf(t.N, false, &tr.Pos)
	tr.Name, _ = t.str("name", MaxNameLen)
	tr.Key = sd.set.Key
	if v, ok := t.key("scale"); ok {
		tr.Key = v
	}
	tr.Color = DefaultColor(index)
	if v, ok := t.M["color"]; ok {
		if c, ok := parseColor(v); ok {
			tr.Color = c
		} else if s, isStr := v.(string); isStr {
			sd.probs.Addf(t.Child("color"), true, `color %s: expected "#rrggbb", six hex digits like "#ff4000"`, spell.Quote(s))
		} else {
			t.TypeErr("color", `a colour "#rrggbb"`, v)
		}
	}
	tr.Volume, _ = t.gain("volume")
	tr.Pan, _ = t.Num("pan", -1, 1)
	if name, ok := t.str("instrument", MaxNameLen); ok {
		tr.Instrument = name
		if sd.set.Instrument(name) == nil {
			sd.probs.Add(t.Child("instrument"), true, sd.unknownInstrument(name))
		}
	}
	sd.audioInput(t, tr)

	clips := t.tables("clip", "[[track.clip]]", "clips in one track", MaxScenes)
	tr.Clips = make([]Clip, len(clips))
	slots := make(map[int]*tomlpos.Node, len(clips)) // scene → first clip there
	noInstrumentReported := false
	for i, ct := range clips {
		c := &tr.Clips[i]
		sd.clip(ct, c)
		if ct.Has("scene") && c.Scene >= 0 {
			if first, dup := slots[c.Scene]; dup {
				scene := c.Scene
				sd.probs.AddLater(ct.Child("scene"), true, func(ix *tomlpos.Index) string {
					return fmt.Sprintf("scene %d already has a clip in this track, at line %d", scene, ix.Key(first).Line)
				})
			} else {
				slots[c.Scene] = ct.N
			}
		}
		if k := noteKey(ct); k != "" && !t.Has("instrument") && !noInstrumentReported {
			noInstrumentReported = true
			sd.probs.Addf(ct.Child(k), false, "a note clip needs an instrument to play it: add instrument = \"…\" to its [[track]]")
		}
	}
	if len(tr.Clips) == 0 {
		tr.Clips = nil
	}
}

// audioInput reads a track's input, monitor and overdub_level: the keys
// of an audio track, which a track with an instrument is not.
func (sd *setDecoder) audioInput(t table, tr *Track) {
	tr.OverdubLevel = 1
	if v, ok := t.M["input"]; ok {
		switch v := v.(type) {
		case string:
			in, err := ParseInput(v)
			if err != nil {
				sd.probs.Addf(t.Child("input"), true, "input %s: %v", spell.Quote(v), err)
			}
			tr.Input = in
		case int64, float64:
			if ch, ok := t.Int("input", 1, MaxInputChannel); ok {
				tr.Input = Input{First: ch - 1, Channels: 1}
			}
		default:
			t.TypeErr("input", `"none", a channel such as "1", or a stereo pair such as "1-2"`, v)
		}
	}
	if v, ok := t.Enum("monitor", monitorNames); ok {
		tr.Monitor = Monitor(v)
	}
	if v, ok := t.Num("overdub_level", 0, 1); ok {
		tr.OverdubLevel = v
	}
	if !t.Has("instrument") {
		return
	}
	if tr.Input.Channels > 0 {
		sd.probs.Addf(t.Child("input"), false, "a track is either an audio track (input) or an instrument track (instrument), not both")
		return
	}
	for _, k := range []string{"monitor", "overdub_level"} {
		if t.Has(k) {
			sd.probs.Addf(t.Child(k), false, "%s is for audio tracks: a track with an instrument records notes, not an input", k)
		}
	}
}

// noteKey returns the key that makes the clip t a note clip, notes or
// midi, or "" for neither.
func noteKey(t table) string {
	switch {
	case t.Has("notes"):
		return "notes"
	case t.Has("midi"):
		return "midi"
	}
	return ""
}

func (sd *setDecoder) unknownInstrument(name string) string {
	names := make([]string, len(sd.set.Instruments))
	for i := range sd.set.Instruments {
		names[i] = sd.set.Instruments[i].Name
	}
	msg := "instrument " + spell.Quote(name) + " is not defined"
	switch {
	case len(names) == 0:
		return msg + "; the set has no [[instrument]]"
	case spell.Suggest(name, names) != "":
		return msg + spell.DidYouMean(name, names, false)
	}
	return msg + "; defined: " + strings.Join(names, ", ")
}

// clipKeys are the keys of a [[track.clip]]; a takes file's clips may
// also be empty slots.
var (
	clipKeys     = []string{"scene", "name", "sample", "notes", "midi", "track", "channel", "loop", "length", "gain", "launch", "quantize", "legato", "loop_fade", "ram", "follow"}
	takeClipKeys = append(slices.DeleteFunc(slices.Clone(clipKeys), isMIDIKey), "empty")
)

// isMIDIKey reports whether k is one of a clip's keys naming a MIDI file
// and its notes to take, which a takes file does not have: it holds the
// notes themselves.
func isMIDIKey(k string) bool { return k == "midi" || k == "track" || k == "channel" }

// MaxMIDITrack is the highest track a clip's track key may pick: an SMF
// header counts its tracks in 16 bits.
const MaxMIDITrack = 65535

func (sd *setDecoder) clip(t table, c *Clip) {
	t.Where = "in [[track.clip]]"
	keys := clipKeys
	var elsewhere func(string) string
	if sd.takes {
		keys = takeClipKeys
		elsewhere = func(k string) string {
			if isMIDIKey(k) {
				return "; a takes file holds a note clip's notes themselves, not a MIDI file"
			}
			return ""
		}
	}
	t.Unknown(keys, elsewhere)
	sd.posOf(t.N, false, &c.Pos)
	c.Scene = -1
	nScenes := len(sd.set.Scenes)
	if sd.takes {
		if t.Require("scene", "clip needs a scene: the row it sits in, from 0 (top)") {
			c.Scene, _ = t.Int("scene", 0, MaxScenes-1)
		}
	} else if t.Require("scene", fmt.Sprintf("clip needs a scene: the row it sits in, from 0 (top) to %d", max(nScenes-1, 0))) {
		if nScenes == 0 {
			if v, ok := t.Int("scene", 0, MaxScenes); ok {
				sd.probs.Addf(t.Child("scene"), true, "scene %d is out of range: the set has no [[scene]] rows", v)
			}
		} else if v, ok := t.Int("scene", 0, nScenes-1); ok {
			c.Scene = v
		}
	}
	c.Name, _ = t.str("name", MaxNameLen)

	hasSample, hasNotes := t.Has("sample"), t.Has("notes")
	hasMIDI := t.Has("midi") && !sd.takes
	switch {
	case hasSample && hasNotes:
		sd.probs.Addf(t.Child("notes"), false, "a clip has either sample (an audio clip) or notes (a note clip), not both")
	case hasSample && hasMIDI:
		sd.probs.Addf(t.Child("midi"), false, "a clip has either sample (an audio clip) or midi (a note clip from a MIDI file), not both")
	case hasNotes && hasMIDI:
		sd.probs.Addf(t.Child("midi"), false, "a note clip has either notes (written here) or midi (taken from a MIDI file), not both")
	case !hasSample && !hasNotes && !hasMIDI && sd.takes:
		sd.probs.Addf(t.N, true, "clip needs either sample (an audio clip) or notes (a note clip)")
	case !hasSample && !hasNotes && !hasMIDI:
		sd.probs.Addf(t.N, true, "clip needs sample (an audio clip), or notes or midi (a note clip)")
	}
	if hasSample {
		sd.filePath(t, "sample", &c.Sample, &c.SamplePos)
	}
	if !sd.takes {
		sd.midi(t, c, hasMIDI && !hasSample && !hasNotes)
	}

	c.Loop = !hasSample
	if v, ok := t.Bool("loop"); ok {
		c.Loop = v
	}
	lengthOK := false
	if t.Has("length") {
		c.Length, lengthOK = t.duration("length", false)
	} else if hasNotes && !hasSample && !hasMIDI {
		sd.probs.Addf(t.N, true, `a note clip needs a length, such as length = "1 bar"`)
	}
	c.Gain, _ = t.gain("gain")
	if v, ok := t.Enum("launch", launchNames); ok {
		c.Launch = LaunchMode(v)
	}
	if v, ok := t.duration("quantize", true); ok {
		c.Quantize = &v
	}
	c.Legato, _ = t.Bool("legato")
	if hasSample {
		c.LoopFade = DefaultLoopFade
		if v, ok := t.Num("loop_fade", 0, MaxLoopFade); ok {
			c.LoopFade = v
		}
	} else if t.Has("loop_fade") {
		sd.probs.Addf(t.Child("loop_fade"), false, "loop_fade is for audio clips: a note clip's loop restarts its notes, not a sample")
	}
	if v, ok := t.Bool("ram"); ok {
		if hasSample {
			c.RAM = v
		} else {
			sd.probs.Addf(t.Child("ram"), false, "ram is for audio clips: a note clip's instrument always holds its samples in memory")
		}
	}
	if v, ok := t.M["follow"]; ok {
		if m, ok := v.(map[string]any); ok {
			c.Follow = sd.follow(sd.table(m, t.Child("follow"), "in follow", "follow "))
		} else {
			t.TypeErr("follow", `a table like { after = "4 bars", action = "next" }`, v)
		}
	}
	if hasNotes && !hasMIDI {
		end := -1.0 // unknown
		switch {
		case lengthOK && sd.bpb > 0:
			end = c.Length.Beats(sd.bpb)
		case lengthOK && c.Length.Unit == Beats:
			end = c.Length.N
		}
		c.Notes = sd.notes(t, end, c.Length)
	}
}

// midi reads a clip's midi, track and channel keys; use is whether the
// clip is a note clip from a MIDI file (otherwise its midi key has been
// reported already).
func (sd *setDecoder) midi(t table, c *Clip, use bool) {
	for _, k := range []string{"track", "channel"} {
		if t.Has(k) && !t.Has("midi") {
			sd.probs.Addf(t.Child(k), false, "%s is for a note clip taken from a MIDI file: it picks the file's notes, with midi = \"….mid\"", k)
		}
	}
	if !t.Has("midi") {
		return
	}
	m := &MIDISource{}
	sd.filePath(t, "midi", &m.Path, &m.Pos)
	if v, ok := t.Int("track", 1, MaxMIDITrack); ok {
		m.Track = v
		sd.posOf(t.Child("track"), true, &m.TrackPos)
	}
	if v, ok := t.Int("channel", 1, 16); ok {
		m.Channel = v
	}
	if use && m.Path != "" {
		c.MIDI = m
		if !t.Has("length") {
			m.LengthFromFile = true
			c.Length = Duration{N: 1, Unit: Bars} // until Load reads the file
		}
	}
}

func (sd *setDecoder) follow(t table) *Follow {
	t.Unknown(followKeys, nil)
	f := &Follow{Chance: 1}
	if t.Require("after", `follow needs after: how long the clip plays before the action, such as after = "4 bars"`) {
		f.After, _ = t.duration("after", false)
	}
	if t.Require("action", "follow needs an action: one of "+strings.Join(followNames[1:], ", ")) {
		if v, ok := t.Enum("action", followNames); ok {
			f.Action = FollowAction(v)
		}
	}
	if v, ok := t.Num("chance", 0, 1); ok {
		f.Chance = v
	}
	if v, ok := t.Enum("other", followNames); ok {
		f.Other = FollowAction(v)
	}
	return f
}

// notes decodes a note clip's notes; end is the clip's length in beats, or
// negative if unknown.
func (sd *setDecoder) notes(t table, end float64, length Duration) []Note {
	v := t.M["notes"]
	n := t.Child("notes")
	var elems []any
	switch v := v.(type) {
	case []any:
		elems = v
	case []map[string]any: // written as [[track.clip.notes]]
		elems = make([]any, len(v))
		for i, m := range v {
			elems[i] = m
		}
	default:
		t.TypeErr("notes", "a list of notes like [ { at = 0, key = 36 } ]", v)
		return nil
	}
	if len(elems) > MaxNotes {
		sd.probs.Addf(n.Elem(MaxNotes), true, "too many notes in one clip: %d; the limit is %d", len(elems), MaxNotes)
		elems = elems[:MaxNotes]
	}
	notes := make([]Note, 0, len(elems))
	for i, e := range elems {
		m, ok := e.(map[string]any)
		if !ok {
			sd.probs.Addf(n.Elem(i), true, "notes: expected a note like { at = 0, key = 36 }, got %s", spell.Describe(e))
			continue
		}
		nt := sd.table(m, n.Elem(i), "in a note", "note ")
		nt.Unknown([]string{"at", "key", "len", "vel"}, nil)
		note := Note{Len: DefaultNoteLen, Vel: DefaultNoteVel}
		if nt.Require("at", "note needs at: its start in beats from the start of the clip") {
			if at, ok := nt.Num("at", 0, MaxBeats); ok {
				note.At = at
				if end >= 0 && at >= end {
					sd.probs.Addf(nt.Child("at"), true, "note at %s starts at or after the end of the clip (length %s = %s beats)",
						spell.Number(at), length, spell.Number(end))
				}
			}
		}
		if nt.Require("key", "note needs a key: its MIDI note number, 0..127 (60 is middle C)") {
			note.Key, _ = nt.Int("key", 0, 127)
		}
		if nt.Has("len") {
			note.Len, _ = nt.beats("len")
		}
		if nt.Has("vel") {
			note.Vel, _ = nt.Int("vel", 1, 127)
		}
		notes = append(notes, note)
	}
	slices.SortStableFunc(notes, func(a, b Note) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	return notes
}

func (sd *setDecoder) instrument(t table, in *Instrument) {
	t.Where = "in [[instrument]]"
	t.Unknown([]string{"name", "kind", "zone", "file", "preset", "bank", "program", "port", "channel"}, nil)
	sd.posOf(t.N, false, &in.Pos)
	if t.Require("name", "instrument needs a name, which tracks use to refer to it") {
		if v, ok := t.str("name", MaxNameLen); ok {
			if v == "" {
				sd.probs.Addf(t.Child("name"), true, "instrument name must not be empty")
			}
			in.Name = v
		}
	}
	kinds := []string{"sampler", "soundfont", "midi"}
	if t.Require("kind", "instrument needs a kind: one of "+strings.Join(kinds, ", ")) {
		if v, ok := t.Enum("kind", kinds); ok {
			in.Kind = kinds[v]
		}
	}
	if in.Kind == "soundfont" {
		sd.soundfont(t, in)
	} else if in.Kind != "" {
		for _, k := range []string{"file", "preset", "bank", "program"} {
			if t.Has(k) {
				sd.probs.Addf(t.Child(k), false, "%s is for soundfont instruments; a %s %s", k, in.Kind, kindPlays[in.Kind])
			}
		}
	}
	if in.Kind == "midi" {
		sd.midiOut(t, in)
	} else if in.Kind != "" {
		for _, k := range []string{"port", "channel"} {
			if t.Has(k) {
				sd.probs.Addf(t.Child(k), false, "%s is for midi instruments; a %s %s", k, in.Kind, kindPlays[in.Kind])
			}
		}
	}
	zones := t.tables("zone", "[[instrument.zone]]", "zones in one instrument", MaxZones)
	if in.Kind != "sampler" && in.Kind != "" && len(zones) > 0 {
		sd.probs.Addf(zones[0].N, false, "a %s instrument %s; zones are for samplers", in.Kind, kindPlays[in.Kind])
		zones = nil
	}
	in.Zones = make([]Zone, len(zones))
	for i, zt := range zones {
		sd.zone(zt, &in.Zones[i])
	}
	if len(in.Zones) == 0 {
		in.Zones = nil
	}
}

// kindPlays says what each kind of instrument plays, for messages.
var kindPlays = map[string]string{
	"sampler":   "plays its zones",
	"soundfont": "plays its file's preset",
	"midi":      "sends its notes to a MIDI port",
}

// midiOut reads a midi instrument's port (a name substring) and channel.
func (sd *setDecoder) midiOut(t table, in *Instrument) {
	if t.Require("port", "a midi instrument needs a port: part of the MIDI output's name (gridbox devices lists them)") {
		if p, ok := t.str("port", MaxNameLen); ok {
			switch {
			case strings.TrimSpace(p) == "":
				sd.probs.Addf(t.Child("port"), true, "port must not be empty: give part of the MIDI output's name")
			case strings.ContainsFunc(p, unicode.IsControl):
				sd.probs.Addf(t.Child("port"), true, "port must be on one line, without tabs or control characters")
			}
			in.Port = p
		}
	}
	in.Channel = 1
	if c, ok := t.Int("channel", 1, 16); ok {
		in.Channel = c
	}
}

// soundfont reads a soundfont instrument's file and preset: preset and
// bank numbers, or a General MIDI program name.
func (sd *setDecoder) soundfont(t table, in *Instrument) {
	if t.Require("file", "a soundfont instrument needs a file: the .sf2 SoundFont to play") {
		sd.filePath(t, "file", &in.File, &in.FilePos)
	}
	in.Bank, _ = t.Int("bank", 0, 128)
	in.Preset, _ = t.Int("preset", 0, 127)
	sd.posOf(t.N, false, &in.PresetPos)
	if t.Has("preset") {
		sd.posOf(t.Child("preset"), true, &in.PresetPos)
	}
	if t.Has("program") {
		if t.Has("preset") {
			sd.probs.Addf(t.Child("program"), false, "give either preset (a number) or program (a General MIDI name), not both")
		}
		if name, ok := t.str("program", MaxNameLen); ok {
			p, err := soundfont.Program(name)
			if err != nil {
				sd.probs.Addf(t.Child("program"), true, "program %s", err)
			}
			in.Preset = p
			sd.posOf(t.Child("program"), true, &in.PresetPos)
		}
	}
}

// checkInstrumentNames reports instruments with the same name.
func (sd *setDecoder) checkInstrumentNames(tables []table) {
	first := make(map[string]*tomlpos.Node)
	for i := range sd.set.Instruments {
		name, n := sd.set.Instruments[i].Name, tables[i].N
		if name == "" {
			continue
		}
		if f, dup := first[name]; dup {
			sd.probs.AddLater(n.Child("name"), true, func(ix *tomlpos.Index) string {
				return fmt.Sprintf("instrument %s is already defined, at line %d", spell.Quote(name), ix.Key(f).Line)
			})
			continue
		}
		first[name] = n
	}
}

func (sd *setDecoder) zone(t table, z *Zone) {
	t.Where = "in [[instrument.zone]]"
	t.Unknown([]string{"key", "low", "high", "root", "sample", "gain", "gate"}, nil)
	key, hasKey := t.Int("key", 0, 127)
	low, hasLow := t.Int("low", 0, 127)
	high, hasHigh := t.Int("high", 0, 127)
	root, hasRoot := t.Int("root", 0, 127)
	switch {
	case !t.Has("key") && (!t.Has("low") || !t.Has("high")):
		sd.probs.Addf(t.N, true, "zone needs a key, or low and high for a range of keys")
	case !t.Has("key") && !t.Has("root"):
		sd.probs.Addf(t.N, true, "zone with low and high but no key needs a root: the key that plays the sample at its own pitch")
	}
	if hasKey {
		if !t.Has("low") {
			low, hasLow = key, true
		}
		if !t.Has("high") {
			high, hasHigh = key, true
		}
		if !t.Has("root") {
			root, hasRoot = key, true
		}
	}
	if hasLow && hasHigh {
		if low > high {
			sd.probs.Addf(t.Child("low"), true, "low %d is above high %d", low, high)
		} else if hasKey && (key < low || key > high) {
			sd.probs.Addf(t.Child("key"), true, "key %d is outside low..high (%d..%d)", key, low, high)
		}
	}
	if !hasKey && hasRoot {
		key = root
	}
	z.Key, z.Low, z.High, z.Root = key, low, high, root
	if t.Require("sample", "zone needs a sample") {
		sd.filePath(t, "sample", &z.Sample, &z.SamplePos)
	}
	z.Gain, _ = t.gain("gain")
	z.Gate, _ = t.Bool("gate")
}

// filePath reads t's path key (a sample, a MIDI file, a SoundFont) into
// *dst and where it is written into *pos; a path that does not stay in the
// set's folder is a problem at its value.
func (sd *setDecoder) filePath(t table, key string, dst *string, pos *Pos) {
	if p, ok := t.str(key, MaxPathLen); ok {
		if msg := checkFilePath(key, p); msg != "" {
			sd.probs.Add(t.Child(key), true, msg)
		}
		*dst = p
		sd.posOf(t.Child(key), true, pos)
	}
}

// checkFilePath checks the path p of a sample or a MIDI file (key names
// which) as written, without a file system: it must be a relative
// slash-separated path that stays inside the set's folder. It returns the
// problem, or "".
func checkFilePath(key, p string) string {
	q := spell.Quote(p)
	switch {
	case p == "":
		return key + ": the path is empty"
	case strings.IndexByte(p, 0) >= 0:
		return key + " " + q + ": the path contains a NUL character"
	case strings.IndexByte(p, '\\') >= 0:
		return key + " " + q + `: use "/" to separate folders, not "\"`
	case path.IsAbs(p) || filepath.IsAbs(p) || len(p) >= 2 && p[1] == ':':
		return key + " " + q + ": the path is absolute; write it relative to the set's folder"
	case !filepath.IsLocal(p):
		return key + " " + q + ": path escapes the set's folder"
	case path.Clean(p) == ".":
		return key + " " + q + ": not a file name"
	}
	return ""
}

func parseColor(v any) (Color, bool) {
	s, ok := v.(string)
	if !ok || len(s) != 7 || s[0] != '#' {
		return Color{}, false
	}
	var rgb [3]uint8
	for i := range rgb {
		x, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return Color{}, false
		}
		rgb[i] = uint8(x)
	}
	return Color{rgb[0], rgb[1], rgb[2]}, true
}
