package engine

// Render fills out (interleaved stereo) with the next len(out)/2 frames.
// It runs on the audio thread and never blocks, allocates, locks, logs or
// makes syscalls.
func (p *Player) Render(out []float32) {
	if p.in != nil {
		p.inputBegin(len(out) / 2)
	}
	for len(out) > 2*p.maxBlock {
		p.renderBlock(out[:2*p.maxBlock])
		out = out[2*p.maxBlock:]
	}
	p.renderBlock(out)
	if p.in != nil {
		p.inputEnd()
	}
}

func (p *Player) renderBlock(out []float32) {
	n := len(out) / 2
	start := p.now
	end := start + Frame(n)

	// 1. Drain the command ring into the pending array.
	p.drain()

	// 2. Clear the block.
	clear(out)

	// 3. Apply each command at its frame, mixing the segments between them.
	off := 0
	for {
		at := start + Frame(off)
		for p.ph < p.pn && p.pending[p.ph].due <= at {
			c := p.pending[p.ph]
			p.ph++
			p.apply(&c, at)
			if n := c.bank.waiting(&c.Command); n != nil {
				n.Add(-1) // after its voices are counted
			}
		}
		next := n
		if p.ph < p.pn && p.pending[p.ph].due < end {
			next = int(p.pending[p.ph].due - start)
		}
		if next > off {
			p.mix(out[2*off:2*next], at)
			off = next
		}
		if off >= n {
			break
		}
	}
	if p.ph == p.pn {
		p.ph, p.pn = 0, 0
	}

	// Record the input frames that came since the last Render into the
	// open takes: after the voices read the block, so that a loop being
	// overdubbed plays what it held before, the new layer heard from its
	// next pass even when the input is not late (render, latency 0).
	if p.in != nil {
		p.record()
	}

	// 4. Limit, publish.
	p.limit(out)
	p.now = end
	p.pos.Store(int64(end))
	nv := int64(len(p.act))
	p.nVoices.Store(nv)
	p.nPending.Store(int64(p.pn - p.ph))
	if nv > p.peak.Load() {
		p.peak.Store(nv)
	}
}

// Prepare takes in the commands sent so far, as Render does first: an
// offline render calls it, then fills the streams, then renders, so that
// clips starting in the block have their streams (Render's goroutine only).
func (p *Player) Prepare() { p.drain() }

// drain moves every queued command into the pending array, kept sorted by
// the frame each is due (stable, so equal frames keep send order). A Stop
// known ahead is due a fade's length before its frame, so that the fade
// ends there. Each takes the current bank along, so that a reload's
// SwapBank, taken in here in send order, divides the commands sent before
// it from those after it whenever either kind applies.
func (p *Player) drain() {
	for {
		c, ok := p.cmds.pop()
		if !ok {
			return
		}
		switch c.Op {
		case SwapBank:
			p.swapBank()
			continue
		case RecordAudio: // a take is open from now on, not from a frame
			p.recordAudio(&c)
			continue
		case RecordStop:
			p.recordStop(&c)
			continue
		}
		if !p.room() {
			continue
		}
		due := c.At
		switch {
		case c.Op == Stop && !c.Now:
			due -= Frame(p.fadeFrames)
		case c.Now && (c.Op == NoteOn || c.Op == NoteOff || c.Op == Controller || c.Op == Monitor):
			// A live note: due at the start of the block rendered next,
			// after what is already due there (send order). It takes that
			// frame as its own, so it is never late.
			due = p.now
			c.At = due
		}
		i := p.insert(due)
		p.seq++
		p.pending[i] = pending{Command: c, bank: p.bank, due: due, seq: p.seq, stream: -1}
		if c.Op == PlayClip && c.Sample >= 0 && p.bank.streamed(c.Sample) {
			// Claimed ahead of the clip's frame, so the streamer has begun
			// by then (a clip starting past its preload needs it at once).
			p.pending[i].stream = p.claimStream(p.bank, c.Sample, startPhase(&c), loopOf(&c), uint64(loopFade(&c)))
		}
		p.pn++
		if n := p.bank.waiting(&c); n != nil {
			n.Add(1)
		}
		if c.Op == PlayClip {
			p.emit(Event{Kind: EvQueued, Track: c.Track, Clip: c.Clip, Frame: c.At})
		}
		if c.Op == Stop && !c.Now && c.Clip < 0 {
			// Its MIDI notes end at its frame, not when its fade begins.
			p.queueMIDIStop(c)
		}
	}
}

