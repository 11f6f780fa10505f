package audio

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"gridbox/internal/cputime"
)

// bufSource is a Source over a Buffer, counting what is read from it. It can
// fail a read that reaches frame failAt, and claim more frames than b has
// (as a file cut short after it was opened does).
type bufSource struct {
	b      *Buffer
	frames int64 // what Frames says: b.Frames(), or more for a source cut short
	failAt int64 // a read reaching this frame fails with errBroken; -1: never

	calls, read int64 // ReadFrames calls, and frames they returned
}

var errBroken = errors.New("broken disk")

func newBufSource(b *Buffer) *bufSource {
	return &bufSource{b: b, frames: int64(b.Frames()), failAt: -1}
}

func (s *bufSource) Channels() int { return s.b.Channels }
func (s *bufSource) Frames() int64 { return s.frames }

func (s *bufSource) ReadFrames(dst []float32, at int64) (int, error) {
	s.calls++
	if at < 0 {
		return 0, fmt.Errorf("bufSource: reading at frame %d", at)
	}
	nch := int64(s.b.Channels)
	want := int64(len(dst)) / nch
	n := min(want, max(0, s.frames-at))
	var err error
	if have := int64(s.b.Frames()); at+n > have {
		n, err = max(0, have-at), io.EOF // cut short
	}
	if s.failAt >= 0 && at+n > s.failAt {
		n, err = max(0, s.failAt-at), errBroken
	}
	for i := range n * nch {
		if s.b.PCM16 != nil {
			dst[i] = float32(s.b.PCM16[at*nch+i]) * 0x1p-15
		} else {
			dst[i] = s.b.Data[at*nch+i]
		}
	}
	s.read += n
	if err == nil && n < want {
		err = io.EOF
	}
	return int(n), err
}

// noise returns frames of white noise (peak about 1) in every channel, each
// different, so that a frame or channel out of place shows.
func noise(rate, channels, frames int, seed uint64) *Buffer {
	r := rand.New(rand.NewPCG(seed, 7))
	b := &Buffer{Rate: rate, Channels: channels, Data: make([]float32, frames*channels)}
	for i := range b.Data {
		b.Data[i] = float32(r.Float64()*2 - 1)
	}
	return b
}

// checkRead reads n frames at at from r and checks them against ref (the
// whole output of Resample), and the count and error against the Source
// contract. It returns the largest difference from ref, which is 0 when the
// frames are bit for bit Resample's.
func checkRead(tb testing.TB, r Source, ref *Buffer, at int64, n int) float64 {
	tb.Helper()
	nch := ref.Channels
	buf := make([]float32, (n+1)*nch+4) // guard samples after dst, to see nothing is written past the frames read
	for i := range buf {
		buf[i] = float32(math.NaN())
	}
	got, err := r.ReadFrames(buf[:n*nch+nch-1], at) // a partial frame (stereo) is not read

	want := min(n, max(0, ref.Frames()-int(at)))
	wantErr := error(nil)
	if want < n {
		wantErr = io.EOF
	}
	if got != want || err != wantErr {
		tb.Fatalf("ReadFrames(%d frames, at %d) of %d = %d, %v; want %d, %v", n, at, ref.Frames(), got, err, want, wantErr)
	}
	var worst float64
	for i, v := range buf[:got*nch] {
		w := ref.Data[int(at)*nch+i]
		if math.Float32bits(v) != math.Float32bits(w) {
			worst = max(worst, math.Abs(float64(v-w)))
			if math.IsNaN(float64(v)) {
				tb.Fatalf("ReadFrames(%d frames, at %d) left sample %d unwritten", n, at, i)
			}
		}
	}
	for i, v := range buf[got*nch:] {
		if !math.IsNaN(float64(v)) {
			tb.Fatalf("ReadFrames(%d frames, at %d) = %d wrote sample %d past them", n, at, got, got*nch+i)
		}
	}
	return worst
}

// resamplerRatios are the conversions the equality tests cover: the common
// ones, both directions, large up- and downsampling factors, and 44.1→47.999
// kHz, whose phases are interpolated (a kernel that is not exact).
var resamplerRatios = []struct{ from, to int }{
	{44100, 48000}, {48000, 44100}, {22050, 48000}, {96000, 48000},
	{8000, 48000}, {32000, 44100}, {44100, 47999}, {192000, 44100},
}

