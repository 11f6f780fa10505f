package codec

import (
	"fmt"
	"io"

	"github.com/mewkiz/flac"

	"gridbox/audio"
)

// decodeFLAC decodes a FLAC stream of any bit depth (4 to 32 bits) into
// [-1, 1). Channels beyond the first two (FLAC's order is front left, front
// right, centre, …) are dropped.
func decodeFLAC(r io.Reader) (*audio.Buffer, error) {
	s, err := flac.New(r)
	if err != nil {
		return nil, err
	}
	channels := int(s.Info.NChannels)
	if channels < 1 {
		return nil, fmt.Errorf("%d channels", channels)
	}
	keep := min(channels, 2)
	var out []float32
	for {
		f, err := s.ParseNext()
		if err == io.EOF {
			break
		}
		if err == io.ErrUnexpectedEOF && len(out) > 0 {
			break // cut short: keep the frames before the cut
		}
		if err != nil {
			return nil, err
		}
		if len(f.Subframes) != channels {
			return nil, fmt.Errorf("frame %d has %d channels, the stream %d", f.Num, len(f.Subframes), channels)
		}
		bits := f.BitsPerSample
		if bits == 0 {
			bits = s.Info.BitsPerSample
		}
		if bits < 1 || bits > 32 {
			return nil, fmt.Errorf("%d bits per sample", bits)
		}
		scale := 1 / float64(uint64(1)<<(bits-1))
		n := len(f.Subframes[0].Samples)
		start := len(out)
		if out, err = grow(out, n*keep); err != nil {
			return nil, err
		}
		for c := range keep {
			src := f.Subframes[c].Samples
			if len(src) != n {
				return nil, fmt.Errorf("frame %d: channels of %d and %d samples", f.Num, n, len(src))
			}
			dst := out[start+c:]
			for i, v := range src {
				dst[i*keep] = float32(float64(v) * scale)
			}
		}
	}
	return &audio.Buffer{Rate: int(s.Info.SampleRate), Channels: keep, Data: out}, nil
}
