package engine

import "sync/atomic"

// take is one recording into a buffer (RecordAudio), open until its end
// event. Frames are engine frames; the take writes input frame f+lat as
// engine frame f.
type take struct {
	buf    []float32     // the Sample's Data: the render side's until the end event
	uses   *atomic.Int32 // its bank's count of users of the sample (Player.Uses)
	start  Frame         // S
	next   Frame         // the next frame to record
	end    Frame         // E; Never while open
	lat    Frame         // Lf when the take was taken in
	pos    int64         // buffer position at S
	loop   int64         // wrap length; 0: none
	frames int64         // buffer frames
	gain   float32       // feedback: buf = buf*gain + in
	clip   int32
	track  int16
	bch    uint8 // buffer channels
	first  uint8 // first input channel
	ich    uint8 // input channels; 0: the take records silence
}

// recordAudio takes in a RecordAudio command: the take is open from now on
// (drain calls it, in send order), and writes its frames as the input
// brings them (record).
func (p *Player) recordAudio(c *Command) {
	ev := Event{Kind: EvTakeDropped, Track: c.Track, Clip: c.Clip, Frame: c.At}
	if int(c.Track) < 0 || int(c.Track) >= len(p.tracks) {
		p.emit(ev)
		return
	}
	// A new take on the track ends those still open at its start.
	for i := range p.takes {
		if t := &p.takes[i]; t.track == c.Track && t.end > c.At {
			t.end = max(c.At, t.next)
		}
	}
	b := p.bank
	if p.in == nil || len(p.takes) == cap(p.takes) || c.Sample < 0 || int(c.Sample) >= len(b.Samples) {
		p.emit(ev)
		return
	}
	s := b.Samples[c.Sample]
	if s.Data == nil || (s.Channels != 1 && s.Channels != 2) {
		ev.Kind = EvTakeFull // no buffer to write
		p.emit(ev)
		return
	}
	t := take{
		buf: s.Data, start: c.At, next: c.At, end: Never, lat: Frame(p.inLat.Load()),
		pos: max(c.Start, 0), frames: int64(s.Frames()), gain: c.Gain,
		clip: c.Clip, track: c.Track, bch: uint8(s.Channels),
	}
	if c.LoopLen <= 1<<62 {
		t.loop = int64(c.LoopLen)
	}
	if (c.Vel == 1 || c.Vel == 2) && int(c.Key)+int(c.Vel) <= p.in.ch {
		t.first, t.ich = c.Key, c.Vel
	}
	// The input frames of the take's first frames have gone by: it records
	// from the first frame it can.
	if first := Frame(p.inRead) - t.lat; first > t.start {
		p.late.Add(1)
		p.emit(Event{Kind: EvLate, Track: c.Track, Clip: c.Clip, Frame: first})
	}
	t.uses = &b.refs.voices[c.Sample]
	t.uses.Add(1)
	p.takes = append(p.takes, t) // within its capacity (checked above)
}

// recordStop takes in a RecordStop command: Track's takes end at its At
// (with Now, at the input frames not yet written), or where they have got
// to if that is later (a late stop).
func (p *Player) recordStop(c *Command) {
	for i := range p.takes {
		t := &p.takes[i]
		if t.track != c.Track {
			continue
		}
		e := c.At
		if c.Now {
			e = Frame(p.inRead) - t.lat
		}
		if e < t.next && t.next > t.start && t.end > t.next {
			p.late.Add(1)
			p.emit(Event{Kind: EvLate, Track: c.Track, Clip: t.clip, Frame: t.next})
		}
		t.end = min(t.end, max(e, t.next))
	}
}

// record writes the input frames this Render brings into the open takes
// and the capture ring, and ends the takes that are done.
func (p *Player) record() {
	r0, r1 := Frame(p.inRead), Frame(p.inTail)
	p.inRead = p.inTail
	k := 0
	for i := range p.takes {
		t := &p.takes[i]
		if kind := p.recordTake(t, r0, r1); kind != EvNone {
			t.uses.Add(-1) // before the event: the session may free it then
			p.emit(Event{Kind: kind, Track: t.track, Clip: t.clip, Frame: t.next})
			continue
		}
		if k != i {
			p.takes[k] = *t
		}
		k++
	}
	clear(p.takes[k:])
	p.takes = p.takes[:k]
}

