// Package midifile reads Standard MIDI Files (SMF 1.0) into notes measured
// in beats: what a note clip needs from a file, and nothing that plays.
//
// Format 0 (one track) and format 1 (tracks played together) are read;
// format 2 (independent patterns) and SMPTE time division are refused with
// ErrUnsupported. Times are in beats (quarter notes): a note at tick t is
// at beat t/division, whatever the file's tempo map says, so notes keep
// their places in the bar when the tempo changes mid-file; the tempo map
// and time signatures are returned beside them for callers that want the
// file's own tempo, with the program changes and the tracks' names for
// callers that choose the sounds (gridbox import).
//
// Notes are paired as a sequencer plays them: a note-on with velocity 0 is
// a note-off; a note-off ends the earliest note still on for its channel
// and key (first in, first out), so overlapping notes of one key each keep
// their own start; a note-off with no note on is ignored; a note still on
// when its track ends is ended there; a note that ends where it starts
// lasts one tick.
//
// Every malformed file is an *Error naming the problem, the track and the
// byte offset, never a panic, whatever the bytes (the package is fuzzed).
// The limits MaxSize, MaxEvents and MaxNotes bound the work and memory a
// hostile file can cause. It imports nothing of gridbox and runs on the
// control side.
package midifile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strconv"
)

// Limits. A 4 MiB MIDI file is huge (a whole orchestral score is tens of
// kilobytes); the limits bound what a malformed or hostile file costs.
const (
	MaxSize   = 4 << 20   // bytes of file
	MaxEvents = 2_000_000 // events in all tracks together
	MaxNotes  = 500_000   // notes kept (after the filter)
	// MaxPrograms bounds the program changes kept (after the filter): a
	// song has a handful per channel.
	MaxPrograms = 100_000
)

// A Filter picks the notes to keep. Tracks and channels filtered out are
// still read and checked; they still count towards the file's Length.
type Filter struct {
	// Track keeps one track: the MTrk chunks counted from 1 in file
	// order, as sequencers number them (in format 1, track 1 is often
	// the tempo track, with no notes). 0 keeps every track.
	Track int
	// Channel keeps one MIDI channel, 1..16 (as musicians number them;
	// the status byte's low nibble plus 1). 0 keeps every channel.
	Channel int
}

// A File is what Parse reads from a Standard MIDI File.
type File struct {
	Format   int // 0 or 1
	Division int // ticks per quarter note (beat)
	Tracks   int // MTrk chunks read: the header's count
	// Length is where the file ends, in beats: the latest end of track
	// of all its tracks, whatever the filter.
	Length float64
	// Notes are the notes the filter kept, sorted by At; notes that start
	// together keep their file order (track by track, then in the track).
	Notes []Note
	// Tempos are the tempo changes of every track, sorted by At; a file
	// without one plays at 120 BPM (500000 µs per beat), as the
	// specification says.
	Tempos []Tempo
	// Meters are the time signatures of every track, sorted by At.
	Meters []Meter
	// Programs are the program changes the filter kept, sorted by At;
	// program changes at the same time keep their file order.
	Programs []Program
	// Names has, for each track (Names[0] is track 1), its name: the
	// text of its first sequence/track name meta event (0x03), as
	// written (the specification sets no character set: usually ASCII,
	// sometimes Latin-1 or UTF-8); "" for a track without one.
	Names []string
	// Channels has, for each track (Channels[0] is track 1), a bit set
	// for each channel that has a note in it (bit 0 = channel 1),
	// whatever the filter: for saying where the notes are when a filter
	// keeps none.
	Channels []uint16
}

// A Note is one note of a file, in beats from the start of the file.
type Note struct {
	At, Len float64 // beats; Len > 0
	Key     uint8   // 0..127
	Vel     uint8   // 1..127
	Channel uint8   // 1..16
	Track   int     // from 1
}

// A Program is a program change (0xCn): from At on, Channel plays
// Program.
type Program struct {
	At      float64 // beats
	Channel uint8   // 1..16
	Program uint8   // 0..127, as sent (General MIDI names them 1..128)
	Track   int     // from 1
}

