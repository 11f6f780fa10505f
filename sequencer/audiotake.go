package sequencer

import (
	"math"
	"slices"

	"gridbox/engine"
)

// Audio takes (issue 13). A track with an audio input (Track.Input)
// records audio where a track with an instrument records notes: the same
// Record button, count-in, fixed or free length and metronome (see
// Record). At the take's start the session asks its TakeBuffers for a
// buffer per audio track (a new bank sample, staged; the session sends
// the SwapBank), puts a clip playing it in the slot at once (so that the
// takes file names the recording while it records: a crash keeps what
// reached the disk) and tells the engine to record into it (RecordAudio).
// The engine writes the input into the buffer as it arrives, latency
// compensated, and hands the same frames to the show's writer (the
// capture ring); a voice playing the buffer from the take's end reads
// frames written long before. Recording goes on takeFade past the end,
// so that the loop's crossfade joins what was played after the bar line
// to its start. A looping audio clip playing on an audio track is
// overdubbed instead: its buffer is copied, the copy recorded into in
// place (what was there times OverdubLevel, plus the input) and heard
// from the clip's next loop start on; undo brings the old one back.

// takeFade is the crossfade, in seconds, at the loop restart of a clip
// recorded from an input.
const takeFade = 0.005

// TakeBuffers provides what audio takes record into; the show implements
// it. The session calls it on its own goroutine.
type TakeBuffers interface {
	// NewTakes stages a bank (engine.Player.StageBank) that adds one
	// sample per request, a buffer of Frames frames written only by the
	// engine while it records, and returns them in order. The session
	// sends the SwapBank. On an error nothing is staged.
	NewTakes(reqs []TakeRequest) ([]TakeSample, error)
	// Overdubbable reports whether a take may start as a copy of bank
	// sample s (not one streamed from disk: copying it would read the
	// whole file on the session goroutine).
	Overdubbable(s int32) bool
	// TakeEnded reports that the engine is done with take tag (its
	// request's Tag) on track x: end is the frame after the last one
	// recorded, cause why it ended.
	TakeEnded(tag int32, x int, end engine.Frame, cause TakeCause)
}

// TakeRequest asks for the buffer of an audio take on track Track.
type TakeRequest struct {
	Track, Scene int   // the slot the take records into
	Frames       int   // the buffer's length (at the engine's rate)
	Channels     int   // 1 or 2 (an overdub's: From's)
	Tag          int32 // the engine's capture ring tags the take's frames with it (engine.Chunk.Clip)
	From         int32
	// From is, for an overdub, the bank sample the buffer starts as a
	// copy of (and Frames its length); -1: silence.
}

// TakeSample is a take's buffer: its bank sample and what a Clip playing
// it has as Source.
type TakeSample struct {
	Sample int32
	Source any
}

// TakeCause is why the engine ended an audio take.
type TakeCause int

const (
	TakeDone    TakeCause = iota // as planned
	TakeFull                     // its buffer was full (a free-length take reached Song.MaxTake)
	TakeDropped                  // the writer fell behind: the engine kept what it had handed over
)

// SetTakeBuffers makes audio tracks record (nil: they do not), and
// monitors their inputs as they say.
func (s *Session) SetTakeBuffers(b TakeBuffers) {
	s.buffers = b
	s.monitor(s.committed)
}

// TakeError returns the error of the last take whose buffers could not be
// made (its audio tracks did not record), and forgets it.
func (s *Session) TakeError() error {
	err := s.takeErr
	s.takeErr = nil
	return err
}

// recordsAudio reports whether track x records audio.
func (s *Session) recordsAudio(x int) bool {
	return s.buffers != nil && s.song.Tracks[x].Input.Channels > 0
}

// records reports whether track x can record: notes (an instrument) or
// audio.
func (s *Session) records(x int) bool {
	return s.song.Tracks[x].Instrument >= 0 || s.recordsAudio(x)
}

// maxTake returns how long a free-length audio take may last.
func (s *Session) maxTake() Beats {
	if s.song.MaxTake > 0 {
		return s.song.MaxTake
	}
	return 32 * s.clock.BeatsPerBar()
}

