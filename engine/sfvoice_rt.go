package engine

import "math"

// The volume envelope's stages (SoundFont 2.04 §8.1.2, 33-38).
const (
	sfDelay uint8 = iota
	sfAttack
	sfHold
	sfDecay
	sfSustain
	sfRelease
	sfDone
)

// sfSilent is the level at which a decaying or releasing voice is silent:
// -100 dB, where §8.1.2 ends the release.
const sfSilent = 1e-5

// sfVoice is what a voice playing a SoundFont region keeps beyond a
// sample voice's state: the loop, the envelopes and LFOs, the channel
// gains and the low-pass filter. The sample position is the voice's phase,
// an absolute index into the font's data (32.32); frames is the region's
// end. Everything that moves slower than the audio (the modulation
// envelope, the LFOs, the controllers) is computed every sfUpdate frames
// (tick): the pitch and cutoff step there, the gains ramp linearly to
// their next values.
type sfVoice struct {
	on       bool
	released bool
	dirty    bool  // a controller moved: the next tick recomputes everything
	dyn      bool  // an envelope or LFO moves the pitch, cutoff or volume
	loop     uint8 // soundfont.LoopMode: 0 none, 1 continuous, 3 until release
	excl     uint8
	key, vel uint8 // the region's view of the note (forced values applied)
	inst     int32
	partner  uint64 // the other side of a stereo pair started by the same note (its id), 0 if none
	reg      *sfRegion
	lo       []uint8 // the font's sm24 low bytes, nil for 16-bit data
	loopLo   uint64  // loop start and end, sample indexes
	loopHi   uint64
	stages           // the volume envelope's
	kDecay   float32 // level factor per frame in decay (a constant dB slope)
	kRel     float32 // and in release
	sus      float32 // the sustain level
	gl0, gr0 float32 // per-channel gains of attenuation and pan, per unit of an int16
	gl, gr   float32 // the gains now (gl0, gr0 with the LFO's tremolo), ramping
	dgl, dgr float32 // by this much per frame
	tl, tr   float32 // to these at the next tick
	filt     bool
	fc, q    float32 // the filter's cutoff (cents, before envelope and LFO) and resonance (cB)
	ql       float64 // q as the biquad's quality factor
	fcNow    float32 // the cutoff the biquad is set to
	pitch    float64 // the step without modulation, in frames per frame
	bend     float32 // cents from the controllers (the pitch wheel)
	lPitch   float32 // modulation LFO depths: cents, cents, cB
	lFc      float32
	lVol     float32
	vPitch   float32 // vibrato depth, cents
	reverb   float32 // sends, 0.1 % (kept, not applied)
	chorus   float32
	live     [ldN]float32 // the controller modulators' outputs
	mod      modEnv
	modLFO   lfo
	vibLFO   lfo
	rate     int32   // the player's
	upd      int32   // frames until the next tick
	b0, b1   float32 // the low-pass biquad (direct form I)
	b2       float32
	a1, a2   float32
	x1, x2   float32
	y1, y2   float32
}

// lfo is a triangle LFO (§8.1.2 21-24): after its delay it starts at 0
// rising, reaches 1 at a quarter period, -1 at three quarters.
type lfo struct {
	delay int32   // frames before it starts
	ph    float32 // phase, 0..1
	inc   float32 // phase per frame
}

// value returns the LFO's level at its phase.
func (l *lfo) value() float32 {
	if l.delay > 0 {
		return 0
	}
	x := 4 * l.ph
	switch {
	case x < 1:
		return x
	case x < 3:
		return 2 - x
	}
	return x - 4
}

// advance moves the LFO on by n frames.
func (l *lfo) advance(n int32) {
	if l.delay > 0 {
		if l.delay -= n; l.delay >= 0 {
			return
		}
		n, l.delay = -l.delay, 0
	}
	l.ph += l.inc * float32(n)
	l.ph -= float32(int32(l.ph))
}

