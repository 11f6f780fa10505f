package engine

import (
	"math"
	"sync/atomic"
)

const (
	one  = 1 << 32 // 1.0 in 32.32 fixed point
	half = one / 2
)

// voice plays one sample: an audio clip (step 1.0, maybe looping) or a note
// (any step, linear interpolation). Positions are 32.32 fixed point frames.
type voice struct {
	data    []float32 // the Bank's sample, interleaved (float sources)
	pcm     []int16   // or this, for 16-bit sources (value/32768)
	frames  uint64    // sample length in frames
	pre     uint64    // frames in data or pcm: all, or a streamed sample's preload
	phase   uint64    // position in the sample (and in the loop), 32.32
	step    uint64    // advance per output frame, 32.32
	loopLen uint64    // loop length, 32.32; 0 = no loop
	tailPh  uint64    // the previous pass's position while a wrap crossfades
	id      uint64    // start order, for oldest-first stealing
	st      *stream   // a streamed sample's frames past the preload; nil if in memory
	org     int64     // st: virtual index of this pass's position 0
	tailOrg int64     // st: the same for the previous pass, which the tail reads
	passLo  uint64    // st: the first position this pass reads from the stream
	slot    int32     // st's index, -1 if none
	dry     bool      // a streamed frame was not there yet (counted once per block)
	gain    float32
	env     envelope // fade in or out; env.n < 0 when none
	tail    envelope // the previous pass fading out after a wrap; tail.n <= 0 when none
	xfade   int32    // crossfade frames at a wrap that is not seamless; 0 = hard wraps
	endN    int32    // frames until the voice ends without a fade; -1 = none
	clip    int32    // clip tag, -1 for notes
	track   int16
	ch      uint8
	key     uint8
	gate    bool // note voices: fades at note-off
	live    bool // note voices: a live NoteOn's, released only by a live NoteOff

	// uses is its bank's count of voices of its sample (Player.Uses).
	uses *atomic.Int32

	sf sfVoice // a SoundFont note's state; sf.on marks one
}

// use counts v in n, its bank's count of voices of its sample, until
// unuse. A stolen voice moved to a tail slot takes its count along.
func (v *voice) use(n *atomic.Int32) {
	n.Add(1)
	v.uses = n
}

// unuse drops v's count as it ends (after its stream slot is released, so
// that Player.Uses, which reads the counts first, sees one or the other).
func (v *voice) unuse() {
	if v.uses != nil {
		v.uses.Add(-1)
		v.uses = nil
	}
}

// envelope is a gain curve over len frames: a fade in (0 to 1) or out (top
// to 0), linear for a plain fade out, else one side of a crossfade. rho is
// the correlation of the two signals a crossfade joins: 1 gives gains whose
// sum is 1 (right for like material: two clips of one sample in step); 0
// gives equal power (right for unrelated material); in between, the gains
// keep the power of the sum constant for that correlation.
type envelope struct {
	n, len int32 // frames left, length; n < 0: no envelope
	out    bool
	linear bool // a plain fade out: a straight line from top
	rho    float32
	top    float32 // a fade out's starting level
}

// gains returns the fade-in and fade-out gains at progress t (0..1) of a
// crossfade between signals of correlation rho: raised-cosine curves (no
// corner where the crossfade starts or ends), scaled so that the power of
// the sum stays that of either signal.
func gains(t, rho float32) (in, out float32) {
	a := float32(0.5 - 0.5*math.Cos(math.Pi*float64(t)))
	b := 1 - a
	if rho >= 1 {
		return a, b
	}
	k := float32(1 / math.Sqrt(float64(a*a+b*b+2*rho*a*b)))
	return a * k, b * k
}

// level returns the envelope's gain at its current frame.
func (e *envelope) level() float32 {
	if e.n < 0 || e.len <= 0 {
		return 1
	}
	t := float32(e.len-e.n) / float32(e.len)
	if e.linear {
		return e.top * (1 - t)
	}
	in, out := gains(t, e.rho)
	if e.out {
		return e.top * out
	}
	return in
}

