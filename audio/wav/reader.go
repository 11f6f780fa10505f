package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"gridbox/audio"
)

// Limits on what Decode accepts.
const (
	// MinRate and MaxRate bound the sample rates Decode accepts. Below 1 kHz a
	// "sample rate" is a damaged header, and resampling it to 48 kHz would blow
	// the buffer up by more than 48 times.
	MinRate = 1000
	MaxRate = 768000

	// MaxSamples caps a decoded Buffer at 1 GiB of float32 samples.
	MaxSamples = 1 << 28
)

// readBlock is how many data bytes Decode converts at a time.
const readBlock = 64 << 10

// Decode reads a whole WAV file from r into a Buffer.
//
// It accepts WAVE_FORMAT_PCM (unsigned 8-bit, signed 16, 24 and 32-bit),
// WAVE_FORMAT_IEEE_FLOAT (32 and 64-bit) and WAVE_FORMAT_EXTENSIBLE with a PCM
// or IEEE float subformat. Integer samples are scaled by 1/2^(n-1) into
// [-1, 1); float samples are kept as they are, except that NaN and ±Inf decode
// as 0 so a damaged file cannot poison the mix. A file with more than two
// channels keeps the first two (front left and right in WAVE channel order);
// the Buffer is mono or stereo.
//
// Chunks may come in any order: unknown chunks (LIST, bext, cue, smpl, JUNK,
// …) are skipped, odd-sized chunks are followed by their pad byte, and a data
// chunk before the fmt chunk is held until the fmt chunk arrives. The RIFF size
// is not checked (many writers get it wrong).
//
// Truncation: the RIFF header and the fmt chunk must be complete, but a data
// chunk that claims more bytes than the file holds (a recording cut short, or
// a streaming writer's 0xFFFFFFFF placeholder) decodes the whole frames that
// are there without an error.
//
// Malformed input gives an error prefixed "wav: ", never a panic. Memory is
// only allocated for bytes actually read (or known to be available when r has
// a Len method or is an io.Seeker), never from a declared size alone, and a
// file that would decode to more than MaxSamples samples is refused.
func Decode(r io.Reader) (*audio.Buffer, error) { return decode(r, false) }

// DecodeCompact is Decode for playback: 16-bit PCM mono or stereo comes back
// in Buffer.PCM16 (exact, half the memory of float32), other formats in
// Buffer.Data. The samples live in audio's pre-faulted sample memory.
func DecodeCompact(r io.Reader) (*audio.Buffer, error) { return decode(r, true) }

func decode(r io.Reader, compact bool) (*audio.Buffer, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, readErr("RIFF header", err)
	}
	switch string(hdr[:4]) {
	case "RIFF":
	case "RIFX":
		return nil, errors.New("wav: big-endian RIFX files are not supported")
	case "RF64", "BW64":
		return nil, fmt.Errorf("wav: %s (64-bit RIFF) files are not supported", hdr[:4])
	default:
		return nil, errors.New("wav: not a RIFF file")
	}
	if string(hdr[8:]) != "WAVE" {
		return nil, fmt.Errorf("wav: RIFF form %q is not WAVE", hdr[8:])
	}

	var (
		f      *format
		early  []byte // a data chunk that came before the fmt chunk
		sawDat bool
	)
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if isEOF(err) {
				break // end of the chunk list (a partial chunk header is trailing junk)
			}
			return nil, fmt.Errorf("wav: %w", err)
		}
		id, size := string(ch[:4]), int64(binary.LittleEndian.Uint32(ch[4:]))
		switch {
		case id == "fmt " && f == nil:
			var err error
			if f, err = readFormat(r, size); err != nil {
				return nil, err
			}
			if sawDat {
				return f.decode(bytes.NewReader(early), int64(len(early)), int64(len(early)), compact)
			}
		case id == "data" && f != nil:
			avail, err := available(r)
			if err != nil {
				return nil, fmt.Errorf("wav: %w", err)
			}
			return f.decode(r, size, avail, compact)
		case id == "data" && !sawDat:
			var err error
			if early, err = readEarly(r, size); err != nil {
				return nil, err
			}
			sawDat = true
			if err := skip(r, size&1); err != nil && !isEOF(err) {
				return nil, fmt.Errorf("wav: %w", err)
			}
		default:
			if err := skip(r, size+size&1); err != nil {
				if !isEOF(err) {
					return nil, fmt.Errorf("wav: skipping %q chunk: %w", id, err)
				}
			}
		}
	}
	if f == nil {
		return nil, errors.New("wav: no fmt chunk")
	}
	return nil, errors.New("wav: no data chunk")
}

