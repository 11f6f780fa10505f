package engine

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"testing"

	"gridbox/audio"
	"gridbox/audio/offline"
)

// inVal is the input's sample of channel c at input frame k: a counter
// ramp, so that every sample says where it came from. Exact in float32
// (an integer below 2^24 over a power of two) and below 1 for k < 2^19.
func inVal(k, c int) float32 { return float32(k+1+c<<19) / (1 << 21) }

// rig drives a player with an input as a duplex device does: before each
// Render it writes the block's input frames (the ramp) to the sink.
type rig struct {
	t      *testing.T
	p      *Player
	ch     int       // input channels
	k      int       // input frames written
	in     []float32 // scratch
	out    []float32 // every frame rendered (stereo)
	events []Event
	chunks []Chunk // copied; nil Frames when not kept
	drain  bool    // drain the capture ring after each block
}

func newRig(t *testing.T, bank *Bank, inputs, tracks int, tune func(*Config)) *rig {
	t.Helper()
	cfg := DefaultConfig(rate, tracks)
	cfg.Inputs = inputs
	if tune != nil {
		tune(&cfg)
	}
	p, err := New(cfg, bank)
	if err != nil {
		t.Fatal(err)
	}
	if p.Input() == nil || p.Capture() == nil || p.Input().Channels() != inputs {
		t.Fatal("no input or capture ring")
	}
	return &rig{t: t, p: p, ch: inputs, drain: true}
}

// block writes n input frames, renders n frames, and collects the events
// and the capture ring's chunks.
func (r *rig) block(n int) {
	r.in = r.in[:0]
	for i := range n {
		for c := range r.ch {
			r.in = append(r.in, inVal(r.k+i, c))
		}
	}
	if got := r.p.Input().WriteInput(r.in); got != n {
		r.t.Fatalf("WriteInput took %d of %d frames", got, n)
	}
	r.k += n
	buf := make([]float32, 2*n)
	r.p.Render(buf)
	r.out = append(r.out, buf...)
	for {
		e, ok := r.p.PollEvent()
		if !ok {
			break
		}
		r.events = append(r.events, e)
	}
	if r.drain {
		r.p.Capture().Drain(func(c Chunk) {
			c.Frames = slices.Clone(c.Frames)
			r.chunks = append(r.chunks, c)
		})
	}
}

// until renders blocks of block frames until frame f has been rendered.
func (r *rig) until(f Frame, block int) {
	for r.p.Position() < f {
		r.block(block)
	}
}

// end returns the event that ended clip's take, if any.
func (r *rig) end(clip int32) (Event, bool) {
	for _, e := range r.events {
		if e.Clip == clip && (e.Kind == EvRecorded || e.Kind == EvTakeFull || e.Kind == EvTakeDropped) {
			return e, true
		}
	}
	return Event{}, false
}

// replay applies the chunks of clip, in order, to a copy of base: the
// buffer the take writer's file holds. It fails on a chunk out of range.
func (r *rig) replay(clip int32, base []float32, ch int) (buf []float32, frames int) {
	buf = slices.Clone(base)
	for _, c := range r.chunks {
		if c.Clip != clip {
			continue
		}
		if c.Channels != ch || len(c.Frames)%ch != 0 || int(c.Pos)*ch+len(c.Frames) > len(buf) {
			r.t.Fatalf("chunk at %d: %d channels, %d samples, for a %d-channel buffer of %d samples", c.Pos, c.Channels, len(c.Frames), ch, len(buf))
		}
		copy(buf[int(c.Pos)*ch:], c.Frames)
		frames += len(c.Frames) / ch
	}
	return buf, frames
}

// want returns what a take of input channels first.. (ich of them) into
// a buffer of bch channels holds at position p, recorded from input frame k.
func want(k, first, ich, bch, side int) float32 {
	l, r := inVal(k, first), inVal(k, first)
	if ich == 2 {
		r = inVal(k, first+1)
	}
	if bch == 1 {
		if ich == 2 {
			return (l + r) * 0.5
		}
		return l
	}
	if side == 0 {
		return l
	}
	return r
}

