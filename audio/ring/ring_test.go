package ring

import (
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/audio"
)

func TestRingWrapsAndKeepsOrder(t *testing.T) {
	r := New(6, 2) // rounds up to 8 frames
	if r.Cap() != 8 {
		t.Fatalf("Cap = %d, want 8", r.Cap())
	}
	in := []float32{1, -1, 2, -2, 3, -3, 4, -4, 5, -5}
	if n := r.Write(in); n != 5 {
		t.Fatalf("Write = %d frames, want 5", n)
	}
	out := make([]float32, 6)
	if n := r.Read(out); n != 3 || out[4] != 3 {
		t.Fatalf("Read = %d frames %v, want 3 frames ending in 3", n, out)
	}
	// 2 frames left; write 6 more, which wraps; the 7th does not fit.
	more := []float32{6, -6, 7, -7, 8, -8, 9, -9, 10, -10, 11, -11, 12, -12}
	if n := r.Write(more); n != 6 {
		t.Fatalf("Write = %d frames, want 6 (ring full)", n)
	}
	if r.Free() != 0 || r.Len() != 8 {
		t.Fatalf("Len/Free = %d/%d, want 8/0", r.Len(), r.Free())
	}
	if n := r.Write(more); n != 0 {
		t.Fatalf("Write to a full ring = %d, want 0", n)
	}
	all := make([]float32, 20)
	if n := r.Read(all); n != 8 {
		t.Fatalf("Read = %d, want 8", n)
	}
	for i := range 8 {
		if want := float32(4 + i); all[2*i] != want || all[2*i+1] != -want {
			t.Fatalf("frame %d = %v,%v, want %v,%v", i, all[2*i], all[2*i+1], want, -want)
		}
	}
	if n := r.Read(all); n != 0 {
		t.Fatalf("Read from an empty ring = %d, want 0", n)
	}
}

func TestRingIndicesWrapAt32Bits(t *testing.T) {
	var idx Indices
	idx.Read.Store(1<<32 - 3)
	idx.Write.Store(1<<32 - 3)
	r := Over(make([]float32, 4), 1, &idx.Read, &idx.Write)
	next := float32(0)
	want := float32(0)
	buf := make([]float32, 3)
	for range 100 { // crosses 2³² on the first lap
		for i := range buf {
			next++
			buf[i] = next
		}
		if n := r.Write(buf); n != 3 {
			t.Fatalf("Write = %d, want 3 (Len %d)", n, r.Len())
		}
		got := make([]float32, 3)
		if n := r.Read(got); n != 3 {
			t.Fatalf("Read = %d, want 3", n)
		}
		for _, v := range got {
			want++
			if v != want {
				t.Fatalf("read %v, want %v", v, want)
			}
		}
	}
}

func TestOverRejectsNonPowerOfTwo(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Over with 6 frames did not panic")
		}
	}()
	var idx Indices
	Over(make([]float32, 12), 2, &idx.Read, &idx.Write)
}

// TestRingConcurrent runs a producer and a consumer with random chunk sizes
// and checks the counter arrives intact; run it with -race.
func TestRingConcurrent(t *testing.T) {
	const frames = 200_000
	r := New(64, 2)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // producer
		defer wg.Done()
		rng := rand.New(rand.NewPCG(1, 2))
		buf := make([]float32, 2*50)
		n := 0
		for n < frames {
			k := min(1+rng.IntN(50), frames-n)
			for i := range k {
				buf[2*i] = float32(n + i)
				buf[2*i+1] = -float32(n + i)
			}
			w := r.Write(buf[:2*k])
			n += w
			if w == 0 {
				runtime.Gosched()
			}
		}
	}()
	rng := rand.New(rand.NewPCG(3, 4))
	buf := make([]float32, 2*50)
	n := 0
	for n < frames {
		k := r.Read(buf[:2*(1+rng.IntN(50))])
		for i := range k {
			if buf[2*i] != float32(n) || buf[2*i+1] != -float32(n) {
				t.Fatalf("frame %d: got %v,%v", n, buf[2*i], buf[2*i+1])
			}
			n++
		}
		if k == 0 {
			runtime.Gosched()
		}
	}
	wg.Wait()
}

var testCfg = Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: 128, Lead: 2}