// room makes room at the end of the pending array for one more command,
// moving its live part to the front if it must; false: the array is full
// (the command is counted as dropped).
func (p *Player) room() bool {
	if p.pn == len(p.pending) {
		if p.ph == 0 {
			p.dropped.Add(1)
			return false
		}
		copy(p.pending, p.pending[p.ph:p.pn])
		p.pn -= p.ph
		p.ph = 0
	}
	return true
}

// insert makes room in the pending array for a command due at due, after
// those due then already (send order), and returns its index; the caller
// fills it and counts it in pn. The array has room (drain made it).
func (p *Player) insert(due Frame) int {
	i := p.pn
	for i > p.ph && p.pending[i-1].due > due {
		p.pending[i] = p.pending[i-1]
		i--
	}
	return i
}

// queueMIDIStop queues the MIDI half of Stop c, due at its frame; it is
// counted as dropped when the pending array is full.
func (p *Player) queueMIDIStop(c Command) {
	if !p.room() {
		return
	}
	c.Op = opMIDIStop
	i := p.insert(c.At)
	p.seq++
	p.pending[i] = pending{Command: c, bank: p.bank, due: c.At, seq: p.seq, stream: -1}
	p.pn++
}

// swapBank makes the staged bank, if any, the one the commands taken in
// from now on play.
func (p *Player) swapBank() {
	if b := p.staged.Swap(nil); b != nil {
		old := p.bank
		p.bank = b
		old.refs.held.Add(-1) // after the commands taken in with it counted
	}
}

