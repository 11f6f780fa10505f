//go:build !portaudio

package main

import (
	"strings"
	"testing"
)

// A build without PortAudio takes the same devices flags as one with it
// (issue 9: "devices --verbose" was a usage error there) and says why it
// has no list.
func TestDevicesWithoutPortAudio(t *testing.T) {
	for _, args := range [][]string{{"devices"}, {"devices", "--verbose"}} {
		code, stdout, stderr := gridbox(t, args...)
		if code != 0 || !strings.HasPrefix(stdout, "this gridbox was built without PortAudio") {
			t.Errorf("%q: exit %d:\n%s%s", args, code, stdout, stderr)
		}
		if verbose := len(args) == 2; verbose != strings.Contains(stdout, "ALSA and JACK said nothing") {
			t.Errorf("%q: %s", args, stdout)
		}
		// MIDI ports are listed after the audio, or why there are none.
		if !strings.Contains(stdout, "\nno MIDI ports: ") && !strings.Contains(stdout, "\nMIDI ports:\n") {
			t.Errorf("%q: no word on MIDI ports:\n%s", args, stdout)
		}
	}
}