// set starts l with a delay and a frequency (§8.1.2 21-24: timecents
// and absolute cents from 8.176 Hz) at rate.
func (l *lfo) set(delay, freq float32, rate int) {
	*l = lfo{inc: float32(8.176 * math.Exp2(float64(freq)/1200) / float64(rate))}
	if delay > -12000 {
		l.delay = tcFrames(delay, rate)
	}
}

// sfUpdate is how often, in frames, the envelopes, LFOs and controllers
// move the pitch, the filter's cutoff and the gains: 0.7 ms at 48 kHz.
const sfUpdate = 32

// modEnv is the modulation envelope (§8.1.2 25-32): linear segments from 0
// to 1 and down to the sustain level, each "100 % change" taking its
// time; it shapes the pitch and the filter's cutoff.
type modEnv struct {
	stages
	dDecay  float32 // fall per frame in decay
	dRel    float32 // and in release
	sus     float32
	toPitch float32 // cents at level 1
	toFc    float32
}

// stages is where an envelope is: the volume envelope's and the
// modulation envelope's timed stages (delay, attack, hold) step alike.
type stages struct {
	stage   uint8
	n       int32   // frames left in a timed stage (delay, attack, hold)
	attackN int32   // the attack's length in frames
	holdN   int32   // the hold's
	lvl     float32 // the envelope's level
}

// settle moves past timed stages that are over.
func (e *stages) settle() {
	for e.n <= 0 && e.stage < sfDecay {
		e.stage++
		switch e.stage {
		case sfAttack:
			e.n = e.attackN
		case sfHold:
			e.lvl = 1
			e.n = e.holdN
		}
	}
}

// advance moves the envelope on by n frames.
func (m *modEnv) advance(n int32) {
	for n > 0 {
		switch m.stage {
		case sfDelay, sfHold:
			k := min(n, m.n)
			m.n -= k
			n -= k
		case sfAttack:
			k := min(n, m.n)
			m.n -= k
			n -= k
			// Convex (§8.1.2 26: linear in Hz where it moves a pitch),
			// as FluidSynth's is.
			m.lvl = float32(curve(2, 1-float64(m.n)/float64(max(m.attackN, 1))))
		case sfDecay:
			m.lvl -= m.dDecay * float32(n)
			if m.lvl <= m.sus {
				m.lvl, m.stage = m.sus, sfSustain
			}
			return
		case sfRelease:
			m.lvl = max(0, m.lvl-m.dRel*float32(n))
			return
		default:
			return
		}
		if m.n <= 0 && m.stage < sfDecay {
			m.settle()
		}
	}
}

// setFilter computes the low-pass biquad for cutoff fc (absolute cents,
// kept within §8.1.3's 1500..13500) and the voice's resonance at rate.
func (s *sfVoice) setFilter(fc float32, rate int) {
	fc = max(1500, min(13500, fc))
	s.fcNow = fc
	hz := min(8.176*math.Exp2(float64(fc)/1200), 0.45*float64(rate))
	w := 2 * math.Pi * hz / float64(rate)
	sn, cs := math.Sincos(w)
	alpha := sn / (2 * s.ql)
	a0 := 1 + alpha
	s.b0 = float32((1 - cs) / 2 / a0)
	s.b1 = float32((1 - cs) / a0)
	s.b2 = s.b0
	s.a1 = float32(-2 * cs / a0)
	s.a2 = float32((1 - alpha) / a0)
}

