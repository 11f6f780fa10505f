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
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "this gridbox was built without PortAudio: only --audio oto (the system default output) and --audio null are available")
	return nil
}

func portAudioLog() string { return "" }