// TestResamplerMatchesResample: every output frame NewResampler gives is
// bit for bit the frame Resample gives for the whole input, wherever and
// however it is read: in one read, in blocks forward, backward (a loop
// jumping back), at random positions and lengths, one frame at a time, at the
// very start and end, and across the end.
func TestResamplerMatchesResample(t *testing.T) {
	for _, c := range resamplerRatios {
		for _, nch := range []int{1, 2} {
			t.Run(fmt.Sprintf("%d→%d/%dch", c.from, c.to, nch), func(t *testing.T) {
				in := noise(c.from, nch, c.from/10+37, uint64(c.from)^uint64(c.to)^uint64(nch))
				ref := Resample(in, c.to)
				out := ref.Frames()
				rnd := rand.New(rand.NewPCG(uint64(c.to), uint64(nch)))
				var worst float64
				var calls, read int64
				// Each way of reading gets a new Source: one whole read
				// leaves the whole input cached, and the ways after it
				// would read nothing.
				for _, reads := range []func(check func(at, n int)){
					func(check func(at, n int)) { check(0, out) }, // whole
					func(check func(at, n int)) { // at the edges
						for _, e := range [][2]int{{0, 1}, {out - 1, 1}, {out - 1, 7}, {out - 300, 1000}, {out, 1}, {out + 5, 3}, {1, 1}, {out / 2, 1}} {
							check(e[0], e[1])
						}
					},
					func(check func(at, n int)) { // forward, in blocks of any size
						for at := 0; at < out; {
							n := 1 + rnd.IntN(700)
							check(at, n)
							at += n
						}
					},
					func(check func(at, n int)) { // backward
						for at := out; at > 0; {
							n := min(at, 1+rnd.IntN(500))
							at -= n
							check(at, n)
						}
					},
					func(check func(at, n int)) { // anywhere
						for range 100 {
							n := 1 + rnd.IntN(1000)
							if rnd.IntN(4) == 0 {
								n = 1
							}
							check(rnd.IntN(out+20), n)
						}
					},
					func(check func(at, n int)) { // a frame at a time
						for at := out / 3; at < out/3+1000; at++ {
							check(at, 1)
						}
					},
				} {
					src := newBufSource(in)
					r := NewResampler(src, c.from, c.to)
					if r.Frames() != int64(out) || r.Channels() != nch {
						t.Fatalf("%d frames of %d channels, want %d of %d", r.Frames(), r.Channels(), out, nch)
					}
					reads(func(at, n int) { worst = max(worst, checkRead(t, r, ref, int64(at), n)) })
					calls += src.calls
					read += src.read
				}
				t.Logf("largest difference from Resample %g (%d source reads, %d frames read)", worst, calls, read)
				if worst != 0 {
					t.Errorf("frames differ from Resample's by up to %g, want bit for bit", worst)
				}
			})
		}
	}
}

// TestResamplerShort: inputs shorter than the filter, down to none, and 16-bit
// input (Resample's PCM16 path) convert as Resample converts them.
func TestResamplerShort(t *testing.T) {
	for _, frames := range []int{0, 1, 2, 3, 100, 177} {
		for _, c := range []struct{ from, to int }{{44100, 48000}, {96000, 48000}, {8000, 48000}} {
			in := noise(c.from, 2, frames, uint64(frames))
			ref := Resample(in, c.to)
			r := NewResampler(newBufSource(in), c.from, c.to)
			if r.Frames() != int64(ref.Frames()) {
				t.Fatalf("%d frames %d→%d: Frames() %d, want %d", frames, c.from, c.to, r.Frames(), ref.Frames())
			}
			for at := range ref.Frames() + 2 {
				for _, n := range []int{1, 2, 5, ref.Frames() + 3} {
					if d := checkRead(t, r, ref, int64(at), n); d != 0 {
						t.Fatalf("%d frames %d→%d: ReadFrames(%d at %d) differs from Resample by %g", frames, c.from, c.to, n, at, d)
					}
				}
			}
		}
	}
	pcm := &Buffer{Rate: 44100, Channels: 2, PCM16: make([]int16, 2*5000)}
	rnd := rand.New(rand.NewPCG(1, 1))
	for i := range pcm.PCM16 {
		pcm.PCM16[i] = int16(rnd.IntN(65536) - 32768)
	}
	ref := Resample(pcm, 48000)
	r := NewResampler(newBufSource(pcm), 44100, 48000)
	for at := 0; at < ref.Frames(); at += 999 {
		if d := checkRead(t, r, ref, int64(at), 999); d != 0 {
			t.Fatalf("16-bit input: ReadFrames(999 at %d) differs from Resample by %g", at, d)
		}
	}
}

