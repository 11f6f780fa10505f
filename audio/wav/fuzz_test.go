package wav

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzDecode feeds Decode arbitrary bytes: it must never panic, and whatever
// it returns must be a consistent Buffer. The seeds (hand-built files of every
// format and the golden files, whole and truncated at several points) run in
// plain "go test"; "go test -fuzz FuzzDecode ./audio/wav" explores further.
func FuzzDecode(f *testing.F) {
	seeds := [][]byte{
		riff(fmtChunk(tagPCM, 1, 8000, 8), chunk{ID: "data", Body: []byte{0, 64, 128, 192, 255}}),
		riff(fmtChunk(tagPCM, 2, 44100, 16), chunk{ID: "data", Body: lePCM(2, s16vals...)}),
		riff(fmtChunk(tagPCM, 1, 48000, 24), junk, chunk{ID: "data", Body: lePCM(3, s24vals...)}),
		riff(fmtChunk(tagPCM, 2, 96000, 32), chunk{ID: "data", Body: lePCM(4, s32vals...)}),
		riff(fmtChunk(tagIEEEFloat, 1, 44100, 32), chunk{ID: "fact", Body: lePCM(4, 2)}, chunk{ID: "data", Body: f32s(0.25, -1.5)}),
		riff(fmtChunk(tagIEEEFloat, 2, 88200, 64), chunk{ID: "data", Body: f64s(0.125, -0.75)}),
		riff(extChunk(tagPCM, 4, 48000, 24, 20), chunk{ID: "data", Body: lePCM(3, 1, 2, 3, 4, 5, 6, 7, 8)}),
		riff(extChunk(tagIEEEFloat, 1, 48000, 32, 32), chunk{ID: "data", Body: f32s(0.5)}),
		riff(chunk{ID: "LIST", Body: []byte("abc")}, chunk{ID: "data", Body: []byte{1, 2, 3}}, fmtChunk(tagPCM, 1, 22050, 8)),
		riff(fmtChunk(tagPCM, 1, 48000, 16), chunk{ID: "data", Body: lePCM(2, 1, 2), Size: 0xFFFFFFFF}),
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	for _, name := range golden {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	for _, s := range seeds {
		f.Add(s)
		for _, n := range []int{0, 4, 11, 13, 20, 36, 37, 43, len(s) - 1} {
			if n >= 0 && n < len(s) {
				f.Add(s[:n])
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Decode(bytes.NewReader(data))
		if err != nil {
			if b != nil {
				t.Errorf("Decode returned a Buffer and error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "wav: ") {
				t.Errorf("error %q lacks the wav: prefix", err)
			}
			return
		}
		if b.Channels != 1 && b.Channels != 2 {
			t.Fatalf("%d channels", b.Channels)
		}
		if b.Rate < MinRate || b.Rate > MaxRate {
			t.Errorf("rate %d", b.Rate)
		}
		if len(b.Data) != b.Frames()*b.Channels {
			t.Errorf("%d samples is not %d frames of %d channels", len(b.Data), b.Frames(), b.Channels)
		}
		if len(b.Data) > len(data) {
			t.Errorf("%d samples from %d bytes", len(b.Data), len(data))
		}
		// DecodeCompact decodes the same samples, whether or not the reader
		// tells how many bytes are left; only packed 16-bit PCM comes back
		// in PCM16.
		for _, r := range []io.Reader{bytes.NewReader(data), struct{ io.Reader }{bytes.NewReader(data)}} {
			c, err := DecodeCompact(r)
			if err != nil {
				t.Fatalf("Decode succeeded, DecodeCompact failed: %v", err)
			}
			if c.Rate != b.Rate || c.Channels != b.Channels || !slices.Equal(c.Floats(), b.Data) {
				t.Fatalf("DecodeCompact: %d Hz × %d, %d samples; Decode: %d Hz × %d, %d samples",
					c.Rate, c.Channels, c.Len(), b.Rate, b.Channels, len(b.Data))
			}
			if (c.PCM16 == nil) == (c.Data == nil) && c.Len() > 0 {
				t.Fatalf("DecodeCompact filled both or neither of Data and PCM16")
			}
		}
	})
}