// format is a validated fmt chunk.
type format struct {
	float      bool // IEEE float, otherwise integer PCM
	channels   int
	rate       int
	bits       int // container bits per sample: 8, 16, 24, 32 or 64
	blockAlign int
}

// tagNames names format tags that turn up in the wild, for error messages.
var tagNames = map[uint16]string{
	0x0000: "unknown",
	0x0002: "Microsoft ADPCM",
	0x0006: "A-law",
	0x0007: "µ-law",
	0x0011: "IMA ADPCM",
	0x0031: "GSM 6.10",
	0x0050: "MPEG",
	0x0055: "MPEG Layer III",
	0x00FF: "AAC",
	0x1610: "HE-AAC",
	0x2000: "AC-3",
	0xF1AC: "FLAC",
}

// readFormat reads and validates a fmt chunk of the given declared size.
func readFormat(r io.Reader, size int64) (*format, error) {
	if size < 16 {
		return nil, fmt.Errorf("wav: fmt chunk is too short (%d bytes)", size)
	}
	var b [40]byte // the longest fmt chunk we read (WAVE_FORMAT_EXTENSIBLE)
	n := min(size, int64(len(b)))
	if _, err := io.ReadFull(r, b[:n]); err != nil {
		return nil, readErr("fmt chunk", err)
	}
	if err := skip(r, size-n+size&1); err != nil && !isEOF(err) {
		return nil, fmt.Errorf("wav: %w", err)
	}
	le := binary.LittleEndian
	tag := le.Uint16(b[0:])
	rate := le.Uint32(b[4:]) // checked before it becomes an int, which may be 32 bits
	f := &format{
		channels:   int(le.Uint16(b[2:])),
		blockAlign: int(le.Uint16(b[12:])),
		bits:       int(le.Uint16(b[14:])),
	}
	if tag == tagExtensible {
		if n < 40 {
			return nil, fmt.Errorf("wav: WAVE_FORMAT_EXTENSIBLE fmt chunk is too short (%d bytes, want 40)", size)
		}
		if valid := int(le.Uint16(b[18:])); valid > f.bits {
			return nil, fmt.Errorf("wav: %d valid bits in a %d-bit container", valid, f.bits)
		}
		// Samples with fewer valid bits are left-justified in their container,
		// so they decode correctly as container-sized samples.
		guid := b[24:40]
		if [14]byte(guid[2:]) != guidSuffix {
			return nil, fmt.Errorf("wav: WAVE_FORMAT_EXTENSIBLE subformat %s is not supported", formatGUID(guid))
		}
		tag = le.Uint16(guid)
	}
	switch tag {
	case tagPCM:
		if f.bits != 8 && f.bits != 16 && f.bits != 24 && f.bits != 32 {
			return nil, fmt.Errorf("wav: %d-bit PCM is not supported", f.bits)
		}
	case tagIEEEFloat:
		f.float = true
		if f.bits != 32 && f.bits != 64 {
			return nil, fmt.Errorf("wav: %d-bit float is not supported", f.bits)
		}
	default:
		name := tagNames[tag]
		if name == "" {
			name = "unknown"
		}
		return nil, fmt.Errorf("wav: format tag 0x%04X (%s) is not supported", tag, name)
	}
	if f.channels == 0 {
		return nil, errors.New("wav: fmt chunk declares 0 channels")
	}
	if rate < MinRate || rate > MaxRate {
		return nil, fmt.Errorf("wav: sample rate %d Hz is out of range (%d..%d)", rate, MinRate, MaxRate)
	}
	f.rate = int(rate)
	if f.blockAlign != f.channels*f.bits/8 {
		return nil, fmt.Errorf("wav: block align %d does not match %d channels of %d bits", f.blockAlign, f.channels, f.bits)
	}
	return f, nil
}