// mix adds len(bus)/2 frames of v, starting at frame at, to bus (stereo).
// It returns the frame offset at which the voice ended (faded out, reached
// its end frame or ran off its sample's end), or -1 if it goes on. Loop
// restarts are reported as events, except while the voice fades out.
func (v *voice) mix(bus []float32, p *Player, at Frame) (ended int) {
	if v.sf.on {
		return v.mixSF(bus)
	}
	n := len(bus) / 2
	o := 0
	for o < n {
		run := n - o
		if v.env.n >= 0 {
			run = min(run, int(v.env.n))
		}
		if v.endN >= 0 {
			run = min(run, int(v.endN))
		}
		if v.tail.n > 0 {
			run = min(run, int(v.tail.n))
		}
		if v.loopLen != 0 {
			run = min(run, v.untilWrap())
		}
		idx := v.phase >> 32
		if v.loopLen == 0 {
			if v.step == one {
				if idx >= v.frames {
					return o // ran off the end
				}
				run = min(run, int(v.frames-idx))
			} else {
				if idx+1 >= v.frames {
					return o
				}
				// Frames until the interpolation needs the frame after the last.
				if w := int((((v.frames - 1) << 32) - v.phase + v.step - 1) / v.step); w < run {
					run = max(w, 1)
				}
			}
		}
		seg := bus[2*o : 2*(o+run)]
		// The gain, and its change per frame in a plain fade out.
		g, dg := v.gain, float32(0)
		shaped := v.tail.n > 0 || (v.env.n >= 0 && !v.env.linear)
		if e := &v.env; e.n >= 0 && !shaped {
			g *= e.level()
			dg = -v.gain * e.top / float32(e.len)
			e.n -= int32(run)
		}
		switch {
		case shaped:
			v.shapedRun(seg) // a crossfade
		case v.step != one:
			v.interpRun(seg, g, dg)
		default:
			// Natural speed: a straight, exact copy (loop padding is silence).
			if idx < v.frames {
				audible := min(run, int(v.frames-idx))
				v.copyRun(seg[:2*audible], int(idx), g, dg)
			}
			v.phase += uint64(run) << 32
		}
		o += run
		if v.endN >= 0 {
			if v.endN -= int32(run); v.endN <= 0 {
				return o
			}
		}
		if v.env.n == 0 {
			if v.env.out {
				return o
			}
			v.env.n = -1 // faded in
		}
		if v.loopLen != 0 && v.phase >= v.loopLen {
			v.wrap(p, at+Frame(o))
		}
	}
	return -1
}

// untilWrap returns the frames until the phase reaches the loop length.
func (v *voice) untilWrap() int {
	return int((v.loopLen - v.phase + v.step - 1) / v.step)
}

// ending reports whether v is on its way out: fading out or due to end.
func (v *voice) ending() bool { return (v.env.out && v.env.n >= 0) || v.endN >= 0 }

// wrap restarts the loop. When the restart is not seamless (the sample goes
// on past the loop end at a different level than it restarts at), the pass
// that ends keeps sounding for xfade frames, crossfaded with the new one.
func (v *voice) wrap(p *Player, at Frame) {
	next := v.phase // where the sample would have gone on
	v.phase -= v.loopLen
	v.tailOrg = v.org
	if v.st != nil {
		// The next pass's frames follow this pass's in the stream.
		hi := passEnd(next>>32, max(v.pre, v.passLo), v.frames, uint64(v.xfade))
		v.org += int64(hi) - int64(v.pre)
		v.passLo = 0
	}
	if v.clip >= 0 && !(v.env.out && v.env.n >= 0) {
		p.emit(Event{Kind: EvLooped, Track: v.track, Clip: v.clip, Frame: at})
	}
	if v.xfade > 0 && next>>32 < v.frames && !v.seamless(next>>32, v.tailOrg, v.phase>>32, v.org) {
		v.tailPh = next
		v.tail = envelope{n: v.xfade, len: v.xfade, out: true, rho: correlation(v, next, v.tailOrg, v, v.phase, v.org, v.xfade), top: 1}
	}
}