// A Tempo is a tempo change (meta event 0x51).
type Tempo struct {
	At            float64 // beats
	MicrosPerBeat int     // microseconds per quarter note, > 0
}

// BPM returns the tempo in quarter notes per minute.
func (t Tempo) BPM() float64 { return 60e6 / float64(t.MicrosPerBeat) }

// A Meter is a time signature (meta event 0x58): Num beats of 1/Den.
type Meter struct {
	At       float64 // beats
	Num, Den int     // Den a power of two, 1..64
}

// Sentinel causes, found with errors.Is on an *Error.
var (
	// ErrMalformed: the bytes break the SMF 1.0 specification.
	ErrMalformed = errors.New("malformed MIDI file")
	// ErrUnsupported: a valid file this package does not read (format
	// 2, SMPTE time division).
	ErrUnsupported = errors.New("unsupported MIDI file")
	// ErrTooLarge: the file is over one of the limits.
	ErrTooLarge = errors.New("MIDI file too large")
	// ErrNoTrack: Filter.Track names a track the file does not have.
	ErrNoTrack = errors.New("no such track")
	// ErrFilter: the Filter itself is out of range.
	ErrFilter = errors.New("bad filter")
)

// An Error is one problem with a file. Parse stops at the first.
type Error struct {
	// Track is the MTrk chunk the problem is in, from 1; 0 for the
	// header or the file as a whole.
	Track int
	// Offset is the problem's byte offset from the start of the file;
	// -1 when it is not at a byte (a Filter asking for a track the file
	// does not have).
	Offset int64
	Msg    string
	Err    error // one of the sentinels
}

// Error formats e as "track 2 at byte 344: msg", "at byte 8: msg" for the
// header, or "msg" with no offset.
func (e *Error) Error() string {
	switch {
	case e.Offset < 0:
		return e.Msg
	case e.Track > 0:
		return "track " + strconv.Itoa(e.Track) + " at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
	}
	return "at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}

// Unwrap returns the sentinel cause.
func (e *Error) Unwrap() error { return e.Err }

// Read reads a whole file from r, refusing one over MaxSize, and parses
// it with Parse. An error reading r is returned as it is.
func Read(r io.Reader, f Filter) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	return Parse(data, f)
}

// Parse reads the Standard MIDI File data, keeping the notes f picks. On
// any problem it returns a nil *File and an *Error. It never panics.
func Parse(data []byte, f Filter) (*File, error) {
	if f.Track < 0 || f.Channel < 0 || f.Channel > 16 {
		return nil, &Error{Offset: -1, Msg: fmt.Sprintf("filter track %d, channel %d: the track counts from 1, the channel is 1..16 (0: all)", f.Track, f.Channel), Err: ErrFilter}
	}
	if len(data) > MaxSize {
		return nil, &Error{Offset: MaxSize, Msg: fmt.Sprintf("the file is over %d MiB, the limit for a MIDI file", MaxSize>>20), Err: ErrTooLarge}
	}
	p := &parser{data: data, filter: f}
	file, err := p.parse()
	if err != nil {
		return nil, err
	}
	return file, nil
}

// A parser reads one file. Offsets are ints into data; data is at most
// MaxSize long, so chunk lengths are checked against what is left before
// any addition can overflow.
type parser struct {
	data   []byte
	filter Filter
	track  int // the track being read, from 1; 0 in the header
	events int
	notes  []pending
	tempos []timed[Tempo]
	meters []timed[Meter]
	progs  []timed[Program]
	names  []string
	chans  []uint16
	end    int64 // latest end of track, in ticks
	// open holds, per channel and key, the indexes in notes of the notes
	// still on, earliest first; used lists the open entries the track
	// being read has touched.
	open [16 * 128][]int
	used []int
}

// A pending note is a note in ticks; end < 0 while it is on.
type pending struct {
	start, end int64
	key, vel   uint8
	ch         uint8 // 0..15
	track      int
}

type timed[T any] struct {
	tick int64
	v    T
}

func (p *parser) fail(at int, cause error, format string, a ...any) *Error {
	return &Error{Track: p.track, Offset: int64(at), Msg: fmt.Sprintf(format, a...), Err: cause}
}