// formatGUID formats a little-endian Windows GUID as text.
func formatGUID(g []byte) string {
	le := binary.LittleEndian
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", le.Uint32(g), le.Uint16(g[4:]), le.Uint16(g[6:]), g[8:10], g[10:16])
}

// decode reads the data chunk of declared size from r and converts it. avail
// is how many bytes r holds, or -1 if unknown; it only sizes the allocation.
func (f *format) decode(r io.Reader, size, avail int64, compact bool) (*audio.Buffer, error) {
	keep := min(f.channels, 2)
	frameBytes := int64(f.blockAlign)
	bound := size
	if avail >= 0 {
		bound = min(bound, avail)
	}
	if compact && !f.float && f.bits == 16 && keep == f.channels {
		return f.decode16(r, bound, avail >= 0)
	}
	var out []float32
	if avail >= 0 {
		n := bound / frameBytes * int64(keep)
		if n > MaxSamples {
			return nil, errTooBig
		}
		if compact {
			out = audio.MakeSamples(int(n))[:0] // playback: pre-faulted sample memory
		} else {
			out = make([]float32, 0, n)
		}
	}

	block := max(1, readBlock/frameBytes) * frameBytes
	block = min(block, max(frameBytes, bound-bound%frameBytes))
	buf := make([]byte, block)
	for left := bound; left >= frameBytes; {
		n, err := io.ReadFull(r, buf[:min(block, left)])
		left -= int64(n)
		if m := n / int(frameBytes); m > 0 {
			if int64(len(out)+m*keep) > MaxSamples {
				return nil, errTooBig
			}
			out = slices.Grow(out, m*keep)
			f.convert(out[len(out):len(out)+m*keep], buf[:n], keep)
			out = out[:len(out)+m*keep]
		}
		if err != nil {
			if isEOF(err) {
				break // truncated data chunk: keep the whole frames read
			}
			return nil, fmt.Errorf("wav: reading data: %w", err)
		}
	}
	return &audio.Buffer{Rate: f.rate, Channels: keep, Data: out}, nil
}

// decode16 reads bound bytes (or up to the end) of packed 16-bit PCM into
// Buffer.PCM16. Only a bound known to be available (known) sizes the buffer
// up front; a declared size alone never does.
func (f *format) decode16(r io.Reader, bound int64, known bool) (*audio.Buffer, error) {
	frameBytes := int64(f.blockAlign)
	var out []int16
	if known {
		if bound/2 > MaxSamples {
			return nil, errTooBig
		}
		out = audio.MakePCM16(int(bound / frameBytes * int64(f.channels)))[:0]
	}
	block := max(1, readBlock/frameBytes) * frameBytes
	buf := make([]byte, block)
	for left := bound; left >= frameBytes; {
		n, err := io.ReadFull(r, buf[:min(block, left)])
		left -= int64(n)
		n -= n % int(frameBytes)
		if len(out)+n/2 > MaxSamples {
			return nil, errTooBig
		}
		for i := 0; i+1 < n; i += 2 {
			out = append(out, int16(binary.LittleEndian.Uint16(buf[i:])))
		}
		if err != nil {
			if isEOF(err) {
				break
			}
			return nil, fmt.Errorf("wav: reading data: %w", err)
		}
	}
	return &audio.Buffer{Rate: f.rate, Channels: f.channels, PCM16: out}, nil
}

var errTooBig = fmt.Errorf("wav: data decodes to more than %d samples (1 GiB of float32)", MaxSamples)

