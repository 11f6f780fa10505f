package engine

import "sync/atomic"

// Disk streaming. A long sample is not held in memory: its first frames
// (the preload, a Buffer in the Bank) are, and a voice playing past them
// reads the rest from a stream: a preallocated ring that the Streamer, on
// the control side, fills from the sample's audio.Source ahead of the
// voice. The ring is a FIFO of the sample frames at or past the preload in
// the order the voice reads them: pass after pass of a loop, each pass's
// frames followed by those a crossfade after its wrap reads past the loop
// end (see pass). Frame j of the FIFO ("virtual index" j, counting from the
// voice's start) sits at ring index j&mask.
//
// A stream slot moves free → requested (the realtime side claims it as a
// PlayClip command is drained, ahead of the clip's frame) → active (the
// streamer has begun) → released (the voice has ended) → free (the
// streamer has let go). The realtime side writes the request before
// publishing requested; the streamer writes frames before publishing
// written; the voice publishes read, the lowest virtual index it may still
// read, and the streamer never writes past read plus the ring's size.
//
// A voice that finds its frames not there yet (the disk was slow) plays
// silence for them and counts an underrun; the streamer skips what the
// voice has passed.
type stream struct {
	state   atomic.Uint32
	written atomic.Int64 // frames in the FIFO: virtual index of the next to write
	read    atomic.Int64 // lowest virtual index the voice may still read

	// The request, written by the realtime side while the slot is free.
	// src is the Source the slot reads (&Bank.Streams[sample] of the bank
	// its voice plays): atomic, so that Player.Uses can tell from any
	// goroutine which Source a busy slot may still read.
	src     atomic.Pointer[source]
	sample  int32
	ch      int
	start   uint64 // the voice's phase at its first frame (biased, 32.32)
	loopLen uint64 // 32.32; 0 = one-shot
	frames  uint64 // the sample's length
	pre     uint64 // frames in memory (the preload)
	xfade   uint64 // crossfade frames after a wrap

	// The ring: mask+1 frames of ch samples, in buf, or in pcm when the
	// sample is 16-bit at the player's rate (its preload is PCM16): exact,
	// and half the memory and the copying.
	buf  []float32
	pcm  []int16
	is16 bool
	mask int64
}

const (
	streamFree uint32 = iota
	streamRequested
	streamActive
	streamReleased
)

// pass returns the stream's share of the pass of a natural-speed read that
// is at biased phase ph: positions [lo, hi) of the sample come from the
// stream, lo being at least the preload pre (first passes start at
// from), hi the sample's end, the loop end, or past the loop end by the
// frames a crossfade after the wrap reads (xfade, if the sample goes on
// there). For a loop, it also returns the phase of the next pass. The
// voice and the streamer walk a sample with it alike.
func pass(ph, from, loopLen, frames, pre, xfade uint64) (lo, hi, next uint64) {
	lo = max(pre, from)
	if loopLen == 0 {
		return lo, max(lo, frames), 0
	}
	j := (loopLen - ph + one - 1) >> 32 // frames to the wrap
	end := ph + j<<32
	return lo, passEnd(end>>32, lo, frames, xfade), end - loopLen
}

// passEnd returns the end of a pass's span in the stream (see pass): n is
// the first position the pass does not play, lo where the span starts.
func passEnd(n, lo, frames, xfade uint64) uint64 {
	hi := min(n, frames)
	if xfade > 0 && n < frames {
		hi += min(xfade, frames-n)
	}
	return max(lo, hi)
}

// claimStream takes a free stream slot for sample s of bank (a streamed
// one), played from biased phase start with loop length loopLen (0:
// one-shot) and crossfade xfade, and asks the streamer to fill it. It
// returns -1 when every slot is taken: the voice then plays its preload
// only.
func (p *Player) claimStream(bank *Bank, s int32, start, loopLen, xfade uint64) int32 {
	for i := range p.streams {
		st := &p.streams[i]
		if st.state.Load() != streamFree {
			continue
		}
		b := bank.Samples[s]
		st.src.Store(&bank.Streams[s])
		st.sample, st.ch, st.start, st.loopLen, st.xfade = s, b.Channels, start, loopLen, xfade
		st.is16 = b.PCM16 != nil
		st.frames, st.pre = uint64(bank.Streams[s].Frames()), uint64(b.Frames())
		st.written.Store(0)
		st.read.Store(0)
		st.state.Store(streamRequested)
		if int64(i) >= p.streamsUsed.Load() {
			p.streamsUsed.Store(int64(i) + 1)
		}
		return int32(i)
	}
	p.streamsFull.Add(1)
	return -1
}

// releaseStream hands slot i back to the streamer.
func (p *Player) releaseStream(i int32) {
	if i >= 0 {
		p.streams[i].state.Store(streamReleased)
	}
}

// copyStream adds len(dst)/2 frames of the stream's FIFO from virtual
// index j, at gain g changing by dg per frame (per unit of an int16 for a
// 16-bit ring), to dst; frames not written yet are silence. It reports
// whether all were there.
func (st *stream) copyStream(dst []float32, j int64, g, dg float32) bool {
	n := int64(len(dst) / 2)
	have := min(max(st.written.Load()-j, 0), n)
	for k := int64(0); k < have; {
		i := (j + k) & st.mask
		run := min(have-k, st.mask+1-i) // up to the ring's end
		switch {
		case st.is16 && st.ch == 2:
			src := st.pcm[2*i : 2*(i+run)]
			d := dst[2*k : 2*k+2*run]
			for x := 0; x+1 < len(src); x += 2 {
				d[x] += float32(src[x]) * g
				d[x+1] += float32(src[x+1]) * g
				g += dg
			}
		case st.is16:
			src := st.pcm[i : i+run]
			d := dst[2*k : 2*k+2*run]
			for x, s := range src {
				f := float32(s) * g
				d[2*x] += f
				d[2*x+1] += f
				g += dg
			}
		case st.ch == 2:
			src := st.buf[2*i : 2*(i+run)]
			d := dst[2*k : 2*k+2*run]
			for x := 0; x+1 < len(src); x += 2 {
				d[x] += src[x] * g
				d[x+1] += src[x+1] * g
				g += dg
			}
		default:
			src := st.buf[i : i+run]
			d := dst[2*k : 2*k+2*run]
			for x, s := range src {
				s *= g
				d[2*x] += s
				d[2*x+1] += s
				g += dg
			}
		}
		k += run
	}
	return have == n
}

// frame returns the FIFO's frame at virtual index j, or silence (and false)
// if it is not written yet.
func (st *stream) frame(j int64) (l, r float32, ok bool) {
	if j >= st.written.Load() || j < 0 {
		return 0, 0, false
	}
	i := j & st.mask
	switch {
	case st.is16 && st.ch == 2:
		return float32(st.pcm[2*i]) * (1.0 / 32768), float32(st.pcm[2*i+1]) * (1.0 / 32768), true
	case st.is16:
		s := float32(st.pcm[i]) * (1.0 / 32768)
		return s, s, true
	case st.ch == 2:
		return st.buf[2*i], st.buf[2*i+1], true
	}
	return st.buf[i], st.buf[i], true
}
