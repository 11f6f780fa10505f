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
// sample voice's state: the loop, the volume envelope, the channel gains
// and the low-pass filter. The sample position is the voice's phase, an
// absolute index into the font's data (32.32); frames is the region's end.
type sfVoice struct {
	on       bool
	released bool
	loop     uint8 // soundfont.LoopMode: 0 none, 1 continuous, 3 until release
	excl     uint8
	inst     int32
	loopLo   uint64 // loop start and end, sample indexes
	loopHi   uint64
	stages           // the volume envelope's
	kDecay   float32 // level factor per frame in decay (a constant dB slope)
	kRel     float32 // and in release
	sus      float32 // the sustain level
	gl, gr   float32 // per-channel gains: attenuation and pan, per unit of an int16
	filt     bool
	fc, q    float32 // the filter's cutoff (cents, before the modulation envelope) and resonance (cB)
	pitch    float64 // the step before the modulation envelope, in frames per frame
	mod      modEnv
	rate     int32   // the player's
	upd      int32   // frames until the filter and step follow the modulation envelope again
	b0, b1   float32 // the low-pass biquad (direct form I)
	b2       float32
	a1, a2   float32
	x1, x2   float32
	y1, y2   float32
}

// sfUpdate is how often, in frames, the modulation envelope moves the
// filter's cutoff and the pitch: 0.7 ms at 48 kHz.
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
			m.lvl = 1 - float32(m.n)/float32(max(m.attackN, 1))
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
// kept within §8.1.3's 1500..13500) and resonance q (cB above the DC gain
// at the cutoff; 0 is Butterworth) at rate.
func (s *sfVoice) setFilter(fc, q float32, rate int) {
	fc = max(1500, min(13500, fc))
	hz := min(8.176*math.Exp2(float64(fc)/1200), 0.45*float64(rate))
	ql := math.Pow(10, (float64(q)/10-3.01)/20)
	w := 2 * math.Pi * hz / float64(rate)
	sn, cs := math.Sincos(w)
	alpha := sn / (2 * ql)
	a0 := 1 + alpha
	s.b0 = float32((1 - cs) / 2 / a0)
	s.b1 = float32((1 - cs) / a0)
	s.b2 = s.b0
	s.a1 = float32(-2 * cs / a0)
	s.a2 = float32((1 - alpha) / a0)
}

// modulate makes the filter and the step (in 32.32) follow the modulation
// envelope, and moves it on by sfUpdate frames.
func (s *sfVoice) modulate(step *uint64, rate int) {
	m := &s.mod
	if m.toFc != 0 && s.filt {
		s.setFilter(s.fc+m.lvl*m.toFc, s.q, rate)
	}
	if m.toPitch != 0 {
		*step = uint64(min(s.pitch*math.Exp2(float64(m.lvl*m.toPitch)/1200), 1<<20)*one + 0.5)
	}
	m.advance(sfUpdate)
	s.upd = sfUpdate
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

// start sets s up for region r played with key and vel at rate.
func (s *sfVoice) start(r *sfRegion, inst int32, key, vel uint8, rate int) {
	*s = sfVoice{on: true, rate: int32(rate), inst: inst, excl: r.excl, loop: uint8(r.loop), loopLo: uint64(r.loopStart), loopHi: uint64(r.loopEnd)}
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

	amp := math.Pow(10, -float64(r.att[vel])/200) / 32768
	th := float64(r.pan+500) / 1000 * (math.Pi / 2)
	s.gl, s.gr = float32(amp*math.Cos(th)), float32(amp*math.Sin(th))

	// The 2-pole low-pass (§8.1.2 8, 9), its cutoff moved by the
	// modulation envelope.
	s.fc, s.q = r.fc[vel], r.q
	if s.fc < 13500 || s.q > 0 || r.toFc != 0 {
		s.filt = true
		s.setFilter(s.fc, s.q, rate)
	}
	m := &s.mod
	m.toPitch, m.toFc = r.toPitch, r.toFc
	if r.mDelay > -12000 {
		m.n = tcFrames(r.mDelay, rate)
	}
	m.attackN = tcFrames(r.mAttack, rate)
	m.holdN = tcFrames(r.mHold+r.mKeyHold*kd, rate)
	m.dDecay = float32(1 / max(seconds(r.mDecay+r.mKeyDecay*kd)*float64(rate), 1))
	m.dRel = float32(1 / max(seconds(r.mRelease)*float64(rate), 1))
	m.sus = 1 - max(0, min(1000, r.mSustain))/1000
	m.settle()
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
// frame: the envelope, loop and filter change every frame.
func (v *voice) mixSF(bus []float32) int {
	s := &v.sf
	pcm := v.pcm
	ph, step := v.phase, v.step
	n := len(bus) / 2
	for i := 0; i < n; i++ {
		if s.upd--; s.upd <= 0 && (s.mod.toFc != 0 || s.mod.toPitch != 0) {
			s.modulate(&step, int(s.rate))
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
		x0 := float32(pcm[k])
		x := x0 + (float32(pcm[k1])-x0)*t
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
	}
	v.phase = ph
	return -1
}

// noteOnSF starts the regions of sf that key and velocity select, on the
// command's track; seq is the command's, at its frame (see apply).
func (p *Player) noteOnSF(c *Command, sf *SoundFont, bank *Bank, seq uint64, at Frame) {
	key, vel := c.Key&127, c.Vel&127
	first := p.nextID // voices this note starts have higher ids
	buf := bank.Samples[sf.Sample]
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
		v.step = uint64(min(math.Exp2(cents/1200)*r.rate/float64(p.rate), 1<<20)*one + 0.5)
		v.gain = 1
		v.clip, v.track, v.key, v.gate, v.live = -1, c.Track, c.Key, true, c.Live
		v.sf.start(r, c.Instrument, k, vl, p.rate)
		v.sf.pitch = float64(v.step) / one
		v.use(&bank.refs.voices[sf.Sample])
		p.tracks[c.Track].voices++
		if end > 0 {
			v.endIn(end, p.fadeFrames)
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
// polyphony, its oldest voice not already fading fades out as a stolen
// voice does.
func (p *Player) limitVoices(inst int32, sf *SoundFont) {
	limit := sf.Polyphony
	if limit <= 0 {
		limit = DefaultPolyphony
	}
	n, oldest := 0, int32(-1)
	for _, i := range p.act {
		v := &p.voices[i]
		if !v.sf.on || v.sf.inst != inst || v.ending() {
			continue
		}
		n++
		if oldest < 0 || v.id < p.voices[oldest].id {
			oldest = i
		}
	}
	if n >= limit && oldest >= 0 {
		p.voices[oldest].startFade(p.stealFrms)
	}
}
