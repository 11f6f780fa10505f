package soundfont

import (
	"errors"
	"strings"
	"testing"
)

func TestGMNames(t *testing.T) {
	seen := map[string]bool{}
	for p := range 128 {
		n := ProgramName(p)
		if n == "" || seen[strings.ToLower(n)] {
			t.Errorf("program %d: %q (empty or twice)", p, n)
		}
		seen[strings.ToLower(n)] = true
		if got, err := Program(n); got != p || err != nil {
			t.Errorf("Program(%q) = %d, %v; want %d", n, got, err, p)
		}
	}
	if ProgramName(-1) != "" || ProgramName(128) != "" {
		t.Error("ProgramName out of range is not empty")
	}
	// Spot checks against the General MIDI table, one per family.
	for p, n := range map[int]string{0: "Acoustic Grand Piano", 8: "Celesta", 16: "Drawbar Organ", 24: "Acoustic Guitar (nylon)",
		32: "Acoustic Bass", 40: "Violin", 48: "String Ensemble 1", 56: "Trumpet", 64: "Soprano Sax", 72: "Piccolo",
		80: "Lead 1 (square)", 88: "Pad 1 (new age)", 96: "FX 1 (rain)", 104: "Sitar", 112: "Tinkle Bell", 120: "Guitar Fret Noise", 127: "Gunshot"} {
		if ProgramName(p) != n {
			t.Errorf("program %d is %q, want %q", p, ProgramName(p), n)
		}
	}
	for in, want := range map[string]int{"acoustic grand piano": 0, "  Acoustic   Grand Piano ": 0, "VIOLIN": 40, "lead 8 (bass + lead)": 87} {
		if got, err := Program(in); got != want || err != nil {
			t.Errorf("Program(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"Acustic Grand Piano": `"Acustic Grand Piano": not a General MIDI program name; did you mean "Acoustic Grand Piano"?`,
		"Violn":               `"Violn": not a General MIDI program name; did you mean "Violin"?`,
		"Kazoo":               `"Kazoo": not a General MIDI program name`,
	} {
		_, err := Program(in)
		if err == nil || err.Error() != want || !errors.Is(err, ErrUnknownProgram) {
			t.Errorf("Program(%q): %v, want %s", in, err, want)
		}
	}
}
