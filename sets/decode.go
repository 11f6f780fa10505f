package sets

import (
	"fmt"
	"maps"
	"math"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
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
)

// A decoder turns the generic values from the TOML parser into a Set,
// checking every type, range and cross-reference. It records problems and
// the Pos fields to fill by node; positions are looked up in one pass over
// the text at the end (see positions.go).
type decoder struct {
	probs tomlpos.Problems
	reqs  []posReq
}

// A posReq asks for a Pos field to be filled in.
type posReq struct {
	n   *node
	val bool
	dst *Pos
}

func (d *decoder) errAt(n *node, val bool, format string, args ...any) {
	d.probs.Add(n.tp(), val, fmt.Sprintf(format, args...))
}

func (d *decoder) posOf(n *node, val bool, dst *Pos) {
	d.reqs = append(d.reqs, posReq{n: n, val: val, dst: dst})
}

// A table is a TOML table (a [header] table, an element of an array of
// tables, or an inline table) being decoded.
type table struct {
	d      *decoder
	m      map[string]any
	n      *node
	where  string // for unknown keys: "in [[track]]"
	prefix string // for inline tables' keys in messages: "note ", "follow "
}

func (t *table) child(k string) *node { return t.n.child(k) }

func (t *table) has(k string) bool {
	_, ok := t.m[k]
	return ok
}

// keys reports every key of t that is not in valid, suggesting the nearest
// valid one.
func (t *table) keys(valid ...string) {
	for _, k := range slices.Sorted(maps.Keys(t.m)) {
		if slices.Contains(valid, k) {
			continue
		}
		where := t.where
		t.d.probs.AddLater(t.child(k).tp(), false, func(*tomlpos.Index) string {
			hint := spell.DidYouMean(k, valid, false)
			if hint == "" {
				hint = "; valid keys are " + strings.Join(valid, ", ")
			}
			return fmt.Sprintf("unknown key %s %s%s", spell.Quote(k), where, hint)
		})
	}
}

// require reports a missing key at the table itself.
func (t *table) require(k, what string) bool {
	if t.has(k) {
		return true
	}
	t.d.errAt(t.n, true, "%s", what)
	return false
}

func (t *table) typeErr(k, want string, v any) {
	t.d.errAt(t.child(k), true, "%s%s: expected %s, got %s", t.prefix, k, want, spell.Describe(v))
}

// str returns the string at k, at most maxLen characters long.
func (t *table) str(k string, maxLen int) (string, bool) {
	v, ok := t.m[k]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		t.typeErr(k, "a string", v)
		return "", false
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		t.d.errAt(t.child(k), true, "%s%s is %d characters long; the limit is %d", t.prefix, k, n, maxLen)
		return "", false
	}
	return s, true
}

// num returns the number at k, which must be in lo..hi.
func (t *table) num(k string, lo, hi float64) (float64, bool) {
	v, ok := t.m[k]
	if !ok {
		return 0, false
	}
	return numValue(t.d, t.child(k), t.prefix+k, v, lo, hi)
}

func numValue(d *decoder, n *node, what string, v any, lo, hi float64) (float64, bool) {
	if !isNumber(v) {
		d.errAt(n, true, "%s: expected a number, got %s", what, spell.Describe(v))
		return 0, false
	}
	f := number(v)
	if !(f >= lo && f <= hi) {
		d.errAt(n, true, "%s %s is out of range %s..%s", what, spell.Value(v), spell.Number(lo), spell.Number(hi))
		return 0, false
	}
	return f, true
}

// beats returns the number of beats at k, which must be more than 0 and at
// most MaxBeats.
func (t *table) beats(k string) (float64, bool) {
	v := t.m[k]
	what := t.prefix + k
	if !isNumber(v) {
		t.typeErr(k, "a number of beats", v)
		return 0, false
	}
	switch f := number(v); {
	case !(f > 0):
		t.d.errAt(t.child(k), true, "%s %s: must be more than 0 beats", what, spell.Value(v))
	case f > MaxBeats:
		t.d.errAt(t.child(k), true, "%s %s is too long: the limit is %d beats", what, spell.Value(v), MaxBeats)
	default:
		return f, true
	}
	return 0, false
}