// tick moves the envelopes and LFOs on by sfUpdate frames and sets what
// they and the controllers move: the step (in 32.32), the filter's
// cutoff, and the gains' ramp to their value at the next tick.
func (s *sfVoice) tick(step *uint64) {
	s.upd = sfUpdate
	s.gl, s.gr, s.dgl, s.dgr = s.tl, s.tr, 0, 0
	m := &s.mod
	if !s.dyn && !s.dirty {
		// Nothing to move, but the envelope and LFOs run on: a
		// controller may give them a depth later (the mod wheel).
		m.advance(sfUpdate)
		s.modLFO.advance(sfUpdate)
		s.vibLFO.advance(sfUpdate)
		return
	}
	s.dirty = false
	lv, vv := s.modLFO.value(), s.vibLFO.value()
	cents := s.bend + m.lvl*m.toPitch + lv*s.lPitch + vv*s.vPitch
	*step = uint64(min(s.pitch*math.Exp2(float64(cents)*(1.0/1200)), 1<<20)*one + 0.5)
	if s.filt {
		if fc := s.fc + m.lvl*m.toFc + lv*s.lFc; fc != s.fcNow {
			s.setFilter(fc, int(s.rate))
		}
	}
	m.advance(sfUpdate)
	s.modLFO.advance(sfUpdate)
	s.vibLFO.advance(sfUpdate)
	// The gains ramp to where the tremolo is at the next tick.
	tl, tr := s.gl0, s.gr0
	if s.lVol != 0 {
		f := float32(math.Exp2(float64(s.modLFO.value()*s.lVol) * (math.Log2(10) / 200)))
		tl, tr = tl*f, tr*f
	}
	s.tl, s.tr = tl, tr
	s.dgl, s.dgr = (tl-s.gl)*(1.0/sfUpdate), (tr-s.gr)*(1.0/sfUpdate)
}

// control recomputes what the controllers move from their state c: the
// live modulators' outputs, then attenuation, pan, cutoff, bend and the
// LFO and envelope depths, clamped to §8.1.3's ranges. The next frame
// ticks (a controller takes effect within a frame; the gains ramp over a
// tick, so a volume change never clicks).
func (s *sfVoice) control(c *controllers) {
	r := s.reg
	s.live = [ldN]float32{}
	for i := range r.mods {
		m := &r.mods[i]
		s.live[m.dest] += modValue(m.src, m.amtSrc, m.amount, m.abs, c, int(s.vel), int(s.key))
	}
	att := max(0, min(1440, r.att[s.vel]+s.live[ldAtt]))
	pan := max(-500, min(500, r.pan+s.live[ldPan]))
	// A resonant filter's peak is paid for in level, 1/sqrt(Q) as
	// FluidSynth does (0 dB at Q 0), so that a resonant layer keeps its
	// balance with the others.
	amp := math.Pow(10, -float64(att)/200-float64(max(0, min(960, s.q)))/400) / 32768
	th := float64(pan+500) / 1000 * (math.Pi / 2)
	s.gl0, s.gr0 = float32(amp*math.Cos(th)), float32(amp*math.Sin(th))
	s.fc = max(1500, min(13500, r.fc[s.vel]+s.live[ldFc]))
	s.bend = s.live[ldPitch]
	s.lPitch = max(-12000, min(12000, r.lPitch+s.live[ldLfoPitch]))
	s.lFc = max(-12000, min(12000, r.lFc+s.live[ldLfoFc]))
	s.lVol = max(-960, min(960, r.lVol+s.live[ldLfoVol]))
	s.vPitch = max(-12000, min(12000, r.vPitch+s.live[ldVibPitch]))
	s.mod.toPitch = max(-12000, min(12000, r.toPitch+s.live[ldEnvPitch]))
	s.mod.toFc = max(-12000, min(12000, r.toFc+s.live[ldEnvFc]))
	s.reverb = max(0, min(1000, r.reverb+s.live[ldReverb]))
	s.chorus = max(0, min(1000, r.chorus+s.live[ldChorus]))
	s.dyn = s.mod.toPitch != 0 || s.mod.toFc != 0 || s.lPitch != 0 || s.lFc != 0 || s.lVol != 0 || s.vPitch != 0
	if !s.filt && (s.fc < 13500 || s.q > 0 || s.mod.toFc != 0 || s.lFc != 0) {
		s.filt = true
		s.fcNow = -1 // set at the tick
	}
	s.dirty = true
	s.upd = 0
}

// seconds converts timecents to seconds (§8.1.1: 1200 per octave of time).
func seconds(tc float32) float64 { return math.Exp2(float64(tc) / 1200) }

