// Package jackprobe holds trivial JACK clients for the PortAudio tests.
//
// Probe is the baseline a client under test is measured against on the
// same server, in the same run. Its process callback does nothing but stamp
// each cycle with CLOCK_MONOTONIC, so the cycles it sees are the cycles the
// server ran, however slowly a busy machine let the server run them; a
// client under test that saw fewer in the same interval missed some.
//
// Clicker stands in for a musician and a loopback cable (issue 13): it plays
// click trains on the server's frame clock into a client's inputs, and
// copies one of the client's outputs back into an input.
//
// It links libjack (which portaudio19-dev brings in), hence the portaudio
// build tag; this file alone is untagged. The clients' process threads are
// libjack's; their methods are for one control goroutine.
package jackprobe