// startAudio starts recording t's audio tracks at action a (the take's
// start), their slots chosen.
func (s *Session) startAudio(t *take, a action) {
	var reqs []TakeRequest
	var rts []*recTrack
	for i := range t.tracks {
		rt := &t.tracks[i]
		if !s.recordsAudio(rt.x) {
			continue
		}
		in := s.song.Tracks[rt.x].Input
		s.nextTag++
		rt.recTag = s.nextTag
		req := TakeRequest{Track: rt.x, Scene: rt.slot, Channels: in.Channels, From: -1, Tag: rt.recTag}
		if rt.overdub {
			// The copy holds the loop as the voice plays it: the sample,
			// or longer when the loop is (silence past the sample's end).
			loop := int(s.tracks[rt.x].loop>>32) + 1
			req.From, req.Frames = rt.before.Sample, max(rt.before.SampleFrames, loop)
		} else {
			length := t.rs.Length
			if length <= 0 {
				length = s.maxTake()
			}
			// A quarter more than the take lasts at the tempo now: a
			// tempo that falls while it records must not cut it short.
			req.Frames = int(math.Ceil(1.25*s.clock.Frames(a.at, length)+takeFade*s.clock.rate)) + 1
		}
		reqs = append(reqs, req)
		rts = append(rts, rt)
	}
	if len(reqs) == 0 {
		return
	}
	if t.rs.Length <= 0 && !t.ending {
		s.planEnd(t.start + s.maxTake())
	}
	got, err := s.buffers.NewTakes(reqs)
	if err != nil || len(got) != len(reqs) {
		s.takeErr = err
		t.tracks = slices.DeleteFunc(t.tracks, func(rt recTrack) bool { return s.recordsAudio(rt.x) })
		if len(t.tracks) == 0 {
			s.cancelTake()
		}
		return
	}
	s.send(engine.Command{Op: engine.SwapBank, At: a.at})
	for i, rt := range rts {
		x, req, ts := rt.x, reqs[i], &s.tracks[rt.x]
		in := s.song.Tracks[x].Input
		rt.audio = true
		cmd := engine.Command{Op: engine.RecordAudio, At: a.at, Track: int16(x), Clip: rt.recTag, Sample: got[i].Sample,
			Key: uint8(in.First), Vel: uint8(in.Channels)}
		if rt.overdub {
			c := *rt.before
			c.Sample, c.Source = got[i].Sample, got[i].Source
			rt.clip = &c
			// The copy takes over at the loop start; recording starts
			// where the loop is now, wrapping as it does.
			loop := max(ts.loop, 1<<32)
			pos := (ts.vph + uint64(max(a.at-ts.vat, 0))<<32) % loop
			cmd.Start = int64(pos >> 32)
			cmd.LoopLen = (loop + 1<<31) >> 32
			cmd.Gain = min(max(s.song.Tracks[x].OverdubLevel, 0), 1)
		} else {
			rt.clip = &Clip{Sample: got[i].Sample, SampleFrames: req.Frames, Loop: true, Length: t.rs.Length,
				Gain: 1, LoopFade: takeFade, Source: got[i].Source}
		}
		s.put(x, rt.slot, rt.clip, a.at)
		s.send(cmd)
		s.recTags = append(s.recTags, recTag{tag: rt.recTag, x: x})
	}
	s.version++
	s.monitor(a.at)
}

// endAudio ends recording on audio track rt at frame at: at once (now),
// or takeFade past at, the loop crossfade's material.
func (s *Session) endAudio(rt *recTrack, at engine.Frame, now bool) {
	c := engine.Command{Op: engine.RecordStop, At: at, Track: int16(rt.x), Clip: rt.recTag, Now: now}
	if !now && !rt.overdub {
		c.At += engine.Frame(math.Round(takeFade * s.clock.rate))
	}
	s.send(c)
}

// audioClip returns the clip audio track rt recorded in take t, of the
// bars from its start to end.
func (t *take) audioClip(rt *recTrack) *Clip {
	c := *rt.clip
	c.Length = t.end - t.start
	return &c
}

// RecordingAudio reports whether the engine records an audio take (one
// started and its end not yet reported).
func (s *Session) RecordingAudio() bool { return len(s.recTags) > 0 }

// StopTake stops recording audio take tag (TakeRequest.Tag) at once, at
// frame at or as soon after as the engine can: its file could not be
// written. Its clip keeps what was recorded; the take goes on as planned
// on its other tracks.
func (s *Session) StopTake(tag int32, at engine.Frame) {
	for _, r := range s.recTags {
		if r.tag == tag {
			s.send(engine.Command{Op: engine.RecordStop, At: s.clamp(at), Track: int16(r.x), Clip: tag, Now: true})
			return
		}
	}
}

// recTag is an audio take the engine records: its events' tag and its
// track.
type recTag struct {
	tag int32
	x   int
}

// event handles an engine event.
func (s *Session) event(e engine.Event) {
	var cause TakeCause
	switch e.Kind {
	case engine.EvRecorded:
		cause = TakeDone
	case engine.EvTakeFull:
		cause = TakeFull
	case engine.EvTakeDropped:
		cause = TakeDropped
	default:
		return
	}
	for i, r := range s.recTags {
		if r.tag == e.Clip {
			s.recTags = append(s.recTags[:i], s.recTags[i+1:]...)
			if s.buffers != nil {
				s.buffers.TakeEnded(r.tag, r.x, e.Frame, cause)
			}
			return
		}
	}
}

// monitor sends each engine bus's monitoring as it should be at frame
// at: the input of the audio track on it heard through it as
// Track.Monitor says, off where none is (a reload moves tracks between
// buses).
func (s *Session) monitor(at engine.Frame) {
	want := make([]engine.Command, len(s.busUsed))
	for x := range s.tracks {
		tr := &s.song.Tracks[x]
		on := false
		if s.buffers != nil && tr.Input.Channels > 0 {
			switch tr.Monitor {
			case MonitorIn:
				on = true
			case MonitorAuto:
				on = s.mix[x].Arm || s.recordingAudio(x)
			}
		}
		if b := s.bus[x]; on && int(b) < len(want) {
			want[b].Key, want[b].Vel = uint8(tr.Input.First), uint8(tr.Input.Channels)
		}
	}
	s.monitored = append(s.monitored, make([]engine.Command, len(want)-len(s.monitored))...)
	for b, c := range want {
		if c.Key == s.monitored[b].Key && c.Vel == s.monitored[b].Vel {
			continue
		}
		s.monitored[b] = c
		c.Op, c.At, c.Track = engine.Monitor, s.clamp(at), int16(b)
		s.post(c) // addressed to the bus
	}
}

// recordingAudio reports whether track x counts in or records audio in
// the take in progress (the musician hears the input from the count-in
// on, as they play along with it).
func (s *Session) recordingAudio(x int) bool {
	if t := s.rec; t != nil {
		for _, rt := range t.tracks {
			if rt.x == x && (rt.audio || !t.started && s.recordsAudio(x)) {
				return true
			}
		}
	}
	return false
}
