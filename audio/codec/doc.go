// Package codec decodes any audio file gridbox supports into an audio.Buffer:
// WAV (through audio/wav), FLAC, MP3 and Ogg Vorbis. It recognises a file by
// its content, never by its name.
//
// Each third-party decoder (github.com/mewkiz/flac, github.com/hajimehoshi/go-mp3,
// github.com/jfreymuth/oggvorbis) is imported by this package only.
//
// Threading: everything here runs on the control side when a set loads,
// never on the audio path. Functions are safe for concurrent use.
package codec
