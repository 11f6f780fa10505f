package music

// Note and Drum mode lay notes out on the pads. Pads are counted from the
// bottom left: col 0 is the leftmost column, row 0 the bottom row. A pad
// whose note falls outside MIDI's 0 to 127 plays nothing (ok false).

// C3 is the note of the in-key layout's bottom-left pad by default (MIDI
// 48), and DrumBase the first note of a drum rack (36, a kick in General
// MIDI).
const (
	C3       = 48
	DrumBase = 36
)

// InKeyRows is how many scale degrees a row up climbs in the in-key
// layout: 3, a fourth in a seven-note scale, as Push and the Launchpad X
// lay it out.
const InKeyRows = 3

// ChromaticRows is how many semitones a row up climbs in the chromatic
// layout: 5, a fourth.
const ChromaticRows = 5

// InKey returns the note of pad (col, row) in the in-key layout of key k
// whose bottom-left pad plays bottom, a note of k: a pad to the right
// plays the next note of the scale, a row up the note rowStep degrees
// higher.
func InKey(k Key, bottom, col, row, rowStep int) (n int, ok bool) {
	return inRange(k.Degree(bottom, col+rowStep*row))
}

// Chromatic returns the note of pad (col, row) in the chromatic layout
// whose bottom-left pad plays bottom: a semitone to the right, rowSemis
// semitones a row up.
func Chromatic(bottom, col, row, rowSemis int) (n int, ok bool) {
	return inRange(bottom + col + rowSemis*row)
}

// Drum returns the note of pad (col, row), both 0 to 3, of the 4×4 drum
// block whose bottom-left pad plays first: one up to the right, four up a
// row (Ableton's drum rack: 36 to 51).
func Drum(first, col, row int) (n int, ok bool) {
	if col < 0 || col > 3 || row < 0 || row > 3 {
		return 0, false
	}
	return inRange(first + col + 4*row)
}

func inRange(n int) (int, bool) {
	if n < 0 || n > 127 {
		return 0, false
	}
	return n, true
}
