package show

import (
	"fmt"
	"strings"

	"gridbox/audio"
	"gridbox/audio/null"
	"gridbox/audio/oto"
)

// An Opener opens a fresh device of one audio backend; play's supervisor
// calls it at start and again after the device is lost.
type Opener func() (audio.Device, error)

// Backends returns the audio backends play can use in this build,
// DefaultBackend first.
func Backends() []string { return append(backendsWithPortAudio(), "oto", "null") }

// opener returns the Opener of the named backend, playing on device (a
// PortAudio name substring or index; "" is the default output).
func opener(backend, device string, f audio.Format, block, lead int) (Opener, error) {
	switch backend {
	case "portaudio":
		return portAudioOpener(device, f, block, lead), nil
	case "oto":
		return func() (audio.Device, error) { return oto.Open(f, block) }, nil
	case "null":
		return func() (audio.Device, error) { return null.New(f, block), nil }, nil
	}
	return nil, fmt.Errorf("--audio %q: choose one of %s", backend, strings.Join(Backends(), ", "))
}

// printAudioLog prints on e.Stderr what the backend's libraries said
// (normally hidden).
func printAudioLog(e *Env, backend string) {
	log := oto.Log()
	if backend == "portaudio" {
		log = portAudioLog()
	}
	if log == "" {
		log = "(nothing)\n"
	}
	fmt.Fprintf(e.Stderr, "gridbox: what the audio libraries said:\n%s", log)
}

// The errors of an audio backend that the command's exit status tells
// apart: play can only play again in a new process (systemd restarts it
// and it resumes the saved state), or there is no usable output device.
var (
	ErrRestart  = audio.ErrRestart
	ErrNoDevice = audio.ErrNoDevice
)
