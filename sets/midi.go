package sets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"

	"gridbox/internal/spell"
	"gridbox/midifile"
)

// MIDIFiles returns the MIDI files the set's note clips take their notes
// from, as paths in the same file system as Set.File (as SampleRef.Path
// is), in file order; the same file may appear more than once. A reload
// watches them.
func (s *Set) MIDIFiles() []string {
	var paths []string
	for ti := range s.Tracks {
		for ci := range s.Tracks[ti].Clips {
			if m := s.Tracks[ti].Clips[ci].MIDI; m != nil {
				paths = append(paths, path.Join(path.Dir(s.File), m.Path))
			}
		}
	}
	return paths
}

// readMIDI reads the MIDI file of each note clip of set (loaded as name
// from fsys) that has one, filling the clip's Notes and, when it has no
// length key, its Length. Clips at positions in bad (already reported)
// are skipped. It returns the problems with the files, each at the midi
// key (or the track key, for a track the file does not have) and marked
// as a file problem like a sample's: the set still plays, and such a
// clip is silent (with the length Parse gave it: one bar if it had none).
func readMIDI(fsys fs.FS, name string, set *Set, bad map[Pos]bool) Errors {
	var errs Errors
	bpb := set.BeatsPerBar()
	for ti := range set.Tracks {
		for ci := range set.Tracks[ti].Clips {
			c := &set.Tracks[ti].Clips[ci]
			m := c.MIDI
			if m == nil || c.File != "" || bad[m.Pos] {
				continue
			}
			pos, msg, err := readClipMIDI(fsys, path.Dir(name), c, bpb)
			if msg != "" {
				errs = append(errs, &Error{File: name, Pos: pos, Msg: "midi " + spell.Quote(m.Path) + ": " + msg, Err: err, sample: true})
			}
		}
	}
	return errs
}

// readClipMIDI reads c's MIDI file from dir in fsys into c. On a problem
// it returns where it is reported, what it is and its cause.
func readClipMIDI(fsys fs.FS, dir string, c *Clip, bpb float64) (Pos, string, error) {
	m := c.MIDI
	f, err := openInside(fsys, dir, m.Path)
	if err != nil {
		return m.Pos, fileProblem(err, "a MIDI file"), err
	}
	data, err := io.ReadAll(io.LimitReader(f, midifile.MaxSize+1))
	f.Close()
	if err != nil {
		return m.Pos, "cannot read: " + spell.Error(err), err
	}
	file, err := midifile.Parse(data, midifile.Filter{Track: m.Track, Channel: m.Channel})
	if err != nil {
		if errors.Is(err, midifile.ErrNoTrack) && m.TrackPos.Line > 0 {
			return m.TrackPos, err.Error(), err
		}
		return m.Pos, err.Error(), err
	}
	if file.Length > MaxBeats {
		return m.Pos, fmt.Sprintf("the file is %s beats long; a clip is at most %d", spell.Number(file.Length), MaxBeats), nil
	}
	if m.LengthFromFile && bpb > 0 {
		bars := max(1, math.Ceil(file.Length/bpb))
		if bars*bpb > MaxBeats {
			return m.Pos, fmt.Sprintf("the file is %s beats long; a clip is at most %d", spell.Number(file.Length), MaxBeats), nil
		}
		c.Length = Duration{N: bars, Unit: Bars}
	}
	if len(file.Notes) == 0 {
		return m.Pos, noNotes(file, m), nil
	}
	end := c.Length.Beats(bpb)
	notes := make([]Note, 0, len(file.Notes))
	for _, n := range file.Notes {
		if bpb > 0 && n.At >= end {
			continue
		}
		notes = append(notes, Note{At: n.At, Len: min(n.Len, MaxBeats), Key: int(n.Key), Vel: int(n.Vel)})
	}
	if len(notes) > MaxNotes {
		return m.Pos, fmt.Sprintf("%d notes; a clip holds at most %d (pick a track or a channel with track = N, channel = N)", len(notes), MaxNotes), nil
	}
	c.Notes = notes
	return Pos{}, "", nil
}

// noNotes says that the filter m kept none of file's notes, and where
// its notes are.
func noNotes(file *midifile.File, m *MIDISource) string {
	var tracks []string
	var all uint16
	for i, mask := range file.Channels {
		if mask != 0 {
			tracks = append(tracks, strconv.Itoa(i+1))
		}
		all |= mask
	}
	chans := func(mask uint16) string {
		var cs []string
		for _, c := range midifile.ChannelList(mask) {
			cs = append(cs, strconv.Itoa(c))
		}
		if len(cs) == 1 {
			return "channel " + cs[0]
		}
		return "channels " + strings.Join(cs, ", ")
	}
	switch {
	case len(tracks) == 0:
		return "the file has no notes"
	case m.Track > 0 && m.Channel > 0 && file.Channels[m.Track-1] != 0:
		return fmt.Sprintf("track %d has no notes on channel %d; its notes are on %s", m.Track, m.Channel, chans(file.Channels[m.Track-1]))
	case m.Track > 0:
		in := "track " + tracks[0]
		if len(tracks) > 1 {
			in = "tracks " + strings.Join(tracks, ", ")
		}
		return fmt.Sprintf("track %d has no notes; the file's notes are in %s", m.Track, in)
	}
	return fmt.Sprintf("no notes on channel %d; the file's notes are on %s", m.Channel, chans(all))
}
