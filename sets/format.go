package sets

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format writes s as a set file: canonical TOML that Parse reads back to
// the same set (but for positions, Clip.File and Name when it was empty;
// a note clip from a MIDI file is written as its midi key, not its notes,
// so Load reads it back the same by reading the file again),
// with every key that differs from its default and the basic ones
// (name, tempo, time_signature, quantize, scale and the recording keys)
// always. The set file's comments and layout are not kept. It is what
// "gridbox takes merge" writes.
func Format(s *Set) []byte {
	var w writer
	w.kv("", "name", tomlString(s.Name))
	w.kv("", "tempo", number(s.Tempo))
	w.kv("", "time_signature", fmt.Sprintf("[%d, %d]", s.TimeSignature.Num, s.TimeSignature.Den))
	w.kv("", "quantize", durationText(s.Quantize))
	w.kv("", "scale", tomlString(s.Key.String()))
	w.kv("", "count_in", tomlString(s.Record.CountIn.String()))
	w.kv("", "record_quantize", tomlString(s.Record.Quantize.String()))
	w.kv("", "fixed_length", tomlString(s.Record.Length.String()))
	w.kv("", "metronome", strconv.FormatBool(s.Record.Metronome))
	w.kv("", "metronome_volume", gainText(s.Record.MetronomeVolume))
	w.kv("", "max_take", strconv.Itoa(s.Record.MaxTake))
	for _, sc := range s.Scenes {
		w.line("")
		w.line("[[scene]]")
		if sc.Name != "" {
			w.kv("", "name", tomlString(sc.Name))
		}
		if sc.Tempo != 0 {
			w.kv("", "tempo", number(sc.Tempo))
		}
	}
	for i := range s.Tracks {
		t := &s.Tracks[i]
		w.line("")
		w.line("[[track]]")
		if t.Name != "" {
			w.kv("", "name", tomlString(t.Name))
		}
		if t.Color != DefaultColor(i) {
			w.kv("", "color", tomlString(t.Color.String()))
		}
		if t.Volume != 0 {
			w.kv("", "volume", gainText(t.Volume))
		}
		if t.Pan != 0 {
			w.kv("", "pan", number(t.Pan))
		}
		if t.Instrument != "" {
			w.kv("", "instrument", tomlString(t.Instrument))
		}
		if t.Key.String() != s.Key.String() {
			w.kv("", "scale", tomlString(t.Key.String()))
		}
		if t.Input.Channels > 0 {
			w.kv("", "input", tomlString(t.Input.String()))
		}
		if t.Monitor != MonitorAuto {
			w.kv("", "monitor", tomlString(t.Monitor.String()))
		}
		if t.OverdubLevel != 1 {
			w.kv("", "overdub_level", number(t.OverdubLevel))
		}
		for ci := range t.Clips {
			w.line("")
			w.line("  [[track.clip]]")
			w.clip(&t.Clips[ci])
		}
	}
	for _, in := range s.Instruments {
		w.line("")
		w.line("[[instrument]]")
		w.kv("", "name", tomlString(in.Name))
		w.kv("", "kind", tomlString(in.Kind))
		if in.Kind == "midi" {
			w.kv("", "port", tomlString(in.Port))
			w.kv("", "channel", strconv.Itoa(in.Channel))
		}
		for _, z := range in.Zones {
			w.line("")
			w.line("  [[instrument.zone]]")
			if z.Key >= z.Low && z.Key <= z.High {
				w.kv("  ", "key", strconv.Itoa(z.Key))
				if z.Low != z.Key || z.High != z.Key {
					w.kv("  ", "low", strconv.Itoa(z.Low))
					w.kv("  ", "high", strconv.Itoa(z.High))
				}
				if z.Root != z.Key {
					w.kv("  ", "root", strconv.Itoa(z.Root))
				}
			} else { // no key was written: Key is Root, outside the range
				w.kv("  ", "low", strconv.Itoa(z.Low))
				w.kv("  ", "high", strconv.Itoa(z.High))
				w.kv("  ", "root", strconv.Itoa(z.Root))
			}
			w.kv("  ", "sample", tomlString(z.Sample))
			if z.Gain != 0 {
				w.kv("  ", "gain", gainText(z.Gain))
			}
			if z.Gate {
				w.kv("  ", "gate", "true")
			}
		}
	}
	if m := s.MIDI; len(m.ClockOut) > 0 || m.ClockIn != "" {
		w.line("")
		w.line("[midi]")
		if len(m.ClockOut) > 0 {
			q := make([]string, len(m.ClockOut))
			for i, p := range m.ClockOut {
				q[i] = tomlString(p)
			}
			w.kv("", "clock_out", "["+strings.Join(q, ", ")+"]")
		}
		if m.ClockIn != "" {
			w.kv("", "clock_in", tomlString(m.ClockIn))
		}
	}
	return w.b
}

