// Package pcmtest builds WAV and AIFF files byte by byte for the tests of the
// uncompressed readers (audio/wav, audio/aiff, audio/codec): every sample
// format and chunk layout, damaged ones included. Nothing here checks its
// arguments: a test that wants a lying header just writes one.
package pcmtest

import (
	"encoding/binary"
	"math"
)

// Order is a byte order: binary.LittleEndian or binary.BigEndian.
type Order interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// A Chunk is one chunk of a hand-built file.
type Chunk struct {
	ID   string
	Body []byte
	Size uint32 // the size declared in the file; 0 means len(Body)
}

// RIFF builds a RIFF/WAVE file from chunks.
func RIFF(chunks ...Chunk) []byte { return build(binary.LittleEndian, "RIFF", "WAVE", chunks) }

// AIFF builds an AIFF file from chunks.
func AIFF(chunks ...Chunk) []byte { return build(binary.BigEndian, "FORM", "AIFF", chunks) }

// AIFC builds an AIFF-C file from chunks, after its FVER chunk.
func AIFC(chunks ...Chunk) []byte {
	fver := Chunk{ID: "FVER", Body: []byte{0xA2, 0x80, 0x51, 0x40}} // AIFF-C version 1
	return build(binary.BigEndian, "FORM", "AIFC", append([]Chunk{fver}, chunks...))
}

// build writes the file header (magic, the size of the rest, form) and the
// chunks, padding odd-sized bodies.
func build(order Order, magic, form string, chunks []Chunk) []byte {
	var b []byte
	for _, c := range chunks {
		size := c.Size
		if size == 0 {
			size = uint32(len(c.Body))
		}
		b = append(b, c.ID...)
		b = order.AppendUint32(b, size)
		b = append(b, c.Body...)
		if len(c.Body)%2 == 1 {
			b = append(b, 0)
		}
	}
	h := order.AppendUint32([]byte(magic), uint32(4+len(b)))
	return append(append(h, form...), b...)
}

// WAVE format tags.
const (
	TagPCM        = 0x0001
	TagIEEEFloat  = 0x0003
	TagExtensible = 0xFFFE
)

// Fmt returns a plain 16-byte WAV fmt chunk.
func Fmt(tag uint16, channels int, rate uint32, bits int) Chunk {
	return Chunk{ID: "fmt ", Body: FmtBody(tag, channels, rate, bits)}
}

// FmtBody returns the body of a plain 16-byte fmt chunk.
func FmtBody(tag uint16, channels int, rate uint32, bits int) []byte {
	align := channels * bits / 8
	le := binary.LittleEndian
	b := le.AppendUint16(nil, tag)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, rate)
	b = le.AppendUint32(b, rate*uint32(align))
	b = le.AppendUint16(b, uint16(align))
	return le.AppendUint16(b, uint16(bits))
}

// guidSuffix is the tail of the KSDATAFORMAT_SUBTYPE GUIDs.
var guidSuffix = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// Ext returns a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk whose subformat is
// the GUID for the format tag sub.
func Ext(sub uint16, channels int, rate uint32, bits, valid int) Chunk {
	le := binary.LittleEndian
	b := FmtBody(TagExtensible, channels, rate, bits)
	b = le.AppendUint16(b, 22)
	b = le.AppendUint16(b, uint16(valid))
	b = le.AppendUint32(b, 3) // front left | front right
	b = le.AppendUint16(b, sub)
	b = append(b, guidSuffix[:]...)
	return Chunk{ID: "fmt ", Body: b}
}

// Comm returns an AIFF COMM chunk: bits is the sample size it declares.
func Comm(channels, frames, bits int, rate float64) Chunk {
	be := binary.BigEndian
	b := be.AppendUint16(nil, uint16(channels))
	b = be.AppendUint32(b, uint32(frames))
	b = be.AppendUint16(b, uint16(bits))
	x := Extended(rate)
	return Chunk{ID: "COMM", Body: append(b, x[:]...)}
}

// CommC returns an AIFF-C COMM chunk with compression type kind and its name
// (a Pascal string, padded to an even length).
func CommC(channels, frames, bits int, rate float64, kind, name string) Chunk {
	c := Comm(channels, frames, bits, rate)
	c.Body = append(append(c.Body, kind...), byte(len(name)))
	c.Body = append(c.Body, name...)
	if len(name)%2 == 0 {
		c.Body = append(c.Body, 0)
	}
	return c
}

// SSND returns an AIFF sound data chunk with offset bytes (0xEE) before the
// samples and a block size of 0.
func SSND(offset int, data []byte) Chunk {
	be := binary.BigEndian
	b := be.AppendUint32(nil, uint32(offset))
	b = be.AppendUint32(b, 0)
	for range offset {
		b = append(b, 0xEE)
	}
	return Chunk{ID: "SSND", Body: append(b, data...)}
}

// Extended encodes a finite x ≥ 0 as an 80-bit IEEE 754 extended float, the
// form of AIFF's sample rate.
func Extended(x float64) [10]byte {
	var b [10]byte
	if x == 0 {
		return b
	}
	frac, exp := math.Frexp(x) // x = frac × 2^exp, frac in [0.5, 1)
	binary.BigEndian.PutUint16(b[:], uint16(exp-1+16383))
	binary.BigEndian.PutUint64(b[2:], uint64(frac*(1<<64)))
	return b
}

// Ints encodes integer samples in the given byte size and order.
func Ints(order Order, size int, v ...int64) []byte {
	var b []byte
	for _, x := range v {
		s := make([]byte, 8)
		if order == binary.BigEndian {
			binary.BigEndian.PutUint64(s, uint64(x))
			s = s[8-size:]
		} else {
			binary.LittleEndian.PutUint64(s, uint64(x))
			s = s[:size]
		}
		b = append(b, s...)
	}
	return b
}

// Floats32 encodes float32 samples in the given order.
func Floats32(order Order, v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = order.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// Floats64 encodes float64 samples in the given order.
func Floats64(order Order, v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = order.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// Scaled returns v/2^shift as float32: what the readers decode integer
// samples of shift+1 bits to.
func Scaled(shift int, v ...int64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / float64(int64(1)<<shift))
	}
	return out
}
