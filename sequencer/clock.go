package sequencer

import (
	"math"

	"gridbox/engine"
)

// Beats counts quarter notes from the start of the transport.
type Beats float64

// Clock maps engine frames to musical time and back: a tempo map made of
// segments, each starting at a frame with a tempo. The frame count is the one
// clock; beats are derived from it, so there is no drift.
//
// The meter can change too (SetMeter), on a bar line: bars count on from
// there, and so do quantization grids (NextBeat).
//
// The grid can also jump (Locate): an external clock's Start, Continue or
// Song Position Pointer says where the music is, and from that frame the
// beats count from there. Frames before the jump keep their beats; a beat
// asks for a frame on the grid after the latest jump.
//
// Clock is owned by the session goroutine.
type Clock struct {
	rate float64
	// segs are in frame order; segs[0] starts at frame 0, beat 0 (or
	// later, once Forget dropped older ones). Beats rise from one to the
	// next, except at segs[epoch], the latest jump (Locate; 0: none).
	segs   []segment
	epoch  int
	meters []meter // in beat order; meters[0] starts at beat 0
}

// meter is a time signature from a bar line on.
type meter struct {
	beat Beats // where it starts
	bar  int   // bars before it
	per  Beats // beats per bar
}

type segment struct {
	frame float64 // where it starts (a whole frame)
	beat  Beats   // the beat at that frame
	bpm   float64
}

// NewClock returns a clock at rate frames per second and tempo bpm from
// frame 0, with bars of beatsPerBar beats.
func NewClock(rate int, bpm float64, beatsPerBar Beats) *Clock {
	return &Clock{rate: float64(rate), segs: []segment{{bpm: bpm}}, meters: []meter{{per: beatsPerBar}}}
}

func (c *Clock) seg(f float64) *segment {
	for i := len(c.segs) - 1; i > 0; i-- {
		if f >= c.segs[i].frame {
			return &c.segs[i]
		}
	}
	return &c.segs[0]
}

// segAtBeat returns the segment of the grid since the latest jump that
// holds beat b (the jump's, for a beat before it: extrapolated back).
func (c *Clock) segAtBeat(b Beats) *segment {
	for i := len(c.segs) - 1; i > c.epoch; i-- {
		if b >= c.segs[i].beat {
			return &c.segs[i]
		}
	}
	return &c.segs[c.epoch]
}

// Beat returns the musical position of frame f.
func (c *Clock) Beat(f engine.Frame) Beats {
	s := c.seg(float64(f))
	return s.beat + Beats((float64(f)-s.frame)*s.bpm/(60*c.rate))
}

// Frame returns the frame at which beat b falls, rounded to the nearest
// frame: on the grid since the latest jump (Locate), if any.
func (c *Clock) Frame(b Beats) engine.Frame {
	return engine.Frame(math.Round(c.frameF(b)))
}

func (c *Clock) frameF(b Beats) float64 {
	s := c.segAtBeat(b)
	return s.frame + float64(b-s.beat)*60*c.rate/s.bpm
}

// Tempo returns the tempo at frame f.
func (c *Clock) Tempo(f engine.Frame) float64 { return c.seg(float64(f)).bpm }

// SetTempo changes the tempo from frame at on. Tempo changes planned at or
// after at are forgotten (they were planned under the old tempo). A jump
// (Locate) is not a planned change: a tempo set at or before the latest
// jump's frame is the tempo from the jump on.
func (c *Clock) SetTempo(at engine.Frame, bpm float64) {
	for len(c.segs) > c.epoch+1 && c.segs[len(c.segs)-1].frame >= float64(at) {
		c.segs = c.segs[:len(c.segs)-1]
	}
	if last := &c.segs[len(c.segs)-1]; last.frame >= float64(at) {
		last.bpm = bpm // the start, or the jump
		return
	}
	c.segs = append(c.segs, segment{frame: float64(at), beat: c.Beat(at), bpm: bpm})
}

// Locate makes the grid jump: from frame at on, it is at beat (quarter
// notes from the song's start) with tempo bpm. Frames before at keep their
// beats; Frame answers on the new grid from now on (a beat before beat
// falls before at, at bpm). Tempo changes planned at or after at are
// forgotten, and bars count again from beat 0 of the new grid, in the
// current meter: the song's start is bar 1 (a Song Position Pointer of 16
// beats in 4/4 is bar 5).
func (c *Clock) Locate(at engine.Frame, beat Beats, bpm float64) {
	for len(c.segs) > 1 && c.segs[len(c.segs)-1].frame >= float64(at) {
		c.segs = c.segs[:len(c.segs)-1]
	}
	c.epoch = min(c.epoch, len(c.segs)-1)
	if l := &c.segs[len(c.segs)-1]; len(c.segs) == 1 && l.frame >= float64(at) {
		*l = segment{frame: l.frame, beat: beat - Beats(bpm*(l.frame-float64(at))/(60*c.rate)), bpm: bpm}
	} else {
		c.segs = append(c.segs, segment{frame: float64(at), beat: beat, bpm: bpm})
		c.epoch = len(c.segs) - 1
	}
	c.meters = []meter{{per: c.BeatsPerBar()}}
}