// A writer builds TOML text a line at a time.
type writer struct{ b []byte }

func (w *writer) line(s string) {
	w.b = append(w.b, s...)
	w.b = append(w.b, '\n')
}

// kv writes key = value, value already TOML, after indent.
func (w *writer) kv(indent, key, value string) { w.line(indent + key + " = " + value) }

// clip writes the keys of c that differ from their defaults (scene,
// sample, notes or midi, and a note clip's length always unless it comes
// from its MIDI file), indented under a [[track.clip]] header the caller
// wrote.
func (w *writer) clip(c *Clip) {
	const in = "  "
	w.kv(in, "scene", strconv.Itoa(c.Scene))
	if c.Name != "" {
		w.kv(in, "name", tomlString(c.Name))
	}
	if !c.IsNotes() {
		w.kv(in, "sample", tomlString(c.Sample))
	}
	if c.Loop != c.IsNotes() {
		w.kv(in, "loop", strconv.FormatBool(c.Loop))
	}
	if !c.Length.IsZero() && (c.MIDI == nil || !c.MIDI.LengthFromFile) {
		w.kv(in, "length", durationText(c.Length))
	}
	if c.Gain != 0 {
		w.kv(in, "gain", gainText(c.Gain))
	}
	if c.Launch != Trigger {
		w.kv(in, "launch", tomlString(c.Launch.String()))
	}
	if c.Quantize != nil {
		w.kv(in, "quantize", durationText(*c.Quantize))
	}
	if c.Legato {
		w.kv(in, "legato", "true")
	}
	if !c.IsNotes() && c.LoopFade != DefaultLoopFade {
		w.kv(in, "loop_fade", number(c.LoopFade))
	}
	if c.RAM {
		w.kv(in, "ram", "true")
	}
	if f := c.Follow; f != nil {
		v := "{ after = " + durationText(f.After) + ", action = " + tomlString(f.Action.String())
		if f.Chance != 1 {
			v += ", chance = " + number(f.Chance)
		}
		if f.Other != FollowNone {
			v += ", other = " + tomlString(f.Other.String())
		}
		w.kv(in, "follow", v+" }")
	}
	if m := c.MIDI; m != nil {
		// The file, not its notes: the merged set reads it again.
		w.kv(in, "midi", tomlString(m.Path))
		if m.Track != 0 {
			w.kv(in, "track", strconv.Itoa(m.Track))
		}
		if m.Channel != 0 {
			w.kv(in, "channel", strconv.Itoa(m.Channel))
		}
		return
	}
	if c.IsNotes() {
		if len(c.Notes) == 0 {
			w.kv(in, "notes", "[]")
			return
		}
		w.line(in + "notes = [")
		for _, n := range c.Notes {
			w.line(fmt.Sprintf("%s  { at = %s, key = %d, len = %s, vel = %d },", in, number(n.At), n.Key, number(n.Len), n.Vel))
		}
		w.line(in + "]")
	}
}

// number writes f so that it reads back exactly: the shortest decimal
// that is f (strconv 'g', -1), which TOML reads as a float or, for a
// whole number, an integer; sets read both as numbers.
func number(f float64) string {
	switch {
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// gainText writes a level in dB; silence as "-inf".
func gainText(db float64) string {
	if math.IsInf(db, -1) {
		return `"-inf"`
	}
	return number(db)
}

// durationText writes d so that it reads back as d: a number of beats, or
// "N bars", or "none".
func durationText(d Duration) string {
	switch {
	case d.IsZero():
		return `"none"`
	case d.Unit == Bars:
		return tomlString(d.String())
	}
	return number(d.N)
}

// QuoteString quotes s as a TOML basic string, as Format writes strings:
// for other writers of set files (gridbox import).
func QuoteString(s string) string { return tomlString(s) }

// tomlString quotes s as a TOML basic string: only ", \ and control
// characters are escaped (TOML has no \x), the rest is written as is.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
