// Package oto is a live audio.Device on ebitengine/oto v3: PulseAudio, or
// ALSA when no PulseAudio server is reachable. It needs no cgo (oto loads
// libasound at run time), so it is the sound output of a plain `go build`.
// It is the only package that imports github.com/ebitengine/oto/v3.
//
// oto pulls bytes from an io.Reader on its own goroutines, so the Renderer
// must not run there: a render goroutine (ring.Filler, locked to its OS
// thread, SCHED_FIFO if permitted) keeps a ring filled Lead blocks ahead, and
// the Reader oto pulls from only copies frames out of the ring and converts
// them to little-endian float32 bytes:
//
//	render goroutine ──Render──> ring.Ring ──Read (oto's mux goroutine)──>
//	  oto player buffer (20 ms) ──> PulseAudio / ALSA (20 ms)
//
// # Threading
//
//   - Control side: Open, Start, Close, Warnings.
//   - Render goroutine: the only caller of Renderer.Render; ring producer.
//   - oto's mux goroutine: reader.Read, the ring consumer. Read never blocks
//     and never allocates; with the ring empty it returns 0 bytes and oto
//     retries a millisecond later.
//   - Stats is safe from any goroutine.
//
// # Stats
//
// oto reports no underruns (its player pads missing audio with silence
// without saying so), so Underruns counts Reads that found the ring empty
// while oto's own buffer held less than one block: the moment the device was
// about to starve. LateWakes counts render-goroutine wakes more than one
// period late, and MaxInterval is the longest gap between two Reads that
// returned audio. oto's own mixing allocates on every device read (its
// Mux.ReadFloat32s builds a players slice), which this package cannot
// change; the render goroutine and Read allocate nothing.
//
// oto allows one context per process, for the life of the process, and
// remembers a failed start: Open creates it on first use and later Opens
// reuse it (same format only); Close suspends it.
package oto
