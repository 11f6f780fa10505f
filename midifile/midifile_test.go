package midifile

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gridbox/midifile/midifiletest"
)

// The files are spelled out byte by byte with midifiletest.
var (
	ev    = midifiletest.Ev
	eot   = midifiletest.EOT
	tempo = midifiletest.Tempo
	chunk = midifiletest.Chunk
	track = midifiletest.Track
	smf   = midifiletest.File
)

func parse(t *testing.T, data []byte, f Filter) *File {
	t.Helper()
	file, err := Parse(data, f)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func checkNotes(t *testing.T, got []Note, want []Note) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("notes\n%+v\nwant\n%+v", got, want)
	}
}

// A format 0 file at 96 ticks per beat: running status, note-offs as
// note-ons of velocity 0 and as note-offs, a tempo change mid-file that
// leaves the notes on their beats, a SysEx skipped, and the file's length
// from its end of track.
func TestFormat0(t *testing.T) {
	data := smf(0, 96, track(
		tempo(0, 500000),
		ev(0, 0xff, 0x58, 4, 6, 3, 24, 8), // 6/8
		ev(0, 0x90, 60, 100),              // C on, beat 0
		ev(48, 64, 90),                    // running status: E on, beat 0.5
		ev(48, 60, 0),                     // C off (velocity 0), beat 1
		tempo(0, 250000),                  // 240 BPM from beat 1: beats stay beats
		ev(0, 0xf0, 3, 0x43, 0x12, 0xf7),  // a SysEx, skipped; it cancels running status
		ev(96, 0x80, 64, 0),               // E off, beat 2
		ev(0, 0xf7, 1, 0xf8),              // an escape, skipped
		ev(24, 0x99, 36, 127),             // kick on channel 10, beat 2.25
		ev(24, 0x89, 36, 64),              // off, beat 2.5
		eot(168),                          // ends at beat 4.25
	))
	f := parse(t, data, Filter{})
	if f.Format != 0 || f.Division != 96 || f.Tracks != 1 || f.Length != 4.25 {
		t.Errorf("format %d, division %d, %d tracks, length %v; want 0, 96, 1, 4.25", f.Format, f.Division, f.Tracks, f.Length)
	}
	checkNotes(t, f.Notes, []Note{
		{At: 0, Len: 1, Key: 60, Vel: 100, Channel: 1, Track: 1},
		{At: 0.5, Len: 1.5, Key: 64, Vel: 90, Channel: 1, Track: 1},
		{At: 2.25, Len: 0.25, Key: 36, Vel: 127, Channel: 10, Track: 1},
	})
	if want := []Tempo{{0, 500000}, {1, 250000}}; !reflect.DeepEqual(f.Tempos, want) {
		t.Errorf("tempos %v, want %v", f.Tempos, want)
	}
	if f.Tempos[1].BPM() != 240 {
		t.Errorf("BPM %v, want 240", f.Tempos[1].BPM())
	}
	if want := []Meter{{0, 6, 8}}; !reflect.DeepEqual(f.Meters, want) {
		t.Errorf("meters %v, want %v", f.Meters, want)
	}
	if got := ChannelList(f.Channels[0]); !slices.Equal(got, []int{1, 10}) {
		t.Errorf("channels %v, want [1 10]", got)
	}
}

// twoTracks is a format 1 file at 480 ticks per beat: a tempo track, then
// a track with notes on channels 1 and 2, then one with a note on channel
// 2 that ends at beat 8 (the file's length).
func twoTracks() []byte {
	return smf(1, 480,
		track(tempo(0, 600000), eot(0)),
		track(
			ev(0, 0x90, 60, 80), ev(0, 0x91, 48, 70),
			ev(480, 0x80, 60, 0), ev(0, 0x81, 48, 0),
			ev(480, 0x90, 62, 81), ev(240, 62, 0), eot(0)),
		track(ev(960, 0x91, 50, 60), ev(960, 0x81, 50, 0), eot(1920)),
	)
}

