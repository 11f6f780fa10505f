package aiff

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"gridbox/audio/internal/pcm"
)

// FuzzDecode feeds Decode arbitrary bytes: it must never panic, and whatever
// it returns must be a consistent Buffer, the same whether or not the reader
// can tell its length, and the same from DecodeCompact. The seeds (every
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
		b, err := Decode(bytes.NewReader(data))
		if err != nil {
			if b != nil {
				t.Errorf("Decode returned a Buffer and error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "aiff: ") {
				t.Errorf("error %q lacks the aiff: prefix", err)
			}
			return
		}
		if b.Channels != 1 && b.Channels != 2 {
			t.Fatalf("%d channels", b.Channels)
		}
		if b.Rate < pcm.MinRate || b.Rate > pcm.MaxRate {
			t.Errorf("rate %d", b.Rate)
		}
		if len(b.Data) != b.Frames()*b.Channels {
			t.Errorf("%d samples is not %d frames of %d channels", len(b.Data), b.Frames(), b.Channels)
		}
		if len(b.Data) > len(data) {
			t.Errorf("%d samples from %d bytes", len(b.Data), len(data))
		}
		for _, r := range []io.Reader{bytes.NewReader(data), struct{ io.Reader }{bytes.NewReader(data)}} {
			c, err := DecodeCompact(r)
			if err != nil {
				t.Fatalf("Decode succeeded, DecodeCompact failed: %v", err)
			}
			if c.Rate != b.Rate || c.Channels != b.Channels || !slices.Equal(c.Floats(), b.Data) {
				t.Fatalf("DecodeCompact: %d Hz × %d, %d samples; Decode: %d Hz × %d, %d samples",
					c.Rate, c.Channels, c.Len(), b.Rate, b.Channels, len(b.Data))
			}
		}
	})
}