func (p *parser) parse() (*File, error) {
	d := p.data
	if len(d) < 4 || string(d[:4]) != "MThd" {
		return nil, p.fail(0, ErrMalformed, "not a Standard MIDI File: it does not start with \"MThd\"")
	}
	if len(d) < 8 {
		return nil, p.fail(4, ErrMalformed, "the file ends inside the header chunk's length")
	}
	hlen := binary.BigEndian.Uint32(d[4:8])
	if hlen < 6 {
		return nil, p.fail(4, ErrMalformed, "the header chunk is %d bytes long; it must be at least 6", hlen)
	}
	if uint64(hlen) > uint64(len(d)-8) {
		return nil, p.fail(4, ErrMalformed, "the header chunk is %d bytes long, but only %d bytes follow", hlen, len(d)-8)
	}
	format := int(binary.BigEndian.Uint16(d[8:10]))
	ntrks := int(binary.BigEndian.Uint16(d[10:12]))
	division := binary.BigEndian.Uint16(d[12:14])
	switch {
	case format == 2:
		return nil, p.fail(8, ErrUnsupported, "format 2 (independent patterns) is not supported: save the file as format 0 or 1")
	case format > 2:
		return nil, p.fail(8, ErrMalformed, "unknown format %d: a Standard MIDI File is format 0, 1 or 2", format)
	case ntrks == 0:
		return nil, p.fail(10, ErrMalformed, "the header declares no tracks")
	case format == 0 && ntrks != 1:
		return nil, p.fail(10, ErrMalformed, "a format 0 file has one track; the header declares %d", ntrks)
	case division&0x8000 != 0:
		fps := -int(int8(division >> 8))
		return nil, p.fail(12, ErrUnsupported, "SMPTE time division (%d frames per second, %d ticks per frame) is not supported: save the file with ticks per quarter note", fps, division&0xff)
	case division == 0:
		return nil, p.fail(12, ErrMalformed, "the division is 0 ticks per quarter note")
	}
	if p.filter.Track > ntrks {
		return nil, &Error{Offset: -1, Msg: fmt.Sprintf("track %d: the file has %s", p.filter.Track, plural(ntrks, "track")), Err: ErrNoTrack}
	}
	p.chans = make([]uint16, ntrks)
	p.names = make([]string, ntrks)

	pos := 8 + int(hlen)
	for found := 0; found < ntrks; {
		if len(d)-pos < 8 {
			if pos == len(d) {
				return nil, p.fail(pos, ErrMalformed, "the header declares %s, but the file ends after %d", plural(ntrks, "track"), found)
			}
			return nil, p.fail(pos, ErrMalformed, "the file ends inside a chunk header")
		}
		id := string(d[pos : pos+4])
		clen := binary.BigEndian.Uint32(d[pos+4 : pos+8])
		p.track = 0
		if id == "MTrk" {
			p.track = found + 1
		}
		if uint64(clen) > uint64(len(d)-pos-8) {
			return nil, p.fail(pos+4, ErrMalformed, "chunk %q is %d bytes long, but only %d bytes follow", id, clen, len(d)-pos-8)
		}
		body := pos + 8
		pos = body + int(clen)
		if id != "MTrk" {
			continue // an alien chunk: the specification says to skip it
		}
		found++
		if err := p.readTrack(body, pos); err != nil {
			return nil, err
		}
	}
	// Whatever follows the declared tracks is ignored, as alien chunks are.
	return p.file(format, int(division), ntrks), nil
}

