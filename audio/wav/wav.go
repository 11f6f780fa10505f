package wav

import (
	"fmt"
	"strings"
)

// SampleFormat is how a Writer stores each sample.
type SampleFormat int

// The sample formats a Writer can produce.
const (
	Float32 SampleFormat = iota // 32-bit IEEE float (WAVE_FORMAT_IEEE_FLOAT)
	Int24                       // 24-bit PCM
	Int16                       // 16-bit PCM
)

var sampleFormatNames = [...]string{Float32: "f32", Int24: "s24", Int16: "s16"}

// ParseSampleFormat returns the SampleFormat named s: "f32", "s24" or "s16".
func ParseSampleFormat(s string) (SampleFormat, error) {
	for f, name := range sampleFormatNames {
		if s == name {
			return SampleFormat(f), nil
		}
	}
	return 0, fmt.Errorf("wav: unknown sample format %q (valid: %s)", s, strings.Join(sampleFormatNames[:], ", "))
}

// String returns the name ParseSampleFormat accepts: "f32", "s24" or "s16".
func (f SampleFormat) String() string {
	if f.valid() {
		return sampleFormatNames[f]
	}
	return fmt.Sprintf("SampleFormat(%d)", int(f))
}

func (f SampleFormat) valid() bool { return f >= 0 && int(f) < len(sampleFormatNames) }

// bytes returns the size of one stored sample.
func (f SampleFormat) bytes() int {
	switch f {
	case Int16:
		return 2
	case Int24:
		return 3
	default:
		return 4
	}
}

// WAVE format tags (RFC 2361, mmreg.h).
const (
	tagPCM        = 0x0001
	tagIEEEFloat  = 0x0003
	tagExtensible = 0xFFFE
)

// guidSuffix is the tail shared by the KSDATAFORMAT_SUBTYPE GUIDs of
// WAVE_FORMAT_EXTENSIBLE: the subtype is the format tag as little-endian
// uint16 followed by these 14 bytes (00000000-0010-0010-8000-00aa00389b71).
var guidSuffix = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}
