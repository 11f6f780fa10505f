// Package audio is gridbox's audio seam: the interleaved float32 Format, the
// Renderer that produces frames, the Device that plays them, Buffer, a
// decoded sample held in memory, and Source, a sample read at any position
// as it plays (a long one, streamed from disk); Resample converts a Buffer's
// rate, NewResampler a Source's as it is read.
//
// Subpackages hold the implementations: wav (RIFF/WAVE read and write),
// codec (decoding any supported file into a Buffer), offline (a pull-based
// device on a virtual clock), null, oto and portaudio (live devices; portaudio
// needs cgo and the build tag "portaudio"), supervise (a Device that
// survives the loss of the live devices under it: heartbeat watch, fallback
// clock, reopen with backoff) and audiotest (a fake backend that fails the
// ways sound cards do, for tests).
//
// Threading: a Device calls Renderer.Render from exactly one goroutine or
// thread, never concurrently. Everything else in this package runs on the
// control side: decoding and resampling happen when a set loads, or on the
// engine's streamer goroutine for a streamed Source, never on the audio
// path.
package audio