func TestResamplerSameRate(t *testing.T) {
	src := newBufSource(noise(48000, 2, 10, 1))
	if NewResampler(src, 48000, 48000) != Source(src) {
		t.Error("NewResampler to the same rate did not return src itself")
	}
}

// TestResamplerReadsEachFrameOnce: reading the output from start to end, in
// blocks of any size, reads every input frame from the source exactly once,
// in source reads of a few thousand frames at least (not one per block).
func TestResamplerReadsEachFrameOnce(t *testing.T) {
	for _, c := range []struct{ from, to int }{{44100, 48000}, {96000, 48000}, {8000, 48000}} {
		in := noise(c.from, 2, c.from, 3)
		for _, block := range []int{1, 7, 256, 4096, 30000} {
			src := newBufSource(in)
			r := NewResampler(src, c.from, c.to)
			dst := make([]float32, 2*block)
			for at := int64(0); at < r.Frames(); at += int64(block) {
				if _, err := r.ReadFrames(dst, at); err != nil && err != io.EOF {
					t.Fatal(err)
				}
			}
			calls := int64(2*in.Frames()/(resamplerReadAhead-kernelFor(c.from, c.to).taps) + 2)
			if src.read != int64(in.Frames()) || src.calls > calls {
				t.Errorf("%d→%d in blocks of %d: %d source reads of %d frames in all; want the %d input frames once, in %d reads at most",
					c.from, c.to, block, src.calls, src.read, in.Frames(), calls)
			}
		}
	}
}

// TestResamplerDoesNotAllocate: after the first read of a size, reads of that
// size or smaller allocate nothing, anywhere in the stream.
func TestResamplerDoesNotAllocate(t *testing.T) {
	for _, c := range []struct{ from, to int }{{44100, 48000}, {44100, 47999}, {96000, 48000}} {
		for _, nch := range []int{1, 2} {
			r := NewResampler(newBufSource(noise(c.from, nch, 2*c.from, 1)), c.from, c.to)
			dst := make([]float32, 1024*nch)
			if _, err := r.ReadFrames(dst, 0); err != nil {
				t.Fatal(err)
			}
			rnd := rand.New(rand.NewPCG(2, 3))
			at := int64(0)
			if n := testing.AllocsPerRun(200, func() {
				switch rnd.IntN(3) {
				case 0:
					at = rnd.Int64N(r.Frames() + 100) // a jump
				default:
					at += 1024 // the next block
				}
				size := 1024
				if rnd.IntN(2) == 0 {
					size = 1 + rnd.IntN(1024)
				}
				if _, err := r.ReadFrames(dst[:size*nch], at); err != nil && err != io.EOF {
					t.Fatal(err)
				}
			}); n != 0 {
				t.Errorf("%d→%d, %d channels: ReadFrames allocated %v times per call, want 0", c.from, c.to, nch, n)
			}
		}
	}
}

// TestResamplerErrors: a source's error comes back wrapped, after the frames
// that do not depend on what failed (which are right); a source that ends
// before its Frames is an unexpected EOF; a negative position is an error.
// Reads before the failure still work afterwards.
func TestResamplerErrors(t *testing.T) {
	in := noise(44100, 2, 44100, 5)
	ref := Resample(in, 48000)
	for _, c := range []struct {
		name   string
		lie    func(s *bufSource)
		target error
	}{
		{"failing", func(s *bufSource) { s.failAt = 30000 }, errBroken},
		{"cut short", func(s *bufSource) { s.b = &Buffer{Rate: in.Rate, Channels: 2, Data: in.Data[:2*30000]} }, io.ErrUnexpectedEOF},
	} {
		src := newBufSource(in)
		c.lie(src)
		r := NewResampler(src, 44100, 48000)
		dst := make([]float32, 2*48000)
		n, err := r.ReadFrames(dst, 1000)
		if !errors.Is(err, c.target) || !strings.Contains(err.Error(), "resampling 44100 Hz to 48000 Hz") || !strings.Contains(err.Error(), "frame 30000") {
			t.Fatalf("%s: error %v, want one wrapping %v, naming the conversion and frame 30000", c.name, err, c.target)
		}
		// Output frame j needs input up to ⌊j·147/160⌋+88 < 30000.
		if want := (29912*160-1)/147 + 1 - 1000; n != want {
			t.Errorf("%s: %d frames before the error, want %d (those whose input was read)", c.name, n, want)
		}
		for i := range 2 * n {
			if dst[i] != ref.Data[2000+i] {
				t.Fatalf("%s: sample %d before the error is %v, want %v", c.name, i, dst[i], ref.Data[2000+i])
			}
		}
		if d := checkRead(t, r, ref, 0, 20000); d != 0 {
			t.Errorf("%s: a read before the failure afterwards differs by %g", c.name, d)
		}
		t.Logf("%s: %v", c.name, err)
	}
	r := NewResampler(newBufSource(in), 44100, 48000)
	if n, err := r.ReadFrames(make([]float32, 2), -1); n != 0 || err == nil || err == io.EOF {
		t.Errorf("ReadFrames at -1 = %d, %v; want 0 and an error", n, err)
	}
	if n, err := r.ReadFrames(make([]float32, 1), 0); n != 0 || err != nil {
		t.Errorf("ReadFrames of less than a frame = %d, %v; want 0, nil", n, err)
	}
}

