package pcm

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"

	"gridbox/audio"
)

// A Stream is the sample data of an uncompressed file as its header
// describes it. audio/wav and audio/aiff read headers into Streams.
type Stream struct {
	Format
	Prefix string // what errors start with: "wav" or "aiff"
	Name   string // the format, for messages: "WAV", "AIFF" or "AIFF-C"
	Chunk  string // what the format calls its data chunk, for messages: "data chunk", "sound data chunk"

	Offset int64 // where the first frame starts in the file
	Size   int64 // bytes of samples the data chunk declares from Offset: they may run past the end of the file
	Frames int64 // frames the header declares besides Size (AIFF's COMM chunk), or -1 if it does not

	// Unsized says that Size is a streaming writer's placeholder (WAV's
	// 0xFFFFFFFF, written before the length was known): the samples run
	// to the end of the file, and a shorter file is not cut short.
	Unsized bool

	// Early holds the samples if the file had them before its format chunk
	// and the reader could not seek back to them; it is nil otherwise.
	Early []byte
}

// Bytes returns how many bytes of whole frames the header declares: Size,
// or fewer when Frames says so.
func (s *Stream) Bytes() int64 {
	fb := int64(s.FrameBytes())
	n := s.Size
	if s.Frames >= 0 && s.Frames < math.MaxInt64/fb {
		n = min(n, s.Frames*fb)
	}
	return n - n%fb
}

// Declared returns how many frames the header declares: Frames if it
// declares them apart from Size (even more than Size holds), otherwise as
// many as Size holds.
func (s *Stream) Declared() int64 {
	if s.Frames >= 0 {
		return s.Frames
	}
	return s.Size / int64(s.FrameBytes())
}

// Present returns how many of the frames the header declares a file of
// fileSize bytes holds.
func (s *Stream) Present(fileSize int64) int64 {
	return max(0, min(s.Bytes(), fileSize-s.Offset)) / int64(s.FrameBytes())
}

// Decode reads the header of the file at the start of r with readStream
// (wav.ReadStream or aiff.ReadStream) and decodes its samples with the
// Stream's Decode.
func Decode(r io.Reader, readStream func(io.Reader) (*Stream, error), compact bool) (*audio.Buffer, error) {
	s, err := readStream(r)
	if err != nil {
		return nil, err
	}
	return s.Decode(r, compact)
}

// readBlock is how many bytes of samples Decode converts at a time.
const readBlock = 64 << 10

// tooBig is the message for a file that decodes to more than MaxSamples.
var tooBig = fmt.Sprintf("data decodes to more than %d samples (1 GiB of float32)", MaxSamples)

// Decode reads the samples from r, which is at Offset in the file (r is
// ignored when Early holds them), and converts them into a Buffer: Bytes()
// of them, or the whole frames before the end of r. With compact, 16-bit
// mono or stereo comes back in Buffer.PCM16, and the samples live in audio's
// pre-faulted sample memory.
//
// Memory is only allocated for bytes actually read (or known to be
// available, when r has a Len method or is an io.Seeker), never from a
// declared size alone, and more than MaxSamples samples is an error.
func (s *Stream) Decode(r io.Reader, compact bool) (*audio.Buffer, error) {
	if s.Early != nil {
		r = bytes.NewReader(s.Early)
	}
	avail, err := Available(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Prefix, err)
	}
	keep, fb := s.Keep(), int64(s.FrameBytes())
	bound := s.Bytes()
	if avail >= 0 {
		bound = min(bound, avail)
	}
	b := &audio.Buffer{Rate: s.Rate, Channels: keep}
	pcm16 := compact && s.Is16() && keep == s.Channels
	if avail >= 0 {
		n := bound / fb * int64(keep)
		switch {
		case n > MaxSamples:
			return nil, fmt.Errorf("%s: %s", s.Prefix, tooBig)
		case pcm16:
			b.PCM16 = audio.MakePCM16(int(n))[:0]
		case compact:
			b.Data = audio.MakeSamples(int(n))[:0]
		default:
			b.Data = make([]float32, 0, n)
		}
	}
	block := max(1, readBlock/fb) * fb
	block = min(block, max(fb, bound-bound%fb))
	buf := make([]byte, block)
	for left := bound; left >= fb; {
		n, err := io.ReadFull(r, buf[:min(block, left)])
		left -= int64(n)
		if m := n / int(fb) * keep; m > 0 {
			if b.Len()+m > MaxSamples {
				return nil, fmt.Errorf("%s: %s", s.Prefix, tooBig)
			}
			if pcm16 {
				b.PCM16 = slices.Grow(b.PCM16, m)[:len(b.PCM16)+m]
				s.Convert16(b.PCM16[len(b.PCM16)-m:], buf[:n])
			} else {
				b.Data = slices.Grow(b.Data, m)[:len(b.Data)+m]
				s.Convert(b.Data[len(b.Data)-m:], buf[:n])
			}
		}
		if err != nil {
			if isEOF(err) {
				break // cut short: keep the whole frames read
			}
			return nil, fmt.Errorf("%s: reading data: %w", s.Prefix, err)
		}
	}
	return b, nil
}
