package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"gridbox/audio/internal/pcm"
)

// ErrNotPCM reports a file that OpenPCM cannot read at any position because
// it is compressed (FLAC, MP3, Ogg Vorbis): decode it whole instead.
var ErrNotPCM = errors.New("not an uncompressed WAV or AIFF file")

// PCMFile is an uncompressed WAV or AIFF file opened for reading frames at
// any position, without decoding it whole: the reader under disk streaming
// of long samples. Not safe for concurrent use (one reader goroutine owns
// it); several PCMFiles may share one io.ReaderAt, such as an *os.File,
// since they read with ReadAt alone (pread: no shared file offset).
//
// It converts with the very code Decode uses, so every frame it reads is
// bit-identical to the same frame of the Buffer Decode returns for the file.
type PCMFile struct {
	r         io.ReaderAt
	name      string
	s         *pcm.Stream
	frames    int64
	truncated bool
	problems  []Problem
	buf       []byte // whole frames read from the file; allocated by the first read, then reused
}

// OpenPCM reads and checks the header of the WAV/AIFF(-C) file r (size bytes
// long; name only for messages). It returns an error wrapping ErrNotPCM for
// FLAC/MP3/Vorbis (compressed: not random access) and a plain-words error for
// a malformed file, both prefixed `codec: "name": ` as Decode's are. Frames()
// is the number of whole frames actually present in the file (declared size
// clipped to the file), Truncated() says whether the header claimed more.
func OpenPCM(r io.ReaderAt, size int64, name string) (*PCMFile, error) {
	sr := io.NewSectionReader(r, 0, size)
	k, err := sniff(sr)
	if err != nil {
		return nil, fmt.Errorf("codec: %q: %w", name, err)
	}
	if !k.pcm() {
		return nil, fmt.Errorf("codec: %q: %w: it is %s (compressed)", name, ErrNotPCM, k.File())
	}
	s, err := readStream(k, sr) // sr can seek, so s.Early stays nil
	if err != nil {
		return nil, fmt.Errorf("codec: %q: %w", name, err)
	}
	frames := s.Present(size)
	problems := misnamed(name, k)
	if cut := pcmTruncated(s, size); cut != "" {
		problems = append([]Problem{{Truncated, cut}}, problems...)
	}
	return &PCMFile{r: r, name: name, s: s, frames: frames, truncated: !s.Unsized && frames < s.Declared(), problems: problems}, nil
}

// Problems returns what LoadFile would report beside the Buffer for the
// file: that it is cut short, that it is misnamed.
func (p *PCMFile) Problems() []Problem { return p.problems }

// Rate returns the file's sample rate in frames per second.
func (p *PCMFile) Rate() int { return p.s.Rate }

// Channels returns 1 or 2: files with more keep front left and right, as
// Decode does.
func (p *PCMFile) Channels() int { return p.s.Keep() }

// Frames returns the number of whole frames in the file.
func (p *PCMFile) Frames() int64 { return p.frames }

// Truncated reports whether the file's header declares more frames than the
// file holds (Decode reports such a file as a Truncated Problem).
func (p *PCMFile) Truncated() bool { return p.truncated }

// Bits returns the size of a sample in the file in bits (8, 16, 24, 32 or
// 64); float: 32 or 64. Integers of other depths (12-bit AIFF) are stored,
// and read, in the next whole number of bytes.
func (p *PCMFile) Bits() int { return p.s.Bits }

// Float reports whether the file holds IEEE float samples.
func (p *PCMFile) Float() bool { return p.s.Float }

// ReadFrames converts frames at..at+len(dst)/Channels() into dst (interleaved
// float32, the same scaling as Decode: bit-identical to the Buffer Decode
// returns for that file) and returns the number of frames read; fewer only at
// the end of the file (then err == io.EOF). It fails if at is negative, or
// if the file has become shorter since it was opened.
func (p *PCMFile) ReadFrames(dst []float32, at int64) (int, error) {
	return readFrames(p, dst, at, pcm.Format.Convert)
}

