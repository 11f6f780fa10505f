// Package music is the pitch side of playing the grid: scales, keys such
// as "D dorian", note names, and where a note mode puts each MIDI note on
// the pads. It is plain data and pure functions, safe from any goroutine,
// and imports no layer of gridbox: the set format checks keys with it, the
// surface lays out pads with it.
//
// Notes are MIDI note numbers, 0 to 127; octaves are named so that C4 is
// middle C, 60 (C3 is 48, C-1 is 0).
package music

import (
	"fmt"
	"slices"
	"strings"

	"gridbox/internal/spell"
)

// A Scale is the pitch classes of a key above its root, in semitones:
// ascending, the first 0, each below 12.
type Scale struct {
	Name  string
	Steps []int
}

// Scales are the scales a key can have: the church modes, the minors, the
// scales of griode (the Launchpad instrument gridbox descends from),
// pentatonics, and chromatic (every note: the chromatic layout).
var Scales = []Scale{
	{"major", []int{0, 2, 4, 5, 7, 9, 11}},
	{"dorian", []int{0, 2, 3, 5, 7, 9, 10}},
	{"phrygian", []int{0, 1, 3, 5, 7, 8, 10}},
	{"lydian", []int{0, 2, 4, 6, 7, 9, 11}},
	{"mixolydian", []int{0, 2, 4, 5, 7, 9, 10}},
	{"minor", []int{0, 2, 3, 5, 7, 8, 10}},
	{"locrian", []int{0, 1, 3, 5, 6, 8, 10}},
	{"harmonic minor", []int{0, 2, 3, 5, 7, 8, 11}},
	{"melodic minor", []int{0, 2, 3, 5, 7, 9, 11}},
	{"arabic", []int{0, 1, 4, 5, 7, 8, 11}},
	{"hungarian", []int{0, 2, 3, 6, 7, 8, 10}},
	{"hungarian minor", []int{0, 2, 3, 6, 7, 8, 11}},
	{"freygish", []int{0, 1, 4, 5, 7, 8, 10}},
	{"blues", []int{0, 3, 5, 6, 7, 10}},
	{"major pentatonic", []int{0, 2, 4, 7, 9}},
	{"minor pentatonic", []int{0, 3, 5, 7, 10}},
	{"chromatic", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
}

// aliases are other names musicians give the scales above.
var aliases = map[string]string{
	"ionian":            "major",
	"aeolian":           "minor",
	"natural minor":     "minor",
	"double harmonic":   "arabic",
	"phrygian dominant": "freygish",
	"gypsy":             "hungarian minor",
	"pentatonic":        "major pentatonic",
}

// ScaleNamed returns the scale called name (or one of its other names),
// in any case.
func ScaleNamed(name string) (Scale, bool) {
	name = strings.Join(strings.Fields(strings.ToLower(name)), " ")
	if a, ok := aliases[name]; ok {
		name = a
	}
	i := slices.IndexFunc(Scales, func(s Scale) bool { return s.Name == name })
	if i < 0 {
		return Scale{}, false
	}
	return Scales[i], true
}

// noteNames are the pitch classes' names, sharps for the black keys.
var noteNames = [12]string{"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"}

// NoteName names MIDI note n with its octave, C4 being 60: "C3" (48),
// "F#4" (66), "C-1" (0).
func NoteName(n int) string {
	return fmt.Sprintf("%s%d", noteNames[mod12(n)], floorDiv(n, 12)-1)
}

// A Key is a scale on a root (a pitch class, 0 = C … 11 = B).
type Key struct {
	Root  int
	Scale Scale
}

// ParseKey reads a key as a set writes it: a root (C, C#, Db, … B; a
// letter in either case, then # or b) then a scale ("D dorian", "f#
// harmonic minor", "Bb major pentatonic"); a root alone is major. Its
// error says, in plain words, what is wrong and what would be right.
func ParseKey(s string) (Key, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return Key{}, fmt.Errorf("no key: write a root and a scale, e.g. %q", "D dorian")
	}
	root, ok := parseRoot(f[0])
	if !ok {
		return Key{}, fmt.Errorf("%q is not a root note: write C, C#, Db, D … B, then the scale, e.g. %q", f[0], "D dorian")
	}
	if len(f) == 1 {
		sc, _ := ScaleNamed("major")
		return Key{Root: root, Scale: sc}, nil
	}
	name := strings.Join(f[1:], " ")
	sc, ok := ScaleNamed(name)
	if !ok {
		return Key{}, fmt.Errorf("no scale %q%s", name, spell.DidYouMean(strings.ToLower(name), scaleNames(), true))
	}
	return Key{Root: root, Scale: sc}, nil
}

func scaleNames() []string {
	names := make([]string, len(Scales))
	for i, s := range Scales {
		names[i] = s.Name
	}
	return names
}

// parseRoot reads a root note: a letter A to G in either case, then at
// most one # or b.
func parseRoot(s string) (int, bool) {
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	c := s[0]
	if c >= 'a' && c <= 'g' {
		c -= 'a' - 'A'
	}
	i := strings.IndexByte("CDEFGAB", c)
	if i < 0 {
		return 0, false
	}
	pc := []int{0, 2, 4, 5, 7, 9, 11}[i]
	if len(s) == 2 {
		switch s[1] {
		case '#':
			pc++
		case 'b':
			pc--
		default:
			return 0, false
		}
	}
	return mod12(pc), true
}

// String writes k as ParseKey reads it: "D dorian", "F# minor".
func (k Key) String() string { return noteNames[mod12(k.Root)] + " " + k.Scale.Name }

// Contains reports whether note n is in key k.
func (k Key) Contains(n int) bool { return slices.Contains(k.Scale.Steps, mod12(n-k.Root)) }

// IsRoot reports whether note n is a root of key k (in any octave).
func (k Key) IsRoot(n int) bool { return mod12(n-k.Root) == 0 }

// Degree returns the note d scale degrees above note n of key k (below
// for d < 0); n must be in the key.
func (k Key) Degree(n, d int) int {
	steps := k.Scale.Steps
	i := slices.Index(steps, mod12(n-k.Root))
	if i < 0 {
		panic(fmt.Sprintf("music: %s is not in %s", NoteName(n), k))
	}
	octave, at := floorDiv(i+d, len(steps)), mod(i+d, len(steps))
	return n - steps[i] + 12*octave + steps[at]
}

func mod12(n int) int { return mod(n, 12) }

func mod(n, m int) int { return (n%m + m) % m }

func floorDiv(n, m int) int {
	q := n / m
	if n%m != 0 && (n < 0) != (m < 0) {
		q--
	}
	return q
}