// integer returns the whole number at k, which must be in lo..hi. A float
// with no fractional part (36.0) counts as whole.
func (t *table) integer(k string, lo, hi int) (int, bool) {
	v, ok := t.m[k]
	if !ok {
		return 0, false
	}
	return intValue(t.d, t.child(k), t.prefix+k, v, lo, hi)
}

func intValue(d *decoder, n *node, what string, v any, lo, hi int) (int, bool) {
	i, msg := tomlpos.Whole(what, v, lo, hi)
	if msg != "" {
		d.errAt(n, true, "%s", msg)
		return 0, false
	}
	return i, true
}

func (t *table) boolean(k string) (bool, bool) {
	v, ok := t.m[k]
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		t.typeErr(k, "true or false", v)
		return false, false
	}
	return b, true
}

// gain returns a level in dB: a number from MinGain to MaxGain, or "-inf"
// (written as a string or as the TOML float -inf) for silence.
func (t *table) gain(k string) (float64, bool) {
	v, ok := t.m[k]
	if !ok {
		return 0, false
	}
	if s, ok := v.(string); ok && strings.EqualFold(strings.TrimSpace(s), "-inf") {
		return math.Inf(-1), true
	}
	if f, ok := v.(float64); ok && math.IsInf(f, -1) {
		return f, true
	}
	if !isNumber(v) {
		t.typeErr(k, `a number of dB or "-inf"`, v)
		return 0, false
	}
	f := number(v)
	if !(f >= MinGain && f <= MaxGain) {
		t.d.errAt(t.child(k), true, `%s%s %s is out of range %s..%s dB (use "-inf" for silence)`,
			t.prefix, k, spell.Value(v), spell.Number(MinGain), spell.Number(MaxGain))
		return 0, false
	}
	return f, true
}

func (t *table) duration(k string, allowNone bool) (Duration, bool) {
	v, ok := t.m[k]
	if !ok {
		return Duration{}, false
	}
	d, msg := durationValue(v, t.prefix+k, allowNone)
	if msg != "" {
		t.d.errAt(t.child(k), true, "%s", msg)
		return Duration{}, false
	}
	return d, true
}

// enum returns the index in names of the string at k, case-insensitively.
func (t *table) enum(k string, names []string) (int, bool) {
	v, ok := t.m[k]
	if !ok {
		return 0, false
	}
	s, ok := v.(string)
	if !ok {
		t.typeErr(k, "one of "+strings.Join(names, ", "), v)
		return 0, false
	}
	for i, name := range names {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return i, true
		}
	}
	t.d.errAt(t.child(k), true, "%s%s %s: expected one of %s%s", t.prefix, k, spell.Quote(s), strings.Join(names, ", "), spell.DidYouMean(s, names, false))
	return 0, false
}

// tables returns the tables of the array of tables at k, written as
// [[header]] sections or as an array of inline tables, at most max of them.
func (t *table) tables(k, header, plural string, limit int) []*table {
	v, ok := t.m[k]
	if !ok {
		return nil
	}
	n := t.child(k)
	var out []*table
	switch v := v.(type) {
	case []map[string]any:
		for i, m := range v {
			out = append(out, &table{d: t.d, m: m, n: n.elem(i)})
		}
	case []any:
		for i, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, &table{d: t.d, m: m, n: n.elem(i)})
			} else {
				t.d.errAt(n.elem(i), true, "%s: expected a table, got %s", k, spell.Describe(e))
			}
		}
	case map[string]any:
		hint := ""
		for _, sub := range slices.Sorted(maps.Keys(v)) {
			if _, ok := v[sub].([]map[string]any); ok {
				hint = fmt.Sprintf(" (is a %s line missing above [[%s.%s]]?)", header, k, sub)
				break
			}
		}
		t.d.errAt(n, false, "%s must be a list of %s tables: write %s with double brackets%s", k, header, header, hint)
		return nil
	default:
		t.typeErr(k, "a list of "+header+" tables", v)
		return nil
	}
	if len(out) > limit {
		t.d.errAt(out[limit].n, false, "too many %s: %d; the limit is %d", plural, len(out), limit)
		out = out[:limit]
	}
	return out
}