// FuzzResampler: any sequence of reads of any conversion gives Resample's
// frames, with the count and error the Source contract says. The input is
// a ratio, a channel count, an input length and (position, length) pairs.
func FuzzResampler(f *testing.F) {
	f.Add(uint8(0), true, uint16(3000), []byte{0, 0, 255, 255, 10, 0, 1, 0})
	f.Add(uint8(3), false, uint16(1), []byte{0, 0, 1, 0, 1, 0, 1, 0})
	f.Add(uint8(6), true, uint16(777), []byte{200, 3, 50, 0, 0, 0, 3, 0, 199, 3, 9, 0})
	f.Fuzz(func(t *testing.T, ratio uint8, stereo bool, frames uint16, reads []byte) {
		c := resamplerRatios[int(ratio)%len(resamplerRatios)]
		nch := 1
		if stereo {
			nch = 2
		}
		in := noise(c.from, nch, int(frames)%5000, uint64(frames))
		ref := Resample(in, c.to)
		r := NewResampler(newBufSource(in), c.from, c.to)
		if r.Frames() != int64(ref.Frames()) {
			t.Fatalf("Frames() %d, want %d", r.Frames(), ref.Frames())
		}
		reads = reads[:min(len(reads), 400)]
		for ; len(reads) >= 4; reads = reads[4:] {
			at := int(reads[0]) | int(reads[1])<<8
			n := (int(reads[2]) | int(reads[3])<<8) % 6000
			if d := checkRead(t, r, ref, int64(at), n); d != 0 {
				t.Fatalf("ReadFrames(%d at %d) differs from Resample by %g", n, at, d)
			}
		}
	})
}

// BenchmarkResampler: the cost per output frame of streaming 10 s of stereo
// 44.1 kHz audio at 48 kHz through NewResampler, read start to end in blocks
// (from memory, so that only resampling is measured), beside Resample's cost
// per frame for the whole buffer in the same run. Resample spreads its work
// over every CPU, and the machine may be busy, so CPU time per frame
// (cpu-ns/frame, the whole process's) is the figure to compare; ratio is the
// streamer's over Resample's. Run the whole benchmark for the ratio: it
// comes from the Resample sub-benchmark before it.
func BenchmarkResampler(b *testing.B) {
	in := noise(44100, 2, 10*44100, 1)
	frames := float64(Resample(in, 48000).Frames())
	var whole float64 // Resample's CPU ns per frame, once measured
	b.Run("Resample_whole_44100_to_48000_stereo", func(b *testing.B) {
		cpu := cputime.Self()
		for b.Loop() {
			Resample(in, 48000)
		}
		cpu = cputime.Self() - cpu
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/frames, "ns/frame")
		if cpu > 0 {
			whole = float64(cpu.Nanoseconds()) / float64(b.N) / frames
			b.ReportMetric(whole, "cpu-ns/frame")
		}
	})
	for _, block := range []int{256, 4096} {
		b.Run(fmt.Sprintf("Resampler_block%d_44100_to_48000_stereo", block), func(b *testing.B) {
			dst := make([]float32, 2*block)
			r := NewResampler(newBufSource(in), 44100, 48000)
			cpu := cputime.Self()
			for b.Loop() {
				for at := int64(0); at < r.Frames(); at += int64(block) {
					if _, err := r.ReadFrames(dst, at); err != nil && err != io.EOF {
						b.Fatal(err)
					}
				}
			}
			cpu = cputime.Self() - cpu
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/frames, "ns/frame")
			if cpu > 0 {
				ns := float64(cpu.Nanoseconds()) / float64(b.N) / frames
				b.ReportMetric(ns, "cpu-ns/frame")
				if whole > 0 {
					b.ReportMetric(ns/whole, "ratio")
				}
			}
		})
	}
}