// Format 1: every track's notes together, sorted by time (file order at
// equal times), or the ones a track and channel filter keep.
func TestFormat1Filters(t *testing.T) {
	data := twoTracks()
	all := parse(t, data, Filter{})
	if all.Tracks != 3 || all.Length != 8 {
		t.Errorf("%d tracks, length %v; want 3, 8", all.Tracks, all.Length)
	}
	n := func(at, ln float64, key, vel, ch uint8, tr int) Note {
		return Note{At: at, Len: ln, Key: key, Vel: vel, Channel: ch, Track: tr}
	}
	checkNotes(t, all.Notes, []Note{
		n(0, 1, 60, 80, 1, 2), n(0, 1, 48, 70, 2, 2),
		n(2, 0.5, 62, 81, 1, 2), n(2, 2, 50, 60, 2, 3),
	})
	checkNotes(t, parse(t, data, Filter{Track: 2}).Notes, []Note{n(0, 1, 60, 80, 1, 2), n(0, 1, 48, 70, 2, 2), n(2, 0.5, 62, 81, 1, 2)})
	checkNotes(t, parse(t, data, Filter{Channel: 2}).Notes, []Note{n(0, 1, 48, 70, 2, 2), n(2, 2, 50, 60, 2, 3)})
	checkNotes(t, parse(t, data, Filter{Track: 3, Channel: 2}).Notes, []Note{n(2, 2, 50, 60, 2, 3)})
	none := parse(t, data, Filter{Track: 1})
	if len(none.Notes) != 0 || none.Length != 8 {
		t.Errorf("track 1 (tempo only): %d notes, length %v; want none, 8 (the whole file's)", len(none.Notes), none.Length)
	}
	if got := [][]int{ChannelList(all.Channels[0]), ChannelList(all.Channels[1]), ChannelList(all.Channels[2])}; !reflect.DeepEqual(got, [][]int{nil, {1, 2}, {2}}) {
		t.Errorf("channels by track %v", got)
	}
	_, err := Parse(data, Filter{Track: 4})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrNoTrack) || e.Offset != -1 || err.Error() != "track 4: the file has 3 tracks" {
		t.Errorf("track 4 of 3: %v", err)
	}
	for _, f := range []Filter{{Track: -1}, {Channel: 17}, {Channel: -1}} {
		if _, err := Parse(data, f); !errors.Is(err, ErrFilter) {
			t.Errorf("%+v: %v, want ErrFilter", f, err)
		}
	}
}

// Overlapping notes of one key: each note-off ends the earliest note
// still on (first in, first out); a stray note-off does nothing; notes
// still on at the end of their track end there; a note ending where it
// starts lasts one tick.
func TestPairing(t *testing.T) {
	data := smf(1, 4,
		track(
			ev(0, 0x80, 60, 0),  // off with nothing on: ignored
			ev(0, 0x90, 60, 1),  // A at 0
			ev(4, 60, 2),        // B at 1, A still on
			ev(4, 0x80, 60, 0),  // ends A (at 2)
			ev(4, 0x90, 60, 0),  // ends B (at 3)
			ev(0, 60, 3),        // C at 3
			ev(0, 0x80, 60, 0),  // ends C where it started: one tick
			ev(4, 0x90, 61, 4),  // D at 4, never ended
			ev(0, 0x92, 60, 5),  // channel 3: a separate key
			ev(8, 0xb0, 7, 100), // a control change
			eot(4)),             // track end at 7
		track(ev(0, 0x90, 61, 6), eot(2)), // a note on the same key in another track ends with its own track
	)
	f := parse(t, data, Filter{})
	checkNotes(t, f.Notes, []Note{
		{At: 0, Len: 2, Key: 60, Vel: 1, Channel: 1, Track: 1},
		{At: 0, Len: 0.5, Key: 61, Vel: 6, Channel: 1, Track: 2},
		{At: 1, Len: 2, Key: 60, Vel: 2, Channel: 1, Track: 1},
		{At: 3, Len: 0.25, Key: 60, Vel: 3, Channel: 1, Track: 1},
		{At: 4, Len: 3, Key: 61, Vel: 4, Channel: 1, Track: 1},
		{At: 4, Len: 3, Key: 60, Vel: 5, Channel: 3, Track: 1},
	})
	if f.Length != 7 {
		t.Errorf("length %v, want 7", f.Length)
	}
}

