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

// sfFloor is the output level below which a decaying or releasing voice
// is silent whatever its envelope's level: -100 dB of full scale (a voice
// attenuated 30 dB is done 30 dB earlier in its release). FluidSynth ends
// its voices at its noise floor alike; a font's long releases otherwise
// keep many inaudible voices playing.
const sfFloor = 1e-5

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
	kDecayU  float32 // the same per tick
	kRelU    float32
	kDecayL  float64 // their base-2 logarithms
	kRelL    float64
	sus      float32 // the sustain level
	floor    float32 // the envelope level times channel gain at which the voice is below sfFloor
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
	cents    float32 // the pitch's modulation the step was last set for
	fresh    bool    // the step is not set for it yet (a new note)
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
	ahead    int32   // frames the envelope and LFOs have moved past now (a tick a controller cut short)
	grid     int32   // frames past the last multiple of sfUpdate of the player's clock
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
// and absolute cents from 8.176 Hz) at rate. It starts on the first tick
// at or after its delay (the shortest, -12000, is 1 ms: the second tick),
// as FluidSynth's LFOs start on its blocks: ticks read it at their end
// (see tick), so it has moved a whole tick's phase by the end of that one.
func (l *lfo) set(delay, freq float32, rate int) {
	*l = lfo{inc: float32(8.176 * math.Exp2(float64(freq)/1200) / float64(rate))}
	z := int32(seconds(max(-12000, min(5000, delay))) * float64(rate))
	l.delay = (z + sfUpdate - 1) / sfUpdate * sfUpdate
}

// sfUpdate is how often, in frames, the envelopes, LFOs and controllers
// move the pitch, the filter's cutoff and the gains: 1.3 ms at 48 kHz,
// FluidSynth's block.
const sfUpdate = 64

// modEnv is the modulation envelope (§8.1.2 25-32): linear segments from 0
// to 1 and down to the sustain level, each "100 % change" taking its
// time; it shapes the pitch and the filter's cutoff. Its stages last
// whole ticks, as FluidSynth counts them in its blocks (see modTicks),
// and ticks read it at their end: layers whose pitch it sweeps come out
// of the sweep at FluidSynth's phase, so that they beat with the others
// as there (TimGM6mb's string ensembles).
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
			m.lvl = float32(convexSteps(1 - float64(m.n)/float64(max(m.attackN, 1))))
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

// convexSteps is §8.2.1's convex curve at u in 0..1 as FluidSynth shapes
// its modulation envelope's attack with it: the curve at 128 points
// (0 at the first, then 1 + (400/960)·log10(i/127)), linearly between
// them. Below 1/127 it rises in a line to 0.123 where the curve itself
// is 0 up to 1/254.
func convexSteps(u float64) float64 {
	x := 127 * max(0, u)
	i := int(x)
	if i >= 127 {
		return 1
	}
	a := convexPoint(i)
	return a + (convexPoint(i+1)-a)*(x-float64(i))
}

// convexPoint is convexSteps' point i of 0..127.
func convexPoint(i int) float64 {
	if i == 0 {
		return 0
	}
	return 1 + (400.0/960)*math.Log10(float64(i)/127)
}

// modTicks is a modulation envelope stage of tc timecents (kept within
// lo..hi) in frames, a whole number of ticks as FluidSynth counts its
// blocks: rounded down plus extra (delay 0, attack and release 1) or, if
// near, to the nearest (hold and decay; a decay at least one).
func modTicks(tc, lo, hi float32, extra int32, near bool, rate int) int32 {
	t := seconds(max(lo, min(hi, tc))) * float64(rate) / sfUpdate
	if near {
		t += 0.5
	}
	return (int32(min(t, 1<<20)) + extra) * sfUpdate
}

// setFilter computes the low-pass biquad for cutoff fc (absolute cents,
// kept within §8.1.3's 1500..13500) and the voice's resonance at rate.
func (s *sfVoice) setFilter(fc float32, rate int) {
	// A cutoff swept fast at a high Q (a modulation LFO's, 20 Hz and up,
	// at 40 dB) pumps the biquad's state up without bound, to Inf and
	// NaN, which silence the whole mix: past what any input rings it up
	// to, the state starts again from rest. A fixed cutoff is stable.
	if lim := float32(4 * 32768 * max(1, s.ql)); !(max(s.y1, -s.y1) <= lim && max(s.y2, -s.y2) <= lim) {
		s.x1, s.x2, s.y1, s.y2 = 0, 0, 0, 0
	}
	fc = max(1500, min(13500, fc))
	s.fcNow = fc
	hz := min(8.176*exp2(float64(fc)/1200), 0.45*float64(rate))
	w := 2 * math.Pi * hz / float64(rate)
	sn, cs := sincos(w)
	alpha := sn / (2 * s.ql)
	a0 := 1 + alpha
	s.b0 = float32((1 - cs) / 2 / a0)
	s.b1 = float32((1 - cs) / a0)
	s.b2 = s.b0
	s.a1 = float32(-2 * cs / a0)
	s.a2 = float32((1 - alpha) / a0)
}