// tcFrames converts timecents to frames at rate.
func tcFrames(tc float32, rate int) int32 {
	return int32(min(seconds(tc)*float64(rate)+0.5, math.MaxInt32/2))
}

// slope returns the level factor per frame of a fall of 100 dB over tc
// timecents (the specification's "100% change" in decay and release).
func slope(tc float32, rate int) float32 {
	n := max(seconds(tc)*float64(rate), 1)
	return float32(math.Pow(10, -5/n))
}

// start sets s up for region r played with key and vel at rate, at base
// step pitch (frames per frame), with the track's controllers c, and
// returns the step the voice starts at (32.32).
func (s *sfVoice) start(r *sfRegion, inst int32, key, vel uint8, rate int, pitch float64, c *controllers, lo []uint8) uint64 {
	*s = sfVoice{on: true, rate: int32(rate), inst: inst, excl: r.excl, loop: uint8(r.loop), loopLo: uint64(r.loopStart), loopHi: uint64(r.loopEnd),
		reg: r, key: key, vel: vel, pitch: pitch, lo: lo, q: r.q}
	kd := float32(60 - int(key))
	if r.delay > -12000 { // the minimum, the default, is no delay: notes start on their frame
		s.n = tcFrames(r.delay, rate)
	}
	s.attackN = tcFrames(r.attack, rate)
	s.holdN = tcFrames(r.hold+r.keyHold*kd, rate)
	s.kDecay = slope(r.decay+r.keyDecay*kd, rate)
	s.kRel = slope(r.release, rate)
	s.sus = float32(math.Pow(10, -float64(r.sustain)/200))
	s.settle()

	// The 2-pole low-pass (§8.1.2 8, 9), its cutoff moved by the
	// modulation envelope and LFO.
	s.ql = math.Pow(10, (float64(s.q)/10-3.01)/20)
	m := &s.mod
	if r.mDelay > -12000 {
		m.n = tcFrames(r.mDelay, rate)
	}
	m.attackN = tcFrames(r.mAttack, rate)
	m.holdN = tcFrames(r.mHold+r.mKeyHold*kd, rate)
	m.dDecay = float32(1 / max(seconds(r.mDecay+r.mKeyDecay*kd)*float64(rate), 1))
	m.dRel = float32(1 / max(seconds(r.mRelease)*float64(rate), 1))
	m.sus = 1 - max(0, min(1000, r.mSustain))/1000
	m.settle()
	s.modLFO.set(r.lDelay, r.lFreq, rate)
	s.vibLFO.set(r.vDelay, r.vFreq, rate)

	s.control(c)
	step := uint64(min(pitch, 1<<20)*one + 0.5)
	s.tick(&step)
	s.gl, s.gr, s.dgl, s.dgr = s.tl, s.tr, 0, 0 // no ramp from silence: the envelope's attack is the note's
	return step
}

// next returns the envelope's level for this frame and moves it on.
func (s *sfVoice) next() float32 {
	switch s.stage {
	case sfDelay, sfHold:
		s.n--
	case sfAttack:
		s.n--
		s.lvl = 1 - float32(s.n)/float32(s.attackN)
	case sfDecay:
		s.lvl *= s.kDecay
		if s.lvl <= s.sus {
			s.lvl, s.stage = s.sus, sfSustain
			if s.sus < sfSilent {
				s.stage = sfDone
			}
		}
	case sfRelease:
		s.lvl *= s.kRel
		if s.lvl < sfSilent {
			s.stage = sfDone
		}
	}
	if s.n <= 0 && s.stage < sfDecay {
		s.settle()
	}
	return s.lvl
}

// noteOff enters the release from wherever the envelope is; a loop that
// plays until release stops looping.
func (s *sfVoice) noteOff() {
	s.released = true
	if s.stage < sfRelease {
		s.stage = sfRelease
	}
	if s.mod.stage < sfRelease {
		s.mod.stage = sfRelease
	}
}