// TestFillDoesNotAllocate holds the fill step (Render, copy into the ring,
// counters) to zero allocations.
func TestFillDoesNotAllocate(t *testing.T) {
	r := New(testCfg.Frames(), 2)
	f := NewFiller(r, testCfg)
	f.r = audio.RendererFunc(func(out []float32) {
		for i := range out {
			out[i] = 0.25
		}
	})
	drain := make([]float32, r.Cap()*2)
	if n := testing.AllocsPerRun(100, func() { f.sleep(time.Microsecond) }); n != 0 {
		t.Fatalf("the thread sleep allocated %v times per call, want 0", n)
	}
	if n := testing.AllocsPerRun(1000, func() {
		r.Read(drain)
		if f.fill() != testCfg.Lead {
			panic("fill did not render the lead")
		}
	}); n != 0 {
		t.Fatalf("fill allocated %v times per call, want 0", n)
	}
}

// TestFillerSteadyStateDoesNotAllocate runs a Filler against a real-time Go
// consumer and reads the process-wide allocation counter around three
// one-second windows (runtime/metrics, which does not stop the world). An
// allocation on the fill path would show in every window, hundreds of times;
// the runtime itself occasionally allocates (it starts an OS thread when a
// locked thread blocks or is preempted), so one clean window is required.
func TestFillerSteadyStateDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	r := New(testCfg.Frames(), 2)
	f := NewFiller(r, testCfg)
	f.Start(audio.RendererFunc(func(out []float32) { clear(out) }))
	period := testCfg.Format.Duration(int64(testCfg.Block))

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a stand-in device thread
		defer close(done)
		runtime.LockOSThread()
		out := make([]float32, testCfg.Block*2)
		start := time.Now()
		for k := 1; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(time.Until(start.Add(time.Duration(k) * period)))
			r.Read(out)
		}
	}()

	time.Sleep(200 * time.Millisecond) // warm-up: first timers, first wakes
	var windows []uint64
	for range 3 {
		before := allocs()
		time.Sleep(time.Second)
		windows = append(windows, allocs()-before)
	}
	close(stop)
	<-done
	f.Stop()
	s := f.Stats()
	t.Logf("objects allocated in three 1 s windows: %v; filler %+v", windows, s)
	if slices.Min(windows) != 0 {
		t.Errorf("heap objects allocated in every 1 s window of steady state: %v, want a window with 0", windows)
	}
	if s.Blocks < 300 { // 1200 when the machine keeps time; this only proves it ran
		t.Errorf("filler rendered %d blocks in 3.2 s", s.Blocks)
	}
}

func allocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// BenchmarkBlockThroughRing is the ring's share of a block's budget: one
// 128-frame stereo Write and Read (2.667 ms at 48 kHz).
func BenchmarkBlockThroughRing(b *testing.B) {
	r := New(testCfg.Frames(), 2)
	blk := make([]float32, 256)
	b.ReportAllocs()
	for b.Loop() {
		r.Write(blk)
		r.Read(blk)
	}
}

// TestFillerMeasuresLoad checks the Filler's load meter in virtual time,
// where only the renderer's own sleep takes time: a 15 ms render of a 10 ms
// block is a load of exactly 1.5, the worst; the smoothed load then decays
// by 1/16 a block but has not gone back to 0. On the real clock (the
// PortAudio tests) a busy machine's preemption inflates any one block, so
// the units are proven here.
func TestFillerMeasuresLoad(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := Config{Format: audio.Format{SampleRate: 48000, Channels: 2}, Block: 480, Lead: 2, Sleep: time.Sleep}
		r := New(cfg.Frames(), 2)
		f := NewFiller(r, cfg)
		n := 0
		f.Start(audio.RendererFunc(func(out []float32) {
			if n++; n == 10 {
				time.Sleep(15 * time.Millisecond)
			}
		}))
		out := make([]float32, cfg.Block*2)
		start := time.Now()
		for k := 1; k <= 20; k++ { // a device reading one block a period
			time.Sleep(time.Until(start.Add(time.Duration(k) * 10 * time.Millisecond)))
			r.Read(out)
		}
		f.Stop()
		s := f.Stats()
		if s.MaxLoad != 1.5 {
			t.Errorf("MaxLoad = %v, want 1.5 (a 15 ms render of a 10 ms block)", s.MaxLoad)
		}
		if s.Load <= 0 || s.Load >= 1.5/16 {
			t.Errorf("Load = %v, want the 1.5 spike smoothed (1/16 of it, decaying) and not yet 0", s.Load)
		}
		t.Logf("%+v", s)
	})
}