// Alien chunks are skipped, a longer header is allowed, what follows the
// declared tracks is ignored, a track without an end-of-track event ends
// at its last event, and bytes after one are ignored.
func TestLenient(t *testing.T) {
	h := []byte{0, 0, 0, 1, 0, 8, 0xaa, 0xbb} // 8 header bytes
	data := slices.Concat(chunk("MThd", h), chunk("XFIH", []byte{1, 2, 3}),
		chunk("MTrk", slices.Concat(ev(0, 0x90, 60, 9), ev(8, 0x80, 60, 0))),
		chunk("MTrk", slices.Concat(eot(4), []byte{0xde, 0xad})),
		[]byte("trailing junk"))
	f := parse(t, data, Filter{})
	checkNotes(t, f.Notes, []Note{{At: 0, Len: 1, Key: 60, Vel: 9, Channel: 1, Track: 1}})
	if f.Length != 1 {
		t.Errorf("length %v, want 1", f.Length)
	}
}

// Every malformed or unsupported file is an *Error naming the problem,
// its track and its byte offset.
func TestErrors(t *testing.T) {
	hdr := midifiletest.Header
	one := func(evs ...[]byte) []byte { return smf(0, 96, track(evs...)) }
	const t1 = 22 // the first event of one's track
	tests := []struct {
		name  string
		data  []byte
		err   error
		track int
		at    int64
		msg   string
	}{
		{"empty", nil, ErrMalformed, 0, 0, `not a Standard MIDI File: it does not start with "MThd"`},
		{"RIFF", []byte("RIFF....RMIDdata"), ErrMalformed, 0, 0, `not a Standard MIDI File`},
		{"short length", []byte("MThd\x00\x00"), ErrMalformed, 0, 4, "the file ends inside the header chunk's length"},
		{"short header", chunk("MThd", []byte{0, 0, 0, 1}), ErrMalformed, 0, 4, "the header chunk is 4 bytes long; it must be at least 6"},
		{"header past end", []byte("MThd\x00\x00\x00\x10\x00\x00\x00\x01\x00\x60"), ErrMalformed, 0, 4, "the header chunk is 16 bytes long, but only 6 bytes follow"},
		{"format 2", hdr(2, 2, 96), ErrUnsupported, 0, 8, "format 2 (independent patterns) is not supported"},
		{"format 3", hdr(3, 1, 96), ErrMalformed, 0, 8, "unknown format 3"},
		{"no tracks", hdr(1, 0, 96), ErrMalformed, 0, 10, "the header declares no tracks"},
		{"format 0 of 2", hdr(0, 2, 96), ErrMalformed, 0, 10, "a format 0 file has one track; the header declares 2"},
		{"SMPTE", hdr(1, 1, 0xe728), ErrUnsupported, 0, 12, "SMPTE time division (25 frames per second, 40 ticks per frame) is not supported"},
		{"division 0", hdr(1, 1, 0), ErrMalformed, 0, 12, "the division is 0 ticks per quarter note"},
		{"missing track", hdr(1, 2, 96), ErrMalformed, 0, 14, "the header declares 2 tracks, but the file ends after 0"},
		{"cut chunk header", append(hdr(1, 1, 96), 'M', 'T'), ErrMalformed, 0, 14, "the file ends inside a chunk header"},
		{"chunk past end", append(hdr(1, 1, 96), "MTrk\x00\x00\x01\x00\x00"...), ErrMalformed, 1, 18, `chunk "MTrk" is 256 bytes long, but only 1 bytes follow`},
		{"alien past end", append(hdr(1, 1, 96), "XFIH\xff\xff\xff\xff"...), ErrMalformed, 0, 18, `chunk "XFIH" is 4294967295 bytes long, but only 0 bytes follow`},
		{"running status first", one(ev(0, 60, 100)), ErrMalformed, 1, t1 + 1, "running status with no status byte before it (data byte 0x3c where an event starts)"},
		{"running status after meta", one(ev(0, 0x90, 60, 1), tempo(0, 1), ev(0, 60, 0)), ErrMalformed, 1, t1 + 4 + 7 + 1, "running status with no status byte before it"},
		{"running status after SysEx", one(ev(0, 0x90, 60, 1), ev(0, 0xf0, 1, 0xf7), ev(0, 60, 0)), ErrMalformed, 1, t1 + 4 + 4 + 1, "running status with no status byte before it"},
		{"5-byte delta", one([]byte{0x81, 0x80, 0x80, 0x80, 0x00, 0x90, 60, 1}), ErrMalformed, 1, t1, "a delta-time longer than 4 bytes"},
		{"cut delta", one([]byte{0x81}), ErrMalformed, 1, t1, "the track ends inside a delta-time"},
		{"delta without event", one([]byte{0x00}), ErrMalformed, 1, t1 + 1, "the track ends after a delta-time, without its event"},
		{"cut note-on", one(ev(0, 0x90, 60)), ErrMalformed, 1, t1 + 1, "the track ends inside a note-on message"},
		{"status as data", one(ev(0, 0x90, 60, 0x80)), ErrMalformed, 1, t1 + 3, "status byte 0x80 where a note-on message has a data byte"},
		{"cut program change", one(ev(0, 0xc0)), ErrMalformed, 1, t1 + 1, "the track ends inside a program change message"},
		{"SysEx past end", one(ev(0, 0xf0, 5, 1)), ErrMalformed, 1, t1 + 1, "a SysEx event of 5 bytes, but only 1 are left in the track"},
		{"SysEx long length", one(ev(0, 0xf0, 0xff, 0xff, 0xff, 0xff, 0x7f)), ErrMalformed, 1, t1 + 2, "a SysEx length longer than 4 bytes"},
		{"cut meta", one(ev(0, 0xff)), ErrMalformed, 1, t1 + 1, "the track ends inside a meta event"},
		{"cut meta length", one(ev(0, 0xff, 0x2f)), ErrMalformed, 1, t1 + 3, "the track ends inside a meta event length"},
		{"meta past end", one(ev(0, 0xff, 0x01, 9, 'a')), ErrMalformed, 1, t1 + 1, "meta event 0x01 of 9 bytes, but only 1 are left in the track"},
		{"tempo of 2 bytes", one(ev(0, 0xff, 0x51, 2, 1, 2)), ErrMalformed, 1, t1 + 1, "a tempo meta event has 2 data bytes; it must have 3"},
		{"tempo 0", one(tempo(0, 0)), ErrMalformed, 1, t1 + 1, "a tempo of 0 microseconds per quarter note"},
		{"time signature 0/4", one(ev(0, 0xff, 0x58, 4, 0, 2, 24, 8)), ErrMalformed, 1, t1 + 1, "time signature 0/2^2"},
		{"time signature of 3 bytes", one(ev(0, 0xff, 0x58, 3, 4, 2, 24)), ErrMalformed, 1, t1 + 1, "a time signature meta event has 3 data bytes; it must have 4"},
		{"system message", one(ev(0, 0xf8)), ErrMalformed, 1, t1 + 1, "status byte 0xf8 (a system message) cannot be in a MIDI file"},
		{"second track", smf(1, 96, track(eot(0)), track(ev(0, 0xf2, 1, 1))), ErrMalformed, 2, 22 + 4 + 8 + 1, "status byte 0xf2"},
		{"too large", make([]byte, MaxSize+1), ErrTooLarge, 0, MaxSize, "the file is over 4 MiB"},
	}
	for _, tt := range tests {
		f, err := Parse(tt.data, Filter{})
		var e *Error
		if f != nil || !errors.As(err, &e) {
			t.Errorf("%s: %v, %v; want an *Error", tt.name, f, err)
			continue
		}
		if !errors.Is(err, tt.err) || e.Track != tt.track || e.Offset != tt.at || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("%s: %q (track %d, byte %d, %v)\nwant track %d, byte %d, %v, containing %q", tt.name, err, e.Track, e.Offset, e.Err, tt.track, tt.at, tt.err, tt.msg)
		}
	}
	if got := (&Error{Track: 2, Offset: 344, Msg: "running status with no status byte before it"}).Error(); got != "track 2 at byte 344: running status with no status byte before it" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Offset: 8, Msg: "m"}).Error(); got != "at byte 8: m" {
		t.Errorf("Error() = %q", got)
	}
}

