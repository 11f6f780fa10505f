package engine

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// midiBank has instrument 0 on MIDI port 2, channel 3 (status nibble 2),
// and instrument 1 on port 5, channel 10.
func midiBank() *Bank {
	return &Bank{Instruments: []Instrument{{MIDI: &MIDIOut{Port: 2, Channel: 2}}, {MIDI: &MIDIOut{Port: 5, Channel: 9}}}}
}

// midiLog renders frames frames in blocks of block and returns the MIDI
// the player sent, one "<frame> <port> <hex>" per message.
func midiLog(p *Player, frames, block int) []string {
	var got []string
	buf := make([]float32, 2*block)
	for done := 0; done < frames; {
		n := min(block, frames-done)
		p.Render(buf[:2*n])
		done += n
		for {
			e, ok := p.PollMIDI()
			if !ok {
				break
			}
			got = append(got, fmt.Sprintf("%d %d % X", e.Frame, e.Port, e.Bytes()))
		}
	}
	return got
}

// A MIDI instrument's notes go out at the exact frames they are sent for,
// whatever the block size: note-ons and note-offs, a Stop known ahead
// ending the clip notes at its own frame (not when an audio fade would
// begin), a note the Stop cuts at its frame never sent, a live note
// played on past the Stop until its own note-off, a mute ending the
// rest, nothing sent while muted, and the panic Stop ending live notes;
// All Notes Off after the note-offs where no note is left.
func TestMIDINotesAreSampleAccurate(t *testing.T) {
	want := []string{
		"100 2 92 3C 64",  // NoteOn key 60 vel 100 at 100
		"250 5 99 24 7F",  // instrument 1, drum key 36
		"300 2 82 3C 00",  // its NoteOff
		"400 2 92 40 50",  // key 64
		"401 2 92 43 01",  // key 67, velocity 0 sent as 1 (0 would be a note-off)
		"450 2 92 30 40",  // live key 48
		"1000 2 82 40 00", // the Stop at 1000 ends 64 and 67 and the drum, not the live note
		"1000 2 82 43 00",
		"1000 5 89 24 00",
		"1000 5 B9 7B 00", // All Notes Off where no note is left (the live 48 holds port 2 channel 3)
		"1200 2 92 3E 64", // after the Stop
		"2000 2 82 30 00", // the mute ends the live 48 and 62, in the order they began
		"2000 2 82 3E 00",
		"2000 2 B2 7B 00", // nothing left on the channel
		"3000 2 92 41 64", // unmuted
		"3500 2 82 41 00", // panic
		"3500 2 B2 7B 00",
	}
	for _, block := range []int{64, 128, 333} {
		p := newPlayer(t, midiBank(), 4)
		send(t, p,
			Command{Op: NoteOn, At: 100, Track: 1, Instrument: 0, Key: 60, Vel: 100},
			Command{Op: NoteOn, At: 250, Track: 2, Instrument: 1, Key: 36, Vel: 127},
			Command{Op: NoteOff, At: 300, Track: 1, Key: 60},
			Command{Op: NoteOn, At: 400, Track: 1, Instrument: 0, Key: 64, Vel: 80},
			Command{Op: NoteOn, At: 401, Track: 1, Instrument: 0, Key: 67, Vel: 0},
			Command{Op: NoteOn, At: 450, Track: 1, Instrument: 0, Key: 48, Vel: 64, Live: true},
			Command{Op: NoteOn, At: 999, Track: 1, Instrument: 0, Key: 61, Vel: 64, Now: false, Live: false},
			Command{Op: NoteOff, At: 999, Track: 1, Key: 61}, // a note within the Stop's fade plays (sent before it, it ends there)
			Command{Op: Stop, At: 1000, Track: 1, Clip: -1},
			Command{Op: Stop, At: 1000, Track: 2, Clip: -1},
			Command{Op: NoteOn, At: 1200, Track: 1, Instrument: 0, Key: 62, Vel: 100},
			Command{Op: SetTrack, At: 2000, Track: 1, Gain: 1, Mute: true},
			Command{Op: NoteOn, At: 2500, Track: 1, Instrument: 0, Key: 63, Vel: 100}, // muted: never sent
			Command{Op: NoteOff, At: 2600, Track: 1, Key: 63},
			Command{Op: SetTrack, At: 2900, Track: 1, Gain: 1},
			Command{Op: NoteOn, At: 3000, Track: 1, Instrument: 0, Key: 65, Vel: 100},
			Command{Op: Stop, At: 3500, Track: 1, Clip: -1, Now: true, Live: true},
		)
		got := midiLog(p, 4000, block)
		w := slices.Insert(slices.Clone(want), 6, "999 2 92 3D 40", "999 2 82 3D 00")
		if !slices.Equal(got, w) {
			t.Errorf("block %d: MIDI sent\n%s\nwant\n%s", block, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
}

// A note on the Stop's own frame sent before the Stop is cut (never
// sent), as a voice would be; one sent after it plays.
func TestMIDIStopCutsNotesOnItsFrame(t *testing.T) {
	p := newPlayer(t, midiBank(), 2)
	send(t, p,
		Command{Op: NoteOn, At: 1000, Track: 0, Instrument: 0, Key: 60, Vel: 100},
		Command{Op: Stop, At: 1000, Track: 0, Clip: -1},
		Command{Op: NoteOn, At: 1000, Track: 0, Instrument: 0, Key: 62, Vel: 100},
	)
	got := midiLog(p, 2000, 128)
	if want := []string{"1000 2 92 3E 64"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A live note (Now) goes out at the start of the block it is taken in,
// the frame it sounds at; a clip note and a pad on the same key send one
// note-off, when the last ends; a note-off goes where its note-on went
// after a reload moved the instrument to another port.
func TestMIDILiveNotesAndReload(t *testing.T) {
	p := newPlayer(t, midiBank(), 2)
	send(t, p, Command{Op: NoteOn, At: 100, Track: 0, Instrument: 0, Key: 60, Vel: 90})
	got := midiLog(p, 256, 128)
	send(t, p,
		Command{Op: NoteOn, At: 130, Now: true, Live: true, Track: 0, Instrument: 0, Key: 60, Vel: 70},
		Command{Op: NoteOff, At: 300, Track: 0, Key: 60},
	)
	got = append(got, midiLog(p, 256, 128)...)
	b := midiBank()
	b.Instruments[0].MIDI.Port = 7
	if err := p.StageBank(b); err != nil {
		t.Fatal(err)
	}
	send(t, p,
		Command{Op: SwapBank},
		Command{Op: NoteOff, At: 600, Live: true, Track: 0, Key: 60},
		Command{Op: NoteOn, At: 700, Track: 0, Instrument: 0, Key: 61, Vel: 90},
	)
	got = append(got, midiLog(p, 512, 128)...)
	want := []string{"100 2 92 3C 5A", "256 2 92 3C 46", "600 2 82 3C 00", "700 7 92 3D 5A"}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMIDIRenderDoesNotAllocate: MIDI notes on, off, stopped and muted
// allocate nothing. Not parallel (AllocsPerRun).
func TestMIDIRenderDoesNotAllocate(t *testing.T) {
	p := newPlayer(t, midiBank(), 4)
	out := make([]float32, 2*128)
	n := testing.AllocsPerRun(100, func() {
		at := p.Position()
		p.Send(Command{Op: NoteOn, At: at + 5, Track: 1, Instrument: 0, Key: 60, Vel: 100})
		p.Send(Command{Op: NoteOn, At: at + 6, Track: 2, Instrument: 1, Key: 36, Vel: 100, Live: true, Now: true})
		p.Send(Command{Op: NoteOff, At: at + 50, Track: 1, Key: 60})
		p.Send(Command{Op: Stop, At: at + 300, Track: 1, Clip: -1})
		p.Send(Command{Op: SetTrack, At: at + 60, Track: 2, Gain: 1, Mute: true})
		p.Send(Command{Op: SetTrack, At: at + 70, Track: 2, Gain: 1})
		p.Render(out)
		for {
			if _, ok := p.PollMIDI(); !ok {
				break
			}
		}
	})
	if n != 0 {
		t.Fatalf("Render with MIDI notes allocated %v times per call, want 0", n)
	}
}

// Controllers on a MIDI instrument's track go to its port and channel at
// their frames (a CC, the pitch wheel as LSB and MSB, channel pressure in
// two bytes; a muted track sends none), and the track's stop centres the
// wheel and zeroes CC1 and pressure there, as for SoundFont voices.
func TestMIDIControllers(t *testing.T) {
	for _, block := range []int{64, 128, 333} {
		p := newPlayer(t, midiBank(), 2)
		send(t, p,
			Command{Op: Controller, At: 10, Track: 0, Instrument: 0, Control: 7, Value: 100},
			Command{Op: Controller, At: 20, Track: 0, Instrument: 0, Control: PitchBend, Value: 16383},
			Command{Op: Controller, At: 30, Track: 0, Instrument: 0, Control: Pressure, Value: 64},
			Command{Op: Controller, At: 40, Track: 1, Instrument: -1, Control: 1, Value: 64}, // no instrument: nothing sent
			Command{Op: SetTrack, At: 50, Track: 0, Gain: 1, Mute: true},
			Command{Op: Controller, At: 60, Track: 0, Instrument: 0, Control: 1, Value: 5}, // muted
			Command{Op: SetTrack, At: 70, Track: 0, Gain: 1},
			Command{Op: Stop, At: 500, Track: 0, Clip: -1},
			Command{Op: Stop, At: 600, Track: 0, Clip: -1}, // nothing sent since: no reset
		)
		got := midiLog(p, 1000, block)
		want := []string{"10 2 B2 07 64", "20 2 E2 7F 7F", "30 2 D2 40", "500 2 E2 00 40", "500 2 B2 01 00", "500 2 D2 00"}
		if !slices.Equal(got, want) {
			t.Errorf("block %d: got\n%s\nwant\n%s", block, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// All Notes Off follows a stop's note-offs, at their frame, only where no
// note is left on the port and channel: a stop of all with notes of two
// tracks on one channel sends it once, after both; a track's stop while
// another track's clip note or a held live pad sounds there sends none;
// the panic stop sends it always, on its instrument's channel too (here
// with no note on).
func TestMIDIAllNotesOffWhereNoNoteIsLeft(t *testing.T) {
	for _, block := range []int{64, 128, 333} {
		p := newPlayer(t, midiBank(), 4)
		send(t, p,
			// Stop all: two tracks, one channel.
			Command{Op: NoteOn, At: 100, Track: 0, Instrument: 0, Key: 60, Vel: 100},
			Command{Op: NoteOn, At: 100, Track: 1, Instrument: 0, Key: 64, Vel: 100},
			Command{Op: Stop, At: 500, Track: 0, Clip: -1},
			Command{Op: Stop, At: 500, Track: 1, Clip: -1},
			// A track's stop while another track's clip note sounds.
			Command{Op: NoteOn, At: 600, Track: 0, Instrument: 0, Key: 60, Vel: 100},
			Command{Op: NoteOn, At: 600, Track: 1, Instrument: 0, Key: 64, Vel: 100},
			Command{Op: Stop, At: 700, Track: 0, Clip: -1},
			Command{Op: NoteOff, At: 800, Track: 1, Key: 64},
			// A clip track's stop while a pad holds a live note.
			Command{Op: NoteOn, At: 900, Track: 2, Instrument: 0, Key: 48, Vel: 100, Live: true},
			Command{Op: NoteOn, At: 900, Track: 0, Instrument: 0, Key: 60, Vel: 100},
			Command{Op: Stop, At: 1000, Track: 0, Clip: -1},
			Command{Op: NoteOff, At: 1100, Track: 2, Key: 48, Live: true},
			// Panic, on a track with no note on: its instrument's channel.
			Command{Op: Stop, At: 1500, Track: 3, Clip: -1, Now: true, Live: true, Instrument: 1},
		)
		got := midiLog(p, 2000, block)
		want := []string{
			"100 2 92 3C 64",
			"100 2 92 40 64",
			"500 2 82 3C 00",
			"500 2 82 40 00",
			"500 2 B2 7B 00", // after both
			"600 2 92 3C 64",
			"600 2 92 40 64",
			"700 2 82 3C 00", // track 1's 64 goes on: none
			"800 2 82 40 00",
			"900 2 92 30 64",
			"900 2 92 3C 64",
			"1000 2 82 3C 00", // the pad's 48 goes on: none
			"1100 2 82 30 00",
			"1500 5 B9 7B 00",
		}
		if !slices.Equal(got, want) {
			t.Errorf("block %d: MIDI sent\n%s\nwant\n%s", block, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
