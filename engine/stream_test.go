package engine

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridbox/audio"
)

// memSource streams a Buffer, as a file on disk would, counting reads.
type memSource struct {
	b     *audio.Buffer
	reads int
	fail  error
}

func (m *memSource) Channels() int { return m.b.Channels }
func (m *memSource) Frames() int64 { return int64(m.b.Frames()) }

func (m *memSource) ReadFrames(dst []float32, at int64) (int, error) {
	m.reads++
	if m.fail != nil {
		return 0, m.fail
	}
	ch := m.b.Channels
	n := min(len(dst)/ch, m.b.Frames()-int(at))
	if m.b.PCM16 != nil {
		for i, v := range m.b.PCM16[int(at)*ch : (int(at)+n)*ch] {
			dst[i] = float32(v) * 0x1p-15
		}
		return n, nil
	}
	copy(dst[:n*ch], m.b.Data[int(at)*ch:])
	return n, nil
}

// memSource16 also reads 16-bit samples exactly, as a 16-bit file does.
type memSource16 struct{ memSource }

func (m *memSource16) ReadPCM16(dst []int16, at int64) (int, error) {
	m.reads++
	ch := m.b.Channels
	n := min(len(dst)/ch, m.b.Frames()-int(at))
	copy(dst[:n*ch], m.b.PCM16[int(at)*ch:])
	return n, nil
}

// streamedBank returns bank with every sample streamed: its Buffer cut to
// pre frames, the rest read from the whole one.
func streamedBank(bank *Bank, pre int) (*Bank, []*memSource) {
	sb := &Bank{Instruments: bank.Instruments}
	var srcs []*memSource
	for _, b := range bank.Samples {
		n := min(pre, b.Frames())
		src := &memSource{b: b}
		srcs = append(srcs, src)
		if b.PCM16 != nil {
			sb.Samples = append(sb.Samples, &audio.Buffer{Rate: b.Rate, Channels: b.Channels, PCM16: b.PCM16[:n*b.Channels]})
			sb.Streams = append(sb.Streams, &memSource16{*src})
			continue
		}
		sb.Samples = append(sb.Samples, &audio.Buffer{Rate: b.Rate, Channels: b.Channels, Data: b.Data[:n*b.Channels]})
		sb.Streams = append(sb.Streams, src)
	}
	return sb, srcs
}

// streamRender renders frames frames in blocks, sending each block's
// commands just before it, and (when fill) filling the streams before each
// block as an offline render does.
func streamRender(t testing.TB, p *Player, cmds []Command, frames, block int, fill bool) []float32 {
	t.Helper()
	slices.SortStableFunc(cmds, func(a, b Command) int { return int(a.At - b.At) })
	out := make([]float32, 0, 2*frames)
	buf := make([]float32, 2*block)
	for pos := 0; pos < frames; pos += block {
		n := min(block, frames-pos)
		for len(cmds) > 0 && cmds[0].At < Frame(pos+n)+p.StopLead() {
			send(t, p, cmds[0])
			cmds = cmds[1:]
		}
		if fill {
			p.Prepare()
			p.Streamer().Fill(0)
		}
		p.Render(buf[:2*n])
		out = append(out, buf[:2*n]...)
	}
	return out
}

func noiseBuffer(rng *rand.Rand, frames, ch int) *audio.Buffer {
	b := &audio.Buffer{Rate: rate, Channels: ch, Data: make([]float32, frames*ch)}
	phase := rng.Float64()
	for i := range b.Data {
		// A tone with some noise: loops cut from it are not seamless.
		b.Data[i] = float32(0.2*math.Sin(phase+float64(i/ch)*0.05) + 0.02*rng.NormFloat64())
	}
	return b
}