// Forget drops the tempo map before frame before: Beat of an earlier frame
// is then extrapolated from the oldest segment kept. A clock whose tempo
// changes all the time (Session.Steer) keeps only what someone still asks
// about (the frames being heard, behind the commit horizon).
func (c *Clock) Forget(before engine.Frame) {
	n := 0
	for n+1 < len(c.segs) && c.segs[n+1].frame <= float64(before) {
		n++
	}
	if n > 0 {
		c.segs = c.segs[:copy(c.segs, c.segs[n:])]
		c.epoch = max(0, c.epoch-n)
	}
}

// Change changes the tempo from frame at on, like SetTempo, but keeps the
// tempo changes planned after at on their beats (they move to the frames
// the new tempo gives those beats).
func (c *Clock) Change(at engine.Frame, bpm float64) {
	var later []segment
	for _, sg := range c.segs[c.epoch+1:] {
		if sg.frame > float64(at) {
			later = append(later, sg)
		}
	}
	c.SetTempo(at, bpm)
	for _, sg := range later {
		c.SetTempo(c.Frame(sg.beat), sg.bpm)
	}
}

// Unplan forgets the tempo changes planned at frames after from (not a
// jump: Locate).
func (c *Clock) Unplan(from engine.Frame) {
	for len(c.segs) > c.epoch+1 && c.segs[len(c.segs)-1].frame > float64(from) {
		c.segs = c.segs[:len(c.segs)-1]
	}
}

// Frames returns how many frames d beats last starting at frame from,
// as a fraction (loop lengths keep the fraction).
func (c *Clock) Frames(from engine.Frame, d Beats) float64 {
	return d.frames(c.Tempo(from), c.rate)
}

func (b Beats) frames(bpm, rate float64) float64 { return float64(b) * 60 * rate / bpm }

// BeatsPerBar returns the bar length: the latest, if a change of meter is
// planned.
func (c *Clock) BeatsPerBar() Beats { return c.meters[len(c.meters)-1].per }

// meter returns the index of the meter in effect at beat b.
func (c *Clock) meter(b Beats) int {
	for i := len(c.meters) - 1; i > 0; i-- {
		if b >= c.meters[i].beat {
			return i
		}
	}
	return 0
}

// SetMeter makes bars beatsPerBar beats long from the first bar line at or
// after frame at on, and returns that bar line's beat. Bars count on from
// there (BarBeat), and quantization grids count from it (NextBeat), so a
// launch quantized to the new bar falls on the new bar lines. Meter changes
// planned at or after it are forgotten. Beats stay where they are: a meter
// change moves no frame.
func (c *Clock) SetMeter(at engine.Frame, beatsPerBar Beats) Beats {
	i := c.meter(c.Beat(at))
	m := c.meters[i]
	n := math.Ceil(float64((c.Beat(at) - m.beat) / m.per))
	for c.Frame(m.beat+Beats(n)*m.per) < at {
		n++
	}
	b := m.beat + Beats(n)*m.per
	for len(c.meters) > 1 && c.meters[len(c.meters)-1].beat >= b {
		c.meters = c.meters[:len(c.meters)-1]
	}
	if l := c.meters[len(c.meters)-1]; l.per != beatsPerBar {
		if l.beat == b { // only meters[0] can be left at b (b = 0)
			c.meters[len(c.meters)-1].per = beatsPerBar
		} else {
			c.meters = append(c.meters, meter{beat: b, bar: m.bar + int(n), per: beatsPerBar})
		}
	}
	return b
}

// Next returns the first frame at or after f that lies on a multiple of q
// beats (q ≤ 0: f itself).
func (c *Clock) Next(f engine.Frame, q Beats) engine.Frame {
	if q <= 0 {
		return f
	}
	return c.Frame(c.NextBeat(f, q))
}

// NextBeat returns the multiple of q beats (q > 0) whose frame is the first
// at or after f. The multiples count from beat 0, or from the latest
// change of meter (SetMeter) before them; a change's bar line is itself
// one, so the grid never runs past a bar line where the meter changes.
func (c *Clock) NextBeat(f engine.Frame, q Beats) Beats {
	b := c.Beat(f)
	for i := c.meter(b); ; i++ {
		from := c.meters[i].beat
		k := math.Floor(float64((b - from) / q))
		for {
			g := from + Beats(k)*q
			if i+1 < len(c.meters) && g >= c.meters[i+1].beat {
				break // on to the next meter's grid, which starts with its bar line
			}
			if c.Frame(g) >= f {
				return g
			}
			k++
		}
		b = c.meters[i+1].beat
	}
}

// BarBeat returns the 1-based bar and beat (with fraction) of frame f, as a
// musician counts them.
func (c *Clock) BarBeat(f engine.Frame) (bar int, beat float64) {
	b := c.Beat(f)
	m := c.meters[c.meter(b)]
	bars := math.Floor(float64((b - m.beat) / m.per))
	return m.bar + int(bars) + 1, float64(b-m.beat-Beats(bars)*m.per) + 1
}

// onBar reports whether beat b is a bar line.
func (c *Clock) onBar(b Beats) bool {
	m := c.meters[c.meter(b+1e-9)]
	r := float64((b - m.beat) / m.per)
	return math.Abs(r-math.Round(r)) < 1e-9
}
