package aiff

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"gridbox/audio"
	"gridbox/audio/internal/pcm"
)

// Decode reads a whole AIFF or AIFF-C file from r into a Buffer.
//
// It accepts uncompressed integer samples of 1 to 32 bits (stored
// big-endian in whole bytes, left-justified: 12-bit samples decode as 16-bit
// ones) and the AIFF-C compression types that are uncompressed too: "NONE"
// and "twos" (big-endian integers), "sowt" (little-endian integers), "in24"
// and "in32" (big-endian 24 and 32-bit), "42ni" and "23ni" (their
// little-endian forms), "fl32" and "fl64" (big-endian IEEE float) and "raw "
// (8-bit offset binary). Integer samples are scaled by 1/2^(n-1) into
// [-1, 1), where n is the sample's size in whole bytes × 8; float samples are
// kept as they are, except that NaN and ±Inf decode as 0. A file with more
// than two channels keeps the first two (left and right in AIFF's channel
// order); the Buffer is mono or stereo.
//
// The sample rate is an 80-bit IEEE extended float in the file; a rate that
// is not a whole number (old Macintosh files use 22254.5454… Hz) is rounded
// to the nearest one.
//
// Chunks may come in any order: unknown chunks (MARK, INST, COMT, APPL, ID3,
// …) are skipped, odd-sized chunks are followed by their pad byte, and a
// sound data chunk (SSND) before the COMM chunk is held until the COMM chunk
// arrives. The SSND chunk's offset is honoured and its block size ignored
// (it only aligns the data). The FORM size is not checked.
//
// How many frames: those the COMM chunk declares, or fewer if the SSND chunk
// holds fewer; a COMM chunk that declares 0 frames leaves the count to the
// SSND chunk (some streaming writers). An SSND chunk that claims more bytes
// than the file holds decodes the whole frames that are there without an
// error.
//
// Malformed input gives an error prefixed "aiff: ", never a panic, with the
// same limits on memory as audio/wav.
func Decode(r io.Reader) (*audio.Buffer, error) { return pcm.Decode(r, ReadStream, false) }

// DecodeCompact is Decode for playback: 16-bit integer mono or stereo comes
// back in Buffer.PCM16 (exact, half the memory of float32; the bytes are
// swapped to the machine's order), other formats in Buffer.Data. The samples
// live in audio's pre-faulted sample memory.
func DecodeCompact(r io.Reader) (*audio.Buffer, error) {
	return pcm.Decode(r, ReadStream, true)
}

// form is the layout of an AIFF file.
var form = pcm.IFF{
	Prefix: "aiff", Order: binary.BigEndian,
	Format: "COMM", Data: "SSND",
	MinFormat: 18, MaxFormat: 22, // AIFF-C's compression type ends at 22; its name is not needed
}

// ReadStream reads the header of the AIFF or AIFF-C file at the start of r up
// to its sample data, and leaves r there (an SSND chunk before the COMM chunk
// is read into the Stream's Early when r cannot seek back to it). It checks
// what Decode checks, with the same errors; Decode is ReadStream followed by
// the Stream's Decode.
func ReadStream(r io.Reader) (*pcm.Stream, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, pcm.ReadErr("aiff", "FORM header", err)
	}
	if string(hdr[:4]) != "FORM" {
		return nil, errors.New("aiff: not an IFF file (no FORM header)")
	}
	s := &pcm.Stream{Prefix: "aiff", Name: "AIFF", Chunk: "sound data chunk"}
	switch string(hdr[8:]) {
	case "AIFF":
	case "AIFC":
		s.Name = "AIFF-C"
	default:
		return nil, fmt.Errorf("aiff: FORM type %q is not AIFF or AIFC", hdr[8:])
	}
	ch, err := form.Walk(r, int64(len(hdr)), func(body []byte, size int64) error {
		return readComm(s, body, s.Name == "AIFF-C")
	})
	if err != nil {
		return nil, err
	}
	// The SSND chunk starts with the data's offset and a block size.
	if ch.Size < 8 {
		return nil, fmt.Errorf("aiff: SSND chunk is too short (%d bytes)", ch.Size)
	}
	var head [8]byte
	if ch.Early != nil {
		if len(ch.Early) < 8 {
			return nil, errors.New("aiff: truncated SSND chunk")
		}
		copy(head[:], ch.Early)
	} else if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, pcm.ReadErr("aiff", "SSND chunk", err)
	}
	offset := int64(binary.BigEndian.Uint32(head[:]))
	if offset > ch.Size-8 {
		return nil, fmt.Errorf("aiff: the sound data's offset (%d bytes) runs past the end of its SSND chunk (%d bytes)", offset, ch.Size)
	}
	s.Offset, s.Size = ch.Offset+8+offset, ch.Size-8-offset
	if ch.Early != nil {
		s.Early = ch.Early[min(8+offset, int64(len(ch.Early))):]
	} else if err := pcm.Skip(r, offset); err != nil && err != io.EOF {
		return nil, fmt.Errorf("aiff: %w", err)
	}
	return s, nil
}