// TestStreamingPlaysWhatMemoryPlays: the same clips, played from memory and
// streamed (a short preload and the rest through the streamer, filled
// between blocks as render does), give the same output bit for bit:
// one-shots, loops longer and shorter than the preload, loop crossfades,
// starts past the preload, late starts, legato switches and stops.
func TestStreamingPlaysWhatMemoryPlays(t *testing.T) {
	for seed := uint64(0); seed < 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		bank := &Bank{}
		for range 4 {
			b := noiseBuffer(rng, 2000+rng.IntN(30000), 1+rng.IntN(2))
			if rng.IntN(2) == 0 { // a 16-bit sample, as from a 16-bit WAV
				b.PCM16 = make([]int16, len(b.Data))
				for i, v := range b.Data {
					b.PCM16[i] = int16(v * 32767)
				}
				b.Data = nil
			}
			bank.Samples = append(bank.Samples, b)
		}
		var cmds []Command
		const frames = 60000
		for i := 0; i < 12; i++ {
			at := Frame(rng.IntN(frames))
			tr := int16(rng.IntN(3))
			s := int32(rng.IntN(len(bank.Samples)))
			switch rng.IntN(4) {
			case 0, 1:
				c := Command{Op: PlayClip, At: at, Track: tr, Sample: s, Clip: int32(i), Gain: 0.5,
					Start: Position(float64(rng.IntN(bank.Samples[s].Frames()))), Legato: rng.IntN(4) == 0}
				if rng.IntN(3) != 0 {
					c.Loop, c.LoopLen, c.LoopFade = true, LoopFrames(500+rng.Float64()*30000), int32(rng.IntN(300))
				}
				cmds = append(cmds, c)
			case 2:
				cmds = append(cmds, Command{Op: Stop, At: at, Track: tr, Clip: -1, Now: rng.IntN(2) == 0})
			default:
				cmds = append(cmds, Command{Op: Stop, At: at, Track: tr, Clip: int32(rng.IntN(12))})
			}
		}
		block := []int{64, 128, 333}[seed%3]
		mem := streamRender(t, newPlayer(t, bank, 3), slices.Clone(cmds), frames, block, false)
		sb, _ := streamedBank(bank, 1000+rng.IntN(3000))
		p, err := New(Config{Rate: rate, MaxBlock: 1024, Voices: 64, Tracks: 3, Commands: 256, Events: 4096, Pending: 256, StreamFrames: 4096}, sb)
		if err != nil {
			t.Fatal(err)
		}
		got := streamRender(t, p, slices.Clone(cmds), frames, block, true)
		for i := range mem {
			if got[i] != mem[i] {
				for _, c := range cmds {
					t.Logf("%+v", c)
				}
				for k, b := range bank.Samples {
					t.Logf("sample %d: %d frames × %d", k, b.Frames(), b.Channels)
				}
				t.Fatalf("seed %d: frame %d: streamed %v, from memory %v (underruns %d)", seed, i/2, got[i], mem[i], p.Stats().StreamUnderruns)
			}
		}
		if st := p.Stats(); st.StreamUnderruns != 0 || st.StreamsFull != 0 {
			t.Fatalf("seed %d: %d underruns, %d voices without a stream", seed, st.StreamUnderruns, st.StreamsFull)
		}
	}
}

// TestStreamUnderrunPlaysSilence: a stream whose streamer falls behind (a
// slow disk: it fills only every fourth block for a while) leaves silence
// where its frames were missing, counts it, never blocks the render, and
// plays on in step once the frames are there again.
func TestStreamUnderrunPlaysSilence(t *testing.T) {
	b := constant(20000, 0)
	for i := range b.Data {
		b.Data[i] = 0.1 + float32(i)/40000 // tells each frame's position
	}
	sb, _ := streamedBank(&Bank{Samples: []*audio.Buffer{b}}, 1000)
	p, err := New(Config{Rate: rate, MaxBlock: 1024, Voices: 16, Tracks: 1, Commands: 64, Events: 1024, Pending: 64, StreamFrames: 256}, sb)
	if err != nil {
		t.Fatal(err)
	}
	send(t, p, Command{Op: PlayClip, Sample: 0, Clip: 1, Gain: 1})
	out := make([]float32, 2*100)
	var silent, loud int
	for block := 0; block < 150; block++ {
		if block < 20 || block >= 40 || block%4 == 0 {
			p.Streamer().Fill(0)
		}
		p.Render(out)
		for f := 0; f < 100; f++ {
			switch out[2*f] {
			case 0:
				silent++
			case b.Data[100*block+f]:
				loud++
			default:
				t.Fatalf("block %d frame %d = %v, want %v (in step) or silence", block, f, out[2*f], b.Data[100*block+f])
			}
		}
	}
	st := p.Stats()
	if st.StreamUnderruns == 0 || silent == 0 {
		t.Fatalf("no underrun: %d silent frames, stats %+v", silent, st)
	}
	if loud+silent != 15000 || loud < 10000 {
		t.Fatalf("%d frames played, %d silent: the stream did not recover", loud, silent)
	}
	t.Logf("%d underrun blocks, %d silent frames of 15000", st.StreamUnderruns, silent)
}

// TestStreamReadErrorsAreReported: a source that fails plays silence and
// the streamer reports the error.
func TestStreamReadErrorsAreReported(t *testing.T) {
	sb, srcs := streamedBank(&Bank{Samples: []*audio.Buffer{constant(20000, 0.5)}}, 1000)
	srcs[0].fail = errors.New("input/output error")
	p := newPlayer(t, sb, 1)
	send(t, p, Command{Op: PlayClip, Sample: 0, Clip: 1, Gain: 1})
	out := make([]float32, 2*500)
	for range 10 {
		p.Streamer().Fill(0)
		p.Render(out)
	}
	if out[0] != 0 {
		t.Errorf("frame 4500 = %v, want silence", out[0])
	}
	if n, err := p.Streamer().Failures(); err == nil || n == 0 {
		t.Errorf("Failures() = %d, %v", n, err)
	}
}

