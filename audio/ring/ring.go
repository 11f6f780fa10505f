package ring

import (
	"fmt"
	"sync/atomic"
)

// cacheLine is the padding unit that keeps the two indices apart, so the
// producer's and the consumer's stores do not bounce one cache line between
// cores. 64 bytes covers the Pi's Cortex-A72/A76 and x86.
const cacheLine = 64

// Indices are a Ring's two frame counters, each on its own cache line.
// Read is written only by the consumer, Write only by the producer; both
// count frames since the ring was created and wrap at 2³².
type Indices struct {
	Read  atomic.Uint32
	_     [cacheLine - 4]byte
	Write atomic.Uint32
	_     [cacheLine - 4]byte
}

// A Ring is a lock-free single-producer, single-consumer FIFO of interleaved
// float32 frames. Its capacity is a power of two so that positions are
// free-running counters masked into the buffer.
//
// Write and Free belong to the producer, Read to the consumer; Len and Cap
// may be called by either side (Len is exact for the calling side and may be
// stale by the other side's progress).
type Ring struct {
	buf      []float32 // capacity*channels samples; owned by the producer between Read and Write index
	channels int
	mask     uint32 // capacity-1, in frames
	read     *atomic.Uint32
	write    *atomic.Uint32
}

// New returns a Ring holding at least frames frames (rounded up to a power of
// two) of channels samples each. It allocates; call it on the control side.
// It panics if frames or channels is not positive or frames exceeds 2³⁰.
func New(frames, channels int) *Ring {
	if frames <= 0 || channels <= 0 || frames > 1<<30 {
		panic(fmt.Sprintf("ring: New(%d, %d): bad size", frames, channels))
	}
	n := NextPow2(frames)
	idx := new(Indices)
	return Over(make([]float32, n*channels), channels, &idx.Read, &idx.Write)
}

// Over returns a Ring over memory owned by someone else, typically C memory
// shared with a C consumer: buf holds the samples and read and write are the
// two indices (for example &Indices.Read and &Indices.Write inside a
// C-allocated struct of the same layout). len(buf)/channels must be a power of
// two no larger than 2³⁰; Over panics otherwise. The caller keeps buf and the
// indices alive for as long as the Ring is used.
func Over(buf []float32, channels int, read, write *atomic.Uint32) *Ring {
	if channels <= 0 || len(buf)%channels != 0 {
		panic(fmt.Sprintf("ring: Over: %d samples is not a whole number of %d-channel frames", len(buf), channels))
	}
	frames := len(buf) / channels
	if frames == 0 || frames > 1<<30 || frames&(frames-1) != 0 {
		panic(fmt.Sprintf("ring: Over: %d frames is not a power of two", frames))
	}
	return &Ring{buf: buf, channels: channels, mask: uint32(frames - 1), read: read, write: write}
}

// NextPow2 returns the smallest power of two ≥ n (and 1 for n ≤ 1).
func NextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

// Cap returns the capacity in frames.
func (r *Ring) Cap() int { return int(r.mask) + 1 }

// Channels returns the number of samples per frame.
func (r *Ring) Channels() int { return r.channels }

// Len returns the number of frames written and not yet read.
func (r *Ring) Len() int { return int(r.write.Load() - r.read.Load()) }

// Free returns the number of frames the producer can write now. Producer only.
func (r *Ring) Free() int { return r.Cap() - r.Len() }

// Write copies as many whole frames from p as fit and returns how many frames
// it wrote. Producer only. It never blocks or allocates.
func (r *Ring) Write(p []float32) int {
	w := r.write.Load() // our own index: no other writer
	free := uint32(r.Cap()) - (w - r.read.Load())
	n := uint32(len(p) / r.channels)
	if n > free {
		n = free
	}
	if n == 0 {
		return 0
	}
	ch := uint32(r.channels)
	start := w & r.mask
	first := min(n, r.mask+1-start) // frames up to the end of the buffer
	copy(r.buf[start*ch:(start+first)*ch], p[:first*ch])
	copy(r.buf[:(n-first)*ch], p[first*ch:n*ch])
	r.write.Store(w + n) // publishes the frames to the consumer
	return int(n)
}

// Read copies up to len(p)/channels frames into p and returns how many frames
// it read. Consumer only. It never blocks or allocates; frames past the
// returned count are left untouched.
func (r *Ring) Read(p []float32) int {
	rd := r.read.Load() // our own index: no other writer
	avail := r.write.Load() - rd
	n := uint32(len(p) / r.channels)
	if n > avail {
		n = avail
	}
	if n == 0 {
		return 0
	}
	ch := uint32(r.channels)
	start := rd & r.mask
	first := min(n, r.mask+1-start)
	copy(p[:first*ch], r.buf[start*ch:(start+first)*ch])
	copy(p[first*ch:n*ch], r.buf[:(n-first)*ch])
	r.read.Store(rd + n) // hands the slots back to the producer
	return int(n)
}
