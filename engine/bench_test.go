package engine

import (
	"fmt"
	"testing"
)

// BenchmarkRender measures one 128-frame block at 48 kHz with N looping
// stereo sample voices (float32 samples, and 16-bit ones as loaded from
// 16-bit WAVs) and reports it as a share of the block's deadline (2.67 ms)
// and per voice-frame.
func BenchmarkRender(b *testing.B) {
	const block = 128
	deadline := float64(block) / rate * 1e9 // ns
	for _, c := range []struct {
		voices int
		pcm16  bool
	}{{16, false}, {64, false}, {256, false}, {16, true}, {64, true}, {256, true}} {
		voices, kind := c.voices, "f32"
		if c.pcm16 {
			kind = "s16"
		}
		b.Run(fmt.Sprintf("voices=%d/%s", voices, kind), func(b *testing.B) {
			p := busyPlayerOf(b, voices, c.pcm16)
			out := make([]float32, 2*block)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p.Render(out)
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(100*ns/deadline, "%deadline")
			b.ReportMetric(ns/float64(voices*block), "ns/voice-frame")
			if v := p.Stats().Voices; v != voices {
				b.Fatalf("%d voices sounding, want %d", v, voices)
			}
		})
	}
}