var blocks = []int{64, 128, 333}

// TestRecordTakesTheInputFrames: a take from S to E holds input frames
// [S+Lf, E+Lf) exactly, at every block size, latency, and channel layout;
// it ends with EvRecorded at E; the capture ring's chunks, applied in
// order, make the same buffer; and a PlayClip of the take from E, looping,
// plays it back exactly (doc.go rules 2-4).
func TestRecordTakesTheInputFrames(t *testing.T) {
	const S, E = 1000, 1000 + 4817
	const L = E - S
	for _, block := range blocks {
		for _, lf := range []int{0, 100} {
			// ich input channels from input channel first into bch.
			for _, lay := range []struct{ inputs, first, ich, bch int }{
				{1, 0, 1, 1}, {2, 0, 2, 2}, {3, 1, 2, 2}, {2, 1, 1, 2}, {2, 0, 2, 1},
			} {
				name := fmt.Sprintf("block %d, Lf %d, input %d of %d channels from %d into %d", block, lf, lay.ich, lay.inputs, lay.first, lay.bch)
				take := &audio.Buffer{Rate: rate, Channels: lay.bch, Data: make([]float32, (L+50)*lay.bch)}
				r := newRig(t, &Bank{Samples: []*audio.Buffer{take}}, lay.inputs, 2, nil)
				r.p.SetInputLatency(int64(lf))
				send(t, r.p, Command{Op: RecordAudio, At: S, Track: 1, Clip: 5, Sample: 0, Key: uint8(lay.first), Vel: uint8(lay.ich)},
					Command{Op: PlayClip, At: E, Track: 1, Clip: 6, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(L)})
				r.until(S+300, block)
				send(t, r.p, Command{Op: RecordStop, At: E, Track: 1})
				r.until(E+2*L+10, block)
				e, ok := r.end(5)
				if !ok || e.Kind != EvRecorded || e.Frame != E || e.Track != 1 {
					t.Fatalf("%s: take ended with %+v (%v), want EvRecorded at %d", name, e, ok, E)
				}
				for p := range L + 50 {
					for s := range lay.bch {
						w := float32(0)
						if p < L {
							w = want(S+lf+p, lay.first, lay.ich, lay.bch, s)
						}
						if got := take.Data[p*lay.bch+s]; got != w {
							t.Fatalf("%s: position %d side %d = %v, want %v (input frame %d)", name, p, s, got, w, S+lf+p)
						}
					}
				}
				got, n := r.replay(5, make([]float32, len(take.Data)), lay.bch)
				if n != L || !slices.Equal(got, take.Data) {
					t.Fatalf("%s: the chunks hold %d frames, and another buffer", name, n)
				}
				// Played back from E: the take, loop after loop; nothing before.
				if f := firstNonZero(r.out); f != E {
					t.Fatalf("%s: first sound at %d, want %d", name, f, E)
				}
				for f := E; f < E+2*L; f++ {
					p := (f - E) % L
					l, rr := take.Data[p*lay.bch], take.Data[p*lay.bch+lay.bch-1]
					if r.out[2*f] != l || r.out[2*f+1] != rr {
						t.Fatalf("%s: frame %d plays %v,%v, want position %d: %v,%v", name, f, r.out[2*f], r.out[2*f+1], p, l, rr)
					}
				}
			}
		}
	}
}

