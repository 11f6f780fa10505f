package sets

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"gridbox/midifile"
	mt "gridbox/midifile/midifiletest"
)

// midiSet is a set whose one clip (scene 0 of a track played by "keys")
// takes its notes from riff.mid: the midi key's value is at 7:10, and the
// lines of extra follow it from line 8.
func midiSet(extra ...string) string {
	return "tempo = 120\n[[scene]]\n[[track]]\ninstrument = \"keys\"\n" +
		"  [[track.clip]]\n  scene = 0\n  midi = \"riff.mid\"\n" +
		strings.Join(append(extra, ""), "\n") +
		"[[instrument]]\nname = \"keys\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  key = 60\n  sample = \"k.wav\"\n"
}

func loadMIDISet(t *testing.T, set string, riff []byte) (*Set, error) {
	t.Helper()
	fsys := fstest.MapFS{
		"live/set.toml": {Data: []byte(set)},
		"live/k.wav":    {Data: []byte("RIFF")},
		"live/riff.mid": {Data: riff},
	}
	return Load(fsys, "live/set.toml")
}

func notesOf(t *testing.T, s *Set) ([]Note, Duration) {
	t.Helper()
	if s == nil {
		t.Fatal("no set")
	}
	c := &s.Tracks[0].Clips[0]
	return c.Notes, c.Length
}

// A format 0 file: notes keep their beats through a tempo change, running
// status and velocity-0 note-offs pair up, overlapping notes of one key
// end first in first out, a SysEx is skipped, and the clip is as long as
// the file rounded up to a bar.
func TestLoad_MIDIFormat0(t *testing.T) {
	riff := mt.File(0, 96, mt.Track(
		mt.Tempo(0, 500000),
		mt.Ev(0, 0x90, 60, 100),             // C at 0
		mt.Ev(48, 64, 90),                   // E at 0.5, running status
		mt.Ev(48, 60, 0),                    // C off at 1 (velocity 0)
		mt.Tempo(0, 1000000),                // 60 BPM from beat 1: notes stay on their beats
		mt.Ev(96, 0x90, 67, 70),             // G at 2
		mt.Ev(24, 67, 71),                   // another G at 2.25, overlapping
		mt.Ev(0, 0xf0, 2, 0x7e, 0xf7),       // a SysEx, skipped
		mt.Ev(24, 0x80, 67, 0),              // ends the first G at 2.5
		mt.Ev(0, 0x80, 64, 0),               // E off at 2.5
		mt.Ev(96, 0x90, 67, 0),              // ends the second G at 3.5
		mt.Ev(48, 0x90, 72, 50), mt.EOT(96), // a high C left on: ends with the track at 5
	))
	s, err := loadMIDISet(t, midiSet(), riff)
	if err != nil {
		t.Fatal(err)
	}
	notes, length := notesOf(t, s)
	want := []Note{
		{At: 0, Len: 1, Key: 60, Vel: 100},
		{At: 0.5, Len: 2, Key: 64, Vel: 90},
		{At: 2, Len: 0.5, Key: 67, Vel: 70},
		{At: 2.25, Len: 1.25, Key: 67, Vel: 71},
		{At: 4, Len: 1, Key: 72, Vel: 50},
	}
	if !reflect.DeepEqual(notes, want) {
		t.Errorf("notes\n%+v\nwant\n%+v", notes, want)
	}
	if length != (Duration{N: 2, Unit: Bars}) {
		t.Errorf("length %v, want 2 bars (5 beats rounded up)", length)
	}
	if got := s.MIDIFiles(); len(got) != 1 || got[0] != "live/riff.mid" {
		t.Errorf("MIDIFiles = %q, want [live/riff.mid]", got)
	}
	c := &s.Tracks[0].Clips[0]
	if c.MIDI == nil || c.MIDI.Path != "riff.mid" || c.MIDI.Pos != (Pos{7, 10}) || !c.MIDI.LengthFromFile || !c.Loop || !c.IsNotes() {
		t.Errorf("clip %+v, MIDI %+v", c, c.MIDI)
	}

	// A length key wins; notes at or after its end are left out, and
	// the clip's bar is the set's (3/4 here).
	s, err = loadMIDISet(t, strings.Replace(midiSet(`  length = "1 bar"`), "tempo = 120\n", "tempo = 120\ntime_signature = [3, 4]\n", 1), riff)
	if err != nil {
		t.Fatal(err)
	}
	notes, length = notesOf(t, s)
	if !reflect.DeepEqual(notes, want[:4]) || length != (Duration{N: 1, Unit: Bars}) || s.Tracks[0].Clips[0].MIDI.LengthFromFile {
		t.Errorf("with length = \"1 bar\" in 3/4: %+v, %v", notes, length)
	}
	s, _ = loadMIDISet(t, strings.Replace(midiSet(), "tempo = 120\n", "tempo = 120\ntime_signature = [3, 4]\n", 1), riff)
	if _, length = notesOf(t, s); length != (Duration{N: 2, Unit: Bars}) {
		t.Errorf("in 3/4, length %v; want 2 bars (5 beats rounded up to 6)", length)
	}
}