// convert decodes len(dst)/keep frames from src into dst, keeping the first
// keep channels of each frame.
func (f *format) convert(dst []float32, src []byte, keep int) {
	le := binary.LittleEndian
	stride, size := f.blockAlign, f.bits/8
	if keep == f.channels && stride == keep*size {
		// Every channel kept and packed: one flat pass (the common case,
		// several times faster than the per-channel loops below).
		switch {
		case !f.float && size == 2:
			s := src[:2*len(dst)]
			for i := range dst {
				dst[i] = float32(int16(le.Uint16(s[2*i:]))) * 0x1p-15
			}
			return
		case !f.float && size == 3:
			s := src[:3*len(dst)]
			for i := range dst {
				b := s[3*i : 3*i+3]
				dst[i] = float32(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24)>>8) * 0x1p-23
			}
			return
		case f.float && size == 4:
			s := src[:4*len(dst)]
			for i := range dst {
				dst[i] = finite(math.Float32frombits(le.Uint32(s[4*i:])))
			}
			return
		}
	}
	frames := len(dst) / keep
	for c := range keep {
		d, s := dst[c:], src[c*size:]
		switch {
		case f.float && size == 4:
			for i := range frames {
				d[i*keep] = finite(math.Float32frombits(le.Uint32(s[i*stride:])))
			}
		case f.float:
			for i := range frames {
				d[i*keep] = finite(float32(math.Float64frombits(le.Uint64(s[i*stride:]))))
			}
		case size == 1:
			for i := range frames {
				d[i*keep] = float32(int(s[i*stride])-128) * 0x1p-7
			}
		case size == 2:
			for i := range frames {
				d[i*keep] = float32(int16(le.Uint16(s[i*stride:]))) * 0x1p-15
			}
		case size == 3:
			for i := range frames {
				b := s[i*stride : i*stride+3]
				d[i*keep] = float32(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24)>>8) * 0x1p-23
			}
		default:
			for i := range frames {
				d[i*keep] = float32(int32(le.Uint32(s[i*stride:]))) * 0x1p-31
			}
		}
	}
}

// finite returns x, or 0 for NaN and ±Inf.
func finite(x float32) float32 {
	if x-x != 0 {
		return 0
	}
	return x
}

// readEarly reads a data chunk that came before the fmt chunk, up to size
// bytes or the end of r, growing the buffer only as bytes arrive.
func readEarly(r io.Reader, size int64) ([]byte, error) {
	// A data chunk can expand 4 times (8-bit to float32), so this bound is
	// generous; it only guards memory against a never-ending stream.
	const maxEarly = 4 * MaxSamples
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, min(size, maxEarly+1)))
	if err != nil {
		return nil, fmt.Errorf("wav: reading data: %w", err)
	}
	if n > maxEarly {
		return nil, errTooBig
	}
	return buf.Bytes(), nil
}

// skip discards n bytes of r. It returns io.EOF if r ends first.
func skip(r io.Reader, n int64) error {
	if n <= 0 {
		return nil
	}
	m, err := io.CopyN(io.Discard, r, n)
	if m < n && err == nil {
		err = io.EOF
	}
	return err
}

// available returns how many bytes are left in r, or -1 if that cannot be
// known without reading. It fails only if it moved r and could not move it
// back.
func available(r io.Reader) (int64, error) {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len()), nil
	case io.Seeker:
		cur, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1, nil
		}
		end, err := r.Seek(0, io.SeekEnd)
		if _, err := r.Seek(cur, io.SeekStart); err != nil {
			return -1, err
		}
		if err != nil || end < cur {
			return -1, nil
		}
		return end - cur, nil
	}
	return -1, nil
}

func isEOF(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }

// readErr reports a failed read of a required part of the file.
func readErr(what string, err error) error {
	if isEOF(err) {
		return fmt.Errorf("wav: truncated %s", what)
	}
	return fmt.Errorf("wav: reading %s: %w", what, err)
}