// readTrack reads the events of track p.track, in data[pos:end].
func (p *parser) readTrack(pos, end int) *Error {
	var tick int64
	var running byte // the running status; 0: none
	defer p.closeNotes(&tick)
	for pos < end {
		delta, err := p.vlq(&pos, end, "delta-time")
		if err != nil {
			return err
		}
		tick += int64(delta)
		if p.events++; p.events > MaxEvents {
			return p.fail(pos, ErrTooLarge, "more than %d events; the limit for a MIDI file", MaxEvents)
		}
		if pos >= end {
			return p.fail(pos, ErrMalformed, "the track ends after a delta-time, without its event")
		}
		at := pos
		status := p.data[pos]
		if status < 0x80 {
			if running == 0 {
				return p.fail(pos, ErrMalformed, "running status with no status byte before it (data byte 0x%02x where an event starts)", status)
			}
			status = running
		} else {
			pos++
		}
		switch {
		case status < 0xf0:
			running = status
			n := 2
			if kind := status & 0xf0; kind == 0xc0 || kind == 0xd0 {
				n = 1
			}
			if end-pos < n {
				return p.fail(at, ErrMalformed, "the track ends inside a %s message", channelMsg(status))
			}
			for i := range n {
				if b := p.data[pos+i]; b >= 0x80 {
					return p.fail(pos+i, ErrMalformed, "status byte 0x%02x where a %s message has a data byte", b, channelMsg(status))
				}
			}
			switch kind := status & 0xf0; kind {
			case 0x80, 0x90:
				on := kind == 0x90 && p.data[pos+1] > 0
				if err := p.note(at, tick, status&0x0f, p.data[pos], p.data[pos+1], on); err != nil {
					return err
				}
			case 0xc0:
				if err := p.program(at, tick, status&0x0f, p.data[pos]); err != nil {
					return err
				}
			}
			pos += n
		case status == 0xf0 || status == 0xf7: // SysEx, or an escape: skipped
			running = 0
			n, err := p.vlq(&pos, end, "SysEx length")
			if err != nil {
				return err
			}
			if uint64(n) > uint64(end-pos) {
				return p.fail(at, ErrMalformed, "a SysEx event of %d bytes, but only %d are left in the track", n, end-pos)
			}
			pos += int(n)
		case status == 0xff:
			running = 0
			if pos >= end {
				return p.fail(at, ErrMalformed, "the track ends inside a meta event")
			}
			typ := p.data[pos]
			pos++
			n, err := p.vlq(&pos, end, "meta event length")
			if err != nil {
				return err
			}
			if uint64(n) > uint64(end-pos) {
				return p.fail(at, ErrMalformed, "meta event 0x%02x of %d bytes, but only %d are left in the track", typ, n, end-pos)
			}
			body := p.data[pos : pos+int(n)]
			pos += int(n)
			switch typ {
			case 0x2f: // end of track: what follows in the chunk is ignored
				return nil
			case 0x03:
				if p.names[p.track-1] == "" {
					p.names[p.track-1] = string(body)
				}
			case 0x51:
				if len(body) != 3 {
					return p.fail(at, ErrMalformed, "a tempo meta event has %d data bytes; it must have 3", len(body))
				}
				us := int(body[0])<<16 | int(body[1])<<8 | int(body[2])
				if us == 0 {
					return p.fail(at, ErrMalformed, "a tempo of 0 microseconds per quarter note")
				}
				p.tempos = append(p.tempos, timed[Tempo]{tick, Tempo{MicrosPerBeat: us}})
			case 0x58:
				if len(body) != 4 {
					return p.fail(at, ErrMalformed, "a time signature meta event has %d data bytes; it must have 4", len(body))
				}
				if body[0] == 0 || body[1] > 6 {
					return p.fail(at, ErrMalformed, "time signature %d/2^%d: the numerator must be at least 1 and the denominator at most 2^6", body[0], body[1])
				}
				p.meters = append(p.meters, timed[Meter]{tick, Meter{Num: int(body[0]), Den: 1 << body[1]}})
			}
		default:
			return p.fail(at, ErrMalformed, "status byte 0x%02x (a system message) cannot be in a MIDI file", status)
		}
	}
	return nil // no end-of-track event: the track ends at its last event
}

// closeNotes ends the track that ends at *tick: notes still on end there.
func (p *parser) closeNotes(tick *int64) {
	for _, i := range p.used {
		for _, n := range p.open[i] {
			p.notes[n].end = *tick
		}
		p.open[i] = nil
	}
	p.used = p.used[:0]
	p.end = max(p.end, *tick)
}

