package engine

// track is one bus's mixer state: per-channel gains that ramp linearly to
// their targets over RampTime, so changes never click.
type track struct {
	curL, curR float32
	tgtL, tgtR float32
	dL, dR     float32
	left       int32 // ramp frames still to go
	voices     int32 // voices sounding on this track
	busy       bool  // the bus holds audio for the segment being mixed
	mute       bool  // muted: its MIDI instruments send nothing
	// Where the track's MIDI controllers went (midiCtl: some were sent
	// since its last stop), for the stop's reset.
	midiCtl  bool
	midiCh   uint8
	midiPort int16
	// Where the track's latest MIDI note went (midiNote: one was sent
	// since its last stop or mute), for the stop's All Notes Off.
	midiNote bool
	noteCh   uint8
	notePort int16
	direct   bool // at unity and steady: its voices mix straight into the output
	// The audio input it monitors (Monitor): monCh channels (0: none)
	// from input channel monFirst. A monitored track sounds, as one with
	// voices does.
	monCh, monFirst uint8
	lit             bool // on the Player's lit list
	// The latest Stop known ahead, the endSeq'th command: voices of clip
	// endClip (< 0: all) starting before endAt (or at it, sent before the
	// Stop) end there too.
	endAt   Frame
	endSeq  uint64
	endClip int32
}

// setTarget starts a ramp to gain/pan/mute lasting frames frames, or, when
// no voice sounds on the track, sets it at once (a ramp would only soften
// the attack of the next clip, e.g. the first downbeat at frame 0). Pan is
// a balance control: centre leaves both channels at gain.
func (t *track) setTarget(gain, pan float32, mute bool, frames int32) {
	if mute {
		gain = 0
	}
	pan = max(-1, min(1, pan))
	t.tgtL = gain * min(1, 1-pan)
	t.tgtR = gain * min(1, 1+pan)
	if t.voices == 0 && t.monCh == 0 { // nothing sounds: jump, so a clip launched next starts at full level
		t.curL, t.curR, t.left = t.tgtL, t.tgtR, 0
		return
	}
	t.left = frames
	t.dL = (t.tgtL - t.curL) / float32(frames)
	t.dR = (t.tgtR - t.curR) / float32(frames)
}

// advance moves the ramp on by n frames without mixing.
func (t *track) advance(n int) {
	if t.left == 0 {
		return
	}
	if int(t.left) <= n {
		t.curL, t.curR, t.left = t.tgtL, t.tgtR, 0
		return
	}
	t.curL += t.dL * float32(n)
	t.curR += t.dR * float32(n)
	t.left -= int32(n)
}

// mix adds bus (stereo, len(out) samples) into out through the track's gains.
func (t *track) mix(out, bus []float32) {
	bus = bus[:len(out)]
	if t.left == 0 {
		l, r := t.curL, t.curR
		if l == 1 && r == 1 {
			for i := range out {
				out[i] += bus[i]
			}
			return
		}
		for i := 0; i+1 < len(out); i += 2 {
			out[i] += bus[i] * l
			out[i+1] += bus[i+1] * r
		}
		return
	}
	for i := 0; i+1 < len(out); i += 2 {
		if t.left > 0 {
			t.left--
			if t.left == 0 {
				t.curL, t.curR = t.tgtL, t.tgtR
			} else {
				t.curL += t.dL
				t.curR += t.dR
			}
		}
		out[i] += bus[i] * t.curL
		out[i+1] += bus[i+1] * t.curR
	}
}
