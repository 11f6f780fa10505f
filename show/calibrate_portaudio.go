//go:build portaudio

package show

import (
	"fmt"

	"gridbox/audio"
	"gridbox/audio/portaudio"
)

// openCalibration opens PortAudio's output device (as play's --device)
// duplex with channels channels of input (see portaudio.Config.Input), and
// describes both.
func openCalibration(device, input string, channels int, f audio.Format, block, lead int) (calibrationDevice, string, error) {
	d, err := portaudio.Open(portaudio.Config{Device: device, Input: input, InputChannels: channels, Rate: f.SampleRate, Block: block, Lead: lead, Channels: f.Channels})
	if err != nil {
		return nil, "", err
	}
	about := fmt.Sprintf("output %s", d.Info())
	switch {
	case d.InputChannels() == 0:
	case d.Input().Index == d.Info().Index:
		about = fmt.Sprintf("device %s", d.Info())
	default:
		about += fmt.Sprintf(", input %s", d.Input())
	}
	return d, about, nil
}
