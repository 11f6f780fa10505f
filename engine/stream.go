package engine

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"gridbox/audio"
)

// newStreams allocates cfg's stream slots: cfg.Streams of them, or with 0
// a default when the bank streams anything (none when it does not). A
// player whose set may be reloaded with long samples it did not start with
// is given Streams > 0 (see StageBank). A ring's memory is only touched
// (made resident) once a voice uses it, and freed slots are reused first.
func (p *Player) newStreams(cfg Config) {
	slots := cfg.Streams
	if slots <= 0 {
		n := 0
		for _, s := range p.bank.Streams {
			if s != nil {
				n++
			}
		}
		if n == 0 {
			return
		}
		slots = min(cfg.Voices, 2*n+8)
	}
	size := 1 << 17
	if cfg.StreamFrames > 0 {
		for size = 1; size < cfg.StreamFrames; size <<= 1 {
		}
	}
	p.streams = make([]stream, slots)
	for i := range p.streams {
		// Both rings: a slot plays any sample. Only the one used is
		// touched, and made resident.
		p.streams[i].buf = make([]float32, 2*size)
		p.streams[i].pcm = make([]int16, 2*size)
		p.streams[i].mask = int64(size - 1)
	}
	p.streamer = &Streamer{p: p, walks: make([]walk, slots), locks: map[source]*sourceLock{}}
}

// streamChunk returns how many frames the streamer reads at a time for a
// ring of size frames: a quarter of it, at most 16384 (64 KiB of 16-bit
// stereo, a good read for an SD card), and it waits until that much is
// free.
func streamChunk(size int64) int64 { return min(16384, size/4) }

// Streamer fills a Player's streams from its bank's sources, ahead of the
// voices that play them (see stream_rt.go). Fill and Run are called from
// one goroutine at a time: the render loop between blocks (offline), or
// Run next to the audio device (live), whose readers each fill their own
// share of the streams. It reads the disk; the audio thread never waits
// for it.
type Streamer struct {
	p     *Player
	walks []walk
	// locks holds a lock per Source that a stream reads: two of Run's
	// readers may stream one Source (for two voices, maybe of two banks
	// that share it after a reload, at different sample indices), and a
	// Source is read by one goroutine at a time (a resampler keeps state
	// between reads). An entry lives while a walk holds it.
	locksMu sync.Mutex
	locks   map[source]*sourceLock

	mu    sync.Mutex // guards err and fails: Run's readers fail concurrently
	err   error
	fails uint64
}

// source is audio.Source under a name the realtime files can use without
// importing audio (a stream slot records the Source it reads).
type source = audio.Source

// sourceLock serialises the reads of one Source; users counts the walks
// holding it.
type sourceLock struct {
	sync.Mutex
	users int
}

// lock returns src's lock, held for a walk until unlock.
func (s *Streamer) lock(src audio.Source) *sourceLock {
	s.locksMu.Lock()
	defer s.locksMu.Unlock()
	l := s.locks[src]
	if l == nil {
		l = &sourceLock{}
		s.locks[src] = l
	}
	l.users++
	return l
}

// unlock lets go of w's Source lock, forgetting it once no walk holds it
// (an old bank's Source is not kept after its last stream).
func (s *Streamer) unlock(w *walk) {
	if w.lock == nil {
		return
	}
	s.locksMu.Lock()
	if w.lock.users--; w.lock.users == 0 {
		delete(s.locks, w.src)
	}
	s.locksMu.Unlock()
	w.lock = nil
}

// streamReaders is how many goroutines Run reads the streams with: reads
// in flight together keep a disk busy while a reader waits to be scheduled
// again (on a loaded machine, that wait can outlast the read), and let an
// SD card or SSD serve several requests at once.
const streamReaders = 4

// walk is the streamer's view of a stream's voice: where in the sample the
// FIFO's next frame to write comes from (see pass).
type walk struct {
	src   audio.Source
	lock  *sourceLock // src's lock
	ph    uint64      // the current pass's phase when it began
	from  uint64      // the current pass's first position (0 after the first)
	org   int64       // virtual index of the current pass's position 0
	lo    uint64      // the current pass's span in the stream: [lo, hi)
	hi    uint64
	ended bool // a one-shot's span is all written
}

// Streamer returns p's streamer, or nil when p has no stream slots (see
// Config.Streams).
func (p *Player) Streamer() *Streamer { return p.streamer }

// Fill tops up every stream until it holds ahead frames past what its
// voice has read (at most the ring's size; ahead ≤ 0: as much as fits),
// and starts and retires streams as the voices ask. It goes round the
// streams a chunk at a time, so that one stream's slow reads do not starve
// the others, until they are full. It returns whether it read anything.
func (s *Streamer) Fill(ahead int) bool {
	if s == nil {
		return false
	}
	return s.fillShare(ahead, 0, 1)
}