// note handles a note-on (on) or note-off of channel ch (0..15) at tick;
// at is the event's offset.
func (p *parser) note(at int, tick int64, ch, key, vel byte, on bool) *Error {
	if on {
		p.chans[p.track-1] |= 1 << ch
	}
	if p.filter.Track != 0 && p.filter.Track != p.track || p.filter.Channel != 0 && p.filter.Channel != int(ch)+1 {
		return nil
	}
	q := &p.open[int(ch)*128+int(key)]
	if !on {
		if len(*q) > 0 {
			p.notes[(*q)[0]].end = tick
			*q = (*q)[1:]
		}
		return nil
	}
	if len(p.notes) >= MaxNotes {
		return p.fail(at, ErrTooLarge, "more than %d notes; the limit for a MIDI file", MaxNotes)
	}
	if *q == nil {
		p.used = append(p.used, int(ch)*128+int(key))
	}
	*q = append(*q, len(p.notes))
	p.notes = append(p.notes, pending{start: tick, end: -1, key: key, vel: vel, ch: ch, track: p.track})
	return nil
}

// program handles a program change of channel ch (0..15) to prog at
// tick; at is the event's offset.
func (p *parser) program(at int, tick int64, ch, prog byte) *Error {
	if p.filter.Track != 0 && p.filter.Track != p.track || p.filter.Channel != 0 && p.filter.Channel != int(ch)+1 {
		return nil
	}
	if len(p.progs) >= MaxPrograms {
		return p.fail(at, ErrTooLarge, "more than %d program changes; the limit for a MIDI file", MaxPrograms)
	}
	p.progs = append(p.progs, timed[Program]{tick, Program{Channel: ch + 1, Program: prog, Track: p.track}})
	return nil
}

// vlq reads a variable-length quantity (at most 4 bytes: 0..0x0fffffff)
// at *pos, before end; what names it in errors.
func (p *parser) vlq(pos *int, end int, what string) (uint32, *Error) {
	var v uint32
	start := *pos
	for i := 0; ; i++ {
		if *pos >= end {
			return 0, p.fail(start, ErrMalformed, "the track ends inside a %s", what)
		}
		if i == 4 {
			return 0, p.fail(start, ErrMalformed, "a %s longer than 4 bytes (a variable-length quantity is at most 4)", what)
		}
		b := p.data[*pos]
		*pos++
		v = v<<7 | uint32(b&0x7f)
		if b < 0x80 {
			return v, nil
		}
	}
}

// file builds the result; ticks become beats only here.
func (p *parser) file(format, division, ntrks int) *File {
	beats := func(t int64) float64 { return float64(t) / float64(division) }
	f := &File{Format: format, Division: division, Tracks: ntrks, Length: beats(p.end), Channels: p.chans, Names: p.names}
	slices.SortStableFunc(p.notes, func(a, b pending) int { return cmpTick(a.start, b.start) })
	if len(p.notes) > 0 {
		f.Notes = make([]Note, len(p.notes))
	}
	for i, n := range p.notes {
		f.Notes[i] = Note{At: beats(n.start), Len: beats(max(n.end-n.start, 1)), Key: n.key, Vel: n.vel, Channel: n.ch + 1, Track: n.track}
	}
	slices.SortStableFunc(p.tempos, func(a, b timed[Tempo]) int { return cmpTick(a.tick, b.tick) })
	for _, t := range p.tempos {
		t.v.At = beats(t.tick)
		f.Tempos = append(f.Tempos, t.v)
	}
	slices.SortStableFunc(p.meters, func(a, b timed[Meter]) int { return cmpTick(a.tick, b.tick) })
	for _, m := range p.meters {
		m.v.At = beats(m.tick)
		f.Meters = append(f.Meters, m.v)
	}
	slices.SortStableFunc(p.progs, func(a, b timed[Program]) int { return cmpTick(a.tick, b.tick) })
	for _, pr := range p.progs {
		pr.v.At = beats(pr.tick)
		f.Programs = append(f.Programs, pr.v)
	}
	return f
}

func cmpTick(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ChannelList returns the channels (1..16) set in mask, a File.Channels
// entry, in order.
func ChannelList(mask uint16) []int {
	var cs []int
	for mask != 0 {
		c := bits.TrailingZeros16(mask)
		cs = append(cs, c+1)
		mask &^= 1 << c
	}
	return cs
}

var channelMsgs = [...]string{"note-off", "note-on", "key pressure", "control change", "program change", "channel pressure", "pitch bend"}

func channelMsg(status byte) string { return channelMsgs[status>>4-8] }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
