package codec

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/jfreymuth/oggvorbis"
)

// vorbisDecoder decodes an Ogg Vorbis stream, 4 Ki frames per chunk. With
// more than two channels it keeps front left and right, which the Vorbis
// channel mapping puts at 0 and 1 for four channels and at 0 and 2 for three
// and for five or more (L, C, R, …). A stream cut short keeps what decoded
// before the cut; vorbisDecoder tells it by the Ogg pages, whose last one
// must be whole and mark the end of the stream.
type vorbisDecoder struct {
	r           io.ReadSeeker
	start       int64 // where the stream starts in r
	v           *oggvorbis.Reader
	channels    int // in the stream
	left, right int // the channels kept, if more than two
	buf         []float32
	out         []float32 // the chunk, if channels are dropped
	frames      int       // decoded so far
	err         error     // what next returns after the frames decoded with it
}

func openVorbis(r io.ReadSeeker) (chunkDecoder, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	// Hiding Seek stops oggvorbis from scanning to the end for the length,
	// which is not needed; the buffer saves a file a read per page.
	v, err := oggvorbis.NewReader(bufio.NewReaderSize(r, 16<<10))
	if err != nil {
		if isEOF(err) {
			return nil, errors.New("stream ends before any audio (truncated)")
		}
		return nil, errors.New("headers are damaged")
	}
	channels := v.Channels()
	if channels < 1 {
		return nil, fmt.Errorf("%d channels", channels)
	}
	d := &vorbisDecoder{r: r, start: start, v: v, channels: channels, left: 0, right: 1, buf: make([]float32, 4096*channels)}
	if channels == 3 || channels >= 5 {
		d.right = 2
	}
	if channels > 2 {
		d.out = make([]float32, 4096*2)
	}
	return d, nil
}

func (d *vorbisDecoder) format() (int, int, bool) { return d.v.SampleRate(), min(d.channels, 2), false }

func (d *vorbisDecoder) next() ([]float32, error) {
	for d.err == nil {
		n, err := d.v.Read(d.buf)
		frames := n / d.channels
		d.frames += frames
		switch {
		case err == io.EOF:
			d.err = io.EOF
		case err == io.ErrUnexpectedEOF && d.frames > 0:
			d.err = io.EOF // cut short: keep what decoded before the cut
		case err != nil:
			d.err = fmt.Errorf("stream is damaged at %s", seconds(d.frames, d.v.SampleRate()))
		}
		if frames == 0 {
			continue
		}
		if d.out == nil {
			return d.buf[:frames*d.channels], nil
		}
		for i := range frames {
			d.out[2*i] = d.buf[i*d.channels+d.left]
			d.out[2*i+1] = d.buf[i*d.channels+d.right]
		}
		return d.out[:2*frames], nil
	}
	return nil, d.err
}

func (d *vorbisDecoder) cut() (string, error) {
	if _, err := d.r.Seek(d.start, io.SeekStart); err != nil {
		return "", err
	}
	if oggCutOff(d.r) {
		return fmt.Sprintf("Ogg Vorbis stream ends at %s without its last page (truncated)", seconds(d.frames, d.v.SampleRate())), nil
	}
	return "", nil
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