// apply carries out pc at frame at (the start of the segment it begins).
func (p *Player) apply(pc *pending, at Frame) {
	c, seq, slot, bank := &pc.Command, pc.seq, pc.stream, pc.bank
	if int(c.Track) < 0 || int(c.Track) >= len(p.tracks) {
		p.releaseStream(slot)
		return
	}
	if c.Op == opMIDIStop {
		p.stopMIDI(c, bank, at)
		return
	}
	// A Stop known ahead is late when its frame has come; others when it
	// has passed.
	if late := c.At < at || (c.Op == Stop && !c.Now && c.At <= at); late {
		p.late.Add(1)
		p.emit(Event{Kind: EvLate, Track: c.Track, Clip: c.Clip, Frame: at})
	}
	switch c.Op {
	case PlayClip:
		if c.Sample < 0 || int(c.Sample) >= len(bank.Samples) {
			return
		}
		end, cut := p.stopped(c.Track, c.Clip, false, seq, at)
		if cut {
			p.releaseStream(slot)
			return // stopped at its first frame: it never sounds
		}
		v := p.alloc(at)
		b := bank.Samples[c.Sample]
		v.data, v.pcm, v.ch, v.frames, v.pre = b.Data, b.PCM16, uint8(b.Channels), uint64(b.Frames()), uint64(b.Frames())
		v.step, v.gain, v.clip, v.track, v.gate = one, c.Gain, c.Clip, c.Track, false
		v.use(&bank.refs.voices[c.Sample])
		v.loopLen, v.xfade = loopOf(c), loopFade(c)
		v.phase = startPhase(c)
		if slot >= 0 {
			st := &p.streams[slot]
			v.st, v.slot, v.frames, v.passLo = st, slot, st.frames, v.phase>>32
			v.org = -int64(max(v.pre, v.passLo))
		}
		// A late start begins where it would have been by now, so a loop
		// stays on the grid with the other tracks.
		v.skip(uint64(at - c.At))
		p.tracks[c.Track].voices++
		if end > 0 {
			v.endIn(end, p.fadeFrames)
		}
		if c.Legato && !v.ending() {
			p.takeOver(v)
		}
		p.emit(Event{Kind: EvStarted, Track: c.Track, Clip: c.Clip, Frame: at})
	case NoteOn:
		if c.Instrument < 0 || int(c.Instrument) >= len(bank.Instruments) {
			return
		}
		if sf := bank.Instruments[c.Instrument].SoundFont; sf != nil {
			p.noteOnSF(c, sf, bank, seq, at)
			return
		}
		if m := bank.Instruments[c.Instrument].MIDI; m != nil {
			p.noteOnMIDI(c, m, seq, at)
			return
		}
		// Every zone holding the key plays: zones layer.
		zones := bank.Instruments[c.Instrument].Zones
		for i := range zones {
			z := &zones[i]
			if c.Key < z.Low || c.Key > z.High {
				continue
			}
			end, cut := p.stopped(c.Track, -1, z.Gate && !c.Live, seq, at)
			if cut {
				continue
			}
			v := p.alloc(at)
			b := bank.Samples[z.Sample]
			v.data, v.pcm, v.ch, v.frames, v.pre = b.Data, b.PCM16, uint8(b.Channels), uint64(b.Frames()), uint64(b.Frames())
			v.step = pitchStep(int(c.Key) - int(z.Root))
			v.gain = z.Gain * float32(c.Vel) * (1.0 / 127)
			v.clip, v.track, v.key, v.gate, v.live = -1, c.Track, c.Key, z.Gate, c.Live
			v.use(&bank.refs.voices[z.Sample])
			p.tracks[c.Track].voices++
			if end > 0 {
				v.endIn(end, p.fadeFrames)
			}
		}
	case NoteOff:
		if len(p.midiNotes) > 0 {
			p.noteOffMIDI(c, at)
		}
		for _, i := range p.act {
			v := &p.voices[i]
			if v.clip < 0 && v.gate && v.live == c.Live && v.track == c.Track && v.key == c.Key && int(i) < p.pool {
				if v.sf.on {
					v.sf.noteOff() // the region's own release
				} else {
					v.startFade(p.fadeFrames)
				}
			}
		}
	case Stop:
		if c.Now {
			p.stopMIDI(c, bank, at) // a Stop known ahead has its own (queueMIDIStop)
		}
		d := int32(min(max(c.At-at, 0), Frame(p.fadeFrames)))
		for _, i := range p.act {
			v := &p.voices[i]
			if v.track != c.Track || !stops(c.Clip, v.clip, v.gate && (!v.live || c.Live)) {
				continue
			}
			if c.Now || d == 0 {
				v.startFade(p.fadeFrames)
			} else {
				v.endIn(d, p.fadeFrames)
			}
		}
		if !c.Now && d > 0 {
			// Voices that start before At (within the fade) end there too.
			tr := &p.tracks[c.Track]
			tr.endAt, tr.endClip, tr.endSeq = c.At, c.Clip, seq
		}
		if c.Clip < 0 { // the track stops: no pitch bend or vibrato left stuck
			ctl := &p.ctl[c.Track]
			if ctl.bend != 8192 || ctl.cc[1] != 0 || ctl.pressure != 0 {
				ctl.bend, ctl.cc[1], ctl.pressure = 8192, 0, 0
				p.followControllers(c.Track)
			}
		}
	case Controller:
		p.controller(c)
		if c.Instrument >= 0 && int(c.Instrument) < len(bank.Instruments) {
			if m := bank.Instruments[c.Instrument].MIDI; m != nil {
				p.controlMIDI(c, m, at)
			}
		}
	case Monitor:
		p.setMonitor(c)
	case SetTrack:
		p.tracks[c.Track].setTarget(c.Gain, c.Pan, c.Mute, p.rampFrames)
		if p.tracks[c.Track].left > 0 {
			p.light(int(c.Track))
		}
		if p.tracks[c.Track].mute = c.Mute; c.Mute {
			p.muteMIDI(c.Track, at)
		}
	}
}

// startPhase returns the phase a PlayClip's voice starts at. At natural
// speed a voice plays the frame nearest its position: its phase runs half a
// frame ahead, and frame phase>>32 plays. Loops then restart on the frame
// nearest their exact length, where the sequencer's clock rounds beats to
// frames.
func startPhase(c *Command) uint64 {
	ph := uint64(max(c.Start+half, 0))
	if l := loopOf(c); l != 0 {
		ph %= l
	}
	return ph
}

// loopOf returns a PlayClip's loop length (0: one-shot).
func loopOf(c *Command) uint64 {
	if !c.Loop {
		return 0
	}
	return max(c.LoopLen, one)
}

// loopFade returns a PlayClip's crossfade at a restart, in frames: at most a
// quarter of the loop, or it would overlap the next.
func loopFade(c *Command) int32 {
	return int32(min(uint64(max(c.LoopFade, 0)), loopOf(c)>>34))
}

