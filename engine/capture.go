package engine

import "gridbox/audio"

// The player's input is what a device that records writes to.
var _ audio.InputSink = (*Input)(nil)

// A Chunk is a piece of a take as the render side wrote it into the take's
// buffer: Frames holds the values the buffer has at positions Pos.. after
// the write (interleaved, Channels per frame: the buffer's), so an
// overdub's later pass sends the positions it rewrites again.
type Chunk struct {
	Track    int16
	Clip     int32
	Pos      int64     // buffer position of the first frame
	Channels int       // the buffer's channels
	Frames   []float32 // valid only during the call to Drain's fn
}

// Drain calls fn with every chunk the render side has pushed, in the order
// it pushed them, and returns how many. Frames is the ring's own memory:
// fn must not keep it (copy what it needs). Only one goroutine calls Drain
// (the take writer); it never blocks the render side, which drops a take
// (EvTakeDropped) when the ring has no room for its next chunk.
func (c *Capture) Drain(fn func(Chunk)) int {
	n := 0
	for {
		h, ok := c.hdrs.pop()
		if !ok {
			return n
		}
		i := h.Off & c.mask
		fn(Chunk{Track: h.Track, Clip: h.Clip, Pos: h.Pos, Channels: int(h.Channels), Frames: c.data[i : i+h.Words : i+h.Words]})
		c.head.Store(h.Off + h.Words) // after fn: the words are the writer's until then
		n++
	}
}

// Input returns the player's audio input, which the device writes to
// before each Render (audio.Capturer.Capture). It is nil when
// Config.Inputs is 0; a nil *Input takes no frames.
func (p *Player) Input() *Input { return p.in }

// Capture returns the ring of recorded chunks (nil when Config.Inputs is
// 0).
func (p *Player) Capture() *Capture { return p.capture }

// SetInputLatency sets Lf, in frames: the musician heard engine frame m
// while playing what is input frame m+Lf (the device's input and output
// latency plus the rig's calibrated offset; 0 in an offline render). A
// take uses the value set when its RecordAudio is taken in. Any goroutine
// may call it.
func (p *Player) SetInputLatency(frames int64) { p.inLat.Store(frames) }

// Channels returns how many channels each input frame has.
func (in *Input) Channels() int { return in.ch }

// Dropped returns how many frames WriteInput could not take (a full ring).
func (in *Input) Dropped() uint64 { return in.dropped.Load() }

// newInput allocates the input ring and the capture ring for cfg.
func (p *Player) newInput(cfg Config) {
	if cfg.Inputs == 0 {
		return
	}
	frames := pow2(max(cfg.InputFrames, 0))
	if cfg.InputFrames == 0 {
		frames = 1 << 16
	}
	p.in = &Input{ch: cfg.Inputs, mask: uint64(frames - 1), buf: make([]float32, frames*cfg.Inputs)}
	words := cfg.Capture
	if words <= 0 {
		words = 2 * cfg.Rate * cfg.Inputs
	}
	words = pow2(max(words, 2))
	c := &Capture{mask: uint64(words - 1), data: make([]float32, words)}
	c.hdrs.init(max(256, words/16)) // room for chunks of 16 mono frames
	p.capture = c
	p.takes = make([]take, 0, 2*cfg.Tracks)
}

// pow2 returns the least power of two at least n (1 for n <= 1).
func pow2(n int) int {
	s := 1
	for s < n {
		s <<= 1
	}
	return s
}
