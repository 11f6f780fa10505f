package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"gridbox/audio"
)

// scratchBytes bounds the Writer's reused conversion buffer; larger Writes are
// converted and written in pieces of this size.
const scratchBytes = 64 << 10

// maxRIFF is the largest size a RIFF chunk can declare.
const maxRIFF = math.MaxUint32

// unknownSize is written in place of the RIFF, fact and data sizes until Close
// patches them, and for good by a stream Writer: ffmpeg's convention for an
// output it cannot seek (it writes 0xFFFFFFFF, leaves out the fact chunk and
// never patches), which readers take as "read to the end": ffmpeg's and sox's
// each with a warning. A recording cut short by a crash still decodes: Decode
// reads a data chunk that claims more bytes than the file holds up to the end
// of the file. (sox itself writes 0x7FFFF000 on a pipe.)
const unknownSize = math.MaxUint32

// A Writer writes interleaved float32 frames to a WAV file or stream.
//
// NewWriter (or NewStreamWriter) writes the header, Write appends frames, and
// Close patches the RIFF, fact and data sizes (a stream Writer leaves them
// unknown). A Writer is used from one goroutine (the offline renderer's or the
// control side's); Write does not allocate once its 64 KiB scratch buffer
// exists, so it can be called once per rendered block.
//
// After any write error the Writer is broken: later calls return that error.
type Writer struct {
	w        io.Writer
	seeker   io.Seeker // nil for a stream: the sizes stay unknown
	sf       SampleFormat
	channels int
	start    int64 // offset in w where the RIFF header begins
	header   int64 // bytes before the sample data
	sizeAt   int64 // offset of the data chunk size, relative to start
	factAt   int64 // offset of the fact sample count, or 0 without fact
	data     int64 // sample bytes written so far
	scratch  []byte
	err      error
	closed   bool
}

// NewWriter writes a WAV header for format f and sample format sf to w at its
// current offset. Write appends interleaved frames; Close patches the RIFF and
// data sizes (w must therefore be an io.WriteSeeker) and does not close w.
//
// PCM is written as a plain WAVE_FORMAT_PCM header (44 bytes). Float is written
// as WAVE_FORMAT_IEEE_FLOAT with the 18-byte fmt chunk and the fact chunk that
// the format requires for non-PCM data (58 bytes). WAVE_FORMAT_EXTENSIBLE is
// not written; readers accept the plain tags for any channel count.
func NewWriter(w io.WriteSeeker, f audio.Format, sf SampleFormat) (*Writer, error) {
	start, err := w.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("wav: %w", err)
	}
	return newWriter(w, w, start, f, sf)
}

// NewStreamWriter is NewWriter for an output that cannot seek back: a pipe,
// a FIFO, a terminal, a character device, a file opened for appending. It
// never seeks: the RIFF and data sizes stay 0xFFFFFFFF ("unknown"; readers
// read to the end of the stream), float has no fact chunk (its count would
// be unknown too; ffmpeg leaves it out likewise, and readers need it only
// for compressed formats), Close writes nothing, and the 4 GiB limit of a
// WAV file's sizes does not apply.
func NewStreamWriter(w io.Writer, f audio.Format, sf SampleFormat) (*Writer, error) {
	return newWriter(w, nil, 0, f, sf)
}

func newWriter(w io.Writer, seeker io.Seeker, start int64, f audio.Format, sf SampleFormat) (*Writer, error) {
	if !sf.valid() {
		return nil, fmt.Errorf("wav: invalid sample format %v", sf)
	}
	if f.Channels < 1 {
		return nil, fmt.Errorf("wav: %d channels: need at least 1", f.Channels)
	}
	size := sf.bytes()
	blockAlign := f.Channels * size
	if blockAlign > math.MaxUint16 {
		return nil, fmt.Errorf("wav: %d channels of %d bytes do not fit a WAV frame", f.Channels, size)
	}
	if f.SampleRate < 1 || int64(f.SampleRate)*int64(blockAlign) > math.MaxUint32 {
		return nil, fmt.Errorf("wav: sample rate %d Hz is out of range", f.SampleRate)
	}

	tag, fmtSize := uint16(tagPCM), uint32(16)
	if sf == Float32 {
		tag, fmtSize = tagIEEEFloat, 18
	}
	h := make([]byte, 0, 58)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, unknownSize)
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, fmtSize)
	h = binary.LittleEndian.AppendUint16(h, tag)
	h = binary.LittleEndian.AppendUint16(h, uint16(f.Channels))
	h = binary.LittleEndian.AppendUint32(h, uint32(f.SampleRate))
	h = binary.LittleEndian.AppendUint32(h, uint32(int64(f.SampleRate)*int64(blockAlign)))
	h = binary.LittleEndian.AppendUint16(h, uint16(blockAlign))
	h = binary.LittleEndian.AppendUint16(h, uint16(8*size))
	wr := &Writer{w: w, seeker: seeker, sf: sf, channels: f.Channels, start: start}
	if sf == Float32 {
		h = binary.LittleEndian.AppendUint16(h, 0) // cbSize
	}
	if sf == Float32 && seeker != nil {
		h = append(h, "fact"...)
		h = binary.LittleEndian.AppendUint32(h, 4)
		wr.factAt = int64(len(h))
		h = binary.LittleEndian.AppendUint32(h, unknownSize)
	}
	h = append(h, "data"...)
	wr.sizeAt = int64(len(h))
	h = binary.LittleEndian.AppendUint32(h, unknownSize)
	wr.header = int64(len(h))
	if _, err := w.Write(h); err != nil {
		return nil, fmt.Errorf("wav: writing header: %w", err)
	}
	return wr, nil
}

