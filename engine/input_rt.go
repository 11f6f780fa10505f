package engine

import "sync/atomic"

// Input is the player's audio input: a preallocated single-producer,
// single-consumer ring of captured frames (interleaved float32, Channels
// per frame). The producer is WriteInput, called on the goroutine that
// calls Render, before each Render (audio.InputSink); the consumer is
// Render, which records from it and monitors it. Dropped and Channels are
// safe from any goroutine.
//
// Input frame k is the k-th frame written since the player was created; it
// was captured while engine frame k played (see audio.InputSink).
type Input struct {
	_       [64]byte
	tail    atomic.Uint64 // frames written; WriteInput's
	_       [56]byte
	head    atomic.Uint64 // frames Render is done with
	_       [56]byte
	dropped atomic.Uint64
	ch      int
	mask    uint64
	buf     []float32 // mask+1 frames of ch samples
}

// WriteInput copies the whole frames of frames into the ring and returns
// how many it took: all of them unless the ring is full, which happens
// only when Render has not run for a ring's length (Dropped counts the
// rest). It never blocks or allocates.
func (in *Input) WriteInput(frames []float32) int {
	if in == nil {
		return 0
	}
	ch := uint64(in.ch)
	n := uint64(len(frames)) / ch
	size := in.mask + 1
	t := in.tail.Load()
	k := min(n, size-(t-in.head.Load()))
	if k < n {
		in.dropped.Add(n - k)
	}
	i := t & in.mask
	first := min(k, size-i)
	copy(in.buf[i*ch:], frames[:first*ch])
	copy(in.buf, frames[first*ch:k*ch])
	in.tail.Store(t + k)
	return int(k)
}

// inputBegin starts a Render of n frames: it takes the frames written so
// far as the ones this Render sees, and keeps the monitor's cursor on the
// newest of them. The cursor moves on a block a block, so the monitor's
// delay stays what it is; when the ring's fill beyond it falls short of
// this block or exceeds it by more than a block (the device handed over
// input unevenly, or the first block), it re-syncs to the newest n frames.
func (p *Player) inputBegin(n int) {
	p.inTail = p.in.tail.Load()
	fill := Frame(p.inTail) - (p.now + p.monOff)
	if N := Frame(n); fill < N || fill > 2*N {
		p.monOff = Frame(p.inTail) - N - p.now
	}
}

// inputEnd ends a Render: the input frames both the takes and the monitor
// are done with go back to WriteInput.
func (p *Player) inputEnd() {
	h := min(Frame(p.inRead), p.now+p.monOff)
	if h > Frame(p.inHead) {
		p.inHead = uint64(h)
		p.in.head.Store(p.inHead)
	}
}

// monitor adds the input frames that play at frames at.. to dst (stereo):
// those of track tr's input channels, at unity, mono to both sides. Frames
// the ring no longer holds, or does not hold yet, are silence.
func (p *Player) monitor(dst []float32, tr *track, at Frame) {
	in := p.in
	lo, hi := Frame(p.inHead), Frame(p.inTail)
	k := at + p.monOff
	ch, first := uint64(in.ch), uint64(tr.monFirst)
	for i := 0; i+1 < len(dst); i, k = i+2, k+1 {
		if k < lo || k >= hi {
			continue
		}
		s := (uint64(k)&in.mask)*ch + first
		l := in.buf[s]
		r := l
		if tr.monCh == 2 {
			r = in.buf[s+1]
		}
		dst[i] += l
		dst[i+1] += r
	}
}

// setMonitor carries out a Monitor command on track t.
func (p *Player) setMonitor(c *Command) {
	tr := &p.tracks[c.Track]
	tr.monCh, tr.monFirst = 0, 0
	if p.in != nil && (c.Vel == 1 || c.Vel == 2) && int(c.Key)+int(c.Vel) <= p.in.ch {
		tr.monCh, tr.monFirst = c.Vel, c.Key
		p.light(int(c.Track))
	}
}