// TestOverdubFeedsBack: an overdub over two passes of a loop, at Gain 0.5,
// starting mid-loop, leaves buf = (old*0.5 + in1)*0.5 + in2 at each
// position, and its chunks, applied in order to the old buffer, make the
// same (rules 2 and 4).
func TestOverdubFeedsBack(t *testing.T) {
	const L, start, S = 1500, 400, 2000
	for _, block := range blocks {
		for _, lf := range []int{0, 100} {
			old := make([]float32, 2*L)
			for i := range old {
				old[i] = float32(i%7) / 16
			}
			take := &audio.Buffer{Rate: rate, Channels: 2, Data: slices.Clone(old)}
			r := newRig(t, &Bank{Samples: []*audio.Buffer{take}}, 2, 1, nil)
			r.p.SetInputLatency(int64(lf))
			send(t, r.p, Command{Op: RecordAudio, At: S, Clip: 1, Sample: 0, Start: start, LoopLen: L, Gain: 0.5, Key: 0, Vel: 2},
				Command{Op: RecordStop, At: S + 2*L})
			r.until(Frame(S+2*L+lf+block), block)
			if e, ok := r.end(1); !ok || e.Kind != EvRecorded || e.Frame != S+2*L {
				t.Fatalf("block %d Lf %d: take ended with %+v", block, lf, e)
			}
			for p := range L {
				// Position p was written at frame S+d, d = (p-start) mod L, then a pass later.
				d := (p - start + L) % L
				for s := range 2 {
					w := float32(float32(old[2*p+s]*0.5)+inVal(S+lf+d, s))*0.5 + inVal(S+lf+d+L, s)
					if got := take.Data[2*p+s]; got != w {
						t.Fatalf("block %d Lf %d: position %d side %d = %v, want %v", block, lf, p, s, got, w)
					}
				}
			}
			got, n := r.replay(1, old, 2)
			if n != 2*L || !slices.Equal(got, take.Data) {
				t.Fatalf("block %d Lf %d: the chunks hold %d frames, and another buffer", block, lf, n)
			}
		}
	}
}

// TestMonitorDelayIsConstant: a monitored input (the ramp) reaches the
// output from the Monitor's frame on, at a fixed offset, every frame once:
// no repeats, no gaps, at unity (mono to both sides), and through the
// track's gain (rule 5).
func TestMonitorDelayIsConstant(t *testing.T) {
	const M = 777
	for _, block := range blocks {
		for _, lay := range []struct{ inputs, first, ch int }{{1, 0, 1}, {2, 0, 2}, {3, 1, 2}, {2, 1, 1}} {
			for _, now := range []bool{false, true} {
				name := fmt.Sprintf("block %d, %d channels from %d of %d, now %v", block, lay.ch, lay.first, lay.inputs, now)
				r := newRig(t, nil, lay.inputs, 3, nil)
				from := M
				if now {
					r.until(M, block)
					from = int(r.p.Position())
				}
				send(t, r.p, Command{Op: Monitor, At: M, Now: now, Track: 2, Key: uint8(lay.first), Vel: uint8(lay.ch)})
				r.until(M+20000, block)
				if f := firstNonZero(r.out); f != from {
					t.Fatalf("%s: first sound at %d, want %d", name, f, from)
				}
				// Input frame f-d plays at frame f.
				d := from - (int(r.out[2*from]*(1<<21)) - 1 - lay.first<<19)
				for f := from; f < len(r.out)/2; f++ {
					k := f - d
					l, rr := inVal(k, lay.first), inVal(k, lay.first+lay.ch-1)
					if r.out[2*f] != l || r.out[2*f+1] != rr {
						t.Fatalf("%s: frame %d = %v,%v, want input frame %d: %v,%v (delay %d)", name, f, r.out[2*f], r.out[2*f+1], k, l, rr, d)
					}
				}
				if d < 0 || d > block {
					t.Fatalf("%s: delay %d frames", name, d)
				}
				// Through the track's gain and pan, ramped; then off.
				at := r.p.Position() + 200
				send(t, r.p, Command{Op: SetTrack, At: at, Track: 2, Gain: 0.5, Pan: -1},
					Command{Op: Monitor, At: at + 4000, Track: 2})
				r.until(at+5000, block)
				f := int(at) + 1000
				if w := inVal(f-d, lay.first) * 0.5; r.out[2*f] != w || r.out[2*f+1] != 0 {
					t.Fatalf("%s: at half gain, pan left: %v,%v, want %v,0", name, r.out[2*f], r.out[2*f+1], w)
				}
				if f := firstNonZero(r.out[2*(int(at)+4000):]); f >= 0 {
					t.Fatalf("%s: monitoring off still sounds %d frames on", name, f)
				}
			}
		}
	}
}