// The event and note limits are errors, not memory.
func TestLimits(t *testing.T) {
	// MaxNotes+1 note-ons: after the first, each is a delta of 0 and two
	// data bytes under running status.
	notes := ev(0, 0x90, 0, 1)
	for i := 1; i <= MaxNotes; i++ {
		notes = append(notes, 0, byte(i%128), 1)
	}
	_, err := Parse(smf(0, 96, track(notes)), Filter{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 500000 notes") {
		t.Errorf("too many notes: %v", err)
	}
	// Filtered out, the same notes are fine.
	if _, err := Parse(smf(0, 96, track(notes)), Filter{Channel: 2}); err != nil {
		t.Errorf("notes filtered out: %v", err)
	}
	// MaxEvents+1 channel pressure messages of 2 bytes each.
	ctl := ev(0, 0xd0, 1)
	for range MaxEvents {
		ctl = append(ctl, 0, 1)
	}
	_, err = Parse(smf(0, 96, track(ctl)), Filter{})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 2000000 events") {
		t.Errorf("too many events: %v", err)
	}
}

// programs is a format 1 file at 96 ticks per beat with named tracks and
// program changes: a conductor track named "Song", a track on channel 1
// that changes program mid-file under running status, and an unnamed one
// on channel 10 whose program change comes after its first note, in a
// second track chunk, sharing a tick with one of the first track's.
func programs() []byte {
	return smf(1, 96,
		track(ev(0, 0xff, 0x03, 4, 'S', 'o', 'n', 'g'), tempo(0, 400000), eot(0)),
		track(
			ev(0, 0xff, 0x03, 5, 'P', 'i', 'a', 'n', 'o'),
			ev(0, 0xc0, 4),            // Electric Piano 1 at beat 0
			ev(0, 0x90, 60, 100),      // a note
			ev(96, 0x80, 60, 0),       //
			ev(0, 0xc0, 0),            // Acoustic Grand Piano at beat 1 (status given)
			ev(96, 1),                 // running status: Bright Acoustic Piano at beat 2
			ev(0, 0xff, 0x03, 1, 'X'), // a second name: ignored
			eot(0)),
		track(
			ev(0, 0x99, 36, 100), ev(48, 0x89, 36, 0),
			ev(48, 0xc9, 25), // at beat 1, after the first track's at beat 1
			eot(0)),
	)
}