// Write appends frames, interleaved as described by audio.Format; len(frames)
// must be a whole number of frames. Integer formats clamp each sample to
// [-1, 1] and round x*(2^(n-1)-1) to nearest (NaN is written as 0); Float32
// stores the bits unchanged.
func (w *Writer) Write(frames []float32) error { return write(w, frames, encode) }

// WritePCM16 is Write for a Writer of Int16, with the samples as they are
// stored: each is written unchanged, so Decode reads sample/32768 back
// bit-exact (where Write's symmetric scaling by 32767 would not). A Writer of
// another format refuses it (without breaking).
func (w *Writer) WritePCM16(frames []int16) error {
	if w.sf != Int16 {
		return fmt.Errorf("wav: WritePCM16 writes s16, not %v", w.sf)
	}
	return write(w, frames, encodePCM16)
}

// write is Write and WritePCM16: enc converts samples into the file's bytes
// (a plain function, so that no closure is allocated).
func write[T float32 | int16](w *Writer, frames []T, enc func([]byte, []T, SampleFormat)) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("wav: Write after Close")
	}
	if len(frames)%w.channels != 0 {
		return fmt.Errorf("wav: Write of %d samples is not a whole number of %d-channel frames", len(frames), w.channels)
	}
	size := w.sf.bytes()
	if w.seeker != nil && w.header-8+w.data+int64(len(frames)*size)+1 > maxRIFF {
		w.err = errors.New("wav: data would exceed the 4 GiB RIFF size limit")
		return w.err
	}
	if w.scratch == nil {
		w.scratch = make([]byte, scratchBytes)
	}
	per := scratchBytes / size
	for len(frames) > 0 {
		n := min(len(frames), per)
		b := w.scratch[:n*size]
		enc(b, frames[:n], w.sf)
		if _, err := w.w.Write(b); err != nil {
			w.err = fmt.Errorf("wav: %w", err)
			return w.err
		}
		w.data += int64(len(b))
		frames = frames[n:]
	}
	return nil
}

// encodePCM16 stores 16-bit samples as they are.
func encodePCM16(dst []byte, src []int16, _ SampleFormat) {
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], uint16(v))
	}
}

// encode converts src into dst, which holds len(src) samples of format sf.
func encode(dst []byte, src []float32, sf SampleFormat) {
	switch sf {
	case Float32:
		for i, x := range src {
			binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(x))
		}
	case Int24:
		for i, x := range src {
			v := quantize(x, 1<<23-1)
			dst[3*i] = byte(v)
			dst[3*i+1] = byte(v >> 8)
			dst[3*i+2] = byte(v >> 16)
		}
	case Int16:
		for i, x := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], uint16(quantize(x, 1<<15-1)))
		}
	}
}

// quantize clamps x to [-1, 1] and returns round(x*scale), with NaN as 0.
func quantize(x float32, scale float64) int32 {
	v := float64(x)
	switch {
	case v > 1:
		v = 1
	case v < -1:
		v = -1
	case v != v:
		return 0
	}
	return int32(math.Round(v * scale))
}

// Close writes the pad byte an odd-sized data chunk needs, patches the RIFF,
// fact and data sizes, and leaves w positioned at the end of the file; a
// stream Writer's Close does neither. It does not close w. Closing twice
// returns nil the second time.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil || w.seeker == nil {
		return w.err
	}
	end := w.start + w.header + w.data
	if w.data%2 == 1 {
		if _, err := w.w.Write([]byte{0}); err != nil {
			w.err = fmt.Errorf("wav: %w", err)
			return w.err
		}
		end++
	}
	patch := func(at int64, v uint32) error {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], v)
		if _, err := w.seeker.Seek(w.start+at, io.SeekStart); err != nil {
			return err
		}
		_, err := w.w.Write(b[:])
		return err
	}
	err := patch(4, uint32(end-w.start-8))
	if err == nil {
		err = patch(w.sizeAt, uint32(w.data))
	}
	if err == nil && w.factAt != 0 {
		err = patch(w.factAt, uint32(w.data/int64(w.channels*w.sf.bytes())))
	}
	if err == nil {
		_, err = w.seeker.Seek(end, io.SeekStart)
	}
	if err != nil {
		w.err = fmt.Errorf("wav: patching header: %w", err)
	}
	return w.err
}

// headerSize is the size of the header NewWriter writes for sf: 44 bytes for
// PCM, 58 for float (its fmt chunk is 2 bytes longer and it has a fact chunk).
func headerSize(sf SampleFormat) int64 {
	if sf == Float32 {
		return 58
	}
	return 44
}

// Size returns the size in bytes of the WAV file a Writer writes for frames
// frames of format f in sample format sf: header, samples and pad byte.
func Size(f audio.Format, sf SampleFormat, frames int64) int64 {
	data := frames * int64(f.Channels*sf.bytes())
	return headerSize(sf) + data + data%2
}

// MaxFrames returns the most frames of format f in sample format sf that a
// file Writer (NewWriter) takes: its sizes must fit the RIFF header's 32
// bits, so a WAV file holds at most 4 GiB. A stream Writer has no limit.
func MaxFrames(f audio.Format, sf SampleFormat) int64 {
	return (maxRIFF + 7 - headerSize(sf)) / int64(f.Channels*sf.bytes())
}

// Encode writes b to w as a complete WAV file in sample format sf.
func Encode(w io.WriteSeeker, b *audio.Buffer, sf SampleFormat) error {
	if b == nil {
		return errors.New("wav: Encode of a nil Buffer")
	}
	wr, err := NewWriter(w, audio.Format{SampleRate: b.Rate, Channels: b.Channels}, sf)
	if err != nil {
		return err
	}
	if err := wr.Write(b.Floats()); err != nil {
		return err
	}
	return wr.Close()
}