// looping reports whether the voice still plays its loop.
func (s *sfVoice) looping() bool { return s.loop == 1 || (s.loop == 3 && !s.released) }

// mixSF adds len(bus)/2 frames of a SoundFont voice to bus, and returns
// the frame at which it ended (its envelope or sample ended, a fade out
// or end frame was reached), or -1 if it goes on. It works frame by
// frame: the volume envelope, loop, gains and filter change every frame,
// what tick computes every sfUpdate frames.
func (v *voice) mixSF(bus []float32) int {
	s := &v.sf
	pcm := v.pcm
	ph, step := v.phase, v.step
	n := len(bus) / 2
	for i := 0; i < n; i++ {
		if s.upd--; s.upd <= 0 {
			s.tick(&step)
			v.step = step
		}
		g := s.next()
		if s.stage == sfDone {
			v.phase = ph
			return i
		}
		if v.endN >= 0 {
			if v.endN == 0 {
				v.phase = ph
				return i
			}
			v.endN--
		}
		if v.env.n >= 0 { // a steal's or Stop's fade out
			if v.env.n == 0 {
				if v.env.out {
					v.phase = ph
					return i
				}
				v.env.n = -1
			} else {
				g *= v.env.level()
				v.env.n--
			}
		}
		k := ph >> 32
		k1 := k + 1
		if s.looping() {
			if k >= s.loopHi { // back into the loop (by as many passes as a fast step made)
				ph = s.loopLo<<32 + (ph-s.loopLo<<32)%((s.loopHi-s.loopLo)<<32)
				k = ph >> 32
			}
			k1 = k + 1
			if k1 >= s.loopHi {
				k1 -= s.loopHi - s.loopLo // the loop's start follows its end
			}
		} else if k1 >= v.frames {
			v.phase = ph
			return i
		}
		t := float32(ph&(one-1)) * (1.0 / one)
		x0, x1 := float32(pcm[k]), float32(pcm[k1])
		if s.lo != nil { // 24-bit: the low byte below the int16
			x0 += float32(s.lo[k]) * (1.0 / 256)
			x1 += float32(s.lo[k1]) * (1.0 / 256)
		}
		x := x0 + (x1-x0)*t
		ph += step
		if s.filt {
			y := s.b0*x + s.b1*s.x1 + s.b2*s.x2 - s.a1*s.y1 - s.a2*s.y2
			s.x2, s.x1 = s.x1, x
			s.y2, s.y1 = s.y1, y
			x = y
		}
		x *= g
		bus[2*i] += x * s.gl
		bus[2*i+1] += x * s.gr
		s.gl += s.dgl
		s.gr += s.dgr
	}
	v.phase = ph
	return -1
}

// noteOnSF starts the regions of sf that key and velocity select, on the
// command's track; seq is the command's, at its frame (see apply). The
// two sides of a stereo pair it starts are partners: stealing takes both.
func (p *Player) noteOnSF(c *Command, sf *SoundFont, bank *Bank, seq uint64, at Frame) {
	key, vel := c.Key&127, c.Vel&127
	first := p.nextID // voices this note starts have higher ids
	buf := bank.Samples[sf.Sample]
	ctl := &p.ctl[c.Track]
	var open [3]*voice // the last voice started on each stereo side not yet paired
	var openID [3]uint64
	for _, ri := range sf.keys[key] {
		r := &sf.regions[ri]
		if vel < r.velLo || vel > r.velHi {
			continue
		}
		end, cut := p.stopped(c.Track, -1, !c.Live, seq, at)
		if cut {
			continue
		}
		if r.excl != 0 {
			p.cutClass(c.Track, c.Instrument, r.excl, first)
		}
		p.limitVoices(c.Instrument, sf)
		k, vl := key, vel
		if r.key >= 0 {
			k = uint8(r.key)
		}
		if r.vel > 0 {
			vl = uint8(r.vel)
		}
		v := p.alloc(at)
		v.pcm, v.ch = buf.PCM16, 1
		v.frames, v.pre = uint64(r.end), uint64(r.end)
		v.phase = uint64(r.start) << 32
		cents := float64(int(k)-int(r.root))*float64(r.scale) + float64(r.tune)
		// At most 2^20 times the natural speed: scaleTuning and keys can ask
		// for more than 32.32 holds.
		pitch := math.Exp2(cents/1200) * r.rate / float64(p.rate)
		v.gain = 1
		v.clip, v.track, v.key, v.gate, v.live = -1, c.Track, c.Key, true, c.Live
		v.step = v.sf.start(r, c.Instrument, k, vl, p.rate, pitch, ctl, sf.data24)
		v.use(&bank.refs.voices[sf.Sample])
		p.tracks[c.Track].voices++
		if end > 0 {
			v.endIn(end, p.fadeFrames)
		}
		if r.side != sfMono {
			o := 3 - r.side // the other side
			if w := open[o]; w != nil && w.id == openID[o] && w.sf.on {
				w.sf.partner, v.sf.partner = v.id, w.id
				open[o] = nil
			} else {
				open[r.side], openID[r.side] = v, v.id
			}
		}
	}
}

