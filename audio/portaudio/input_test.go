//go:build portaudio

package portaudio

import (
	"fmt"
	"testing"

	"gridbox/audio"
	"gridbox/audio/ring"
	"gridbox/audio/ring/ringtest"
)

// appendSink is an audio.InputSink that keeps everything (tests only: it
// allocates).
type appendSink struct{ frames []float32 }

func (s *appendSink) WriteInput(p []float32) int {
	s.frames = append(s.frames, p...)
	return len(p)
}

// TestInputRingKeepsStep drives the input path's C half (gbx_consume and
// gbx_capture, what the callback runs) and its Go half (the drain the render
// goroutine calls Render through) without a stream, through a perfect
// loopback: each "callback" captures exactly what it plays, channel c scaled
// by c+1. The render goroutine's ramp runs short twice (one whole block and
// half of one: underrun silence, whose captured frames must be skipped) and
// the input ring is left undrained until it overflows (lost frames, which
// must come out as silence in their place). Whatever happened, sink frame k
// must hold rendered frame k, except for the lost frames, which are silent:
// input frame k stays in step with output frame k. Block sizes 64, 128, 333.
func TestInputRingKeepsStep(t *testing.T) {
	for _, block := range []int{64, 128, 333} {
		t.Run(fmt.Sprint(block), func(t *testing.T) { testInputStep(t, block) })
	}
}

func testInputStep(t *testing.T, block int) {
	const ch = 4
	cfg := ring.Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: block, Lead: 2}
	p, err := newPipe(cfg, inputFrames(cfg), ch)
	if err != nil {
		t.Fatal(err)
	}
	defer p.free()
	rendered := 0
	ramp := audio.RendererFunc(func(out []float32) {
		for i := 0; i < len(out); i += 2 {
			rendered++
			v := float32(rendered) * ringtest.Step
			out[i], out[i+1] = v, -v
		}
	})
	sink := &appendSink{}
	d := newDrain(p.in, block, sink, ramp)
	blockBuf := make([]float32, block*2)
	render := func(r audio.Renderer) { // one block of the render goroutine
		r.Render(blockBuf)
		if n := p.ring.Write(blockBuf); n != block {
			t.Fatalf("output ring took %d of %d frames", n, block)
		}
	}
	out := make([]float32, 4*block*2)
	in := make([]float32, 4*block*ch)
	silence := 0 // frames the callbacks padded with silence
	callback := func(frames int) {
		o := out[:frames*2]
		n := p.consume(o)
		silence += frames - n
		for i := range frames {
			for c := range ch {
				in[i*ch+c] = o[2*i] * float32(c+1)
			}
		}
		p.capture(in[:frames*ch], frames, n)
	}

	render(d)
	render(d)
	for range 10 { // steady state
		callback(block)
		render(d)
	}
	callback(block)
	callback(block)
	callback(block) // the ring is empty: a whole block of silence
	render(d)
	callback(block + block/2) // half a block of silence after the block
	render(d)
	render(d)
	// The render goroutine keeps rendering but does not drain (as if its
	// sink stalled it): the input ring overflows.
	for p.counters().Input.Lost < uint64(block) {
		callback(block)
		render(ramp)
	}
	callback(block)
	render(d) // drained: the lost frames are owed as silence
	for range 5 {
		callback(block)
		render(d)
	}
	d.flush()

	c := p.counters().Input
	got := len(sink.frames) / ch
	t.Logf("block %d: %d frames captured, %d skipped (underrun silence %d), %d lost, %d handed to the sink, %d rendered", block, c.Frames, c.Skipped, silence, c.Lost, got, rendered)
	if c.Skipped != uint64(silence) || silence != block+block/2 {
		t.Errorf("skipped %d frames, want the %d frames of underrun silence (%d)", c.Skipped, silence, block+block/2)
	}
	if c.Lost < uint64(block) || c.Overflows != 0 {
		t.Errorf("lost %d frames, overflows %d; want ≥ %d lost and no overflow", c.Lost, c.Overflows, block)
	}
	if uint64(got) != c.Frames-c.Skipped {
		t.Errorf("the sink got %d frames, want the %d captured less the %d skipped", got, c.Frames, c.Skipped)
	}
	lost, firstLost := 0, -1
	for k := range got {
		f := sink.frames[k*ch : (k+1)*ch]
		if f[0] == 0 {
			lost++
			if firstLost < 0 {
				firstLost = k
			} else if k != firstLost+lost-1 {
				t.Fatalf("silent sink frame %d is not next to the others (from %d)", k, firstLost)
			}
			continue
		}
		for c := range ch {
			if want := float32(k+1) * ringtest.Step * float32(c+1); f[c] != want {
				t.Fatalf("sink frame %d channel %d = %v, want %v (rendered frame %d): out of step", k, c, f[c], want, k)
			}
		}
	}
	if uint64(lost) != c.Lost {
		t.Errorf("%d silent frames in the sink, want the %d lost", lost, c.Lost)
	}
}

// TestInputSilenceWhenNone: gbx_capture on a stream without input does
// nothing, and a NULL input (PortAudio handing none) is captured as
// silence.
func TestInputSilenceWhenNone(t *testing.T) {
	cfg := ring.Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: 64, Lead: 2}
	p, err := newPipe(cfg, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	p.capture(nil, 64, 64) // no input ring: must not touch one
	if c := p.counters().Input; c != (InputCounters{}) {
		t.Errorf("a stream without input counted %+v", c)
	}
	p.free()

	p, err = newPipe(cfg, inputFrames(cfg), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer p.free()
	p.in.Write([]float32{9, 9}) // stale: the ring is the callback's to write, but this shows the next frames are written after it
	p.capture(nil, 64, 32)
	buf := make([]float32, 128*2)
	if n := p.in.Read(buf); n != 33 {
		t.Fatalf("read %d frames, want 1 + 32", n)
	}
	for i, v := range buf[2 : 33*2] {
		if v != 0 {
			t.Fatalf("sample %d = %v, want silence for a NULL input", i, v)
		}
	}
	if c := p.counters().Input; c.Frames != 64 || c.Skipped != 32 {
		t.Errorf("counters %+v, want 64 frames, 32 skipped", c)
	}
}

// countSink takes frames without keeping them.
type countSink struct{ n int }

func (s *countSink) WriteInput(p []float32) int { s.n += len(p); return len(p) }

// TestDrainDoesNotAllocate: the render goroutine's input step (draining the
// ring into the sink before Render) allocates nothing.
func TestDrainDoesNotAllocate(t *testing.T) {
	cfg := ring.Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: 128, Lead: 2}
	p, err := newPipe(cfg, inputFrames(cfg), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer p.free()
	sink := &countSink{}
	d := newDrain(p.in, 128, sink, audio.RendererFunc(func(out []float32) { clear(out) }))
	in := make([]float32, 300*4)
	out := make([]float32, 128*2)
	if n := testing.AllocsPerRun(100, func() {
		p.capture(in, 300, 300)
		d.Render(out)
	}); n != 0 {
		t.Fatalf("capture and drain allocated %v times per block, want 0", n)
	}
	if sink.n == 0 {
		t.Fatal("the sink got nothing")
	}
}
