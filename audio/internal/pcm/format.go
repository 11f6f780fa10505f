// Package pcm holds what gridbox's readers of uncompressed audio files share:
// the sample formats WAV and AIFF files store and their conversion to float32
// and int16 (Format), the walk over a chunked file to its format and sample
// data (IFF), and the decoding of that data whole (Stream). audio/wav and
// audio/aiff parse their headers with it, and codec.PCMFile reads frames at
// any position with the same converters, so that a frame read anywhere is
// bit-identical to the frame the whole-file decoder returns.
//
// Threading: everything here runs on the control side (loading a set, or a
// streaming reader's goroutine), never on the audio path. Nothing here keeps
// state between calls.
package pcm

import (
	"encoding/binary"
	"math"
)

// Limits shared by the uncompressed readers.
const (
	// MinRate and MaxRate bound the sample rates the readers accept. Below
	// 1 kHz a "sample rate" is a damaged header, and resampling it to 48 kHz
	// would blow the buffer up by more than 48 times.
	MinRate = 1000
	MaxRate = 768000

	// MaxSamples caps a decoded Buffer at 1 GiB of float32 samples.
	MaxSamples = 1 << 28
)

// Format is how a file stores its samples: interleaved frames of Channels
// samples of Bits/8 bytes each. The readers keep the first two channels of a
// file with more (front left and right in WAV's and AIFF's channel orders).
//
// Integer samples decode as v/2^(Bits-1), into [-1, 1); float samples as they
// are, except that NaN and ±Inf decode as 0 so that a damaged file cannot
// poison the mix.
type Format struct {
	Channels  int  // channels in the file, at least 1
	Rate      int  // frames per second
	Bits      int  // bytes per sample × 8: 8, 16, 24 or 32 for integers, 32 or 64 for float
	Float     bool // IEEE float; otherwise two's complement integers
	BigEndian bool // most significant byte first (AIFF); otherwise least (WAV, AIFF-C "sowt")
	Unsigned  bool // 8-bit samples are offset binary, 128 being 0 (WAV, AIFF-C "raw ")
}

// Valid reports whether Convert can convert f.
func (f Format) Valid() bool {
	switch {
	case f.Channels < 1 || f.Rate < MinRate || f.Rate > MaxRate:
		return false
	case f.Float:
		return (f.Bits == 32 || f.Bits == 64) && !f.Unsigned
	case f.Unsigned:
		return f.Bits == 8
	}
	return f.Bits == 8 || f.Bits == 16 || f.Bits == 24 || f.Bits == 32
}

// FrameBytes returns the size of one frame in the file.
func (f Format) FrameBytes() int { return f.Channels * f.Bits / 8 }

// Keep returns how many channels the readers keep: 1 or 2.
func (f Format) Keep() int { return min(f.Channels, 2) }

// Is16 reports whether f holds 16-bit integer samples, which Convert16 reads
// exactly.
func (f Format) Is16() bool { return !f.Float && f.Bits == 16 }

// Convert decodes len(dst)/Keep() frames from src into dst (interleaved,
// Keep() channels). src must hold that many whole frames; Convert rewrites
// it in place (to little-endian, offset-binary 8-bit) as it goes, so pass a
// scratch buffer.
func (f Format) Convert(dst []float32, src []byte) {
	keep, frames, src := f.prepare(len(dst), src)
	le := binary.LittleEndian
	size := f.Bits / 8
	if keep == f.Channels {
		// Every channel kept: one flat pass over packed samples (the common
		// case, several times faster than the per-channel loops below).
		dst = dst[:frames*keep]
		switch {
		case !f.Float && size == 2:
			src = src[:2*len(dst)] // no bounds checks in the loop
			for i := range dst {
				dst[i] = float32(int16(le.Uint16(src[2*i:]))) * 0x1p-15
			}
			return
		case !f.Float && size == 3:
			for i := range dst {
				dst[i] = s24(src[3*i:])
			}
			return
		case f.Float && size == 4:
			for i := range dst {
				dst[i] = finite(math.Float32frombits(le.Uint32(src[4*i:])))
			}
			return
		}
	}
	stride := f.FrameBytes()
	for c := range keep {
		d, s := dst[c:], src[c*size:]
		switch {
		case f.Float && size == 4:
			for i := range frames {
				d[i*keep] = finite(math.Float32frombits(le.Uint32(s[i*stride:])))
			}
		case f.Float:
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
				d[i*keep] = s24(s[i*stride:])
			}
		default:
			for i := range frames {
				d[i*keep] = float32(int32(le.Uint32(s[i*stride:]))) * 0x1p-31
			}
		}
	}
}

// Convert16 is Convert for 16-bit integer formats (Is16): it copies the
// samples exactly. The float32 Convert returns is sample/32768.
func (f Format) Convert16(dst []int16, src []byte) {
	keep, frames, src := f.prepare(len(dst), src)
	le := binary.LittleEndian
	if keep == f.Channels { // every channel kept: one flat pass
		dst = dst[:frames*keep]
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = int16(le.Uint16(src[2*i:]))
		}
		return
	}
	stride := f.FrameBytes()
	for c := range keep {
		d, s := dst[c:], src[2*c:]
		for i := range frames {
			d[i*keep] = int16(le.Uint16(s[i*stride:]))
		}
	}
}

// prepare returns how many channels and frames a converter writes into a
// destination of n samples, and the source bytes they come from, rewritten
// to the converters' layout.
func (f Format) prepare(n int, src []byte) (keep, frames int, native []byte) {
	keep = f.Keep()
	frames = n / keep
	native = src[:frames*f.FrameBytes()]
	f.native(native)
	return keep, frames, native
}

// native rewrites samples in place to the one layout the converters read:
// little-endian, and 8-bit as offset binary.
func (f Format) native(b []byte) {
	be, le := binary.BigEndian, binary.LittleEndian
	switch size := f.Bits / 8; {
	case size == 1 && !f.Unsigned:
		for i := range b {
			b[i] ^= 0x80
		}
	case !f.BigEndian || size == 1:
	case size == 2:
		for i := 0; i+2 <= len(b); i += 2 {
			le.PutUint16(b[i:], be.Uint16(b[i:]))
		}
	case size == 3:
		for i := 0; i+3 <= len(b); i += 3 {
			b[i], b[i+2] = b[i+2], b[i]
		}
	case size == 4:
		for i := 0; i+4 <= len(b); i += 4 {
			le.PutUint32(b[i:], be.Uint32(b[i:]))
		}
	case size == 8:
		for i := 0; i+8 <= len(b); i += 8 {
			le.PutUint64(b[i:], be.Uint64(b[i:]))
		}
	}
}

// s24 decodes the little-endian 24-bit sample at the start of b.
func s24(b []byte) float32 {
	return float32(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24)>>8) * 0x1p-23
}

// finite returns x, or 0 for NaN and ±Inf.
func finite(x float32) float32 {
	if x-x != 0 {
		return 0
	}
	return x
}
