//go:build !portaudio

package show

import (
	"errors"

	"gridbox/audio"
)

// openCalibration says calibrate needs PortAudio: the other backends have
// no input.
func openCalibration(string, string, int, audio.Format, int, int) (calibrationDevice, string, error) {
	return nil, "", errors.New("calibrate needs PortAudio, to listen on an input; this gridbox was built without it: build with \"make\" (-tags portaudio)")
}
