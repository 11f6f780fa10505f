package sequencer

import (
	"math"

	"gridbox/engine"
)

// liveTrack is a track's live notes (NoteOn, NoteOff): how many pads
// hold each key down (two pads of one note, or two controllers), since
// when it sounds, and when it was last released.
type liveTrack struct {
	held    [128]uint8
	on, off [128]engine.Frame
}

// NoteOn plays key at velocity vel on track x's instrument, played at
// frame at (a pad of the note or drum mode). When at ≥ Committed() (a
// script, render) it sounds exactly at at; when at < Committed() (a live
// controller: at is the player's Position) it is sent live
// (engine.Command.Now), so it sounds in the next block, not after the
// commit horizon. A track with no instrument ignores it, as does a
// velocity of 0 (a note-off, as MIDI has it). A key already held (by
// another pad) plays again: its note ends and a new one starts, and it
// is released when the last pad holding it is (NoteOff). While track x
// records, the note is recorded (Record).
func (s *Session) NoteOn(x int, key, vel uint8, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) || key > 127 {
		return
	}
	instr := s.song.Tracks[x].Instrument
	if instr < 0 {
		return
	}
	if vel == 0 {
		s.NoteOff(x, key, at)
		return
	}
	lt := &s.live[x]
	if lt.held[key] > 0 {
		s.liveRelease(x, key, at)
	}
	s.send(engine.Command{Op: engine.NoteOn, At: at, Now: at < s.committed, Live: true, Track: int16(x), Instrument: instr, Key: key, Vel: vel})
	lt.held[key] = min(lt.held[key], 254) + 1
	lt.on[key] = at
	s.recordOn(x, key, vel, at)
}

// NoteOff lets go of key on track x at frame at: when no other pad holds
// it down, it is released, sent as NoteOn sends. A key not held does
// nothing.
func (s *Session) NoteOff(x int, key uint8, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) || key > 127 || s.live[x].held[key] == 0 {
		return
	}
	if s.live[x].held[key]--; s.live[x].held[key] == 0 {
		s.liveRelease(x, key, at)
	}
}

// Controller sets controller ctl of track x to value at frame at, as a
// MIDI channel's: ctl is a CC number (0..127, value 0..127),
// engine.PitchBend (value 0..16383, 8192 centred), engine.Pressure
// (channel pressure, 0..127) or engine.ResetAll.
// The track's SoundFont notes, sounding and to come, follow it; a MIDI
// instrument sends it to its port. Sent as
// NoteOn sends: exactly at at when at ≥ Committed() (a script, a MIDI
// file's events), else live (engine.Command.Now). A track's stop centres
// the pitch wheel and sets CC1 and channel pressure to 0 (the engine does
// it with the Stop).
func (s *Session) Controller(x int, ctl uint8, value uint16, at engine.Frame) {
	if x < 0 || x >= len(s.tracks) {
		return
	}
	s.send(engine.Command{Op: engine.Controller, At: at, Now: at < s.committed, Track: int16(x), Instrument: s.song.Tracks[x].Instrument, Control: ctl, Value: value})
}

// liveRelease ends the live note of key on track x at frame at.
func (s *Session) liveRelease(x int, key uint8, at engine.Frame) {
	lt := &s.live[x]
	s.send(engine.Command{Op: engine.NoteOff, At: at, Now: at < s.committed, Live: true, Track: int16(x), Key: key})
	lt.off[key] = max(at, lt.on[key])
	s.recordOff(x, key, at)
}

// liveOff releases every live note held on track x at frame at (≥
// Committed), however many pads hold it.
func (s *Session) liveOff(x int, at engine.Frame) {
	for k, n := range s.live[x].held {
		if n > 0 {
			s.live[x].held[k] = 0
			s.liveRelease(x, uint8(k), at)
		}
	}
}

// Sounding reports whether key is heard on track x at frame now (the
// engine's position, behind Committed): a note of the clip playing there,
// or a live note. For the pads' lights.
func (s *Session) Sounding(x int, key uint8, now engine.Frame) bool {
	if x < 0 || x >= len(s.tracks) || key > 127 {
		return false
	}
	lt := &s.live[x]
	if lt.on[key] <= now && (lt.held[key] > 0 || now < lt.off[key]) {
		return true
	}
	c, origin, _, ok := s.heard(x, now)
	if !ok || !c.IsNotes() || c.Length <= 0 {
		return false
	}
	pos, ok := position(c, s.clock.Beat(now)-origin)
	if !ok {
		return false
	}
	for _, n := range c.Notes {
		if n.Key == key && n.At <= pos && pos < min(n.At+n.Len, c.Length) {
			return true
		}
	}
	return false
}

// ClipPosition returns the slot of the clip heard on track x at frame now
// and its position in beats within its length (the step sequencer's
// playhead). ok is false when none plays there, or it has no length in
// beats (an audio clip of its sample's own length), or a one-shot has
// played past its end.
func (s *Session) ClipPosition(x int, now engine.Frame) (slot int, beat Beats, ok bool) {
	if x < 0 || x >= len(s.tracks) {
		return -1, 0, false
	}
	c, origin, slot, ok := s.heard(x, now)
	if !ok || c.Length <= 0 {
		return -1, 0, false
	}
	beat, ok = position(c, s.clock.Beat(now)-origin)
	if !ok {
		return -1, 0, false
	}
	return slot, beat, true
}

// position returns where a clip is elapsed beats after its origin: within
// its length for a loop; for a one-shot, ok only within its one pass.
func position(c *Clip, elapsed Beats) (Beats, bool) {
	if elapsed < 0 {
		return 0, false
	}
	if !c.Loop {
		return elapsed, elapsed < c.Length
	}
	return Beats(math.Mod(float64(elapsed), float64(c.Length))), true
}

// heard returns the clip heard on track x at frame now, its origin and its
// slot: the launch committed, unless its change is still ahead of now,
// then the one it replaced.
func (s *Session) heard(x int, now engine.Frame) (c *Clip, origin Beats, slot int, ok bool) {
	ts := &s.tracks[x]
	if now >= ts.changed {
		if ts.clip == nil || ts.slot < 0 || now < ts.start {
			return nil, 0, -1, false
		}
		return ts.clip, ts.origin, ts.slot, true
	}
	if ts.was < 0 || ts.prevClip == nil {
		return nil, 0, -1, false
	}
	return ts.prevClip, ts.prevOrigin, ts.was, true
}