// recordTake writes take t's part of input frames [r0, r1) and returns the
// event that ends it, or EvNone while it goes on.
func (p *Player) recordTake(t *take, r0, r1 Frame) EventKind {
	lo := min(max(t.next, r0-t.lat), t.end)
	hi := min(t.end, r1-t.lat)
	t.next = lo
	for t.next < hi {
		pos, n := t.position(t.next), int64(hi-t.next)
		if t.loop > 0 {
			n = min(n, t.loop-pos)
		}
		if pos >= t.frames {
			return EvTakeFull
		}
		n = min(n, t.frames-pos)
		k, at := p.capture.room(int(n), int(t.bch))
		if k == 0 {
			return EvTakeDropped
		}
		p.writeTake(t, pos, k, at)
		t.next += Frame(k)
	}
	switch {
	case t.next >= t.end:
		return EvRecorded
	case t.position(t.next) >= t.frames:
		return EvTakeFull
	}
	return EvNone
}

// position returns the buffer position of frame f of take t.
func (t *take) position(f Frame) int64 {
	pos := t.pos + int64(f-t.start)
	if t.loop > 0 {
		pos %= t.loop
	}
	return pos
}

// writeTake writes k frames of take t from frame t.next on into its buffer
// from position pos, and the values written into the capture ring from
// word at, as one chunk.
func (p *Player) writeTake(t *take, pos int64, k int, at uint64) {
	in, c := p.in, p.capture
	bch := int(t.bch)
	buf := t.buf[int(pos)*bch : (int(pos)+k)*bch]
	i0 := at & c.mask
	dst := c.data[i0 : i0+uint64(k*bch)]
	ich, first, idx := uint64(in.ch), uint64(t.first), uint64(t.next+t.lat)
	for i := 0; i < k; i++ {
		var l, r float32
		if t.ich > 0 {
			s := ((idx+uint64(i))&in.mask)*ich + first
			l = in.buf[s]
			r = l
			if t.ich == 2 {
				r = in.buf[s+1]
			}
		}
		if bch == 1 {
			if t.ich == 2 {
				l = (l + r) * 0.5
			}
			buf[i] = feed(buf[i], t.gain, l)
			dst[i] = buf[i]
			continue
		}
		buf[2*i] = feed(buf[2*i], t.gain, l)
		buf[2*i+1] = feed(buf[2*i+1], t.gain, r)
		dst[2*i], dst[2*i+1] = buf[2*i], buf[2*i+1]
	}
	c.push(chunkHdr{Pos: pos, Off: at, Words: uint64(k * bch), Clip: t.clip, Track: t.track, Channels: t.bch})
}

// feed returns an overdub's new value: old at gain g, plus in. The product
// is rounded before the sum (no fused multiply-add), so every machine
// records the same bits.
func feed(old, g, in float32) float32 {
	if g == 0 {
		return in
	}
	return float32(old*g) + in
}

// Capture is the ring of recorded chunks the take writer drains (Drain):
// a single-producer, single-consumer queue, written by Render, read by
// one control-side goroutine. A chunk's samples lie whole and in one
// piece in data.
type Capture struct {
	hdrs ring[chunkHdr]
	_    [64]byte
	head atomic.Uint64 // words Drain is done with
	_    [56]byte
	tail uint64 // words written; Render's own
	mask uint64
	data []float32
}

// chunkHdr is a chunk as the ring holds it: its samples are data's words
// Off.. (mod its size), Words of them.
type chunkHdr struct {
	Pos      int64
	Off      uint64
	Words    uint64
	Clip     int32
	Track    int16
	Channels uint8
}

// room returns how many frames of ch channels, of the n asked for, the
// ring takes as one chunk, and the word it starts at: fewer than n only at
// the ring's end (the rest goes in the next chunk), 0 when the n frames
// do not fit.
func (c *Capture) room(n, ch int) (int, uint64) {
	if c.hdrs.tail.Load()-c.hdrs.head.Load() == uint64(len(c.hdrs.buf)) {
		return 0, 0
	}
	size, t := uint64(len(c.data)), c.tail
	free := size - (t - c.head.Load())
	if end := size - t&c.mask; end < uint64(ch) {
		// Too few words before the ring's end for a frame: skip them.
		t += end
		free -= min(free, end)
	}
	want := uint64(n * ch)
	if want > free {
		return 0, 0
	}
	return int(min(want, size-t&c.mask) / uint64(ch)), t
}

// push publishes a chunk whose samples are written.
func (c *Capture) push(h chunkHdr) {
	c.tail = h.Off + h.Words
	c.hdrs.push(h) // room checked that it fits
}