// TestStreamSlotsRunOut: voices beyond the stream slots play their preload
// and are counted, and slots come back when voices end.
func TestStreamSlotsRunOut(t *testing.T) {
	sb, _ := streamedBank(&Bank{Samples: []*audio.Buffer{constant(5000, 0.25)}}, 1000)
	p, err := New(Config{Rate: rate, MaxBlock: 1024, Voices: 16, Tracks: 4, Commands: 64, Events: 1024, Pending: 64, Streams: 2}, sb)
	if err != nil {
		t.Fatal(err)
	}
	for tr := range 3 {
		send(t, p, Command{Op: PlayClip, Sample: 0, Clip: int32(tr), Track: int16(tr), Gain: 1})
	}
	out := streamRender(t, p, nil, 20000, 128, true)
	if st := p.Stats(); st.StreamsFull != 1 {
		t.Fatalf("%d voices without a stream, want 1", st.StreamsFull)
	}
	if out[2*2000] != 0.5 || out[2*500] != 0.75 {
		t.Fatalf("frame 500 = %v (want 0.75: three voices), frame 2000 = %v (want 0.5: two streamed)", out[2*500], out[2*2000])
	}
	// All ended: a new voice gets a slot again.
	send(t, p, Command{Op: PlayClip, At: 20000, Sample: 0, Clip: 9, Gain: 1})
	out = streamRender(t, p, nil, 3000, 128, true)
	if out[2*2500] != 0.25 || p.Stats().StreamsFull != 1 {
		t.Fatalf("after the voices ended: %v, streams full %d", out[2*2500], p.Stats().StreamsFull)
	}
}

// TestStreamingConcurrently: the streamer on its own goroutine, as in play,
// while the audio goroutine renders and voices come and go: streams are
// claimed, cut at their first frame, released and claimed again (run with
// -race). Every slot is free again at the end.
func TestStreamingConcurrently(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bank := &Bank{Samples: []*audio.Buffer{noiseBuffer(rng, 200000, 2), noiseBuffer(rng, 150000, 1)}}
	sb, _ := streamedBank(bank, 48000)
	p := newPlayer(t, sb, 2)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { p.Streamer().Run(stop, 100_000) })
	out := make([]float32, 2*256)
	for i := range 1000 {
		if i%7 == 0 {
			at := p.Position() + Frame(rng.IntN(600))
			tr := int16(rng.IntN(2))
			send(t, p, Command{Op: PlayClip, At: at, Sample: int32(tr), Clip: int32(i), Track: tr, Gain: 0.5,
				Start: Position(float64(rng.IntN(100000))), Loop: rng.IntN(2) == 0, LoopLen: LoopFrames(60000), LoopFade: 240},
				Command{Op: Stop, At: at + Frame(rng.IntN(3)), Track: tr, Clip: -1, Now: rng.IntN(2) == 0})
		}
		p.Render(out)
		drainEvents(p)
	}
	send(t, p, Command{Op: Stop, At: p.Position(), Clip: -1, Now: true}, Command{Op: Stop, At: p.Position(), Track: 1, Clip: -1, Now: true})
	for range 100 {
		p.Render(out)
	}
	close(stop)
	wg.Wait()
	p.Streamer().Fill(0) // retires the last released slots
	for i := range p.streams {
		if s := p.streams[i].state.Load(); s != streamFree {
			t.Errorf("stream slot %d is left in state %d", i, s)
		}
	}
}

// exclusive is a Source that counts the reads that found another read of
// it under way: a Source is used by one goroutine at a time.
type exclusive struct {
	audio.Source
	busy    atomic.Bool
	overlap atomic.Int64
}

func (x *exclusive) ReadFrames(dst []float32, at int64) (int, error) {
	if x.busy.Swap(true) {
		x.overlap.Add(1)
	}
	defer x.busy.Store(false)
	time.Sleep(50 * time.Microsecond) // a disk's read: long enough to meet another
	return x.Source.ReadFrames(dst, at)
}

// TestStreamReadersShareNoSource: Run's readers read concurrently, but
// never one sample's Source from two goroutines, however many voices
// stream it at once (a resampler keeps state between reads).
func TestStreamReadersShareNoSource(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	bank := &Bank{Samples: []*audio.Buffer{noiseBuffer(rng, 400000, 2), noiseBuffer(rng, 400000, 2)}}
	sb, _ := streamedBank(bank, 4800)
	xs := make([]*exclusive, len(sb.Streams))
	for i, src := range sb.Streams {
		xs[i] = &exclusive{Source: src}
		sb.Streams[i] = xs[i]
	}
	p := newPlayer(t, sb, 8)
	for x := range 8 { // eight voices, four on each sample, at once
		send(t, p, Command{Op: PlayClip, At: 0, Sample: int32(x % 2), Clip: int32(x), Track: int16(x), Gain: 0.1,
			Start: Position(float64(1000 * x)), Loop: true, LoopLen: LoopFrames(300000)})
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { p.Streamer().Run(stop, time.Millisecond) })
	out := make([]float32, 2*128)
	for range 2000 {
		p.Render(out)
		drainEvents(p)
		time.Sleep(20 * time.Microsecond)
	}
	close(stop)
	wg.Wait()
	reads := 0
	for i, x := range xs {
		if n := x.overlap.Load(); n != 0 {
			t.Errorf("sample %d: %d reads met another read of its Source", i, n)
		}
		reads += sb.Streams[i].(*exclusive).Source.(*memSource).reads
	}
	if reads < 16 {
		t.Fatalf("%d reads in all: the streamer hardly ran", reads)
	}
	t.Logf("%d reads, none overlapping on a Source", reads)
}