// cutClass fades out the voices of instrument inst on track whose region
// has exclusive class excl (§8.1.2 57: a hi-hat closing cuts the open
// one), but not those started by the same note (ids above first).
func (p *Player) cutClass(track int16, inst int32, excl uint8, first uint64) {
	for _, i := range p.act {
		v := &p.voices[i]
		if v.sf.on && v.track == track && v.sf.inst == inst && v.sf.excl == excl && v.id <= first && int(i) < p.pool {
			v.startFade(p.fadeFrames)
		}
	}
}

// limitVoices makes room for one more voice of instrument inst: at its
// polyphony, one of its voices not already fading fades out over the
// steal fade (a few ms: no click): the quietest of those in their
// release, else the oldest. Its stereo partner goes with it.
func (p *Player) limitVoices(inst int32, sf *SoundFont) {
	limit := sf.Polyphony
	if limit <= 0 {
		limit = DefaultPolyphony
	}
	n, oldest, quiet := 0, int32(-1), int32(-1)
	var quietLvl float32
	for _, i := range p.act {
		v := &p.voices[i]
		if !v.sf.on || v.sf.inst != inst || v.ending() {
			continue
		}
		n++
		if oldest < 0 || v.id < p.voices[oldest].id {
			oldest = i
		}
		if v.sf.released {
			if l := v.sf.lvl * max(v.sf.gl, v.sf.gr); quiet < 0 || l < quietLvl {
				quiet, quietLvl = i, l
			}
		}
	}
	if n < limit || oldest < 0 {
		return
	}
	if quiet >= 0 {
		oldest = quiet
	}
	p.voices[oldest].startFade(p.stealFrms)
	p.stealPartner(&p.voices[oldest])
}

// stealPartner fades out the stereo partner of v, a voice being stolen.
func (p *Player) stealPartner(v *voice) {
	if !v.sf.on || v.sf.partner == 0 {
		return
	}
	for _, i := range p.act {
		if w := &p.voices[i]; w.id == v.sf.partner && w.sf.on {
			w.startFade(p.stealFrms)
			return
		}
	}
}

// controller applies a Controller command: track's controller state
// changes, and its SoundFont voices follow.
func (p *Player) controller(c *Command) {
	ctl := &p.ctl[c.Track]
	if !ctl.set(c.Control, c.Value) {
		return
	}
	p.followControllers(c.Track)
}

// followControllers makes the SoundFont voices sounding on track follow
// its controllers (not those fading out: they end as they are).
func (p *Player) followControllers(track int16) {
	ctl := &p.ctl[track]
	for _, i := range p.act {
		if v := &p.voices[i]; v.sf.on && v.track == track && !(v.env.out && v.env.n >= 0) {
			v.sf.control(ctl)
		}
	}
}
