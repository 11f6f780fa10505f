package wav

import (
	"os"
	"path/filepath"
	"testing"

	"gridbox/audio/internal/pcm/pcmtest"
)

// FuzzDecode feeds Decode arbitrary bytes: it must never panic, and whatever
// it returns must be a consistent Buffer, the same from DecodeCompact
// (pcmtest.Fuzzed). The seeds (hand-built files of every
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
		pcmtest.Fuzzed(t, data, "wav: ", Decode, DecodeCompact)
	})
}
