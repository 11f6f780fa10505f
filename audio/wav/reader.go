package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"gridbox/audio"
	"gridbox/audio/internal/pcm"
)

// Limits on what Decode accepts (shared with the other uncompressed
// formats).
const (
	// MinRate and MaxRate bound the sample rates Decode accepts. Below 1 kHz a
	// "sample rate" is a damaged header, and resampling it to 48 kHz would blow
	// the buffer up by more than 48 times.
	MinRate = pcm.MinRate
	MaxRate = pcm.MaxRate

	// MaxSamples caps a decoded Buffer at 1 GiB of float32 samples.
	MaxSamples = pcm.MaxSamples
)

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
func Decode(r io.Reader) (*audio.Buffer, error) { return pcm.Decode(r, ReadStream, false) }

// DecodeCompact is Decode for playback: 16-bit PCM mono or stereo comes back
// in Buffer.PCM16 (exact, half the memory of float32), other formats in
// Buffer.Data. The samples live in audio's pre-faulted sample memory.
func DecodeCompact(r io.Reader) (*audio.Buffer, error) {
	return pcm.Decode(r, ReadStream, true)
}

// riffLayout is the layout of a RIFF/WAVE file.
var riffLayout = pcm.IFF{
	Prefix: "wav", Order: binary.LittleEndian,
	Format: "fmt ", Data: "data",
	MinFormat: 16, MaxFormat: 40, // the longest fmt chunk read: WAVE_FORMAT_EXTENSIBLE's
}

// ReadStream reads the header of the WAV file at the start of r up to its
// sample data, and leaves r there (a data chunk before the fmt chunk is read
// into the Stream's Early when r cannot seek back to it). It checks what
// Decode checks, with the same errors; Decode is ReadStream followed by the
// Stream's Decode. The data chunk's 0xFFFFFFFF placeholder makes the Stream
// Unsized.
func ReadStream(r io.Reader) (*pcm.Stream, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, pcm.ReadErr("wav", "RIFF header", err)
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
	var f pcm.Format
	ch, err := riffLayout.Walk(r, int64(len(hdr)), func(body []byte, size int64) (err error) {
		f, err = readFormat(body, size)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &pcm.Stream{
		Format: f, Prefix: "wav", Name: "WAV", Chunk: "data chunk",
		Offset: ch.Offset, Size: ch.Size, Frames: -1, Unsized: ch.Size == unknownSize,
		Early: ch.Early,
	}, nil
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

// readFormat validates a fmt chunk: body is its first 40 bytes (or all of
// it), size its declared size.
func readFormat(b []byte, size int64) (pcm.Format, error) {
	le := binary.LittleEndian
	tag := le.Uint16(b[0:])
	rate := le.Uint32(b[4:]) // checked before it becomes an int, which may be 32 bits
	channels := int(le.Uint16(b[2:]))
	blockAlign := int(le.Uint16(b[12:]))
	f := pcm.Format{Channels: channels, Bits: int(le.Uint16(b[14:]))}
	if tag == tagExtensible {
		if len(b) < 40 {
			return f, fmt.Errorf("wav: WAVE_FORMAT_EXTENSIBLE fmt chunk is too short (%d bytes, want 40)", size)
		}
		if valid := int(le.Uint16(b[18:])); valid > f.Bits {
			return f, fmt.Errorf("wav: %d valid bits in a %d-bit container", valid, f.Bits)
		}
		// Samples with fewer valid bits are left-justified in their container,
		// so they decode correctly as container-sized samples.
		guid := b[24:40]
		if [14]byte(guid[2:]) != guidSuffix {
			return f, fmt.Errorf("wav: WAVE_FORMAT_EXTENSIBLE subformat %s is not supported", formatGUID(guid))
		}
		tag = le.Uint16(guid)
	}
	switch tag {
	case tagPCM:
		if f.Bits != 8 && f.Bits != 16 && f.Bits != 24 && f.Bits != 32 {
			return f, fmt.Errorf("wav: %d-bit PCM is not supported", f.Bits)
		}
		f.Unsigned = f.Bits == 8
	case tagIEEEFloat:
		f.Float = true
		if f.Bits != 32 && f.Bits != 64 {
			return f, fmt.Errorf("wav: %d-bit float is not supported", f.Bits)
		}
	default:
		name := tagNames[tag]
		if name == "" {
			name = "unknown"
		}
		return f, fmt.Errorf("wav: format tag 0x%04X (%s) is not supported", tag, name)
	}
	if f.Channels == 0 {
		return f, errors.New("wav: fmt chunk declares 0 channels")
	}
	if rate < MinRate || rate > MaxRate {
		return f, fmt.Errorf("wav: sample rate %d Hz is out of range (%d..%d)", rate, MinRate, MaxRate)
	}
	f.Rate = int(rate)
	if blockAlign != f.FrameBytes() {
		return f, fmt.Errorf("wav: block align %d does not match %d channels of %d bits", blockAlign, f.Channels, f.Bits)
	}
	return f, nil
}

// formatGUID formats a little-endian Windows GUID as text.
func formatGUID(g []byte) string {
	le := binary.LittleEndian
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", le.Uint32(g), le.Uint16(g[4:]), le.Uint16(g[6:]), g[8:10], g[10:16])
}