// A format 1 file of two tracks: a track filter, a channel filter, and
// both; the file's length counts every track.
func TestLoad_MIDIFormat1(t *testing.T) {
	riff := mt.File(1, 480,
		mt.Track(mt.Tempo(0, 600000), mt.EOT(0)),
		mt.Track(
			mt.Ev(0, 0x90, 60, 80), mt.Ev(0, 0x91, 48, 70),
			mt.Ev(480, 0x80, 60, 0), mt.Ev(0, 0x81, 48, 0),
			mt.Ev(480, 0x90, 62, 81), mt.Ev(240, 62, 0), mt.EOT(0)),
		mt.Track(mt.Ev(960, 0x91, 50, 60), mt.Ev(960, 0x81, 50, 0), mt.EOT(5760)), // ends at beat 16
	)
	n := func(at, ln float64, key, vel int) Note { return Note{At: at, Len: ln, Key: key, Vel: vel} }
	for _, tt := range []struct {
		keys []string
		want []Note
	}{
		{nil, []Note{n(0, 1, 60, 80), n(0, 1, 48, 70), n(2, 0.5, 62, 81), n(2, 2, 50, 60)}},
		{[]string{"  track = 2"}, []Note{n(0, 1, 60, 80), n(0, 1, 48, 70), n(2, 0.5, 62, 81)}},
		{[]string{"  channel = 2"}, []Note{n(0, 1, 48, 70), n(2, 2, 50, 60)}},
		{[]string{"  track = 3", "  channel = 2"}, []Note{n(2, 2, 50, 60)}},
	} {
		s, err := loadMIDISet(t, midiSet(tt.keys...), riff)
		if err != nil {
			t.Fatalf("%v: %v", tt.keys, err)
		}
		notes, length := notesOf(t, s)
		if !reflect.DeepEqual(notes, tt.want) || length != (Duration{N: 4, Unit: Bars}) {
			t.Errorf("%v: %v, %+v\nwant 4 bars, %+v", tt.keys, length, notes, tt.want)
		}
	}
}

