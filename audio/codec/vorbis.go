package codec

import (
	"fmt"
	"io"

	"github.com/jfreymuth/oggvorbis"

	"gridbox/audio"
)

// decodeVorbis decodes an Ogg Vorbis stream. With more than two channels it
// keeps front left and right, which the Vorbis channel mapping puts at 0 and
// 1 for four channels and at 0 and 2 for three and for five or more (L, C, R,
// …).
func decodeVorbis(r io.Reader) (*audio.Buffer, error) {
	// Hiding Seek stops oggvorbis from scanning to the end for the length,
	// which Decode does not need.
	v, err := oggvorbis.NewReader(struct{ io.Reader }{r})
	if err != nil {
		return nil, err
	}
	channels := v.Channels()
	if channels < 1 {
		return nil, fmt.Errorf("%d channels", channels)
	}
	left, right := 0, 1
	if channels == 3 || channels >= 5 {
		right = 2
	}
	keep := min(channels, 2)
	buf := make([]float32, 4096*channels)
	var out []float32
	for {
		n, err := v.Read(buf)
		frames := n / channels
		start := len(out)
		var gerr error
		if out, gerr = grow(out, frames*keep); gerr != nil {
			return nil, gerr
		}
		dst := out[start:]
		switch keep {
		case 1:
			copy(dst, buf[:frames])
		default:
			for i := range frames {
				dst[2*i] = buf[i*channels+left]
				dst[2*i+1] = buf[i*channels+right]
			}
		}
		if err == io.EOF {
			break
		}
		if err == io.ErrUnexpectedEOF && len(out) > 0 {
			break // cut short: keep what decoded before the cut
		}
		if err != nil {
			return nil, err
		}
	}
	return &audio.Buffer{Rate: v.SampleRate(), Channels: keep, Data: out}, nil
}
