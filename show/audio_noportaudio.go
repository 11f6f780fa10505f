//go:build !portaudio

package show

import (
	"errors"
	"fmt"

	"gridbox/audio"
)

// This build has no PortAudio (it needs cgo, libportaudio and the build tag
// "portaudio"; make builds with it).
// DefaultBackend is the backend play uses unless told otherwise.
const DefaultBackend = "oto"

// DevicesAbout is what "gridbox devices --help" says it does.
const DevicesAbout = "Devices lists the audio output devices PortAudio can open, and the MIDI ports."

func backendsWithPortAudio() []string { return nil }

var errNoPortAudio = errors.New("this gridbox was built without PortAudio; use --audio oto or --audio null, or build with \"make\" (-tags portaudio)")

func portAudioOpener(string, *inputSpec, audio.Format, int, int) Opener {
	return func() (audio.Device, error) { return nil, errNoPortAudio }
}

// Devices says, on e.Stdout, that this build cannot list devices.
func Devices(e *Env, verbose bool) error {
	fmt.Fprintln(e.Stdout, "this gridbox was built without PortAudio: only --audio oto (the system default output) and --audio null are available")
	if verbose {
		fmt.Fprintln(e.Stdout, "(without PortAudio nothing looked for devices, so ALSA and JACK said nothing; build with \"make\" for the device list)")
	}
	printMIDIPorts(e)
	return nil
}

func portAudioLog() string { return "" }
