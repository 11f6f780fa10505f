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
// Clock is owned by the session goroutine.
type Clock struct {
	rate        float64
	beatsPerBar Beats
	segs        []segment // in frame order; segs[0] starts at frame 0, beat 0
}

type segment struct {
	frame float64 // where it starts (a whole frame)
	beat  Beats   // the beat at that frame
	bpm   float64
}

// NewClock returns a clock at rate frames per second and tempo bpm from
// frame 0, with bars of beatsPerBar beats.
func NewClock(rate int, bpm float64, beatsPerBar Beats) *Clock {
	return &Clock{rate: float64(rate), beatsPerBar: beatsPerBar, segs: []segment{{bpm: bpm}}}
}

func (c *Clock) seg(f float64) *segment {
	for i := len(c.segs) - 1; i > 0; i-- {
		if f >= c.segs[i].frame {
			return &c.segs[i]
		}
	}
	return &c.segs[0]
}

func (c *Clock) segAtBeat(b Beats) *segment {
	for i := len(c.segs) - 1; i > 0; i-- {
		if b >= c.segs[i].beat {
			return &c.segs[i]
		}
	}
	return &c.segs[0]
}

// Beat returns the musical position of frame f.
func (c *Clock) Beat(f engine.Frame) Beats {
	s := c.seg(float64(f))
	return s.beat + Beats((float64(f)-s.frame)*s.bpm/(60*c.rate))
}

// Frame returns the frame at which beat b falls, rounded to the nearest
// frame.
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
// after at are forgotten (they were planned under the old tempo).
func (c *Clock) SetTempo(at engine.Frame, bpm float64) {
	if at <= 0 {
		c.segs = c.segs[:1]
		c.segs[0].bpm = bpm
		return
	}
	for len(c.segs) > 1 && c.segs[len(c.segs)-1].frame >= float64(at) {
		c.segs = c.segs[:len(c.segs)-1]
	}
	c.segs = append(c.segs, segment{frame: float64(at), beat: c.Beat(at), bpm: bpm})
}

// Change changes the tempo from frame at on, like SetTempo, but keeps the
// tempo changes planned after at on their beats (they move to the frames
// the new tempo gives those beats).
func (c *Clock) Change(at engine.Frame, bpm float64) {
	var later []segment
	for _, sg := range c.segs[1:] {
		if sg.frame > float64(at) {
			later = append(later, sg)
		}
	}
	c.SetTempo(at, bpm)
	for _, sg := range later {
		c.SetTempo(c.Frame(sg.beat), sg.bpm)
	}
}

// Unplan forgets the tempo changes planned at frames after from.
func (c *Clock) Unplan(from engine.Frame) {
	for len(c.segs) > 1 && c.segs[len(c.segs)-1].frame > float64(from) {
		c.segs = c.segs[:len(c.segs)-1]
	}
}

// Frames returns how many frames d beats last starting at frame from,
// as a fraction (loop lengths keep the fraction).
func (c *Clock) Frames(from engine.Frame, d Beats) float64 {
	return d.frames(c.Tempo(from), c.rate)
}

func (b Beats) frames(bpm, rate float64) float64 { return float64(b) * 60 * rate / bpm }

// BeatsPerBar returns the bar length.
func (c *Clock) BeatsPerBar() Beats { return c.beatsPerBar }

// Next returns the first frame at or after f that lies on a multiple of q
// beats (q ≤ 0: f itself).
func (c *Clock) Next(f engine.Frame, q Beats) engine.Frame {
	if q <= 0 {
		return f
	}
	return c.Frame(c.NextBeat(f, q))
}

// NextBeat returns the multiple of q beats (q > 0) whose frame is the first
// at or after f.
func (c *Clock) NextBeat(f engine.Frame, q Beats) Beats {
	k := math.Floor(float64(c.Beat(f) / q))
	for {
		if b := Beats(k) * q; c.Frame(b) >= f {
			return b
		}
		k++
	}
}

// BarBeat returns the 1-based bar and beat (with fraction) of frame f, as a
// musician counts them.
func (c *Clock) BarBeat(f engine.Frame) (bar int, beat float64) {
	b := c.Beat(f)
	bars := math.Floor(float64(b / c.beatsPerBar))
	return int(bars) + 1, float64(b-Beats(bars)*c.beatsPerBar) + 1
}