// ReadPCM16 is ReadFrames for 16-bit files, exact int16 samples (what
// LoadFile's PCM16 holds). Other files are an error.
func (p *PCMFile) ReadPCM16(dst []int16, at int64) (int, error) {
	if !p.s.Is16() {
		return 0, fmt.Errorf("codec: %q: ReadPCM16 reads 16-bit integer samples; the file has %d-bit %s", p.name, p.s.Bits, p.sampleKind())
	}
	if p.s.Keep() == p.s.Channels && p.s.FrameBytes() == 2*p.s.Channels && !p.s.BigEndian && littleEndian {
		return p.readDirect16(dst, at)
	}
	return readFrames(p, dst, at, pcm.Format.Convert16)
}

// littleEndian reports whether this machine stores an int16 as a 16-bit
// little-endian file does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// readDirect16 is ReadPCM16 for a little-endian 16-bit file whose channels
// are all kept, on a little-endian machine: the file's bytes are the
// samples, so they are read straight into dst (a streamed sample's ring),
// with no copy through a buffer.
func (p *PCMFile) readDirect16(dst []int16, at int64) (int, error) {
	ch := int64(p.Channels())
	want := int64(len(dst)) / ch
	if at < 0 {
		return 0, fmt.Errorf("codec: %q: reading at frame %d", p.name, at)
	}
	n := min(want, max(0, p.frames-at))
	if n > 0 {
		fb := 2 * ch
		b := unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), n*fb)
		got, err := p.r.ReadAt(b, p.s.Offset+at*fb)
		if int64(got) < n*fb {
			frames := int64(got) / fb
			return int(frames), p.short(at+frames, err)
		}
	}
	if n < want {
		return int(n), io.EOF
	}
	return int(n), nil
}

func (p *PCMFile) sampleKind() string {
	if p.s.Float {
		return "float"
	}
	return "integers"
}

// readFrames is ReadFrames and ReadPCM16: convert is pcm.Format's Convert or
// Convert16 (method expressions, so no closure is allocated).
func readFrames[T float32 | int16](p *PCMFile, dst []T, at int64, convert func(pcm.Format, []T, []byte)) (int, error) {
	ch := int64(p.Channels())
	want := int64(len(dst)) / ch
	if at < 0 {
		return 0, fmt.Errorf("codec: %q: reading at frame %d", p.name, at)
	}
	n := min(want, max(0, p.frames-at))
	for done := int64(0); done < n; {
		src, err := p.fill(at+done, n-done)
		m := int64(len(src) / p.s.FrameBytes())
		convert(p.s.Format, dst[done*ch:(done+m)*ch], src)
		done += m
		if err != nil {
			return int(done), err
		}
	}
	if n < want {
		return int(n), io.EOF
	}
	return int(n), nil
}

// fill reads up to frames frames from frame at into p.buf and returns them
// (whole frames), with an error if the file ended before them.
func (p *PCMFile) fill(at, frames int64) ([]byte, error) {
	fb := int64(p.s.FrameBytes())
	if p.buf == nil {
		// A block the size Decode reads, or the whole file if smaller.
		p.buf = make([]byte, max(1, min(64<<10/fb, p.frames))*fb)
	}
	b := p.buf[:min(frames, int64(len(p.buf))/fb)*fb]
	n, err := p.r.ReadAt(b, p.s.Offset+at*fb)
	if n == len(b) {
		return b, nil
	}
	got := int64(n) / fb
	return b[:got*fb], p.short(at+got, err)
}

// short returns the error for a read that stopped at frame at, on err.
func (p *PCMFile) short(at int64, err error) error {
	if err == nil || err == io.EOF {
		return fmt.Errorf("codec: %q: the file ends at frame %d, before the %d it held when opened: %w", p.name, at, p.frames, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("codec: %q: reading frame %d: %w", p.name, at, err)
}
