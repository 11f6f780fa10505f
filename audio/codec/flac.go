package codec

import (
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"

	"gridbox/audio"
)

// decodeFLAC decodes a FLAC stream of any bit depth (4 to 32 bits) into
// [-1, 1). Channels beyond the first two (FLAC's order is front left, front
// right, centre, …) are dropped. A stream cut short keeps its whole frames,
// and says so against the length in its STREAMINFO block. mewkiz/flac's
// errors name its internals; they become plain words here.
func decodeFLAC(r io.ReadSeeker) (*audio.Buffer, string, error) {
	s, err := flac.New(r)
	if err != nil {
		if isEOF(err) {
			return nil, "", errors.New("header is cut short (truncated)")
		}
		return nil, "", errors.New("header is damaged")
	}
	channels := int(s.Info.NChannels)
	if channels < 1 {
		return nil, "", fmt.Errorf("%d channels", channels)
	}
	keep := min(channels, 2)
	rate := int(s.Info.SampleRate)
	var (
		out    []float32
		midCut bool // the last frame is cut off
	)
	for {
		f, err := s.ParseNext()
		if err == io.EOF {
			break
		}
		if err == io.ErrUnexpectedEOF {
			if len(out) == 0 {
				return nil, "", errors.New("stream ends before its first whole frame (truncated)")
			}
			midCut = true
			break // keep the frames before the cut
		}
		at := seconds(len(out)/keep, rate)
		if err != nil {
			return nil, "", fmt.Errorf("frame at %s is damaged", at)
		}
		if len(f.Subframes) != channels {
			return nil, "", fmt.Errorf("frame at %s has %d channels, the stream %d", at, len(f.Subframes), channels)
		}
		bits := f.BitsPerSample
		if bits == 0 {
			bits = s.Info.BitsPerSample
		}
		if bits < 1 || bits > 32 {
			return nil, "", fmt.Errorf("frame at %s has %d bits per sample", at, bits)
		}
		scale := 1 / float64(uint64(1)<<(bits-1))
		n := len(f.Subframes[0].Samples)
		start := len(out)
		if out, err = grow(out, n*keep); err != nil {
			return nil, "", err
		}
		for c := range keep {
			src := f.Subframes[c].Samples
			if len(src) != n {
				return nil, "", fmt.Errorf("frame at %s has channels of %d and %d samples", at, n, len(src))
			}
			dst := out[start+c:]
			for i, v := range src {
				dst[i*keep] = float32(float64(v) * scale)
			}
		}
	}
	frames := int64(len(out) / keep)
	var cut string
	switch total := int64(s.Info.NSamples); {
	case total > 0 && frames < total:
		cut = endsAt("FLAC", frames, total, rate)
	case midCut:
		cut = endsMidFrame("FLAC", frames, rate)
	}
	return &audio.Buffer{Rate: rate, Channels: keep, Data: out}, cut, nil
}

func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }
