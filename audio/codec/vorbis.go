package codec

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/jfreymuth/oggvorbis"

	"gridbox/audio"
)

// decodeVorbis decodes an Ogg Vorbis stream. With more than two channels it
// keeps front left and right, which the Vorbis channel mapping puts at 0 and
// 1 for four channels and at 0 and 2 for three and for five or more (L, C, R,
// …). A stream cut short keeps what decoded before the cut; decodeVorbis
// tells it by the Ogg pages, whose last one must be whole and mark the end
// of the stream.
func decodeVorbis(r io.ReadSeeker) (*audio.Buffer, string, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, "", err
	}
	// Hiding Seek stops oggvorbis from scanning to the end for the length,
	// which Decode does not need.
	v, err := oggvorbis.NewReader(struct{ io.Reader }{r})
	if err != nil {
		if isEOF(err) {
			return nil, "", errors.New("stream ends before any audio (truncated)")
		}
		return nil, "", errors.New("headers are damaged")
	}
	channels := v.Channels()
	if channels < 1 {
		return nil, "", fmt.Errorf("%d channels", channels)
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
			return nil, "", gerr
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
			return nil, "", fmt.Errorf("stream is damaged at %s", seconds(len(out)/keep, v.SampleRate()))
		}
	}
	b := &audio.Buffer{Rate: v.SampleRate(), Channels: keep, Data: out}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return nil, "", err
	}
	if oggCutOff(r) {
		return b, fmt.Sprintf("Ogg Vorbis stream ends at %s without its last page (truncated)", seconds(b.Frames(), b.Rate)), nil
	}
	return b, "", nil
}

// oggCutOff walks the Ogg pages from the position of r and reports whether
// the stream is cut short: a page runs past the end of the file, or no page
// of the first logical stream marks its end. The walk stops without a
// verdict at anything that is not a page.
func oggCutOff(r io.Reader) bool {
	const headerLen = 27 // "OggS", version, flags, granule, serial, sequence, CRC, segment count
	br := bufio.NewReaderSize(r, 16<<10)
	var serial uint32
	for first := true; ; first = false {
		head, err := br.Peek(headerLen)
		switch {
		case len(head) == 0:
			return true // the end of the file, and no end-of-stream page
		case len(head) < 4 || string(head[:4]) != "OggS":
			return err != nil && len(head) < 4 && string(head) == "OggS"[:len(head)]
		case err != nil:
			return true // a page header cut off
		}
		if first {
			serial = binary.LittleEndian.Uint32(head[14:])
		}
		eos := head[5]&4 != 0 && binary.LittleEndian.Uint32(head[14:]) == serial
		segs := int(head[26])
		table, err := br.Peek(headerLen + segs)
		if err != nil {
			return true
		}
		body := 0
		for _, s := range table[headerLen:] {
			body += int(s)
		}
		if m, _ := br.Discard(headerLen + segs + body); m < headerLen+segs+body {
			return true
		}
		if eos {
			return false
		}
	}
}