// Program changes are kept, sorted by time (file order at equal times),
// with the filter applied as to notes; each track's name is its first
// name meta event.
func TestProgramsAndNames(t *testing.T) {
	data := programs()
	f := parse(t, data, Filter{})
	want := []Program{
		{At: 0, Channel: 1, Program: 4, Track: 2},
		{At: 1, Channel: 1, Program: 0, Track: 2},
		{At: 1, Channel: 10, Program: 25, Track: 3},
		{At: 2, Channel: 1, Program: 1, Track: 2},
	}
	if !reflect.DeepEqual(f.Programs, want) {
		t.Errorf("programs\n%+v\nwant\n%+v", f.Programs, want)
	}
	if want := []string{"Song", "Piano", ""}; !slices.Equal(f.Names, want) {
		t.Errorf("names %q, want %q", f.Names, want)
	}
	if got := parse(t, data, Filter{Channel: 10}).Programs; !reflect.DeepEqual(got, want[2:3]) {
		t.Errorf("channel 10: %+v", got)
	}
	if got := parse(t, data, Filter{Track: 2}).Programs; len(got) != 3 {
		t.Errorf("track 2: %+v", got)
	}
	// The limit: MaxPrograms+1 program changes are an error, not memory.
	ctl := ev(0, 0xc0, 1)
	for range MaxPrograms {
		ctl = append(ctl, 0, 1)
	}
	if _, err := Parse(smf(0, 96, track(ctl)), Filter{}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 100000 program changes") {
		t.Errorf("too many program changes: %v", err)
	}
	if _, err := Parse(smf(0, 96, track(ctl)), Filter{Channel: 2}); err != nil {
		t.Errorf("program changes filtered out: %v", err)
	}
}

