package main

import (
	"gridbox/show"
)

// cmdImport runs "gridbox import SONG.mid -o DIR".
func cmdImport(e *env, args []string) error {
	fs := newFlags(e, "import", "SONG.mid -o DIR [--font FILE.sf2] [--force]",
		"Import writes a set that plays a Standard MIDI File (format 0 or 1) into DIR, created if\nneeded: SONG.toml, with SONG.mid copied beside it. Each MIDI channel with notes becomes a\ntrack whose clip in scene 0 takes that channel's notes from SONG.mid (midi = \"SONG.mid\",\nchannel = N: edit the notes in a MIDI editor, gridbox reads them again), played by a\nsoundfont instrument with the channel's program (channel 10: a General MIDI drum kit,\nbank 128). The set's tempo and time signature are the file's first; tempo changes and\nprogram changes mid-song are not kept, and are listed as warnings. An existing set is\nreplaced only with --force, atomically, and only if it is a regular file.")
	out := fs.String("o", "", "the set's `folder` (required)")
	font := fs.String("font", show.DefaultFont, "the SoundFont: a `file` in DIR or in the system's SoundFont folders\n(/usr/share/sounds/sf2, /usr/share/soundfonts, ~/.local/share/soundfonts), or a path\nto one elsewhere, which is copied into DIR")
	force := fs.Bool("force", false, "replace the set, and the files it names, if DIR has them")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return usageError(fs, "-o DIR is required: the folder to write the set into")
	}
	_, err = show.Import(e.show(), show.ImportConfig{MIDI: pos[0], Dir: *out, Font: *font, Force: *force})
	return err
}
