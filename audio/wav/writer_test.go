package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gridbox/audio"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestParseSampleFormat(t *testing.T) {
	for _, sf := range []SampleFormat{Float32, Int24, Int16} {
		got, err := ParseSampleFormat(sf.String())
		if err != nil || got != sf {
			t.Errorf("ParseSampleFormat(%q) = %v, %v; want %v", sf.String(), got, err, sf)
		}
	}
	_, err := ParseSampleFormat("s8")
	if err == nil || !strings.Contains(err.Error(), "f32, s24, s16") || !strings.HasPrefix(err.Error(), "wav: ") {
		t.Errorf("ParseSampleFormat(s8) error = %v, want one listing f32, s24, s16", err)
	}
	if s := SampleFormat(7).String(); s != "SampleFormat(7)" {
		t.Errorf("String of invalid format = %q", s)
	}
}

// testSignal has every edge case a writer must handle: full scale, over
// range, NaN, rounding halves and tiny values.
var testSignal = []float32{
	0, 1, -1, 0.5, -0.5, 1.5, -2, float32(math.NaN()), float32(math.Inf(1)),
	1e-9, -1e-9, 0.25, 0.123456789, -0.987654321, 1.0 / 65534, 3.0 / 65534,
}

// want returns what Decode must give back for x written in format sf.
func want(x float32, sf SampleFormat) float32 {
	var scale float64
	switch sf {
	case Float32:
		if x-x != 0 {
			return 0 // NaN and ±Inf decode as 0
		}
		return x
	case Int16:
		scale = 1<<15 - 1
	case Int24:
		scale = 1<<23 - 1
	}
	v := float64(x)
	if math.IsNaN(v) {
		return 0
	}
	v = math.Max(-1, math.Min(1, v))
	return float32(float64(int32(math.Round(v*scale))) / (scale + 1))
}

func TestRoundTrip(t *testing.T) {
	for _, sf := range []SampleFormat{Float32, Int24, Int16} {
		for _, channels := range []int{1, 2} {
			t.Run(sf.String()+map[int]string{1: "/mono", 2: "/stereo"}[channels], func(t *testing.T) {
				in := &audio.Buffer{Rate: 44100, Channels: channels, Data: testSignal}
				var f memFile
				if err := Encode(&f, in, sf); err != nil {
					t.Fatal(err)
				}
				got, err := Decode(bytes.NewReader(f.b))
				if err != nil {
					t.Fatal(err)
				}
				if got.Rate != 44100 || got.Channels != channels || len(got.Data) != len(in.Data) {
					t.Fatalf("decoded %d Hz, %d channels, %d samples; want 44100, %d, %d", got.Rate, got.Channels, len(got.Data), channels, len(in.Data))
				}
				for i, x := range in.Data {
					if w := want(x, sf); math.Float32bits(got.Data[i]) != math.Float32bits(w) {
						t.Errorf("sample %d: wrote %v, read %v, want %v", i, x, got.Data[i], w)
					}
				}
			})
		}
	}
}

// TestRoundTripFloatBitExact checks that arbitrary float32 bit patterns
// (except NaN and Inf) survive a write and a read unchanged.
func TestRoundTripFloatBitExact(t *testing.T) {
	data := make([]float32, 0, 4096)
	for i := uint32(0); len(data) < cap(data); i += 0x9E3779B9 % (1 << 31) {
		if x := math.Float32frombits(i); !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) {
			data = append(data, x)
		}
	}
	var f memFile
	if err := Encode(&f, &audio.Buffer{Rate: 96000, Channels: 2, Data: data}, Float32); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(bytes.NewReader(f.b))
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		if math.Float32bits(got.Data[i]) != math.Float32bits(data[i]) {
			t.Fatalf("sample %d: %08x became %08x", i, math.Float32bits(data[i]), math.Float32bits(got.Data[i]))
		}
	}
}

func TestQuantize(t *testing.T) {
	for _, c := range []struct {
		x    float32
		s16  int32
		s24  int32
		name string
	}{
		{1, 32767, 8388607, "full scale"},
		{-1, -32767, -8388607, "symmetric negative full scale"},
		{2, 32767, 8388607, "clamped high"},
		{-3, -32767, -8388607, "clamped low"},
		{0.5, 16384, 4194304, "half rounds to nearest (16383.5 → 16384)"},
		{-0.5, -16384, -4194304, "negative half"},
		{float32(math.NaN()), 0, 0, "NaN"},
		{1.0 / 32767 * 0.49, 0, 123, "below half an s16 step"},
	} {
		if got := quantize(c.x, 1<<15-1); got != c.s16 {
			t.Errorf("%s: s16 quantize(%v) = %d, want %d", c.name, c.x, got, c.s16)
		}
		if c.s24 != 123 {
			if got := quantize(c.x, 1<<23-1); got != c.s24 {
				t.Errorf("%s: s24 quantize(%v) = %d, want %d", c.name, c.x, got, c.s24)
			}
		}
	}
}

// TestGolden compares tiny encoded files byte for byte with testdata (go test
// -run Golden -update rewrites them). The golden files were checked once with
// sox 14.4.2 ("soxi", "sox x.wav -t dat -") to be read as intended.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		file string
		sf   SampleFormat
		buf  audio.Buffer
	}{
		{"s16_stereo.golden", Int16, audio.Buffer{Rate: 48000, Channels: 2, Data: []float32{0, 0, 1, -1, 0.5, -0.5, -0.25, 0.25}}},
		{"s24_mono_odd.golden", Int24, audio.Buffer{Rate: 44100, Channels: 1, Data: []float32{1, -1, 0.5}}},
		{"f32_mono.golden", Float32, audio.Buffer{Rate: 22050, Channels: 1, Data: []float32{0.25, -0.75, 1.5}}},
	} {
		t.Run(c.file, func(t *testing.T) {
			var f memFile
			if err := Encode(&f, &c.buf, c.sf); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(path, f.b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(f.b, golden) {
				t.Errorf("encoded\n% x\nwant\n% x", f.b, golden)
			}
		})
	}
}

func TestWriterHeader(t *testing.T) {
	le := binary.LittleEndian
	var f memFile
	w, err := NewWriter(&f, audio.Format{SampleRate: 48000, Channels: 2}, Float32)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(make([]float32, 10)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := f.b
	if len(b) != 58+40 {
		t.Fatalf("file is %d bytes, want 98", len(b))
	}
	for _, c := range []struct {
		at   int
		got  uint32
		want uint32
		what string
	}{
		{4, le.Uint32(b[4:]), 90, "RIFF size"},
		{16, le.Uint32(b[16:]), 18, "fmt size"},
		{20, uint32(le.Uint16(b[20:])), tagIEEEFloat, "format tag"},
		{28, le.Uint32(b[28:]), 48000 * 8, "byte rate"},
		{36, uint32(le.Uint16(b[36:])), 0, "cbSize"},
		{46, le.Uint32(b[46:]), 5, "fact sample frames"},
		{54, le.Uint32(b[54:]), 40, "data size"},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d = %d, want %d", c.what, c.at, c.got, c.want)
		}
	}
	if string(b[38:42]) != "fact" || string(b[50:54]) != "data" {
		t.Errorf("chunk ids %q %q, want fact, data", b[38:42], b[50:54])
	}
}

// TestWriterOffset writes a WAV file after 10 bytes of something else: Close
// must patch sizes relative to where the header began and leave the offset at
// the end.
func TestWriterOffset(t *testing.T) {
	f := memFile{b: []byte("0123456789"), off: 10}
	w, err := NewWriter(&f, audio.Format{SampleRate: 44100, Channels: 1}, Int24)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]float32{0.5}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if f.off != int64(len(f.b)) || len(f.b) != 10+44+4 {
		t.Errorf("offset %d, length %d; want both 58 (3 data bytes + pad)", f.off, len(f.b))
	}
	b, err := Decode(bytes.NewReader(f.b[10:]))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Data) != 1 || b.Data[0] != want(0.5, Int24) {
		t.Errorf("decoded %v", b.Data)
	}
}

// TestWriterUnclosed: before Close the sizes are 0xFFFFFFFF, so a file left
// behind by a crash decodes up to its end.
func TestWriterUnclosed(t *testing.T) {
	var f memFile
	w, err := NewWriter(&f, audio.Format{SampleRate: 48000, Channels: 2}, Int16)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]float32{0.5, -0.5, 0.25, -0.25}); err != nil {
		t.Fatal(err)
	}
	b, err := Decode(bytes.NewReader(f.b))
	if err != nil {
		t.Fatal(err)
	}
	if b.Frames() != 2 {
		t.Errorf("unclosed file decoded to %d frames, want 2", b.Frames())
	}
}

func TestWriterErrors(t *testing.T) {
	for _, c := range []struct {
		f    audio.Format
		sf   SampleFormat
		want string
	}{
		{audio.Format{SampleRate: 48000, Channels: 0}, Int16, "0 channels"},
		{audio.Format{SampleRate: 0, Channels: 2}, Int16, "sample rate 0 Hz"},
		{audio.Format{SampleRate: 48000, Channels: 2}, SampleFormat(3), "invalid sample format"},
		{audio.Format{SampleRate: 48000, Channels: 20000}, Float32, "do not fit"},
	} {
		if _, err := NewWriter(&discard{}, c.f, c.sf); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewWriter(%+v, %v) error = %v, want %q", c.f, c.sf, err, c.want)
		}
	}

	w, err := NewWriter(&discard{}, audio.Format{SampleRate: 48000, Channels: 2}, Int16)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(make([]float32, 3)); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("Write of half a frame: %v", err)
	}
	if err := w.Write(make([]float32, 4)); err != nil {
		t.Errorf("a bad Write must not break the Writer: %v", err)
	}
	w.data = maxRIFF - 100
	if err := w.Write(make([]float32, 100)); err == nil || !strings.Contains(err.Error(), "4 GiB") {
		t.Errorf("Write past 4 GiB: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed Write returned nil")
	}

	w, err = NewWriter(&discard{}, audio.Format{SampleRate: 48000, Channels: 1}, Int16)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if err := w.Write([]float32{0}); err == nil {
		t.Error("Write after Close returned nil")
	}

	if _, err := NewWriter(&failing{n: 10}, audio.Format{SampleRate: 48000, Channels: 1}, Int16); !errors.Is(err, errDisk) {
		t.Errorf("NewWriter on a full disk: %v", err)
	}
	fw := &failing{n: 100}
	w, err = NewWriter(fw, audio.Format{SampleRate: 48000, Channels: 1}, Int16)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(make([]float32, 100)); !errors.Is(err, errDisk) {
		t.Errorf("Write on a full disk: %v", err)
	}
	if err := w.Write(make([]float32, 1)); !errors.Is(err, errDisk) {
		t.Errorf("Write after a failure: %v, want the same error again", err)
	}
	if err := Encode(&discard{}, nil, Int16); err == nil {
		t.Error("Encode(nil) returned nil")
	}
}

// TestWriterDoesNotAllocate: the offline renderer calls Write once per block.
func TestWriterDoesNotAllocate(t *testing.T) {
	for _, sf := range []SampleFormat{Float32, Int24, Int16} {
		w, err := NewWriter(&discard{}, audio.Format{SampleRate: 48000, Channels: 2}, sf)
		if err != nil {
			t.Fatal(err)
		}
		block := make([]float32, 2*4096) // 32 KiB of float32: more than the scratch holds as f32
		if err := w.Write(block); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = w.Write(block) }); n != 0 {
			t.Errorf("%v: Write allocated %v times per call, want 0", sf, n)
		}
	}
}

func BenchmarkWriter(b *testing.B) {
	w, err := NewWriter(&discard{}, audio.Format{SampleRate: 48000, Channels: 2}, Int16)
	if err != nil {
		b.Fatal(err)
	}
	block := make([]float32, 2*256)
	for i := range block {
		block[i] = float32(math.Sin(float64(i)))
	}
	b.SetBytes(int64(len(block) * 4))
	for b.Loop() {
		_ = w.Write(block)
	}
}

// TestStreamWriter: a stream Writer never seeks (it gets a plain io.Writer),
// leaves the RIFF and data sizes at 0xFFFFFFFF and float without a fact
// chunk, writes nothing on Close, is not held to 4 GiB, and what it writes
// decodes to every frame.
func TestStreamWriter(t *testing.T) {
	le := binary.LittleEndian
	for _, c := range []struct {
		sf     SampleFormat
		header int
		sizes  []int // offsets of the RIFF, fact and data sizes
	}{
		{Float32, 46, []int{4, 42}},
		{Int24, 44, []int{4, 40}},
		{Int16, 44, []int{4, 40}},
	} {
		var buf bytes.Buffer
		w, err := NewStreamWriter(&buf, audio.Format{SampleRate: 48000, Channels: 1}, c.sf)
		if err != nil {
			t.Fatal(err)
		}
		in := []float32{0.5, -0.25, 0.125} // odd: a file would get a pad byte
		if err := w.Write(in); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if bytes.Contains(b, []byte("fact")) {
			t.Errorf("%v: a stream has a fact chunk", c.sf)
		}
		if len(b) != c.header+3*c.sf.bytes() {
			t.Errorf("%v: %d bytes, want the %d-byte header and the samples, no pad", c.sf, len(b), c.header)
		}
		for _, at := range c.sizes {
			if got := le.Uint32(b[at:]); got != 0xFFFFFFFF {
				t.Errorf("%v: size at %d = %#x, want 0xFFFFFFFF", c.sf, at, got)
			}
		}
		d, err := Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if d.Frames() != 3 || d.Data[0] != want(0.5, c.sf) || d.Data[2] != want(0.125, c.sf) {
			t.Errorf("%v: decoded %v", c.sf, d.Data)
		}
	}

	w, err := NewStreamWriter(&discard{}, audio.Format{SampleRate: 48000, Channels: 2}, Int16)
	if err != nil {
		t.Fatal(err)
	}
	w.data = maxRIFF - 100
	if err := w.Write(make([]float32, 100)); err != nil {
		t.Errorf("a stream past 4 GiB: %v, want no limit", err)
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
}

// TestSizeAndMaxFrames: Size is what a file Writer writes, pad byte
// included, and MaxFrames is exactly where it refuses more.
func TestSizeAndMaxFrames(t *testing.T) {
	for _, sf := range []SampleFormat{Float32, Int24, Int16} {
		for _, f := range []audio.Format{{SampleRate: 48000, Channels: 2}, {SampleRate: 44100, Channels: 1}} {
			for _, n := range []int{0, 1, 3} {
				var m memFile
				w, err := NewWriter(&m, f, sf)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.Write(make([]float32, n*f.Channels)); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if got := Size(f, sf, int64(n)); got != int64(len(m.b)) {
					t.Errorf("%v %+v: Size(%d) = %d, the Writer wrote %d", sf, f, n, got, len(m.b))
				}
			}
			w, err := NewWriter(&discard{}, f, sf)
			if err != nil {
				t.Fatal(err)
			}
			frame := int64(f.Channels * sf.bytes())
			w.data = (MaxFrames(f, sf) - 1) * frame
			if err := w.Write(make([]float32, f.Channels)); err != nil {
				t.Errorf("%v %+v: frame number MaxFrames refused: %v", sf, f, err)
			}
			if err := w.Write(make([]float32, f.Channels)); err == nil {
				t.Errorf("%v %+v: a frame past MaxFrames was taken", sf, f)
			}
		}
	}
}

// TestWritePCM16: every int16 value is written as it is and decodes to
// value/32768 (Write of the same float would round by 32767), in pieces
// larger than the scratch buffer, without allocating once the Writer's
// scratch exists; a Writer of another format refuses it and still works.
func TestWritePCM16(t *testing.T) {
	all := make([]int16, 1<<16)
	for i := range all {
		all[i] = int16(i - 1<<15)
	}
	var f memFile
	w, err := NewWriter(&f, audio.Format{SampleRate: 44100, Channels: 2}, Int16)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WritePCM16(all); err != nil {
		t.Fatal(err)
	}
	if err := w.WritePCM16(all[:3]); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("WritePCM16 of half a frame: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := DecodeCompact(bytes.NewReader(f.b))
	if err != nil {
		t.Fatal(err)
	}
	if b.Channels != 2 || len(b.PCM16) < len(all) || !slices.Equal(b.PCM16[:len(all)], all) {
		t.Fatalf("decoded %d channels, %d samples: not what was written", b.Channels, len(b.PCM16))
	}
	dw, err := NewWriter(&discard{}, audio.Format{SampleRate: 44100, Channels: 2}, Int16)
	if err != nil {
		t.Fatal(err)
	}
	if err := dw.WritePCM16(all); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(10, func() { _ = dw.WritePCM16(all) }); n != 0 {
		t.Errorf("WritePCM16 allocated %v times per call, want 0", n)
	}
	fw, err := NewWriter(&discard{}, audio.Format{SampleRate: 44100, Channels: 1}, Float32)
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.WritePCM16(all[:2]); err == nil || err.Error() != "wav: WritePCM16 writes s16, not f32" {
		t.Errorf("WritePCM16 on a float Writer: %v", err)
	}
	if err := fw.Write([]float32{0.5}); err != nil {
		t.Errorf("a refused WritePCM16 broke the Writer: %v", err)
	}
}
