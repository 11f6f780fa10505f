package show

import (
	"fmt"
	"io"
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
func opener(backend, device string, in *inputSpec, f audio.Format, block, lead int) (Opener, error) {
	switch backend {
	case "portaudio":
		return portAudioOpener(device, in, f, block, lead), nil
	case "oto":
		return func() (audio.Device, error) { return oto.Open(f, block) }, nil
	case "null":
		return func() (audio.Device, error) { return null.New(f, block).WithInput(in.channels()), nil }, nil
	}
	return nil, fmt.Errorf("--audio %q: choose one of %s", backend, strings.Join(Backends(), ", "))
}

// inputSpec is the audio input play records from: Device as the config's
// audio.input says ("": the output device's own; see portaudio.Config),
// Channels how many of its channels, from the first (0: no input). Play
// fills in Channels once the set is loaded, before the first device
// opens; a nil spec is no input.
type inputSpec struct {
	Device   string
	Channels int
}

func (in *inputSpec) channels() int {
	if in == nil {
		return 0
	}
	return in.Channels
}

// orWithoutInput returns an Opener that opens the device with its input
// (with), or when that fails, without one: a device whose input cannot
// open (none there, fewer channels) still plays, audio tracks then record
// silence, and stderr says why.
func orWithoutInput(stderr io.Writer, in *inputSpec, with, without Opener) Opener {
	return func() (audio.Device, error) {
		d, err := with()
		if err == nil || in.channels() == 0 {
			return d, err
		}
		d, err2 := without()
		if err2 != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "gridbox: no audio input (%v): playing without one; audio tracks record silence\n", err)
		return d, nil
	}
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