// A MIDI file's problems are FILE:LINE:COL errors at the midi key (the
// track key for a track the file does not have), naming the problem and
// its byte offset; the set still loads, the clip silent.
func TestLoad_MIDIErrors(t *testing.T) {
	good := mt.File(1, 96, mt.Track(mt.Ev(0, 0x90, 60, 1), mt.EOT(96)), mt.Track(mt.Ev(0, 0x92, 62, 1), mt.EOT(96)))
	for _, tt := range []struct {
		name  string
		extra []string
		riff  []byte
		want  string
		cause error
	}{
		{"running status", nil, mt.File(1, 96, mt.Track(mt.EOT(0)), mt.Track(mt.Ev(0, 60, 100))),
			`live/set.toml:7:10: midi "riff.mid": track 2 at byte 35: running status with no status byte before it (data byte 0x3c where an event starts)`, midifile.ErrMalformed},
		{"not a MIDI file", nil, []byte("RIFF\x00\x00\x00\x00WAVE"),
			`live/set.toml:7:10: midi "riff.mid": at byte 0: not a Standard MIDI File: it does not start with "MThd"`, midifile.ErrMalformed},
		{"format 2", nil, mt.File(2, 96, mt.Track(mt.EOT(0))),
			`live/set.toml:7:10: midi "riff.mid": at byte 8: format 2 (independent patterns) is not supported: save the file as format 0 or 1`, midifile.ErrUnsupported},
		{"SMPTE", nil, mt.Chunk("MThd", []byte{0, 0, 0, 1, 0xe2, 80}),
			`live/set.toml:7:10: midi "riff.mid": at byte 12: SMPTE time division (30 frames per second, 80 ticks per frame) is not supported: save the file with ticks per quarter note`, midifile.ErrUnsupported},
		{"5-byte delta", nil, mt.File(0, 96, mt.Track([]byte{0xff, 0xff, 0xff, 0xff, 0x7f})),
			`live/set.toml:7:10: midi "riff.mid": track 1 at byte 22: a delta-time longer than 4 bytes (a variable-length quantity is at most 4)`, midifile.ErrMalformed},
		{"no such track", []string{"  track = 3"}, good,
			`live/set.toml:8:11: midi "riff.mid": track 3: the file has 2 tracks`, midifile.ErrNoTrack},
		{"no notes on the channel", []string{"  track = 2", "  channel = 1"}, good,
			`live/set.toml:7:10: midi "riff.mid": track 2 has no notes on channel 1; its notes are on channel 3`, nil},
		{"no notes in the track", []string{"  track = 1", "  channel = 3"}, good,
			`live/set.toml:7:10: midi "riff.mid": track 1 has no notes on channel 3; its notes are on channel 1`, nil},
		{"no notes on a channel", []string{"  channel = 16"}, good,
			`live/set.toml:7:10: midi "riff.mid": no notes on channel 16; the file's notes are on channels 1, 3`, nil},
		{"no notes", nil, mt.File(0, 96, mt.Track(mt.EOT(0))),
			`live/set.toml:7:10: midi "riff.mid": the file has no notes`, nil},
	} {
		s, err := loadMIDISet(t, midiSet(tt.extra...), tt.riff)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
			continue
		}
		if tt.cause != nil && !errors.Is(err, tt.cause) {
			t.Errorf("%s: errors.Is(err, %v) = false", tt.name, tt.cause)
		}
		var es Errors
		if !errors.As(err, &es) || !es[0].Sample() {
			t.Errorf("%s: not a file problem: %v", tt.name, err)
		}
		if s == nil || len(s.Tracks[0].Clips[0].Notes) != 0 || s.Tracks[0].Clips[0].Length != (Duration{N: 1, Unit: Bars}) {
			t.Errorf("%s: Load returned %v; want the set, the clip silent for one bar", tt.name, s)
		}
	}

	// Missing, a folder: as a sample would be.
	fsys := fstest.MapFS{"set.toml": {Data: []byte(midiSet())}, "k.wav": {Data: []byte("RIFF")}}
	_, err := Load(fsys, "set.toml")
	if err == nil || err.Error() != `set.toml:7:10: midi "riff.mid": file not found` || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	fsys["riff.mid/x"] = &fstest.MapFile{}
	if _, err := Load(fsys, "set.toml"); err == nil || err.Error() != `set.toml:7:10: midi "riff.mid": not a MIDI file (it is a folder or a device)` {
		t.Errorf("folder: %v", err)
	}
}

