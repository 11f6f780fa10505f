// Package jackprobe is a trivial JACK client for the PortAudio tests: the
// baseline a client under test is measured against on the same server, in
// the same run. Its process callback does nothing but stamp each cycle with
// CLOCK_MONOTONIC, so the cycles it sees are the cycles the server ran,
// however slowly a busy machine let the server run them; a client under
// test that saw fewer in the same interval missed some.
//
// It links libjack (which portaudio19-dev brings in), hence the portaudio
// build tag; this file alone is untagged. The probe's process thread is libjack's; Cycles, Xruns and
// Close are for one control goroutine.
package jackprobe