// stops reports whether a Stop for clip stop (< 0: all) applies to a voice
// of clip (< 0 for notes, gated or not; a live note counts as not gated):
// clip voices, and gated notes when the whole track stops.
func stops(stop, clip int32, gate bool) bool {
	return (clip >= 0 && (stop < 0 || clip == stop)) || (stop < 0 && clip < 0 && gate)
}

// stopped says how a voice of clip (gate: a gated note) on track, the
// seq'th command, starting at frame at, meets a Stop known ahead that was
// applied before it began (its fade starts before its frame): when the
// voice starts before the Stop's frame, or at it but was sent first, it
// must end there, in end frames, or not sound at all (cut).
func (p *Player) stopped(track int16, clip int32, gate bool, seq uint64, at Frame) (end int32, cut bool) {
	tr := &p.tracks[track]
	if !stops(tr.endClip, clip, gate) || at > tr.endAt || (at == tr.endAt && seq > tr.endSeq) {
		return 0, false
	}
	return int32(tr.endAt - at), at == tr.endAt
}

// takeOver crossfades the clip voices sounding on v's track into v, which
// starts now: a legato switch. With none (the track played notes), v fades
// in over the same time: it starts mid-sample.
func (p *Player) takeOver(v *voice) {
	took := false
	for _, i := range p.act {
		old := &p.voices[i]
		if old != v && old.track == v.track && old.clip >= 0 && !old.ending() {
			v.takeOver(old, p.xfadeFrms)
			took = true
		}
	}
	if !took {
		v.env = envelope{n: p.xfadeFrms, len: p.xfadeFrms, rho: 1}
	}
}

// pitchStep returns 2^(semitones/12) in 32.32 fixed point.
func pitchStep(semitones int) uint64 {
	if semitones == 0 {
		return one
	}
	oct := semitones / 12
	r := semitones % 12
	if r < 0 {
		r += 12
		oct--
	}
	s := semitoneRatio[r]
	for ; oct > 0; oct-- {
		s *= 2
	}
	for ; oct < 0; oct++ {
		s /= 2
	}
	return uint64(s*one + 0.5)
}

// semitoneRatio[i] is 2^(i/12).
var semitoneRatio = [12]float64{
	1, 1.0594630943592953, 1.122462048309373, 1.189207115002721,
	1.2599210498948732, 1.3348398541700344, 1.4142135623730951, 1.4983070768766815,
	1.5874010519681994, 1.681792830507429, 1.7817974362806785, 1.887748625363386,
}

// alloc returns a fresh voice slot, stealing the oldest sounding voice (which
// moves to a tail slot to fade out) when the pool is full.
func (p *Player) alloc(at Frame) *voice {
	var slot int32
	if n := len(p.free); n > 0 {
		slot = p.free[n-1]
		p.free = p.free[:n-1]
		p.act = append(p.act, slot)
	} else {
		slot = p.oldest()
		p.steals.Add(1)
		old := &p.voices[slot]
		if n := len(p.tailFree); n > 0 {
			t := p.tailFree[n-1]
			p.tailFree = p.tailFree[:n-1]
			p.voices[t] = *old
			p.voices[t].startFade(p.stealFrms)
			p.act = append(p.act, t)
			p.stealPartner(old)
		} else {
			p.tracks[old.track].voices--
			p.releaseStream(old.slot)
			old.unuse()
			if old.clip >= 0 {
				p.emit(Event{Kind: EvStopped, Track: old.track, Clip: old.clip, Frame: at})
			}
		}
	}
	p.nextID++
	v := &p.voices[slot]
	*v = voice{id: p.nextID, env: envelope{n: -1}, endN: -1, slot: -1}
	return v
}

// oldest returns the pool slot of the voice that started first.
func (p *Player) oldest() int32 {
	best := int32(-1)
	for _, i := range p.act {
		if int(i) < p.pool && (best < 0 || p.voices[i].id < p.voices[best].id) {
			best = i
		}
	}
	return best
}