// seamless reports whether playing on from sample frame b (of the pass
// whose stream origin is bOrg) instead of frame a (origin aOrg) is
// inaudible: the two start at about the same level, measured against how
// far the signal moves from one frame to the next around them.
func (v *voice) seamless(a uint64, aOrg int64, b uint64, bOrg int64) bool {
	// Past the loop end the voice reads no more than its crossfade (a
	// streamed sample's stream holds no more there).
	look := min(8, int(v.xfade)-1)
	al, ar := v.frame(int(a), aOrg)
	bl, br := v.frame(int(b), bOrg)
	jump := max(abs(al-bl), abs(ar-br))
	var slope float32
	for i := 0; i < look; i++ {
		l0, r0 := v.frame(int(a)+i, aOrg)
		l1, r1 := v.frame(int(a)+i+1, aOrg)
		slope = max(slope, abs(l1-l0), abs(r1-r0))
		l0, r0 = v.frame(int(b)+i, bOrg)
		l1, r1 = v.frame(int(b)+i+1, bOrg)
		slope = max(slope, abs(l1-l0), abs(r1-r0))
	}
	return jump <= 2*slope+1.0/32768
}

func abs(x float32) float32 { return max(x, -x) }

// correlation returns the normalised correlation, clamped to 0..1, of n
// frames of a from position pa and of b from pb (both at their own step;
// aOrg and bOrg their passes' stream origins): how alike the two signals a
// crossfade joins are. Silence on either side counts as alike (1): there is
// no power to keep.
func correlation(a *voice, pa uint64, aOrg int64, b *voice, pb uint64, bOrg int64, n int32) float32 {
	var ab, aa, bb float64
	for i := int32(0); i < n; i++ {
		al, ar := a.at(pa, aOrg)
		bl, br := b.at(pb, bOrg)
		ab += float64(al*bl + ar*br)
		aa += float64(al*al + ar*ar)
		bb += float64(bl*bl + br*br)
		pa += a.step
		pb += b.step
	}
	if aa < 1e-12 || bb < 1e-12 {
		return 1
	}
	return float32(max(0, min(1, ab/math.Sqrt(aa*bb))))
}

// copyRun adds len(dst)/2 frames from sample frame idx at natural speed,
// at gain g changing by dg per frame: from memory, and for a streamed
// sample from its stream past the preload.
func (v *voice) copyRun(dst []float32, idx int, g, dg float32) {
	if v.pcm != nil { // 16-bit samples: gains per unit of an int16
		g *= 1.0 / 32768
		dg *= 1.0 / 32768
	}
	if v.st != nil && uint64(idx)+uint64(len(dst)/2) > v.pre {
		mem := int(max(int64(v.pre)-int64(idx), 0))
		if mem > 0 {
			g = v.copyMem(dst[:2*mem], idx, g, dg)
		}
		if !v.st.copyStream(dst[2*mem:], v.org+int64(idx+mem), g, dg) {
			v.dry = true
		}
		return
	}
	v.copyMem(dst, idx, g, dg)
}

// copyMem adds len(dst)/2 frames from sample frame idx, in memory, at gain
// g changing by dg per frame (per unit of an int16 for 16-bit samples), and
// returns the gain after the last.
func (v *voice) copyMem(dst []float32, idx int, g, dg float32) float32 {
	n := len(dst) / 2
	if v.pcm != nil {
		if v.ch == 2 {
			src := v.pcm[2*idx : 2*(idx+n)]
			dst = dst[:len(src)]
			for i := 0; i+1 < len(src); i += 2 {
				dst[i] += float32(src[i]) * g
				dst[i+1] += float32(src[i+1]) * g
				g += dg
			}
			return g
		}
		src := v.pcm[idx : idx+n]
		dst = dst[:2*len(src)]
		for i, s := range src {
			f := float32(s) * g
			dst[2*i] += f
			dst[2*i+1] += f
			g += dg
		}
		return g
	}
	if v.ch == 2 {
		src := v.data[2*idx : 2*(idx+n)]
		dst = dst[:len(src)]
		for i := 0; i+1 < len(src); i += 2 {
			dst[i] += src[i] * g
			dst[i+1] += src[i+1] * g
			g += dg
		}
		return g
	}
	src := v.data[idx : idx+n]
	dst = dst[:2*len(src)]
	for i, s := range src {
		s *= g
		dst[2*i] += s
		dst[2*i+1] += s
		g += dg
	}
	return g
}