// TestMonitorResyncs: when the input comes unevenly (a device's hiccup:
// three blocks at once, then none), the monitor re-syncs to the newest
// frames and then holds its delay again (rule 5).
func TestMonitorResyncs(t *testing.T) {
	r := newRig(t, nil, 1, 1, nil)
	send(t, r.p, Command{Op: Monitor, Key: 0, Vel: 1})
	r.until(1280, 128)
	// Two blocks of input, then a Render with none.
	r.p.Input().WriteInput(make([]float32, 256))
	r.k += 256
	r.block(128)
	r.p.Render(make([]float32, 256))
	r.out = append(r.out, make([]float32, 256)...)
	r.until(r.p.Position()+12800, 128)
	tail := r.out[len(r.out)-2*6400:]
	from := len(r.out)/2 - 6400
	d := from - (int(tail[0]*(1<<21)) - 1)
	for i := 0; i < 6400; i++ {
		if w := inVal(from+i-d, 0); tail[2*i] != w {
			t.Fatalf("frame %d = %v, want input frame %d (delay %d)", from+i, tail[2*i], from+i-d, d)
		}
	}
	// The input is ahead of the output now by what it brought at once
	// (256 frames, less the block that came with none); the monitor plays
	// the newest frames.
	if newest := int(r.p.Position()) - r.k; d != newest {
		t.Fatalf("delay %d after the hiccup, want %d (the newest frames)", d, newest)
	}
}

// TestRecordCaptureFullDropsTheTake: with no room left in the capture
// ring (nobody drains it), the take ends with EvTakeDropped at the last
// chunk written, and the buffer holds exactly what the chunks held
// (rule 4).
func TestRecordCaptureFullDropsTheTake(t *testing.T) {
	for _, block := range blocks {
		take := &audio.Buffer{Rate: rate, Channels: 2, Data: make([]float32, 2*20000)}
		r := newRig(t, &Bank{Samples: []*audio.Buffer{take}}, 1, 1, func(c *Config) { c.Capture = 3000 })
		r.drain = false
		send(t, r.p, Command{Op: RecordAudio, At: 100, Clip: 3, Sample: 0, Key: 0, Vel: 1})
		r.until(10000, block)
		e, ok := r.end(3)
		if !ok || e.Kind != EvTakeDropped {
			t.Fatalf("block %d: take ended with %+v (%v), want EvTakeDropped", block, e, ok)
		}
		r.p.Capture().Drain(func(c Chunk) {
			c.Frames = slices.Clone(c.Frames)
			r.chunks = append(r.chunks, c)
		})
		got, n := r.replay(3, make([]float32, len(take.Data)), 2)
		if !slices.Equal(got, take.Data) || Frame(n) != e.Frame-100 || n == 0 || n > 2048 {
			t.Fatalf("block %d: dropped at %d; the chunks hold %d frames (another buffer: %v)", block, e.Frame, n, !slices.Equal(got, take.Data))
		}
		for p := range n {
			if w := inVal(100+p, 0); take.Data[2*p] != w || take.Data[2*p+1] != w {
				t.Fatalf("block %d: position %d = %v, want %v", block, p, take.Data[2*p:2*p+2], w)
			}
		}
	}
}

// TestRecordStopNow: a RecordStop with Now ends the take at the input
// frames not yet written when it is taken in; one at E before the buffer's
// end with no wrap fills it and ends with EvTakeFull.
func TestRecordStopNow(t *testing.T) {
	for _, block := range blocks {
		for _, lf := range []int{0, 100} {
			take := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 20000)}
			r := newRig(t, &Bank{Samples: []*audio.Buffer{take}}, 1, 1, nil)
			r.p.SetInputLatency(int64(lf))
			send(t, r.p, Command{Op: RecordAudio, At: 500, Clip: 2, Sample: 0, Key: 0, Vel: 1})
			r.until(3000, block)
			cut := r.p.Position() - Frame(lf) // input frames written: Position()
			send(t, r.p, Command{Op: RecordStop, Now: true, At: r.p.Position()})
			r.block(block)
			e, ok := r.end(2)
			if !ok || e.Kind != EvRecorded || e.Frame != cut {
				t.Fatalf("block %d Lf %d: take ended with %+v (%v), want EvRecorded at %d", block, lf, e, ok, cut)
			}
			for p := range take.Data {
				w := float32(0)
				if p < int(cut-500) {
					w = inVal(500+lf+p, 0)
				}
				if take.Data[p] != w {
					t.Fatalf("block %d Lf %d: position %d = %v, want %v", block, lf, p, take.Data[p], w)
				}
			}
		}
	}
}