// tick moves the envelopes and LFOs on to the next tick and sets what
// they and the controllers move: the step (in 32.32), the filter's
// cutoff, and the gains' ramp to their value at the next tick. Ticks fall
// on the player's frames that are multiples of sfUpdate, as FluidSynth's
// blocks: a note's first tick comes sooner, and the render's blocks (128
// frames in gridbox render) hold whole ticks, so spans are mostly whole
// ticks too.
func (s *sfVoice) tick(step *uint64) {
	period := sfUpdate - s.grid
	s.upd = period
	s.gl, s.gr, s.dgl, s.dgr = s.tl, s.tr, 0, 0
	m := &s.mod
	// The envelope and LFOs move on first: the tick plays at their values
	// at its end, as FluidSynth plays a block at its envelopes' and LFOs'
	// values after its step. A tick that a controller cut short left them
	// already moved to its end (ahead).
	if n := period - s.ahead; n > 0 {
		m.advance(n)
		s.modLFO.advance(n)
		s.vibLFO.advance(n)
	}
	s.ahead = 0
	if !s.dyn && !s.dirty {
		// Nothing to move, but the envelope and LFOs run on: a
		// controller may give them a depth later (the mod wheel).
		return
	}
	s.dirty = false
	lv, vv := s.modLFO.value(), s.vibLFO.value()
	if cents := s.bend + m.lvl*m.toPitch + lv*s.lPitch + vv*s.vPitch; cents != s.cents || s.fresh {
		s.cents, s.fresh = cents, false
		*step = uint64(min(s.pitch*exp2(float64(cents)*(1.0/1200)), 1<<20)*one + 0.5)
	}
	if s.filt {
		// To the cent, as FluidSynth sets its cutoffs (in whole cents):
		// an envelope's slow sweep moves less than that in most ticks.
		if fc := s.fc + m.lvl*m.toFc + lv*s.lFc; fc >= s.fcNow+1 || fc <= s.fcNow-1 {
			s.setFilter(fc, int(s.rate))
		}
	}
	// The gains ramp to where the tremolo is at the next tick.
	tl, tr := s.gl0, s.gr0
	if s.lVol != 0 {
		f := float32(exp2(float64(lv*s.lVol) * log2of10cB))
		tl, tr = tl*f, tr*f
	}
	s.tl, s.tr = tl, tr
	inv := 1 / float32(period)
	s.dgl, s.dgr = (tl-s.gl)*inv, (tr-s.gr)*inv
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
	s.ahead += max(0, s.upd) // kept if an earlier controller of this frame cut the tick
	s.upd = 0
}

// log2of10cB is the base-2 logarithm of 10^(1/200), a gain of 1 cB, for
// the tremolo every tick: math.Log2 is not a constant the compiler folds.
var log2of10cB = math.Log2(10) / 200

// exp2 is 2 to the x within 1e-7 of it (0.0002 cents), for |x| < 1000:
// the voice's pitch and cutoff every tick, at a fifth of math.Exp2's cost.
func exp2(x float64) float64 {
	n := math.Floor(x + 0.5)
	f := (x - n) * math.Ln2 // |f| <= ln 2 / 2: e^f by its series to f^7
	p := 1 + f*(1+f*(1.0/2+f*(1.0/6+f*(1.0/24+f*(1.0/120+f*(1.0/720+f*(1.0/5040)))))))
	return p * math.Float64frombits(uint64(1023+int64(n))<<52)
}

