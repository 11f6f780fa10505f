// Package midifiletest writes small Standard MIDI Files byte by byte, for
// tests of what reads them: every byte is spelled out where a test uses
// it, running status and malformed files included.
package midifiletest

import (
	"encoding/binary"
	"slices"
)

// VLQ encodes v (at most 0x0fffffff) as a variable-length quantity.
func VLQ(v uint32) []byte {
	b := []byte{byte(v & 0x7f)}
	for v >>= 7; v > 0; v >>= 7 {
		b = append([]byte{byte(v&0x7f) | 0x80}, b...)
	}
	return b
}

// Ev is an event: its delta-time in ticks, then its bytes as given (for
// running status, leave the status byte out).
func Ev(delta uint32, b ...byte) []byte { return append(VLQ(delta), b...) }

// EOT is the end-of-track meta event, delta ticks after the last event.
func EOT(delta uint32) []byte { return Ev(delta, 0xff, 0x2f, 0) }

// Tempo is a tempo meta event of us microseconds per quarter note.
func Tempo(delta uint32, us int) []byte {
	return Ev(delta, 0xff, 0x51, 3, byte(us>>16), byte(us>>8), byte(us))
}

// Chunk is a chunk: its four-letter id, its length and body.
func Chunk(id string, body []byte) []byte {
	b := append([]byte(id), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[4:], uint32(len(body)))
	return append(b, body...)
}

// Track is an MTrk chunk of the events, in order.
func Track(events ...[]byte) []byte { return Chunk("MTrk", slices.Concat(events...)) }

// Header is an MThd chunk.
func Header(format, tracks, division uint16) []byte {
	h := make([]byte, 6)
	binary.BigEndian.PutUint16(h[0:], format)
	binary.BigEndian.PutUint16(h[2:], tracks)
	binary.BigEndian.PutUint16(h[4:], division)
	return Chunk("MThd", h)
}

// File is a whole file: a header declaring as many tracks as chunks
// given, then the chunks.
func File(format, division uint16, chunks ...[]byte) []byte {
	return slices.Concat(Header(format, uint16(len(chunks)), division), slices.Concat(chunks...))
}
