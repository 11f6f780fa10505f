package aiff

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"

	"gridbox/audio/internal/pcm/pcmtest"
)

type chunk = pcmtest.Chunk

var (
	be, le = binary.BigEndian, binary.LittleEndian
	scaled = pcmtest.Scaled
	s16    = []int64{-32768, 32767, 0, -1, 16384, -16384}
	s24    = []int64{-8388608, 8388607, 1, -1}
	s32    = []int64{-1 << 31, 1<<31 - 1, 1 << 16, -(1 << 16), 12345678, -87654321}
	comt   = chunk{ID: "COMT", Body: []byte("odd")} // odd-sized: padded
)

// variants are hand-built files of every sample format and chunk layout
// Decode reads, with what they decode to. FuzzDecode seeds from them.
var variants = []struct {
	name     string
	file     []byte
	rate     int
	channels int
	want     []float32
}{
	{"s8 mono", pcmtest.AIFF(pcmtest.Comm(1, 5, 8, 8000), pcmtest.SSND(0, []byte{0x80, 0xC0, 0, 0x40, 0x7F})),
		8000, 1, []float32{-1, -0.5, 0, 0.5, 127.0 / 128}},
	{"s16 stereo", pcmtest.AIFF(pcmtest.Comm(2, 3, 16, 44100), pcmtest.SSND(0, pcmtest.Ints(be, 2, s16...))),
		44100, 2, scaled(15, s16...)},
	{"s24 mono", pcmtest.AIFF(pcmtest.Comm(1, 4, 24, 48000), pcmtest.SSND(0, pcmtest.Ints(be, 3, s24...))),
		48000, 1, scaled(23, s24...)},
	{"s32 stereo", pcmtest.AIFF(pcmtest.Comm(2, 3, 32, 96000), pcmtest.SSND(0, pcmtest.Ints(be, 4, s32...))),
		96000, 2, scaled(31, s32...)},
	{"12-bit left-justified in 16", pcmtest.AIFF(pcmtest.Comm(1, 2, 12, 22050), pcmtest.SSND(0, pcmtest.Ints(be, 2, 2047<<4, -2048<<4))),
		22050, 1, scaled(15, 2047<<4, -2048<<4)},
	{"20-bit left-justified in 24", pcmtest.AIFF(pcmtest.Comm(1, 2, 20, 22050), pcmtest.SSND(0, pcmtest.Ints(be, 3, 16, -16))),
		22050, 1, scaled(23, 16, -16)},
	{"AIFF-C NONE", pcmtest.AIFC(pcmtest.CommC(2, 3, 16, 44100, "NONE", "not compressed"), pcmtest.SSND(0, pcmtest.Ints(be, 2, s16...))),
		44100, 2, scaled(15, s16...)},
	{"AIFF-C twos 8-bit", pcmtest.AIFC(pcmtest.CommC(1, 2, 8, 8000, "twos", ""), pcmtest.SSND(0, []byte{0x80, 0x40})),
		8000, 1, []float32{-1, 0.5}},
	{"AIFF-C sowt 16-bit", pcmtest.AIFC(pcmtest.CommC(2, 3, 16, 44100, "sowt", ""), pcmtest.SSND(0, pcmtest.Ints(le, 2, s16...))),
		44100, 2, scaled(15, s16...)},
	{"AIFF-C sowt 24-bit", pcmtest.AIFC(pcmtest.CommC(1, 4, 24, 48000, "sowt", ""), pcmtest.SSND(0, pcmtest.Ints(le, 3, s24...))),
		48000, 1, scaled(23, s24...)},
	{"AIFF-C in24", pcmtest.AIFC(pcmtest.CommC(1, 4, 24, 48000, "in24", ""), pcmtest.SSND(0, pcmtest.Ints(be, 3, s24...))),
		48000, 1, scaled(23, s24...)},
	{"AIFF-C in32", pcmtest.AIFC(pcmtest.CommC(2, 3, 32, 48000, "in32", ""), pcmtest.SSND(0, pcmtest.Ints(be, 4, s32...))),
		48000, 2, scaled(31, s32...)},
	{"AIFF-C 42ni", pcmtest.AIFC(pcmtest.CommC(1, 4, 24, 48000, "42ni", ""), pcmtest.SSND(0, pcmtest.Ints(le, 3, s24...))),
		48000, 1, scaled(23, s24...)},
	{"AIFF-C 23ni", pcmtest.AIFC(pcmtest.CommC(2, 3, 32, 48000, "23ni", ""), pcmtest.SSND(0, pcmtest.Ints(le, 4, s32...))),
		48000, 2, scaled(31, s32...)},
	{"AIFF-C fl32, NaN and Inf become 0", pcmtest.AIFC(pcmtest.CommC(1, 4, 32, 44100, "fl32", "32-bit floating point"), pcmtest.SSND(0, pcmtest.Floats32(be, 0.25, -1.5, float32(math.NaN()), float32(math.Inf(-1))))),
		44100, 1, []float32{0.25, -1.5, 0, 0}},
	{"AIFF-C FL32", pcmtest.AIFC(pcmtest.CommC(1, 2, 32, 44100, "FL32", ""), pcmtest.SSND(0, pcmtest.Floats32(be, 0.5, -0.5))),
		44100, 1, []float32{0.5, -0.5}},
	{"AIFF-C fl64, out of float32 range becomes 0", pcmtest.AIFC(pcmtest.CommC(2, 2, 64, 88200, "fl64", "64-bit floating point"), pcmtest.SSND(0, pcmtest.Floats64(be, 0.125, -0.75, 1e300, 1.0/3))),
		88200, 2, []float32{0.125, -0.75, 0, 1.0 / 3}},
	{"AIFF-C raw offset binary", pcmtest.AIFC(pcmtest.CommC(1, 3, 8, 11025, "raw ", ""), pcmtest.SSND(0, []byte{0, 128, 255})),
		11025, 1, []float32{-1, 0, 127.0 / 128}},
	{"AIFF-C with a short COMM chunk is NONE", pcmtest.AIFC(pcmtest.Comm(1, 2, 16, 8000), pcmtest.SSND(0, pcmtest.Ints(be, 2, 1, 2))),
		8000, 1, scaled(15, 1, 2)},
	{"6 channels keep the first two", pcmtest.AIFF(pcmtest.Comm(6, 2, 16, 48000), pcmtest.SSND(0, pcmtest.Ints(be, 2, 1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6))),
		48000, 2, scaled(15, 1, 2, -1, -2)},
	{"SSND offset skips bytes", pcmtest.AIFF(pcmtest.Comm(1, 2, 16, 8000), pcmtest.SSND(5, pcmtest.Ints(be, 2, 7, -7))),
		8000, 1, scaled(15, 7, -7)},
	{"SSND before COMM, unknown and odd chunks", pcmtest.AIFF(comt, pcmtest.SSND(3, pcmtest.Ints(be, 2, 1, 2, 3)), chunk{ID: "MARK", Body: make([]byte, 2)}, pcmtest.Comm(1, 3, 16, 32000), chunk{ID: "APPL", Body: []byte("x")}),
		32000, 1, scaled(15, 1, 2, 3)},
	{"odd SSND before COMM", pcmtest.AIFF(pcmtest.SSND(0, []byte{0x80, 0x7F, 0}), comt, pcmtest.Comm(1, 3, 8, 32000)),
		32000, 1, []float32{-1, 127.0 / 128, 0}},
	{"the hydrogen kits' layout", pcmtest.AIFF(pcmtest.Comm(2, 1, 16, 44100), chunk{ID: "minf", Body: make([]byte, 16)}, chunk{ID: "elm1", Body: make([]byte, 19)}, pcmtest.SSND(0, pcmtest.Ints(be, 2, 5, -5)), chunk{ID: "regn", Body: make([]byte, 92)}, chunk{ID: "umid", Body: make([]byte, 24)}),
		44100, 2, scaled(15, 5, -5)},
	{"a second COMM is ignored", pcmtest.AIFF(pcmtest.Comm(1, 2, 8, 8000), pcmtest.Comm(2, 1, 16, 48000), pcmtest.SSND(0, []byte{0x80, 0x7F})),
		8000, 1, []float32{-1, 127.0 / 128}},
	{"COMM declares fewer frames than SSND holds", pcmtest.AIFF(pcmtest.Comm(1, 2, 16, 8000), pcmtest.SSND(0, pcmtest.Ints(be, 2, 1, 2, 3, 4))),
		8000, 1, scaled(15, 1, 2)},
	{"COMM declares 0 frames: SSND decides", pcmtest.AIFF(pcmtest.Comm(1, 0, 16, 8000), pcmtest.SSND(0, pcmtest.Ints(be, 2, 1, 2, 3))),
		8000, 1, scaled(15, 1, 2, 3)},
	{"COMM declares more frames than SSND holds", pcmtest.AIFF(pcmtest.Comm(1, 100, 16, 8000), pcmtest.SSND(0, pcmtest.Ints(be, 2, 1, 2))),
		8000, 1, scaled(15, 1, 2)},
	{"SSND cut short decodes what exists", pcmtest.AIFF(pcmtest.Comm(2, 1000, 16, 48000), chunk{ID: "SSND", Body: append(make([]byte, 8), pcmtest.Ints(be, 2, 7, 8, 9)...), Size: 4008}),
		48000, 2, scaled(15, 7, 8)},
	{"empty SSND", pcmtest.AIFF(pcmtest.Comm(2, 0, 16, 48000), pcmtest.SSND(0, nil)),
		48000, 2, []float32{}},
	{"rate 22254.5454 Hz rounds", pcmtest.AIFF(pcmtest.Comm(1, 1, 8, 22254.545454545), pcmtest.SSND(0, []byte{0x40})),
		22255, 1, []float32{0.5}},
	{"wrong FORM size is ignored", append([]byte("FORM\x00\x00\x00\x04"), pcmtest.AIFF(pcmtest.Comm(1, 1, 16, 48000), pcmtest.SSND(0, pcmtest.Ints(be, 2, 1)))[8:]...),
		48000, 1, scaled(15, 1)},
	{"trailing partial chunk header", append(pcmtest.AIFF(pcmtest.SSND(0, pcmtest.Ints(be, 2, 4)), pcmtest.Comm(1, 1, 16, 48000)), "AP"...),
		48000, 1, scaled(15, 4)},
}

// TestDecode decodes every variant through a bytes.Reader (size known), one
// byte at a time (size unknown, no Seek) and from a file (io.Seeker).
func TestDecode(t *testing.T) {
	for _, c := range variants {
		t.Run(c.name, func(t *testing.T) {
			// The same bytes through a bytes.Reader (size known), one byte
			// at a time (size unknown) and from a file (io.Seeker).
			pcmtest.ExpectDecoded(t, c.file, Decode, c.rate, c.channels, c.want)
		})
	}
}

// TestDecodeCompact: 16-bit mono and stereo come back exact in PCM16 (the
// bytes swapped), everything else as Decode gives it.
func TestDecodeCompact(t *testing.T) {
	for _, c := range variants {
		b, err := DecodeCompact(bytes.NewReader(c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s, _ := ReadStream(bytes.NewReader(c.file))
		if want16 := s.Is16() && s.Channels <= 2; len(c.want) > 0 && want16 != (b.PCM16 != nil) {
			t.Errorf("%s: PCM16 %v, want %v", c.name, b.PCM16 != nil, want16)
		}
		got := b.Floats()
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d samples, want %d", c.name, len(got), len(c.want))
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(c.want[i]) {
				t.Errorf("%s: sample %d = %v, want %v", c.name, i, got[i], c.want[i])
			}
		}
	}
}

// TestExtended: the 80-bit sample rates real files carry.
func TestExtended(t *testing.T) {
	for _, c := range []struct {
		bytes string
		want  float64
	}{
		{"400EAC44000000000000", 44100},
		{"400EBB80000000000000", 48000},
		{"400FBB80000000000000", 96000},
		{"400BFA00000000000000", 8000},
		{"400DADDD1745D1745D17", 22254.545454545454}, // the classic Macintosh rate
		{"3FFF8000000000000000", 1},
		{"00000000000000000000", 0},
		{"C00EAC44000000000000", -44100},
	} {
		var b [10]byte
		for i := range b {
			var v byte
			for _, h := range c.bytes[2*i : 2*i+2] {
				v = v<<4 | byte(strings.IndexRune("0123456789ABCDEF", h))
			}
			b[i] = v
		}
		got, ok := extended(b)
		if !ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("extended(%s) = %v, %v; want %v", c.bytes, got, ok, c.want)
		}
		if c.want > 0 && pcmtest.Extended(c.want) != b && c.want != 22254.545454545454 {
			t.Errorf("pcmtest.Extended(%v) = % X, want %s", c.want, pcmtest.Extended(c.want), c.bytes)
		}
	}
	if _, ok := extended([10]byte{0x7F, 0xFF, 0x80}); ok {
		t.Error("infinity accepted")
	}
}

// TestDecodeMalformed: every malformed file gives a clear "aiff: " error.
func TestDecodeMalformed(t *testing.T) {
	good := pcmtest.Comm(1, 2, 16, 48000)
	data := pcmtest.SSND(0, pcmtest.Ints(be, 2, 1, 2))
	rate := func(x [10]byte) chunk {
		c := pcmtest.Comm(1, 2, 16, 48000)
		copy(c.Body[8:], x[:])
		return c
	}
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "aiff: truncated FORM header"},
		{"not IFF", []byte("RIFF\x00\x00\x00\x04WAVE"), "aiff: not an IFF file (no FORM header)"},
		{"8SVX", []byte("FORM\x00\x00\x00\x048SVX"), `aiff: FORM type "8SVX" is not AIFF or AIFC`},
		{"no chunks", pcmtest.AIFF(), "aiff: no COMM chunk"},
		{"no COMM", pcmtest.AIFF(data), "aiff: no COMM chunk"},
		{"no SSND", pcmtest.AIFF(good, comt), "aiff: no SSND chunk"},
		{"COMM too short", pcmtest.AIFF(chunk{ID: "COMM", Body: good.Body[:16]}, data), "aiff: COMM chunk is too short (16 bytes)"},
		{"COMM cut off", pcmtest.AIFF(good)[:30], "aiff: truncated COMM chunk"},
		{"0 channels", pcmtest.AIFF(pcmtest.Comm(0, 2, 16, 48000), data), "aiff: COMM chunk declares 0 channels"},
		{"negative channels", pcmtest.AIFF(pcmtest.Comm(-2, 2, 16, 48000), data), "aiff: COMM chunk declares -2 channels"},
		{"0-bit", pcmtest.AIFF(pcmtest.Comm(1, 2, 0, 48000), data), "aiff: 0-bit samples are not supported"},
		{"33-bit", pcmtest.AIFF(pcmtest.Comm(1, 2, 33, 48000), data), "aiff: 33-bit samples are not supported"},
		{"rate 0", pcmtest.AIFF(pcmtest.Comm(1, 2, 16, 0), data), "aiff: sample rate 0 Hz is out of range (1000..768000)"},
		{"rate 4e9", pcmtest.AIFF(pcmtest.Comm(1, 2, 16, 4e9), data), "aiff: sample rate 4000000000 Hz is out of range"},
		{"rate 1e300", pcmtest.AIFF(pcmtest.Comm(1, 2, 16, 1e300), data), "aiff: sample rate 1e+300 Hz is out of range"},
		{"rate negative", pcmtest.AIFF(rate([10]byte{0xC0, 0x0E, 0xAC, 0x44}), data), "aiff: sample rate -44100 Hz is out of range"},
		{"rate infinite", pcmtest.AIFF(rate([10]byte{0x7F, 0xFF, 0x80}), data), "aiff: sample rate infinite or not a number is out of range"},
		{"µ-law", pcmtest.AIFC(pcmtest.CommC(1, 2, 16, 8000, "ulaw", "µLaw 2:1"), data), `aiff: AIFF-C compression "ulaw" (µ-law) is not supported`},
		{"IMA ADPCM", pcmtest.AIFC(pcmtest.CommC(1, 2, 16, 8000, "ima4", "IMA 4:1"), data), `aiff: AIFF-C compression "ima4" (IMA ADPCM) is not supported`},
		{"unknown compression", pcmtest.AIFC(pcmtest.CommC(1, 2, 16, 8000, "abcd", ""), data), `aiff: AIFF-C compression "abcd" (unknown) is not supported`},
		{"raw of 16 bits", pcmtest.AIFC(pcmtest.CommC(1, 2, 16, 8000, "raw ", ""), data), `aiff: 16-bit samples in AIFF-C "raw ", which stores 8 bits`},
		{"SSND too short", pcmtest.AIFF(good, chunk{ID: "SSND", Body: make([]byte, 4)}), "aiff: SSND chunk is too short (4 bytes)"},
		{"SSND cut in its header", pcmtest.AIFF(good, chunk{ID: "SSND", Body: make([]byte, 16)})[:50], "aiff: truncated SSND chunk"},
		{"early SSND cut in its header", append(pcmtest.AIFF(chunk{ID: "SSND", Body: make([]byte, 4), Size: 20}), pcmtest.AIFF(good)[12:]...), "aiff: no COMM chunk"},
		{"SSND offset past its end", pcmtest.AIFF(good, chunk{ID: "SSND", Body: []byte{0, 0, 0, 9, 0, 0, 0, 0, 1, 2}}), "aiff: the sound data's offset (9 bytes) runs past the end of its SSND chunk (10 bytes)"},
		{"data decodes above 1 GiB", pcmtest.AIFF(pcmtest.Comm(1, 0, 8, 48000), chunk{ID: "SSND", Body: make([]byte, 8), Size: 0x20000008}), "more than 268435456 samples"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pcmtest.ExpectError(t, c.name, c.file, Decode, "aiff: ", c.want)
		})
	}
}

var errDisk = io.ErrClosedPipe

// TestDecodeReadError: an I/O error is reported, not taken for truncation.
func TestDecodeReadError(t *testing.T) {
	file := pcmtest.AIFF(pcmtest.Comm(1, 4, 16, 48000), pcmtest.SSND(0, pcmtest.Ints(be, 2, 1, 2, 3, 4)))
	for _, n := range []int{5, 20, 50} {
		r := io.MultiReader(bytes.NewReader(file[:n]), iotest.ErrReader(errDisk))
		if _, err := Decode(r); err == nil || !strings.Contains(err.Error(), errDisk.Error()) {
			t.Errorf("I/O error after %d bytes: got %v", n, err)
		}
	}
}
