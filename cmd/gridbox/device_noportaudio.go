//go:build !portaudio

package main

import (
	"errors"
	"fmt"

	"gridbox/audio"
)

// This build has no PortAudio (it needs cgo, libportaudio and the build tag
// "portaudio"; make builds with it).
const defaultAudio = "oto"

var backendsWithPortAudio []string

var errNoPortAudio = errors.New("this gridbox was built without PortAudio; use --audio oto or --audio null, or build with \"make\" (-tags portaudio)")

func portAudioOpener(string, audio.Format, int, int) opener {
	return func() (audio.Device, error) { return nil, errNoPortAudio }
}

func cmdDevices(e *env, args []string) error {
	fs := newFlags(e, "devices", "", "Devices lists the audio output devices PortAudio can open.")
	// The same flags as a PortAudio build's, so that the same command
	// line gets this answer rather than a usage error (issue 9).
	verbose := fs.Bool("verbose", false, "also print what ALSA and JACK said while PortAudio looked for devices")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "this gridbox was built without PortAudio: only --audio oto (the system default output) and --audio null are available")
	if *verbose {
		fmt.Fprintln(e.stdout, "(without PortAudio nothing looked for devices, so ALSA and JACK said nothing; build with \"make\" for the device list)")
	}
	return nil
}

func portAudioLog() string { return "" }