// A MIDI path is confined to the set's folder exactly as a sample's:
// written outside it, or through a symbolic link leading out.
func TestLoad_MIDIConfined(t *testing.T) {
	_, err := Parse("set.toml", []byte(strings.Replace(midiSet(), "riff.mid", "../riff.mid", 1)))
	if err == nil || err.Error() != `set.toml:7:10: midi "../riff.mid": path escapes the set's folder` {
		t.Errorf("../riff.mid: %v", err)
	}
	dir := t.TempDir()
	set := filepath.Join(dir, "set")
	for _, p := range []string{set, filepath.Join(dir, "outside.mid")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(set, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "outside.mid"), mt.File(0, 96, mt.Track(mt.Ev(0, 0x90, 60, 1), mt.EOT(1))), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../outside.mid", filepath.Join(set, "riff.mid")); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"set.toml": midiSet(), "k.wav": "RIFF"} {
		if err := os.WriteFile(filepath.Join(set, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(set)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, err = Load(root.FS(), "set.toml")
	if err == nil || err.Error() != `set.toml:7:10: midi "riff.mid": path escapes the set's folder` {
		t.Errorf("a link out of the folder: %v", err)
	}
}

// The keys' rules, checked by Parse: notes and midi exclude each other and
// sample; track and channel need midi and are in range; a takes file has
// no MIDI files.
func TestParse_MIDIKeys(t *testing.T) {
	for _, tt := range []struct {
		extra []string
		want  string
	}{
		{[]string{"  notes = []"}, "7:3: a note clip has either notes (written here) or midi (taken from a MIDI file), not both"},
		{[]string{`  sample = "k.wav"`}, "7:3: a clip has either sample (an audio clip) or midi (a note clip from a MIDI file), not both"},
		{[]string{"  track = 0"}, "8:11: track 0 is out of range 1..65535"},
		{[]string{"  channel = 17"}, "8:13: channel 17 is out of range 1..16"},
		{[]string{"  channel = 0"}, "8:13: channel 0 is out of range 1..16"},
	} {
		_, err := Parse("set.toml", []byte(midiSet(tt.extra...)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v:\n got %v\nwant %s", tt.extra, err, tt.want)
		}
	}
	noMIDI := strings.Replace(midiSet("  track = 2", "  channel = 3"), `  midi = "riff.mid"`, `  length = 4`+"\n  notes = []", 1)
	_, err := Parse("set.toml", []byte(noMIDI))
	want := "set.toml:9:3: track is for a note clip taken from a MIDI file: it picks the file's notes, with midi = \"….mid\"\n" +
		"set.toml:10:3: channel is for a note clip taken from a MIDI file: it picks the file's notes, with midi = \"….mid\""
	if err == nil || err.Error() != want {
		t.Errorf("track and channel without midi:\n got %v\nwant %s", err, want)
	}
	_, err = Parse("set.toml", []byte(strings.Replace(midiSet(), "instrument = \"keys\"\n", "", 1)))
	if err == nil || !strings.Contains(err.Error(), "set.toml:6:3: a note clip needs an instrument to play it") {
		t.Errorf("no instrument: %v", err)
	}
	_, err = ParseTakes("set.takes.toml", []byte("[[track]]\n  [[track.clip]]\n  scene = 0\n  length = 4\n  midi = \"riff.mid\"\n"))
	if err == nil || !strings.Contains(err.Error(), `set.takes.toml:5:3: unknown key "midi" in [[track.clip]]; a takes file holds a note clip's notes themselves, not a MIDI file`) {
		t.Errorf("takes file: %v", err)
	}
}

// Parse alone (no file system) gives a clip from a MIDI file one bar and
// no notes; Format writes the midi keys, not the notes, and no length
// unless one was written, so that the set reads back the same.
func TestFormat_MIDI(t *testing.T) {
	for _, extra := range [][]string{nil, {"  track = 2", "  channel = 10", `  length = "2 bars"`}} {
		set, err := Parse("set.toml", []byte(midiSet(extra...)))
		if err != nil {
			t.Fatal(err)
		}
		c := &set.Tracks[0].Clips[0]
		if len(c.Notes) != 0 || c.MIDI == nil || c.MIDI.LengthFromFile != (extra == nil) {
			t.Errorf("%v: Parse gave %+v, %+v", extra, c, c.MIDI)
		}
		if extra == nil && c.Length != (Duration{N: 1, Unit: Bars}) {
			t.Errorf("Parse: length %v, want 1 bar until the file is read", c.Length)
		}
		out := Format(set)
		if strings.Contains(string(out), "notes") || !strings.Contains(string(out), "midi = \"riff.mid\"\n") || strings.Contains(string(out), "\n  length = ") == (extra == nil) {
			t.Errorf("%v: Format wrote\n%s", extra, out)
		}
		again, err := Parse("again.toml", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		stripSet(set)
		stripSet(again)
		if !reflect.DeepEqual(set, again) {
			t.Errorf("%v: round trip:\n got %+v\nwant %+v\n%s", extra, again.Tracks[0].Clips[0], set.Tracks[0].Clips[0], out)
		}
	}
}
