package aiff

import (
	"testing"

	"gridbox/audio/internal/pcm/pcmtest"
)

// FuzzDecode feeds Decode arbitrary bytes: it must never panic, and whatever
// it returns must be a consistent Buffer, the same from DecodeCompact
// (pcmtest.Fuzzed). The seeds (every
// hand-built variant, whole and cut at several points) run in plain
// "go test"; "go test -fuzz FuzzDecode ./audio/aiff" explores further.
func FuzzDecode(f *testing.F) {
	for _, v := range variants {
		f.Add(v.file)
		for _, n := range []int{0, 4, 11, 13, 20, 30, 38, 46, 54, len(v.file) - 1} {
			if n >= 0 && n < len(v.file) {
				f.Add(v.file[:n])
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pcmtest.Fuzzed(t, data, "aiff: ", Decode, DecodeCompact)
	})
}