// TestRecordFillsTheBuffer: a take longer than its buffer (no wrap) fills
// it and ends with EvTakeFull at the frame after the buffer's last.
func TestRecordFillsTheBuffer(t *testing.T) {
	for _, block := range blocks {
		take := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 1000)}
		r := newRig(t, &Bank{Samples: []*audio.Buffer{take}}, 1, 1, nil)
		send(t, r.p, Command{Op: RecordAudio, At: 300, Clip: 4, Sample: 0, Start: 200, Key: 0, Vel: 1},
			Command{Op: RecordStop, At: 5000})
		r.until(6000, block)
		if e, ok := r.end(4); !ok || e.Kind != EvTakeFull || e.Frame != 300+800 {
			t.Fatalf("block %d: take ended with %+v (%v), want EvTakeFull at %d", block, e, ok, 1100)
		}
		for p := range take.Data {
			w := float32(0)
			if p >= 200 {
				w = inVal(300+p-200, 0)
			}
			if take.Data[p] != w {
				t.Fatalf("block %d: position %d = %v, want %v", block, p, take.Data[p], w)
			}
		}
	}
}

// TestRecordWithoutInputDrops: a player without an input drops a take at
// once, and monitoring does nothing.
func TestRecordWithoutInputDrops(t *testing.T) {
	take := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 1000)}
	p := newPlayer(t, &Bank{Samples: []*audio.Buffer{take}}, 1)
	if p.Input() != nil || p.Capture() != nil {
		t.Fatal("an input without Config.Inputs")
	}
	send(t, p, Command{Op: Monitor, Key: 0, Vel: 1}, Command{Op: RecordAudio, At: 10, Clip: 9, Sample: 0, Vel: 1})
	out := render(p, 256, 128)
	if firstNonZero(out) >= 0 {
		t.Fatal("silence monitored")
	}
	e, ok := p.PollEvent()
	if !ok || e.Kind != EvTakeDropped || e.Clip != 9 || e.Frame != 10 {
		t.Fatalf("got %+v, want EvTakeDropped at 10", e)
	}
}

