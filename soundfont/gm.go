package soundfont

import (
	"errors"
	"fmt"
	"strings"

	"gridbox/internal/spell"
)

// gmPrograms are the General MIDI Level 1 sound set's 128 melodic
// programs, as the MIDI Manufacturers Association names them.
var gmPrograms = [128]string{
	// Piano
	"Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano",
	"Electric Piano 1", "Electric Piano 2", "Harpsichord", "Clavi",
	// Chromatic percussion
	"Celesta", "Glockenspiel", "Music Box", "Vibraphone", "Marimba", "Xylophone", "Tubular Bells", "Dulcimer",
	// Organ
	"Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ", "Reed Organ", "Accordion", "Harmonica", "Tango Accordion",
	// Guitar
	"Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)", "Electric Guitar (clean)",
	"Electric Guitar (muted)", "Overdriven Guitar", "Distortion Guitar", "Guitar harmonics",
	// Bass
	"Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass",
	"Slap Bass 1", "Slap Bass 2", "Synth Bass 1", "Synth Bass 2",
	// Strings
	"Violin", "Viola", "Cello", "Contrabass", "Tremolo Strings", "Pizzicato Strings", "Orchestral Harp", "Timpani",
	// Ensemble
	"String Ensemble 1", "String Ensemble 2", "SynthStrings 1", "SynthStrings 2",
	"Choir Aahs", "Voice Oohs", "Synth Voice", "Orchestra Hit",
	// Brass
	"Trumpet", "Trombone", "Tuba", "Muted Trumpet", "French Horn", "Brass Section", "SynthBrass 1", "SynthBrass 2",
	// Reed
	"Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax", "Oboe", "English Horn", "Bassoon", "Clarinet",
	// Pipe
	"Piccolo", "Flute", "Recorder", "Pan Flute", "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
	// Synth lead
	"Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)",
	"Lead 5 (charang)", "Lead 6 (voice)", "Lead 7 (fifths)", "Lead 8 (bass + lead)",
	// Synth pad
	"Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)",
	"Pad 5 (bowed)", "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)",
	// Synth effects
	"FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)", "FX 4 (atmosphere)",
	"FX 5 (brightness)", "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)",
	// Ethnic
	"Sitar", "Banjo", "Shamisen", "Koto", "Kalimba", "Bag pipe", "Fiddle", "Shanai",
	// Percussive
	"Tinkle Bell", "Agogo", "Steel Drums", "Woodblock", "Taiko Drum", "Melodic Tom", "Synth Drum", "Reverse Cymbal",
	// Sound effects
	"Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet", "Telephone Ring", "Helicopter", "Applause", "Gunshot",
}

// ErrUnknownProgram is what Program's errors are (errors.Is).
var ErrUnknownProgram = errors.New("not a General MIDI program name")

// ProgramName returns the General MIDI name of melodic program 0..127
// ("Acoustic Grand Piano" for 0), or "" outside that range.
func ProgramName(program int) string {
	if program < 0 || program >= len(gmPrograms) {
		return ""
	}
	return gmPrograms[program]
}

// Program returns the General MIDI program (0..127) a name spells, as a
// set's `program = "Acoustic Grand Piano"` does. Case and repeated spaces
// do not matter. An unknown name is an error wrapping ErrUnknownProgram
// that suggests the closest name when one is close.
func Program(name string) (int, error) {
	norm := strings.Join(strings.Fields(name), " ")
	for i, n := range gmPrograms {
		if strings.EqualFold(n, norm) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%s: %w%s", spell.Quote(name), ErrUnknownProgram, spell.DidYouMean(norm, gmPrograms[:], false))
}
