// Package wav reads and writes RIFF/WAVE files as gridbox audio: Decode turns
// a file into an audio.Buffer, and Writer (or Encode) writes interleaved
// float32 frames as 32-bit float, 24-bit or 16-bit PCM (and WritePCM16
// 16-bit samples as they are, for a copy that decodes bit-exact).
//
// Scaling. Integer samples are read as v/2^(n-1), so an n-bit file decodes
// into [-1, 1). The writer clamps to [-1, 1] and scales symmetrically by
// 2^(n-1)-1 (x*32767 for s16, x*8388607 for s24), rounding to nearest, so
// that +1 and -1 both fit without clipping asymmetry. This is libsndfile's
// convention; a write followed by a read therefore scales by (2^(n-1)-1)/2^(n-1)
// (-0.00027 dB at 16 bits). Float samples are written and read bit-exact.
//
// Threading: everything here runs on the control side (loading a set, or the
// offline renderer's goroutine). A Writer is not safe for concurrent use.
// Nothing in this package may be called from Renderer.Render.
package wav