// light puts track t on the lit list, in its place, unless it is there.
// Only a lit track can have voices or a gain ramp: mix looks at those
// alone (a player has room for 512 tracks, a set uses a few; two passes
// over all of them at every segment were some 4% of a render), in the
// order of their indexes as before, so buses add up in the same order.
func (p *Player) light(t int) {
	tr := &p.tracks[t]
	if tr.lit {
		return
	}
	tr.lit = true
	i := len(p.lit)
	p.lit = p.lit[:i+1] // within its capacity: a track is on it once at most
	for ; i > 0 && p.lit[i-1] > int32(t); i-- {
		p.lit[i] = p.lit[i-1]
	}
	p.lit[i] = int32(t)
}

// mix renders len(out)/2 frames starting at frame at. A track at unity
// gain on both channels, not ramping, mixes its voices straight into out;
// others into their bus, which then goes through the track's gains.
// Tracks with no voice and no ramp are left alone (see light).
func (p *Player) mix(out []float32, at Frame) {
	n := len(out) / 2
	for _, i := range p.act {
		p.light(int(p.voices[i].track))
	}
	for _, t := range p.lit {
		tr := &p.tracks[t]
		tr.busy = tr.voices > 0 || tr.monCh > 0
		tr.direct = tr.left == 0 && tr.curL == 1 && tr.curR == 1
		if b := int(t) * p.maxBlock * 2; tr.busy && !tr.direct {
			clear(p.bus[b : b+2*n])
		}
	}
	for k := 0; k < len(p.act); {
		i := p.act[k]
		v := &p.voices[i]
		dst := out
		if !p.tracks[v.track].direct {
			b := int(v.track) * p.maxBlock * 2
			dst = p.bus[b : b+2*n]
		}
		end := v.mix(dst, p, at)
		if v.st != nil {
			if v.dry {
				p.underruns.Add(1)
				v.dry = false
			}
			v.st.read.Store(v.need())
		}
		if end >= 0 {
			p.release(k, at+Frame(end))
			continue
		}
		k++
	}
	k := 0
	for _, t := range p.lit {
		tr := &p.tracks[t]
		if tr.monCh > 0 {
			dst := out
			if !tr.direct {
				dst = p.bus[int(t)*p.maxBlock*2:][:2*n]
			}
			p.monitor(dst, tr, at)
		}
		switch {
		case tr.busy && !tr.direct: // voices that ended during this segment still count
			tr.mix(out, p.bus[int(t)*p.maxBlock*2:])
		case !tr.busy:
			tr.advance(n)
		}
		if tr.voices == 0 && tr.left == 0 && tr.monCh == 0 {
			tr.lit = false
			continue
		}
		p.lit[k] = t
		k++
	}
	p.lit = p.lit[:k]
}

// release frees active entry k, which ended by frame at.
func (p *Player) release(k int, at Frame) {
	i := p.act[k]
	v := &p.voices[i]
	p.tracks[v.track].voices--
	if v.clip >= 0 {
		p.emit(Event{Kind: EvStopped, Track: v.track, Clip: v.clip, Frame: at})
	}
	p.releaseStream(v.slot)
	v.unuse()
	v.data, v.pcm, v.st, v.slot = nil, nil, nil, -1
	last := len(p.act) - 1
	p.act[k] = p.act[last]
	p.act = p.act[:last]
	if int(i) < p.pool {
		p.free = append(p.free, i)
	} else {
		p.tailFree = append(p.tailFree, i)
	}
}

// emit reports e to the control side, counting it if the ring is full.
func (p *Player) emit(e Event) {
	if !p.events.push(e) {
		p.eventsLost.Add(1)
	}
}

// limit keeps every sample within ±1.0: instant attack, exponential release.
func (p *Player) limit(out []float32) {
	g := p.limGain
	var limited uint64
	for i := 0; i+1 < len(out); i += 2 {
		l, r := out[i], out[i+1]
		// NaN and ±Inf (x-x is NaN for both) play as 0: an Inf would
		// set g to 0, and Inf*0 is NaN.
		if l-l != 0 {
			l = 0
		}
		if r-r != 0 {
			r = 0
		}
		pk := max(l, -l, r, -r)
		if pk*g > 1 {
			g = 1 / pk
		}
		if g < 1 {
			limited++
			l = max(-1, min(1, l*g))
			r = max(-1, min(1, r*g))
			g = 1 - (1-g)*p.limCoef
			if g > 0.9999999 {
				g = 1
			}
		}
		out[i], out[i+1] = l, r
	}
	p.limGain = g
	if limited > 0 {
		p.limited.Add(limited)
	}
}
