package sets

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
)

// A Unit is what a Duration counts.
type Unit int

const (
	// Beats are quarter notes; their length does not depend on the time
	// signature.
	Beats Unit = iota
	// Bars are whole bars of the set's time signature (BeatsPerBar beats).
	Bars
)

// String returns "beats" or "bars".
func (u Unit) String() string {
	switch u {
	case Beats:
		return "beats"
	case Bars:
		return "bars"
	}
	return "Unit(" + strconv.Itoa(int(u)) + ")"
}

// A Duration is a length of musical time: N beats or N bars. It keeps the unit
// because a bar's length depends on the time signature.
//
// The zero Duration is "none": no quantization, or an unset length.
type Duration struct {
	N    float64
	Unit Unit
}

// Limits on durations, so that nonsense values can't overflow the sequencer's
// arithmetic. 10000 bars of 4/4 at 120 BPM is over five hours.
const (
	MaxBars  = 10000
	MaxBeats = 4 * MaxBars
)

// IsZero reports whether d is "none" (or unset).
func (d Duration) IsZero() bool { return d.N == 0 }

// Beats returns the length of d in beats (quarter notes), given the number of
// beats in a bar (see Set.BeatsPerBar).
func (d Duration) Beats(beatsPerBar float64) float64 {
	if d.Unit == Bars {
		return d.N * beatsPerBar
	}
	return d.N
}

// noteValues are the note-value spellings, in beats.
var noteValues = []struct {
	s     string
	beats float64
}{
	{"1/32", 0.125},
	{"1/16", 0.25},
	{"1/8", 0.5},
	{"1/4", 1},
	{"1/2", 2},
	{"1/1", 4},
}

// String returns the canonical spelling of d: "none", a note value such as
// "1/16", "1 bar", "4 bars", or a number of beats such as "2.5 beats".
func (d Duration) String() string {
	if d.IsZero() {
		return "none"
	}
	n := strconv.FormatFloat(d.N, 'g', -1, 64)
	if d.Unit == Bars {
		if d.N == 1 {
			return "1 bar"
		}
		return n + " bars"
	}
	for _, v := range noteValues {
		if v.beats == d.N {
			return v.s
		}
	}
	if d.N == 1 {
		return "1 beat"
	}
	return n + " beats"
}

// durationWords is what the error messages list as valid.
const durationWords = `1/32, 1/16, 1/8, 1/4, 1/2, 1/1, 1 bar, 2 bars, 4 bars, 8 bars (or any "N bars"), or a number of beats`

var errBadDuration = errors.New("not a duration")

// ParseDuration parses the string forms of a duration: "none", a note value
// ("1/32", "1/16", "1/8", "1/4", "1/2", "1/1"), or "N bar"/"N bars" for a whole
// number N from 1 to MaxBars. Case and extra spaces don't matter. Plain numbers
// of beats are TOML numbers in a set file, not strings, so ParseDuration
// rejects them.
func ParseDuration(s string) (Duration, error) {
	f := strings.Fields(strings.ToLower(s))
	switch len(f) {
	case 1:
		if f[0] == "none" {
			return Duration{}, nil
		}
		for _, v := range noteValues {
			if f[0] == v.s {
				return Duration{N: v.beats, Unit: Beats}, nil
			}
		}
		// "2bars" is close enough to what was meant.
		for _, unit := range []string{"bars", "bar"} {
			if n, ok := strings.CutSuffix(f[0], unit); ok && n != "" {
				return parseBars(n)
			}
		}
	case 2:
		if f[1] == "bar" || f[1] == "bars" {
			return parseBars(f[0])
		}
	}
	return Duration{}, errBadDuration
}

func parseBars(n string) (Duration, error) {
	for _, c := range n {
		if c < '0' || c > '9' {
			return Duration{}, errBadDuration
		}
	}
	v, err := strconv.Atoi(n)
	if err != nil || v < 1 || v > MaxBars {
		return Duration{}, fmt.Errorf("%w: bars must be 1..%d", errBadDuration, MaxBars)
	}
	return Duration{N: float64(v), Unit: Bars}, nil
}

// durationValue converts a decoded TOML value to a Duration. allowNone permits
// "none" (and only "none") as the zero Duration. what names the key in
// messages.
func durationValue(v any, what string, allowNone bool) (Duration, string) {
	words := durationWords
	if allowNone {
		words = "none, " + words
	}
	switch v := v.(type) {
	case string:
		d, err := ParseDuration(v)
		switch {
		case err != nil:
			return Duration{}, fmt.Sprintf("%s %s: expected one of %s", what, spell.Quote(v), words)
		case d.IsZero() && !allowNone:
			return Duration{}, fmt.Sprintf("%s %s: must be longer than zero; expected one of %s", what, spell.Quote(v), words)
		}
		return d, ""
	case int64, float64:
		n, _ := tomlpos.Number(v)
		switch {
		case math.IsNaN(n) || n <= 0:
			hint := ""
			if allowNone && n == 0 {
				hint = ` (use "none" for no quantization)`
			}
			return Duration{}, fmt.Sprintf("%s %s: a number of beats must be more than 0%s", what, spell.Value(v), hint)
		case n > MaxBeats:
			return Duration{}, fmt.Sprintf("%s %s is too long: the limit is %d beats", what, spell.Value(v), MaxBeats)
		}
		return Duration{N: n, Unit: Beats}, ""
	}
	return Duration{}, fmt.Sprintf("%s: expected a duration (%s), got %s", what, words, spell.Describe(v))
}
