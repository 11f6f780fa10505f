package codec

import (
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"
)

// flacDecoder decodes a FLAC stream of any bit depth (4 to 32 bits) into
// [-1, 1), a FLAC frame per chunk. Channels beyond the first two (FLAC's
// order is front left, front right, centre, …) are dropped. A stream cut
// short keeps its whole frames, and says so against the length in its
// STREAMINFO block. mewkiz/flac's errors name its internals; they become
// plain words here.
type flacDecoder struct {
	s        *flac.Stream
	channels int // in the stream
	keep     int // in the chunks: 1 or 2
	rate     int
	frames   int64     // decoded so far
	midCut   bool      // the last frame is cut off
	out      []float32 // the chunk, reused
}

func openFLAC(r io.ReadSeeker) (chunkDecoder, error) {
	s, err := flac.New(r)
	if err != nil {
		if isEOF(err) {
			return nil, errors.New("header is cut short (truncated)")
		}
		return nil, errors.New("header is damaged")
	}
	channels := int(s.Info.NChannels)
	if channels < 1 {
		return nil, fmt.Errorf("%d channels", channels)
	}
	return &flacDecoder{s: s, channels: channels, keep: min(channels, 2), rate: int(s.Info.SampleRate)}, nil
}

func (d *flacDecoder) format() (int, int, bool) {
	return d.rate, d.keep, d.s.Info.BitsPerSample <= 16
}

func (d *flacDecoder) next() ([]float32, error) {
	f, err := d.s.ParseNext()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err == io.ErrUnexpectedEOF {
		if d.frames == 0 {
			return nil, errors.New("stream ends before its first whole frame (truncated)")
		}
		d.midCut = true
		return nil, io.EOF // keep the frames before the cut
	}
	at := seconds(d.frames, d.rate)
	if err != nil {
		return nil, fmt.Errorf("frame at %s is damaged", at)
	}
	if len(f.Subframes) != d.channels {
		return nil, fmt.Errorf("frame at %s has %d channels, the stream %d", at, len(f.Subframes), d.channels)
	}
	bits := f.BitsPerSample
	if bits == 0 {
		bits = d.s.Info.BitsPerSample
	}
	if bits < 1 || bits > 32 {
		return nil, fmt.Errorf("frame at %s has %d bits per sample", at, bits)
	}
	scale := 1 / float64(uint64(1)<<(bits-1))
	n := len(f.Subframes[0].Samples)
	if cap(d.out) < n*d.keep {
		d.out = make([]float32, n*d.keep)
	}
	out := d.out[:n*d.keep]
	for c := range d.keep {
		src := f.Subframes[c].Samples
		if len(src) != n {
			return nil, fmt.Errorf("frame at %s has channels of %d and %d samples", at, n, len(src))
		}
		dst := out[c:]
		for i, v := range src {
			dst[i*d.keep] = float32(float64(v) * scale)
		}
	}
	d.frames += int64(n)
	return out, nil
}

func (d *flacDecoder) cut() (string, error) {
	switch total := int64(d.s.Info.NSamples); {
	case total > 0 && d.frames < total:
		return endsAt("FLAC", d.frames, total, d.rate), nil
	case d.midCut:
		return endsMidFrame("FLAC", d.frames, d.rate), nil
	}
	return "", nil
}

func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }
