package wav

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"gridbox/audio"
	"gridbox/audio/internal/pcm/pcmtest"
)

func lePCM(size int, v ...int64) []byte { return pcmtest.Ints(binary.LittleEndian, size, v...) }
func f32s(v ...float32) []byte          { return pcmtest.Floats32(binary.LittleEndian, v...) }
func f64s(v ...float64) []byte          { return pcmtest.Floats64(binary.LittleEndian, v...) }

var scaled = pcmtest.Scaled

var (
	s16vals = []int64{-32768, 32767, 0, -1, 16384, -16384}
	s24vals = []int64{-8388608, 8388607, 1, -1}
	s32vals = []int64{-1 << 31, 1<<31 - 1, 1 << 16, -(1 << 16), 12345678, -87654321}
	junk    = chunk{ID: "JUNK", Body: make([]byte, 28)}
)

// TestDecode decodes hand-built files of every supported format and layout.
func TestDecode(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		name     string
		file     []byte
		rate     int
		channels int
		want     []float32
	}{
		{"u8 mono", riff(fmtChunk(tagPCM, 1, 8000, 8), chunk{ID: "data", Body: []byte{0, 64, 128, 192, 255}}),
			8000, 1, []float32{-1, -0.5, 0, 0.5, 127.0 / 128}},
		{"s16 stereo", riff(fmtChunk(tagPCM, 2, 44100, 16), chunk{ID: "data", Body: lePCM(2, s16vals...)}),
			44100, 2, scaled(15, s16vals...)},
		{"s24 mono", riff(fmtChunk(tagPCM, 1, 48000, 24), chunk{ID: "data", Body: lePCM(3, s24vals...)}),
			48000, 1, scaled(23, s24vals...)},
		{"s32 stereo", riff(fmtChunk(tagPCM, 2, 96000, 32), chunk{ID: "data", Body: lePCM(4, s32vals...)}),
			96000, 2, scaled(31, s32vals...)},
		{"f32 mono, NaN and Inf become 0", riff(fmtChunk(tagIEEEFloat, 1, 44100, 32), chunk{ID: "fact", Body: lePCM(4, 4)}, chunk{ID: "data", Body: f32s(0.25, -1.5, nan, inf)}),
			44100, 1, []float32{0.25, -1.5, 0, 0}},
		{"f64 stereo, out of float32 range becomes 0", riff(fmtChunk(tagIEEEFloat, 2, 88200, 64), chunk{ID: "data", Body: f64s(0.125, -0.75, 1e300, 1.0/3)}),
			88200, 2, []float32{0.125, -0.75, 0, 1.0 / 3}},
		{"extensible PCM 24 in 24 with 20 valid bits", riff(extChunk(tagPCM, 2, 48000, 24, 20), chunk{ID: "data", Body: lePCM(3, 16, -16, 8388592, -8388608)}),
			48000, 2, scaled(23, 16, -16, 8388592, -8388608)},
		{"extensible float 32", riff(extChunk(tagIEEEFloat, 1, 48000, 32, 32), chunk{ID: "data", Body: f32s(0.5, -0.5)}),
			48000, 1, []float32{0.5, -0.5}},
		{"extensible PCM 16 quad keeps first two channels", riff(extChunk(tagPCM, 4, 48000, 16, 16), chunk{ID: "data", Body: lePCM(2, 1, 2, 3, 4, 5, 6, 7, 8)}),
			48000, 2, scaled(15, 1, 2, 5, 6)},
		{"6-channel f64 keeps first two", riff(fmtChunk(tagIEEEFloat, 6, 48000, 64), chunk{ID: "data", Body: f64s(1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6)}),
			48000, 2, []float32{1, 2, -1, -2}},
		{"odd-sized chunks are padded", riff(chunk{ID: "LIST", Body: []byte("abc")}, fmtChunk(tagPCM, 1, 22050, 8), chunk{ID: "bext", Body: []byte{1}}, chunk{ID: "data", Body: []byte{128, 255, 0}}, chunk{ID: "id3 ", Body: []byte("xyz")}),
			22050, 1, []float32{0, 127.0 / 128, -1}},
		{"unknown chunks are skipped", riff(junk, chunk{ID: "bext", Body: make([]byte, 602)}, fmtChunk(tagPCM, 1, 44100, 16), chunk{ID: "cue ", Body: make([]byte, 28)}, chunk{ID: "smpl", Body: make([]byte, 60)}, chunk{ID: "LIST", Body: []byte("INFOISFT\x05\x00\x00\x00sox!\x00\x00")}, chunk{ID: "data", Body: lePCM(2, 100, -100)}, chunk{ID: "LIST", Body: make([]byte, 10)}),
			44100, 1, scaled(15, 100, -100)},
		{"data before fmt", riff(junk, chunk{ID: "data", Body: lePCM(2, 1, 2, 3)}, chunk{ID: "LIST", Body: []byte("x")}, fmtChunk(tagPCM, 1, 32000, 16), junk),
			32000, 1, scaled(15, 1, 2, 3)},
		{"odd data before fmt", riff(chunk{ID: "data", Body: []byte{0, 255, 128}}, fmtChunk(tagPCM, 1, 32000, 8)),
			32000, 1, []float32{-1, 127.0 / 128, 0}},
		{"second fmt chunk is ignored", riff(fmtChunk(tagPCM, 1, 8000, 8), fmtChunk(tagPCM, 2, 48000, 16), chunk{ID: "data", Body: []byte{0, 255}}),
			8000, 1, []float32{-1, 127.0 / 128}},
		{"fmt chunk longer than needed", riff(chunk{ID: "fmt ", Body: append(fmtBody(tagPCM, 1, 8000, 8), make([]byte, 50)...)}, chunk{ID: "data", Body: []byte{0}}),
			8000, 1, []float32{-1}},
		{"empty data chunk", riff(fmtChunk(tagPCM, 2, 48000, 16), chunk{ID: "data"}),
			48000, 2, []float32{}},
		{"truncated data chunk decodes what exists", riff(fmtChunk(tagPCM, 1, 48000, 16), chunk{ID: "data", Body: lePCM(2, 7, 8, 9), Size: 1000}),
			48000, 1, scaled(15, 7, 8, 9)},
		{"truncated mid-frame keeps whole frames", riff(fmtChunk(tagPCM, 2, 48000, 16), chunk{ID: "data", Body: lePCM(2, 7, 8, 9)[:5], Size: 1000}),
			48000, 2, scaled(15, 7, 8)},
		{"streaming placeholder size 0xFFFFFFFF", riff(fmtChunk(tagPCM, 1, 48000, 24), chunk{ID: "data", Body: lePCM(3, 5, 6), Size: math.MaxUint32}),
			48000, 1, scaled(23, 5, 6)},
		{"data size not a multiple of the block", riff(fmtChunk(tagPCM, 2, 48000, 16), chunk{ID: "data", Body: lePCM(2, 1, 2, 3)}),
			48000, 2, scaled(15, 1, 2)},
		{"wrong RIFF size is ignored", append(riff(fmtChunk(tagPCM, 1, 48000, 16), chunk{ID: "data", Body: lePCM(2, 1)})[:4], riff(fmtChunk(tagPCM, 1, 48000, 16), chunk{ID: "data", Body: lePCM(2, 1)})[4:]...),
			48000, 1, scaled(15, 1)},
		{"trailing partial chunk header", append(riff(chunk{ID: "data", Body: lePCM(2, 4)}, fmtChunk(tagPCM, 1, 48000, 16)), "LI"...),
			48000, 1, scaled(15, 4)},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The same bytes through a bytes.Reader (size known), one byte
			// at a time (size unknown) and from a file (io.Seeker).
			pcmtest.ExpectDecoded(t, c.file, Decode, c.rate, c.channels, c.want)
		})
	}
}

// TestDecodeMalformed: every malformed file gives a clear "wav: " error.
func TestDecodeMalformed(t *testing.T) {
	good := fmtChunk(tagPCM, 1, 48000, 16)
	data := chunk{ID: "data", Body: lePCM(2, 1, 2)}
	withBody := func(b []byte, at int, v ...byte) []byte {
		b = bytes.Clone(b)
		copy(b[at:], v)
		return b
	}
	badGUID := extChunk(tagPCM, 2, 48000, 16, 16)
	badGUID.Body = withBody(badGUID.Body, 30, 0x11)
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "wav: truncated RIFF header"},
		{"5 bytes", []byte("RIFF\x00"), "wav: truncated RIFF header"},
		{"not RIFF", []byte("fLaC\x00\x00\x00\x22WAVEfmt "), "wav: not a RIFF file"},
		{"big-endian RIFX", []byte("RIFX\x00\x00\x00\x04WAVE"), "RIFX files are not supported"},
		{"RF64", []byte("RF64\xff\xff\xff\xffWAVEds64"), "RF64 (64-bit RIFF) files are not supported"},
		{"RIFF but AVI", []byte("RIFF\x04\x00\x00\x00AVI "), `RIFF form "AVI " is not WAVE`},
		{"no chunks", riff(), "wav: no fmt chunk"},
		{"no fmt", riff(data), "wav: no fmt chunk"},
		{"no data", riff(good, junk), "wav: no data chunk"},
		{"fmt too short", riff(chunk{ID: "fmt ", Body: make([]byte, 14)}, data), "fmt chunk is too short (14 bytes)"},
		{"fmt truncated", riff(good)[:30], "wav: truncated fmt chunk"},
		{"0 channels", riff(fmtChunk(tagPCM, 0, 48000, 16), data), "0 channels"},
		{"0 rate", riff(fmtChunk(tagPCM, 1, 0, 16), data), "sample rate 0 Hz is out of range"},
		{"absurd rate", riff(fmtChunk(tagPCM, 1, 4_000_000_000, 16), data), "sample rate 4000000000 Hz is out of range"},
		{"12-bit PCM", riff(fmtChunk(tagPCM, 1, 48000, 12), data), "wav: 12-bit PCM is not supported"},
		{"0-bit PCM", riff(fmtChunk(tagPCM, 1, 48000, 0), data), "wav: 0-bit PCM is not supported"},
		{"16-bit float", riff(fmtChunk(tagIEEEFloat, 1, 48000, 16), data), "wav: 16-bit float is not supported"},
		{"MS ADPCM", riff(fmtChunk(0x0002, 1, 48000, 4), data), "format tag 0x0002 (Microsoft ADPCM) is not supported"},
		{"µ-law", riff(fmtChunk(0x0007, 1, 8000, 8), data), "format tag 0x0007 (µ-law) is not supported"},
		{"unknown tag", riff(fmtChunk(0x1234, 1, 8000, 8), data), "format tag 0x1234 (unknown) is not supported"},
		{"block align mismatch", riff(chunk{ID: "fmt ", Body: withBody(fmtBody(tagPCM, 2, 48000, 16), 12, 3)}, data), "block align 3 does not match 2 channels of 16 bits"},
		{"extensible too short", riff(chunk{ID: "fmt ", Body: fmtBody(tagExtensible, 2, 48000, 16)}, data), "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short"},
		{"extensible unknown GUID", riff(badGUID, data), "subformat 00000001-0000-0011-8000-00aa00389b71 is not supported"},
		{"extensible ADPCM GUID", riff(extChunk(0x0002, 1, 48000, 16, 16), data), "format tag 0x0002 (Microsoft ADPCM)"},
		{"valid bits above container", riff(extChunk(tagPCM, 1, 48000, 16, 24), data), "24 valid bits in a 16-bit container"},
		{"data decodes above 1 GiB", riff(fmtChunk(tagPCM, 1, 48000, 8), chunk{ID: "data", Size: 0x20000000}), "more than 268435456 samples"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pcmtest.ExpectError(t, c.name, c.file, Decode, "wav: ", c.want)
		})
	}
}

// TestDecodeReadError: an I/O error is reported, not taken for truncation.
func TestDecodeReadError(t *testing.T) {
	file := riff(fmtChunk(tagPCM, 1, 48000, 16), chunk{ID: "data", Body: lePCM(2, 1, 2, 3, 4)})
	for _, n := range []int{5, 20, 50} {
		r := io.MultiReader(bytes.NewReader(file[:n]), iotest.ErrReader(errDisk))
		if _, err := Decode(r); err == nil || !strings.Contains(err.Error(), errDisk.Error()) {
			t.Errorf("I/O error after %d bytes: got %v", n, err)
		}
	}
}

// TestDecodeSox cross-checks Decode against files written by sox in every
// encoding sox offers for WAV (sox writes WAVE_FORMAT_EXTENSIBLE for more than
// 16 bits or more than two channels): each must decode to the same signal as
// the 64-bit float file, within the format's resolution. Skipped when sox is
// not installed (Debian package sox).
func TestDecodeSox(t *testing.T) {
	sox, err := exec.LookPath("sox")
	if err != nil {
		t.Skip("sox not installed (scripts/setup.sh --test installs sox)")
	}
	dir := t.TempDir()
	decode := func(channels int, enc ...string) *audio.Buffer {
		path := filepath.Join(dir, strings.Join(enc, "")+".wav")
		args := append([]string{"-n", "-r", "44100", "-c", fmt.Sprint(channels)}, enc...)
		args = append(args, path, "synth", "0.05", "sine", "1000", "vol", "0.5")
		if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
			t.Fatalf("sox %v: %v\n%s", args, err, out)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%v: %v", enc, err)
		}
		if want := min(channels, 2); b.Rate != 44100 || b.Channels != want || b.Frames() != 2205 {
			t.Fatalf("%v: %d Hz, %d channels, %d frames; want 44100, %d, 2205", enc, b.Rate, b.Channels, b.Frames(), want)
		}
		return b
	}
	ref := decode(1, "-e", "floating-point", "-b", "64")
	var sum float64
	for _, x := range ref.Data {
		sum += float64(x) * float64(x)
	}
	if rms := math.Sqrt(sum / float64(len(ref.Data))); math.Abs(rms-0.5/math.Sqrt2) > 0.005 {
		t.Errorf("f64 reference RMS %.4f, want %.4f (a 0.5 sine)", rms, 0.5/math.Sqrt2)
	}
	for _, c := range []struct {
		enc      []string
		channels int
		lsb      float64
	}{
		{[]string{"-e", "unsigned-integer", "-b", "8"}, 1, 1.0 / 128},
		{[]string{"-e", "signed-integer", "-b", "16"}, 2, 1.0 / 32768},
		{[]string{"-e", "signed-integer", "-b", "24"}, 2, 1.0 / (1 << 23)},
		{[]string{"-e", "signed-integer", "-b", "32"}, 1, 1e-7},
		{[]string{"-e", "floating-point", "-b", "32"}, 2, 1e-7},
		{[]string{"-e", "signed-integer", "-b", "16"}, 4, 1.0 / 32768},
		{[]string{"-e", "signed-integer", "-b", "24"}, 6, 1.0 / (1 << 23)},
	} {
		b := decode(c.channels, c.enc...)
		var worst float64
		for i := range b.Frames() {
			for ch := range b.Channels {
				worst = max(worst, math.Abs(float64(b.Data[i*b.Channels+ch])-float64(ref.Data[i])))
			}
		}
		// sox dithers integer output by default: allow two steps.
		if worst > 2*c.lsb {
			t.Errorf("%v, %d channels: worst difference from the f64 file %.3g, want ≤ %.3g", c.enc, c.channels, worst, 2*c.lsb)
		}
	}
}