// hashSource is a Source of any length whose samples are a hash of their
// position: hours of input without the memory.
type hashSource struct {
	nch    int
	frames int64
}

func (s hashSource) Channels() int { return s.nch }
func (s hashSource) Frames() int64 { return s.frames }

func (s hashSource) ReadFrames(dst []float32, at int64) (int, error) {
	n := min(int64(len(dst)/s.nch), max(0, s.frames-at))
	for i := range n * int64(s.nch) {
		x := uint64(at*int64(s.nch)+i) * 0x9e3779b97f4a7c15
		x ^= x >> 31
		x *= 0xbf58476d1ce4e5b9
		dst[i] = float32(x>>40)/(1<<23) - 1
	}
	if n < int64(len(dst)/s.nch) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// TestResamplerLong: ten hours of stereo 44.1 kHz read at 48 kHz in blocks
// at the start, in the middle and across the end give Resample's frames (of
// a stretch of the input around them, which holds everything they depend
// on), and the resampler's memory is what it is for a second of input.
func TestResamplerLong(t *testing.T) {
	const block = 4096
	memory := func(r Source) int {
		rs := r.(*resampler)
		return 8*cap(rs.x) + 4*cap(rs.read)
	}
	short := NewResampler(hashSource{2, 44100}, 44100, 48000)
	if _, err := short.ReadFrames(make([]float32, 2*block), 0); err != nil {
		t.Fatal(err)
	}
	long := hashSource{2, 10 * 3600 * 44100}
	r := NewResampler(long, 44100, 48000)
	if want := int64(10 * 3600 * 48000); r.Frames() != want {
		t.Fatalf("%d frames, want %d", r.Frames(), want)
	}
	// Input frame s·147 is output frame s·160: a stretch of the input from
	// there, resampled alone, gives the output from there on, except near
	// its start (silence assumed before it) and, unless the stretch reaches
	// the input's end, near its end.
	for _, s := range []int64{0, 5 * 3600 * 300, long.frames/147 - 300} {
		in := &Buffer{Rate: 44100, Channels: 2, Data: make([]float32, 2*min(44100, long.frames-s*147))}
		if _, err := long.ReadFrames(in.Data, s*147); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		ref := Resample(in, 48000)
		from, to := 0, ref.Frames()
		if s > 0 {
			from = 200 // output frames whose window starts before the stretch
		}
		if s*147+int64(in.Frames()) < long.frames {
			to -= 200
		}
		dst := make([]float32, 2*block)
		for at := s*160 + int64(from); at < s*160+int64(to); at += block {
			n, err := r.ReadFrames(dst, at)
			if err != nil && err != io.EOF {
				t.Fatal(err)
			}
			for i, v := range dst[:2*min(n, int(s*160+int64(to)-at))] {
				if w := ref.Data[2*int(at-s*160)+i]; v != w {
					t.Fatalf("output frame %d: sample %d is %v, want %v", at, i%2, v, w)
				}
			}
		}
	}
	if m, want := memory(r), memory(short); m != want {
		t.Errorf("%d bytes of buffers after reading ten hours in blocks of %d, want %d as for a second", m, block, want)
	}
	t.Logf("%d bytes of buffers for blocks of %d stereo frames", memory(r), block)
}

// TestKernelShared: a pair of rates' kernel is built once and shared by
// every Resample and NewResampler of that pair, from any goroutine (as sets
// load samples on several at once).
func TestKernelShared(t *testing.T) {
	const from, to = 11025, 47999 // a pair no other test uses
	kernels.Delete([2]int{from, to})
	Resample(noise(from, 1, 100, 1), to)
	if _, ok := kernels.Load([2]int{from, to}); !ok {
		t.Fatal("Resample did not keep its kernel for the next conversion")
	}
	kernels.Delete([2]int{from, to})
	got := make([]*kernel, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			if i%2 == 0 {
				Resample(noise(from, 1, 100, 1), to)
			} else {
				NewResampler(newBufSource(noise(from, 1, 100, 1)), from, to)
			}
			got[i] = kernelFor(from, to)
		})
	}
	wg.Wait()
	for i, k := range got {
		if k != got[0] {
			t.Fatalf("goroutine %d has kernel %p, goroutine 0 %p: want one", i, k, got[0])
		}
	}
	if r := NewResampler(newBufSource(noise(from, 1, 100, 1)), from, to).(*resampler); r.k != got[0] {
		t.Error("NewResampler built its own kernel")
	}
}