// compressions are the AIFF-C compression types Decode reads: all of them
// uncompressed.
var compressions = map[string]pcm.Format{
	"NONE": {BigEndian: true},
	"twos": {BigEndian: true},
	"sowt": {},
	"in24": {BigEndian: true, Bits: 24},
	"in32": {BigEndian: true, Bits: 32},
	"42ni": {Bits: 24},
	"23ni": {Bits: 32},
	"fl32": {BigEndian: true, Float: true, Bits: 32},
	"FL32": {BigEndian: true, Float: true, Bits: 32},
	"fl64": {BigEndian: true, Float: true, Bits: 64},
	"FL64": {BigEndian: true, Float: true, Bits: 64},
	"raw ": {Unsigned: true, Bits: 8},
}

// compressionNames names the compressed types that turn up in the wild, for
// error messages.
var compressionNames = map[string]string{
	"ulaw": "µ-law", "ULAW": "µ-law", "alaw": "A-law", "ALAW": "A-law",
	"ima4": "IMA ADPCM", "MAC3": "MACE 3:1", "MAC6": "MACE 6:1",
	"ACE2": "ACE 2:1", "ACE8": "ACE 8:3", "GSM ": "GSM 6.10", "sdx2": "SDX2",
	"QDMC": "QDesign", "QDM2": "QDesign 2", "Qclp": "Qualcomm PureVoice",
	"alac": "Apple Lossless", "G722": "G.722", "G726": "G.726", "G728": "G.728",
}

// readComm reads a COMM chunk's body (at least 18 bytes) into s.Format and
// s.Frames. aifc says whether the file is AIFF-C, whose COMM chunk goes on
// with a compression type.
func readComm(s *pcm.Stream, b []byte, aifc bool) error {
	be := binary.BigEndian
	channels := int(int16(be.Uint16(b[0:])))
	frames := int64(be.Uint32(b[2:]))
	bits := int(int16(be.Uint16(b[6:])))
	f := pcm.Format{BigEndian: true}
	if aifc && len(b) >= 22 { // a short AIFF-C COMM chunk is taken as "NONE"
		kind := string(b[18:22])
		c, ok := compressions[kind]
		if !ok {
			name := compressionNames[kind]
			if name == "" {
				name = "unknown"
			}
			return fmt.Errorf("aiff: AIFF-C compression %q (%s) is not supported", kind, name)
		}
		f = c
		if f.Bits != 0 && !f.Float && bits > f.Bits {
			return fmt.Errorf("aiff: %d-bit samples in AIFF-C %q, which stores %d bits", bits, kind, f.Bits)
		}
	}
	if f.Bits == 0 { // integers stored in whole bytes, left-justified
		if bits < 1 || bits > 32 {
			return fmt.Errorf("aiff: %d-bit samples are not supported", bits)
		}
		f.Bits = (bits + 7) / 8 * 8
	}
	if channels < 1 {
		return fmt.Errorf("aiff: COMM chunk declares %d channels", channels)
	}
	f.Channels = channels
	rate, ok := extended([10]byte(b[8:18]))
	if !ok || rate < pcm.MinRate-0.5 || rate >= pcm.MaxRate+0.5 {
		return fmt.Errorf("aiff: sample rate %s is out of range (%d..%d)", formatRate(rate, ok), pcm.MinRate, pcm.MaxRate)
	}
	f.Rate = int(math.Round(rate))
	s.Format = f
	s.Frames = frames
	if frames == 0 {
		s.Frames = -1 // the SSND chunk's size decides
	}
	return nil
}

// extended converts an 80-bit IEEE 754 extended-precision float (sign, a
// 15-bit exponent biased by 16383, and a 64-bit mantissa with an explicit
// integer bit) to float64. It reports false for infinities and NaNs.
func extended(b [10]byte) (float64, bool) {
	se := binary.BigEndian.Uint16(b[:])
	exp := int(se & 0x7FFF)
	mant := binary.BigEndian.Uint64(b[2:])
	if exp == 0x7FFF {
		return 0, false
	}
	v := math.Ldexp(float64(mant), exp-16383-63)
	if se&0x8000 != 0 {
		v = -v
	}
	return v, true
}

// formatRate formats a sample rate for an error message.
func formatRate(rate float64, ok bool) string {
	if !ok {
		return "infinite or not a number"
	}
	if math.Abs(rate) < 1e15 {
		return strconv.FormatFloat(rate, 'f', -1, 64) + " Hz"
	}
	return fmt.Sprintf("%g Hz", rate)
}
