package sequencer

import "gridbox/engine"

// Mix is a track's mixer strip as the performer sets it live, on top of the
// set's own gain and pan.
type Mix struct {
	Volume float32 // linear, times the track's set gain; 1 = as the set says
	Mute   bool
	Solo   bool
	Arm    bool // armed: records with the selected track (Session.Record)
}

// Mix returns track x's mixer strip.
func (s *Session) Mix(x int) Mix {
	if x < 0 || x >= len(s.mix) {
		return Mix{}
	}
	return s.mix[x]
}

// Soloed reports whether any track is soloed (the others are then silent).
func (s *Session) Soloed() bool { return s.soloed > 0 }

// SetMix changes track x's mixer strip at frame at (no quantization: the
// engine ramps gain over a few milliseconds, so nothing clicks). A solo
// change re-sends every track, since soloing one silences the others.
func (s *Session) SetMix(x int, m Mix, at engine.Frame) {
	if x < 0 || x >= len(s.mix) {
		return
	}
	m.Volume = max(m.Volume, 0)
	at = s.clamp(at)
	old := s.mix[x]
	s.mix[x] = m
	if old.Arm != m.Arm {
		s.monitor(at)
	}
	if old.Solo == m.Solo {
		s.sendMix(x, at)
		return
	}
	if m.Solo {
		s.soloed++
	} else {
		s.soloed--
	}
	for i := range s.mix {
		s.sendMix(i, at)
	}
}

// sendMix sends track x's effective gain, pan and mute to the engine.
func (s *Session) sendMix(x int, at engine.Frame) {
	gain, pan, mute := strip(&s.song.Tracks[x], s.mix[x], s.soloed)
	s.send(engine.Command{Op: engine.SetTrack, At: at, Track: int16(x), Gain: gain, Pan: pan, Mute: mute})
}

// strip returns what the engine's bus gets for track t with mixer strip m
// when soloed tracks are soloed.
func strip(t *Track, m Mix, soloed int) (gain, pan float32, mute bool) {
	return t.Gain * m.Volume, t.Pan, m.Mute || (soloed > 0 && !m.Solo)
}
