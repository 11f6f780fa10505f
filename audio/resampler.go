package audio

import (
	"errors"
	"fmt"
	"io"
)

// resamplerReadAhead is how many input frames a resampler reads from its
// source at least, when it reads: enough that small sequential reads cost a
// source read only every few thousand frames, small enough that a stream's
// cache stays a few tens of KiB.
const resamplerReadAhead = 2048

// NewResampler returns a Source giving src (at srcRate) at rate: the same
// conversion as Resample, frame for frame (output frame n is bit for bit
// frame n of Resample of the whole of src), computed only for the frames
// asked for. It returns src itself when srcRate == rate.
//
// Its Frames is round(src.Frames()·rate/srcRate), fixed when it is made:
// src's Channels and Frames must not change.
//
// ReadFrames works at any position, in any order. It reads from src the
// input frames that the output frames asked for depend on (the filter's
// taps around each) and keeps them, with at least resamplerReadAhead frames
// read ahead, so sequential reads read each input frame of src once; a read
// elsewhere (a loop jumping back) reads its own window afresh. An error from
// src is returned wrapped, with the frames computed before it; a src that
// ends before its Frames is an error wrapping io.ErrUnexpectedEOF.
//
// Memory: the kernel's tables, built once per pair of rates and shared with
// Resample, and buffers proportional to the largest read (the input window
// in float64 and one read-ahead of float32), whatever src's length.
// ReadFrames allocates only when a read is larger than any before it.
//
// The Source is not safe for concurrent use: like any Source it is used by
// one goroutine at a time, on the control side. NewResampler panics (a
// programmer error) on what Resample panics on: a rate that is not
// positive, a src without channels, downsampling by more than 4096.
func NewResampler(src Source, srcRate, rate int) Source {
	if srcRate == rate {
		return src
	}
	nch := src.Channels()
	if srcRate <= 0 || rate <= 0 || nch <= 0 {
		panic(fmt.Sprintf("audio: NewResampler of a %d Hz, %d-channel Source to %d Hz", srcRate, nch, rate))
	}
	if int64(srcRate) > 4096*int64(rate) {
		panic(fmt.Sprintf("audio: NewResampler from %d Hz to %d Hz: downsampling by more than 4096 is not supported", srcRate, rate))
	}
	k := kernelFor(srcRate, rate)
	in := src.Frames()
	return &resampler{
		src: src, k: k, nch: nch, srcRate: srcRate, rate: rate,
		in: in, out: k.outFrames(in),
		scratch: k.scratch(),
	}
}

// resampler is NewResampler's Source.
type resampler struct {
	src           Source
	k             *kernel
	nch           int
	srcRate, rate int
	in, out       int64 // frames of src, and of the output

	// x holds input frames [x0, x0+xn) in float64, interleaved, with
	// silence for the frames before src's first and after its last (as
	// Resample pads its input).
	x  []float64
	x0 int64
	xn int

	read    []float32 // src.ReadFrames' destination: resamplerReadAhead frames
	scratch []float64 // kernel.run's
}

func (r *resampler) Channels() int { return r.nch }

func (r *resampler) Frames() int64 { return r.out }

// ReadFrames computes output frames at..at+len(dst)/Channels() into dst and
// returns how many it computed: fewer only at the end (then err == io.EOF)
// or when src failed.
func (r *resampler) ReadFrames(dst []float32, at int64) (int, error) {
	if at < 0 {
		return 0, fmt.Errorf("audio: resampling %d Hz to %d Hz: reading at frame %d", r.srcRate, r.rate, at)
	}
	want := int64(len(dst) / r.nch)
	n := min(want, max(0, r.out-at))
	var err error
	if n > 0 {
		r.reserve(n)
		if err = r.fill(r.k.window(at, at+n)); err != nil {
			n = r.complete(at, n)
		}
		r.k.run(dst[:n*int64(r.nch)], at, r.x, r.x0, r.nch, r.scratch)
	}
	switch {
	case err != nil:
		return int(n), fmt.Errorf("audio: resampling %d Hz to %d Hz: %w", r.srcRate, r.rate, err)
	case n < want:
		return int(n), io.EOF
	}
	return int(n), nil
}

// complete returns how many of the n output frames from at on have their
// whole window in x (all n unless a read of src failed).
func (r *resampler) complete(at, n int64) int64 {
	// Output j's window ends at ⌊j·m/l⌋+taps/2+1, which is within x while
	// ⌊j·m/l⌋ <= e, that is while j·m < (e+1)·l.
	e := r.x0 + int64(r.xn) - int64(r.k.taps/2) - 1
	if e < 0 {
		return 0
	}
	last := ((e+1)*int64(r.k.l) - 1) / int64(r.k.m)
	return min(n, max(0, last+1-at))
}

// fill makes x hold input frames [lo, hi) at least, from lo on, reading what
// it lacks from src. When a read fails, x holds the frames from lo up to it.
// x has room for the window and the read-ahead (reserve).
func (r *resampler) fill(lo, hi int64) error {
	end := r.x0 + int64(r.xn)
	if lo >= r.x0 && hi <= end {
		return nil
	}
	nch := r.nch
	// A read ahead of the last one keeps what they share (the filter's
	// width, or what was read ahead); any other reads afresh.
	keep := 0
	if lo >= r.x0 && lo < end {
		keep = int(end - lo)
		copy(r.x, r.x[int(lo-r.x0)*nch:r.xn*nch])
	}
	r.x0, r.xn = lo, keep
	stop := max(hi, min(lo+resamplerReadAhead, r.in))
	for f := lo + int64(keep); f < stop; f = r.x0 + int64(r.xn) {
		dst := r.x[r.xn*nch:]
		if f < 0 || f >= r.in { // silence around src
			next := stop
			if f < 0 {
				next = min(0, stop)
			}
			clear(dst[:int(next-f)*nch])
			r.xn += int(next - f)
			continue
		}
		ask := int(min(stop, r.in, f+resamplerReadAhead) - f)
		got, err := r.src.ReadFrames(r.read[:ask*nch], f)
		got = min(max(got, 0), ask)
		for i, v := range r.read[:got*nch] {
			dst[i] = float64(v)
		}
		r.xn += got
		switch {
		case got < ask && (err == nil || errors.Is(err, io.EOF)):
			return fmt.Errorf("its source ended at frame %d of the %d it has: %w", f+int64(got), r.in, io.ErrUnexpectedEOF)
		case err != nil && !errors.Is(err, io.EOF):
			return fmt.Errorf("reading input frame %d: %w", f+int64(got), err)
		}
	}
	return nil
}

// reserve gives x room for the window of any n output frames and the
// read-ahead, keeping what it holds, and makes the read buffer. Sizing by n
// rather than by one window (which varies by a frame with the position) is
// what makes every later read of n frames or fewer allocation-free.
func (r *resampler) reserve(n int64) {
	k := r.k
	// ⌊(at+n-1)·m/l⌋ - ⌊at·m/l⌋ <= ⌊(n-1)·m/l⌋+1, whatever at.
	frames := max(resamplerReadAhead, (n-1)*int64(k.m)/int64(k.l)+1+int64(k.taps))
	if size := int(frames) * r.nch; size > len(r.x) {
		x := make([]float64, size)
		copy(x, r.x[:r.xn*r.nch])
		r.x = x
	}
	if r.read == nil {
		r.read = make([]float32, resamplerReadAhead*r.nch)
	}
}