// interpRun adds len(dst)/2 frames at v.step with linear interpolation, at
// gain g changing by dg per frame. The caller guarantees frame
// (phase>>32)+1 exists for every frame of the run (notes never stream).
func (v *voice) interpRun(dst []float32, g, dg float32) {
	n := len(dst) / 2
	ph, step := v.phase, v.step
	switch {
	case v.pcm != nil && v.ch == 2:
		g *= 1.0 / 32768
		dg *= 1.0 / 32768
		src := v.pcm
		for i := 0; i < n; i++ {
			k := int(ph>>32) * 2
			t := float32(ph&(one-1)) * (1.0 / one)
			l0, r0 := float32(src[k]), float32(src[k+1])
			l1, r1 := float32(src[k+2]), float32(src[k+3])
			dst[2*i] += (l0 + (l1-l0)*t) * g
			dst[2*i+1] += (r0 + (r1-r0)*t) * g
			ph += step
			g += dg
		}
	case v.pcm != nil:
		g *= 1.0 / 32768
		dg *= 1.0 / 32768
		src := v.pcm
		for i := 0; i < n; i++ {
			k := int(ph >> 32)
			t := float32(ph&(one-1)) * (1.0 / one)
			s0, s1 := float32(src[k]), float32(src[k+1])
			s := (s0 + (s1-s0)*t) * g
			dst[2*i] += s
			dst[2*i+1] += s
			ph += step
			g += dg
		}
	case v.ch == 2:
		src := v.data
		for i := 0; i < n; i++ {
			k := int(ph>>32) * 2
			t := float32(ph&(one-1)) * (1.0 / one)
			l0, r0 := src[k], src[k+1]
			l1, r1 := src[k+2], src[k+3]
			dst[2*i] += (l0 + (l1-l0)*t) * g
			dst[2*i+1] += (r0 + (r1-r0)*t) * g
			ph += step
			g += dg
		}
	default:
		src := v.data
		for i := 0; i < n; i++ {
			k := int(ph >> 32)
			t := float32(ph&(one-1)) * (1.0 / one)
			s0, s1 := src[k], src[k+1]
			s := (s0 + (s1-s0)*t) * g
			dst[2*i] += s
			dst[2*i+1] += s
			ph += step
			g += dg
		}
	}
	v.phase = ph
}

// shapedRun adds len(dst)/2 frames through the envelope and, after a wrap,
// the crossfade with the previous pass: frame by frame, which only the few
// milliseconds of a fade or crossfade take.
func (v *voice) shapedRun(dst []float32) {
	n := len(dst) / 2
	for i := 0; i < n; i++ {
		g := v.gain
		if v.env.n > 0 {
			g *= v.env.level()
			v.env.n--
		}
		l, r := v.at(v.phase, v.org)
		if v.tail.n > 0 {
			in, out := gains(float32(v.tail.len-v.tail.n)/float32(v.tail.len), v.tail.rho)
			tl, tr := v.at(v.tailPh, v.tailOrg)
			l = l*in + tl*out
			r = r*in + tr*out
			v.tailPh += v.step
			v.tail.n--
		}
		dst[2*i] += l * g
		dst[2*i+1] += r * g
		v.phase += v.step
	}
}

// at returns the sample at position ph (in the pass whose stream origin is
// org): frame ph>>32 at natural speed, interpolated between it and the next
// otherwise.
func (v *voice) at(ph uint64, org int64) (l, r float32) {
	idx := int(ph >> 32)
	l, r = v.frame(idx, org)
	if v.step == one {
		return l, r
	}
	t := float32(ph&(one-1)) * (1.0 / one)
	l1, r1 := v.frame(idx+1, org)
	return l + (l1-l)*t, r + (r1-r)*t
}

