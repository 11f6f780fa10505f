// Package codec decodes any audio file gridbox supports into an audio.Buffer:
// WAV (through audio/wav), AIFF and AIFF-C (through audio/aiff), FLAC, MP3
// and Ogg Vorbis. It recognises a file by its content, never by its name,
// and reports what is wrong with a file that decodes anyway (Problem: cut
// short, or named as another format) beside its Buffer. PCMFile reads the
// frames of an uncompressed (WAV or AIFF) file at any position without
// decoding it whole, bit-identical to Decode, for disk streaming. Compressed
// files (FLAC, MP3, Ogg Vorbis) cannot be read at any position cheaply:
// Spool decodes one, a chunk at a time in bounded memory, into an
// uncompressed temporary file without a name, and returns it as a Spooled
// PCMFile, bit-identical to Decode too. Each compressed format has one
// decoder, which Decode and Spool share.
//
// Each third-party decoder (github.com/mewkiz/flac, github.com/hajimehoshi/go-mp3,
// github.com/jfreymuth/oggvorbis) is imported by this package only, and its
// errors are put in plain words here.
//
// Threading: everything here runs on the control side when a set loads (or,
// for a PCMFile, on the one goroutine that owns it), never on the audio
// path. Functions are safe for concurrent use; a PCMFile is not, nor a
// Spooled, which its owner closes once done reading it (Close gives the
// temporary file's space back; so does the end of the process, however it
// ends).
package codec