// fillShare is Fill for the streams whose slot is part modulo parts: one
// reader's share.
func (s *Streamer) fillShare(ahead, part, parts int) bool {
	busy := false
	for {
		round := false
		for i := part; i < len(s.p.streams); i += parts {
			st, w := &s.p.streams[i], &s.walks[i]
			switch st.state.Load() {
			case streamRequested:
				s.unlock(w)
				src := *st.src.Load()
				*w = walk{src: src, lock: s.lock(src), ph: st.start, from: st.start >> 32}
				w.span(st)
				w.org = -int64(w.lo)
				// The voice may have ended meanwhile (released): then the
				// next round retires the slot.
				if st.state.CompareAndSwap(streamRequested, streamActive) && s.fill(st, w, ahead) {
					round = true
				}
			case streamActive:
				if s.fill(st, w, ahead) {
					round = true
				}
			case streamReleased:
				s.unlock(w)
				*w = walk{}
				st.state.Store(streamFree)
			}
		}
		if !round {
			return busy
		}
		busy = true
	}
}

// span sets w's span for its current pass.
func (w *walk) span(st *stream) {
	w.lo, w.hi, _ = pass(w.ph, w.from, st.loopLen, st.frames, st.pre, st.xfade)
}

// nextPass moves w to the pass after its current one, or ends a one-shot.
func (w *walk) nextPass(st *stream) {
	if st.loopLen == 0 {
		w.ended = true
		return
	}
	_, _, next := pass(w.ph, w.from, st.loopLen, st.frames, st.pre, st.xfade)
	w.org += int64(w.hi) - int64(st.pre)
	w.ph, w.from = next, 0
	w.span(st)
}

// fill writes at most a chunk to st's FIFO, up to ahead frames past its
// voice's read point, and reports whether it wrote anything.
func (s *Streamer) fill(st *stream, w *walk, ahead int) bool {
	size := st.mask + 1
	if ahead <= 0 || int64(ahead) > size {
		ahead = int(size)
	}
	wr, rd := st.written.Load(), st.read.Load()
	if rd > wr {
		wr = rd // the voice has gone past: skip what it missed
		st.written.Store(wr)
	}
	// Read in chunks of a good size for the disk (some tens of
	// kilobytes), not a block at a time, unless the ring runs low.
	chunk := streamChunk(size)
	limit := min(rd+int64(ahead), wr+chunk)
	if limit-wr < chunk && wr-rd >= chunk {
		return false
	}
	for wr < limit && !w.ended {
		if wr >= w.org+int64(w.hi) {
			w.nextPass(st)
			// A pass that streams nothing while the next one starts where
			// it did means the whole loop is in memory: nothing to write.
			if !w.ended && w.hi == w.lo && w.from == 0 && w.hi == st.pre {
				w.ended = true
			}
			continue
		}
		pos := wr - w.org // position in the sample, in [lo, hi)
		i := wr & st.mask
		n := min(w.org+int64(w.hi)-wr, limit-wr, size-i)
		w.lock.Lock()
		got, err := w.read(st, int(i), int(n), pos)
		w.lock.Unlock()
		if got < int(n) {
			if err == nil || errors.Is(err, io.EOF) {
				err = fmt.Errorf("the file ends at frame %d of %d", pos+int64(got), st.frames)
			}
			s.mu.Lock()
			s.fails++
			if s.err == nil {
				s.err = fmt.Errorf("engine: streaming sample %d: %w", st.sample, err)
			}
			s.mu.Unlock()
		}
		wr += n
		st.written.Store(wr)
		return true // a chunk (or the rest of a pass) per call
	}
	return false
}

// pcm16 is a Source that also reads 16-bit samples exactly (a 16-bit WAV
// or AIFF file: codec.PCMFile).
type pcm16 interface {
	ReadPCM16(dst []int16, at int64) (int, error)
}

// read reads n frames from position pos into st's ring at index i, the
// rest of them silence if the source gives fewer.
func (w *walk) read(st *stream, i, n int, pos int64) (int, error) {
	if st.is16 {
		dst := st.pcm[i*st.ch : (i+n)*st.ch]
		got, err := w.src.(pcm16).ReadPCM16(dst, pos)
		clear(dst[got*st.ch:])
		return got, err
	}
	dst := st.buf[i*st.ch : (i+n)*st.ch]
	got, err := w.src.ReadFrames(dst, pos)
	clear(dst[got*st.ch:])
	return got, err
}

// Failures returns how many reads of the streams' sources failed (the
// frames they could not read played as silence), and the first error.
func (s *Streamer) Failures() (n uint64, first error) {
	if s == nil {
		return 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fails, s.err
}

// Run fills the streams every period until stop is closed, with
// streamReaders goroutines each filling its share of them, and returns
// once they have all stopped: the live streamer.
func (s *Streamer) Run(stop <-chan struct{}, period time.Duration) {
	if s == nil {
		return
	}
	var wg sync.WaitGroup
	for part := range streamReaders {
		wg.Go(func() {
			t := time.NewTicker(period)
			defer t.Stop()
			for {
				for s.fillShare(0, part, streamReaders) {
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		})
	}
	wg.Wait()
}
