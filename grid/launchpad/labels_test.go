package launchpad

import (
	"slices"
	"testing"

	"gridbox/grid"
)

// printedByCC is each labelled button as the sources give it: the CC it
// sends in Programmer mode and its printed function (in the vocabulary's
// words), written independently of the coordinates in labels.go.
var printedByCC = map[Model]map[byte]string{
	LaunchpadPro: {
		91: "up", 92: "down", 93: "left", 94: "right", 95: "session", 96: "note",
		80: "shift", 70: "metronome", 60: "undo", 50: "clear", 40: "quantize", 30: "duplicate", 10: "record",
		1: "arm", 2: "track", 3: "mute", 4: "solo", 5: "volume", 8: "stop",
	},
	LaunchpadProMK3: {
		90: "shift", 91: "left", 92: "right", 93: "session", 94: "note", 97: "step",
		80: "up", 70: "down", 60: "clear", 50: "duplicate", 40: "quantize", 30: "length", 20: "play", 10: "record",
		101: "track", 102: "track", 103: "track", 104: "track", 105: "track", 106: "track", 107: "track", 108: "track",
		1: "arm", 2: "mute", 3: "solo", 4: "volume", 8: "stop",
	},
}

// TestLabelsByCC: pressing each labelled button (its CC through the
// model's Parser) lands on the button Labels names with the sources' word,
// and nothing else is labelled.
func TestLabelsByCC(t *testing.T) {
	for _, m := range Models {
		ls := m.Labels()
		want := printedByCC[m]
		if want == nil {
			if ls != nil || m.ShiftLabels() != nil {
				t.Errorf("%v: labels %v, shift labels %v; want none (nothing printed)", m, ls, m.ShiftLabels())
			}
			continue
		}
		if len(ls) != len(want) {
			t.Errorf("%v: %d labels, want %d", m, len(ls), len(want))
		}
		for cc, word := range want {
			evs, _ := collect(t, m, []byte{0xB0, cc, 0x7F})
			if len(evs) != 1 {
				t.Fatalf("%v: CC %d gave %v, want one press", m, cc, evs)
			}
			if got := ls[evs[0].Button]; got != word {
				t.Errorf("%v: CC %d is %v, labelled %q; want %q", m, cc, evs[0].Button, got, word)
			}
		}
	}
}

// TestShiftLabels: the Pro MK3 prints Undo, Redo and Click under Record
// Arm, Mute and Solo (CC 1, 2, 3).
func TestShiftLabels(t *testing.T) {
	ls := LaunchpadProMK3.ShiftLabels()
	for cc, word := range map[byte]string{1: "undo", 2: "redo", 3: "metronome"} {
		evs, _ := collect(t, LaunchpadProMK3, []byte{0xB0, cc, 0x7F})
		if len(evs) != 1 || ls[evs[0].Button] != word {
			t.Errorf("CC %d: %v labelled %q under Shift; want %q", cc, evs, ls[evs[0].Button], word)
		}
	}
	if len(ls) != 3 || LaunchpadPro.ShiftLabels() != nil {
		t.Errorf("shift labels: Pro MK3 %v, Pro %v", ls, LaunchpadPro.ShiftLabels())
	}
}

// TestLabelsAreButtonsAndWords: every label is on a button of the model, in
// grid.LabelVocabulary, and the maps are the caller's.
func TestLabelsAreButtonsAndWords(t *testing.T) {
	for _, m := range Models {
		for _, ls := range []map[Button]string{m.Labels(), m.ShiftLabels()} {
			for b, word := range ls {
				if !m.HasButton(b) {
					t.Errorf("%v: label %q on %v, which is no button", m, word, b)
				}
				if !slices.Contains(grid.LabelVocabulary, word) {
					t.Errorf("%v: label %q of %v is not in grid.LabelVocabulary", m, word, b)
				}
			}
		}
	}
	ls := LaunchpadProMK3.Labels()
	clear(ls)
	if len(LaunchpadProMK3.Labels()) == 0 {
		t.Fatal("clearing Labels' map cleared the model's")
	}
	if Model(0).Labels() != nil || Model(99).ShiftLabels() != nil {
		t.Fatal("labels for an invalid model")
	}
}