// A setDecoder holds what decoding one set needs across tables.
type setDecoder struct {
	*decoder
	set *Set
	bpb float64 // beats per bar, 0 if the time signature is bad
}

func (d *decoder) decodeSet(file string, raw map[string]any) *Set {
	s := &Set{
		File:          file,
		Name:          strings.TrimSuffix(path.Base(file), path.Ext(file)),
		Tempo:         DefaultTempo,
		TimeSignature: TimeSignature{4, 4},
		Quantize:      Duration{N: 1, Unit: Bars},
	}
	if file == "" {
		s.Name = ""
	}
	sd := &setDecoder{decoder: d, set: s}
	root := &table{d: d, m: raw, where: "at the top level"}
	root.keys("name", "tempo", "time_signature", "quantize", "scene", "track", "instrument")
	if v, ok := root.str("name", MaxNameLen); ok {
		s.Name = v
	}
	if v, ok := root.num("tempo", MinTempo, MaxTempo); ok {
		s.Tempo = v
	}
	tsOK := true
	if v, ok := root.m["time_signature"]; ok {
		s.TimeSignature, tsOK = sd.timeSignature(root.child("time_signature"), v)
	}
	if tsOK {
		sd.bpb = s.BeatsPerBar()
	}
	if v, ok := root.duration("quantize", true); ok {
		s.Quantize = v
	}

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

func (sd *setDecoder) timeSignature(n *node, v any) (TimeSignature, bool) {
	ts := TimeSignature{4, 4}
	arr, ok := v.([]any)
	if !ok {
		sd.errAt(n, true, "time_signature: expected two numbers like [4, 4] or [6, 8], got %s", spell.Describe(v))
		return ts, false
	}
	if len(arr) != 2 {
		sd.errAt(n, true, "time_signature: expected two numbers like [4, 4] or [6, 8] (beats per bar, note value), got a list of %d", len(arr))
		return ts, false
	}
	num, ok1 := intValue(sd.decoder, n.elem(0), "time_signature numerator", arr[0], 1, 32)
	den, ok2 := intValue(sd.decoder, n.elem(1), "time_signature denominator", arr[1], math.MinInt32, math.MaxInt32)
	if ok2 && !slices.Contains([]int{1, 2, 4, 8, 16, 32}, den) {
		sd.errAt(n.elem(1), true, "time_signature denominator %d must be one of 1, 2, 4, 8, 16, 32", den)
		ok2 = false
	}
	if !ok1 || !ok2 {
		return ts, false
	}
	return TimeSignature{num, den}, true
}

func (sd *setDecoder) scene(t *table, sc *Scene) {
	t.where = "in [[scene]]"
	t.keys("name", "tempo")
	sd.posOf(t.n, false, &sc.Pos)
	sc.Name, _ = t.str("name", MaxNameLen)
	sc.Tempo, _ = t.num("tempo", MinTempo, MaxTempo)
}

var followKeys = []string{"after", "action", "chance", "other"}

func (sd *setDecoder) track(t *table, index int, tr *Track) {
	t.where = "in [[track]]"
	t.keys("name", "color", "volume", "pan", "instrument", "clip")
	sd.posOf(t.n, false, &tr.Pos)
	tr.Name, _ = t.str("name", MaxNameLen)
	tr.Color = DefaultColor(index)
	if v, ok := t.m["color"]; ok {
		if c, ok := parseColor(v); ok {
			tr.Color = c
		} else if s, isStr := v.(string); isStr {
			sd.errAt(t.child("color"), true, `color %s: expected "#rrggbb", six hex digits like "#ff4000"`, spell.Quote(s))
		} else {
			t.typeErr("color", `a colour "#rrggbb"`, v)
		}
	}
	tr.Volume, _ = t.gain("volume")
	tr.Pan, _ = t.num("pan", -1, 1)
	if name, ok := t.str("instrument", MaxNameLen); ok {
		tr.Instrument = name
		if sd.set.Instrument(name) == nil {
			sd.errAt(t.child("instrument"), true, "%s", sd.unknownInstrument(name))
		}
	}

	clips := t.tables("clip", "[[track.clip]]", "clips in one track", MaxScenes)
	tr.Clips = make([]Clip, len(clips))
	slots := make(map[int]*node, len(clips)) // scene → first clip there
	noInstrumentReported := false
	for i, ct := range clips {
		c := &tr.Clips[i]
		sd.clip(ct, c)
		if ct.has("scene") && c.Scene >= 0 {
			if first, dup := slots[c.Scene]; dup {
				scene := c.Scene
				sd.probs.AddLater(ct.child("scene").tp(), true, func(ix *tomlpos.Index) string {
					return fmt.Sprintf("scene %d already has a clip in this track, at line %d", scene, ix.Key(first.tp()).Line)
				})
			} else {
				slots[c.Scene] = ct.n
			}
		}
		if ct.has("notes") && !t.has("instrument") && !noInstrumentReported {
			noInstrumentReported = true
			sd.errAt(ct.child("notes"), false, "a note clip needs an instrument to play it: add instrument = \"…\" to its [[track]]")
		}
	}
	if len(tr.Clips) == 0 {
		tr.Clips = nil
	}
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

func (sd *setDecoder) clip(t *table, c *Clip) {
	t.where = "in [[track.clip]]"
	t.keys("scene", "name", "sample", "notes", "loop", "length", "gain", "launch", "quantize", "legato", "loop_fade", "ram", "follow")
	sd.posOf(t.n, false, &c.Pos)
	c.Scene = -1
	nScenes := len(sd.set.Scenes)
	if t.require("scene", fmt.Sprintf("clip needs a scene: the row it sits in, from 0 (top) to %d", max(nScenes-1, 0))) {
		if nScenes == 0 {
			if v, ok := t.integer("scene", 0, MaxScenes); ok {
				sd.errAt(t.child("scene"), true, "scene %d is out of range: the set has no [[scene]] rows", v)
			}
		} else if v, ok := t.integer("scene", 0, nScenes-1); ok {
			c.Scene = v
		}
	}
	c.Name, _ = t.str("name", MaxNameLen)

	hasSample, hasNotes := t.has("sample"), t.has("notes")
	switch {
	case hasSample && hasNotes:
		sd.errAt(t.child("notes"), false, "a clip has either sample (an audio clip) or notes (a note clip), not both")
	case !hasSample && !hasNotes:
		sd.errAt(t.n, true, "clip needs either sample (an audio clip) or notes (a note clip)")
	}
	if hasSample {
		if p, ok := t.str("sample", MaxPathLen); ok {
			if msg := checkSamplePath(p); msg != "" {
				sd.errAt(t.child("sample"), true, "%s", msg)
			}
			c.Sample = p
			sd.posOf(t.child("sample"), true, &c.SamplePos)
		}
	}

	c.Loop = !hasSample
	if v, ok := t.boolean("loop"); ok {
		c.Loop = v
	}
	lengthOK := false
	if t.has("length") {
		c.Length, lengthOK = t.duration("length", false)
	} else if hasNotes && !hasSample {
		sd.errAt(t.n, true, `a note clip needs a length, such as length = "1 bar"`)
	}
	c.Gain, _ = t.gain("gain")
	if v, ok := t.enum("launch", launchNames); ok {
		c.Launch = LaunchMode(v)
	}
	if v, ok := t.duration("quantize", true); ok {
		c.Quantize = &v
	}
	c.Legato, _ = t.boolean("legato")
	if hasSample {
		c.LoopFade = DefaultLoopFade
		if v, ok := t.num("loop_fade", 0, MaxLoopFade); ok {
			c.LoopFade = v
		}
	} else if t.has("loop_fade") {
		sd.errAt(t.child("loop_fade"), false, "loop_fade is for audio clips: a note clip's loop restarts its notes, not a sample")
	}
	if v, ok := t.boolean("ram"); ok {
		if hasSample {
			c.RAM = v
		} else {
			sd.errAt(t.child("ram"), false, "ram is for audio clips: a note clip's instrument always holds its samples in memory")
		}
	}
	if v, ok := t.m["follow"]; ok {
		if m, ok := v.(map[string]any); ok {
			c.Follow = sd.follow(&table{d: sd.decoder, m: m, n: t.child("follow"), where: "in follow", prefix: "follow "})
		} else {
			t.typeErr("follow", `a table like { after = "4 bars", action = "next" }`, v)
		}
	}
	if hasNotes {
		end := -1.0 // unknown
		if lengthOK && sd.bpb > 0 {
			end = c.Length.Beats(sd.bpb)
		}
		c.Notes = sd.notes(t, end, c.Length)
	}
}

func (sd *setDecoder) follow(t *table) *Follow {
	t.keys(followKeys...)
	f := &Follow{Chance: 1}
	if t.require("after", `follow needs after: how long the clip plays before the action, such as after = "4 bars"`) {
		f.After, _ = t.duration("after", false)
	}
	if t.require("action", "follow needs an action: one of "+strings.Join(followNames[1:], ", ")) {
		if v, ok := t.enum("action", followNames); ok {
			f.Action = FollowAction(v)
		}
	}
	if v, ok := t.num("chance", 0, 1); ok {
		f.Chance = v
	}
	if v, ok := t.enum("other", followNames); ok {
		f.Other = FollowAction(v)
	}
	return f
}

// notes decodes a note clip's notes; end is the clip's length in beats, or
// negative if unknown.
func (sd *setDecoder) notes(t *table, end float64, length Duration) []Note {
	v := t.m["notes"]
	n := t.child("notes")
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
		t.typeErr("notes", "a list of notes like [ { at = 0, key = 36 } ]", v)
		return nil
	}
	if len(elems) > MaxNotes {
		sd.errAt(n.elem(MaxNotes), true, "too many notes in one clip: %d; the limit is %d", len(elems), MaxNotes)
		elems = elems[:MaxNotes]
	}
	notes := make([]Note, 0, len(elems))
	for i, e := range elems {
		m, ok := e.(map[string]any)
		if !ok {
			sd.errAt(n.elem(i), true, "notes: expected a note like { at = 0, key = 36 }, got %s", spell.Describe(e))
			continue
		}
		nt := &table{d: sd.decoder, m: m, n: n.elem(i), where: "in a note", prefix: "note "}
		nt.keys("at", "key", "len", "vel")
		note := Note{Len: DefaultNoteLen, Vel: DefaultNoteVel}
		if nt.require("at", "note needs at: its start in beats from the start of the clip") {
			if at, ok := nt.num("at", 0, MaxBeats); ok {
				note.At = at
				if end >= 0 && at >= end {
					sd.errAt(nt.child("at"), true, "note at %s starts at or after the end of the clip (length %s = %s beats)",
						spell.Number(at), length, spell.Number(end))
				}
			}
		}
		if nt.require("key", "note needs a key: its MIDI note number, 0..127 (60 is middle C)") {
			note.Key, _ = nt.integer("key", 0, 127)
		}
		if nt.has("len") {
			note.Len, _ = nt.beats("len")
		}
		if nt.has("vel") {
			note.Vel, _ = nt.integer("vel", 1, 127)
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

func (sd *setDecoder) instrument(t *table, in *Instrument) {
	t.where = "in [[instrument]]"
	t.keys("name", "kind", "zone")
	sd.posOf(t.n, false, &in.Pos)
	if t.require("name", "instrument needs a name, which tracks use to refer to it") {
		if v, ok := t.str("name", MaxNameLen); ok {
			if v == "" {
				sd.errAt(t.child("name"), true, "instrument name must not be empty")
			}
			in.Name = v
		}
	}
	kinds := []string{"sampler"}
	if t.require("kind", "instrument needs a kind: one of "+strings.Join(kinds, ", ")) {
		if v, ok := t.enum("kind", kinds); ok {
			in.Kind = kinds[v]
		}
	}
	zones := t.tables("zone", "[[instrument.zone]]", "zones in one instrument", MaxZones)
	in.Zones = make([]Zone, len(zones))
	for i, zt := range zones {
		sd.zone(zt, &in.Zones[i])
	}
	if len(in.Zones) == 0 {
		in.Zones = nil
	}
}

// checkInstrumentNames reports instruments with the same name.
func (sd *setDecoder) checkInstrumentNames(tables []*table) {
	first := make(map[string]*node)
	for i := range sd.set.Instruments {
		name, n := sd.set.Instruments[i].Name, tables[i].n
		if name == "" {
			continue
		}
		if f, dup := first[name]; dup {
			sd.probs.AddLater(n.child("name").tp(), true, func(ix *tomlpos.Index) string {
				return fmt.Sprintf("instrument %s is already defined, at line %d", spell.Quote(name), ix.Key(f.tp()).Line)
			})
			continue
		}
		first[name] = n
	}
}

func (sd *setDecoder) zone(t *table, z *Zone) {
	t.where = "in [[instrument.zone]]"
	t.keys("key", "low", "high", "root", "sample", "gain", "gate")
	key, hasKey := t.integer("key", 0, 127)
	low, hasLow := t.integer("low", 0, 127)
	high, hasHigh := t.integer("high", 0, 127)
	root, hasRoot := t.integer("root", 0, 127)
	switch {
	case !t.has("key") && (!t.has("low") || !t.has("high")):
		sd.errAt(t.n, true, "zone needs a key, or low and high for a range of keys")
	case !t.has("key") && !t.has("root"):
		sd.errAt(t.n, true, "zone with low and high but no key needs a root: the key that plays the sample at its own pitch")
	}
	if hasKey {
		if !t.has("low") {
			low, hasLow = key, true
		}
		if !t.has("high") {
			high, hasHigh = key, true
		}
		if !t.has("root") {
			root, hasRoot = key, true
		}
	}
	if hasLow && hasHigh {
		if low > high {
			sd.errAt(t.child("low"), true, "low %d is above high %d", low, high)
		} else if hasKey && (key < low || key > high) {
			sd.errAt(t.child("key"), true, "key %d is outside low..high (%d..%d)", key, low, high)
		}
	}
	if !hasKey && hasRoot {
		key = root
	}
	z.Key, z.Low, z.High, z.Root = key, low, high, root
	if t.require("sample", "zone needs a sample") {
		if p, ok := t.str("sample", MaxPathLen); ok {
			if msg := checkSamplePath(p); msg != "" {
				sd.errAt(t.child("sample"), true, "%s", msg)
			}
			z.Sample = p
			sd.posOf(t.child("sample"), true, &z.SamplePos)
		}
	}
	z.Gain, _ = t.gain("gain")
	z.Gate, _ = t.boolean("gate")
}

// checkSamplePath checks a sample path as written, without a file system:
// it must be a relative slash-separated path that stays inside the set's
// folder. It returns the problem, or "".
func checkSamplePath(p string) string {
	q := spell.Quote(p)
	switch {
	case p == "":
		return "sample: the path is empty"
	case strings.IndexByte(p, 0) >= 0:
		return "sample " + q + ": the path contains a NUL character"
	case strings.IndexByte(p, '\\') >= 0:
		return "sample " + q + `: use "/" to separate folders, not "\"`
	case path.IsAbs(p) || filepath.IsAbs(p) || len(p) >= 2 && p[1] == ':':
		return "sample " + q + ": the path is absolute; write it relative to the set's folder"
	case !filepath.IsLocal(p):
		return "sample " + q + ": path escapes the set's folder"
	case path.Clean(p) == ".":
		return "sample " + q + ": not a file name"
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

func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64:
		return true
	}
	return false
}

func number(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}
