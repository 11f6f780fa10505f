package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

const rate = 48000

// inputPeak bounds every one of n input files' |sample| (0.0125 for 64): n
// of them sum to at most 0.8, so gridbox's master limiter (bit-transparent
// below full scale) never acts, and sox -m (which scales each input by 1/n)
// cannot clip.
func inputPeak(n int) float64 { return 0.8 / float64(n) }

// makeSet writes n stereo 16-bit 48 kHz WAV files of real signal lasting
// real seconds into dir/samples, each declaring declared seconds (the rest
// a sparse tail of zeros, so long files cost no disk and no time to make),
// and dir/bench.toml: a set of n tracks, one clip per track in scene 0,
// launched at once. It returns the set's path and the files' paths.
func makeSet(dir string, n int, real, declared float64) (string, []string, error) {
	if err := os.MkdirAll(filepath.Join(dir, "samples"), 0o755); err != nil {
		return "", nil, err
	}
	files := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range n {
		files[i] = filepath.Join(dir, "samples", fmt.Sprintf("s%d.wav", i))
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			errs[i] = writeInput(files[i], i, int(real*rate), int(declared*rate), inputPeak(n))
			<-sem
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return "", nil, err
		}
	}
	var b strings.Builder
	b.WriteString("name = \"bench\"\ntempo = 120.0\nquantize = \"none\"\n[[scene]]\n")
	for i := range n {
		fmt.Fprintf(&b, "[[track]]\nname = \"t%d\"\n  [[track.clip]]\n  scene = 0\n  sample = \"samples/s%d.wav\"\n", i, i)
	}
	set := filepath.Join(dir, "bench.toml")
	return set, files, os.WriteFile(set, []byte(b.String()), 0o644)
}

// writeInput writes input file i: frames frames of two tones and white noise
// per channel (different in every file, each sample within peak), in a
// WAV file whose header declares total frames; the frames past the signal
// are a hole in the file, which reads as zeros.
func writeInput(path string, i, frames, total int, peak float64) error {
	if total < frames {
		return fmt.Errorf("%s: declares %d frames, fewer than the %d written", path, total, frames)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	w.Write(wavHeader(2, 16, total))
	tone := func(hz float64) *osc { return newOsc(2 * math.Pi * hz / rate) }
	base := 110 + 37*float64(i)
	l1, l2, r1, r2 := tone(base), tone(base*1.5), tone(base+3), tone(base*1.25)
	rng := rand.New(rand.NewPCG(uint64(i), 9))
	a, noise := 0.4*peak, 0.2*peak
	var buf [4]byte
	for range frames {
		l := a*(l1.next()+l2.next()) + noise*(2*rng.Float64()-1)
		r := a*(r1.next()+r2.next()) + noise*(2*rng.Float64()-1)
		binary.LittleEndian.PutUint16(buf[0:], uint16(int16(math.Round(l*32767))))
		binary.LittleEndian.PutUint16(buf[2:], uint16(int16(math.Round(r*32767))))
		w.Write(buf[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Truncate(int64(44 + 4*total)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// wavHeader returns the canonical 44-byte header of a PCM WAV file of
// frames frames at rate.
func wavHeader(channels, bits, frames int) []byte {
	align := channels * bits / 8
	data := uint32(frames * align)
	h := make([]byte, 0, 44)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, 36+data)
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16)
	h = binary.LittleEndian.AppendUint16(h, 1) // PCM
	h = binary.LittleEndian.AppendUint16(h, uint16(channels))
	h = binary.LittleEndian.AppendUint32(h, rate)
	h = binary.LittleEndian.AppendUint32(h, uint32(rate*align))
	h = binary.LittleEndian.AppendUint16(h, uint16(align))
	h = binary.LittleEndian.AppendUint16(h, uint16(bits))
	h = append(h, "data"...)
	return binary.LittleEndian.AppendUint32(h, data)
}

// osc is a sine oscillator: a unit phasor turned by a fixed angle per
// sample, renormalised now and then so that rounding cannot grow it.
type osc struct {
	re, im, cr, ci float64
	n              int
}

func newOsc(step float64) *osc { return &osc{re: 1, cr: math.Cos(step), ci: math.Sin(step)} }

func (o *osc) next() float64 {
	s := o.im
	o.re, o.im = o.re*o.cr-o.im*o.ci, o.re*o.ci+o.im*o.cr
	if o.n++; o.n%4096 == 0 {
		m := math.Hypot(o.re, o.im)
		o.re, o.im = o.re/m, o.im/m
	}
	return s
}
