package codec

import (
	"io"

	"gridbox/audio"
)

// A chunkDecoder decodes a compressed stream (FLAC, MP3, Ogg Vorbis) a chunk
// of frames at a time. It is the one decoding path of each of these formats:
// Decode gathers the chunks into a Buffer (whole), Spool writes them to a
// file as they come. Its memory is the third-party decoder's state and one
// chunk (a FLAC frame, 16 Ki frames of MP3, 4 Ki of Vorbis), however long the
// stream.
type chunkDecoder interface {
	// format returns the sample rate, the number of channels of the
	// frames next returns (1 or 2), and whether every sample is a 16-bit
	// integer scaled by 2^-15, which an int16 holds exactly (MP3, and FLAC
	// of up to 16 bits).
	format() (rate, channels int, pcm16 bool)

	// next returns the next chunk of interleaved frames, valid until the
	// following call, or io.EOF after the last. Any other error is in plain
	// words and ends the stream.
	next() ([]float32, error)

	// cut, once next has returned io.EOF, says what is missing if the
	// stream is cut short, or "". It may read the stream again from its
	// start.
	cut() (string, error)
}

// An opener starts a chunkDecoder on the compressed stream at the position
// of r (after any ID3 tags), reading its headers.
type opener func(r io.ReadSeeker) (chunkDecoder, error)

// opener returns the chunkDecoder of a compressed kind, nil for WAV and AIFF.
func (k kind) opener() opener {
	switch k {
	case kindFLAC:
		return openFLAC
	case kindMP3:
		return openMP3
	case kindVorbis:
		return openVorbis
	}
	return nil
}

// start opens a chunkDecoder on r and checks its format, so that a stream
// Decode would refuse is refused before anything is decoded.
func start(open opener, r io.ReadSeeker) (chunkDecoder, error) {
	d, err := open(r)
	if err != nil {
		return nil, err
	}
	rate, channels, _ := d.format()
	if err := checkFormat(rate, channels); err != nil {
		return nil, err
	}
	return d, nil
}

// whole returns the decoder Decode runs for a compressed kind: its
// chunkDecoder's chunks gathered into one Buffer, within maxSamples.
func whole(open opener) decoder {
	return func(r io.ReadSeeker) (*audio.Buffer, string, error) {
		d, err := start(open, r)
		if err != nil {
			return nil, "", err
		}
		var out []float32
		for {
			c, err := d.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, "", err
			}
			at := len(out)
			if out, err = grow(out, len(c)); err != nil {
				return nil, "", err
			}
			copy(out[at:], c)
		}
		cut, err := d.cut()
		if err != nil {
			return nil, "", err
		}
		rate, channels, _ := d.format()
		return &audio.Buffer{Rate: rate, Channels: channels, Data: out}, cut, nil
	}
}