// TestRecordRenderDoesNotAllocate: with an input, a monitored track, two
// tracks recording (one overdubbing a loop) and 64 voices playing, the
// device's block (WriteInput, Render) and the take writer's Drain allocate
// nothing. It must not run in parallel (AllocsPerRun).
func TestRecordRenderDoesNotAllocate(t *testing.T) {
	b := loopBank(64)
	mono := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 10*rate)}
	stereo := &audio.Buffer{Rate: rate, Channels: 2, Data: make([]float32, 2*rate)}
	b.Samples = append(b.Samples, mono, stereo)
	cfg := DefaultConfig(rate, 16)
	cfg.Inputs = 2
	p, err := New(cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	n := int32(len(b.Samples))
	send(t, p, Command{Op: Monitor, Track: 3, Key: 0, Vel: 2},
		Command{Op: RecordAudio, Track: 4, Clip: 1, Sample: n - 2, LoopLen: 5 * rate, Key: 1, Vel: 1},
		Command{Op: RecordAudio, Track: 5, Clip: 2, Sample: n - 1, LoopLen: rate, Gain: 0.7, Key: 0, Vel: 2})
	for i := range 64 {
		send(t, p, Command{Op: PlayClip, Sample: int32(i), Gain: 0.1, Track: int16(i % 16), Clip: int32(10 + i), Loop: true, LoopLen: LoopFrames(rate)})
	}
	in := make([]float32, 2*128)
	for i := range in {
		in[i] = float32(i) / 1024
	}
	out := make([]float32, 2*128)
	var chunks int
	drainFn := func(c Chunk) { chunks += len(c.Frames) }
	allocs := testing.AllocsPerRun(200, func() {
		p.SetInputLatency(64)
		p.Input().WriteInput(in)
		p.Render(out)
		drainEvents(p)
		p.Capture().Drain(drainFn)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per block, want 0", allocs)
	}
	if len(p.takes) != 2 || chunks == 0 || p.Stats().Voices != 64 {
		t.Errorf("%d takes open, %d samples captured, %d voices", len(p.takes), chunks, p.Stats().Voices)
	}
}

// TestRecordConcurrentDrain: the take writer drains the capture ring on
// its own goroutine while the device writes input and renders, and the
// session sets the latency; every chunk holds the input it should. Run it
// with -race (rules 1 and 4).
func TestRecordConcurrentDrain(t *testing.T) {
	const L = 3000
	take := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, L)}
	r := newRig(t, &Bank{Samples: []*audio.Buffer{take}}, 1, 1, func(c *Config) { c.Capture = 1 << 15 })
	r.drain = false
	send(t, r.p, Command{Op: RecordAudio, Clip: 1, Sample: 0, LoopLen: L, Key: 0, Vel: 1})
	var wg sync.WaitGroup
	done := make(chan struct{})
	var bad error
	var frames int
	wg.Add(1)
	go func() {
		defer wg.Done()
		next := int64(0) // the frame the next chunk must start at (a fresh take: pos = frame mod L)
		check := func(c Chunk) {
			if bad != nil {
				return
			}
			if c.Pos != next%L {
				bad = fmt.Errorf("chunk at %d, want %d", c.Pos, next%L)
				return
			}
			for i, v := range c.Frames {
				if w := inVal(int(next)+i, 0); v != w {
					bad = fmt.Errorf("frame %d = %v, want %v", next+int64(i), v, w)
					return
				}
			}
			next += int64(len(c.Frames))
			frames += len(c.Frames)
		}
		for {
			select {
			case <-done:
				r.p.Capture().Drain(check)
				return
			default:
				r.p.SetInputLatency(0)
				r.p.Capture().Drain(check)
			}
		}
	}()
	for range 2000 {
		// Paced as a device is: the ring wraps several times, never fills.
		for c := r.p.capture; c.tail-c.head.Load() > 1<<14; {
			runtime.Gosched()
		}
		r.block(64)
	}
	close(done)
	wg.Wait()
	if bad != nil {
		t.Fatal(bad)
	}
	if _, ok := r.end(1); ok || frames != 2000*64 {
		t.Fatalf("%d frames captured of %d (take ended: %v)", frames, 2000*64, ok)
	}
}

// rampSource is the ramp input as an audio.Source of ch channels.
type rampSource struct {
	ch     int
	frames int64
}