// frame returns sample frame i (of the pass whose stream origin is org) as
// left/right, silence past the end or when the stream has not got there.
func (v *voice) frame(i int, org int64) (l, r float32) {
	if i < 0 || uint64(i) >= v.frames {
		return 0, 0
	}
	if uint64(i) >= v.pre {
		l, r, ok := v.st.frame(org + int64(i))
		v.dry = v.dry || !ok
		return l, r
	}
	if v.pcm != nil {
		if v.ch == 2 {
			return float32(v.pcm[2*i]) * (1.0 / 32768), float32(v.pcm[2*i+1]) * (1.0 / 32768)
		}
		s := float32(v.pcm[i]) * (1.0 / 32768)
		return s, s
	}
	if v.ch == 2 {
		return v.data[2*i], v.data[2*i+1]
	}
	return v.data[i], v.data[i]
}

// skip moves v on by k frames without playing them (a late start), through
// its loop's restarts.
func (v *voice) skip(k uint64) {
	for v.loopLen != 0 && k > 0 {
		w := uint64(v.untilWrap())
		if k < w {
			break
		}
		k -= w
		v.phase += w * v.step
		if v.st != nil {
			hi := passEnd(v.phase>>32, max(v.pre, v.passLo), v.frames, uint64(v.xfade))
			v.org += int64(hi) - int64(v.pre)
			v.passLo = 0
		}
		v.phase -= v.loopLen
	}
	v.phase += k * v.step
}

// need returns the lowest virtual index of v's stream it may still read:
// where its crossfade tail reads, else its next frame past the preload.
func (v *voice) need() int64 {
	lo := max(v.pre, v.passLo)
	hi := max(lo, v.frames) // a one-shot's span
	if v.loopLen != 0 {
		hi = passEnd((v.phase+uint64(v.untilWrap())<<32)>>32, lo, v.frames, uint64(v.xfade))
	}
	// The next pass's frames follow this one's span: past its end (in the
	// loop's padding) the voice next needs those.
	main := v.org + int64(min(max(v.phase>>32, lo), hi))
	if v.tail.n > 0 {
		// The previous pass's span ends where this pass's begins.
		return min(v.tailOrg+int64(max(v.tailPh>>32, v.pre)), v.org+int64(v.pre), main)
	}
	return main
}

// startFade begins a linear fade to silence over n frames from the current
// level (unless it is already fading out faster).
func (v *voice) startFade(n int32) {
	if v.env.out && v.env.n >= 0 && v.env.n <= n {
		return
	}
	v.env = envelope{n: max(n, 1), len: max(n, 1), out: true, linear: true, top: v.env.level()}
}

// endIn makes v silent d frames from now: with a fade of at most fade frames
// that ends there, or with no fade when the voice falls silent there anyway
// (a one-shot's sample ends by then; a loop pass ends exactly there with the
// sample's own end).
func (v *voice) endIn(d, fade int32) {
	if v.endN >= 0 && v.endN <= d {
		return
	}
	if v.sf.on { // its loop is its own: it does not fall silent by itself
		v.startFade(min(d, fade))
		return
	}
	pos := v.phase + uint64(d)*v.step
	wrapsFirst := v.loopLen != 0 && v.untilWrap() < int(d)
	if pos>>32 >= v.frames && !wrapsFirst && v.tail.n <= d {
		v.endN = d
		return
	}
	v.startFade(min(d, fade))
}

// takeOver starts v with a crossfade of n frames from the voices old
// (fading out): equal power for unrelated material, equal gain for like
// material (see envelope).
func (v *voice) takeOver(old *voice, n int32) {
	// Judged on what both play before either loops (past a loop end a
	// stream holds the next pass, not the sample's continuation).
	look := n
	for _, w := range [2]*voice{old, v} {
		if w.loopLen != 0 {
			look = min(look, int32(w.untilWrap()))
		}
	}
	rho := correlation(old, old.phase, old.org, v, v.phase, v.org, max(look, 1))
	old.env = envelope{n: n, len: n, out: true, rho: rho, top: old.env.level()}
	v.env = envelope{n: n, len: n, rho: rho}
}