// Read refuses what is over MaxSize without reading all of it.
func TestRead(t *testing.T) {
	f, err := Read(strings.NewReader(string(twoTracks())), Filter{Track: 3})
	if err != nil || len(f.Notes) != 1 {
		t.Fatalf("Read: %v, %v", f, err)
	}
	if _, err := Read(strings.NewReader(strings.Repeat("x", MaxSize+10)), Filter{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: %v", err)
	}
}

// FuzzParse: whatever the bytes, Parse returns a file or an *Error with a
// sentinel and an offset inside the file, never panics, and what it
// returns keeps its promises.
func FuzzParse(f *testing.F) {
	f.Add(twoTracks(), 0, 0)
	f.Add(twoTracks(), 2, 2)
	f.Add(smf(0, 96, track(tempo(0, 500000), ev(0, 0x90, 60, 100), ev(48, 64, 90), ev(48, 60, 0), ev(0, 0xf0, 1, 0xf7), eot(0))), 0, 1)
	f.Add(smf(1, 4, track(ev(0, 0x90, 60, 1), ev(4, 60, 2), ev(4, 0x80, 60, 0), eot(4)), track(eot(1))), 1, 0)
	f.Add(programs(), 0, 10)
	f.Add([]byte("MThd\x00\x00\x00\x06\x00\x01\x00\x01\x00\x60MTrk\x00\x00\x00\x04\x00\xff\x2f\x00"), 0, 0)
	f.Fuzz(func(t *testing.T, data []byte, track, channel int) {
		file, err := Parse(data, Filter{Track: track, Channel: channel})
		if err != nil {
			var e *Error
			if file != nil || !errors.As(err, &e) {
				t.Fatalf("%v, %v", file, err)
			}
			if !(errors.Is(e, ErrMalformed) || errors.Is(e, ErrUnsupported) || errors.Is(e, ErrTooLarge) || errors.Is(e, ErrNoTrack) || errors.Is(e, ErrFilter)) {
				t.Fatalf("no sentinel: %v", err)
			}
			if e.Offset < -1 || e.Offset > int64(len(data)) || e.Msg == "" {
				t.Fatalf("offset %d of %d bytes: %v", e.Offset, len(data), err)
			}
			return
		}
		if len(file.Notes) > MaxNotes || file.Tracks != len(file.Channels) || file.Division <= 0 {
			t.Fatalf("%d notes, %d tracks, %d channel masks, division %d", len(file.Notes), file.Tracks, len(file.Channels), file.Division)
		}
		if len(file.Programs) > MaxPrograms || len(file.Names) != file.Tracks {
			t.Fatalf("%d programs, %d names of %d tracks", len(file.Programs), len(file.Names), file.Tracks)
		}
		for i, p := range file.Programs {
			if !(p.At >= 0 && p.At <= file.Length) || p.Program > 127 || p.Channel < 1 || p.Channel > 16 || p.Track < 1 || p.Track > file.Tracks ||
				track != 0 && p.Track != track || channel != 0 && int(p.Channel) != channel || i > 0 && p.At < file.Programs[i-1].At {
				t.Fatalf("program %d %+v, length %v", i, p, file.Length)
			}
		}
		tick := 1 / float64(file.Division)
		for i, n := range file.Notes {
			if !(n.At >= 0 && n.Len > 0 && n.At+n.Len <= file.Length+tick) || n.Key > 127 || n.Vel < 1 || n.Vel > 127 ||
				n.Channel < 1 || n.Channel > 16 || n.Track < 1 || n.Track > file.Tracks ||
				track != 0 && n.Track != track || channel != 0 && int(n.Channel) != channel {
				t.Fatalf("note %d %+v, length %v", i, n, file.Length)
			}
			if i > 0 && n.At < file.Notes[i-1].At {
				t.Fatalf("notes out of order at %d", i)
			}
		}
	})
}
