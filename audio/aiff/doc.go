// Package aiff reads AIFF and AIFF-C files (Apple's Audio Interchange File
// Format, big-endian IFF) as gridbox audio: Decode turns a file into an
// audio.Buffer, and ReadStream reads a file's header alone, for a reader of
// frames at any position (codec.PCMFile). It shares its sample converters
// and chunk walk with audio/wav (audio/internal/pcm), so both scale alike:
// integer samples as v/2^(n-1), into [-1, 1); float samples as they are.
//
// Threading: everything here runs on the control side (loading a set, or a
// streaming reader's goroutine). Nothing in this package may be called from
// Renderer.Render.
package aiff
