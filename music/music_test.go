package music

import (
	"slices"
	"strings"
	"testing"
)

func TestScalesAreWellFormed(t *testing.T) {
	if len(Scales) < 17 {
		t.Errorf("%d scales, want at least griode's 13, harmonic and melodic minor, both pentatonics and chromatic", len(Scales))
	}
	seen := map[string]bool{}
	for _, s := range Scales {
		if seen[s.Name] {
			t.Errorf("%s twice", s.Name)
		}
		seen[s.Name] = true
		if len(s.Steps) == 0 || s.Steps[0] != 0 || !slices.IsSorted(s.Steps) || s.Steps[len(s.Steps)-1] > 11 || len(slices.Compact(slices.Clone(s.Steps))) != len(s.Steps) {
			t.Errorf("%s: steps %v", s.Name, s.Steps)
		}
	}
	// The scales as a musician spells them on C.
	for name, want := range map[string]string{
		"major": "C D E F G A B", "dorian": "C D D# F G A A#", "phrygian": "C C# D# F G G# A#",
		"lydian": "C D E F# G A B", "mixolydian": "C D E F G A A#", "minor": "C D D# F G G# A#",
		"locrian": "C C# D# F F# G# A#", "harmonic minor": "C D D# F G G# B", "melodic minor": "C D D# F G A B",
		"arabic": "C C# E F G G# B", "hungarian": "C D D# F# G G# A#", "hungarian minor": "C D D# F# G G# B",
		"freygish": "C C# E F G G# A#", "blues": "C D# F F# G A#", "major pentatonic": "C D E G A",
		"minor pentatonic": "C D# F G A#",
	} {
		s, ok := ScaleNamed(name)
		if !ok {
			t.Errorf("no scale %q", name)
			continue
		}
		var got []string
		for _, st := range s.Steps {
			got = append(got, noteNames[st])
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s on C: %s, want %s", name, strings.Join(got, " "), want)
		}
	}
}

func TestParseKey(t *testing.T) {
	for in, want := range map[string]string{
		"D dorian": "D dorian", "d Dorian": "D dorian", "C": "C major", "f# harmonic  minor": "F# harmonic minor",
		"Bb major pentatonic": "A# major pentatonic", "Cb": "B major", "E# minor": "F minor", "A aeolian": "A minor",
		"G ionian": "G major", "  E   phrygian dominant ": "E freygish",
	} {
		k, err := ParseKey(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if k.String() != want {
			t.Errorf("%q: %s, want %s", in, k, want)
		}
	}
	for in, want := range map[string]string{
		"":           `no key: write a root and a scale, e.g. "D dorian"`,
		"H minor":    `"H" is not a root note: write C, C#, Db, D … B, then the scale, e.g. "D dorian"`,
		"C## major":  `"C##" is not a root note`,
		"D dorain":   `no scale "dorain"; did you mean "dorian"?`,
		"D whatever": `no scale "whatever"; expected one of major, dorian,`,
	} {
		_, err := ParseKey(in)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: %v, want %q…", in, err, want)
		}
	}
}

func TestNoteName(t *testing.T) {
	for n, want := range map[int]string{0: "C-1", 48: "C3", 60: "C4", 66: "F#4", 127: "G9", 11: "B-1"} {
		if got := NoteName(n); got != want {
			t.Errorf("NoteName(%d) = %s, want %s", n, got, want)
		}
	}
}

// keyNotes lists every MIDI note of k, ascending: the reference the
// layouts are checked against, built by testing each note, not by
// stepping through the scale.
func keyNotes(k Key) []int {
	var ns []int
	for n := -24; n < 300; n++ { // beyond MIDI, so that off-range pads are found too
		if slices.Contains(k.Scale.Steps, ((n-k.Root)%12+12)%12) {
			ns = append(ns, n)
		}
	}
	return ns
}

// Every pad of the 8×8 in-key layout, for every scale on every root, with
// the bottom-left pad at the lowest and at the highest root that leaves the
// pads on MIDI notes, and at C3: its note is the key's note col + 3·row
// places above the bottom-left one, and it is off-range exactly when that
// note is.
func TestInKeyLayoutEveryPad(t *testing.T) {
	for _, sc := range Scales {
		for root := range 12 {
			k := Key{Root: root, Scale: sc}
			ns := keyNotes(k)
			var bottoms []int
			for _, n := range ns {
				if n >= 0 && n <= 127 && k.IsRoot(n) {
					bottoms = append(bottoms, n)
				}
			}
			lowest, highest := bottoms[0], bottoms[len(bottoms)-1]
			tops := []int{lowest, highest}
			if k.Contains(C3) {
				tops = append(tops, C3)
			}
			for _, bottom := range tops {
				i0 := slices.Index(ns, bottom)
				for row := range 8 {
					for col := range 8 {
						want := ns[i0+col+InKeyRows*row]
						got, ok := InKey(k, bottom, col, row, InKeyRows)
						if wantOK := want >= 0 && want <= 127; ok != wantOK || ok && got != want {
							t.Fatalf("%s from %s: pad (%d,%d) plays %d (%v), want %d", k, NoteName(bottom), col, row, got, ok, want)
						}
						if ok && !k.Contains(got) {
							t.Fatalf("%s: pad (%d,%d) plays %s, not in the key", k, col, row, NoteName(got))
						}
					}
				}
			}
		}
	}
}

// The default layout: C major from C3, a row up is a fourth.
func TestInKeyDefault(t *testing.T) {
	k, _ := ParseKey("C major")
	var bottom, second []string
	for col := range 8 {
		n, _ := InKey(k, C3, col, 0, InKeyRows)
		bottom = append(bottom, NoteName(n))
		n, _ = InKey(k, C3, col, 1, InKeyRows)
		second = append(second, NoteName(n))
	}
	if got := strings.Join(bottom, " "); got != "C3 D3 E3 F3 G3 A3 B3 C4" {
		t.Errorf("bottom row %s", got)
	}
	if got := strings.Join(second, " "); got != "F3 G3 A3 B3 C4 D4 E4 F4" {
		t.Errorf("second row %s", got)
	}
}

func TestChromaticAndDrumLayouts(t *testing.T) {
	for row := range 8 {
		for col := range 8 {
			n, ok := Chromatic(C3, col, row, ChromaticRows)
			if !ok || n != 48+col+5*row {
				t.Errorf("chromatic (%d,%d): %d", col, row, n)
			}
		}
	}
	if _, ok := Chromatic(120, 7, 1, ChromaticRows); ok {
		t.Error("chromatic above 127 plays")
	}
	var all []int
	for row := range 4 {
		for col := range 4 {
			n, ok := Drum(DrumBase, col, row)
			if !ok {
				t.Fatalf("drum (%d,%d) plays nothing", col, row)
			}
			all = append(all, n)
		}
	}
	if want := []int{36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51}; !slices.Equal(all, want) {
		t.Errorf("drum block %v, want %v", all, want)
	}
	if _, ok := Drum(DrumBase, 4, 0); ok {
		t.Error("a drum pad outside the 4×4 block plays")
	}
	if _, ok := Drum(120, 3, 3); ok {
		t.Error("a drum pad above 127 plays")
	}
}

// FuzzParseKey: ParseKey never panics, and a key it accepts prints as
// text it reads back to the same key.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"D dorian", "c", "Bb major pentatonic", "H", "", "C##", "E  #", "f# harmonic minor", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			return
		}
		k2, err := ParseKey(k.String())
		if err != nil || k2.Root != k.Root || k2.Scale.Name != k.Scale.Name {
			t.Fatalf("%q → %s → %v, %v", s, k, k2, err)
		}
	})
}