func (s rampSource) Channels() int { return s.ch }
func (s rampSource) Frames() int64 { return s.frames }
func (s rampSource) ReadFrames(dst []float32, at int64) (int, error) {
	n := min(int64(len(dst)/s.ch), s.frames-at)
	for i := range int(n) {
		for c := range s.ch {
			dst[i*s.ch+c] = inVal(int(at)+i, c)
		}
	}
	if n < int64(len(dst)/s.ch) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// TestRecordThroughOfflineDevice: the offline device fed the ramp (as
// render --input feeds a WAV) writes the player's input; a take from S to
// E holds source frames [S, E) and plays back from E exactly (rule 1).
func TestRecordThroughOfflineDevice(t *testing.T) {
	const S, E = 960, 960 + 3000
	for _, block := range blocks {
		take := &audio.Buffer{Rate: rate, Channels: 2, Data: make([]float32, 2*(E-S))}
		cfg := DefaultConfig(rate, 1)
		cfg.Inputs = 2
		p, err := New(cfg, &Bank{Samples: []*audio.Buffer{take}})
		if err != nil {
			t.Fatal(err)
		}
		d := offline.New(audio.Format{SampleRate: rate, Channels: 2}, block)
		d.Feed(rampSource{ch: 2, frames: 1 << 18}, p.Input())
		if err := d.Start(p); err != nil {
			t.Fatal(err)
		}
		send(t, p, Command{Op: RecordAudio, At: S, Clip: 1, Sample: 0, Key: 0, Vel: 2},
			Command{Op: RecordStop, At: E},
			Command{Op: PlayClip, At: E, Clip: 2, Sample: 0, Gain: 1, Loop: true, LoopLen: LoopFrames(E - S)})
		out := d.Pull(E + 2*(E-S))
		var ended Event
		for e, ok := p.PollEvent(); ok; e, ok = p.PollEvent() {
			if e.Clip == 1 {
				ended = e
			}
		}
		if ended.Kind != EvRecorded || ended.Frame != E {
			t.Fatalf("block %d: take ended with %+v", block, ended)
		}
		for f := E; f < E+2*(E-S); f++ {
			k := S + (f-E)%(E-S)
			if out[2*f] != inVal(k, 0) || out[2*f+1] != inVal(k, 1) {
				t.Fatalf("block %d: frame %d = %v,%v, want source frame %d", block, f, out[2*f], out[2*f+1], k)
			}
		}
		if n := p.Capture().Drain(func(Chunk) {}); n == 0 {
			t.Fatalf("block %d: no chunks", block)
		}
	}
}

// TestRecordTakesFollowOneAnother: a take that starts where the track's
// open take is ends that one at its start (each gets its frames, none
// twice), and a take is a use of its sample until its end event: a reload
// in between leaves the old bank's sample in use until then (rule 3).
func TestRecordTakesFollowOneAnother(t *testing.T) {
	const S, M, E = 500, 2500, 4000
	for _, block := range blocks {
		a := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 10000)}
		b := &audio.Buffer{Rate: rate, Channels: 1, Data: make([]float32, 10000)}
		old, reloaded := &Bank{Samples: []*audio.Buffer{a}}, &Bank{Samples: []*audio.Buffer{b}}
		r := newRig(t, old, 1, 1, nil)
		r.p.SetInputLatency(100)
		send(t, r.p, Command{Op: RecordAudio, At: S, Clip: 1, Sample: 0, Key: 0, Vel: 1})
		r.until(Frame(M+100-2*block), block) // the first take still open after the next block
		if err := r.p.StageBank(reloaded); err != nil {
			t.Fatal(err)
		}
		send(t, r.p, Command{Op: SwapBank},
			Command{Op: RecordAudio, At: M, Clip: 2, Sample: 0, Key: 0, Vel: 1},
			Command{Op: RecordStop, At: E})
		r.block(block)
		if _, ended := r.end(1); ended || !r.p.Uses(old, 0) {
			t.Fatalf("block %d: the old bank's sample a take writes is not in use", block)
		}
		r.until(Frame(M+100+block), block)
		if _, ok := r.end(1); !ok {
			t.Fatalf("block %d: the first take has not ended", block)
		}
		if r.p.Uses(old, 0) {
			t.Fatalf("block %d: the old bank's sample is in use after its take ended", block)
		}
		r.until(E+400, block)
		e1, _ := r.end(1)
		e2, ok2 := r.end(2)
		if e1.Kind != EvRecorded || e1.Frame != M || !ok2 || e2.Kind != EvRecorded || e2.Frame != E {
			t.Fatalf("block %d: takes ended with %+v and %+v", block, e1, e2)
		}
		for _, c := range []struct {
			buf        *audio.Buffer
			from, upto int
		}{{a, S, M}, {b, M, E}} {
			for p, v := range c.buf.Data {
				w := float32(0)
				if p < c.upto-c.from {
					w = inVal(c.from+100+p, 0)
				}
				if v != w {
					t.Fatalf("block %d: take from %d: position %d = %v, want %v", block, c.from, p, v, w)
				}
			}
		}
		if _, _, voices := refCounts(reloaded); voices != 0 {
			t.Fatalf("block %d: %d takes still counted after they ended", block, voices)
		}
	}
}
