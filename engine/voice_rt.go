package engine

const one = 1 << 32 // 1.0 in 32.32 fixed point

// voice plays one sample: an audio clip (step 1.0, maybe looping) or a note
// (any step, linear interpolation). Positions are 32.32 fixed point frames.
type voice struct {
	data    []float32 // the Bank's sample, interleaved (float sources)
	pcm     []int16   // or this, for 16-bit sources (value/32768)
	frames  uint64    // sample length in frames
	phase   uint64    // position in the sample (and in the loop), 32.32
	step    uint64    // advance per output frame, 32.32
	loopLen uint64    // loop length, 32.32; 0 = no loop
	id      uint64    // start order, for oldest-first stealing
	gain    float32
	fade    float32 // current fade gain while fading
	fadeD   float32 // fade decrement per frame
	fadeN   int32   // frames of fade left; -1 = not fading
	clip    int32   // clip tag, -1 for notes
	track   int16
	ch      uint8
	key     uint8
	gate    bool // note voices: fades at note-off
}

// mix adds len(bus)/2 frames of v, starting at frame at, to bus (stereo).
// It returns the frame offset at which the voice ended (faded out or ran off
// its sample's end), or -1 if it goes on. Loop restarts are reported as
// events, except while the voice fades out.
func (v *voice) mix(bus []float32, p *Player, at Frame) (ended int) {
	n := len(bus) / 2
	o := 0
	for o < n {
		run := n - o
		if v.fadeN >= 0 && int(v.fadeN) < run {
			run = int(v.fadeN)
		}
		if v.loopLen != 0 {
			// Frames until the phase reaches the loop length.
			if w := int((v.loopLen - v.phase + v.step - 1) / v.step); w < run {
				run = w
			}
		}
		idx := v.phase >> 32
		if v.step == one {
			// Natural speed: a straight, exact copy.
			audible := 0
			if idx < v.frames {
				audible = min(run, int(v.frames-idx))
			}
			if v.loopLen == 0 {
				if audible == 0 {
					return o // ran off the end
				}
				run = audible
			}
			if v.fadeN >= 0 {
				audible = run // the fade must advance through loop padding too
			}
			if audible > 0 {
				v.copyRun(bus[2*o:2*(o+audible)], int(idx))
			}
			v.phase += uint64(run) << 32
		} else {
			if idx+1 >= v.frames && v.loopLen == 0 {
				return o
			}
			// Frames until the interpolation needs the frame after the last.
			if w := int((((v.frames - 1) << 32) - v.phase + v.step - 1) / v.step); w < run {
				run = max(w, 1)
			}
			v.interpRun(bus[2*o : 2*(o+run)])
		}
		o += run
		if v.fadeN >= 0 {
			v.fadeN -= int32(run)
			if v.fadeN <= 0 {
				return o
			}
		}
		if v.loopLen != 0 && v.phase >= v.loopLen {
			v.phase -= v.loopLen
			if v.clip >= 0 && v.fadeN < 0 {
				p.emit(Event{Kind: EvLooped, Track: v.track, Clip: v.clip, Frame: at + Frame(o)})
			}
		}
	}
	return -1
}

// copyRun adds len(dst)/2 frames from sample frame idx at natural speed.
func (v *voice) copyRun(dst []float32, idx int) {
	n := len(dst) / 2
	g := v.gain
	if v.fadeN >= 0 {
		f, d := v.fade, v.fadeD
		for i := 0; i < n; i++ {
			l, r := v.frame(idx + i)
			dst[2*i] += l * g * f
			dst[2*i+1] += r * g * f
			f -= d
		}
		v.fade = f
		return
	}
	if v.pcm != nil {
		g *= 1.0 / 32768
		if v.ch == 2 {
			src := v.pcm[2*idx : 2*idx+2*n]
			dst = dst[:len(src)]
			for i := range src {
				dst[i] += float32(src[i]) * g
			}
			return
		}
		src := v.pcm[idx : idx+n]
		dst = dst[:2*len(src)]
		for i, s := range src {
			f := float32(s) * g
			dst[2*i] += f
			dst[2*i+1] += f
		}
		return
	}
	if v.ch == 2 {
		src := v.data[2*idx : 2*idx+2*n]
		dst = dst[:len(src)]
		for i := range src {
			dst[i] += src[i] * g
		}
		return
	}
	src := v.data[idx : idx+n]
	dst = dst[:2*len(src)]
	for i, s := range src {
		s *= g
		dst[2*i] += s
		dst[2*i+1] += s
	}
}

// interpRun adds len(dst)/2 frames at v.step with linear interpolation. The
// caller guarantees frame (phase>>32)+1 exists for every frame of the run.
func (v *voice) interpRun(dst []float32) {
	n := len(dst) / 2
	g := v.gain
	fading := v.fadeN >= 0
	f := v.fade
	for i := 0; i < n; i++ {
		idx := int(v.phase >> 32)
		t := float32(v.phase&(one-1)) * (1.0 / one)
		l0, r0 := v.frame(idx)
		l1, r1 := v.frame(idx + 1)
		gi := g
		if fading {
			gi *= f
			f -= v.fadeD
		}
		dst[2*i] += (l0 + (l1-l0)*t) * gi
		dst[2*i+1] += (r0 + (r1-r0)*t) * gi
		v.phase += v.step
	}
	v.fade = f
}

// frame returns sample frame i as left/right, silence past the end.
func (v *voice) frame(i int) (l, r float32) {
	if uint64(i) >= v.frames {
		return 0, 0
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

// startFade begins a linear fade to silence over n frames (if not already
// fading faster).
func (v *voice) startFade(n int32) {
	if v.fadeN >= 0 && v.fadeN <= n {
		return
	}
	cur := float32(1)
	if v.fadeN >= 0 {
		cur = v.fade
	}
	v.fade = cur
	v.fadeN = n
	v.fadeD = cur / float32(n)
}