// sincos is math.Sincos for w in [0, pi] within 1e-8, for the filter's
// coefficients every tick: the series to w^13 and w^12 on [0, pi/2], the
// rest a quarter turn on.
func sincos(w float64) (sin, cos float64) {
	q := w > math.Pi/2
	if q {
		w -= math.Pi / 2
	}
	w2 := w * w
	sin = w * (1 - w2/6*(1-w2/20*(1-w2/42*(1-w2/72*(1-w2/110*(1-w2/156))))))
	cos = 1 - w2/2*(1-w2/12*(1-w2/30*(1-w2/56*(1-w2/90*(1-w2/132)))))
	if q {
		return cos, -sin
	}
	return sin, cos
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
func (s *sfVoice) start(r *sfRegion, inst int32, key, vel uint8, rate int, pitch float64, c *controllers, lo []uint8, grid int32) uint64 {
	*s = sfVoice{on: true, rate: int32(rate), inst: inst, excl: r.excl, loop: uint8(r.loop), loopLo: uint64(r.loopStart), loopHi: uint64(r.loopEnd),
		reg: r, key: key, vel: vel, pitch: pitch, lo: lo, q: r.q, fresh: true, grid: grid}
	kd := float32(60 - int(key))
	if r.delay > -12000 { // the minimum, the default, is no delay: notes start on their frame
		s.n = tcFrames(r.delay, rate)
	}
	s.attackN = tcFrames(r.attack, rate)
	s.holdN = tcFrames(r.hold+r.keyHold*kd, rate)
	s.kDecay = slope(r.decay+r.keyDecay*kd, rate)
	s.kRel = slope(r.release, rate)
	s.kDecayU = float32(math.Pow(float64(s.kDecay), sfUpdate))
	s.kRelU = float32(math.Pow(float64(s.kRel), sfUpdate))
	s.kDecayL = math.Log2(float64(s.kDecay))
	s.kRelL = math.Log2(float64(s.kRel))
	s.sus = float32(math.Pow(10, -float64(r.sustain)/200))
	s.settle()

	// The 2-pole low-pass (§8.1.2 8, 9), its cutoff moved by the
	// modulation envelope and LFO.
	s.ql = math.Pow(10, (float64(s.q)/10-3.01)/20)
	// The loudest the region's sample can come out at gains of 1 (its
	// peak), the filter's resonance peak (about its quality factor)
	// included.
	pk := float64(r.peak)
	if pk <= 0 {
		pk = 32768 // not known: full scale
	}
	s.floor = float32(sfFloor / pk / max(1, s.ql))
	m := &s.mod
	m.n = modTicks(r.mDelay, -12000, 5000, 0, false, rate)
	m.attackN = modTicks(r.mAttack, -12000, 8000, 1, false, rate)
	m.holdN = modTicks(r.mHold+r.mKeyHold*kd, -12000, 5000, 0, true, rate)
	m.dDecay = 1 / float32(max(modTicks(r.mDecay+r.mKeyDecay*kd, -12000, 8000, 0, true, rate), 1))
	m.dRel = 1 / float32(modTicks(r.mRelease, -12000, 8000, 1, false, rate))
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

// span is how many of the next n frames the volume envelope moves along
// one line: at most the rest of a timed stage (delay, attack, hold).
func (s *sfVoice) span(n int32) int32 {
	if s.stage < sfDecay {
		return max(1, min(n, s.n))
	}
	return n
}

// advance moves the volume envelope on by n frames (at most a span) and
// returns its level there.
func (s *sfVoice) advance(n int32) float32 {
	switch s.stage {
	case sfDelay, sfHold:
		s.n -= n
	case sfAttack:
		s.n -= n
		s.lvl = 1 - float32(s.n)/float32(s.attackN)
	case sfDecay:
		s.lvl *= pow(s.kDecayL, s.kDecayU, n)
		if s.lvl <= s.sus {
			s.lvl, s.stage = s.sus, sfSustain
			if s.sus < sfSilent {
				s.stage = sfDone
			}
		}
	case sfRelease:
		s.lvl *= pow(s.kRelL, s.kRelU, n)
		if s.lvl < sfSilent {
			s.stage = sfDone
		}
	}
	if s.n <= 0 && s.stage < sfDecay {
		s.settle()
	}
	return s.lvl
}

// pow is k to the n, for kl the base-2 logarithm of k and ku k to the
// sfUpdate (the usual n).
func pow(kl float64, ku float32, n int32) float32 {
	if n == sfUpdate {
		return ku
	}
	return float32(exp2(float64(n) * kl))
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
// or end frame was reached), or -1 if it goes on. It works in spans of at
// most a tick (sfUpdate frames) over which the pitch, filter and gains
// hold or ramp: the volume envelope's level and the channel gains ramp
// linearly from one span's end to the next's, as FluidSynth's do over its
// 64-frame blocks; the loop, interpolation and filter run frame by frame.
func (v *voice) mixSF(bus []float32) int {
	s := &v.sf
	n := int32(len(bus) / 2)
	for i := int32(0); i < n; {
		if s.upd <= 0 {
			s.tick(&v.step)
		}
		if s.stage == sfDone || v.endN == 0 {
			return int(i)
		}
		l := s.span(min(n-i, s.upd))
		if v.endN > 0 {
			l = min(l, v.endN)
			v.endN -= l
		}
		if s.stage == sfDelay && v.env.n < 0 {
			// Nothing sounds yet and the sample waits for the envelope
			// (§8.1.2 33), as in FluidSynth: it starts at its first point.
			s.advance(l)
			s.gl, s.gr = s.gl+s.dgl*float32(l), s.gr+s.dgr*float32(l)
			s.upd -= l
			s.grid = (s.grid + l) & (sfUpdate - 1)
			i += l
			continue
		}
		g0 := s.lvl
		g1 := s.advance(l)
		// The gains, the envelope folded in, from the span's start to its
		// end: its first frame already a step on (a note's first frame
		// sounds), its last at the end's.
		gl1, gr1 := s.gl+s.dgl*float32(l), s.gr+s.dgr*float32(l)
		inv := 1 / float32(l)
		dcl, dcr := (g1*gl1-g0*s.gl)*inv, (g1*gr1-g0*s.gr)*inv
		cl, cr := g0*s.gl+dcl, g0*s.gr+dcr
		s.gl, s.gr = gl1, gr1
		s.upd -= l
		s.grid = (s.grid + l) & (sfUpdate - 1)
		if s.stage >= sfDecay && g1*max(gl1, gr1) < s.floor {
			s.stage = sfDone // this span is its last
		}
		out := bus[2*i : 2*(i+l)]
		var end int32
		if v.env.n >= 0 {
			end = v.mixSFFade(out, cl, cr, dcl, dcr)
		} else {
			end = v.mixSFSpan(out, cl, cr, dcl, dcr)
		}
		if end >= 0 {
			return int(i + end)
		}
		i += l
	}
	return -1
}

// mixSFSpan adds len(out)/2 frames at gains ramping from cl, cr by dcl,
// dcr a frame, and returns the frame at which the sample ended, or -1.
// Stretches that cannot reach the loop's end or the sample's go through
// tight loops (filtered or not) whose state fits in registers; the frames
// at the loop's end, and 24-bit voices, through mixSFFrames.
func (v *voice) mixSFSpan(out []float32, cl, cr, dcl, dcr float32) int32 {
	s := &v.sf
	if s.lo != nil {
		return v.mixSFFrames(out, cl, cr, dcl, dcr)
	}
	lim := v.frames // the first point the interpolation may not read
	if s.looping() {
		lim = s.loopHi
	}
	last := (lim - 1) << 32 // a phase at or past it reads lim
	n := len(out) / 2
	for j := 0; j < n; {
		if ph := v.phase; ph < last {
			m := min(n-j, int((last-ph+v.step-1)/max(v.step, 1)))
			o := out[2*j : 2*(j+m)]
			if s.filt {
				v.mixFiltered(o, cl, cr, dcl, dcr)
			} else {
				v.mixPlain(o, cl, cr, dcl, dcr)
			}
			cl += dcl * float32(m)
			cr += dcr * float32(m)
			j += m
			continue
		}
		if v.mixSFFrames(out[2*j:2*j+2], cl, cr, 0, 0) >= 0 {
			return int32(j)
		}
		cl += dcl
		cr += dcr
		j++
	}
	return -1
}

// mixFiltered adds len(out)/2 frames through the filter, none of them
// reading past the voice's loop or sample.
func (v *voice) mixFiltered(out []float32, cl, cr, dcl, dcr float32) {
	s := &v.sf
	pcm := v.pcm
	ph, step := v.phase, v.step
	// A low-pass biquad's b0 and b2 are half its b1; the last output's
	// term last, the recursion's critical path is one multiply and one add.
	b1, a1, a2 := s.b1, s.a1, s.a2
	x1, x2, y1, y2 := s.x1, s.x2, s.y1, s.y2
	// Indexes, not out = out[2:], and pcm[k+1] read first (which proves
	// pcm[k]): a tenth fewer instructions a frame, the same arithmetic.
	for j := 1; j < len(out); j += 2 {
		k := ph >> 32
		t := float32(int64(ph&(one-1))) * (1.0 / one)
		xk := float32(pcm[k+1])
		x0 := float32(pcm[k])
		x := x0 + (xk-x0)*t
		ph += step
		y := b1*(0.5*(x+x2)+x1) - a2*y2 - a1*y1
		x2, x1 = x1, x
		y2, y1 = y1, y
		out[j-1] += y * cl
		out[j] += y * cr
		cl += dcl
		cr += dcr
	}
	s.x1, s.x2, s.y1, s.y2 = x1, x2, y1, y2
	v.phase = ph
}

// mixPlain is mixFiltered without the filter, two frames a turn (a
// quarter faster: the filtered loop is bound by its recursion instead),
// each frame's arithmetic as in the one-frame loop that ends it.
func (v *voice) mixPlain(out []float32, cl, cr, dcl, dcr float32) {
	pcm := v.pcm
	ph, step := v.phase, v.step
	j := 1
	for ; j+2 < len(out); j += 4 {
		k := ph >> 32
		t := float32(int64(uint32(ph))) * (1.0 / one)
		xk := float32(pcm[k+1])
		x0 := float32(pcm[k])
		xa := x0 + (xk-x0)*t
		ph += step
		k = ph >> 32
		t = float32(int64(uint32(ph))) * (1.0 / one)
		xk = float32(pcm[k+1])
		x0 = float32(pcm[k])
		xb := x0 + (xk-x0)*t
		ph += step
		o := out[j-1 : j+3 : j+3]
		o[0] += xa * cl
		o[1] += xa * cr
		cl += dcl
		cr += dcr
		o[2] += xb * cl
		o[3] += xb * cr
		cl += dcl
		cr += dcr
	}
	for ; j < len(out); j += 2 { // as in mixFiltered
		k := ph >> 32
		t := float32(int64(ph&(one-1))) * (1.0 / one)
		xk := float32(pcm[k+1])
		x0 := float32(pcm[k])
		x := x0 + (xk-x0)*t
		ph += step
		out[j-1] += x * cl
		out[j] += x * cr
		cl += dcl
		cr += dcr
	}
	v.phase = ph
}

// mixSFFrames is mixSFSpan frame by frame: the loop's end checked at each
// (wrapping back into the loop, or ending a voice without one), and the
// 24-bit low bytes added.
func (v *voice) mixSFFrames(out []float32, cl, cr, dcl, dcr float32) int32 {
	s := &v.sf
	pcm, lo := v.pcm, s.lo
	ph, step := v.phase, v.step
	lim := v.frames // the first point the interpolation may not read
	loop := s.looping()
	if loop {
		lim = s.loopHi
	}
	last := (lim - 1) << 32 // a phase at or past it reads lim
	filt := s.filt
	// A low-pass biquad's b0 and b2 are half its b1.
	b1, a1, a2 := s.b1, s.a1, s.a2
	x1, x2, y1, y2 := s.x1, s.x2, s.y1, s.y2
	end := int32(-1)
	for j := 0; j+1 < len(out); j += 2 {
		k := ph >> 32
		k1 := k + 1
		if ph >= last {
			if !loop {
				end = int32(j / 2)
				break
			}
			if k >= s.loopHi { // back into the loop (by as many passes as a fast step made)
				ph = s.loopLo<<32 + (ph-s.loopLo<<32)%((s.loopHi-s.loopLo)<<32)
				k = ph >> 32
				k1 = k + 1
			}
			if k1 >= s.loopHi {
				k1 -= s.loopHi - s.loopLo // the loop's start follows its end
			}
		}
		t := float32(int64(ph&(one-1))) * (1.0 / one) // from int64: one instruction
		x0, xk := float32(pcm[k]), float32(pcm[k1])
		if lo != nil { // 24-bit: the low byte below the int16
			x0 += float32(lo[k]) * (1.0 / 256)
			xk += float32(lo[k1]) * (1.0 / 256)
		}
		x := x0 + (xk-x0)*t
		ph += step
		if filt {
			y := b1*(0.5*(x+x2)+x1) - a2*y2 - a1*y1
			x2, x1 = x1, x
			y2, y1 = y1, y
			x = y
		}
		out[j] += x * cl
		out[j+1] += x * cr
		cl += dcl
		cr += dcr
	}
	s.x1, s.x2, s.y1, s.y2 = x1, x2, y1, y2
	v.phase = ph
	return end
}

// mixSFFade is mixSFSpan for a voice fading out (stolen or stopped): the
// fade's level frame by frame on top; it returns where the fade or the
// sample ended, or -1.
func (v *voice) mixSFFade(out []float32, cl, cr, dcl, dcr float32) int32 {
	for j := int32(0); 2*j+1 < int32(len(out)); j++ {
		f := float32(1)
		if v.env.n >= 0 {
			if v.env.n == 0 {
				if v.env.out {
					return j
				}
				v.env.n = -1
			} else {
				f = v.env.level()
				v.env.n--
			}
		}
		if v.mixSFSpan(out[2*j:2*j+2], cl*f, cr*f, 0, 0) >= 0 {
			return j
		}
		cl += dcl
		cr += dcr
	}
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
		v.step = v.sf.start(r, c.Instrument, k, vl, p.rate, pitch, ctl, sf.data24, int32(at&(sfUpdate-1)))
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
